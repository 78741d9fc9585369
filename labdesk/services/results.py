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
from typing import Any, Protocol

from labdesk.core.decision import decide
from labdesk.core.errors import LabDeskError, NotFound, ValidationError, WorkflowError
from labdesk.core.judgement import (
    CompiledRule,
    ItemColumns,
    ItemRule,
    Verdict,
    compile_rule,
    conclude,
    item_rule,
)
from labdesk.core.plans import looks_like_plan
from labdesk.services import lab_guards
from labdesk.services.busy import retried_when_busy
from labdesk.services.conflicts import UNCHECKED, ensure_current_result
from labdesk.services.context import ServiceContext
from labdesk.services.permissions import require
from labdesk.services.samples import event_row, transition
from labdesk.store import drafts as unit_drafts
from labdesk.store import first_result
from labdesk.store.audit import Actor, Writer
from labdesk.store.db import Database
from labdesk.store.protocol import Store
from labdesk.store.schema import live_item

# States in which results may be written; received/returned move to testing first.
ENTRY_STATES = ("received", "testing", "returned", "submitted", "reviewed", "approved")
REOPEN_STATES = ("reviewed", "approved")

RESULT_COLUMNS = (
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


def verdict_columns(verdict: Verdict) -> dict[str, Any]:
    return {
        "verdict": verdict.verdict,
        "compared": verdict.compared,
        "rounded": verdict.rounded,
        "display": verdict.display,
        "explanation_zh": verdict.explanation_zh,
        "explanation_en": verdict.explanation_en,
        "report_only": int(verdict.report_only),
        # Written only when set: a plain result's row is what it was before schema 10.
        **({"converted": verdict.converted} if verdict.converted else {}),
        **({"pending": verdict.pending} if verdict.pending else {}),
    }


def kind_values(text: str, verdict: Verdict, unit: str = "") -> list[ResultValue]:
    """The values behind a plan's or a sum's result, as typed: one 'unit' row per unit
    (1#…n#) or one 'component' row per component. Empty for a plain result."""
    if verdict.units:
        from labdesk.core.plans import split_units

        return [
            ResultValue("unit", number, part, unit=unit)
            for number, part in enumerate(split_units(text), 1)
        ]
    return [
        ResultValue("component", number, part, unit=unit)
        for number, part in enumerate(verdict.components, 1)
    ]


def _column(row: dict[str, Any] | Any, name: str) -> Any:
    try:
        return row[name]
    except (KeyError, IndexError):  # a query that does not select it, an older database
        return ""


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
        converted=str(_column(row, "converted") or ""),
        pending=str(_column(row, "pending") or ""),
    )


_ITEM_CONTEXT = (
    "SELECT i.*, s.state AS sample_state, s.sample_no, s.id AS sample_pk "
    "FROM sample_items i JOIN samples s ON s.id = i.sample_id WHERE i.id = ?"
)


def _item_context(db: Database, sample_item_id: int) -> dict[str, Any]:
    row = db.query_one(_ITEM_CONTEXT, (sample_item_id,))
    if row is None:
        raise NotFound(f"test item #{sample_item_id} does not exist")
    return dict(row)


def _locked_item_context(w: Writer, sample_item_id: int) -> dict[str, Any]:
    """The item as `_item_context` reads it, its sample's row held until the commit:
    the sample's state is then the latest and stays so (its items change only in
    writes that run alone, so they are current too)."""
    row = w.lock_joined(_ITEM_CONTEXT, (sample_item_id,), "s")
    if row is None:
        raise NotFound(f"test item #{sample_item_id} does not exist")
    return dict(row)


def current_result(db: Store, sample_item_id: int) -> dict[str, Any] | None:
    row = db.query_one(
        f"SELECT {RESULT_COLUMNS} FROM results WHERE sample_item_id = ? "
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


def check_state(item: dict[str, Any]) -> None:
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


def prepare_state(w: Writer, sample_id: int, state: str, reason: str) -> str:
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
        # r.*: the result's judgement columns, with `pending` where the schema has it
        "SELECT i.name, i.limit_text, i.standard_no, i.standard_year, r.* "
        "FROM sample_items i LEFT JOIN results r ON r.sample_item_id = i.id "
        f"AND r.superseded_by IS NULL WHERE i.sample_id = ? AND {live_item('i')} ORDER BY i.seq",
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


_READ_IT = object()  # write_one: the current result is not known yet


def write_one(
    w: Writer,
    item: dict[str, Any],
    text: str,
    verdict: Verdict,
    *,
    kind: str,
    reason: str,
    instrument: str,
    method: str,
    current: Any = _READ_IT,
) -> int:
    """Writes a new result of `item` and supersedes the current one; `current` is that
    result (or None) when the caller has just read it in this transaction."""
    if current is _READ_IT:
        current = current_result(w.db, item["id"])
    attempt = 1
    if current is not None:
        attempt = int(current["attempt"]) + (1 if kind == "retest" else 0)
        if kind == "entry":
            kind = "correction"
    values = result_row(
        item, text, verdict, attempt, kind, reason, instrument, method, w.actor, w.at_utc
    )
    new_id = w.insert("results", values, reason=reason, action=kind)
    insert_values(w, new_id, kind_values(text, verdict, str(item["unit"] or "")))
    if looks_like_plan(str(item["limit_text"] or "")):
        # The units typed so far (a draft, store/drafts.py) become this result: gone with
        # the same commit, so no draft outlives the result it was for.
        unit_drafts.clear(w.conn, int(item["id"]))
    if current is not None:
        w.update(
            "results", int(current["id"]), {"superseded_by": new_id}, reason=reason, action=kind
        )
    return new_id


def result_row(
    item: dict[str, Any],
    text: str,
    verdict: Verdict,
    attempt: int,
    kind: str,
    reason: str,
    instrument: str,
    method: str,
    actor: Actor,
    at_utc: str,
) -> dict[str, Any]:
    """The results row (no id) of a result of `item` entered by `actor` at `at_utc`."""
    return {
        "sample_item_id": item["id"],
        "attempt": attempt,
        "kind": kind,
        "text": text,
        **verdict_columns(verdict),
        "instrument": instrument,
        "method": method or item["test_method"],
        "entered_by": actor.user_id,
        "entered_at": at_utc,
        "reason": reason,
    }


def _needs_reason(db: Database, item: dict[str, Any], has_current: bool) -> bool:
    return has_current and (
        item["sample_state"] in ("submitted", *REOPEN_STATES)
        or was_submitted(db, int(item["sample_id"]))
    )


@retried_when_busy
def enter_result(
    ctx: ServiceContext,
    sample_item_id: int,
    text: str,
    *,
    reason: str | None = None,
    instrument: str | None = None,
    method: str | None = None,
    seen_result_id: int | None = UNCHECKED,
) -> Verdict:
    """Records (or corrects) the result of one item and returns its verdict; commits at once.

    `seen_result_id` is the current result the user's screen showed (None: none): if
    another user changed it since, `conflicts.EditConflict` and nothing is written."""
    require(ctx, "enter_result")
    if seen_result_id is None or seen_result_id == UNCHECKED:
        first = _enter_first(ctx, sample_item_id, text, reason, instrument, method)
        if first is not None:
            return first
    # Beside other workstations' entries (shared): every check below is made on rows
    # read once the sample's row is locked, so a change to the sample (its state, its
    # items' results) by anyone else is either before it all or after the commit. The
    # current result is read by a statement of its own, after the lock: a statement that
    # waited for it sees the other tables as they were when it started.
    with ctx.db.write(ctx.actor, shared=True) as w:
        item = _locked_item_context(w, sample_item_id)
        check_state(item)
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
                f"reason: required to change a result of sample {item['sample_no']}, which "
                "was already submitted (修改已提交的结果须填写原因)",
            )
        if seen_result_id != (None if current is None else int(current["id"])):
            ensure_current_result(w, sample_item_id, seen_result_id)  # names who and when
        state = prepare_state(w, int(item["sample_id"]), item["sample_state"], why)
        write_one(
            w,
            item,
            typed,
            verdict,
            kind="entry",
            reason=why,
            instrument=(instrument or "").strip(),
            method=(method or "").strip(),
            current=current,
        )
        if state == "submitted":
            refresh_conclusion(w, int(item["sample_id"]))
    # Rows kept for the sample's first results no longer say what it now is.
    first_result.forget(ctx.db, int(item["sample_id"]))
    return verdict


# What an item's first result is decided on (`_enter_first`): the items of its sample
# as `_item_context` reads one, with the write epoch and each one's current result, all
# as of one statement's start (kept for the sample's next entries: first_result.keep).
_FIRST_READ = (
    "SELECT i.*, s.state AS sample_state, s.sample_no, s.id AS sample_pk, "
    "(SELECT n FROM write_epoch WHERE id = 1) AS write_epoch, "
    "(SELECT r.id FROM results r WHERE r.sample_item_id = i.id AND r.superseded_by IS NULL "
    "LIMIT 1) AS current_result_id "
    "FROM sample_items i JOIN samples s ON s.id = i.sample_id "
    "WHERE i.sample_id = (SELECT sample_id FROM sample_items WHERE id = ?)"
)
# The states whose samples an entry moves to testing (`prepare_state`), and testing.
_FIRST_STATES = ("received", "returned", "testing")


def _enter_first(
    ctx: ServiceContext,
    sample_item_id: int,
    text: str,
    reason: str | None,
    instrument: str | None,
    method: str | None,
) -> Verdict | None:
    """`enter_result` of the first result of an item of a sample to be tested or under
    test, a plain value: decided on one read, then written by `first_result`, which
    writes nothing if the read is no longer true (on a server, in one statement: issue
    18's speed). None when it is not such an entry or nothing was written: the general
    path then reads everything again under its locks, and says what is wrong, if
    anything (its checks are the same: an entry refused here is refused there)."""
    db = ctx.db
    with first_result.deciding(db):
        item = first_result.kept_item(db, sample_item_id)
        if item is not None:
            verdict = _first_decided(ctx, item, text, reason, instrument, method)
            if verdict is not _STALE:
                return verdict
        # Not kept, or found changed at the write: read again (once; what is found
        # changed then was changed by someone else just now: the general path).
        first_result.keep(db, [dict(row) for row in db.query(_FIRST_READ, (sample_item_id,))])
        item = first_result.kept_item(db, sample_item_id)
        if item is None:
            return None
        verdict = _first_decided(ctx, item, text, reason, instrument, method)
        return None if verdict is _STALE else verdict


_STALE: Any = object()  # _first_decided: decided on rows found changed at the write


def _first_decided(
    ctx: ServiceContext,
    item: dict[str, Any],
    text: str,
    reason: str | None,
    instrument: str | None,
    method: str | None,
) -> Verdict | None:
    """`_enter_first` on the row `item`: the verdict written, None when the entry is
    not one for this path, _STALE when the write found the rows changed."""
    db = ctx.db
    state = item["sample_state"]
    if item["current_result_id"] is not None or state not in _FIRST_STATES:
        return None  # a correction, or a sample reopened or submitted: the general path
    if looks_like_plan(str(item["limit_text"] or "")):
        return None  # its units' draft is deleted with it: the general path
    try:
        check_state(item)
        lab_guards.check_entry(db, ctx.actor, item)
        verdict = judge_text(item, text)
    except LabDeskError:
        return None  # said by the general path, on rows read under its locks
    typed = text.strip()
    if kind_values(typed, verdict, str(item["unit"] or "")):
        return None  # a sum's components are rows of their own: the general path
    why = (reason or "").strip()
    entry = first_result.FirstResult(db, ctx.actor)
    values = result_row(
        item,
        typed,
        verdict,
        1,
        "entry",
        why,
        (instrument or "").strip(),
        (method or "").strip(),
        ctx.actor,
        entry.at_utc,
    )
    sample_id = int(item["sample_id"])
    move = None
    if state != first_result.TESTING:  # as prepare_state: received/returned → testing
        move = event_row(
            sample_id, state, first_result.TESTING, "start_testing", ctx.actor, entry.at_utc
        )
    written = entry.write(
        item_id=int(item["id"]),
        sample_id=sample_id,
        state=state,
        epoch=int(item["write_epoch"]),
        result=values,
        action="entry",
        reason=why,
        start_testing=move,
    )
    return _STALE if written is None else verdict


@retried_when_busy
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
    # Beside other workstations' entries (shared), checked as enter_result checks.
    with ctx.db.write(ctx.actor, shared=True) as w:
        item = _locked_item_context(w, sample_item_id)
        check_state(item)
        lab_guards.check_entry(ctx.db, ctx.actor, item)
        verdict = judge_text(item, text)
        current = current_result(ctx.db, sample_item_id)
        if current is None:
            raise WorkflowError(f"item {item['name']} has no result yet: enter it before a retest")
        state = prepare_state(w, int(item["sample_id"]), item["sample_state"], why)
        write_one(
            w,
            item,
            text.strip(),
            verdict,
            kind="retest",
            reason=why,
            instrument=(instrument or "").strip(),
            method=(method or "").strip(),
            current=current,
        )
        if state == "submitted":
            refresh_conclusion(w, int(item["sample_id"]))
    return verdict


def chunks(values: Sequence[int], size: int = 500) -> Iterable[Sequence[int]]:
    for start in range(0, len(values), size):
        yield values[start : start + size]


# -- 未检出 needs its 检出限 -------------------------------------------------------------

# What a below-LOD result without any stated LOD displays (core.judgement): such rows
# are the only candidates for `undefended_not_detected`.
_BARE_NOT_DETECTED = ("未检出", "<LOD")


class _Reader(Protocol):
    def query(self, sql: str, params: Sequence[Any] = ..., /) -> Sequence[Any]: ...


def undefended_not_detected(db: _Reader, sample_ids: Sequence[int]) -> list[tuple[str, str]]:
    """(sample number, item name) of current results that say 未检出 / <LOD below no
    stated detection limit — recorded before the rule existed, or imported from an older
    file. The workflow, the report and the batch refuse them (a report that says 未检出
    must say below what)."""
    found: list[tuple[str, str]] = []
    ids = sorted({int(s) for s in sample_ids})
    for chunk in chunks(ids):
        marks = ",".join("?" * len(chunk))
        rows = db.query(
            "SELECT s.sample_no, i.name, i.limit_text, i.method, i.interval, i.decimals, "
            "i.lod, i.loq, i.unit, r.text AS result_text FROM results AS r "
            "JOIN sample_items AS i ON i.id = r.sample_item_id "
            "JOIN samples AS s ON s.id = i.sample_id "
            f"WHERE i.sample_id IN ({marks}) AND r.superseded_by IS NULL "
            "AND r.display IN (?, ?) AND (i.lod IS NULL OR i.lod = '') "
            "ORDER BY s.sample_no, i.seq",
            [*chunk, *_BARE_NOT_DETECTED],
        )
        for row in rows:
            try:
                rule_for(row).judge(str(row["result_text"]))
            except ValidationError as exc:
                if exc.rule == "lod_required":
                    found.append((str(row["sample_no"]), str(row["name"])))
    return found


def require_defended(db: _Reader, sample_ids: Sequence[int], doing: str) -> None:
    """ValidationError (rule lod_required) naming every 未检出 without its 检出限."""
    found = undefended_not_detected(db, sample_ids)
    if not found:
        return
    named = "、".join(f"{no} {name}" for no, name in found[:10])
    more = f" … ({len(found)})" if len(found) > 10 else ""
    raise ValidationError(
        "results",
        "lod_required",
        f"cannot {doing}: 未检出 without a detection limit for {named}{more}; enter the "
        f"item's LOD (with a reason) or correct the result "
        f"（{named}{more} 的“未检出”未注明检出限：请为项目录入检出限并说明原因，或更正结果）",
    )


@retried_when_busy
def set_item_lod(ctx: ServiceContext, sample_item_id: int, lod: str, reason: str) -> Verdict | None:
    """Enters (or corrects) the detection limit (检出限) of a sample's frozen test item,
    with a reason, audited. The library's LOD stays as it is: this is the LOD of the
    method this lab used for this sample.

    A current result is judged again under the new LOD; when its verdict or the way it is
    reported changes, the same text is recorded again as a correction with the same
    reason (the earlier row stays visible). Returns the new verdict of the current
    result, or None when the item has none yet.
    """
    require(ctx, "enter_result")
    why = (reason or "").strip()
    if not why:
        raise ValidationError(
            "reason", "required", "reason: required to set a detection limit (录入检出限须填写原因)"
        )
    text = (lod or "").strip()
    if not text:
        raise ValidationError("lod", "required", "lod: the detection limit is empty (请填写检出限)")
    item = _item_context(ctx.db, sample_item_id)
    check_state(item)
    lab_guards.check_entry(ctx.db, ctx.actor, item)  # it may record a correction
    changed = dict(item, lod=text)
    rule_for(changed)  # raises for a bad LOD (not a positive decimal, above LOQ)
    if str(item["lod"] or "") == text:
        return None
    return change_item(ctx, item, {"lod": text}, reason=why, action="set_lod")


def change_item(
    ctx: ServiceContext, item: dict[str, Any], changes: dict[str, Any], *, reason: str, action: str
) -> Verdict | None:
    """Writes `changes` to a sample's frozen item (audited, with `reason`) and judges its
    current result again under the changed item; when the verdict or the way it is
    reported changes, the same text is recorded again as a correction with the same
    reason. Returns the current result's new verdict, or None when it has none. The
    caller has checked the permission, the state and the changes themselves."""
    sample_item_id = int(item["id"])
    changed = dict(item, **changes)
    current = current_result(ctx.db, sample_item_id)
    verdict = None
    if current is not None:
        # Judged again as it was judged: under the item's decision rule, with the U of the
        # method it was measured by (a guard band needs it).
        shown = str(current["text"])
        verdict = judge_text(changed, shown, lab_guards.uncertainty_of(ctx.db, item, shown))
    with ctx.db.write(ctx.actor) as w:
        w.update("sample_items", sample_item_id, changes, reason=reason, action=action)
        if current is None or verdict is None:
            return None
        if (verdict.verdict, verdict.display) == (current["verdict"], current["display"]):
            return verdict
        state = prepare_state(w, int(item["sample_id"]), item["sample_state"], reason)
        write_one(
            w,
            changed,
            str(current["text"]),
            verdict,
            kind="entry",
            reason=reason,
            instrument=str(current["instrument"] or ""),
            method=str(current["method"] or ""),
        )
        if state == "submitted":
            refresh_conclusion(w, int(item["sample_id"]))
    return verdict
