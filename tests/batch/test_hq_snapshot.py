"""The HQ store's read seam on both engines: `snapshot()` (one consistent, read-only view
for several queries) and `interrupt()` (a Cancel button stopping the running statement
from another thread). The screens use both through ui/hq_reads.py."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from labdesk.batch.hq_store import HqReadCancelled, HqStore, open_hq
from tests.store.pg_world import new_database

INTERRUPTED_WITHIN_S = 2.0


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        yield str(tmp_path / "hq.sqlite")
        return
    with new_database(request.getfixturevalue("pg_url")) as made:
        yield made


def _centres(store: HqStore) -> int:
    return int(store.scalar("SELECT COUNT(*) FROM hq_centres"))


def _add_centre(url: str, code: str) -> None:
    with open_hq(url) as other:
        other.execute(
            "INSERT INTO hq_centres (code, name, first_received_at) VALUES (?, ?, ?)",
            (code, f"centre {code}", "2026-12-04T00:00:00Z"),
        )


def test_a_snapshot_does_not_see_what_commits_after_its_first_read(url: str) -> None:
    with open_hq(url) as store:
        _add_centre(url, "C1")
        with store.snapshot():
            assert _centres(store) == 1
            _add_centre(url, "C2")  # another connection commits between two reads
            assert _centres(store) == 1
            assert store.query("SELECT code FROM hq_centres") == [("C1",)]
        assert _centres(store) == 2  # the next read (outside) sees it


def test_a_snapshot_refuses_writes(url: str) -> None:
    with open_hq(url) as store:
        with pytest.raises(Exception, match=r"(?i)read.only|readonly"), store.snapshot():
            store.execute(
                "INSERT INTO hq_centres (code, name, first_received_at) VALUES ('X', 'x', 't')"
            )
        assert _centres(store) == 0
        _add_centre(url, "C1")  # the store writes again after it (the mode was the block's)
        store.execute("UPDATE hq_centres SET name = 'renamed' WHERE code = 'C1'")
        assert store.scalar("SELECT name FROM hq_centres") == "renamed"


def _slow_query(store: HqStore) -> str:
    """A statement that runs for 10 s or more unless stopped (and ends, should the
    interrupt not work, so that the test fails rather than hangs)."""
    if store.dialect == "postgresql":
        return "SELECT pg_sleep(15)"
    return (
        "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 100000000) "
        "SELECT COUNT(*) FROM n"
    )


def test_interrupt_from_another_thread_stops_the_statement_and_the_ones_after(url: str) -> None:
    with open_hq(url) as store:
        timer = threading.Timer(0.5, store.interrupt)
        timer.start()
        started = time.monotonic()
        try:
            with pytest.raises(HqReadCancelled) as raised, store.snapshot():
                store.query(_slow_query(store))
        finally:
            timer.cancel()
        assert time.monotonic() - started < 0.5 + INTERRUPTED_WITHIN_S
        assert "cancelled" in raised.value.in_language("en")
        assert "取消" in raised.value.in_language("zh")
        # Interrupted once, the store reads nothing more: a read stopped between two of
        # its statements stops there too.
        with pytest.raises(HqReadCancelled):
            store.query("SELECT COUNT(*) FROM hq_centres")


def test_interrupt_of_a_closed_store_is_harmless(url: str) -> None:
    """Cancel pressed just as the read finished and its connection closed."""
    store = open_hq(url)
    store.close()
    store.interrupt()
