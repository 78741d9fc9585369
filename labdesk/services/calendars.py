"""The centre's working-day calendar: the package's years plus the years it imported.

Imports are `services.calendar_import`.

`centre_calendar(db)` is what every clock is computed with. It is cached by the content of
the imported years (their ids and file hashes), so a call costs one small query.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from labdesk.core.workcalendar import (
    HOLIDAY,
    WorkCalendar,
    YearCalendar,
    package_calendar,
    package_years,
)
from labdesk.store.protocol import Store

_CACHE: dict[tuple[tuple[int, str], ...], WorkCalendar] = {}


def _current_rows(db: Store) -> list[Any]:
    return db.query(
        "SELECT id, year, source, file_sha256 FROM calendar_years WHERE state = 'current' "
        "ORDER BY year"
    )


def imported_years(db: Store) -> list[YearCalendar]:
    """The current imported year calendars."""
    out: list[YearCalendar] = []
    for row in _current_rows(db):
        holidays: dict[date, str] = {}
        workdays: dict[date, str] = {}
        for day in db.query(
            "SELECT day, kind, name FROM calendar_days WHERE calendar_year_id = ? ORDER BY day",
            (int(row["id"]),),
        ):
            target = holidays if day["kind"] == HOLIDAY else workdays
            target[date.fromisoformat(str(day["day"]))] = str(day["name"])
        source = str(row["source"]) or "imported"
        out.append(YearCalendar(int(row["year"]), holidays, workdays, source))
    return out


def centre_calendar(db: Store) -> WorkCalendar:
    """The package's years overridden by the centre's imported years."""
    key = tuple((int(r["id"]), str(r["file_sha256"])) for r in _current_rows(db))
    if not key:
        return package_calendar()
    found = _CACHE.get(key)
    if found is None:
        if len(_CACHE) > 16:
            _CACHE.clear()
        found = _CACHE[key] = WorkCalendar(imported_years(db))
    return found


def year_list(db: Store) -> list[dict[str, Any]]:
    """Every known year: where it comes from, and for imported years who and when."""
    rows = {
        int(r["year"]): dict(r)
        for r in db.query(
            "SELECT y.year, y.source, y.file_name, y.holidays, y.workdays, y.imported_at, "
            "coalesce(u.display_name, u.username, '') AS imported_by FROM calendar_years y "
            "LEFT JOIN users u ON u.id = y.imported_by WHERE y.state = 'current'"
        )
    }
    out: list[dict[str, Any]] = []
    package = set(package_years())
    for year in sorted(package | set(rows)):
        if year in rows:
            entry = {**rows[year], "origin": "imported", "in_package": year in package}
        else:
            entry = {
                "year": year,
                "source": package_calendar().known_years()[year],
                "origin": "package",
                "in_package": True,
            }
        out.append(entry)
    return out
