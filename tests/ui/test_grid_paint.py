"""The result grid paints exactly what its `data()` says: `multiData` (the one call per
cell Qt 6's delegates make) must give the same roles as `data()`, with nothing left over
from the previous cell (a verdict colour spilling into the next column, say)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QStandardItem, QStandardItemModel
from PySide6.QtWidgets import QHeaderView, QTableView
from pytestqt.qtbot import QtBot

from labdesk.ui.result_grid import ResultGridModel, ResultTableView
from labdesk.ui.session import UiSession
from tests.ui.conftest import sign_in_as


def _like_grid(view: QTableView, widths: list[int]) -> None:
    view.setAlternatingRowColors(True)
    view.setWordWrap(False)
    vertical = view.verticalHeader()
    vertical.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
    vertical.setDefaultSectionSize(26)
    vertical.setVisible(False)
    view.horizontalHeader().setStretchLastSection(True)
    for column, width in enumerate(widths):
        view.setColumnWidth(column, width)
    view.resize(1100, 400)


def test_the_painted_grid_is_what_data_says(qtbot: QtBot, session: UiSession) -> None:
    sign_in_as(session, "tech1")
    sample_id = int(
        session.db.scalar(
            "SELECT si.sample_id FROM sample_items si JOIN samples s ON s.id = si.sample_id "
            "JOIN results r ON r.sample_item_id = si.id "
            "WHERE s.state IN ('received', 'testing') AND r.verdict IN ('pass', 'fail') "
            "ORDER BY si.sample_id LIMIT 1"
        )
    )
    view = ResultTableView()
    qtbot.addWidget(view)
    model = ResultGridModel(session, view)
    view.setModel(model)
    model.load_sample(sample_id)
    # A preview on the first row: italic and coloured cells between plain ones.
    model.set_preview(model.index(0, model.column_of("result")), "12abc")
    _like_grid(view, model.column_widths())
    ours = view.grab().toImage()

    reference = QStandardItemModel(model.rowCount(), model.columnCount())
    reference.setHorizontalHeaderLabels(
        [str(model.headerData(c, Qt.Orientation.Horizontal)) for c in range(model.columnCount())]
    )
    backgrounds = 0
    for row in range(model.rowCount()):
        for column in range(model.columnCount()):
            index = model.index(row, column)
            item = QStandardItem(str(index.data() or ""))
            brush = index.data(Qt.ItemDataRole.BackgroundRole)
            if brush is not None:
                item.setBackground(brush)
                backgrounds += 1
            font = index.data(Qt.ItemDataRole.FontRole)
            if font is not None:
                item.setFont(font)
            item.setFlags(model.flags(index))
            reference.setItem(row, column, item)
    assert backgrounds >= 2  # at least a verdict colour and the preview's
    plain = QTableView()
    qtbot.addWidget(plain)
    plain.setModel(reference)
    _like_grid(plain, model.column_widths())
    assert ours == plain.grab().toImage()
