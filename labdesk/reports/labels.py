"""Sample labels painted with Qt: one painter for PDF files and for label printers.

Layouts follow common stock: rolls of 50×30 mm and 70×40 mm labels (each label a page,
as thermal label printers feed them) and A4 sheets of 3 × 7 labels of 70×40 mm. A label
holds the sample number, name, sampling date and portion, a QR code and a Code 128
barcode of the same code with its text beneath. The module patterns come from
`labdesk.core.symbols` (zxing-cpp); here they are only scaled onto the page, each module
a whole number of device pixels so that bars stay sharp on a 203 or 300 dpi printer,
with the quiet zones the standards ask for.
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
    QImage,
    QPagedPaintDevice,
    QPageLayout,
    QPageSize,
    QPaintDevice,
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


def _px(mm: float, resolution: float) -> float:
    return mm / 25.4 * resolution


class _Frame:
    """A layout on a device: fonts, their metrics and every size in device pixels,
    worked out once per run rather than once per label."""

    def __init__(self, layout: LabelLayout, device: QPaintDevice) -> None:
        self.layout = layout
        resolution = float(device.logicalDpiX())
        self.number = report_font(layout.number_pt)
        self.number.setBold(True)
        self.text = report_font(layout.text_pt)
        self.code = report_font(layout.text_pt * 0.9)
        self.metrics = {
            id(font): QFontMetricsF(font, device) for font in (self.number, self.text, self.code)
        }
        self.width = _px(layout.label_mm[0], resolution)
        self.height = _px(layout.label_mm[1], resolution)
        self.pad = _px(layout.padding_mm, resolution)
        self.qr_side = _px(layout.qr_mm, resolution)
        self.bar_height = _px(layout.bar_mm, resolution)
        self.code_height = self.line_height(self.code)

    def line_height(self, font: QFont) -> float:
        return self.metrics[id(font)].height()


_BAR_PIXEL = str.maketrans("10", "\x00\xff")  # a bar module dark (0), a space light


def _module_image(pixels: bytes, width: int, height: int) -> QImage:
    """One byte a module (0 dark, 255 light) as a grey image, one pixel a module."""
    return QImage(pixels, width, height, width, QImage.Format.Format_Grayscale8).copy()


_TOP_LEFT = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop
_TOP_CENTRE = Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop
_ELIDE = Qt.TextElideMode.ElideRight
_BLACK = QColor(0, 0, 0)


def paint_label(
    painter: QPainter,
    label: SampleLabel,
    layout: LabelLayout,
    origin: tuple[float, float],
    frame: _Frame | None = None,
) -> None:
    """One label with its top-left at `origin` (device pixels).

    Each symbol is drawn as one image of one pixel per module, scaled by a whole number
    of device pixels without smoothing: every module lands on whole printer dots, and a
    label costs two drawImage calls rather than a few hundred rectangles."""
    f = frame or _Frame(layout, painter.device())
    x0, y0 = origin
    pad = f.pad

    # QR code, top right, with its 4-module quiet zone inside the square.
    qr = symbols.qr(label.code)
    span = qr.size + 2 * symbols.QR_QUIET
    m = max(1, int(f.qr_side // span))
    qr_left = x0 + f.width - pad - m * span
    quiet = symbols.QR_QUIET * m
    painter.drawImage(
        QRectF(qr_left + quiet, y0 + pad + quiet, qr.size * m, qr.size * m),
        _module_image(qr.pixels, qr.size, qr.size),
    )

    # Code 128 across the bottom, with its text beneath.
    bars = symbols.code128(label.code)
    module = max(1, int((f.width - 2 * pad) // (bars.width + 2 * symbols.CODE128_QUIET)))
    bar_top = y0 + f.height - pad - f.code_height - f.bar_height
    painter.drawImage(
        QRectF(x0 + (f.width - module * bars.width) / 2.0, bar_top, module * bars.width,
               f.bar_height),
        _module_image(bars.modules.translate(_BAR_PIXEL).encode("latin-1"), bars.width, 1),
    )  # fmt: skip
    painter.setFont(f.code)
    painter.drawText(
        QRectF(x0, bar_top + f.bar_height, f.width, f.code_height), _TOP_CENTRE, label.code
    )

    # The words, left of the QR code: most important first, what does not fit left off.
    text_left, text_width = x0 + pad, qr_left - x0 - 2 * pad
    bottom = bar_top - pad / 2.0
    # (font, text, may be too long: elide). The portion and the date are short.
    lines: list[tuple[QFont, str, bool]] = [
        (f.number, label.sample_no, True),
        (f.number if label.portion != "sample" else f.text, label.portion_name, False),
        (f.text, label.sample_name, True),
        (f.text, f"抽样日期 {label.sampling_date}", False),
    ]
    if layout.centre_line and label.centre:
        lines.append((f.text, label.centre, True))
    y = y0 + pad
    current = f.code
    for font, text, long in lines:
        metrics = f.metrics[id(font)]
        line_height = metrics.height()
        if y + line_height > bottom:
            break
        if font is not current:
            painter.setFont(font)
            current = font
        painter.drawText(
            QRectF(text_left, y, text_width, line_height),
            _TOP_LEFT,
            metrics.elidedText(text, _ELIDE, text_width) if long else text,
        )
        y += line_height


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
    painter.setPen(_BLACK)
    painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform, False)
    pages = 0
    frame = _Frame(layout, device)
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
            paint_label(painter, label, layout, origin, frame)
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
    # QPdfWriter only warns when it cannot create the file: an OSError with the reason here.
    with open(partial, "wb"):
        pass
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
