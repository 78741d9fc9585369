"""The rule editor on the Standards screen's food tab (issue 15.1/15.2), driven by clicks
and keys: a manager picks an item of a class, types a factor (0 refused as typed, a
missing reason refused by the service, nothing written), saves it for the version or
for the class, withdraws the class's rule; a technician cannot open it; a sample
registered before keeps its frozen rule."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from labdesk.ui.food_library_screen import FoodLibraryPanel
from labdesk.ui.i18n import install_translators
from labdesk.ui.library_rule_dialog import LibraryRuleDialog
from labdesk.ui.session import UiSession
from labdesk.ui.standards_screen import StandardsScreen
from tests.ui.conftest import sign_in_as
from tests.ui.typing import type_text

RICE = "F01020101"
RULE_COLUMN = 7


def _panel(qtbot: QtBot, session: UiSession) -> FoodLibraryPanel:
    screen = StandardsScreen(session)
    qtbot.addWidget(screen)
    screen.resize(1400, 1000)
    screen.show()
    panel = screen.food_panel
    type_text(qtbot, panel.search_edit, "dm")
    item = panel.tree.currentItem()
    assert item is not None
    rect = panel.tree.visualItemRect(item)
    qtbot.mouseClick(panel.tree.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert panel.selected_code() == RICE
    return panel


def _click_item(qtbot: QtBot, panel: FoodLibraryPanel, name: str) -> int:
    rows = [tuple(r) for r in panel.limits_model.rows()]
    row = next(i for i, r in enumerate(rows) if r[0] == name and r[4] == "GB 2762-2022")
    index = panel.limits_model.index(row, 0)
    panel.limits_table.scrollTo(index)
    rect = panel.limits_table.visualRect(index)
    qtbot.mouseClick(panel.limits_table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    return row


def _open(qtbot: QtBot, panel: FoodLibraryPanel, name: str) -> LibraryRuleDialog:
    _click_item(qtbot, panel, name)
    assert panel.rule_button.isEnabled()
    qtbot.mouseClick(panel.rule_button, Qt.MouseButton.LeftButton)
    dialog = panel.rule_dialog
    assert isinstance(dialog, LibraryRuleDialog)
    qtbot.waitUntil(dialog.isVisible)
    return dialog


def _rule_cell(panel: FoodLibraryPanel, name: str) -> str:
    rows = [tuple(r) for r in panel.limits_model.rows()]
    return str(next(r for r in rows if r[0] == name and r[4] == "GB 2762-2022")[RULE_COLUMN])


def _audit_seq(session: UiSession) -> int:
    return int(session.db.scalar("SELECT max(seq) FROM audit_log"))


def test_a_manager_sets_the_version_rule_and_bad_input_is_refused_first(
    qtbot: QtBot, session: UiSession
) -> None:
    sign_in_as(session, "manager")
    frozen_before = session.db.query(
        "SELECT id, factor FROM sample_items WHERE code = 'PB' AND standard_no = 'GB 2762'"
    )
    panel = _panel(qtbot, session)
    dialog = _open(qtbot, panel, "铅")
    assert dialog.scope.currentIndex() == 0 and dialog.factor.text() == ""
    seq = _audit_seq(session)
    type_text(qtbot, dialog.factor, "0")
    assert "above 0" in dialog.error.text() and not dialog.save_button.isEnabled()
    dialog.factor.clear()
    type_text(qtbot, dialog.factor, "1.5")
    assert dialog.save_button.isEnabled() and dialog.error.text() == ""
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)  # no reason yet
    assert dialog.isVisible() and dialog.error.text().startswith("Reason:")
    assert _audit_seq(session) == seq
    type_text(qtbot, dialog.reason, "以铅计：仪器读数换算")
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not dialog.isVisible())
    assert _rule_cell(panel, "铅") == "expressed as: × 1.5"
    assert "saved" in panel.banner.text()
    stored = session.db.query_one(
        "SELECT r.factor FROM lib_item_rules r JOIN lib_versions v ON v.id = r.version_id "
        "WHERE v.active = 1 AND v.standard_no = 'GB 2762' AND v.standard_year = '2022' "
        "AND r.code = 'PB'"
    )
    assert stored is not None and stored["factor"] == "1.5"
    reason = session.db.scalar(
        "SELECT reason FROM audit_log WHERE table_name = 'lib_item_rules' ORDER BY seq DESC"
    )
    assert reason == "以铅计：仪器读数换算"
    # samples registered before keep the rule frozen onto them
    frozen_after = session.db.query(
        "SELECT id, factor FROM sample_items WHERE code = 'PB' AND standard_no = 'GB 2762'"
    )
    assert [tuple(r) for r in frozen_after] == [tuple(r) for r in frozen_before]


def test_a_rule_for_the_class_then_withdrawn_with_a_reason(
    qtbot: QtBot, session: UiSession
) -> None:
    sign_in_as(session, "manager")
    panel = _panel(qtbot, session)
    dialog = _open(qtbot, panel, "镉")
    dialog.scope.setFocus()
    qtbot.keyClick(dialog.scope, Qt.Key.Key_Down)
    assert dialog.scope.currentIndex() == 1
    assert not dialog.withdraw_button.isEnabled()  # the class has no rule of its own yet
    type_text(qtbot, dialog.factor, "2")
    qtbot.keyClick(dialog.screening, Qt.Key.Key_Space)
    type_text(qtbot, dialog.reason, "大米另计")
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not dialog.isVisible())
    assert _rule_cell(panel, "镉") == "expressed as: × 2; screening (rule of 大米)"
    again = _open(qtbot, panel, "镉")
    assert again.scope.currentIndex() == 1  # opens on the class's own rule
    assert again.factor.text() == "2" and again.screening.isChecked()
    assert again.withdraw_button.isEnabled()
    type_text(qtbot, again.reason, "撤回")
    qtbot.mouseClick(again.withdraw_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not again.isVisible())
    assert _rule_cell(panel, "镉") == ""
    assert not session.db.scalar("SELECT count(*) FROM lib_class_rules WHERE active = 1")


def test_a_technician_cannot_open_the_rule_editor(qtbot: QtBot, session: UiSession) -> None:
    sign_in_as(session, "tech1")
    panel = _panel(qtbot, session)
    _click_item(qtbot, panel, "铅")
    assert not panel.rule_button.isEnabled()
    assert "technical managers" in panel.rule_button.toolTip()


@pytest.fixture
def chinese_ui() -> Iterator[None]:
    install_translators("zh")
    try:
        yield
    finally:
        install_translators("en")


def test_in_the_chinese_ui_a_conflicting_rule_is_refused_in_chinese_naming_the_field(
    qtbot: QtBot, session: UiSession, chinese_ui: None
) -> None:
    sign_in_as(session, "manager")
    panel = _panel(qtbot, session)
    assert panel.rule_button.text() == "编辑项目判定规则…"
    dialog = _open(qtbot, panel, "铅")
    assert dialog.windowTitle() == "铅 的判定规则"
    seq = _audit_seq(session)
    type_text(qtbot, dialog.factor, "-1")
    assert dialog.error.text() == "换算系数须为大于 0 的数。"
    dialog.factor.clear()
    qtbot.keyClick(dialog.screening, Qt.Key.Key_Space)
    type_text(qtbot, dialog.reason, "试验")
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)  # ≤0.2 may be screened
    qtbot.waitUntil(lambda: not dialog.isVisible())
    assert _rule_cell(panel, "铅") == "筛查"
    again = _open(qtbot, panel, "铅")
    qtbot.keyClick(again.screening, Qt.Key.Key_Space)  # back to the plain rule
    qtbot.mouseClick(again.save_button, Qt.MouseButton.LeftButton)
    assert again.isVisible() and again.error.text().startswith("原因：")
    assert _audit_seq(session) > seq
