"""Printing sample labels: at registration and on demand (Samples screen, Ctrl+L).

The dialog chooses the label stock (50×30 mm or 70×40 mm rolls, A4 sheets) and which
labels (the sample, 检验样, 备份样, 复检样), then prints through the system's print dialog
(QPrinter) or saves a PDF. What is printed, and the refusals (a cancelled sample, a
number a barcode cannot carry), come from `services.labels`; the painting from
`reports.labels`, the same code for paper and PDF.

The file and printer questions are replaceable providers (`ask_path`, `ask_printer`) so
tests drive the dialog by clicks without a native dialog.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from labdesk.core.errors import LabDeskError
from labdesk.ui.errors import error_text
from labdesk.ui.session import UiSession

AT_REGISTRATION_KEY = "labels/at_registration"
LAYOUT_KEY = "labels/layout"
PORTION_KEYS = ("sample", "test", "backup", "retest")


def labels_at_registration(session: UiSession) -> bool:
    """Does the dialog open by itself after a sample is registered? (default: yes)"""
    return bool(session.settings.value(AT_REGISTRATION_KEY, True, type=bool))


def _ask_path(parent: QWidget) -> str:
    title = QCoreApplication.translate("LabelsDialog", "Save labels as PDF")
    path, _filter = QFileDialog.getSaveFileName(parent, title, "labels.pdf", "PDF (*.pdf)")
    return path


def _ask_printer(parent: QWidget) -> Any:
    from PySide6.QtPrintSupport import QPrintDialog, QPrinter

    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    dialog = QPrintDialog(printer, parent)
    return printer if dialog.exec() == QDialog.DialogCode.Accepted else None


class LabelsDialog(QDialog):
    def __init__(
        self, session: UiSession, sample_nos: Sequence[str], parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.session = session
        self.sample_nos = list(sample_nos)
        self.setObjectName("labels_dialog")
        self.setWindowTitle(self.tr("Labels"))
        self.ask_path: Callable[[], str] = lambda: _ask_path(self)
        self.ask_printer: Callable[[], Any] = lambda: _ask_printer(self)

        heading = QLabel(self.tr("Labels for {0}").format("、".join(self.sample_nos)))
        heading.setWordWrap(True)
        self.layout_choice = QComboBox()
        self.layout_choice.setObjectName("labels_layout")
        for key, title in (
            ("50x30", self.tr("50 × 30 mm labels (roll)")),
            ("70x40", self.tr("70 × 40 mm labels (roll)")),
            ("a4", self.tr("A4 sheets, 3 × 7 labels of 70 × 40 mm")),
        ):
            self.layout_choice.addItem(title, key)
        saved = self.layout_choice.findData(session.settings.value(LAYOUT_KEY, "50x30", type=str))
        self.layout_choice.setCurrentIndex(max(0, saved))
        self.portions: dict[str, QCheckBox] = {}
        portion_row = QHBoxLayout()
        for key, title in zip(
            PORTION_KEYS,
            (
                self.tr("Sample"),
                self.tr("Test portion"),
                self.tr("Backup portion"),
                self.tr("Re-test portion"),
            ),
            strict=True,
        ):
            box = QCheckBox(title)
            box.setObjectName(f"labels_portion_{key}")
            box.setChecked(True)
            self.portions[key] = box
            portion_row.addWidget(box)
        self.at_registration = QCheckBox(self.tr("Open this after each registration"))
        self.at_registration.setObjectName("labels_at_registration")
        self.at_registration.setChecked(labels_at_registration(session))
        self.at_registration.toggled.connect(
            lambda on: session.settings.setValue(AT_REGISTRATION_KEY, on)
        )
        self.message = QLabel()
        self.message.setObjectName("labels_message")
        self.message.setWordWrap(True)
        self.print_button = QPushButton(self.tr("&Print…"))
        self.print_button.setObjectName("labels_print")
        self.print_button.clicked.connect(self.print_labels)
        self.pdf_button = QPushButton(self.tr("Save &PDF…"))
        self.pdf_button.setObjectName("labels_pdf")
        self.pdf_button.clicked.connect(self.save_pdf)
        self.close_button = QPushButton(self.tr("Close"))
        self.close_button.setObjectName("labels_close")
        self.close_button.clicked.connect(self.reject)

        form = QFormLayout()
        form.addRow(self.tr("Label stock"), self.layout_choice)
        form.addRow(self.tr("Labels"), portion_row)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.print_button)
        buttons.addWidget(self.pdf_button)
        buttons.addWidget(self.close_button)
        layout = QVBoxLayout(self)
        layout.addWidget(heading)
        layout.addLayout(form)
        layout.addWidget(self.at_registration)
        layout.addWidget(self.message)
        layout.addLayout(buttons)
        self.print_button.setDefault(True)

    def _chosen(self) -> tuple[list[Any], Any] | None:
        from labdesk.reports.labels import LAYOUTS
        from labdesk.services.labels import sample_labels

        portions = [key for key, box in self.portions.items() if box.isChecked()]
        key = str(self.layout_choice.currentData())
        self.session.settings.setValue(LAYOUT_KEY, key)
        try:
            return sample_labels(self.session.db, self.sample_nos, portions), LAYOUTS[key]
        except LabDeskError as exc:
            self._say(error_text(exc), True)
            return None

    def _say(self, text: str, error: bool) -> None:
        self.message.setStyleSheet("color: #b00020;" if error else "")
        self.message.setText(text)

    def save_pdf(self) -> bool:
        from labdesk.reports.labels import write_labels_pdf

        chosen = self._chosen()
        if chosen is None:
            return False
        path = self.ask_path()
        if not path:
            return False
        labels, layout = chosen
        try:
            pages = write_labels_pdf(labels, layout, Path(path))
        except OSError as exc:
            self._say(error_text(exc), True)  # names the file and why, in the UI's language
            return False
        done = self.tr("{0} labels saved to {1} ({2} pages).")
        self._say(done.format(len(labels), path, pages), False)
        return True

    def print_labels(self) -> bool:
        from labdesk.reports.labels import print_labels

        chosen = self._chosen()
        if chosen is None:
            return False
        printer = self.ask_printer()
        if printer is None:
            return False
        labels, layout = chosen
        try:
            print_labels(labels, layout, printer)
        except OSError as exc:
            self._say(self.tr("Printing failed: {0}").format(error_text(exc)), True)
            return False
        self._say(self.tr("{0} labels sent to the printer.").format(len(labels)), False)
        return True
