"""The result import screen (issue 20): reached from the result grid and the File menu, a
GBK CSV previewed row by row with its verdicts, all rows imported or none."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction
from pytestqt.qtbot import QtBot

from labdesk.ui.entry import ResultEntryScreen
from labdesk.ui.result_import import ResultImportDialog
from labdesk.ui.session import UiSession
from tests.ui.conftest import sign_in_as
from tests.ui.test_workflow import cell, fresh_sample

TIMEOUT = 15000


def gbk_csv(path: Path, rows: list[list[str]]) -> Path:
    path.write_bytes(("\r\n".join(",".join(r) for r in rows) + "\r\n").encode("gbk"))
    return path


def chives_rows(sample_no: str) -> list[list[str]]:
    return [
        ["样品编号", "检验项目", "检验结果"],
        [sample_no, "腐霉利", "0.35"],
        [sample_no, "克百威", "ND(0.002)"],
        [sample_no, "氧乐果", "0.005"],
    ]


def results_of(session: UiSession, sample_id: int) -> list[str]:
    return [
        str(r[0])
        for r in session.db.query(
            "SELECT r.text FROM results r JOIN sample_items i ON i.id = r.sample_item_id "
            "WHERE i.sample_id = ? AND r.superseded_by IS NULL ORDER BY i.seq",
            (sample_id,),
        )
    ]


def open_from_grid(qtbot: QtBot, session: UiSession, sample_id: int) -> ResultImportDialog:
    screen = ResultEntryScreen(session)
    qtbot.addWidget(screen)
    screen.show()
    screen.open_sample(sample_id)
    qtbot.mouseClick(screen.import_button, Qt.MouseButton.LeftButton)
    dialog = screen.import_dialog
    assert isinstance(dialog, ResultImportDialog) and dialog.isVisible()
    return dialog


def choose(qtbot: QtBot, dialog: ResultImportDialog, path: Path) -> None:
    dialog.file_provider = lambda _parent: path
    qtbot.mouseClick(dialog.choose_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not dialog.busy and dialog.prepared is not None, timeout=TIMEOUT)


def test_a_gbk_csv_from_the_grid_previewed_then_imported_whole(
    qtbot: QtBot, session: UiSession, tmp_path: Path
) -> None:
    sign_in_as(session, "tech1")
    sample_id = fresh_sample(session, 41)
    dialog = open_from_grid(qtbot, session, sample_id)
    path = gbk_csv(tmp_path / "结果.csv", chives_rows("UITEST-0041"))
    choose(qtbot, dialog, path)
    assert "GBK" in dialog.file_label.text() and "SHA-256" in dialog.file_label.text()
    model = dialog.rows_model
    verdicts = [model.index(r, 4).data() for r in range(model.rowCount())]
    assert verdicts == ["Fail", "Pass", "Pass"]
    assert model.index(1, 5).data() == "未检出（检出限 0.002 mg/kg）"
    assert dialog.import_button.isEnabled()
    assert results_of(session, sample_id) == []  # nothing written by the preview
    qtbot.mouseClick(dialog.import_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.imported == 3, timeout=TIMEOUT)
    assert results_of(session, sample_id) == ["0.35", "ND(0.002)", "0.005"]
    imported = session.db.query_one("SELECT file_name, encoding FROM result_imports")
    assert imported is not None and tuple(imported) == ("结果.csv", "GBK")
    screen = dialog.parent()
    assert isinstance(screen, ResultEntryScreen)
    assert cell(screen.view, 0, "verdict") == "Fail"  # the grid shows what was imported


def test_one_refused_row_keeps_import_disabled_and_writes_nothing(
    qtbot: QtBot, session: UiSession, tmp_path: Path
) -> None:
    sign_in_as(session, "tech1")
    sample_id = fresh_sample(session, 42)
    dialog = open_from_grid(qtbot, session, sample_id)
    rows = [*chives_rows("UITEST-0042"), ["UITEST-0042", "克百威", "0.01"]]
    audit = session.db.scalar("SELECT count(*) FROM audit_log")
    choose(qtbot, dialog, gbk_csv(tmp_path / "dup.csv", rows))
    model = dialog.rows_model
    assert model.index(3, 4).data() == "Refused"
    assert "unique" in model.index(3, 5).data()
    assert not dialog.import_button.isEnabled()
    assert "1" in dialog.summary.text()
    qtbot.mouseClick(dialog.import_button, Qt.MouseButton.LeftButton)
    assert results_of(session, sample_id) == []
    assert session.db.scalar("SELECT count(*) FROM audit_log") == audit


def test_a_bad_file_is_said_plainly(qtbot: QtBot, session: UiSession, tmp_path: Path) -> None:
    sign_in_as(session, "tech1")
    sample_id = fresh_sample(session, 43)
    dialog = open_from_grid(qtbot, session, sample_id)
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    dialog.file_provider = lambda _parent: empty
    qtbot.mouseClick(dialog.choose_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not dialog.busy and dialog.banner.isVisible(), timeout=TIMEOUT)
    assert dialog.banner.is_error and "the file is empty" in dialog.banner.text()
    assert not dialog.import_button.isEnabled()


def test_another_layout_is_mapped_by_choosing_columns_and_saved(
    qtbot: QtBot, session: UiSession, tmp_path: Path
) -> None:
    sign_in_as(session, "tech1")
    sample_id = fresh_sample(session, 44)
    dialog = open_from_grid(qtbot, session, sample_id)
    rows = [["Sample ID", "Analyte", "读数"], ["UITEST-0044", "腐霉利", "0.10"]]
    rows += [["UITEST-0044", "克百威", "<0.01"], ["UITEST-0044", "氧乐果", "<0.01"]]
    choose(qtbot, dialog, gbk_csv(tmp_path / "aas.csv", rows))
    assert not dialog.import_button.isEnabled()  # 读数 is not a known title
    chooser = dialog.choosers["result"]
    chooser.setFocus()
    qtbot.keyClick(chooser, Qt.Key.Key_End)  # the last column, 读数
    assert chooser.currentText() == "读数"
    qtbot.waitUntil(lambda: not dialog.busy and dialog.import_button.isEnabled(), timeout=TIMEOUT)
    qtbot.keyClicks(dialog.save_name, "AAS 01")
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert dialog.saved.currentText() == "AAS 01"
    assert session.db.scalar("SELECT name FROM import_mappings") == "AAS 01"
    qtbot.mouseClick(dialog.import_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.imported == 3, timeout=TIMEOUT)
    assert results_of(session, sample_id) == ["0.10", "<0.01", "<0.01"]


def test_the_file_menu_opens_it_on_the_result_entry_screen(
    qtbot: QtBot, session: UiSession
) -> None:
    from labdesk.ui.main_window import MainWindow

    sign_in_as(session, "tech1")
    window = MainWindow(session)
    qtbot.addWidget(window)
    window.show()
    action = window.findChild(QAction, "action_import_results")
    assert isinstance(action, QAction)
    action.trigger()
    assert window.current_key() == "entry"
    screen = window.screen_widget("entry")
    assert isinstance(screen, ResultEntryScreen)
    assert isinstance(screen.import_dialog, ResultImportDialog)
    assert screen.import_dialog.isVisible()
