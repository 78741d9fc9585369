"""The audit clock's texts (every entry's at_utc and at_offset, hashed into the chain) are
strftime's, though worked out without it: a different text would be a different hash."""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

from labdesk.store.audit import _utc_text, local_offset

_ZONES = ("UTC", "Asia/Shanghai", "America/St_Johns", "Asia/Kathmandu", "Pacific/Chatham")


@pytest.fixture(params=_ZONES)
def zone(request: pytest.FixtureRequest) -> Iterator[str]:
    before = os.environ.get("TZ")
    os.environ["TZ"] = request.param
    time.tzset()
    yield request.param
    if before is None:
        os.environ.pop("TZ")
    else:
        os.environ["TZ"] = before
    time.tzset()


def _strftime_utc(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _strftime_offset(moment: datetime) -> str:
    text = moment.astimezone().strftime("%z") or "+0000"
    return f"{text[:3]}:{text[3:5]}"


moments = st.builds(
    lambda naive, minutes: naive.replace(tzinfo=timezone(timedelta(minutes=minutes))),
    st.datetimes(min_value=datetime(2, 1, 1), max_value=datetime(9998, 12, 31)),
    st.integers(min_value=-23 * 60, max_value=23 * 60),
)


@given(moment=moments)
def test_the_utc_text_is_strftime_s(moment: datetime) -> None:
    assert _utc_text(moment) == _strftime_utc(moment)


def test_the_offset_is_strftime_s_in_any_zone(zone: str) -> None:
    now = datetime.now().astimezone()
    for days in range(0, 366, 7):  # both sides of a daylight-saving change, where a zone has one
        moment = now + timedelta(days=days)
        assert local_offset(moment) == _strftime_offset(moment), (zone, moment)
