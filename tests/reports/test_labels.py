"""Labels drawn through Qt: the barcode and QR code a scanner reads, the text a person reads."""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtGui import QImage

from labdesk.reports.labels import LAYOUTS, print_labels, write_labels_pdf
from labdesk.services.labels import SampleLabel, sample_labels
from tests.batch.centre import Centre, approved_samples, make_centre
from tests.decoders import decode, gray
from tests.support import require_tool


@pytest.fixture
def centre(tmp_path: Path, qapp: object) -> Iterator[Centre]:
    made = make_centre(tmp_path / "centre.sqlite")
    approved_samples(made, 2)
    yield made
    made.db.close()


def _pages(pdf: Path, tmp_path: Path, dpi: int = 300) -> list[QImage]:
    tool = require_tool("pdftoppm")
    subprocess.run([tool, "-r", str(dpi), "-gray", "-png", str(pdf), str(tmp_path / "p")],
                   check=True, capture_output=True)  # fmt: skip
    return [QImage(str(p)) for p in sorted(tmp_path.glob("p-*.png"))]


def _codes(image: QImage) -> dict[str, list[str]]:
    return decode(image)


def _zxing_codes(image: QImage) -> dict[str, list[str]]:
    import zxingcpp

    found: dict[str, list[str]] = {}
    for result in zxingcpp.read_barcodes(gray(image)):
        found.setdefault(result.format.name, []).append(result.text)
    return found


@pytest.mark.parametrize("layout", ["50x30", "70x40"])
def test_each_roll_label_is_a_page_whose_codes_read_back(
    centre: Centre, tmp_path: Path, layout: str, pdf_text: object
) -> None:
    pytest.importorskip("zxingcpp")
    made = sample_labels(centre.db, ["AH202600001"])
    path = tmp_path / "labels.pdf"
    assert write_labels_pdf(made, LAYOUTS[layout], path) == 4
    info = subprocess.run([require_tool("pdfinfo"), str(path)], capture_output=True, text=True)
    width, height = LAYOUTS[layout].page_mm
    points = f"{round(width / 25.4 * 72)} x {round(height / 25.4 * 72)} pts"  # pdfinfo rounds
    assert points in info.stdout.replace("\n", " ")
    pages = _pages(path, tmp_path)
    for label, image in zip(made, pages, strict=True):
        assert _codes(image) == {"QRCode": [label.code], "Code128": [label.code]}
    text = pdf_text(path)  # type: ignore[operator]
    for needle in ("AH202600001", "青菜", "检验样", "备份样", "复检样", "AH202600001/J"):
        assert needle in text


def test_an_a4_sheet_holds_21_labels(centre: Centre, tmp_path: Path) -> None:
    """3 × 7 labels a sheet; each label, cut out as a scanner sees it, reads back."""
    pytest.importorskip("zxingcpp")
    made = sample_labels(centre.db, ["AH202600001", "AH202600002"]) * 3  # 24 labels
    path = tmp_path / "sheet.pdf"
    layout = LAYOUTS["a4"]
    assert write_labels_pdf(made, layout, path) == 2
    dpi = 200
    first = _pages(path, tmp_path, dpi=dpi)[0]
    # The whole sheet, by zxing-cpp (ZBar misreads three barcodes on one scan line).
    assert sorted(_zxing_codes(first)["QRCode"]) == sorted(label.code for label in made[:21])
    px = dpi / 25.4
    for index, label in enumerate(made[:21]):
        column, row = index % layout.columns, index // layout.columns
        cell = first.copy(
            round((layout.origin_mm[0] + column * layout.label_mm[0]) * px),
            round((layout.origin_mm[1] + row * layout.label_mm[1]) * px),
            round(layout.label_mm[0] * px),
            round(layout.label_mm[1] * px),
        )
        assert _codes(cell) == {"QRCode": [label.code], "Code128": [label.code]}, index


def test_printing_paints_the_same_pages_on_a_printer(centre: Centre, tmp_path: Path) -> None:
    from PySide6.QtPrintSupport import QPrinter

    made = sample_labels(centre.db, ["AH202600001"], ["sample", "backup"])
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(tmp_path / "printed.pdf"))
    assert print_labels(made, LAYOUTS["50x30"], printer) == 2
    del printer
    pytest.importorskip("zxingcpp")
    pages = _pages(tmp_path / "printed.pdf", tmp_path)
    assert [_codes(p)["Code128"] for p in pages] == [["AH202600001"], ["AH202600001/B"]]


def test_a_long_name_is_elided_not_overprinted(tmp_path: Path, qapp: object) -> None:
    pytest.importorskip("zxingcpp")
    label = SampleLabel("中心", "AH1", "很长的样品名称" * 8, "2026-10-01", "sample", "AH1")
    path = tmp_path / "long.pdf"
    write_labels_pdf([label], LAYOUTS["50x30"], path)
    assert _codes(_pages(path, tmp_path)[0]) == {"QRCode": ["AH1"], "Code128": ["AH1"]}
