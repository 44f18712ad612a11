"""How the transport reads a streamed body: in large pieces, so a 10 MB upload costs about what curl's does.

requests_toolbelt's MultipartEncoder measures its parts (tell, fstat) on every read; read 16 KB at a time, as urllib3
asks, that bookkeeping took longer than sending (benchmarks/upload.py: 3.3x curl for 10 MB, 1.3x with 256 KB reads).
"""

from __future__ import annotations

from invoice_desktop.core.attachments import MB
from invoice_desktop.core.http import MultipartBody, OutgoingRequest, Part
from invoice_desktop.core.transport import Transport
from invoice_desktop.practice.imaterialise import DEMO_API_CODE
from invoice_desktop.providers import get_provider


def test_a_10_mb_multipart_body_is_read_in_pieces_of_256_kb_and_arrives_whole(practice, make_file):
    pdf = make_file("big.pdf", size=10 * MB - 4096)
    url = practice.base_url(get_provider("imaterialise")) + "/web-api/order/ORD-1001/invoice"
    request = OutgoingRequest(
        "POST",
        url,
        headers={"ApiCode": DEMO_API_CODE, "Accept": "application/json"},
        body=MultipartBody((Part("File", path=pdf, filename=pdf.name, content_type="application/pdf"),)),
        idempotent=True,
    )
    steps: list[int] = []
    with Transport(progress=lambda sent, total: steps.append(sent)) as transport:
        response = transport.send(request)
    assert response.status == 200, response.text
    total = steps[-1]
    assert total > pdf.stat().st_size  # every byte and the multipart envelope went out
    pieces = [b - a for a, b in zip([0, *steps], steps, strict=False) if b > a]
    assert len(pieces) <= total // (256 * 1024) + 2, f"{len(pieces)} reads for {total:,} bytes"
    assert all(piece == 256 * 1024 for piece in pieces[:-1])
