"""Paints documents onto pages: a PDF file (QPdfWriter) or a printer (QPrinter).

Both are QPagedPaintDevice, so the preview, the printout and the file come from the same
code. We lay out the rich text once at the device's resolution, then paint it page by
page and draw the page furniture ("第 x 页 共 y 页") in a band below the body: Qt's own
QTextDocument.print_() cannot number pages "x of y".
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QMarginsF, QRectF, QSizeF, Qt, QUrl
from PySide6.QtGui import (
    QGuiApplication,
    QImage,
    QPagedPaintDevice,
    QPageLayout,
    QPageSize,
    QPainter,
    QPdfWriter,
    QTextDocument,
)

from labdesk.core import symbols
from labdesk.core.errors import LabDeskError
from labdesk.core.rates import MIN_SAMPLES
from labdesk.reports.fonts import report_font
from labdesk.reports.layout import (
    CMA_RESOURCE,
    QR_RESOURCE,
    batch_summary_html,
    sampling_form_html,
    test_report_html,
)
from labdesk.reports.model import Mark, SamplingFormDoc, TestReportDoc
from labdesk.services.summary import BatchSummary

#: Print resolution of generated PDFs; text stays vector, this only sets layout units.
PDF_DPI = 300
#: Page margins in millimetres (left, top, right, bottom), A4 portrait like paper reports.
MARGINS_MM = (20.0, 18.0, 20.0, 15.0)
FOOTER_POINTS = 16.0


def ensure_gui_application() -> QGuiApplication:
    """The running Qt application, or a new offscreen QGuiApplication for CLI use.

    The font database and the PDF writer need one; a command-line run has no display,
    so we ask for the offscreen platform unless the user chose one.
    """
    existing = QGuiApplication.instance()
    if existing is not None:
        return existing  # type: ignore[return-value]
    if not os.environ.get("QT_QPA_PLATFORM") and not (
        os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY") or sys.platform == "win32"
    ):
        os.environ["QT_QPA_PLATFORM"] = "offscreen"
    return QGuiApplication(sys.argv[:1])


@dataclass(frozen=True)
class Overlay:
    """An image painted over the text, centred on the end of the first line holding
    `anchor` (a seal over the issue date), `size_mm` wide and high."""

    anchor: str
    image: QImage
    size_mm: Decimal


def _overlay_rects(
    document: QTextDocument,
    overlays: Sequence[Overlay],
    resolution: float,
    page_width: float,
    page_height: float,
) -> list[tuple[int, QRectF, QImage]]:
    """Where each overlay goes: centred a quarter of its width before the end of its
    anchor's line (over the date, as a seal is stamped), kept inside the page."""
    placed: list[tuple[int, QRectF, QImage]] = []
    for overlay in overlays:
        cursor = document.find(overlay.anchor)
        if cursor.isNull():
            continue
        block = cursor.block()
        rect = document.documentLayout().blockBoundingRect(block)
        line = block.layout().lineAt(0)
        end_x = rect.left() + (line.naturalTextRect().right() if line.isValid() else rect.width())
        side = float(overlay.size_mm) / 25.4 * resolution
        centre_y = rect.top() + rect.height() / 2.0
        page = int(centre_y // page_height)
        top = centre_y - page * page_height - side / 2.0
        left = min(max(0.0, end_x - side * 0.75), page_width - side)
        placed.append((page, QRectF(left, top, side, side), overlay.image))
    return placed


def paint_html(
    html: str,
    device: QPagedPaintDevice,
    *,
    footer_left: str = "",
    resources: Mapping[str, QImage] | None = None,
    overlays: Sequence[Overlay] = (),
) -> int:
    """Lays out `html` on `device`'s pages with page numbers; returns the page count.

    The caller owns the device's page size and margins. `resources` are the images the
    HTML names in `<img src=…>`; `overlays` are painted over the text afterwards.
    """
    font = report_font()
    layout = device.pageLayout()
    resolution = device.logicalDpiY()
    body_rect = layout.paintRectPixels(resolution)
    footer_height = FOOTER_POINTS * resolution / 72.0
    page_width = float(body_rect.width())
    page_height = float(body_rect.height()) - footer_height

    document = QTextDocument()
    document.documentLayout().setPaintDevice(device)
    document.setDefaultFont(font)
    for name, image in (resources or {}).items():
        document.addResource(QTextDocument.ResourceType.ImageResource, QUrl(name), image)
    document.setHtml(html)
    document.setPageSize(QSizeF(page_width, page_height))
    document.setDocumentMargin(0.0)
    pages = max(1, document.pageCount())
    placed = _overlay_rects(document, overlays, resolution, page_width, page_height)

    footer_font = report_font(9.0)
    painter = QPainter()
    if not painter.begin(device):
        raise OSError("cannot start painting on the output device")
    try:
        for index in range(pages):
            if index > 0:
                device.newPage()
            painter.save()
            painter.translate(0.0, -index * page_height)
            document.drawContents(
                painter, QRectF(0.0, index * page_height, page_width, page_height)
            )
            painter.restore()
            for page, rect, image in placed:
                if page == index:
                    painter.drawImage(rect, image)
            painter.setFont(footer_font)
            band = QRectF(0.0, page_height, page_width, footer_height)
            painter.drawText(band, Qt.AlignmentFlag.AlignCenter, f"第 {index + 1} 页 共 {pages} 页")
            if footer_left:
                align = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter
                painter.drawText(band, align, footer_left)
    finally:
        painter.end()
    return pages


def _pdf_writer(path: Path | QIODevice, title: str) -> QPdfWriter:
    if not isinstance(path, QIODevice):
        # QPdfWriter only warns when it cannot create the file; creating it here first
        # turns a missing or read-only folder into an OSError naming the real reason.
        with open(path, "wb"):
            pass
    writer = QPdfWriter(path if isinstance(path, QIODevice) else str(path))
    writer.setResolution(PDF_DPI)
    writer.setPageSize(QPageSize(QPageSize.PageSizeId.A4))
    writer.setPageOrientation(QPageLayout.Orientation.Portrait)
    left, top, right, bottom = MARGINS_MM
    writer.setPageMargins(QMarginsF(left, top, right, bottom), QPageLayout.Unit.Millimeter)
    writer.setTitle(title)
    writer.setCreator("LabDesk")
    return writer


def write_html_pdf(html: str, path: Path, *, title: str, footer_left: str = "") -> int:
    """Writes one PDF file; returns its page count. Writes to a temporary name first so a
    crash never leaves a half-written report under the real name."""
    ensure_gui_application()
    path = Path(path)
    partial = path.with_name(path.name + ".part")
    writer = _pdf_writer(partial, title)
    try:
        pages = paint_html(html, writer, footer_left=footer_left)
    finally:
        del writer  # QPdfWriter finishes the file when it is destroyed
    os.replace(partial, path)
    return pages


def qr_image(text: str, module_px: int = 8) -> QImage:
    """The QR code of `text` as a black-on-white image with its 4-module quiet zone."""
    pattern = symbols.qr(text)
    side = (pattern.size + 2 * symbols.QR_QUIET) * module_px
    image = QImage(side, side, QImage.Format.Format_Grayscale8)
    image.fill(Qt.GlobalColor.white)
    painter = QPainter(image)
    try:
        for y, x, run in pattern.dark_runs():
            painter.fillRect(
                (x + symbols.QR_QUIET) * module_px,
                (y + symbols.QR_QUIET) * module_px,
                run * module_px,
                module_px,
                Qt.GlobalColor.black,
            )
    finally:
        painter.end()
    return image


def _mark_image(mark: Mark) -> QImage:
    image = QImage.fromData(mark.image)
    if image.isNull():
        raise LabDeskError(f"the centre's {mark.kind} image cannot be read (标志图片无法读取)")
    return image


def report_resources(doc: TestReportDoc) -> tuple[dict[str, QImage], list[Overlay]]:
    """The images the report's HTML names, and the overlays (the seal), for `paint_html`."""
    resources: dict[str, QImage] = {}
    overlays: list[Overlay] = []
    if doc.payload:
        resources[QR_RESOURCE] = qr_image(doc.payload)
    for mark in doc.marks:
        if mark.kind == "cma":
            resources[CMA_RESOURCE] = _mark_image(mark)
        elif mark.kind == "seal":
            anchor = "签发日期" if mark.position == "issue-date" else "检验结论为"
            if mark.position == "issue-date" and not doc.issued:
                continue
            overlays.append(Overlay(anchor, _mark_image(mark), mark.size_mm))
    return resources, overlays


def report_pdf_bytes(doc: TestReportDoc, attachments: Mapping[str, bytes] | None = None) -> bytes:
    """检验报告 as PDF bytes, with `attachments` (file name → bytes) embedded as files."""
    ensure_gui_application()
    buffer = QBuffer()
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    writer = _pdf_writer(buffer, f"检验报告 {doc.report_no}")
    for name, data in sorted((attachments or {}).items()):  # a name tree is sorted
        mime = "application/json" if name.endswith(".json") else "text/plain"
        writer.addFileAttachment(name, QByteArray(data), mime)
    resources, overlays = report_resources(doc)
    try:
        paint_html(
            test_report_html(doc),
            writer,
            footer_left=doc.report_no,
            resources=resources,
            overlays=overlays,
        )
    finally:
        del writer  # the PDF is finished when the writer is destroyed
    data = bytes(buffer.data().data())
    buffer.close()
    return data


def render_report_pdf(doc: TestReportDoc, path: Path) -> int:
    """检验报告 of one sample to `path`; returns the page count."""
    ensure_gui_application()
    path = Path(path)
    partial = path.with_name(path.name + ".part")
    writer = _pdf_writer(partial, f"检验报告 {doc.report_no}")
    resources, overlays = report_resources(doc)
    try:
        pages = paint_html(
            test_report_html(doc),
            writer,
            footer_left=doc.report_no,
            resources=resources,
            overlays=overlays,
        )
    finally:
        del writer
    os.replace(partial, path)
    return pages


def render_sampling_form_pdf(doc: SamplingFormDoc, path: Path) -> int:
    """抽样单 to `path`; returns the page count."""
    return write_html_pdf(
        sampling_form_html(doc), path, title=f"抽样单 {doc.form_no}", footer_left=doc.form_no
    )


def print_report(doc: TestReportDoc, device: QPagedPaintDevice) -> int:
    """Paints the report on a QPrinter (print or QPrintPreviewWidget.paintRequested)."""
    resources, overlays = report_resources(doc)
    return paint_html(
        test_report_html(doc),
        device,
        footer_left=doc.report_no,
        resources=resources,
        overlays=overlays,
    )


def print_sampling_form(doc: SamplingFormDoc, device: QPagedPaintDevice) -> int:
    """Paints the sampling form on a QPrinter."""
    return paint_html(sampling_form_html(doc), device, footer_left=doc.form_no)


def render_batch_summary_pdf(
    summary: BatchSummary, centre: str, path: Path, *, min_samples: int = MIN_SAMPLES
) -> int:
    """批次汇总 of one export batch (or the pending one) to `path`; returns the page count."""
    return write_html_pdf(
        batch_summary_html(summary, centre, min_samples),
        path,
        title=f"批次汇总 {summary.title}",
    )


def print_batch_summary(summary: BatchSummary, centre: str, device: QPagedPaintDevice) -> int:
    """Paints a batch summary on a QPrinter."""
    return paint_html(batch_summary_html(summary, centre), device)
