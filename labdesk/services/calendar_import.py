"""Importing a year calendar: the file checked, stored, and the clocks it moves recomputed.

`import_calendar` reads a year calendar file (`labdesk.core.calendar_file`), stores it
through the audited writer (calendar_years + calendar_days; a re-import of a year marks
the previous one `replaced`, nothing is deleted), and recomputes the clocks of the samples
the year can touch (`services.clocks.refresh_in`) in the same transaction.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date, timedelta

from labdesk.core.calendar_file import parse_calendar_file
from labdesk.core.workcalendar import (
    HOLIDAY,
    WORKDAY,
    YearCalendar,
    package_calendar,
    package_years,
)
from labdesk.services import clocks
from labdesk.services.busy import retried_when_busy
from labdesk.services.context import ServiceContext
from labdesk.services.permissions import require


@dataclass(frozen=True)
class ImportOutcome:
    year: int
    holidays: int
    workdays: int
    source: str
    unchanged: bool  # the same file was already the year's current calendar
    replaced: bool  # an earlier import of the year was replaced
    #: Days on which this calendar and the installed package disagree (package years only).
    differs_from_package: tuple[date, ...]
    clocks_updated: int


def _differences(calendar: YearCalendar) -> tuple[date, ...]:
    if calendar.year not in package_years():
        return ()
    package = package_calendar().year(calendar.year)
    day = date(calendar.year, 1, 1)
    out: list[date] = []
    while day.year == calendar.year:
        if package.is_working_day(day) != calendar.is_working_day(day):
            out.append(day)
        day += timedelta(days=1)
    return tuple(out)


@retried_when_busy
def import_calendar(ctx: ServiceContext, data: bytes, file_name: str = "") -> ImportOutcome:
    """Imports one year calendar file; refuses a bad file naming the row (nothing written)."""
    require(ctx, "import_calendar")
    calendar = parse_calendar_file(data)
    digest = hashlib.sha256(data).hexdigest()
    current = ctx.db.query_one(
        "SELECT id, file_sha256 FROM calendar_years WHERE year = ? AND state = 'current'",
        (calendar.year,),
    )
    differs = _differences(calendar)

    def outcome(unchanged: bool, replaced: bool, updated: int) -> ImportOutcome:
        return ImportOutcome(
            year=calendar.year,
            holidays=len(calendar.holidays),
            workdays=len(calendar.workdays),
            source=calendar.source,
            unchanged=unchanged,
            replaced=replaced,
            differs_from_package=differs,
            clocks_updated=updated,
        )

    if current is not None and str(current["file_sha256"]) == digest:
        return outcome(True, False, 0)
    reason = f"calendar {calendar.year} {file_name}".strip()
    with ctx.db.write(ctx.actor) as w:
        if current is not None:
            # The unique index allows one current row per year: retire the old one first.
            w.update(
                "calendar_years",
                int(current["id"]),
                {"state": "replaced"},
                reason=reason,
                action="replace_calendar",
            )
        year_id = w.insert(
            "calendar_years",
            {
                "year": calendar.year,
                "source": calendar.source,
                "file_name": file_name,
                "file_sha256": digest,
                "holidays": len(calendar.holidays),
                "workdays": len(calendar.workdays),
                "imported_by": ctx.actor.user_id,
                "imported_at": w.at_utc,
            },
            reason=reason,
            action="import_calendar",
        )
        if current is not None:
            w.update(
                "calendar_years",
                int(current["id"]),
                {"replaced_by": year_id},
                reason=reason,
                action="replace_calendar",
            )
        days = [(d, HOLIDAY, n) for d, n in calendar.holidays.items()]
        days += [(d, WORKDAY, n) for d, n in calendar.workdays.items()]
        w.insert_many(
            "calendar_days",
            [
                {"calendar_year_id": year_id, "day": d.isoformat(), "kind": k, "name": n}
                for d, k, n in sorted(days)
            ],
            reason=reason,
            action="import_calendar",
        )
        updated = clocks.refresh_in(
            w, clocks.samples_touching_year(w.db, calendar.year), reason=reason
        )
    return outcome(False, current is not None, updated)
