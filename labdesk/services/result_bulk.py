"""Many results at once, as imports bring them: the one bulk path (Qt-free).

Both result files come this way — the general result import (`services.excel_import.
commit_import`, through `enter_results_bulk(..., source=...)`) and an analytical run's
instrument file (`services.run_record.commit_readings`, which writes its run items and
raw file in the same transaction, so it calls the two steps itself):

1. `plan_bulk(ctx, entries)` reads only: every entry is checked by the rules of
   `results.enter_result` (the item exists and is open for entry, `lab_guards` — the
   method's authorization and the run's technician — its text judged under the item's
   decision rule with the entry's U, a reason where a submitted result changes). A problem
   raises ValidationError naming the entry (`entries[i]`); nothing is written.
2. `write_bulk_in(w, plan, source=None)` writes, in the caller's transaction: the file in
   `result_imports` when `source` names one (the new results' audit entries then name it
   and its SHA-256), the results, the values behind each (`result_values`), the
   conclusions of submitted samples refreshed.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from labdesk.core.errors import ValidationError, WorkflowError
from labdesk.core.judgement import CompiledRule, Verdict, VerdictColumns, judge_rows
from labdesk.services import lab_guards
from labdesk.services.context import ServiceContext
from labdesk.services.permissions import require
from labdesk.services.results import (
    REOPEN_STATES,
    RESULT_COLUMNS,
    ResultValue,
    _decision_rule,
    check_state,
    chunks,
    insert_values,
    judge_text,
    kind_values,
    prepare_state,
    refresh_conclusion,
    rule_for,
    verdict_columns,
    write_one,
)
from labdesk.store.audit import Writer


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


@dataclass(frozen=True)
class ResultSource:
    """The file a bulk of results came from (imports): recorded in `result_imports`, in
    the same audited transaction as the results, whose audit entries name it too."""

    file_name: str
    sha256: str
    size: int
    encoding: str = ""
    mapping: str = ""


class BulkVerdicts:
    """The verdicts of many entries, each as `results.judge_text` gives it: row ``i``'s
    code and display without a Verdict object for most rows (`core.judge_batch`), its
    full Verdict (or its refusal) on demand."""

    __slots__ = ("_alone", "_at", "_columns")

    def __init__(
        self, columns: VerdictColumns, at: list[int], alone: dict[int, Verdict | Exception]
    ) -> None:
        self._columns = columns
        self._at = at  # entry → its row in `columns`, -1 for one judged alone
        self._alone = alone  # entries judged one by one: their Verdict or refusal

    def code(self, i: int) -> str:
        """Entry ``i``'s verdict code; "" when it is refused."""
        j = self._at[i]
        if j >= 0:
            return self._columns.codes[j]
        alone = self._alone[i]
        return alone.verdict if isinstance(alone, Verdict) else ""

    def display(self, i: int) -> str:
        """What the report would print for entry ``i``; "" when it is refused."""
        j = self._at[i]
        if j >= 0:
            return self._columns.displays[j]
        alone = self._alone[i]
        return alone.display if isinstance(alone, Verdict) else ""

    def verdict(self, i: int) -> Verdict:
        """Entry ``i``'s Verdict; raises its ValidationError when it is refused."""
        j = self._at[i]
        if j >= 0:
            return self._columns.verdict(j)
        alone = self._alone[i]
        if isinstance(alone, Verdict):
            return alone
        raise alone


def judge_entries(
    items: Sequence[Any], texts: Sequence[str], uncertainties: Sequence[Decimal | None] = ()
) -> BulkVerdicts:
    """Every text judged against its item as `results.judge_text` judges it, together:
    entries under the simple decision rule through `core.judgement.judge_rows` (the bulk
    path), the rest (a guard band with its U, an empty text, an item whose rule does not
    compile) one by one. Raises nothing: a refusal is the entry's. An entry whose item
    is None (no such item: the caller refuses it) is not judged."""
    rules: list[CompiledRule] = []  # each compiled rule once (`rule_for` caches them)
    key_of: dict[int, int] = {}  # id(rule) → its index in `rules`
    rows: list[tuple[int, str]] = []
    at: list[int] = []
    alone: dict[int, Verdict | Exception] = {}
    for i, (item, text) in enumerate(zip(items, texts, strict=True)):
        at.append(-1)
        if item is None:
            continue
        if text and text.strip() and _decision_rule(item) == "simple":
            try:
                rule = rule_for(item)
            except ValidationError as exc:
                alone[i] = exc
                continue
            key = key_of.get(id(rule))
            if key is None:
                key = key_of[id(rule)] = len(rules)
                rules.append(rule)
            at[i] = len(rows)
            rows.append((key, text))
            continue
        try:
            alone[i] = judge_text(item, text, uncertainties[i] if uncertainties else None)
        except ValidationError as exc:
            alone[i] = exc
    return BulkVerdicts(judge_rows(rules, rows), at, alone)


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
    for chunk in chunks(ids):
        marks = ",".join("?" * len(chunk))
        for row in db.query(
            "SELECT i.*, s.state AS sample_state, s.sample_no FROM sample_items i "
            f"JOIN samples s ON s.id = i.sample_id WHERE i.id IN ({marks})",
            list(chunk),
        ):
            items[int(row["id"])] = dict(row)
        for row in db.query(
            f"SELECT {RESULT_COLUMNS} FROM results WHERE superseded_by IS NULL "
            f"AND sample_item_id IN ({marks})",
            list(chunk),
        ):
            current[int(row["sample_item_id"])] = dict(row)
    sample_ids = sorted({int(i["sample_id"]) for i in items.values()})
    for chunk in chunks(sample_ids):
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
    # Judged together first; each entry's verdict or refusal is read in turn below, so the
    # first problem in the entries' order is still the one raised.
    judged = judge_entries(
        [items.get(e.sample_item_id) for e in batch],
        [e.text for e in batch],
        [e.uncertainty for e in batch],
    )
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
            check_state(item)
            lab_guards.check_entry(db, ctx.actor, item)
            verdicts.append(judged.verdict(index))
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


def write_bulk_in(w: Writer, plan: BulkPlan, *, source: ResultSource | None = None) -> list[int]:
    """Writes a checked plan in the caller's transaction; the new result ids, in order.

    With `source`, the file is recorded (`result_imports`) first and the new results'
    audit entries carry its name and SHA-256 as their reason (action "import"). Each
    entry's `values` are written beside its result (`result_values`)."""
    items, current = plan.items, plan.current
    audit_reason, audit_action = "", "entry"
    if source is not None:
        import_id = w.insert(
            "result_imports",
            {
                "file_name": source.file_name,
                "sha256": source.sha256,
                "size": source.size,
                "encoding": source.encoding,
                "mapping": source.mapping,
                "rows": len(plan.entries),
                "imported_by": w.actor.user_id,
                "imported_at": w.at_utc,
            },
            action="import",
        )
        audit_reason = f"导入 {source.file_name} (#{import_id}, sha256 {source.sha256})"
        audit_action = "import"
    reasons: dict[int, str] = {}
    for entry in plan.entries:
        sid = int(items[entry.sample_item_id]["sample_id"])
        if entry.reason.strip():
            reasons.setdefault(sid, entry.reason.strip())
    states: dict[int, str] = {}
    for item in items.values():
        sid = int(item["sample_id"])
        if sid not in states:
            states[sid] = prepare_state(w, sid, item["sample_state"], reasons.get(sid, ""))
    fresh: list[dict[str, Any]] = []
    fresh_at: list[int] = []
    new_ids: list[int] = [0] * len(plan.entries)
    for index, (entry, verdict) in enumerate(zip(plan.entries, plan.verdicts, strict=True)):
        item = items[entry.sample_item_id]
        if entry.sample_item_id in current:
            new_ids[index] = write_one(
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
                **verdict_columns(verdict),
                "instrument": entry.instrument.strip(),
                "method": entry.method.strip() or item["test_method"],
                "entered_by": w.actor.user_id,
                "entered_at": w.at_utc,
                "reason": entry.reason.strip(),
            }
        )
    inserted = w.insert_many("results", fresh, reason=audit_reason, action=audit_action)
    for index, new_id in zip(fresh_at, inserted, strict=True):
        new_ids[index] = new_id
    fresh_ids = set(fresh_at)
    for index, (entry, verdict, new_id) in enumerate(
        zip(plan.entries, plan.verdicts, new_ids, strict=True)
    ):
        insert_values(w, new_id, entry.values)
        if index in fresh_ids:  # write_one stored a correction's own plan units / components
            unit = str(items[entry.sample_item_id]["unit"] or "")
            insert_values(w, new_id, kind_values(entry.text.strip(), verdict, unit))
    for sid, state in states.items():
        if state == "submitted":
            refresh_conclusion(w, sid)
    return new_ids


# Not retried when busy: `entries` may be an iterator, used up by the first try (a
# second would find nothing to write and say nothing). Its callers, which list the
# entries again on each try, are retried whole (excel_import.commit_import).
def enter_results_bulk(
    ctx: ServiceContext, entries: Iterable[ResultEntry], *, source: ResultSource | None = None
) -> list[Verdict]:
    """Many results in one transaction (imports): all are judged first, all or nothing.

    A problem raises ValidationError naming the entry (`entries[i]`) and nothing is
    written. Same rules as `enter_result`, applied per entry (`plan_bulk`), then one
    write (`write_bulk_in`, which records `source` when given).
    """
    plan = plan_bulk(ctx, entries)
    if not plan.entries:
        return []
    with ctx.db.write(ctx.actor) as w:
        write_bulk_in(w, plan, source=source)
    return plan.verdicts
