"""The year calendar file: every refusal names its row; what it writes it reads back."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from labdesk.core.calendar_file import (
    CalendarFileError,
    format_calendar_file,
    parse_calendar_file,
)
from labdesk.core.workcalendar import YearCalendar

GOOD = """\
# 测试用日历（not an official notice: test data）
year,2027
source,test notice
date,kind,name
2027-01-01,holiday,元旦
2027-02-06,班,春节调休
2027-02-08,休,春节
"""


def test_a_good_file() -> None:
    cal = parse_calendar_file(GOOD.encode())
    assert cal.year == 2027 and cal.source == "test notice"
    assert cal.holidays == {date(2027, 1, 1): "元旦", date(2027, 2, 8): "春节"}
    assert cal.workdays == {date(2027, 2, 6): "春节调休"}
    assert cal.is_working_day(date(2027, 2, 6)) and not cal.is_working_day(date(2027, 2, 8))


def test_bom_and_gb18030_are_read() -> None:
    assert parse_calendar_file(b"\xef\xbb\xbf" + GOOD.encode()).year == 2027
    assert parse_calendar_file(GOOD.encode("gb18030")).holidays[date(2027, 1, 1)] == "元旦"


def _error(text: str) -> CalendarFileError:
    with pytest.raises(CalendarFileError) as caught:
        parse_calendar_file(text.encode())
    return caught.value


def test_a_date_twice_names_both_rows() -> None:
    error = _error(GOOD + "2027-01-01,holiday,again\n")
    assert error.rule == "duplicate" and error.row == 8
    assert "第 8 行" in str(error) and "row 5" in str(error)


def test_a_year_mismatch_names_the_row() -> None:
    error = _error(GOOD.replace("2027-02-08", "2026-02-08"))
    assert error.rule == "year_mismatch" and error.row == 7


@pytest.mark.parametrize(
    ("line", "rule"),
    [
        ("2027-13-01,holiday", "date"),
        ("2027/01/02,holiday", "date"),
        ("2027-01-04,off", "kind"),
        ("2027-01-04", "columns"),
        ("2027-01-04,holiday,元旦,extra", "columns"),
        ("2027-01-04,workday", "workday_on_weekday"),  # a Monday
    ],
)
def test_unreadable_rows_name_the_row(line: str, rule: str) -> None:
    error = _error(GOOD + line + "\n")
    assert error.rule == rule and error.row == 8


@pytest.mark.parametrize(
    ("text", "rule"),
    [
        ("", "year_line"),
        ("date,kind,name\n2027-01-01,holiday\n", "year_line"),
        ("year,27\n", "year_line"),
        ("year,2027\n2027-01-01,holiday\n", "header"),
        ("year,2027\ndate,kind,name\n", "no_days"),
    ],
)
def test_structural_refusals(text: str, rule: str) -> None:
    assert _error(text).rule == rule


names = st.text(
    st.characters(blacklist_categories=("Cs", "Cc", "Zl", "Zp"), blacklist_characters="\r\n"),
    max_size=8,
).map(str.strip)


@st.composite
def year_calendars(draw: st.DrawFn) -> YearCalendar:
    year = draw(st.integers(1990, 2199))
    days = draw(
        st.lists(
            st.dates(date(year, 1, 1), date(year, 12, 31)), min_size=1, max_size=30, unique=True
        )
    )
    holidays, workdays = {}, {}
    for day in days:
        name = draw(names)
        if day.weekday() >= 5 and draw(st.booleans()):
            workdays[day] = name
        else:
            holidays[day] = name
    source = draw(names)
    return YearCalendar(year, holidays, workdays, source)


@given(year_calendars())
def test_format_then_parse_gives_the_same_calendar(cal: YearCalendar) -> None:
    back = parse_calendar_file(format_calendar_file(cal).encode())
    assert (back.year, back.holidays, back.workdays, back.source) == (
        cal.year,
        cal.holidays,
        cal.workdays,
        cal.source,
    )


@given(st.binary(max_size=300))
def test_any_bytes_parse_or_are_refused_plainly(data: bytes) -> None:
    try:
        parse_calendar_file(data)
    except CalendarFileError as error:
        assert error.row >= 0 and str(error)


@given(year_calendars(), st.data())
def test_a_repeated_day_is_always_refused_at_its_second_row(
    cal: YearCalendar, data: st.DataObject
) -> None:
    text = format_calendar_file(cal)
    lines = text.splitlines()
    day_lines = [i for i, line in enumerate(lines) if line[:4].isdigit()]
    copy = lines[data.draw(st.sampled_from(day_lines))]
    error = _error(text + copy + "\n")
    assert error.rule == "duplicate" and error.row == len(lines) + 1


@given(year_calendars(), st.integers(1, 5))
def test_a_day_of_another_year_is_refused(cal: YearCalendar, shift: int) -> None:
    other = date(cal.year + shift if cal.year + shift <= 2199 else cal.year - shift, 6, 1)
    text = format_calendar_file(cal) + f"{other.isoformat()},holiday\n"
    error = _error(text)
    assert error.rule == "year_mismatch"
    assert error.row == len(format_calendar_file(cal).splitlines()) + 1
