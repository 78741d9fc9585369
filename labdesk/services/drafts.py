"""Units of a sampling-plan item typed before all n are in, kept as a draft at once.

The result grid calls `keep_units` for every unit accepted while the plan is not
complete (store/drafts.py keeps them), and `units_of` when it shows items: the units
come back, yellow, with who typed each, after a crash, a closed window or on another
workstation. The n units become one result through `results.enter_result`, whose
transaction deletes the draft (results.write_one); nothing else ever reads a draft.

The same rules as entering the result apply to typing its units: a technician's
action, a sample in an entry state, an item not withdrawn and, in a run, the run's
technician; each value is checked as one unit (the plan's n# named when refused).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from labdesk.core.errors import LabDeskError, NotFound, ValidationError, WorkflowError
from labdesk.core.plans import looks_like_plan, parse_plan, read_unit
from labdesk.services import lab_guards
from labdesk.services.busy import retried_when_busy
from labdesk.services.context import ServiceContext
from labdesk.services.permissions import require
from labdesk.services.results import check_state
from labdesk.store import drafts as store
from labdesk.store.protocol import Store


@dataclass(frozen=True)
class UnitDraft:
    """An item's units typed so far: `values[k]` is unit k+1 ("" if not typed yet);
    `typed_by[k]` and `typed_at[k]` (UTC ISO) say who typed it and when."""

    sample_item_id: int
    values: tuple[str, ...]
    typed_by: tuple[str, ...]
    typed_at: tuple[str, ...]

    @property
    def n(self) -> int:
        return len(self.values)


def plan_n(limit_text: str | None) -> int:
    """n of an item's sampling plan, 0 if its limit is not a plan (or does not read: its
    result cell shows the reason, as for any unreadable limit)."""
    limit_text = str(limit_text or "")
    if not limit_text or not looks_like_plan(limit_text):
        return 0
    try:
        return parse_plan(limit_text).n
    except LabDeskError:
        return 0


@retried_when_busy
def keep_units(ctx: ServiceContext, sample_item_id: int, units: Mapping[int, str]) -> UnitDraft:
    """Stores the units typed (number → value as typed; "" clears that unit) of a plan
    item that has no result yet, committed at once; returns the item's whole draft as
    stored now (with units other workstations typed). Nothing is written if any value
    is refused."""
    require(ctx, "enter_result")
    item = ctx.db.query_one(
        "SELECT i.*, s.state AS sample_state, s.sample_no FROM sample_items i "
        "JOIN samples s ON s.id = i.sample_id WHERE i.id = ?",
        (sample_item_id,),
    )
    if item is None:
        raise NotFound(f"test item #{sample_item_id} does not exist")
    check_state(dict(item))
    lab_guards.check_entry(ctx.db, ctx.actor, item)
    n = plan_n(str(item["limit_text"] or ""))
    if not n:
        raise WorkflowError(
            f"item {item['name']} is not a sampling plan: its result is entered as one value "
            "(该项目不是采样方案)"
        )
    typed: dict[int, str] = {}
    for number, text in units.items():
        if not 1 <= number <= n:
            raise ValidationError(
                "result",
                "unit_count",
                f"result {number}#: the plan of item {item['name']} has n={n} units "
                f"（采样方案只有 n={n} 个样品单元）",
            )
        value = text.strip()
        if value:
            read_unit(value, number)  # ValidationError naming n#
        typed[number] = value
    at = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    with ctx.db.transaction() as conn:
        if ctx.db.scalar(
            "SELECT 1 FROM results WHERE sample_item_id = ? AND superseded_by IS NULL",
            (sample_item_id,),
        ):
            raise WorkflowError(
                f"item {item['name']} already has a result: a change of one unit is saved "
                "at once as a correction, not as a draft (该项目已有结果)"
            )
        store.put(conn, sample_item_id, typed, ctx.actor.user_id, at)
    return units_of(ctx.db, [sample_item_id]).get(sample_item_id) or UnitDraft(
        sample_item_id, ("",) * n, ("",) * n, ("",) * n
    )


def units_of(db: Store, sample_item_ids: Sequence[int]) -> dict[int, UnitDraft]:
    """The drafts of these items (only those that have one), keyed by item id."""
    found: dict[int, UnitDraft] = {}
    for item_id, stored in store.read(db, sample_item_ids).items():
        n = plan_n(stored.limit_text)
        if not n:
            continue  # the limit changed since: no longer a plan, nothing to show
        numbers = range(1, n + 1)
        found[item_id] = UnitDraft(
            item_id,
            tuple(stored.values.get(k, "") for k in numbers),
            tuple(stored.typed_by.get(k, "") for k in numbers),
            tuple(stored.typed_at.get(k, "") for k in numbers),
        )
    return found
