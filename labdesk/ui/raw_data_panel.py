"""What stands behind one result, beside it: readings, formula, run and QC.

Shown next to the items on the review screen and the runs screen. The text comes from
`reports.raw_data.provenance_html` (the same as the printed raw-data sheet), in the
interface language.
"""

from __future__ import annotations

from PySide6.QtWidgets import QTextBrowser, QVBoxLayout, QWidget

from labdesk.reports.raw_data import provenance_html
from labdesk.services.run_views import provenance
from labdesk.ui.labels import chinese_ui
from labdesk.ui.session import UiSession


class RawDataPanel(QWidget):
    def __init__(self, session: UiSession, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.setObjectName("raw_data_panel")
        self.text = QTextBrowser()
        self.text.setObjectName("raw_data_text")
        self.text.setOpenLinks(False)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.text)
        self.show_item(None)

    def show_item(self, sample_item_id: int | None) -> None:
        if sample_item_id is None:
            self.text.setPlainText(self.tr("Select an item to see its readings, formula and QC."))
            return
        found = provenance(self.session.db, sample_item_id)
        self.text.setHtml(provenance_html(found, zh=chinese_ui()))

    def plain_text(self) -> str:
        return self.text.toPlainText()
