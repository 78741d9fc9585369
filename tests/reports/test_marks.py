"""The centre's CMA mark and seal: printed only when the centre configured them."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QBuffer, QByteArray, QIODevice, Qt
from PySide6.QtGui import QColor, QImage, QPainter

from labdesk.core.errors import PermissionDenied, ValidationError
from labdesk.services import marks
from labdesk.services.audit import verify_audit
from labdesk.signing.report_verify import verify_pdf
from tests.batch.centre import Centre, approved_samples, make_centre
from tests.reports.issued import kept_pdf


def _png(color: str, size: int = 200) -> bytes:
    image = QImage(size, size, QImage.Format.Format_ARGB32)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setBrush(QColor(color))
    painter.setPen(Qt.PenStyle.NoPen)
    painter.drawEllipse(0, 0, size, size)
    painter.end()
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "PNG")  # type: ignore[call-overload]  # the stub says bytes; it takes str
    return bytes(data.data())


@pytest.fixture
def centre(tmp_path: Path, qapp: object) -> Iterator[Centre]:
    made = make_centre(tmp_path / "centre.sqlite")
    yield made
    made.db.close()


def _images(pdf: bytes) -> int:
    return pdf.count(b"/Subtype /Image")


def _share(image: QImage, colour: str, top: float, bottom: float) -> float:
    """Fraction of sampled pixels in the band [top, bottom) of the page near `colour`."""
    want = QColor(colour)
    hits = total = 0
    for y in range(int(image.height() * top), int(image.height() * bottom), 4):
        for x in range(0, image.width(), 4):
            pixel = image.pixelColor(x, y)
            total += 1
            hits += (
                abs(pixel.red() - want.red()) < 40
                and abs(pixel.green() - want.green()) < 40
                and abs(pixel.blue() - want.blue()) < 40
            )
    return hits / max(total, 1)


def test_without_marks_the_report_shows_neither(centre: Centre) -> None:
    (sample_id,) = approved_samples(centre, 1)
    assert marks.marks(centre.db) == []
    assert _images(kept_pdf(centre, sample_id)) == 1  # the payload QR code only


def test_configured_marks_are_printed_where_the_centre_put_them(
    centre: Centre, tmp_path: Path
) -> None:
    import subprocess

    from tests.support import require_tool

    marks.set_mark(centre.admin, "cma", _png("#0050c8"), position="top-left", size_mm="20")
    marks.set_mark(centre.admin, "seal", _png("#e00000"), position="issue-date", size_mm="40")
    (sample_id,) = approved_samples(centre, 1)
    pdf = kept_pdf(centre, sample_id)
    assert _images(pdf) == 1 + 2 * 2  # the QR code; each mark with its alpha mask
    assert verify_pdf(pdf, [centre.signer.public_key]).payload.report
    source = tmp_path / "marked.pdf"
    source.write_bytes(pdf)
    subprocess.run([require_tool("pdftoppm"), "-r", "60", "-png", "-f", "1", "-l", "1",
                    str(source), str(tmp_path / "colour")], check=True)  # fmt: skip
    image = QImage(str(next(tmp_path.glob("colour*.png"))))
    assert _share(image, "#0050c8", 0.0, 0.15) > 0.005  # the CMA mark in the header
    assert _share(image, "#0050c8", 0.2, 1.0) == 0
    assert _share(image, "#e00000", 0.3, 1.0) > 0.005  # the seal over the issue date
    assert _share(image, "#e00000", 0.0, 0.2) == 0
    assert verify_audit(centre.db).ok
    assert marks.clear_mark(centre.admin, "seal") and not marks.clear_mark(centre.admin, "seal")
    assert [m.kind for m in marks.marks(centre.db)] == ["cma"]


@pytest.mark.parametrize(
    ("kind", "image", "position", "size", "field"),
    [
        ("logo", b"\x89PNG\r\n\x1a\n", None, None, "kind"),
        ("cma", b"GIF89a", None, None, "image"),
        ("cma", b"\x89PNG\r\n\x1a\n", "issue-date", None, "position"),
        ("seal", b"\x89PNG\r\n\x1a\n", None, "100", "size_mm"),
        ("seal", b"\x89PNG\r\n\x1a\n", None, "forty", "size_mm"),
    ],
)
def test_bad_marks_are_refused_naming_the_field(
    centre: Centre, kind: str, image: bytes, position: str | None, size: str | None, field: str
) -> None:
    with pytest.raises(ValidationError) as info:
        marks.set_mark(centre.admin, kind, image, position=position, size_mm=size)
    assert info.value.field == field
    assert marks.marks(centre.db) == []


def test_only_the_administrator_sets_marks(centre: Centre) -> None:
    with pytest.raises(PermissionDenied):
        marks.set_mark(centre.manager, "cma", _png("#000000"))
