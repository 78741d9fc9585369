"""复检 (re-inspection) and 异议 (objection) cases, linked to the sample and its report.

An application is checked against its window on the official calendar and against the
statutory refusals (`core.reinspection`): a refused application raises `CaseRefused` with
every reason that applies and writes nothing. An accepted re-inspection case takes the
sample's sealed backup sample; the backup is released to the re-inspecting laboratory by
two people (`services.backups`); the laboratory's result and the outcome — the original
conclusion upheld (维持) or overturned (改变) — close the case, and show on the sample.

Windows (see `core.deadlines`): a re-inspection runs from the day the applicant received
the conclusion (food: 7 working days; general products: 15 days); an objection about the
sampling from the sampling day, about the result from its receipt (food: 7 working days;
general products: an objection to the result is the 15-day re-inspection window, and no
window is known for an objection about the sampling, so none is checked).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from labdesk.core.deadlines import objection_window_end, reinspection_window_end
from labdesk.core.errors import NotFound, ValidationError, WorkflowError
from labdesk.core.reinspection import (
    ApplicationFacts,
    BackupFacts,
    Refusal,
    is_microbiological,
    refusals,
)
from labdesk.services import backups
from labdesk.services.busy import retried_when_busy
from labdesk.services.calendars import centre_calendar
from labdesk.services.context import ServiceContext
from labdesk.services.permissions import require
from labdesk.store.protocol import Store
from labdesk.store.schema import CASE_KINDS, CASE_OUTCOMES

CONCLUDED = ("approved", "exported")


class CaseRefused(WorkflowError):
    """The application is refused by law; `.refusals` holds every reason that applies."""

    def __init__(self, found: list[Refusal]) -> None:
        self.refusals = found
        super().__init__("；".join(r.message() for r in found))


@dataclass(frozen=True)
class CaseForm:
    sample_id: int
    kind: str  # reinspection / objection
    applicant: str
    applied_on: date
    #: The day the applicant received the conclusion; None: the recorded 送达日, else the
    #: approval day (the earliest it can have been received).
    received_on: date | None = None
    about: str = ""  # objection: sampling / result
    backup_sample_id: int | None = None  # None: the sample's kept backup sample
    note: str = ""


def microbiological_failures(db: Store, sample_id: int) -> list[str]:
    """Names of the sample's failed items that are microbiological indicators."""
    rows = db.query(
        "SELECT si.id, si.name, si.unit, si.test_method, r.id AS result_id FROM sample_items si "
        "JOIN results r ON r.sample_item_id = si.id AND r.superseded_by IS NULL "
        "WHERE si.sample_id = ? AND r.verdict = 'fail' ORDER BY si.seq",
        (sample_id,),
    )
    out = []
    for row in rows:
        plan = bool(
            db.scalar(
                "SELECT 1 FROM result_values WHERE result_id = ? AND kind = 'unit'",
                (int(row["result_id"]),),
            )
        )
        if is_microbiological(str(row["test_method"]), str(row["unit"]), plan):
            out.append(str(row["name"]))
    return out


def _sample(db: Store, sample_id: int) -> dict[str, Any]:
    row = db.query_one(
        "SELECT s.*, coalesce(t.food, 0) AS food FROM samples s "
        "LEFT JOIN tasks t ON t.id = s.task_id WHERE s.id = ?",
        (sample_id,),
    )
    if row is None:
        raise NotFound(f"sample #{sample_id} does not exist (样品不存在)")
    return dict(row)


def _window(db: Store, sample: dict[str, Any], form: CaseForm) -> tuple[date | None, date | None]:
    """(the day the window runs from, its last day); last day None = no window known."""
    calendar = centre_calendar(db)
    food = bool(sample["food"])
    if form.kind == "objection" and form.about == "sampling":
        start = date.fromisoformat(str(sample["sampling_date"]))
        return start, objection_window_end(start, calendar) if food else None
    received = form.received_on
    if received is None:
        known = sample["notified_on"] or sample["concluded_on"]
        received = date.fromisoformat(str(known))
    if form.kind == "objection" and food:
        return received, objection_window_end(received, calendar)
    return received, reinspection_window_end(received, food, calendar)


def check_application(db: Store, form: CaseForm) -> tuple[dict[str, Any], list[Refusal]]:
    """Validates the form; returns the values to store and the refusals that apply."""
    if form.kind not in CASE_KINDS:
        raise ValidationError("kind", "one_of", "类型应为复检或异议 (reinspection or objection)")
    about = form.about if form.kind == "objection" else ""
    if form.kind == "objection" and about not in ("sampling", "result"):
        raise ValidationError(
            "about", "one_of", "异议应针对抽样或检验结论 (about the sampling or the result)"
        )
    applicant = form.applicant.strip()
    if not applicant:
        raise ValidationError("applicant", "required", "申请人必填 (applicant: required)")
    sample = _sample(db, form.sample_id)
    needs_conclusion = not (form.kind == "objection" and about == "sampling")
    if needs_conclusion and sample["state"] not in CONCLUDED:
        raise WorkflowError(
            f"样品 {sample['sample_no']} 尚未出具结论 (the conclusion has not been issued)"
        )
    if form.kind == "reinspection" and sample["conclusion_code"] != "fail":
        raise WorkflowError(
            f"样品 {sample['sample_no']} 结论不是不合格，无复检可言 "
            f"(only a failed conclusion is re-inspected)"
        )
    if not needs_conclusion and not sample["sampling_date"]:
        raise WorkflowError(f"样品 {sample['sample_no']} 没有抽样日期 (no sampling date)")
    start, window_end = _window(db, sample, form)
    if start is not None and form.applied_on < start:
        raise ValidationError(
            "applied_on",
            "not_before_start",
            f"申请日 {form.applied_on} 早于 {start} (before the day the window runs from)",
        )
    backup: dict[str, Any] | None = None
    if form.kind == "reinspection":
        if form.backup_sample_id is not None:
            backup = backups.kept_backup_by_id(db, form.backup_sample_id, form.sample_id)
        else:
            backup = backups.kept_backup(db, form.sample_id)
    facts = ApplicationFacts(
        kind=form.kind,
        food=bool(sample["food"]),
        applied_on=form.applied_on,
        window_end=window_end,
        failed_microbiological=tuple(microbiological_failures(db, form.sample_id))
        if form.kind == "reinspection"
        else (),
        backup=(
            None
            if backup is None
            else BackupFacts(
                date.fromisoformat(str(backup["shelf_life_end"]))
                if backup["shelf_life_end"]
                else None
            )
        ),
    )
    report_id = db.scalar(
        "SELECT id FROM reports WHERE sample_id = ? AND state = 'current' "
        "ORDER BY version DESC LIMIT 1",
        (form.sample_id,),
    )
    values = {
        "sample_id": form.sample_id,
        "report_id": None if report_id is None else int(report_id),
        "kind": form.kind,
        "about": about,
        "applicant": applicant,
        "applied_on": form.applied_on.isoformat(),
        "received_on": start.isoformat() if start else None,
        "window_end": window_end.isoformat() if window_end else None,
        "backup_sample_id": None if backup is None else int(backup["id"]),
        "note": form.note.strip(),
    }
    return values, refusals(facts)


@retried_when_busy
def open_case(ctx: ServiceContext, form: CaseForm) -> int:
    """Registers an application; raises CaseRefused (nothing written) where the law
    refuses it. Returns the case id."""
    require(ctx, "register_case")
    values, found = check_application(ctx.db, form)
    if found:
        raise CaseRefused(found)
    with ctx.db.write(ctx.actor) as w:
        values.update(created_by=ctx.actor.user_id, created_at=w.at_utc)
        return w.insert("reinspection_cases", values, action="open_case")


@retried_when_busy
def record_outcome(
    ctx: ServiceContext, case_id: int, *, lab: str, result: str, outcome: str
) -> None:
    """The re-inspecting laboratory, its result and the outcome close the case."""
    require(ctx, "record_case_result")
    case = ctx.db.query_one("SELECT * FROM reinspection_cases WHERE id = ?", (case_id,))
    if case is None:
        raise NotFound(f"case #{case_id} does not exist (案件不存在)")
    if case["state"] != "open":
        raise WorkflowError(f"案件 #{case_id} 已办结 (the case is closed)")
    if outcome not in CASE_OUTCOMES:
        raise ValidationError(
            "outcome", "one_of", "结果应为维持或改变原结论 (upheld or overturned)"
        )
    lab, result = lab.strip(), result.strip()
    if case["kind"] == "reinspection" and not lab:
        raise ValidationError("lab", "required", "复检机构必填 (re-inspecting laboratory)")
    if not result:
        raise ValidationError("result", "required", "结果必填 (result: required)")
    if case["kind"] == "reinspection" and case["backup_sample_id"] is not None:
        state = ctx.db.scalar(
            "SELECT state FROM backup_samples WHERE id = ?", (int(case["backup_sample_id"]),)
        )
        if state != "released":
            raise WorkflowError(
                "备份样品尚未经两人确认出库，复检结果不能登记 "
                "(the backup sample has not been released to the laboratory)"
            )
    with ctx.db.write(ctx.actor) as w:
        w.update(
            "reinspection_cases",
            case_id,
            {
                "lab": lab,
                "result": result,
                "outcome": outcome,
                "state": "closed",
                "closed_by": ctx.actor.user_id,
                "closed_at": w.at_utc,
            },
            reason=result,
            action="close_case",
        )


def list_cases(db: Store, sample_id: int | None = None) -> list[dict[str, Any]]:
    """Cases (newest first) with their sample and report number."""
    where, params = ("WHERE c.sample_id = ?", [sample_id]) if sample_id is not None else ("", [])
    rows = db.query(
        "SELECT c.*, s.sample_no, s.sample_name, s.conclusion_label, r.report_no, "
        "b.seal_no, b.state AS backup_state FROM reinspection_cases c "
        "JOIN samples s ON s.id = c.sample_id LEFT JOIN reports r ON r.id = c.report_id "
        f"LEFT JOIN backup_samples b ON b.id = c.backup_sample_id {where} ORDER BY c.id DESC",
        params,
    )
    return [dict(r) for r in rows]
