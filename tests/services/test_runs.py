"""Analytical runs through the services: methods, instruments, people, readings, QC, review."""

from __future__ import annotations

import json
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import pytest

from labdesk.core.errors import PermissionDenied, ValidationError, WorkflowError
from labdesk.services import (
    authorization,
    instrument_import,
    instruments,
    methods,
    results,
    run_record,
    runs,
    workflow,
)
from labdesk.services.audit import verify_audit
from labdesk.services.runs import QcRequest
from tests.services.labkit import METHOD, Lab, build_lab, csv_text, version_form, write_csv
from tests.services.recordkit import World, snapshot


def _qc(lab: Lab) -> list[QcRequest]:
    first = lab.sample_nos[0]
    return [
        QcRequest("blank"),
        QcRequest("duplicate", of_label=first),
        QcRequest("spike", of_label=first, spike_added="0.2"),
        QcRequest("crm", material="CRM-RICE-PB"),
        QcRequest("control", material="QC-PB-L1"),
    ]


@pytest.fixture
def lab(world: World) -> Lab:
    return build_lab(world)


def _finish_other_items(lab: Lab) -> None:
    """The rice samples' other items (Cd, As, Hg, AFB1), typed as before runs existed."""
    for sample_id in lab.samples:
        for row in lab.world.db.query(
            "SELECT id FROM sample_items WHERE sample_id = ? AND code != 'PB'", (sample_id,)
        ):
            results.enter_result(lab.world.tech, int(row[0]), "ND(0.001)")


def _run(lab: Lab) -> int:
    return runs.create_run(lab.world.tech, METHOD, lab.instrument_id, lab.items, _qc(lab))


def _import(lab: Lab, run_id: int, tmp_path: Path, text: str | None = None, **kw: str) -> object:
    path = write_csv(tmp_path / "icpms.csv", text or csv_text(lab), kw.get("encoding", "utf-8"))
    return instrument_import.plan_import(lab.world.db, run_id, path)


def test_the_whole_run(lab: Lab, tmp_path: Path) -> None:
    world = lab.world
    assert [r["id"] for r in runs.waiting_items(world.db, METHOD)] == lab.items
    run_id = _run(lab)
    run = runs.get_run(world.db, run_id)
    assert (run["state"], run["technician"], run["instrument_code"]) == ("open", "tech", "ICPMS-01")
    assert runs.waiting_items(world.db, METHOD) == []  # in an open run now
    labels = [i["label"] for i in runs.run_items(world.db, run_id)]
    assert labels == [*lab.sample_nos, "BLK1", "DUP1", "SPK1", "CRM1", "QC1"]
    item = world.db.query_one("SELECT method_code, method_version FROM sample_items WHERE id = ?",
                              (lab.items[0],))  # fmt: skip
    assert item is not None and (item[0], item[1]) == (METHOD, 1)

    plan = _import(lab, run_id, tmp_path)
    assert isinstance(plan, instrument_import.InstrumentImport)
    assert plan.ok, plan.messages()
    assert plan.skipped == 1  # the Cd row
    assert plan.mapping.readings == {"rho": "Conc. [ug/L]", "m": "Weight (g)"}
    by_label = {p.label: p for p in plan.plan.items} if plan.plan else {}
    a = by_label[lab.sample_nos[0]]
    assert a.calculation is not None and a.verdict is not None
    # (1.210 − 0.052) × 25 / (0.5012 × 1000) and (1.250 − 0.052) × 25 / 503.4, mean → 0.059
    assert a.calculation.text == "0.059"
    assert a.calculation.check.within and a.verdict.verdict == "pass"
    b = by_label[lab.sample_nos[1]]
    assert b.calculation is not None and b.verdict is not None
    assert (b.calculation.text, b.verdict.verdict) == ("0.484", "fail")
    assert {p.label: p.qc.passed for p in plan.plan.items if p.qc} == {  # type: ignore[union-attr]
        "BLK1": True, "DUP1": True, "SPK1": True, "CRM1": True, "QC1": True,
    }  # fmt: skip
    before = snapshot(world.db)
    assert snapshot(world.db) == before  # planning wrote nothing

    new_ids = instrument_import.commit_import(world.tech, plan)
    assert len(new_ids) == 2
    current = results.current_result(world.db, lab.items[0])
    assert current is not None and current["text"] == "0.059"
    assert "ICPMS-01" in current["instrument"]
    values = results.result_values(world.db, int(current["id"]))
    kinds = [v["kind"] for v in values]
    assert kinds.count("replicate") == 2 and kinds.count("reading") == 10
    decoded = run_record.decode_values(values)
    assert [r["readings"][0][:2] for r in decoded] == [("rho", "1.210"), ("rho", "1.250")]
    assert decoded[0]["readings"][1][:2] == ("rho0", "0.052")  # the blank mean, as used
    assert decoded[0]["readings"][2][:2] == ("V", "25")  # the default, as used
    file_row = world.db.query_one("SELECT file_name, sha256, encoding FROM run_files")
    assert file_row is not None and file_row["sha256"] == plan.sha256
    audit = world.db.query_one(
        "SELECT new_value FROM audit_log WHERE table_name = 'run_files' AND field IS NULL"
    )
    assert audit is not None and plan.sha256 in audit[0]  # the bytes are logged by hash
    # Like any result file, recorded with the results it brought, which name it.
    record = world.db.query_one("SELECT * FROM result_imports")
    assert record is not None
    assert (record["file_name"], record["sha256"], record["size"], record["rows"]) == (
        "icpms.csv",
        plan.sha256,
        len(plan.content),
        2,
    )
    assert (record["encoding"], record["mapping"]) == ("ASCII", "instrument ICPMS-01")
    reasons = {
        str(r[0])
        for r in world.db.query(
            "SELECT reason FROM audit_log WHERE table_name = 'results' AND action = 'import'"
        )
    }
    assert reasons == {f"导入 icpms.csv (#{record['id']}, sha256 {plan.sha256})"}
    saved = instruments.get_instrument(world.db, lab.instrument_id)["import_mapping"]
    assert json.loads(saved)["readings"] == {"m": "Weight (g)", "rho": "Conc. [ug/L]"}

    _finish_other_items(lab)
    outcome = runs.submit_run(world.tech, run_id)
    assert outcome.state == "submitted" and outcome.failed_qc == ()
    assert set(outcome.samples_submitted) == set(lab.sample_nos)
    states = {r[0] for r in world.db.query("SELECT state FROM samples WHERE id IN (1, 2)")}
    assert states == {"submitted"}
    workflow.review(world.reviewer, lab.samples[0])
    assert verify_audit(world.db).ok


def test_samples_with_items_still_to_do_stay_in_testing(lab: Lab, tmp_path: Path) -> None:
    run_id = _run(lab)
    plan = _import(lab, run_id, tmp_path)
    assert isinstance(plan, instrument_import.InstrumentImport)
    instrument_import.commit_import(lab.world.tech, plan)
    outcome = runs.submit_run(lab.world.tech, run_id)
    assert (outcome.state, outcome.samples_submitted) == ("submitted", ())


def test_gbk_utf8_and_unicode_text_all_work(lab: Lab, tmp_path: Path) -> None:
    run_id = _run(lab)
    text = csv_text(lab).replace("Sample Name", "样品编号").replace("Weight (g)", "称样量(g)")
    # The shared reader (services.table_files) names what it read; Excel's "Unicode
    # text" is UTF-16 with its byte-order mark.
    named = {"utf-8": "UTF-8", "gbk": "GBK", "utf-8-sig": "UTF-8 (BOM)", "utf-16": "UTF-16"}
    for encoding, label in named.items():
        plan = _import(lab, run_id, tmp_path, text, encoding=encoding)
        assert isinstance(plan, instrument_import.InstrumentImport)
        assert plan.ok, (encoding, plan.messages())
        assert plan.encoding == label


def _bad(lab: Lab, tmp_path: Path, text: str, encoding: str = "utf-8") -> list[str]:
    open_runs = runs.list_runs(lab.world.db, ("open",))
    run_id = int(open_runs[0]["id"]) if open_runs else _run(lab)
    before = snapshot(lab.world.db)
    plan = _import(lab, run_id, tmp_path, text, encoding=encoding)
    assert isinstance(plan, instrument_import.InstrumentImport)
    assert not plan.ok
    with pytest.raises(ValidationError):
        instrument_import.commit_import(lab.world.tech, plan)
    assert snapshot(lab.world.db) == before
    return [f"{e.row}|{e.rule}|{e.message}" for e in plan.errors]


def test_unknown_sample_numbers_are_row_level(lab: Lab, tmp_path: Path) -> None:
    text = csv_text(lab) + "S-99999,1,Pb,1.0,0.5\n"
    errors = _bad(lab, tmp_path, text)
    assert any(e.startswith("17|known_sample|") and "S-99999" in e for e in errors), errors


def test_duplicated_rows(lab: Lab, tmp_path: Path) -> None:
    lines = csv_text(lab).splitlines()
    errors = _bad(lab, tmp_path, "\n".join([*lines, lines[3]]) + "\n")
    assert any("|duplicate_row|" in e and "第 4 行" in e for e in errors), errors
    same_rep = csv_text(lab) + f"{lab.sample_nos[0]},2,Pb,1.300,0.5\n"
    errors = _bad(lab, tmp_path, same_rep)
    assert any("|duplicate_row|" in e and "第 2 次测定" in e for e in errors), errors


def test_missing_and_renamed_columns(lab: Lab, tmp_path: Path) -> None:
    run_id = _run(lab)
    plan = _import(lab, run_id, tmp_path)
    assert isinstance(plan, instrument_import.InstrumentImport)
    instrument_import.commit_import(lab.world.tech, plan)  # saves the mapping
    renamed = csv_text(lab).replace("Conc. [ug/L]", "Conc [ppb]")
    path = write_csv(tmp_path / "renamed.csv", renamed)
    again = instrument_import.plan_import(lab.world.db, run_id, path)
    messages = [e.message for e in again.errors]
    assert any("Conc. [ug/L]" in m and "Conc [ppb]" in m and "改名" in m for m in messages)
    no_mass = "\n".join(",".join(r.split(",")[:4]) for r in csv_text(lab).splitlines())
    path = write_csv(tmp_path / "nomass.csv", no_mass)
    guessed = instrument_import.plan_import(
        lab.world.db, run_id, path, instrument_import.InstrumentMapping("Sample Name")
    )
    assert any(e.rule == "mapped" and "rho" in e.message for e in guessed.errors)


def test_unreadable_text_and_not_a_table(lab: Lab, tmp_path: Path) -> None:
    run_id = _run(lab)
    unreadable = tmp_path / "latin.csv"  # 0xFF is no byte of UTF-8, GBK or GB18030 text
    unreadable.write_bytes(csv_text(lab).encode() + b"S-\xff,1,Pb,0.1,0.5\n")
    plan = instrument_import.plan_import(lab.world.db, run_id, unreadable)
    assert [e.rule for e in plan.errors] == ["text_encoding"]
    assert "GB18030" in plan.errors[0].message
    png = tmp_path / "photo.csv"
    png.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))
    plan = instrument_import.plan_import(lab.world.db, run_id, png)
    assert [e.rule for e in plan.errors] == ["table"]
    prose = tmp_path / "notes.csv"
    prose.write_text("今天仪器状态良好\n没有异常\n", encoding="utf-8")
    plan = instrument_import.plan_import(lab.world.db, run_id, prose)
    assert [e.rule for e in plan.errors] == ["table"]
    assert "只有一列" in plan.errors[0].message and "separator" in plan.errors[0].message
    xlsx = tmp_path / "broken.xlsx"
    xlsx.write_bytes(b"PK\x03\x04 not really a workbook")
    plan = instrument_import.plan_import(lab.world.db, run_id, xlsx)
    assert plan.errors and plan.errors[0].rule == "readable_xlsx"


def test_bad_readings_and_missing_determinations(lab: Lab, tmp_path: Path) -> None:
    errors = _bad(lab, tmp_path, csv_text(lab).replace("1.210", "1.21O"))
    assert any("|decimal|" in e and "1.21O" in e for e in errors), errors
    errors = _bad(lab, tmp_path, csv_text(lab).replace("1.210", "1,210"))
    assert any(e.startswith("4|table|") for e in errors), errors
    lines = [ln for ln in csv_text(lab).splitlines() if not ln.startswith(f"{lab.sample_nos[1]},2")]
    errors = _bad(lab, tmp_path, "\n".join(lines) + "\n")
    assert any("|replicates|" in e and "1 次测定" in e for e in errors), errors
    errors = _bad(
        lab, tmp_path, csv_text(lab).replace(f"{lab.sample_nos[0]},2,", f"{lab.sample_nos[0]},3,")
    )
    assert any("|replicate|" in e for e in errors), errors


def test_the_items_run_with_xlsx(lab: Lab, tmp_path: Path) -> None:
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    for line in csv_text(lab).splitlines():
        sheet.append(line.split(","))
    path = tmp_path / "export.xlsx"
    book.save(path)
    run_id = _run(lab)
    plan = instrument_import.plan_import(lab.world.db, run_id, path)
    assert plan.ok, plan.messages()


def test_failed_qc_holds_review_until_released(lab: Lab, tmp_path: Path) -> None:
    world = lab.world
    run_id = _run(lab)
    # The CRM reads far off its certified 0.080 ± 0.010.
    text = (
        csv_text(lab)
        .replace("CRM1,1,Pb,1.640", "CRM1,1,Pb,2.640")
        .replace("CRM1,2,Pb,1.660", "CRM1,2,Pb,2.660")
    )
    plan = _import(lab, run_id, tmp_path, text)
    assert isinstance(plan, instrument_import.InstrumentImport) and plan.ok
    instrument_import.commit_import(world.tech, plan)
    _finish_other_items(lab)
    outcome = runs.submit_run(world.tech, run_id)
    assert (outcome.state, outcome.failed_qc) == ("held", ("CRM1",))
    sample_id = lab.samples[0]
    with pytest.raises(WorkflowError, match="held"):
        workflow.review(world.reviewer, sample_id)
    with pytest.raises(PermissionDenied):
        runs.release_run(world.tech, run_id, "ok")
    with pytest.raises(ValidationError):
        runs.release_run(world.manager, run_id, " ")
    runs.release_run(world.manager, run_id, "CRM 瓶已污染，换新瓶复测合格，结果有效")
    workflow.review(world.reviewer, sample_id)
    entry = world.db.query_one(
        "SELECT reason FROM audit_log WHERE table_name = 'runs' AND action = 'release_run'"
    )
    assert entry is not None and "换新瓶" in entry[0]


def test_replicates_out_of_tolerance_block_submission(lab: Lab, tmp_path: Path) -> None:
    world = lab.world
    run_id = _run(lab)
    text = csv_text(lab).replace(
        f"{lab.sample_nos[0]},2,Pb,1.250", f"{lab.sample_nos[0]},2,Pb,1.950"
    )
    plan = _import(lab, run_id, tmp_path, text)
    assert isinstance(plan, instrument_import.InstrumentImport) and plan.ok
    row = next(p for p in plan.plan.items if p.label == lab.sample_nos[0])  # type: ignore[union-attr]
    assert row.calculation is not None and not row.calculation.check.within
    instrument_import.commit_import(world.tech, plan)
    with pytest.raises(ValidationError, match="retest or give a reason"):
        runs.submit_run(world.tech, run_id)
    # A retest: the next file, with a reason; the first result stays, superseded.
    fixed = _import(lab, run_id, tmp_path, csv_text(lab))
    assert isinstance(fixed, instrument_import.InstrumentImport)
    with pytest.raises(ValidationError, match="reason"):
        instrument_import.commit_import(world.tech, fixed)
    instrument_import.commit_import(world.tech, fixed, reason="平行超差，重新消解测定")
    current = results.current_result(world.db, lab.items[0])
    assert current is not None and (current["kind"], current["attempt"]) == ("retest", 2)
    assert runs.submit_run(world.tech, run_id).state == "submitted"


def test_a_reason_accepts_out_of_tolerance_replicates(lab: Lab, tmp_path: Path) -> None:
    world = lab.world
    run_id = _run(lab)
    text = csv_text(lab).replace(
        f"{lab.sample_nos[0]},2,Pb,1.250", f"{lab.sample_nos[0]},2,Pb,1.950"
    )
    plan = _import(lab, run_id, tmp_path, text)
    assert isinstance(plan, instrument_import.InstrumentImport)
    instrument_import.commit_import(world.tech, plan)
    item = next(i for i in runs.run_items(world.db, run_id) if i["label"] == lab.sample_nos[0])
    runs.accept_replicates(world.tech, int(item["id"]), "样品不均匀，已按方法附录处理")
    outcome = runs.submit_run(world.tech, run_id)
    # The duplicate repeats the first determination and now differs from the mean by 27 %.
    assert (outcome.state, outcome.failed_qc) == ("held", ("DUP1",))


def test_people_must_be_authorized(world: World, tmp_path: Path) -> None:
    lab = build_lab(world, authorize=False)
    with pytest.raises(PermissionDenied, match="not authorized"):
        _run(lab)
    authorization.grant(world.admin, world.tech.actor.user_id or 0, METHOD, "test")
    run_id = _run(lab)
    with pytest.raises(PermissionDenied, match="not authorized"):
        results.enter_result(world.tech2, lab.items[0], "0.05")
    authorization.grant(world.admin, world.tech2.actor.user_id or 0, METHOD, "test")
    with pytest.raises(PermissionDenied, match="run's technician"):
        results.enter_result(world.tech2, lab.items[0], "0.05")
    # A technician cannot hold a signatory grant; a reviewer cannot be granted testing.
    with pytest.raises(ValidationError):
        authorization.grant(world.admin, world.tech.actor.user_id or 0, METHOD, "sign")
    with pytest.raises(PermissionDenied):
        authorization.grant(world.tech, world.tech2.actor.user_id or 0, METHOD, "test")
    plan = _import(lab, run_id, tmp_path)
    assert isinstance(plan, instrument_import.InstrumentImport)
    instrument_import.commit_import(world.tech, plan)
    _finish_other_items(lab)
    runs.submit_run(world.tech, run_id)
    workflow.review(world.reviewer, lab.samples[0])
    with pytest.raises(PermissionDenied, match="signing reports"):
        workflow.approve(world.manager, lab.samples[0])
    grant = authorization.grant(world.admin, world.manager.actor.user_id or 0, METHOD, "sign")
    workflow.approve(world.manager, lab.samples[0])
    authorization.revoke(world.admin, grant, "调离")
    assert not authorization.is_authorized(world.db, world.manager.actor.user_id, METHOD, "sign")


def test_an_instrument_past_its_date(lab: Lab) -> None:
    world = lab.world
    instruments.update_instrument(
        world.manager,
        lab.instrument_id,
        {"calibration_due": date.today() - timedelta(days=1)},
        "录入校准证书",
    )
    with pytest.raises(WorkflowError, match="calibration"):
        _run(lab)
    with pytest.raises(PermissionDenied):
        instruments.allow_past_due(world.tech, lab.instrument_id, date.today(), "急")
    instruments.allow_past_due(
        world.manager, lab.instrument_id, date.today(), "校准已完成，证书在途；期间核查合格"
    )
    run = runs.get_run(world.db, _run(lab))
    assert "证书在途" in run["instrument_override"]
    assert run["override_username"] == "manager"
    instruments.update_instrument(
        world.manager, lab.instrument_id, {"status": "out_of_service"}, "故障"
    )
    with pytest.raises(WorkflowError, match="out of service"):
        runs.create_run(world.tech, METHOD, lab.instrument_id, [], [])


def test_a_new_formula_is_a_new_version_and_old_results_keep_theirs(
    lab: Lab, tmp_path: Path
) -> None:
    world = lab.world
    run_id = _run(lab)
    plan = _import(lab, run_id, tmp_path)
    assert isinstance(plan, instrument_import.InstrumentImport)
    instrument_import.commit_import(world.tech, plan)
    assert methods.revise_method(world.manager, METHOD, version_form(), "no change") == 1
    two = methods.revise_method(
        world.manager, METHOD, version_form(formula="(rho - rho0) * V * f / m / 1000"), "写法统一"
    )
    assert two == 2
    assert runs.get_run(world.db, run_id)["method_version"] == 1
    row = world.db.query_one(
        "SELECT method_version FROM sample_items WHERE id = ?", (lab.items[0],)
    )
    assert row is not None and row[0] == 1
    with pytest.raises(ValidationError):
        methods.revise_method(world.manager, METHOD, version_form(formula="rho * q"), "typo")
    assert [v["version"] for v in methods.versions(world.db, METHOD)] == [1, 2]


def test_guard_band_decision_rule(lab: Lab, tmp_path: Path) -> None:
    world = lab.world
    # 0.190 mg/kg with U = 15 % (0.029): inside the guard band under ≤0.2.
    from labdesk.services import decision_rules

    decision_rules.set_items_rule(world.manager, [lab.items[0]], "guard_band", "合同约定")
    run_id = _run(lab)
    high = csv_text(lab).replace(
        f"{lab.sample_nos[0]},1,Pb,1.210", f"{lab.sample_nos[0]},1,Pb,3.900"
    )
    high = high.replace(f"{lab.sample_nos[0]},2,Pb,1.250", f"{lab.sample_nos[0]},2,Pb,3.950")
    plan = _import(lab, run_id, tmp_path, high)
    assert isinstance(plan, instrument_import.InstrumentImport)
    a = next(p for p in plan.plan.items if p.label == lab.sample_nos[0])  # type: ignore[union-attr]
    assert a.calculation is not None and a.verdict is not None
    assert a.calculation.text == "0.193"
    assert a.calculation.u == Decimal("0.029")
    assert a.verdict.verdict == "fail" and "保护带" in a.verdict.explanation_zh
    instrument_import.commit_import(world.tech, plan)
    current = results.current_result(world.db, lab.items[0])
    assert current is not None and current["verdict"] == "fail"
    # A new LOD judges the result again as it was judged: by the guard band with the
    # method's U, not by simple acceptance (which would pass 0.193 under ≤0.2).
    count = world.db.scalar("SELECT count(*) FROM results")
    again = results.set_item_lod(world.tech, lab.items[0], "0.004", "方法验证的检出限")
    assert again is not None and again.verdict == "fail" and "保护带" in again.explanation_zh
    assert world.db.scalar("SELECT count(*) FROM results") == count  # nothing to correct


def test_a_file_s_items_are_computed_together_and_a_refused_one_alone(lab: Lab) -> None:
    from labdesk.core.method_calc import compute_item
    from labdesk.services import run_record

    run_id = _run(lab)
    a, b = lab.sample_nos[0], lab.sample_nos[1]
    good = {
        "BLK1": [{"rho": "0.050", "m": "0.5"}, {"rho": "0.054", "m": "0.5"}],
        a: [{"rho": "1.210", "m": "0.5012"}, {"rho": "1.250", "m": "0.5034"}],
        b: [{"rho": "9.800", "m": "0.4987"}, {"rho": "9.650", "m": "0.5003"}],
    }
    plan = run_record.plan_readings(lab.world.db, run_id, good)
    by_label = {p.label: p for p in plan.items}
    for label in (a, b, "BLK1"):
        item = by_label[label]
        alone = compute_item(
            plan.spec, item.readings, plan.blank, as_blank=label == "BLK1", where=label
        )
        assert item.error == "" and item.calculation is not None
        assert repr(item.calculation) == repr(alone)  # the batch gives what one item gives
    refused = {**good, b: [{"rho": "9.8O0", "m": "0.4987"}, {"rho": "9.650", "m": "0.5003"}]}
    plan = run_record.plan_readings(lab.world.db, run_id, refused)
    by_label = {p.label: p for p in plan.items}
    assert by_label[b].calculation is None and "9.8O0" in by_label[b].error
    assert by_label[a].error == "" and by_label[a].calculation is not None
