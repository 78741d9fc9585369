"""Entering results: typed text judged against the item's frozen rule, committed at once.

Results are append-only. The first entry for an item is `kind='entry'`; typing a new
value replaces it with a `correction` (same attempt number); `retest` records a new
measurement (`attempt + 1`). The replaced row stays, pointing at its successor through
`superseded_by`, so the original is always visible beside the new value.

Rules: text the judgement core cannot read is refused with its reason and nothing is
written. Once a sample has been submitted, replacing any of its results needs a reason;
a change on a reviewed or approved sample sends it back to `submitted` (the review or
approval no longer covers what is recorded). An exported sample cannot change.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from labdesk.core.decision import decide
from labdesk.core.errors import NotFound, ValidationError, WorkflowError
from labdesk.core.judgement import (
    CompiledRule,
    ItemColumns,
    ItemRule,
    Verdict,
    compile_rule,
    conclude,
    item_rule,
)
from labdesk.services import lab_guards
from labdesk.services.context import ServiceContext
from labdesk.services.permissions import require
from labdesk.services.samples import transition
from labdesk.store.audit import Writer
from labdesk.store.db import Database
from labdesk.store.protocol import Store

# States in which results may be written; received/returned move to testing first.
ENTRY_STATES = ("received", "testing", "returned", "submitted", "reviewed", "approved")
REOPEN_STATES = ("reviewed", "approved")

_RESULT_COLUMNS = (
    "id, sample_item_id, attempt, kind, text, verdict, compared, rounded, display, "
    "explanation_zh, explanation_en, report_only, instrument, method, entered_by, entered_at, "
    "reason, superseded_by"
)


@dataclass(frozen=True)
class ResultValue:
    """One value behind a result (a `result_values` row): see schema.py, migration 3."""

    kind: str  # 'unit', 'component', 'replicate', 'reading', 'intermediate'
    position: int
    text: str
    name: str = ""
    unit: str = ""


@dataclass(frozen=True)
class ResultEntry:
    """One result for `enter_results_bulk` (imports).

    `values` are written with the result, in its transaction. `uncertainty` is the
    expanded U of the value (a guard-band decision rule needs it); `retest` records a new
    measurement (attempt + 1) rather than a correction when the item has a result.
    """

    sample_item_id: int
    text: str
    instrument: str = ""
    method: str = ""
    reason: str = ""
    values: tuple[ResultValue, ...] = ()
    uncertainty: Decimal | None = None
    retest: bool = False


@functools.lru_cache(maxsize=4096)
def _compiled(rule: ItemRule) -> CompiledRule:
    return compile_rule(rule)


def rule_for(item: ItemColumns) -> CompiledRule:
    """The compiled judgement rule of a frozen sample item (cached)."""
    return _compiled(item_rule(item))


def judge_text(
    item: dict[str, Any] | Any, text: str, uncertainty: Decimal | None = None
) -> Verdict:
    """Judges `text` for the item; ValidationError (field 'result') if unreadable.

    The item's decision rule (`decision_rule`, simple acceptance by default) decides with
    `uncertainty`, the value's expanded U; a guard band without U is not judged.
    """
    if not text or not text.strip():
        raise ValidationError("result", "required", "result: empty (请输入检验结果)")
    rule = _decision_rule(item)
    if rule == "simple":
        return rule_for(item).judge(text)
    return decide(rule_for(item), text, rule, uncertainty)


def _decision_rule(item: dict[str, Any] | Any) -> str:
    try:
        return str(item["decision_rule"] or "simple")
    except (KeyError, IndexError):  # a row read without the column (older callers)
        return "simple"


def insert_values(w: Writer, result_id: int, values: Sequence[ResultValue]) -> None:
    """Writes the values behind a result, in the caller's transaction."""
    if values:
        w.insert_many(
            "result_values",
            [
                {
                    "result_id": result_id,
                    "kind": v.kind,
                    "position": v.position,
                    "name": v.name,
                    "text": v.text,
                    "unit": v.unit,
                }
                for v in values
            ],
            action="result_values",
        )


def result_values(db: Store, result_id: int) -> list[dict[str, Any]]:
    """The values behind a result, by kind and position."""
    rows = db.query(
        "SELECT kind, position, name, text, unit FROM result_values WHERE result_id = ? "
        "ORDER BY kind, position",
        (result_id,),
    )
    return [dict(r) for r in rows]


def _verdict_columns(verdict: Verdict) -> dict[str, Any]:
    return {
        "verdict": verdict.verdict,
        "compared": verdict.compared,
        "rounded": verdict.rounded,
        "display": verdict.display,
        "explanation_zh": verdict.explanation_zh,
        "explanation_en": verdict.explanation_en,
        "report_only": int(verdict.report_only),
    }


def verdict_from_row(row: dict[str, Any] | Any, limit: str = "") -> Verdict:
    """The stored judgement of a result row as a core `Verdict`."""
    return Verdict(
        verdict=row["verdict"],
        compared=row["compared"] or "",
        rounded=row["rounded"],
        display=row["display"],
        explanation_zh=row["explanation_zh"],
        explanation_en=row["explanation_en"],
        limit=limit,
        report_only=bool(row["report_only"]),
    )


def _item_context(db: Database, sample_item_id: int) -> dict[str, Any]:
    row = db.query_one(
        "SELECT i.*, s.state AS sample_state, s.sample_no, s.id AS sample_pk "
        "FROM sample_items i JOIN samples s ON s.id = i.sample_id WHERE i.id = ?",
        (sample_item_id,),
    )
    if row is None:
        raise NotFound(f"test item #{sample_item_id} does not exist")
    return dict(row)


def current_result(db: Store, sample_item_id: int) -> dict[str, Any] | None:
    row = db.query_one(
        f"SELECT {_RESULT_COLUMNS} FROM results WHERE sample_item_id = ? "
        "AND superseded_by IS NULL ORDER BY id DESC LIMIT 1",
        (sample_item_id,),
    )
    return None if row is None else dict(row)


def was_submitted(db: Database, sample_id: int) -> bool:
    return bool(
        db.scalar(
            "SELECT 1 FROM sample_events WHERE sample_id = ? AND action = 'submit' LIMIT 1",
            (sample_id,),
        )
    )


def _check_state(item: dict[str, Any]) -> None:
    state = item["sample_state"]
    if state == "exported":
        raise WorkflowError(
            f"sample {item['sample_no']} was exported in a signed batch: its results can no "
            "longer change (已导出的样品不能修改)"
        )
    if state not in ENTRY_STATES:
        raise WorkflowError(
            f"sample {item['sample_no']} is {state}: results can be entered only once it is "
            "received (样品尚未收样或已取消)"
        )


def _prepare_state(w: Writer, sample_id: int, state: str, reason: str) -> str:
    """Moves received/returned samples to testing and reviewed/approved back to submitted."""
    if state in ("received", "returned"):
        transition(w, sample_id, state, "testing", "start_testing")
        return "testing"
    if state in REOPEN_STATES:
        transition(w, sample_id, state, "submitted", "reopen", reason=reason)
        return "submitted"
    return state


def refresh_conclusion(w: Writer, sample_id: int) -> None:
    """Recomputes the sample's conclusion from its current results (audited if it changes)."""
    db = w.db
    sample = db.query_one("SELECT sample_name FROM samples WHERE id = ?", (sample_id,))
    assert sample is not None
    rows = db.query(
        "SELECT i.name, i.limit_text, i.standard_no, i.standard_year, r.verdict, r.compared, "
        "r.rounded, r.display, r.explanation_zh, r.explanation_en, r.report_only "
        "FROM sample_items i LEFT JOIN results r ON r.sample_item_id = i.id "
        "AND r.superseded_by IS NULL WHERE i.sample_id = ? ORDER BY i.seq",
        (sample_id,),
    )
    standards: list[str] = []
    judged: list[tuple[str, Verdict]] = []
    for row in rows:
        key = f"{row['standard_no']}-{row['standard_year']}".strip("-")
        if key and key not in standards:
            standards.append(key)
        if row["verdict"] is None:
            verdict = Verdict("not_judged", "", None, "", "无结果", "no result", row["limit_text"])
        else:
            verdict = verdict_from_row(row, row["limit_text"])
        judged.append((row["name"], verdict))
    outcome = conclude(sample["sample_name"], "、".join(standards), judged)
    w.update(
        "samples",
        sample_id,
        {
            "conclusion_code": outcome.code,
            "conclusion_label": outcome.label_zh,
            "conclusion_zh": outcome.sentence_zh,
            "conclusion_en": outcome.sentence_en,
            "failing_items": json.dumps(list(outcome.failing_items), ensure_ascii=False),
        },
        action="conclude",
    )


def _write_one(
    w: Writer,
    item: dict[str, Any],
    text: str,
    verdict: Verdict,
    *,
    kind: str,
    reason: str,
    instrument: str,
    method: str,
) -> int:
    current = current_result(w.db, item["id"])
    attempt = 1
    if current is not None:
        attempt = int(current["attempt"]) + (1 if kind == "retest" else 0)
        if kind == "entry":
            kind = "correction"
    values = {
        "sample_item_id": item["id"],
        "attempt": attempt,
        "kind": kind,
        "text": text,
        **_verdict_columns(verdict),
        "instrument": instrument,
        "method": method or item["test_method"],
        "entered_by": w.actor.user_id,
        "entered_at": w.at_utc,
        "reason": reason,
    }
    new_id = w.insert("results", values, reason=reason, action=kind)
    if current is not None:
        w.update(
            "results", int(current["id"]), {"superseded_by": new_id}, reason=reason, action=kind
        )
    return new_id


def _needs_reason(db: Database, item: dict[str, Any], has_current: bool) -> bool:
    return has_current and (
        item["sample_state"] in ("submitted", *REOPEN_STATES)
        or was_submitted(db, int(item["sample_id"]))
    )


def enter_result(
    ctx: ServiceContext,
    sample_item_id: int,
    text: str,
    *,
    reason: str | None = None,
    instrument: str | None = None,
    method: str | None = None,
) -> Verdict:
    """Records (or corrects) the result of one item and returns its verdict; commits at once."""
    require(ctx, "enter_result")
    item = _item_context(ctx.db, sample_item_id)
    _check_state(item)
    lab_guards.check_entry(ctx.db, ctx.actor, item)
    verdict = judge_text(item, text)  # raises before anything is written
    typed = text.strip()
    current = current_result(ctx.db, sample_item_id)
    why = (reason or "").strip()
    if current is not None and current["text"] == typed and not instrument and not method:
        return verdict  # the same value again: nothing to record
    if _needs_reason(ctx.db, item, current is not None) and not why:
        raise ValidationError(
            "reason",
            "required",
            f"reason: required to change a result of sample {item['sample_no']}, which was "
            "already submitted (修改已提交的结果须填写原因)",
        )
    with ctx.db.write(ctx.actor) as w:
        state = _prepare_state(w, int(item["sample_id"]), item["sample_state"], why)
        _write_one(
            w,
            item,
            typed,
            verdict,
            kind="entry",
            reason=why,
            instrument=(instrument or "").strip(),
            method=(method or "").strip(),
        )
        if state == "submitted":
            refresh_conclusion(w, int(item["sample_id"]))
    return verdict


def retest(
    ctx: ServiceContext,
    sample_item_id: int,
    text: str,
    reason: str,
    *,
    instrument: str | None = None,
    method: str | None = None,
) -> Verdict:
    """Records a retest (attempt + 1); the earlier result stays visible. Reason required."""
    require(ctx, "retest")
    why = (reason or "").strip()
    if not why:
        raise ValidationError(
            "reason", "required", "reason: required for a retest (复测须填写原因)"
        )
    item = _item_context(ctx.db, sample_item_id)
    _check_state(item)
    lab_guards.check_entry(ctx.db, ctx.actor, item)
    verdict = judge_text(item, text)
    if current_result(ctx.db, sample_item_id) is None:
        raise WorkflowError(f"item {item['name']} has no result yet: enter it before a retest")
    with ctx.db.write(ctx.actor) as w:
        state = _prepare_state(w, int(item["sample_id"]), item["sample_state"], why)
        _write_one(
            w,
            item,
            text.strip(),
            verdict,
            kind="retest",
            reason=why,
            instrument=(instrument or "").strip(),
            method=(method or "").strip(),
        )
        if state == "submitted":
            refresh_conclusion(w, int(item["sample_id"]))
    return verdict


def _chunks(values: Sequence[int], size: int = 500) -> Iterable[Sequence[int]]:
    for start in range(0, len(values), size):
        yield values[start : start + size]


@dataclass
class BulkPlan:
    """Checked entries of `enter_results_bulk`, ready for `write_bulk_in`."""

    entries: list[ResultEntry]
    verdicts: list[Verdict]
    items: dict[int, dict[str, Any]]
    current: dict[int, dict[str, Any]]


def plan_bulk(ctx: ServiceContext, entries: Iterable[ResultEntry]) -> BulkPlan:
    """Checks every entry (reads only): the rules of `enter_result`, applied per entry.

    A problem raises ValidationError naming the entry (`entries[i]`).
    """
    require(ctx, "enter_result")
    batch = list(entries)
    db = ctx.db
    ids = sorted({e.sample_item_id for e in batch})
    items: dict[int, dict[str, Any]] = {}
    current: dict[int, dict[str, Any]] = {}
    submitted: set[int] = set()
    for chunk in _chunks(ids):
        marks = ",".join("?" * len(chunk))
        for row in db.query(
            "SELECT i.*, s.state AS sample_state, s.sample_no FROM sample_items i "
            f"JOIN samples s ON s.id = i.sample_id WHERE i.id IN ({marks})",
            list(chunk),
        ):
            items[int(row["id"])] = dict(row)
        for row in db.query(
            f"SELECT {_RESULT_COLUMNS} FROM results WHERE superseded_by IS NULL "
            f"AND sample_item_id IN ({marks})",
            list(chunk),
        ):
            current[int(row["sample_item_id"])] = dict(row)
    sample_ids = sorted({int(i["sample_id"]) for i in items.values()})
    for chunk in _chunks(sample_ids):
        marks = ",".join("?" * len(chunk))
        submitted.update(
            int(r[0])
            for r in db.query(
                f"SELECT DISTINCT sample_id FROM sample_events WHERE action = 'submit' "
                f"AND sample_id IN ({marks})",
                list(chunk),
            )
        )
    verdicts: list[Verdict] = []
    seen: set[int] = set()
    for index, entry in enumerate(batch):
        item = items.get(entry.sample_item_id)
        where = f"entries[{index}]"
        if item is None:
            raise ValidationError(
                where, "exists", f"{where}: test item #{entry.sample_item_id} does not exist"
            )
        if entry.sample_item_id in seen:
            raise ValidationError(
                where,
                "unique",
                f"{where}: item {item['name']} of {item['sample_no']} appears twice",
            )
        seen.add(entry.sample_item_id)
        try:
            _check_state(item)
            lab_guards.check_entry(db, ctx.actor, item)
            verdicts.append(judge_text(item, entry.text, entry.uncertainty))
        except (ValidationError, WorkflowError) as exc:
            raise ValidationError(where, getattr(exc, "rule", "state"), f"{where}: {exc}") from exc
        has_current = entry.sample_item_id in current
        if entry.retest and not has_current:
            raise ValidationError(
                where, "retest", f"{where}: {item['name']} has no result yet to retest"
            )
        needs = has_current and (
            entry.retest
            or item["sample_state"] in ("submitted", *REOPEN_STATES)
            or int(item["sample_id"]) in submitted
        )
        if needs and not entry.reason.strip():
            raise ValidationError(
                where,
                "reason",
                f"{where}: reason required to change a result of {item['sample_no']}, "
                "already submitted",
            )
    return BulkPlan(batch, verdicts, items, current)


def write_bulk_in(w: Writer, plan: BulkPlan) -> list[int]:
    """Writes a checked plan in the caller's transaction; the new result ids, in order."""
    items, current = plan.items, plan.current
    reasons: dict[int, str] = {}
    for entry in plan.entries:
        sid = int(items[entry.sample_item_id]["sample_id"])
        if entry.reason.strip():
            reasons.setdefault(sid, entry.reason.strip())
    states: dict[int, str] = {}
    for item in items.values():
        sid = int(item["sample_id"])
        if sid not in states:
            states[sid] = _prepare_state(w, sid, item["sample_state"], reasons.get(sid, ""))
    fresh: list[dict[str, Any]] = []
    fresh_at: list[int] = []
    new_ids: list[int] = [0] * len(plan.entries)
    for index, (entry, verdict) in enumerate(zip(plan.entries, plan.verdicts, strict=True)):
        item = items[entry.sample_item_id]
        if entry.sample_item_id in current:
            new_ids[index] = _write_one(
                w,
                item,
                entry.text.strip(),
                verdict,
                kind="retest" if entry.retest else "entry",
                reason=entry.reason.strip(),
                instrument=entry.instrument.strip(),
                method=entry.method.strip(),
            )
            continue
        fresh_at.append(index)
        fresh.append(
            {
                "sample_item_id": entry.sample_item_id,
                "attempt": 1,
                "kind": "entry",
                "text": entry.text.strip(),
                **_verdict_columns(verdict),
                "instrument": entry.instrument.strip(),
                "method": entry.method.strip() or item["test_method"],
                "entered_by": w.actor.user_id,
                "entered_at": w.at_utc,
                "reason": entry.reason.strip(),
            }
        )
    inserted = w.insert_many("results", fresh, action="entry")
    for index, new_id in zip(fresh_at, inserted, strict=True):
        new_ids[index] = new_id
    for entry, new_id in zip(plan.entries, new_ids, strict=True):
        insert_values(w, new_id, entry.values)
    for sid, state in states.items():
        if state == "submitted":
            refresh_conclusion(w, sid)
    return new_ids


def enter_results_bulk(ctx: ServiceContext, entries: Iterable[ResultEntry]) -> list[Verdict]:
    """Many results in one transaction (imports): all are judged first, all or nothing.

    A problem raises ValidationError naming the entry (`entries[i]`) and nothing is
    written. Same rules as `enter_result`, applied per entry.
    """
    plan = plan_bulk(ctx, entries)
    if not plan.entries:
        return []
    with ctx.db.write(ctx.actor) as w:
        write_bulk_in(w, plan)
    return plan.verdicts
