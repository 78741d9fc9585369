"""Each sample's statutory clocks, stored as dates when their events happen.

The clocks (`labdesk.core.deadlines`) are computed in Python on the official calendar
(`services.calendars.centre_calendar`) and stored on the sample — `delivery_due`,
`report_due_date`, `reinspection_due`, `objection_due`, `sampling_objection_due` and
`clock_missing_year` (the year whose calendar a clock still waits for) — whenever one of
their inputs changes: registration or a corrected sampling date, receipt, approval (the
conclusion is made: `concluded_on`), the day the sampled unit received the conclusion
(`notified_on`), and the import of a year calendar. Dashboards and lists then count and
colour them with plain comparisons of stored dates: nothing is computed per row per paint.

`urgent_due` (the 24-hour report's deadline, an instant) is set at approval when the
report class is 24小时限时报告; it is not a calendar clock.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from labdesk.core.deadlines import ClockFacts, SampleClocks, sample_clocks
from labdesk.core.errors import ValidationError
from labdesk.core.workcalendar import WorkCalendar
from labdesk.services.busy import retried_when_busy
from labdesk.services.calendars import centre_calendar
from labdesk.services.context import ServiceContext
from labdesk.services.permissions import require
from labdesk.store.audit import Writer
from labdesk.store.protocol import Store

#: samples column ← SampleClocks field
CLOCK_COLUMNS = {
    "delivery_due": "delivery_due",
    "report_due_date": "report_due",
    "reinspection_due": "reinspection_due",
    "objection_due": "objection_due",
    "sampling_objection_due": "sampling_objection_due",
    "clock_missing_year": "missing_year",
}
_CHUNK = 500  # ids per IN (…) list: far below every engine's parameter limit

_FACTS_SELECT = (
    "SELECT s.id, s.state, s.sampling_date, s.received_date, s.concluded_on, s.notified_on, "
    "coalesce(t.food, 0) AS food, "
    + ", ".join(f"s.{c}" for c in CLOCK_COLUMNS)
    + " FROM samples s LEFT JOIN tasks t ON t.id = s.task_id"
)


def _day(value: Any) -> date | None:
    return date.fromisoformat(str(value)) if value else None


def facts_of(row: Any) -> ClockFacts:
    return ClockFacts(
        food=bool(row["food"]),
        sampling_date=_day(row["sampling_date"]),
        received_date=_day(row["received_date"]),
        concluded_on=_day(row["concluded_on"]),
        notified_on=_day(row["notified_on"]),
    )


def clock_values(clocks: SampleClocks) -> dict[str, Any]:
    """The samples columns of `clocks` (dates as ISO text)."""
    out: dict[str, Any] = {}
    for column, attr in CLOCK_COLUMNS.items():
        value = getattr(clocks, attr)
        out[column] = value.isoformat() if isinstance(value, date) else value
    return out


def _chunks(ids: Sequence[int]) -> Iterable[Sequence[int]]:
    for start in range(0, len(ids), _CHUNK):
        yield ids[start : start + _CHUNK]


def refresh_in(
    w: Writer,
    sample_ids: Iterable[int],
    *,
    reason: str = "",
    calendar: WorkCalendar | None = None,
) -> int:
    """Recomputes the clocks of `sample_ids` and writes the ones that changed; returns
    how many samples changed. Cancelled samples keep what they had.

    Samples whose changes are identical are written with one `update_many` (most share
    their due dates with many others), with exactly the audit entries single updates give.
    """
    calendar = calendar or centre_calendar(w.db)
    ids = sorted({int(i) for i in sample_ids})
    groups: dict[tuple[tuple[str, Any], ...], list[int]] = {}
    for chunk in _chunks(ids):
        marks = ", ".join("?" for _ in chunk)
        for row in w.db.query(f"{_FACTS_SELECT} WHERE s.id IN ({marks})", list(chunk)):
            if row["state"] == "cancelled":
                continue
            values = clock_values(sample_clocks(facts_of(row), calendar))
            changes = tuple((k, v) for k, v in values.items() if row[k] != v)
            if changes:
                groups.setdefault(changes, []).append(int(row["id"]))
    changed = 0
    for changes, group in groups.items():
        w.update_many("samples", group, dict(changes), reason=reason, action="clocks")
        changed += len(group)
    return changed


def samples_touching_year(db: Store, year: int) -> list[int]:
    """Samples whose clocks can reach into `year`: every clock period is shorter than
    three months, so those with an input date from October of the year before through
    the year's end, and those still waiting for a calendar."""
    low, high = f"{year - 1}-10-01", f"{year}-12-31"
    rows = db.query(
        "SELECT id FROM samples WHERE state <> 'cancelled' AND ("
        "clock_missing_year IS NOT NULL "
        "OR (sampling_date >= ? AND sampling_date <= ?) "
        "OR (received_date >= ? AND received_date <= ?) "
        "OR (concluded_on >= ? AND concluded_on <= ?) "
        "OR (notified_on >= ? AND notified_on <= ?))",
        [low, high] * 4,
    )
    return [int(r[0]) for r in rows]


@retried_when_busy
def refresh_all(ctx: ServiceContext) -> int:
    """Recomputes every sample's clocks (after an upgrade: clocks stored before the official
    calendar counted plain weekdays); returns how many samples changed."""
    require(ctx, "refresh_clocks")
    ids = [int(r[0]) for r in ctx.db.query("SELECT id FROM samples WHERE state <> 'cancelled'")]
    with ctx.db.write(ctx.actor) as w:
        return refresh_in(w, ids, reason="official calendar (工作日历)")


@retried_when_busy
def record_notification(ctx: ServiceContext, sample_id: int, day: date) -> None:
    """Records the day the sampled unit received the conclusion (结论送达日): the
    re-inspection and objection windows run from it."""
    require(ctx, "record_notification")
    row = ctx.db.query_one(
        "SELECT sample_no, state, concluded_on FROM samples WHERE id = ?", (sample_id,)
    )
    if row is None:
        from labdesk.core.errors import NotFound

        raise NotFound(f"sample #{sample_id} does not exist (样品不存在)")
    if not row["concluded_on"]:
        raise ValidationError(
            "notified_on",
            "after_conclusion",
            f"样品 {row['sample_no']} 尚未出具结论 (no conclusion has been issued yet)",
        )
    if day < date.fromisoformat(str(row["concluded_on"])):
        raise ValidationError(
            "notified_on",
            "not_before_conclusion",
            f"送达日 {day} 早于结论作出日 {row['concluded_on']} "
            f"(received before the conclusion was made)",
        )
    with ctx.db.write(ctx.actor) as w:
        w.update("samples", sample_id, {"notified_on": day.isoformat()}, action="notify")
        refresh_in(w, [sample_id], reason="notified")


# -- reading ------------------------------------------------------------------------------


@dataclass(frozen=True)
class ClockLine:
    """One clock of one sample as the sample shows it."""

    key: str  # delivery / report / urgent / reinspection / objection / sampling_objection
    due: str  # ISO date (or UTC instant for urgent), "" when not computed
    done: str  # when the awaited event happened ("" = not yet)
    status: str  # met / late / open / due_soon / overdue / waiting_calendar / none


def _status(due: str, done: str, today: date, week_end: date) -> str:
    if not due:
        return "none"
    if done:
        return "met" if done[:10] <= due[:10] else "late"
    if due[:10] < today.isoformat():
        return "overdue"
    if due[:10] <= week_end.isoformat():
        return "due_soon"
    return "open"


def week_end(today: date) -> date:
    """Sunday of `today`'s week: "due this week" is due from today through that day."""
    return date.fromordinal(today.toordinal() + 6 - today.weekday())


def sample_clock_lines(db: Store, sample_id: int, today: date) -> list[ClockLine]:
    """The clocks of one sample, in the order they run."""
    row = db.query_one(
        "SELECT s.*, coalesce(t.food, 0) AS food FROM samples s "
        "LEFT JOIN tasks t ON t.id = s.task_id WHERE s.id = ?",
        (sample_id,),
    )
    if row is None:
        return []
    end = week_end(today)
    concluded = str(row["concluded_on"] or "")
    case_on = str(
        db.scalar(
            "SELECT min(applied_on) FROM reinspection_cases WHERE sample_id = ? AND kind = ?",
            (sample_id, "reinspection"),
        )
        or ""
    )
    exported = str(
        db.scalar(
            "SELECT max(at_utc) FROM sample_events WHERE sample_id = ? AND to_state = 'exported'",
            (sample_id,),
        )
        or ""
    )
    missing = row["clock_missing_year"]
    lines = []
    for key, due, done in (
        ("delivery", row["delivery_due"], row["received_date"]),
        ("report", row["report_due_date"], concluded),
        ("urgent", row["urgent_due"], exported),
        ("reinspection", row["reinspection_due"], case_on),
        ("objection", row["objection_due"], ""),
        ("sampling_objection", row["sampling_objection_due"], ""),
    ):
        due_text, done_text = str(due or ""), str(done or "")
        if key == "urgent":
            if not due_text:
                status = "none"
            elif done_text:
                status = "met" if done_text <= due_text else "late"
            else:
                status = "overdue" if due_text[:10] < today.isoformat() else "open"
        elif key in ("reinspection", "objection", "sampling_objection"):
            # A window is not work the lab owes: it is open or closed.
            status = (
                "none" if not due_text else ("open" if due_text >= today.isoformat() else "closed")
            )
        else:
            status = _status(due_text, done_text, today, end)
        lines.append(ClockLine(key, due_text, done_text, status))
    if missing is not None:
        lines.append(ClockLine("calendar", str(missing), "", "waiting_calendar"))
    return lines
