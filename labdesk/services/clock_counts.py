"""The dashboard's count of the law's clocks, over due dates stored on the samples.

`services.clocks` stores each sample's deadlines when their events happen; counting them
is then one aggregate query of plain date comparisons (no calendar arithmetic, nothing
per row in Python), which keeps 100,000 samples within the dashboard's budget.
`services.summary` passes its filter in as SQL (`where`, `params`, the joins it needs).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any, Protocol

#: States whose conclusion is official.
CONCLUDED_STATES = ("approved", "exported")
#: States in which a report is still being worked on (and can be overdue).
OPEN_STATES = ("registered", "received", "testing", "submitted", "reviewed", "returned")
CONCLUDED_IN = f"s.state IN ({', '.join(repr(x) for x in CONCLUDED_STATES)})"
OPEN_IN = f"s.state IN ({', '.join(repr(x) for x in OPEN_STATES)})"


class Reader(Protocol):
    def query(self, sql: str, params: Sequence[Any] | dict[str, Any] = ...) -> list[Any]: ...


def week_end(today: date) -> date:
    """Sunday of `today`'s week: "due this week" runs from today through that day."""
    return today + timedelta(days=6 - today.weekday())


@dataclass(frozen=True)
class ClockCounts:
    """The law's clocks over a filter.

    - report_due_week: open reports due from today through Sunday of this week;
    - delivery_overdue: registered samples not received by their delivery deadline (food);
    - reinspection_open: failed, concluded samples whose 复检 window is open today;
    - urgent_pending / urgent_overdue: 24-hour reports approved and not yet exported, and
      those of them past their 24 hours at `now_utc`;
    - waiting_calendar: samples with a clock that waits for a year's calendar;
    - cases_open / upheld / overturned: 复检 and 异议 cases and their outcomes;
    - backups_due: sealed backup samples past their retention, to be disposed of.
    """

    report_due_week: int = 0
    delivery_overdue: int = 0
    reinspection_open: int = 0
    urgent_pending: int = 0
    urgent_overdue: int = 0
    waiting_calendar: int = 0
    cases_open: int = 0
    upheld: int = 0
    overturned: int = 0
    backups_due: int = 0


def _counted(condition: str) -> str:
    return f"coalesce(sum(CASE WHEN {condition} THEN 1 ELSE 0 END), 0)"


_SAMPLE_CLOCKS = ", ".join(
    _counted(c)
    for c in (
        f"{OPEN_IN} AND s.report_due_date >= ? AND s.report_due_date <= ?",
        "s.state = 'registered' AND s.delivery_due < ?",
        f"{CONCLUDED_IN} AND s.conclusion_code = 'fail' "
        "AND s.concluded_on <= ? AND s.reinspection_due >= ?",
        "s.state = 'approved' AND s.urgent_due IS NOT NULL",
        "s.state = 'approved' AND s.urgent_due < ?",
        "s.clock_missing_year IS NOT NULL",
    )
)
_CASE_COUNTS = ", ".join(
    _counted(c) for c in ("c.state = 'open'", "c.outcome = 'upheld'", "c.outcome = 'overturned'")
)

#: Drill-down conditions (on alias s) and how many `today`-derived params each takes.
REINSPECTION_OPEN = (
    f"{CONCLUDED_IN} AND s.conclusion_code = 'fail' "
    "AND s.concluded_on <= ? AND s.reinspection_due >= ?"
)
DUE_THIS_WEEK = f"{OPEN_IN} AND s.report_due_date >= ? AND s.report_due_date <= ?"


def count_clocks(
    db: Reader,
    where: str,
    params: Sequence[Any],
    joins: str = "",
    *,
    today: date,
    now_utc: str = "",
) -> ClockCounts:
    """`where` is a condition on alias s (samples) and the aliases `joins` brings in."""
    day = today.isoformat()
    now = now_utc or f"{day}T00:00:00.000000Z"
    row = db.query(
        f"SELECT {_SAMPLE_CLOCKS} FROM samples AS s {joins} WHERE {where}",
        [day, week_end(today).isoformat(), day, day, day, now, *params],
    )[0]
    cases = db.query(
        f"SELECT {_CASE_COUNTS} FROM reinspection_cases AS c "
        f"JOIN samples AS s ON s.id = c.sample_id {joins} WHERE {where}",
        list(params),
    )[0]
    backups = db.query(
        f"SELECT {_counted('b.state = ? AND b.retain_until < ?')} FROM backup_samples AS b "
        f"JOIN samples AS s ON s.id = b.sample_id {joins} WHERE {where}",
        ["kept", day, *params],
    )[0]
    values = [int(v) for v in (*tuple(row), *tuple(cases), backups[0])]
    return ClockCounts(*values)
