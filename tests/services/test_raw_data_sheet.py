"""The raw-data sheet (原始记录) beside the report, and the decision rule on the report."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

from labdesk.reports.data import report_document
from labdesk.reports.raw_data import raw_data_html, render_raw_data_pdf
from labdesk.services import decision_rules, instrument_import, results, runs
from tests.services.labkit import FORMULA, METHOD, build_lab, csv_text, write_csv
from tests.services.recordkit import World
from tests.support import require_tool


def _measured(world: World, tmp_path: Path) -> tuple[int, str]:
    lab = build_lab(world)
    run_id = runs.create_run(
        world.tech, METHOD, lab.instrument_id, lab.items,
        [runs.QcRequest("blank"), runs.QcRequest("duplicate", of_label=lab.sample_nos[0]),
         runs.QcRequest("spike", of_label=lab.sample_nos[0], spike_added="0.2"),
         runs.QcRequest("crm", material="CRM-RICE-PB"),
         runs.QcRequest("control", material="QC-PB-L1")],
    )  # fmt: skip
    plan = instrument_import.plan_import(
        world.db, run_id, write_csv(tmp_path / "f.csv", csv_text(lab))
    )
    instrument_import.commit_import(world.tech, plan)
    return lab.samples[0], lab.sample_nos[0]


def test_the_sheet_holds_readings_formula_and_qc(
    world: World, tmp_path: Path, qapp: object
) -> None:
    sample_id, number = _measured(world, tmp_path)
    html = raw_data_html(world.db, sample_id)
    for needle in (FORMULA, "1.210", "1.250", "0.5012", "0.052", "BLK1", "CRM1", "QC1",
                   "0.059", "原始记录", number, "尚无结果"):  # fmt: skip
        assert needle in html, needle
    pdftotext = require_tool("pdftotext")
    pdf = tmp_path / "raw.pdf"
    assert render_raw_data_pdf(world.db, sample_id, pdf) >= 1
    text = subprocess.run(
        [pdftotext, "-layout", str(pdf), "-"], check=True, capture_output=True
    ).stdout.decode("utf-8")
    flat = re.sub(r"\s+", "", text)
    assert "原始记录" in flat and number in flat and "1.210" in flat


def test_the_report_states_the_decision_rule(world: World, tmp_path: Path) -> None:
    sample_id, number = _measured(world, tmp_path)
    for row in world.db.query(
        "SELECT id FROM sample_items WHERE sample_id = ? AND code != 'PB'", (sample_id,)
    ):
        results.enter_result(world.tech, int(row[0]), "ND(0.001)")
    doc = report_document(world.db, number)
    assert "简单接受" in doc.decision_rule
    lead = world.db.scalar(
        "SELECT id FROM sample_items WHERE sample_id = ? AND code = 'PB'", (sample_id,)
    )
    decision_rules.set_items_rule(world.manager, [int(lead)], "guard_band", "客户要求")
    doc = report_document(world.db, number)
    assert "铅：判定规则：保护带接受" in doc.decision_rule and "其余项目" in doc.decision_rule
    lead_line = next(i for i in doc.items if i.name == "铅")
    # 15 % of 0.059 is 0.00885; two significant figures by GB/T 8170 (half to even): 0.0088
    assert lead_line.result.endswith("（U = 0.0088，k = 2）")


def test_report_command_writes_the_sheet_beside_the_report(
    world: World, tmp_path: Path, qapp: object
) -> None:
    from labdesk.cli import main

    _sample_id, number = _measured(world, tmp_path)
    out = tmp_path / "out"
    code = main(["--db", str(world.db.target), "report", number, "--out", str(out), "--raw-data"])
    assert code == 0
    assert sorted(p.name for p in out.iterdir()) == [f"{number}-原始记录.pdf", f"{number}.pdf"]


def test_the_issued_content_signs_category_basis_rule_and_u(world: World, tmp_path: Path) -> None:
    """What the report prints beside its items — 产品类别, 判定依据, the decision rule and
    U — is in the canonical content the payload's digest covers (docs/report-payload.md)."""
    from labdesk.services import report_content, report_issues, workflow

    sample_id, number = _measured(world, tmp_path)
    for row in world.db.query(
        "SELECT id FROM sample_items WHERE sample_id = ? AND code != 'PB'", (sample_id,)
    ):
        results.enter_result(world.tech, int(row[0]), "ND(0.001)")
    lead = world.db.scalar(
        "SELECT id FROM sample_items WHERE sample_id = ? AND code = 'PB'", (sample_id,)
    )
    decision_rules.set_items_rule(world.manager, [int(lead)], "guard_band", "客户要求")
    before = report_document(world.db, number)
    workflow.submit(world.tech, sample_id)
    workflow.review(world.reviewer, sample_id)
    workflow.approve(world.manager, sample_id)
    issued = report_issues.current_report(world.db, sample_id)
    assert issued is not None
    content = report_content.parse(issued["content"])
    fields = {f.label: f.value for f in before.fields}
    assert content.category == fields["产品类别"] != ""
    assert content.basis == fields["判定依据"] != ""
    assert content.decision_rule == before.decision_rule
    assert "保护带接受" in str(content.decision_rule)
    lead_item = next(i for i in content.items if i.name == "铅")
    assert lead_item.u == "（U = 0.0088，k = 2）"
    assert all(i.u == "" for i in content.items if i.name != "铅")
    # The issued report prints the signed context, whatever the database says later.
    decision_rules.set_items_rule(world.manager, [int(lead)], "simple", "客户撤回要求")
    after = report_document(world.db, number)
    assert after.decision_rule == content.decision_rule
    assert next(i for i in after.items if i.name == "铅").result.endswith(lead_item.u)
    assert {f.label: f.value for f in after.fields}["判定依据"] == content.basis
