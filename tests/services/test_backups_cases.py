"""Backup samples (two-person release, retention) and 复检 / 异议 cases with their refusals."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from labdesk.batch.collect import collect_records
from labdesk.core.errors import PermissionDenied, ValidationError, WorkflowError
from labdesk.core.retention import retention_end
from labdesk.reports.data import report_document
from labdesk.services import backups, cases, clocks, report_issues, summary, workflow
from labdesk.services.audit import verify_audit
from labdesk.services.calendars import centre_calendar
from tests.services.clockkit import failed_sample, food_task, know_next_year, reviewed_sample
from tests.services.recordkit import World, snapshot

TODAY = date.today()


def _backup(world: World, sample_id: int, seal: str = "FY-0001", **kw: object) -> int:
    form = backups.BackupForm(sample_id, "留样室 A-3-2", seal, "2", "袋", **kw)  # type: ignore[arg-type]
    return backups.register_backup(world.tech, form)


def test_register_validates_and_retention_follows_the_conclusion(world: World) -> None:
    sample_id = reviewed_sample(world, value="9")
    for bad, field in (
        (backups.BackupForm(sample_id, "", "S1", "1"), "location"),
        (backups.BackupForm(sample_id, "A", "", "1"), "seal_no"),
        (backups.BackupForm(sample_id, "A", "S1", "两袋"), "quantity"),
        (backups.BackupForm(sample_id, "A", "S1", "0"), "quantity"),
    ):
        with pytest.raises(ValidationError) as caught:
            backups.register_backup(world.tech, bad)
        assert caught.value.field == field
    shelf = TODAY + timedelta(days=100)
    backup_id = _backup(world, sample_id, shelf_life_end=shelf)
    with pytest.raises(ValidationError, match="已登记"):
        _backup(world, sample_id)
    assert world.db.scalar("SELECT retain_until FROM backup_samples") is None  # no conclusion
    workflow.approve(world.manager, sample_id)
    expected = retention_end(TODAY, failed=True, shelf_life_end=shelf)
    assert expected == shelf  # 6 months from today is past the shelf life
    row = world.db.query_one("SELECT * FROM backup_samples WHERE id = ?", (backup_id,))
    assert row is not None and row["retain_until"] == expected.isoformat()
    assert verify_audit(world.db).ok


def test_disposal_needs_the_retention_over_and_two_people(world: World) -> None:
    sample_id = reviewed_sample(world)
    workflow.approve(world.manager, sample_id)
    backup_id = _backup(world, sample_id)
    until = retention_end(TODAY, failed=False)
    with pytest.raises(WorkflowError, match="须保存至"):
        backups.request_release(world.tech, backup_id, "disposal", today=until)
    day_after = until + timedelta(days=1)
    flt = summary.SummaryFilter()
    assert summary.clock_counts(world.db, flt, today=day_after).backups_due == 1
    assert backups.disposal_due(world.db, day_after) == [backup_id]
    backups.request_release(world.tech, backup_id, "disposal", today=day_after)
    before = snapshot(world.db)
    with pytest.raises(PermissionDenied, match="另一人"):
        backups.confirm_release(world.tech, backup_id)
    assert snapshot(world.db) == before
    backups.confirm_release(world.tech2, backup_id)
    row = world.db.query_one("SELECT * FROM backup_samples WHERE id = ?", (backup_id,))
    assert row is not None and row["state"] == "disposed"
    assert row["requested_by"] != row["released_by"]
    assert verify_audit(world.db).ok


def test_a_withdrawn_request_puts_it_back_on_the_shelf(world: World) -> None:
    sample_id = reviewed_sample(world)
    workflow.approve(world.manager, sample_id)
    backup_id = _backup(world, sample_id)
    day_after = retention_end(TODAY, failed=False) + timedelta(days=1)
    backups.request_release(world.tech, backup_id, "disposal", today=day_after)
    with pytest.raises(ValidationError):
        backups.withdraw_request(world.tech2, backup_id, " ")
    backups.withdraw_request(world.tech2, backup_id, "wrong sample")
    assert world.db.scalar("SELECT state FROM backup_samples") == "kept"


def test_reinspection_flow_backup_released_result_and_outcome(world: World) -> None:
    know_next_year(world)
    sample_id = failed_sample(world)
    backup_id = _backup(world, sample_id)
    with pytest.raises(WorkflowError, match="没有已受理的复检"):
        backups.request_release(world.tech, backup_id, "reinspection")
    case_id = cases.open_case(
        world.manager, cases.CaseForm(sample_id, "reinspection", "合肥测试食品有限公司", TODAY)
    )
    case = cases.list_cases(world.db, sample_id)[0]
    assert case["backup_sample_id"] == backup_id and case["window_end"]
    report = report_issues.current_report(world.db, sample_id)
    assert report is not None and case["report_id"] == report["id"]
    with pytest.raises(WorkflowError, match="两人确认"):
        cases.record_outcome(
            world.manager, case_id, lab="某检测院", result="铅 0.31", outcome="upheld"
        )
    with pytest.raises(WorkflowError, match="正用于复检"):
        backups.request_release(
            world.tech, backup_id, "disposal", today=TODAY + timedelta(days=400)
        )
    backups.request_release(world.tech, backup_id, "reinspection")
    backups.confirm_release(world.manager, backup_id)
    with pytest.raises(ValidationError):
        cases.record_outcome(world.manager, case_id, lab="某检测院", result="x", outcome="maybe")
    cases.record_outcome(
        world.manager, case_id, lab="安徽省某检测研究院", result="复检不合格", outcome="upheld"
    )
    closed = cases.list_cases(world.db, sample_id)[0]
    assert (closed["state"], closed["outcome"], closed["backup_state"]) == (
        "closed",
        "upheld",
        "released",
    )
    counts = summary.clock_counts(world.db, summary.SummaryFilter(), today=TODAY)
    assert (counts.cases_open, counts.upheld, counts.overturned) == (0, 1, 0)
    lines = {c.key: c for c in clocks.sample_clock_lines(world.db, sample_id, TODAY)}
    assert lines["reinspection"].done == TODAY.isoformat()
    assert verify_audit(world.db).ok


def _refused(world: World, form: cases.CaseForm) -> list[str]:
    before = snapshot(world.db)
    with pytest.raises(cases.CaseRefused) as caught:
        cases.open_case(world.manager, form)
    assert snapshot(world.db) == before
    return [r.code for r in caught.value.refusals]


def test_the_statutory_refusals(world: World) -> None:
    know_next_year(world)
    sample_id = failed_sample(world)
    # No backup sample registered.
    assert _refused(world, cases.CaseForm(sample_id, "reinspection", "某企业", TODAY)) == [
        "no_backup"
    ]
    # Backup past its shelf life on the application day.
    _backup(world, sample_id, shelf_life_end=TODAY - timedelta(days=1))
    assert _refused(world, cases.CaseForm(sample_id, "reinspection", "某企业", TODAY)) == [
        "backup_expired"
    ]
    # Late: general products have 15 days (moved to the next working day).
    received = TODAY
    end = date.fromisoformat(
        str(
            cases.check_application(
                world.db, cases.CaseForm(sample_id, "reinspection", "x", TODAY)
            )[0]["window_end"]
        )
    )
    assert end >= received + timedelta(days=15)
    late = end + timedelta(days=1)
    codes = _refused(world, cases.CaseForm(sample_id, "reinspection", "某企业", late))
    assert codes[0] == "late"


def test_food_microbiological_failures_are_not_reinspected(world: World) -> None:
    know_next_year(world)
    task = food_task(world)
    sample_id = reviewed_sample(world, value="检出", task_no=task, category_code="RTE-FOOD")
    workflow.approve(world.manager, sample_id)
    assert cases.microbiological_failures(world.db, sample_id) == ["沙门氏菌"]
    _backup(world, sample_id)
    codes = _refused(world, cases.CaseForm(sample_id, "reinspection", "某企业", TODAY))
    assert codes == ["microbiological"]
    # Food windows are 7 working days from receipt of the conclusion.
    row = cases.check_application(
        world.db, cases.CaseForm(sample_id, "objection", "某企业", TODAY, about="result")
    )[0]
    assert row["window_end"] == centre_calendar(world.db).add_working_days(TODAY, 7).isoformat()


def test_objections_and_what_is_not_an_application(world: World) -> None:
    passed = reviewed_sample(world)
    with pytest.raises(WorkflowError, match="尚未出具结论"):
        cases.open_case(
            world.manager, cases.CaseForm(passed, "objection", "某企业", TODAY, about="result")
        )
    workflow.approve(world.manager, passed)
    with pytest.raises(WorkflowError, match="不是不合格"):
        cases.open_case(world.manager, cases.CaseForm(passed, "reinspection", "某企业", TODAY))
    with pytest.raises(ValidationError):
        cases.open_case(world.manager, cases.CaseForm(passed, "objection", "某企业", TODAY))
    with pytest.raises(ValidationError):
        cases.open_case(
            world.manager, cases.CaseForm(passed, "objection", " ", TODAY, about="sampling")
        )
    # General products: no window is known for an objection about the sampling.
    case_id = cases.open_case(
        world.manager, cases.CaseForm(passed, "objection", "某企业", TODAY, about="sampling")
    )
    case = cases.list_cases(world.db, passed)[0]
    assert case["id"] == case_id and case["window_end"] is None
    cases.record_outcome(world.manager, case_id, lab="", result="抽样程序合规", outcome="upheld")
    with pytest.raises(WorkflowError, match="已办结"):
        cases.record_outcome(world.manager, case_id, lab="", result="x", outcome="overturned")


def test_the_approver_confirms_or_changes_the_report_class(world: World) -> None:
    passed = reviewed_sample(world)
    assert workflow.proposed_report_class(world.db, passed) == "合格报告"
    workflow.approve(world.manager, passed)
    report = report_issues.current_report(world.db, passed)
    assert report is not None and report["report_class"] == "合格报告"
    urgent = reviewed_sample(world, value="9")
    assert workflow.proposed_report_class(world.db, urgent) == "一般不合格报告"
    with pytest.raises(ValidationError):
        workflow.approve(world.manager, urgent, report_class="问题样品报告")
    workflow.approve(world.manager, urgent, report_class="24小时限时报告")
    row = world.db.query_one("SELECT urgent_due, state FROM samples WHERE id = ?", (urgent,))
    assert row is not None and row["urgent_due"]
    counts = summary.clock_counts(world.db, summary.SummaryFilter(), today=TODAY)
    assert counts.urgent_pending == 1 and counts.urgent_overdue == 0
    later = summary.clock_counts(
        world.db,
        summary.SummaryFilter(),
        today=TODAY,
        now_utc=f"{TODAY + timedelta(days=2)}T00:00:00.000000Z",
    )
    assert later.urgent_overdue == 1
    lines = {c.key: c for c in clocks.sample_clock_lines(world.db, urgent, TODAY)}
    assert lines["urgent"].status == "open"
    late = {c.key: c for c in clocks.sample_clock_lines(world.db, urgent, TODAY + timedelta(2))}
    assert late["urgent"].status == "overdue"
    # On the PDF report and in the batch.
    sample_no = str(world.db.scalar("SELECT sample_no FROM samples WHERE id = ?", (urgent,)))
    fields = {f.label: f.value for f in report_document(world.db, sample_no).fields}
    assert fields["报告类别"] == "24小时限时报告" and fields["检验目的"] == ""
    records = collect_records(world.db.conn, [urgent, passed])
    assert [r["report_class"] for r in records.samples] == ["合格报告", "24小时限时报告"]
    assert verify_audit(world.db).ok


def test_risk_monitoring_failures_are_problem_reports(world: World) -> None:
    task = food_task(world, "RW-RISK-1", purpose="风险监测")
    sample_id = reviewed_sample(world, value="9", task_no=task)
    assert workflow.proposed_report_class(world.db, sample_id) == "一般问题报告"
    assert centre_calendar(world.db) is not None


def test_task_purpose_and_level_are_validated(world: World) -> None:
    from labdesk.services import tasks

    for bad in ({"purpose": "问题样品"}, {"org_level": "乡级"}):
        with pytest.raises(ValidationError) as caught:
            tasks.create_task(
                world.manager,
                tasks.TaskForm("RW-BAD", "某局", "监督抽检", **bad),  # type: ignore[arg-type]
            )
        assert caught.value.field == next(iter(bad))
    task_id = tasks.create_task(
        world.manager,
        tasks.TaskForm(
            "RW-OK", "某局", "监督抽检", purpose="评价性抽检", org_level="省级", food=True
        ),
    )
    task = tasks.get_task(world.db, task_id)
    assert (task["purpose"], task["org_level"], task["food"]) == ("评价性抽检", "省级", 1)
