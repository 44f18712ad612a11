from invoice_desktop.providers import get_provider


def test_upload_to_practice_sandbox_is_accepted(services, make_file):
    provider = get_provider("imaterialise")
    pdf = make_file("Rechnung_Müller_№5.pdf", size=5000)
    prepared = services.uploads.prepare(provider, "practice", {"order_id": "ORD-1001"}, file_path=pdf)
    result = services.uploads.run(prepared)
    assert result.ok, result
    sandbox = services.uploads.practice.sandbox_for(provider)
    assert sandbox.received[-1]["filename"] == "Rechnung_Müller_№5.pdf"
    assert sandbox.received[-1]["size"] == 5000
