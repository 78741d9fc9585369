"""The Standards screen's food tab: the tree, a class's inherited limits with their
sources, versions side by side, and the import preview (problems listed, nothing
loaded; a clean file loaded; the same file again: no change)."""

from __future__ import annotations

import csv
from pathlib import Path

from PySide6.QtCore import QDate, Qt
from pytestqt.qtbot import QtBot

from labdesk.ui.session import UiSession
from labdesk.ui.standards_screen import StandardsScreen
from tests.ui.conftest import sign_in_as
from tests.ui.typing import type_text

HEADER = [
    "标准编号",
    "实施日期",
    "代替标准",
    "农药",
    "项目代码",
    "食品类别/名称",
    "最大残留限量/(mg/kg)",
]


def _screen(qtbot: QtBot, session: UiSession) -> StandardsScreen:
    screen = StandardsScreen(session)
    qtbot.addWidget(screen)
    screen.resize(1400, 900)
    screen.show()
    assert screen.tabs.currentIndex() == 0  # the food library comes first
    return screen


def _rows(model: object) -> list[tuple[object, ...]]:
    return [tuple(r) for r in model.rows()]  # type: ignore[attr-defined]


def _click_class(qtbot: QtBot, screen: StandardsScreen, text: str) -> None:
    panel = screen.food_panel
    type_text(qtbot, panel.search_edit, text)
    item = panel.tree.currentItem()
    assert item is not None
    rect = panel.tree.visualItemRect(item)
    qtbot.mouseClick(panel.tree.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())


def _csv(path: Path, rows: list[list[str]]) -> Path:
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADER)
        writer.writerows(rows)
    return path


def test_a_leaf_shows_its_inherited_limits_and_where_they_came_from(
    qtbot: QtBot, session: UiSession
) -> None:
    screen = _screen(qtbot, session)
    panel = screen.food_panel
    _click_class(qtbot, screen, "dm")
    assert panel.selected_code() == "F01020101"
    assert "粮食加工品 / 大米 / 大米 / 大米" in panel.class_label.text()
    rows = {r[0]: r for r in _rows(panel.limits_model)}
    assert rows["铅"][5] == "GB 2762-2022 表1, 谷物及其制品 → 大米"
    assert rows["铅"][6]  # sample data, said so
    assert rows["黄曲霉毒素B1"][4] == "GB 2761-2017"
    versions = panel.versions_model.headers()
    assert any(h.startswith("GB 2762-2022") for h in versions)


def test_versions_sit_side_by_side_and_the_date_picks_one(qtbot: QtBot, session: UiSession) -> None:
    screen = _screen(qtbot, session)
    panel = screen.food_panel
    _click_class(qtbot, screen, "jqgl")  # 结球甘蓝
    headers = panel.versions_model.headers()
    old = next(i for i, h in enumerate(headers) if h.startswith("GB 2762-2017"))
    new = next(i for i, h in enumerate(headers) if h.startswith("GB 2762-2022"))
    cadmium = next(r for r in _rows(panel.versions_model) if r[0] == "镉")
    assert cadmium[old] == "≤0.05" and cadmium[new] == "≤0.05"
    lead = next(r for r in _rows(panel.versions_model) if r[0] == "铅")
    assert lead[old] == "" and lead[new] == "≤0.2"  # the 2017 sample rows have no lead
    panel.date_edit.setDate(QDate(2020, 5, 1))
    standards = {r[4] for r in _rows(panel.limits_model)}
    assert "GB 2762-2017" in standards and "GB 2762-2022" not in standards


def test_the_import_preview_lists_every_problem_and_loads_nothing(
    qtbot: QtBot, session: UiSession, tmp_path: Path
) -> None:
    sign_in_as(session, "admin")
    screen = _screen(qtbot, session)
    before = session.db.scalar("SELECT count(*) FROM lib_versions")
    bad = _csv(
        tmp_path / "bad.csv",
        [
            ["GB 2763-2099", "2099-01-01", "GB 2763-2021", "克百威", "carbofuran", "面包", "0.01"],
            ["", "", "", "", "", "大米", "0.01mg/kg"],
        ],
    )
    dialog = screen.food_panel.preview_import(bad)
    qtbot.waitUntil(dialog.isVisible)
    assert not dialog.ok_button.isEnabled()
    problems = _rows(dialog.model)
    assert [(p[0], p[2]) for p in problems] == [(2, "unknown_class"), (3, "limit")]
    dialog.reject()
    assert session.db.scalar("SELECT count(*) FROM lib_versions") == before


def test_a_clean_file_is_imported_and_the_same_file_again_changes_nothing(
    qtbot: QtBot, session: UiSession, tmp_path: Path
) -> None:
    sign_in_as(session, "admin")
    screen = _screen(qtbot, session)
    good = _csv(
        tmp_path / "gb2763-next.csv",
        [["GB 2763-2099", "2099-01-01", "GB 2763-2021", "克百威", "carbofuran", "大米", "0.01*"]],
    )
    dialog = screen.food_panel.preview_import(good)
    qtbot.waitUntil(dialog.isVisible)
    assert dialog.ok_button.isEnabled()
    assert _rows(dialog.model)[0][5:7] == ("≤0.01", "*")
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "GB 2763-2099" in screen.food_panel.banner.text(), timeout=10_000)
    assert screen.food_panel.import_button.isEnabled()
    head = session.db.scalar("SELECT seq FROM audit_head")
    again = screen.food_panel.preview_import(good)
    qtbot.waitUntil(again.isVisible)
    qtbot.mouseClick(again.ok_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "No change" in screen.food_panel.banner.text(), timeout=10_000)
    assert session.db.scalar("SELECT seq FROM audit_head") == head


def test_a_file_with_item_rules_shows_them_in_the_preview_and_the_limits(
    qtbot: QtBot, session: UiSession, tmp_path: Path
) -> None:
    sign_in_as(session, "admin")
    screen = _screen(qtbot, session)
    path = tmp_path / "rules.csv"
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow([*HEADER, "换算系数", "筛查", "标准类型"])
        writer.writerow(
            [
                "GB 9998-2021",
                "2021-09-03",
                "",
                "苯甲酸",
                "BENZOIC",
                "大米",
                "1.0",
                "0.847",
                "",
                "additive",
            ]
        )
        writer.writerow(
            ["GB 9998-2021", "2021-09-03", "", "总汞", "HG", "大米", "0.02", "", "是", "additive"]
        )
    dialog = screen.food_panel.preview_import(path)
    qtbot.waitUntil(dialog.isVisible)
    preview = {r[2]: r for r in _rows(dialog.model)}
    assert "0.847" in str(preview["苯甲酸"][-1])
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "GB 9998-2021" in screen.food_panel.banner.text(), timeout=10_000)
    _click_class(qtbot, screen, "dm")
    rows = {r[0]: r for r in _rows(screen.food_panel.limits_model)}
    assert "0.847" in str(rows["苯甲酸"][-1])
    assert str(rows["总汞"][-1]) in ("screening", "筛查")
    assert rows["铅"][-1] == ""  # the plain rule says nothing
