"""Sample labels painted with Qt: one painter for PDF files and for label printers.

Layouts follow common stock: rolls of 50×30 mm and 70×40 mm labels (each label a page,
as thermal label printers feed them) and A4 sheets of 3 × 7 labels of 70×40 mm. A label
holds the sample number, name, sampling date and portion, a QR code and a Code 128
barcode of the same code with its text beneath. The bar and module patterns come from
`labdesk.core.symbols` (python-barcode, segno); here they are only filled as rectangles,
each module a whole number of device pixels so that bars stay sharp on a 203 or 300 dpi
printer, with the quiet zones the standards ask for.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QMarginsF, QRectF, QSizeF, Qt
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontMetricsF,
    QPagedPaintDevice,
    QPageLayout,
    QPageSize,
    QPainter,
    QPdfWriter,
)

from labdesk.core import symbols
from labdesk.reports.fonts import report_font
from labdesk.reports.pdf import ensure_gui_application
from labdesk.services.labels import SampleLabel

#: PDF resolution of label files: 1200 dpi makes a module a whole number of dots on
#: 203, 300 and 600 dpi label printers alike (±1 dot).
LABEL_DPI = 1200


@dataclass(frozen=True)
class LabelLayout:
    key: str
    page_mm: tuple[float, float]  # page width, height
    label_mm: tuple[float, float]
    columns: int = 1
    rows: int = 1
    origin_mm: tuple[float, float] = (0.0, 0.0)  # first label's top-left on the page
    qr_mm: float = 13.0
    bar_mm: float = 8.0
    number_pt: float = 9.0
    text_pt: float = 6.5
    padding_mm: float = 1.5
    centre_line: bool = False

    @property
    def per_page(self) -> int:
        return self.columns * self.rows


LAYOUTS: dict[str, LabelLayout] = {
    "50x30": LabelLayout("50x30", (50.0, 30.0), (50.0, 30.0)),
    "70x40": LabelLayout(
        "70x40",
        (70.0, 40.0),
        (70.0, 40.0),
        qr_mm=17.0,
        bar_mm=10.0,
        number_pt=11.0,
        text_pt=7.5,
        padding_mm=2.0,
        centre_line=True,
    ),
    "a4": LabelLayout(
        "a4",
        (210.0, 297.0),
        (70.0, 40.0),
        columns=3,
        rows=7,
        origin_mm=(0.0, 8.5),
        qr_mm=17.0,
        bar_mm=10.0,
        number_pt=11.0,
        text_pt=7.5,
        padding_mm=2.5,
        centre_line=True,
    ),
}


class _Fonts:
    """The three fonts of a layout, made once per run (not per label)."""

    def __init__(self, layout: LabelLayout) -> None:
        self.number = report_font(layout.number_pt)
        self.number.setBold(True)
        self.text = report_font(layout.text_pt)
        self.code = report_font(layout.text_pt * 0.9)


def _px(mm: float, resolution: float) -> float:
    return mm / 25.4 * resolution


def _text_line(painter: QPainter, font: QFont, rect: QRectF, text: str) -> float:
    """Draws one elided line at the top of `rect`; returns its height."""
    painter.setFont(font)
    metrics = QFontMetricsF(font, painter.device())
    line = metrics.elidedText(text, Qt.TextElideMode.ElideRight, rect.width())
    painter.drawText(
        QRectF(rect.left(), rect.top(), rect.width(), metrics.height()),
        Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop,
        line,
    )
    return metrics.height()


def paint_label(
    painter: QPainter,
    label: SampleLabel,
    layout: LabelLayout,
    origin: tuple[float, float],
    fonts: _Fonts | None = None,
) -> None:
    """One label with its top-left at `origin` (device pixels)."""
    fonts = fonts or _Fonts(layout)
    resolution = float(painter.device().logicalDpiX())
    x0, y0 = origin
    width = _px(layout.label_mm[0], resolution)
    height = _px(layout.label_mm[1], resolution)
    pad = _px(layout.padding_mm, resolution)
    black = QColor(0, 0, 0)

    # QR code, top right, with its 4-module quiet zone inside the square.
    qr = symbols.qr(label.code)
    qr_side = _px(layout.qr_mm, resolution)
    qr_module = max(1, int(qr_side // (qr.size + 2 * symbols.QR_QUIET)))
    qr_left = x0 + width - pad - qr_module * (qr.size + 2 * symbols.QR_QUIET)
    qr_top = y0 + pad
    quiet = symbols.QR_QUIET * qr_module
    for row, column, run in qr.dark_runs():
        painter.fillRect(
            QRectF(
                qr_left + quiet + column * qr_module,
                qr_top + quiet + row * qr_module,
                run * qr_module,
                qr_module,
            ),
            black,
        )

    # Text to the left of the QR code.
    painter.setPen(black)
    text_rect = QRectF(x0 + pad, y0 + pad, qr_left - x0 - 2 * pad, qr_side)
    number_font, text_font = fonts.number, fonts.text
    top = text_rect.top()
    lines: list[tuple[QFont, str]] = [(number_font, label.sample_no)]
    if layout.centre_line and label.centre:
        lines.insert(0, (text_font, label.centre))
    lines += [
        (text_font, label.sample_name),
        (text_font, f"抽样日期 {label.sampling_date}"),
        (number_font if label.portion != "sample" else text_font, label.portion_name),
    ]
    for font, text in lines:
        rect = QRectF(text_rect.left(), top, text_rect.width(), text_rect.bottom() - top)
        if rect.height() <= 0:
            break
        top += _text_line(painter, font, rect, text)

    # Code 128 across the bottom, with its text beneath.
    bars = symbols.code128(label.code)
    code_font = fonts.code
    code_height = QFontMetricsF(code_font, painter.device()).height()
    bar_height = _px(layout.bar_mm, resolution)
    available = width - 2 * pad
    module = max(1, int(available // (bars.width + 2 * symbols.CODE128_QUIET)))
    used = module * bars.width
    bar_left = x0 + (width - used) / 2.0
    bar_top = y0 + height - pad - code_height - bar_height
    for start, run in bars.bars():
        painter.fillRect(
            QRectF(bar_left + start * module, bar_top, run * module, bar_height), black
        )
    painter.setFont(code_font)
    painter.drawText(
        QRectF(x0, bar_top + bar_height, width, code_height),
        Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop,
        label.code,
    )


def paint_labels(
    labels: Sequence[SampleLabel], layout: LabelLayout, device: QPagedPaintDevice
) -> int:
    """Paints the labels on `device` (page size and margins set by the caller); returns
    the page count."""
    if not labels:
        return 0
    painter = QPainter()
    if not painter.begin(device):
        raise OSError("cannot start painting on the label device")
    pages = 0
    fonts = _Fonts(layout)
    try:
        resolution = float(device.logicalDpiX())
        for index, label in enumerate(labels):
            slot = index % layout.per_page
            if slot == 0:
                if index:
                    device.newPage()
                pages += 1
            column, row = slot % layout.columns, slot // layout.columns
            origin = (
                _px(layout.origin_mm[0] + column * layout.label_mm[0], resolution),
                _px(layout.origin_mm[1] + row * layout.label_mm[1], resolution),
            )
            paint_label(painter, label, layout, origin, fonts)
    finally:
        painter.end()
    return pages


def page_layout(layout: LabelLayout) -> QPageLayout:
    """The page of the layout, margins zero (labels are placed by their own origins)."""
    size = QPageSize(QSizeF(*layout.page_mm), QPageSize.Unit.Millimeter, layout.key)
    if layout.key == "a4":
        size = QPageSize(QPageSize.PageSizeId.A4)
    return QPageLayout(
        size, QPageLayout.Orientation.Portrait, QMarginsF(0, 0, 0, 0), QPageLayout.Unit.Millimeter
    )


def write_labels_pdf(labels: Sequence[SampleLabel], layout: LabelLayout, path: Path) -> int:
    """The labels as a PDF file (through a .part name); returns the page count."""
    ensure_gui_application()
    path = Path(path)
    partial = path.with_name(path.name + ".part")
    writer = QPdfWriter(str(partial))
    writer.setResolution(LABEL_DPI)
    writer.setPageLayout(page_layout(layout))
    writer.setTitle("样品标签")
    writer.setCreator("LabDesk")
    try:
        pages = paint_labels(labels, layout, writer)
    finally:
        del writer
    os.replace(partial, path)
    return pages


def print_labels(
    labels: Sequence[SampleLabel], layout: LabelLayout, printer: QPagedPaintDevice
) -> int:
    """Paints the labels on a printer (QPrinter), with the layout's page size."""
    printer.setPageLayout(page_layout(layout))
    return paint_labels(labels, layout, printer)
