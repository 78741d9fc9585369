"""Paints documents onto pages: a PDF file (QPdfWriter) or a printer (QPrinter).

Both are QPagedPaintDevice, so the preview, the printout and the file come from the same
code. We lay out the rich text once at the device's resolution, then paint it page by
page and draw the page furniture ("第 x 页 共 y 页") in a band below the body: Qt's own
QTextDocument.print_() cannot number pages "x of y".
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from PySide6.QtCore import QMarginsF, QRectF, QSizeF, Qt
from PySide6.QtGui import (
    QGuiApplication,
    QPagedPaintDevice,
    QPageLayout,
    QPageSize,
    QPainter,
    QPdfWriter,
    QTextDocument,
)

from labdesk.core.rates import MIN_SAMPLES
from labdesk.reports.fonts import report_font
from labdesk.reports.layout import batch_summary_html, sampling_form_html, test_report_html
from labdesk.reports.model import SamplingFormDoc, TestReportDoc
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


def paint_html(html: str, device: QPagedPaintDevice, *, footer_left: str = "") -> int:
    """Lays out `html` on `device`'s pages with page numbers; returns the page count.

    The caller owns the device's page size and margins.
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
    document.setHtml(html)
    document.setPageSize(QSizeF(page_width, page_height))
    document.setDocumentMargin(0.0)
    pages = max(1, document.pageCount())

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
            painter.setFont(footer_font)
            band = QRectF(0.0, page_height, page_width, footer_height)
            painter.drawText(band, Qt.AlignmentFlag.AlignCenter, f"第 {index + 1} 页 共 {pages} 页")
            if footer_left:
                align = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter
                painter.drawText(band, align, footer_left)
    finally:
        painter.end()
    return pages


def _pdf_writer(path: Path, title: str) -> QPdfWriter:
    writer = QPdfWriter(str(path))
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


def render_report_pdf(doc: TestReportDoc, path: Path) -> int:
    """检验报告 of one sample to `path`; returns the page count."""
    return write_html_pdf(
        test_report_html(doc), path, title=f"检验报告 {doc.report_no}", footer_left=doc.report_no
    )


def render_sampling_form_pdf(doc: SamplingFormDoc, path: Path) -> int:
    """抽样单 to `path`; returns the page count."""
    return write_html_pdf(
        sampling_form_html(doc), path, title=f"抽样单 {doc.form_no}", footer_left=doc.form_no
    )


def print_report(doc: TestReportDoc, device: QPagedPaintDevice) -> int:
    """Paints the report on a QPrinter (print or QPrintPreviewWidget.paintRequested)."""
    return paint_html(test_report_html(doc), device, footer_left=doc.report_no)


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
