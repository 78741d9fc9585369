"""Issue 16's "Done when", through the real widgets: a technician creates a run for lead by
ICP-MS on a calibrated instrument, imports the instrument's CSV, sees the means, the
replicate check and the QC verdicts, and submits; a reviewer sees the readings, the
formula and the QC beside the result. Also the instruments register, the control chart
and authorization on the Users screen.
"""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QPushButton, QTableWidget, QWidget
from pytestqt.qtbot import QtBot

from labdesk.services import auth, authorization, instruments, methods, results, runs
from labdesk.services.context import ServiceContext
from labdesk.ui.instruments_screen import InstrumentsScreen
from labdesk.ui.qc_chart_screen import QcChartScreen
from labdesk.ui.review import ReviewScreen
from labdesk.ui.runs_screen import RunsScreen
from labdesk.ui.session import UiSession
from labdesk.ui.users_screen import UsersScreen
from tests.services.labkit import FORMULA, METHOD, version_form
from tests.ui.conftest import password_of, sign_in_as
from tests.ui.test_workflow import fresh_sample
from tests.ui.typing import type_text


def _ctx(session: UiSession, username: str) -> ServiceContext:
    return auth.sign_in(session.db, username, password_of(session.db, username))


def _lab(session: UiSession) -> tuple[list[str], int]:
    """Lead by ICP-MS (a sample method), materials, a calibrated ICP-MS, people authorized,
    two rice samples received with their other items typed as before."""
    manager, admin = _ctx(session, "manager"), _ctx(session, "admin")
    methods.create_method(
        manager,
        methods.MethodForm(METHOD, "铅 ICP-MS（示例方法）", "PB", version_form(),
                           test_method="GB 5009.12-2023", sample_data=True),
    )  # fmt: skip
    methods.add_qc_material(
        manager,
        methods.QcMaterialForm("CRM-RICE-PB", "大米粉（示例）", METHOD, "crm",
                               certified="0.080", certified_u="0.010"),
    )  # fmt: skip
    methods.add_qc_material(
        manager,
        methods.QcMaterialForm("QC-PB-L1", "质控样（示例）", METHOD, "control",
                               mean="0.100", sd="0.005"),
    )  # fmt: skip
    instrument_id = instruments.register_instrument(
        manager,
        instruments.InstrumentForm(
            "ICPMS-01", "电感耦合等离子体质谱仪", calibration_due=date.today() + timedelta(90)
        ),
    )
    tech = next(u for u in auth.list_users(session.db) if u["username"] == "tech1")
    boss = next(u for u in auth.list_users(session.db) if u["username"] == "manager")
    authorization.grant(admin, int(tech["id"]), METHOD, "test", "考核合格")
    authorization.grant(admin, int(boss["id"]), METHOD, "sign", "授权签字人")
    sign_in_as(session, "tech1")
    numbers = []
    for serial in (901, 902):
        sample_id = fresh_sample(session, serial, category="RICE")
        for row in session.db.query(
            "SELECT id FROM sample_items WHERE sample_id = ? AND code != 'PB'", (sample_id,)
        ):
            results.enter_result(session.context, int(row[0]), "ND(0.001)")
        numbers.append(str(session.db.scalar("SELECT sample_no FROM samples WHERE id = ?",
                                             (sample_id,))))  # fmt: skip
    return numbers, instrument_id


def _csv(numbers: list[str], path: Path) -> Path:
    a, b = numbers
    rows = [
        "样品编号,平行,元素,Conc. [ug/L],称样量(g)",
        "BLK1,1,Pb,0.050,0.5",
        "BLK1,2,Pb,0.054,0.5",
        f"{a},1,Pb,1.210,0.5012",
        f"{a},2,Pb,1.250,0.5034",
        f"{a},1,Cd,0.310,0.5012",
        f"{b},1,Pb,9.800,0.4987",
        f"{b},2,Pb,9.650,0.5003",
        "DUP1,1,Pb,1.230,0.5008",
        "DUP1,2,Pb,1.190,0.4996",
        "SPK1,1,Pb,5.210,0.5010",
        "SPK1,2,Pb,5.190,0.5001",
        "CRM1,1,Pb,1.640,0.5000",
        "CRM1,2,Pb,1.660,0.5000",
        "QC1,1,Pb,2.020,0.5000",
        "QC1,2,Pb,2.000,0.5000",
    ]
    path.write_bytes(("\n".join(rows) + "\n").encode("gbk"))  # as Excel saves on Chinese Windows
    return path


def _click(qtbot: QtBot, button: QPushButton) -> None:
    assert button.isEnabled(), button.objectName()
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def _click_row(qtbot: QtBot, table: QTableWidget, row: int) -> None:
    item = table.item(row, 0)
    assert item is not None
    table.scrollToItem(item)
    qtbot.mouseClick(
        table.viewport(), Qt.MouseButton.LeftButton, pos=table.visualItemRect(item).center()
    )


def _down(qtbot: QtBot, combo: QComboBox, times: int = 1) -> None:
    combo.setFocus()
    for _ in range(times):
        qtbot.keyClick(combo, Qt.Key.Key_Down)


def _row_of(table: QTableWidget, text: str) -> int:
    for row in range(table.rowCount()):
        item = table.item(row, 0)
        if item is not None and item.text().startswith(text):
            return row
    raise AssertionError(f"{text} not in {table.objectName()}")


def _cells(table: QTableWidget, row: int) -> list[str]:
    items = [table.item(row, c) for c in range(table.columnCount())]
    return [item.text() if item is not None else "" for item in items]


def test_the_technician_runs_lead_and_the_reviewer_sees_the_readings(
    qtbot: QtBot, session: UiSession, tmp_path: Path
) -> None:
    numbers, _instrument = _lab(session)
    screen = RunsScreen(session)
    qtbot.addWidget(screen)
    screen.show()

    # A run from the waiting items, with a blank, a duplicate, a spike, the CRM, a control.
    _click(qtbot, screen.new_button)
    dialog = screen.dialog
    assert dialog is not None and dialog.objectName() == "new_run_dialog"
    # The demo centre has other rice samples waiting for lead: untick them (Space).
    listed = [dialog.items.item(i).text() for i in range(dialog.items.count())]
    for index, text in enumerate(listed):
        if not text.startswith(tuple(numbers)):
            dialog.items.setCurrentRow(index)
            qtbot.keyClick(dialog.items, Qt.Key.Key_Space)
    assert len(dialog.chosen_items()) == 2
    _down(qtbot, dialog.qc["duplicate"])
    _down(qtbot, dialog.qc["spike"])
    type_text(qtbot, dialog.qc["added"], "0.2")
    _down(qtbot, dialog.qc["crm"])
    _down(qtbot, dialog.qc["control"])
    _click(qtbot, dialog.ok_button())
    assert not dialog.isVisible(), dialog.error.text()
    labels = [screen.items.item(r, 0).text() for r in range(screen.items.rowCount())]  # type: ignore[union-attr]
    assert labels[2:] == ["BLK1", "DUP1 ← " + numbers[0], "SPK1 ← " + numbers[0],
                          "CRM1 CRM-RICE-PB", "QC1 QC-PB-L1"]  # fmt: skip

    # The instrument's CSV (GBK): typed path, Enter reads and previews, Import writes.
    _click(qtbot, screen.buttons["import"])
    importer = screen.dialog
    assert importer is not None and importer.objectName() == "import_dialog"
    type_text(qtbot, importer.path, str(_csv(numbers, tmp_path / "icpms.csv")))
    qtbot.keyClick(importer.path, Qt.Key.Key_Return)
    assert importer.errors.count() == 0, [
        importer.errors.item(i).text() for i in range(importer.errors.count())
    ]
    assert importer.preview.rowCount() == 7
    _click(qtbot, importer.import_button)
    assert not importer.isVisible()

    # Means, replicate checks and QC verdicts on the run.
    first = _cells(screen.items, _row_of(screen.items, numbers[0]))
    assert first[4] == "0.059" and first[5].startswith("within") and first[6] == "Pass"
    second = _cells(screen.items, _row_of(screen.items, numbers[1]))
    assert second[4] == "0.484" and second[6] == "Fail"
    for label in ("BLK1", "DUP1", "SPK1", "CRM1", "QC1"):
        assert _cells(screen.items, _row_of(screen.items, label))[6].startswith("QC pass")
    # The run's grid is the result grid: the two lead results are there.
    assert screen.grid_model.rowCount() == 2

    _click(qtbot, screen.buttons["submit"])
    assert "Samples sent to review" in screen.message.text(), screen.message.text()
    run = runs.list_runs(session.db)[0]
    assert run["state"] == "submitted"

    # The reviewer: the lead item's readings, formula and the run's QC beside the result.
    sign_in_as(session, "reviewer")
    review = ReviewScreen(session)
    qtbot.addWidget(review)
    review.show()
    sample_id = int(session.db.scalar("SELECT id FROM samples WHERE sample_no = ?", (numbers[0],)))
    row = review.queue_model.ids().index(sample_id)
    rect = review.queue.visualRect(review.queue_model.index(row, 0))
    qtbot.mouseClick(review.queue.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert review.selected_sample_id() == sample_id
    lead_row = next(r for r in range(review.items.rowCount()) if _cells(review.items, r)[0] == "铅")
    _click_row(qtbot, review.items, lead_row)
    text = review.raw_data.plain_text()
    assert FORMULA in text  # the formula as the method version holds it
    for needle in ("1.210", "1.250", "0.5012", "0.052", "BLK1", "CRM1", "QC1", run["run_no"]):
        assert needle in text, needle
    assert "0.059" in text and "within the repeatability limit" in text


def test_instruments_register_and_the_override(qtbot: QtBot, session: UiSession) -> None:
    _lab(session)
    sign_in_as(session, "manager")
    screen = InstrumentsScreen(session)
    qtbot.addWidget(screen)
    screen.show()
    assert screen.table.item(0, 8).text() == "usable"  # type: ignore[union-attr]
    _click_row(qtbot, screen.table, 0)
    _click(qtbot, screen.buttons["update"])
    dialog = screen.dialog
    assert dialog is not None
    edit = dialog.findChild(QWidget, "instrument_calibration_due")
    edit.clear()  # type: ignore[union-attr]
    type_text(qtbot, edit, (date.today() - timedelta(days=2)).isoformat())  # type: ignore[arg-type]
    _click(qtbot, dialog.ok_button())
    assert dialog.isVisible() and "reason" in dialog.error.text()  # refused: no reason
    type_text(qtbot, dialog.findChild(QWidget, "instrument_reason"), "录入校准证书")  # type: ignore[arg-type]
    _click(qtbot, dialog.ok_button())
    assert not dialog.isVisible()
    assert "passed" in screen.table.item(0, 8).text()  # type: ignore[union-attr]
    _click_row(qtbot, screen.table, 0)
    _click(qtbot, screen.buttons["allow"])
    allow = screen.dialog
    assert allow is not None
    type_text(qtbot, allow.findChild(QWidget, "instrument_reason"), "证书在途，期间核查合格")  # type: ignore[arg-type]
    _click(qtbot, allow.ok_button())
    assert "allowed through" in screen.table.item(0, 8).text()  # type: ignore[union-attr]


def test_control_chart_marks_the_rules(qtbot: QtBot, session: UiSession, tmp_path: Path) -> None:
    numbers, instrument_id = _lab(session)
    fresh_sample(session, 903, category="RICE")
    from labdesk.services import instrument_import

    # Three runs whose control comes out 0.0975, 0.1115, 0.1125 (mean 0.100, SD 0.005):
    # 1-2s at the second and third, 2-2s at the third.
    for reading in ("2.000", "2.280", "2.300"):
        items = [int(r["id"]) for r in runs.waiting_items(session.db, METHOD)]
        if not items:
            break
        run_id = runs.create_run(
            session.context, METHOD, instrument_id, items[:1],
            [runs.QcRequest("blank"), runs.QcRequest("control", material="QC-PB-L1")],
        )  # fmt: skip
        label = str(runs.run_items(session.db, run_id)[0]["label"])
        text = (
            "样品编号,平行,Conc. [ug/L],称样量(g)\nBLK1,1,0.05,0.5\nBLK1,2,0.05,0.5\n"
            f"{label},1,1.2,0.5\n{label},2,1.2,0.5\nQC1,1,{reading},0.5\nQC1,2,{reading},0.5\n"
        )
        path = tmp_path / f"r{reading}.csv"
        path.write_text(text, encoding="utf-8")
        plan = instrument_import.plan_import(session.db, run_id, path)
        assert plan.ok, plan.messages()
        instrument_import.commit_import(session.context, plan, reason="复测")
    screen = QcChartScreen(session)
    qtbot.addWidget(screen)
    screen.show()
    assert screen.material.currentData() == "QC-PB-L1"
    assert len(numbers) == 2
    rules = {screen.table.item(r, 2).text() for r in range(screen.table.rowCount())}  # type: ignore[union-attr]
    assert {"1-2s", "2-2s"} <= rules
    assert "2-2s" in screen.chart.marked


def test_authorization_on_the_users_screen(qtbot: QtBot, session: UiSession) -> None:
    _lab(session)
    sign_in_as(session, "admin")
    screen = UsersScreen(session)
    qtbot.addWidget(screen)
    screen.show()
    screen.select_user("tech2")
    panel = screen.authorizations
    assert panel.table.rowCount() == 0
    _click(qtbot, panel.grant_button)
    dialog = panel.dialog
    assert dialog is not None
    type_text(qtbot, dialog.findChild(QWidget, "authorization_reason"), "培训考核合格")  # type: ignore[arg-type]
    _click(qtbot, dialog.ok_button())
    assert not dialog.isVisible(), dialog.error.text()
    assert panel.table.rowCount() == 1 and METHOD in panel.table.item(0, 0).text()  # type: ignore[union-attr]
    # A signatory grant for a technician is refused, plainly, in the dialog.
    _click(qtbot, panel.grant_button)
    again = panel.dialog
    assert again is not None
    _down(qtbot, again.findChild(QComboBox, "authorization_kind"))  # type: ignore[arg-type]
    _click(qtbot, again.ok_button())
    assert again.isVisible() and "technician" in again.error.text()


def test_methods_screen_creates_tries_and_revises(qtbot: QtBot, session: UiSession) -> None:
    from labdesk.ui.methods_screen import MethodsScreen

    sign_in_as(session, "manager")
    screen = MethodsScreen(session)
    qtbot.addWidget(screen)
    screen.show()
    _click(qtbot, screen.buttons["new"])
    dialog = screen.dialog
    assert dialog is not None

    def field(name: str) -> QWidget:
        found = dialog.findChild(QWidget, name)
        assert found is not None, name
        return found

    for name, text in (
        ("method_code", "CD-GFAAS"),
        ("method_name", "镉 石墨炉原子吸收（示例）"),
        ("method_item_code", "CD"),
        ("method_formula", "(rho - rho0) * V / (m * 1000)"),
        ("method_unit", "mg/kg"),
        ("method_max_rel_diff", "20"),
        ("method_lod", "0.002"),
    ):
        type_text(qtbot, field(name), text)
    inputs = field("method_inputs")
    type_text(qtbot, inputs, "rho | 测定浓度 | μg/L")
    qtbot.keyClick(inputs, Qt.Key.Key_Return)
    type_text(qtbot, inputs, "rho0 | 空白 | μg/L | | rho")
    qtbot.keyClick(inputs, Qt.Key.Key_Return)
    type_text(qtbot, inputs, "V | 定容体积 | mL | 25")
    qtbot.keyClick(inputs, Qt.Key.Key_Return)
    type_text(qtbot, inputs, "m | 称样量 | g")
    _click(qtbot, dialog.ok_button())
    assert not dialog.isVisible(), dialog.error.text()
    assert methods.current_version(session.db, "CD-GFAAS")["version"] == 1

    _click_row(qtbot, screen.table, 0)
    type_text(qtbot, screen.try_values, "rho=1.21 rho0=0.05 m=0.5")
    qtbot.keyClick(screen.try_values, Qt.Key.Key_Return)
    assert "0.058" in screen.try_result.text()  # 1.16 × 25 / 500 = 0.058

    _click(qtbot, screen.buttons["revise"])
    revise = screen.dialog
    assert revise is not None
    formula = revise.findChild(QWidget, "method_formula")
    formula.clear()  # type: ignore[union-attr]
    type_text(qtbot, formula, "(rho - rho0) * V / m / 1000")  # type: ignore[arg-type]
    _click(qtbot, revise.ok_button())
    assert revise.isVisible() and "reason" in revise.error.text()
    type_text(qtbot, revise.findChild(QWidget, "method_reason"), "公式写法统一")  # type: ignore[arg-type]
    _click(qtbot, revise.ok_button())
    assert not revise.isVisible(), revise.error.text()
    assert methods.current_version(session.db, "CD-GFAAS")["version"] == 2
