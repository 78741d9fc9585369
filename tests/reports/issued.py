"""Helpers for issued-report tests: a centre with a key, PDF tampering, QR reading."""

from __future__ import annotations

import re
import subprocess
import zlib
from pathlib import Path

from PySide6.QtGui import QImage

from labdesk.reports.issue import issue_pdf
from labdesk.services import report_issues
from tests.batch.centre import Centre
from tests.support import require_tool


def kept_pdf(centre: Centre, sample_id: int) -> bytes:
    report = report_issues.current_report(centre.db, sample_id)
    assert report is not None
    return issue_pdf(centre.manager, int(report["id"]), centre.signer)


def page_image(pdf: bytes, tmp_path: Path, dpi: int = 200) -> QImage:
    """The first page as a grey image (poppler's pdftoppm)."""
    tool = require_tool("pdftoppm")
    source = tmp_path / "page.pdf"
    source.write_bytes(pdf)
    subprocess.run(
        [tool, "-r", str(dpi), "-gray", "-png", "-f", "1", "-l", "1", str(source),
         str(tmp_path / "page")],
        check=True, capture_output=True,
    )  # fmt: skip
    image = QImage(str(next(tmp_path.glob("page*.png"))))
    assert not image.isNull()
    return image


def qr_texts(image: QImage) -> list[str]:
    from tests.decoders import decode

    return decode(image).get("QRCode", [])


def editor_save(pdf: bytes, text: str = "0.15") -> bytes:
    """What a PDF editor's save does to a signed file: an incremental update after the
    signature, here a new content stream drawing `text` over the first page."""
    size = int(re.findall(rb"/Size\s+(\d+)", pdf)[-1])
    root = re.findall(rb"/Root\s+(\d+)\s+0\s+R", pdf)[-1]
    startxref = int(re.findall(rb"startxref\s+(\d+)", pdf)[-1])
    page = int(re.search(rb"/Kids\s*\[\s*(\d+)\s+0\s+R", pdf).group(1))  # type: ignore[union-attr]
    stream = f"BT /F1 12 Tf 300 520 Td ({text}) Tj ET".encode()
    body = zlib.compress(stream)
    out = bytearray(pdf)
    at_stream = len(out)
    out += b"%d 0 obj\n<< /Length %d /Filter /FlateDecode >>\nstream\n" % (size, len(body))
    out += body + b"\nendstream\nendobj\n"
    at_page = len(out)
    out += b"%d 0 obj\n<< /Type /Page /Contents %d 0 R >>\nendobj\n" % (page, size)
    xref = len(out)
    out += b"xref\n%d 1\n%010d 00000 n \n%d 1\n%010d 00000 n \n" % (page, at_page, size, at_stream)
    out += b"trailer\n<< /Size %d /Root %s 0 R /Prev %d >>\n" % (size + 1, root, startxref)
    out += b"startxref\n%d\n%%%%EOF\n" % xref
    return bytes(out)


def flip_in_page_stream(pdf: bytes) -> bytes:
    """One byte of the first compressed content stream changed in place (same length):
    what an edit of a printed digit with a hex editor does."""
    at = pdf.index(b"stream\n", pdf.index(b"/FlateDecode")) + len(b"stream\n") + 40
    return pdf[:at] + bytes([pdf[at] ^ 0x01]) + pdf[at + 1 :]


def hex_field(pdf: bytes, key: bytes) -> tuple[int, int]:
    """Start and end of a /LabDesk.<key> <hex> value (inside the brackets)."""
    match = re.search(rb"/LabDesk\." + key + rb"\s*<([0-9A-Fa-f]*)>", pdf)
    assert match is not None
    return match.start(1), match.end(1)


def edit_hex_text(pdf: bytes, key: bytes, old: str, new: str) -> bytes:
    """Replace `old` by `new` (same UTF-8 length) inside a hex-encoded signature field."""
    start, end = hex_field(pdf, key)
    text = bytes.fromhex(pdf[start:end].decode()).decode("utf-8")
    assert old in text and len(old.encode()) == len(new.encode())
    changed = text.replace(old, new, 1).encode("utf-8").hex().encode()
    assert len(changed) == end - start
    return pdf[:start] + changed + pdf[end:]
