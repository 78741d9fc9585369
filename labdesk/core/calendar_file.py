"""The year calendar file a centre imports from the State Council's holiday notice.

Format (CSV, UTF-8 with or without BOM, or GB18030 as Excel writes it on a Chinese
Windows; docs/clocks.md shows a whole file)::

    # 国务院办公厅关于2027年部分节假日安排的通知
    year,2027
    source,国办发明电〔2026〕X号
    date,kind,name
    2027-01-01,holiday,元旦
    2027-02-07,workday,春节调休

- Blank lines and lines starting with ``#`` are ignored.
- ``year,YYYY`` comes first (required); ``source,TEXT`` may follow (what the calendar
  was taken from: shown beside the year, stored with it).
- The header ``date,kind,name`` comes next, then one row per day: the date
  (YYYY-MM-DD), the kind — ``holiday`` (or 休 / 假: a day off) or ``workday`` (or 班: a
  weekend day worked, 调休) — and an optional name (元旦, 春节 …).
- Days not listed follow the week. A holiday may fall on a weekend (the notice lists
  whole spans); a ``workday`` must be a Saturday or Sunday.

Refused, naming the row (its line number in the file): a row that cannot be read (wrong
number of columns, not a date, an unknown kind, a workday on a weekday), a date given
twice, a date outside the declared year, a file without a year line or without any day.
"""

from __future__ import annotations

import csv
import io
import re
from datetime import date

from labdesk.core.errors import ValidationError
from labdesk.core.workcalendar import HOLIDAY, WORKDAY, YearCalendar

__all__ = ["CalendarFileError", "format_calendar_file", "parse_calendar_file"]

KINDS = {
    "holiday": HOLIDAY,
    "休": HOLIDAY,
    "假": HOLIDAY,
    "workday": WORKDAY,
    "班": WORKDAY,
}
HEADER = ("date", "kind", "name")
_YEAR = re.compile(r"\d{4}")
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
# Dates a calendar can sensibly name (chinese-calendar starts in 2004).
MIN_YEAR, MAX_YEAR = 1990, 2199


class CalendarFileError(ValidationError):
    """A calendar file that cannot be imported; `.row` is the 1-based line (0: the file)."""

    def __init__(self, row: int, rule: str, zh: str, en: str) -> None:
        self.row = row
        where_zh = f"第 {row} 行：" if row else ""
        where_en = f"row {row}: " if row else ""
        super().__init__(
            "calendar_file", rule, f"日历文件{where_zh}{zh} / calendar file {where_en}{en}"
        )


def _decode(data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("gb18030")
    except UnicodeDecodeError:
        raise CalendarFileError(
            0, "encoding", "不是 UTF-8 或 GB18030 文本", "not UTF-8 or GB18030 text"
        ) from None


def _rows(text: str) -> list[tuple[int, list[str]]]:
    out: list[tuple[int, list[str]]] = []
    for number, line in enumerate(text.splitlines(), start=1):
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        try:
            cells = next(csv.reader(io.StringIO(stripped)))
        except (csv.Error, StopIteration):
            raise CalendarFileError(
                number, "unreadable", "无法读取", f"cannot be read: {stripped[:40]!r}"
            ) from None
        # Excel pads short rows with empty cells: trailing empties carry nothing.
        while cells and not cells[-1].strip():
            cells.pop()
        out.append((number, [c.strip() for c in cells]))
    return out


def _parse_date(number: int, text: str) -> date:
    if not _DATE.fullmatch(text):
        raise CalendarFileError(
            number, "date", f"“{text}”不是 YYYY-MM-DD 日期", f"{text!r} is not a YYYY-MM-DD date"
        )
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise CalendarFileError(
            number, "date", f"“{text}”不是有效日期", f"{text!r} is not a valid date"
        ) from None


def parse_calendar_file(data: bytes | str) -> YearCalendar:
    """Reads a year calendar file; raises CalendarFileError naming the first bad row."""
    text = data if isinstance(data, str) else _decode(data)
    rows = _rows(text)
    if not rows or rows[0][1][:1] != ["year"]:
        row = rows[0][0] if rows else 0
        raise CalendarFileError(
            row, "year_line", "第一行应为“year,年份”", "the first line must be 'year,YYYY'"
        )
    number, cells = rows[0]
    if len(cells) != 2 or not _YEAR.fullmatch(cells[1]):
        raise CalendarFileError(
            number, "year_line", "年份应为四位数字", "the year must be four digits"
        )
    year = int(cells[1])
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise CalendarFileError(
            number, "year_range", f"年份 {year} 不合理", f"year {year} is out of range"
        )
    rest = rows[1:]
    source = ""
    if rest and rest[0][1][:1] == ["source"]:
        number, cells = rest[0]
        if len(cells) != 2 or not cells[1]:
            raise CalendarFileError(
                number, "source_line", "应为“source,来源”", "must be 'source,TEXT'"
            )
        source = cells[1]
        rest = rest[1:]
    if not rest or tuple(c.lower() for c in rest[0][1]) != HEADER:
        row = rest[0][0] if rest else 0
        raise CalendarFileError(
            row, "header", "应为表头“date,kind,name”", "expected the header 'date,kind,name'"
        )
    holidays: dict[date, str] = {}
    workdays: dict[date, str] = {}
    seen: dict[date, int] = {}
    for number, cells in rest[1:]:
        if len(cells) not in (2, 3):
            raise CalendarFileError(
                number,
                "columns",
                f"应为 2 或 3 列，实为 {len(cells)} 列",
                f"expected 2 or 3 columns, found {len(cells)}",
            )
        day = _parse_date(number, cells[0])
        kind = KINDS.get(cells[1].lower())
        if kind is None:
            raise CalendarFileError(
                number,
                "kind",
                f"类型“{cells[1]}”应为 holiday/休 或 workday/班",
                f"kind {cells[1]!r} must be holiday/休 or workday/班",
            )
        if day.year != year:
            raise CalendarFileError(
                number,
                "year_mismatch",
                f"{day} 不在声明的 {year} 年内",
                f"{day} is not in the declared year {year}",
            )
        if day in seen:
            raise CalendarFileError(
                number,
                "duplicate",
                f"{day} 已在第 {seen[day]} 行出现",
                f"{day} already given in row {seen[day]}",
            )
        if kind == WORKDAY and day.weekday() < 5:
            raise CalendarFileError(
                number,
                "workday_on_weekday",
                f"{day} 是周一至周五，本就是工作日，调休上班日应为周末",
                f"{day} is a weekday (a working day already): a make-up day is a weekend day",
            )
        seen[day] = number
        name = cells[2] if len(cells) == 3 else ""
        (holidays if kind == HOLIDAY else workdays)[day] = name
    if not seen:
        raise CalendarFileError(
            0, "no_days", f"没有列出 {year} 年的任何节假日", f"no days listed for {year}"
        )
    return YearCalendar(year, holidays, workdays, source)


def format_calendar_file(calendar: YearCalendar) -> str:
    """The file text for `calendar` (what `parse_calendar_file` reads back to it)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["year", f"{calendar.year:04d}"])
    if calendar.source:
        writer.writerow(["source", calendar.source])
    writer.writerow(HEADER)
    days = [(d, HOLIDAY, n) for d, n in calendar.holidays.items()]
    days += [(d, WORKDAY, n) for d, n in calendar.workdays.items()]
    for day, kind, name in sorted(days):
        writer.writerow([day.isoformat(), kind, name] if name else [day.isoformat(), kind])
    return out.getvalue()
