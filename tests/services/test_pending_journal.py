"""The journal of values waiting for the database server (services/pending_journal.py):
kept on disk before the grid says so, one file per centre and user, a newer value for an
item replacing the older, removed by its own token only; a torn or damaged file is read
for what is whole in it and never makes the reader fail."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from labdesk.services import pending_journal as pj
from labdesk.services.pending_journal import RESULT, UNITS, PendingJournal, PendingWrite
from labdesk.store.actor import Actor
from labdesk.store.engine import ServerUrl

CENTRE, USER = "postgresql://lab@db.example/centre", "7:tech1"

texts = st.text(max_size=30)
entries = st.builds(
    PendingWrite,
    kind=st.just(RESULT),
    item_id=st.integers(min_value=1, max_value=2**40),
    text=st.text(min_size=1, max_size=30),
    reason=texts,
    seen_result_id=st.none() | st.integers(min_value=1, max_value=2**40),
    sample_id=st.none() | st.integers(min_value=1, max_value=2**40),
    sample_no=texts,
    item_name=texts,
) | st.builds(
    PendingWrite,
    kind=st.just(UNITS),
    item_id=st.integers(min_value=1, max_value=2**40),
    units=st.lists(st.tuples(st.integers(1, 20), texts), min_size=1, max_size=5).map(tuple),
    sample_no=texts,
    item_name=texts,
)
journals = st.lists(entries, max_size=6, unique_by=lambda e: e.item_id)


def _result(item_id: int, text: str, **more: object) -> PendingWrite:
    return PendingWrite(RESULT, item_id, text, sample_no="S-1", item_name="铅", **more)  # type: ignore[arg-type]


@given(st.binary(max_size=2000))
@settings(max_examples=300)
def test_any_bytes_are_read_without_failing(data: bytes) -> None:
    found = pj.parse(data, CENTRE, USER)
    assert isinstance(found, list)
    assert all(isinstance(e, PendingWrite) for e in found)


@given(journals, st.binary(max_size=200))
@settings(max_examples=200)
def test_a_whole_journal_reads_back_and_garbage_after_it_changes_nothing(
    kept: list[PendingWrite], tail: bytes
) -> None:
    data = pj.render(CENTRE, USER, kept)
    assert pj.parse(data, CENTRE, USER) == kept
    # Garbage on a line of its own (a torn append, a damaged block) is skipped.
    found = pj.parse(data + tail.replace(b"\n", b""), CENTRE, USER)
    assert found == kept


@given(journals, st.data())
@settings(max_examples=200)
def test_a_torn_journal_gives_whole_entries_only(
    kept: list[PendingWrite], data: st.DataObject
) -> None:
    whole = pj.render(CENTRE, USER, kept)
    cut = data.draw(st.integers(0, len(whole)))
    found = pj.parse(whole[:cut], CENTRE, USER)
    assert found == kept[: len(found)]  # a prefix of the entries, each exactly as kept


@given(journals, st.data())
@settings(max_examples=200)
def test_a_flipped_byte_never_gives_a_changed_entry(
    kept: list[PendingWrite], data: st.DataObject
) -> None:
    whole = bytearray(pj.render(CENTRE, USER, kept))
    at = data.draw(st.integers(0, len(whole) - 1))
    whole[at] ^= data.draw(st.integers(1, 255))
    found = pj.parse(bytes(whole), CENTRE, USER)
    assert all(e in kept for e in found)


def test_a_journal_of_another_centre_or_user_is_not_read() -> None:
    data = pj.render(CENTRE, USER, [_result(1, "0.5")])
    assert pj.parse(data, CENTRE, USER) == [
        _result(1, "0.5", token=pj.parse(data, CENTRE, USER)[0].token)
    ]
    assert pj.parse(data, CENTRE, "8:tech2") == []
    assert pj.parse(data, "/other/centre.sqlite", USER) == []


def test_records_of_the_wrong_shape_are_skipped() -> None:
    lines = [
        pj._line({"journal": 1, "centre": CENTRE, "user": USER}),
        pj._line({"kind": "result", "item": "12", "text": "1", "token": "a"}),  # item not int
        pj._line({"kind": "result", "item": True, "text": "1", "token": "a"}),
        pj._line({"kind": "result", "item": 3, "text": "", "token": "a"}),  # no value
        pj._line({"kind": "units", "item": 3, "units": [[1]], "token": "a"}),
        pj._line({"kind": "retest", "item": 3, "text": "1", "token": "a"}),
        pj._line({"kind": "result", "item": 3, "text": "1", "seen": 1.5, "token": "a"}),
        pj._line([1, 2, 3]),  # type: ignore[arg-type]
        pj._line({"kind": "result", "item": 4, "text": "0.2", "token": "b"}),
    ]
    found = pj.parse(b"".join(lines), CENTRE, USER)
    assert [(e.item_id, e.text) for e in found] == [(4, "0.2")]


def test_keep_replaces_the_items_value_and_drop_needs_its_token(tmp_path: Path) -> None:
    journal = PendingJournal(CENTRE, USER, tmp_path / "pending")
    first = _result(11, "0.5", seen_result_id=None)
    journal.keep(first)
    journal.keep(_result(12, "7.1", reason="复核"))
    newer = _result(11, "0.6")
    journal.keep(newer)
    assert [(e.item_id, e.text) for e in journal.entries()] == [(12, "7.1"), (11, "0.6")]
    journal.drop(11, first.token)  # the older value's answer: the newer one stays
    assert [e.text for e in journal.entries()] == ["7.1", "0.6"]
    journal.drop(11, newer.token)
    journal.drop(12, journal.entries()[0].token)
    assert journal.entries() == []
    assert not journal.path.exists()  # nothing waits: no journal left behind
    assert not pj.anything_kept(journal.path.parent)


def test_the_file_is_private_and_named_without_the_centre(tmp_path: Path) -> None:
    journal = PendingJournal(CENTRE, USER, tmp_path / "pending")
    journal.keep(_result(1, "0.5"))
    assert CENTRE not in journal.path.name and "tech1" not in journal.path.name
    if os.name == "posix":
        assert stat.S_IMODE(journal.path.stat().st_mode) == 0o600
        assert stat.S_IMODE(journal.path.parent.stat().st_mode) == 0o700
    other = PendingJournal(CENTRE, "8:tech2", tmp_path / "pending")
    assert other.path != journal.path and other.entries() == []


def test_a_journal_that_cannot_be_written_says_so(tmp_path: Path) -> None:
    blocker = tmp_path / "pending"
    blocker.write_text("a file where the folder should be")
    journal = PendingJournal(CENTRE, USER, blocker)
    with pytest.raises(OSError):
        journal.keep(_result(1, "0.5"))
    assert journal.entries() == []  # unreadable: nothing, never a failure


def test_journal_for_keys_by_centre_and_user(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(pj.FOLDER_ENV, str(tmp_path / "j"))
    tech1 = Actor(7, "tech1", "technician")
    server = pj.journal_for(ServerUrl(CENTRE), tech1)
    assert server.centre == CENTRE and server.path.parent == tmp_path / "j"
    relative = Path("centre.sqlite")
    monkeypatch.chdir(tmp_path)
    assert pj.journal_for(relative, tech1).centre == str(tmp_path / "centre.sqlite")
    assert pj.journal_for(relative, Actor(8, "tech2")).path != pj.journal_for(relative, tech1).path


def test_anything_kept_looks_for_journals_only(tmp_path: Path) -> None:
    where = tmp_path / "pending"
    assert not pj.anything_kept(where)  # no folder yet
    where.mkdir()
    (where / "notes.txt").write_text("not a journal")
    assert not pj.anything_kept(where)
    journal = PendingJournal(CENTRE, USER, where)
    journal.keep(_result(1, "0.5"))
    assert pj.anything_kept(where)
    journal.drop(1, journal.entries()[0].token)
    assert not pj.anything_kept(where)


def _keep_many(where: str, first: int, count: int) -> None:
    journal = PendingJournal(CENTRE, USER, Path(where))
    for item in range(first, first + count):
        journal.keep(_result(item, "0.5"))


def test_two_processes_keeping_at_once_lose_nothing(tmp_path: Path) -> None:
    """Two LabDesk windows of the same user at the same centre share the journal: each
    change is made under an OS lock, so neither overwrites the other's values."""
    import multiprocessing

    where = tmp_path / "pending"
    spawn = multiprocessing.get_context("spawn")
    workers = [
        spawn.Process(target=_keep_many, args=(str(where), first, 40)) for first in (1, 1001)
    ]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(60)
        assert worker.exitcode == 0
    journal = PendingJournal(CENTRE, USER, where)
    kept = journal.entries()
    assert sorted(e.item_id for e in kept) == [*range(1, 41), *range(1001, 1041)]
    # Each change removed its lock file, and no two of them ever held the lock at once.
    assert [p.name for p in where.iterdir()] == [journal.path.name]


def _lock_file(journal: PendingJournal) -> Path:
    return journal.path.with_name(journal.path.name + ".lock")


def test_no_lock_file_is_left_once_the_last_holder_is_done(tmp_path: Path) -> None:
    where = tmp_path / "pending"
    journal = PendingJournal(CENTRE, USER, where)
    journal.keep(_result(1, "0.5"))
    assert [p.name for p in where.iterdir()] == [journal.path.name]  # the values only
    journal.drop(1, journal.entries()[0].token)
    assert list(where.iterdir()) == []


@pytest.mark.skipif(os.name != "posix", reason="Windows never removes an open file")
def test_a_lock_file_removed_by_its_holder_never_lets_two_windows_in(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The race of removing a lock file: window B opened it and waits behind A; A is
    done and removes it; window C makes a new one under the same name and takes it; then
    A unlocks, and B is given the lock of the removed file. B must see that the name now
    leads to C's file and wait for C, not change the journal beside C."""
    import threading

    where = tmp_path / "pending"
    where.mkdir(mode=0o700)
    journal = PendingJournal(CENTRE, USER, where)
    lock = _lock_file(journal)
    a = pj._take(lock)
    opened = threading.Event()
    wait_for = pj._wait_for

    def open_then_wait(fd: int) -> None:
        opened.set()  # B has the file open (the one A holds)
        wait_for(fd)

    monkeypatch.setattr(pj, "_wait_for", open_then_wait)
    b = threading.Thread(target=journal.keep, args=(_result(1, "0.5"),))
    b.start()
    assert opened.wait(10)
    os.unlink(lock)  # A's release, in its order (removed while held, then unlocked)…
    c = pj._take(lock)  # …with C taking a new file under the name in between
    os.close(a)
    try:
        b.join(0.5)
        assert b.is_alive(), "B changed the journal while C held the lock"
        assert journal.entries() == []
        assert lock.exists()  # C lives: its lock file stays
    finally:
        pj._release(lock, c)
        b.join(10)
    assert not b.is_alive()
    assert [e.text for e in journal.entries()] == ["0.5"]
    assert not lock.exists()  # B, the last holder, removed it
