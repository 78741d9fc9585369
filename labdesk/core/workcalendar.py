"""Working days on China's official calendar (State Council holidays and 调休 make-up days).

A working day is Monday to Friday, except the public holidays the State Council's yearly
notice (国务院办公厅关于某年部分节假日安排的通知) gives off, plus the weekend days it
declares working days (调休). The notice for a year is published around November of the
year before, so no program can know a year ahead of that; where a year is not known the
arithmetic **refuses** (`CalendarMissing`, naming the year) instead of falling back to
plain weekdays — a deadline that silently ignores Spring Festival is wrong by a week.

Two sources of years: the `chinese-calendar` package (it encodes the notices of the years
it was released with), and year calendars the centre imports from the notice
(`labdesk.core.calendar_file`, stored in the database by `services.calendars`). An
imported year takes precedence over the package's for that year: it is the centre's own
reading of the official notice.

Periods are counted as Chinese law counts them (Civil Code art. 201): the day of the
triggering event is not counted; the period starts the next day.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import lru_cache

from labdesk.core.errors import LabDeskError, ValidationError

__all__ = [
    "CalendarMissing",
    "WorkCalendar",
    "YearCalendar",
    "due",
    "package_calendar",
    "package_years",
]

HOLIDAY = "holiday"
WORKDAY = "workday"


class CalendarMissing(LabDeskError):
    """A date falls in a year whose official calendar nobody has given LabDesk."""

    def __init__(self, year: int) -> None:
        self.year = year
        super().__init__(
            f"{year} 年的工作日历未知，请导入国务院办公厅公布的 {year} 年节假日安排"
            f"（labdesk calendar import） / no official working-day calendar for {year}: "
            f"import the State Council's {year} holiday notice (labdesk calendar import)"
        )


@dataclass(frozen=True)
class YearCalendar:
    """One year of the official calendar: the days off and the weekend days worked.

    Days not listed follow the week: Monday–Friday work, Saturday–Sunday rest. `holidays`
    may include weekend days inside a holiday span (the notice lists spans); `workdays`
    are weekend days only (a weekday is a working day already).
    """

    year: int
    holidays: Mapping[date, str] = field(default_factory=dict)
    workdays: Mapping[date, str] = field(default_factory=dict)
    source: str = ""

    def is_working_day(self, day: date) -> bool:
        if day in self.workdays:
            return True
        return day.weekday() < 5 and day not in self.holidays


@lru_cache(maxsize=1)
def _package_years() -> dict[int, YearCalendar]:
    import chinese_calendar

    version = getattr(chinese_calendar, "__version__", "")
    source = f"chinese-calendar {version}".strip()
    holidays: dict[int, dict[date, str]] = {}
    workdays: dict[int, dict[date, str]] = {}
    for day, name in chinese_calendar.holidays.items():
        holidays.setdefault(day.year, {})[day] = str(name)
    for day, name in chinese_calendar.workdays.items():
        workdays.setdefault(day.year, {})[day] = str(name)
    # The package validates dates against the span of its holiday table: every year in
    # that span is known (a year without a make-up day still has holidays).
    first, last = min(holidays), max(holidays)
    return {
        year: YearCalendar(year, holidays.get(year, {}), workdays.get(year, {}), source)
        for year in range(first, last + 1)
    }


def package_years() -> tuple[int, ...]:
    """The years the installed `chinese-calendar` knows (e.g. 2004 … 2026)."""
    return tuple(sorted(_package_years()))


class WorkCalendar:
    """The package's years, overridden by imported ones; refuses any other year.

    Results are memoised per (start, count): a centre's clocks start on a few hundred
    distinct days a year, so recomputing 100,000 samples' deadlines costs little.
    """

    def __init__(self, imported: Iterable[YearCalendar] = (), *, package: bool = True) -> None:
        self._years: dict[int, YearCalendar] = dict(_package_years()) if package else {}
        self._imported: set[int] = set()
        for year in imported:
            self._years[year.year] = year
            self._imported.add(year.year)
        self._memo: dict[tuple[date, int], date] = {}

    def known_years(self) -> dict[int, str]:
        """year → where its calendar comes from (the package, or the import's source)."""
        return {y: self._years[y].source for y in sorted(self._years)}

    def imported_years(self) -> tuple[int, ...]:
        return tuple(sorted(self._imported))

    def knows(self, year: int) -> bool:
        return year in self._years

    def year(self, year: int) -> YearCalendar:
        found = self._years.get(year)
        if found is None:
            raise CalendarMissing(year)
        return found

    def is_working_day(self, day: date) -> bool:
        return self.year(day.year).is_working_day(day)

    def add_working_days(self, start: date, working_days: int) -> date:
        """The `working_days`-th working day after `start` (`start` itself not counted);
        0 gives `start`. Raises CalendarMissing for a year on the way that is not known."""
        if working_days < 0:
            raise ValidationError(
                "working_days", "non_negative", "working days must be 0 or more (工作日数不能为负)"
            )
        key = (start, working_days)
        found = self._memo.get(key)
        if found is not None:
            return found
        day, left = start, working_days
        while left:
            day += timedelta(days=1)
            if self.is_working_day(day):
                left -= 1
        self._memo[key] = day
        return day

    def next_working_day(self, day: date) -> date:
        """`day` itself if it is a working day, else the first working day after it."""
        while not self.is_working_day(day):
            day += timedelta(days=1)
        return day

    def working_days_between(self, start: date, end: date) -> int:
        """Working days after `start` up to and including `end` (negative if earlier)."""
        if end < start:
            return -self.working_days_between(end, start)
        count, day = 0, start
        while day < end:
            day += timedelta(days=1)
            if self.is_working_day(day):
                count += 1
        return count


@lru_cache(maxsize=1)
def package_calendar() -> WorkCalendar:
    """The calendar of the installed package alone (no imported years)."""
    return WorkCalendar()


def due(start: date, working_days: int, calendar: WorkCalendar | None = None) -> date:
    """The day `working_days` working days after `start` on the official calendar.

    `calendar` defaults to the package's years; pass the centre's calendar
    (`services.calendars.centre_calendar`) to include imported years. A year nobody knows
    raises `CalendarMissing`: there is no fallback to plain weekdays.
    """
    return (calendar or package_calendar()).add_working_days(start, working_days)
