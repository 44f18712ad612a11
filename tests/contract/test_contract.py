"""One contract test over every registered provider (as Dangerzone runs one test mixin over every backend): a sixth
provider gets it for free, and must declare its contract to pass.

For each provider: every documented sample request the app can express is built by the app's own provider code,
from equivalent form data, sent through the app's real transport to a loopback capture server, and must match the
documented one in names, nesting, headers and content type, with values in the app's documented formats; every
documented example answer, replayed by that server, must read as the documented outcome. The samples are data files
(samples/), checked to be verbatim copies of the vendor's pages when those are beside the checkout."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from invoice_desktop.core.upload import UploadService
from invoice_desktop.providers import get_provider

from .capture import capture_server
from .contract import SAMPLES, Contract, Send
from .providers import CONTRACTS


def contract_of(provider_id: str) -> Contract:
    if provider_id not in CONTRACTS:
        pytest.fail(f"Provider “{provider_id}” is registered but declares no contract in tests/contract/providers/.")
    return CONTRACTS[provider_id]


def run(uploads: UploadService, provider_id: str, send: Send, base_url: str, tmp_path: Path):
    provider = get_provider(provider_id)
    file_path = None
    if send.file is not None:
        file_path = tmp_path / "files" / send.file[0]
        file_path.parent.mkdir(parents=True, exist_ok=True)
        file_path.write_bytes(send.file[1])
    prepared = uploads.prepare(
        provider,
        send.environment,
        send.form,
        file_path=file_path,
        file_url=send.file_url,
        options=send.options,
        base_url=base_url + send.base_path,
        credentials=send.credentials,
    )
    return uploads.run(prepared)


def test_documented_requests_are_what_the_app_sends(services, provider_id, tmp_path):
    contract = contract_of(provider_id)
    assert contract.requests, f"{provider_id}: no documented request is checked"
    for case in contract.requests:
        with capture_server(case.routes) as server:
            result = run(services.uploads, provider_id, case.send, server.url, tmp_path)
            assert result.ok, f"{provider_id} {case.name}: {result.title} {result.detail}"
            try:
                case.check(server.requests)
            except AssertionError as exc:
                raise AssertionError(f"{provider_id}, documented request “{case.name}”: {exc}") from exc


def test_documented_answers_read_as_documented(services, provider_id, tmp_path):
    contract = contract_of(provider_id)
    assert contract.answers, f"{provider_id}: no documented answer is replayed"
    for case in contract.answers:
        with capture_server(case.routes) as server:
            result = run(services.uploads, provider_id, case.send, server.url, tmp_path)
        where = f"{provider_id}, documented answer “{case.name}”"
        assert result.outcome is case.outcome, f"{where}: {result.outcome} {result.title} {result.detail}"
        if case.provider_code is not None:
            assert result.provider_code == case.provider_code, f"{where}: code {result.provider_code}"
        shown = f"{result.title} {result.detail} {result.provider_message or ''}"
        for words in case.words:
            assert words in shown, f"{where}: “{words}” not in “{shown}”"


def seeds_folder() -> Path | None:
    """shared/seeds beside the checkout (CI and the developers' machines), or INVOICE_DESKTOP_SEEDS."""
    if os.environ.get("INVOICE_DESKTOP_SEEDS"):
        return Path(os.environ["INVOICE_DESKTOP_SEEDS"])
    here = Path(__file__).resolve()
    for parent in here.parents:
        candidate = parent / "shared" / "seeds"
        if candidate.is_dir():
            return candidate
    return None


def test_samples_are_verbatim_from_the_vendors_pages(provider_id):
    contract = contract_of(provider_id)
    for name in contract.verbatim:
        assert (SAMPLES / provider_id / name).is_file(), f"{provider_id}: sample {name} is missing"
    if contract.seed is None:
        return  # a provider documented here only (the fake sixth provider)
    seeds = seeds_folder()
    if seeds is None:
        pytest.skip("shared/seeds is not beside this checkout")
    page = (seeds / contract.seed).read_text(encoding="utf-8")
    for name, read in contract.verbatim.items():
        text = (SAMPLES / provider_id / name).read_text(encoding="utf-8").rstrip("\n")
        assert text in read(page), f"{provider_id}: {name} is not verbatim from {contract.seed}"
