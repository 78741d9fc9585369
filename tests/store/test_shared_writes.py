"""Workstations writing at once on a server (issue 18.2): results are entered side by side
(`db.write(shared=True)`), every other audited change runs alone, ids come from sequences,
and the chain head is locked only for the append at the end of each transaction."""

from __future__ import annotations

import functools
import threading
from collections.abc import Callable, Iterator

import pytest

from labdesk.services import queries, results, samples
from labdesk.services.conflicts import EditConflict
from labdesk.store.audit import SYSTEM, verify_audit
from labdesk.store.db import Database, open_database
from tests.services.recordkit import World, open_world, sample_form
from tests.store.engines import fresh_schema

_ENTERPRISE = {"name": "n", "region_code": "340100", "created_at": "t"}


@pytest.fixture
def server(pg_url: str) -> Iterator[str]:
    with fresh_schema(pg_url) as url:
        open_database(url).close()
        yield url


def _in_thread(work: Callable[[], object]) -> tuple[threading.Thread, list[BaseException]]:
    failures: list[BaseException] = []

    def run() -> None:
        try:
            work()
        except BaseException as exc:  # handed to the test thread
            failures.append(exc)

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return thread, failures


def _insert(db: Database, uscc: str, *, shared: bool) -> None:
    with db.write(SYSTEM, shared=shared) as w:
        w.insert("enterprises", {"uscc": uscc, **_ENTERPRISE})


def test_a_shared_write_runs_while_another_is_open(server: str) -> None:
    """The head is not held through a transaction: a second shared write commits while the
    first is still open, and the chain still verifies with both."""
    with open_database(server) as a, open_database(server) as b:
        with a.write(SYSTEM, shared=True) as w:
            w.insert("enterprises", {"uscc": "A1", **_ENTERPRISE})
            thread, failures = _in_thread(lambda: _insert(b, "B1", shared=True))
            thread.join(timeout=20)
            assert not thread.is_alive(), "the second shared write waited for the first"
            assert not failures
        rows = a.query("SELECT id, uscc FROM enterprises ORDER BY uscc")
        assert [r["uscc"] for r in rows] == ["A1", "B1"]
        assert len({r["id"] for r in rows}) == 2
        assert verify_audit(a).ok


def test_an_exclusive_write_waits_for_the_shared_ones(server: str) -> None:
    """Every audited change but result entry runs alone, as on a file: it starts only
    when the shared writes open before it have committed."""
    with open_database(server) as a, open_database(server) as b:
        with a.write(SYSTEM, shared=True) as w:
            w.insert("enterprises", {"uscc": "A1", **_ENTERPRISE})
            thread, failures = _in_thread(lambda: _insert(b, "B1", shared=False))
            thread.join(timeout=1.0)
            assert thread.is_alive(), "the exclusive write ran beside a shared one"
        thread.join(timeout=20)
        assert not thread.is_alive() and not failures
        assert verify_audit(a).ok


def test_a_write_that_waited_too_long_is_refused_plainly_and_nothing_stays_open(
    server: str,
) -> None:
    """The server gives up waiting (lock_timeout): the user is told the database is busy,
    not that the connection was lost, and the next change goes through."""
    from labdesk.store.errors import StoreError

    with open_database(server) as a, open_database(server) as b:
        b.conn.raw.execute("SET lock_timeout = '200ms'")  # type: ignore[attr-defined]
        with a.write(SYSTEM, shared=True) as w:
            w.insert("enterprises", {"uscc": "A1", **_ENTERPRISE})
            with pytest.raises(StoreError, match="busy") as refused:
                _insert(b, "B1", shared=False)
            assert "lost" not in str(refused.value)
        assert not b.conn.in_transaction
        _insert(b, "B2", shared=False)
        assert [r[0] for r in b.query("SELECT uscc FROM enterprises ORDER BY uscc")] == [
            "A1",
            "B2",
        ]
        assert verify_audit(b).ok


def test_ids_follow_rows_inserted_with_their_own_ids(server: str) -> None:
    """A row inserted with its own id (a copy, a restore) moves the sequence past it."""
    with open_database(server) as db:
        with db.write(SYSTEM) as w:
            w.insert("enterprises", {"id": 41, "uscc": "X", **_ENTERPRISE})
        with db.write(SYSTEM) as w:
            assert w.insert("enterprises", {"uscc": "Y", **_ENTERPRISE}) == 42
            assert w.insert_many(
                "enterprises", [{"uscc": f"Z{i}", **_ENTERPRISE} for i in range(3)]
            ) == [43, 44, 45]
        assert verify_audit(db).ok


def test_a_database_made_before_the_sequences_gets_them_on_open(server: str) -> None:
    with open_database(server) as db:
        _insert(db, "A1", shared=False)
        db.conn.raw.execute("DROP SEQUENCE labdesk_id_enterprises")  # type: ignore[attr-defined]
        db.conn.raw.execute("DROP FUNCTION labdesk_take_ids")  # type: ignore[attr-defined]
    with open_database(server) as db:
        with db.write(SYSTEM) as w:
            assert w.insert("enterprises", {"uscc": "B1", **_ENTERPRISE}) == 2
        assert verify_audit(db).ok


def test_server_functions_an_older_labdesk_made_are_replaced_on_open(server: str) -> None:
    """A database whose `labdesk_take_ids` an older LabDesk made (one EXECUTE planned at
    every call, no mark) gets this program's on open, and its ids go on where they were."""
    from labdesk.store.db import _id_tables
    from labdesk.store.pg_engine import functions_mark
    from labdesk.store.schema import LATEST_VERSION

    def mark(db: Database) -> object:
        return db.scalar(
            "SELECT obj_description(to_regprocedure('labdesk_take_ids(text,bigint)'), 'pg_proc')"
        )

    with open_database(server) as db:
        _insert(db, "A1", shared=False)
        assert mark(db) == functions_mark(_id_tables(LATEST_VERSION))
        db.conn.raw.execute(  # type: ignore[attr-defined]
            "CREATE OR REPLACE FUNCTION labdesk_take_ids(tbl text, n bigint) RETURNS bigint "
            "LANGUAGE plpgsql AS $$ BEGIN RETURN nextval(('labdesk_id_' || tbl)::regclass); "
            "END $$"
        )
        db.conn.raw.execute("COMMENT ON FUNCTION labdesk_take_ids(text, bigint) IS NULL")  # type: ignore[attr-defined]
    with open_database(server) as db:
        assert mark(db) == functions_mark(_id_tables(LATEST_VERSION))
        with db.write(SYSTEM) as w:
            assert w.insert("enterprises", {"uscc": "B1", **_ENTERPRISE}) == 2
        assert verify_audit(db).ok


def test_the_first_result_function_an_older_labdesk_made_is_replaced_on_open(
    pg_url: str, pg_record_template: str
) -> None:
    """An older LabDesk's labdesk_enter_first (the result's row as JSON, 22 arguments)
    is dropped when this program makes its own (the row's values bound one by one): one
    function of that name is left, and a first result goes through it."""
    from labdesk.store.pg_engine import _OLD_ENTER_FIRST
    from tests.store.pg_world import new_database

    arguments = _OLD_ENTER_FIRST[_OLD_ENTER_FIRST.index("(") + 1 : -1].split(",")
    old_function = (
        "CREATE FUNCTION labdesk_enter_first("
        + ", ".join(f"a{i} {kind}" for i, kind in enumerate(arguments))
        + ") RETURNS bigint LANGUAGE sql AS 'SELECT NULL::bigint'"
    )
    with new_database(pg_url, template=pg_record_template) as url:
        with open_database(url) as db:
            db.conn.raw.execute(old_function)  # type: ignore[attr-defined]
            # As an older LabDesk left it: its functions' mark is not this program's.
            db.conn.raw.execute("COMMENT ON FUNCTION labdesk_take_ids(text, bigint) IS NULL")  # type: ignore[attr-defined]
        world = open_world(url)
        try:
            found = world.db.query(
                "SELECT pronargs FROM pg_proc WHERE proname = 'labdesk_enter_first'"
            )
            assert [int(r["pronargs"]) for r in found] == [41]
            item_id = _items(world, 1)[0]
            written = results.enter_result(world.tech, item_id, "0.010", seen_result_id=None)
            assert written.verdict == "pass"
            count = world.db.scalar(
                "SELECT count(*) FROM results WHERE sample_item_id = ?", (item_id,)
            )
            assert count == 1
            assert verify_audit(world.db).ok
        finally:
            world.db.close()


def _items(world: World, count: int) -> list[int]:
    sample_id = samples.register_sample(world.tech, sample_form(sample_no="RACE-1"))
    samples.receive_sample(world.tech, sample_id)
    return [int(r["id"]) for r in queries.sample_items_with_results(world.db, sample_id)][:count]


@pytest.fixture
def workstations(pg_url: str, pg_record_template: str) -> Iterator[list[World]]:
    from tests.store.pg_world import new_database

    with new_database(pg_url, template=pg_record_template) as url:
        worlds = [open_world(url) for _ in range(4)]
        yield worlds
        for world in worlds:
            world.db.close()


def _race(workstations: list[World], item: int) -> tuple[list[str], list[str]]:
    """Every workstation enters the item's first result at the same moment."""
    start = threading.Barrier(len(workstations))
    saved: list[str] = []
    refused: list[str] = []

    def enter(world: World, text: str) -> None:
        start.wait(timeout=20)
        try:
            results.enter_result(world.tech, item, text, seen_result_id=None)
            saved.append(text)
        except EditConflict:
            refused.append(text)

    threads = [
        _in_thread(functools.partial(enter, w, f"0.0{i + 1}")) for i, w in enumerate(workstations)
    ]
    for thread, failures in threads:
        thread.join(timeout=60)
        assert not thread.is_alive() and not failures, failures
    return saved, refused


def test_first_entries_racing_on_one_item_keep_exactly_one(workstations: list[World]) -> None:
    """Four workstations enter the first result of the same items at the same moment:
    for each item one is saved, the others are told (EditConflict), and the item has one
    current result. Without the sample's row lock all four would be saved."""
    for item in _items(workstations[0], 6):
        saved, refused = _race(workstations, item)
        assert len(saved) == 1 and len(refused) == len(workstations) - 1
        rows = workstations[0].db.query(
            "SELECT text FROM results WHERE sample_item_id = ? AND superseded_by IS NULL",
            (item,),
        )
        assert [r["text"] for r in rows] == saved
    assert verify_audit(workstations[0].db).ok


def test_workstations_entering_at_once_lose_nothing(workstations: list[World]) -> None:
    """Each workstation enters and corrects results of its own sample while the others do:
    every acknowledged value is the current one, ids are unique, the chain verifies."""
    per_world: dict[int, list[int]] = {}
    for index, world in enumerate(workstations):
        sample_id = samples.register_sample(world.tech, sample_form(sample_no=f"MANY-{index}"))
        samples.receive_sample(world.tech, sample_id)
        per_world[index] = [
            int(r["id"]) for r in queries.sample_items_with_results(world.db, sample_id)
        ]
    acknowledged: dict[int, str] = {}
    lock = threading.Lock()

    def work(index: int) -> None:
        world = workstations[index]
        for round_ in range(3):
            for item in per_world[index]:
                text = f"0.0{round_ + 1}{index}"
                results.enter_result(world.tech, item, text)
                with lock:
                    acknowledged[item] = text

    threads = [_in_thread(functools.partial(work, i)) for i in range(len(workstations))]
    for thread, failures in threads:
        thread.join(timeout=240)
        assert not thread.is_alive() and not failures, failures
    db = workstations[0].db
    current = {
        int(r["sample_item_id"]): str(r["text"])
        for r in db.query("SELECT sample_item_id, text FROM results WHERE superseded_by IS NULL")
    }
    assert {item: current[item] for item in acknowledged} == acknowledged
    assert db.scalar("SELECT count(*) FROM results") == db.scalar(
        "SELECT count(DISTINCT id) FROM results"
    )
    report = verify_audit(db)
    assert report.ok, report.problem


def _hold_sample(world: World, sample_id: int) -> None:
    """Another workstation's open transaction holding the sample's row."""
    raw = world.db.conn.raw  # type: ignore[attr-defined]
    raw.execute("BEGIN")
    raw.execute("SELECT id FROM samples WHERE id = %s FOR UPDATE", (sample_id,))


def test_an_entry_that_met_a_busy_lock_is_tried_again_and_saved(
    workstations: list[World],
) -> None:
    """The first try waits past the lock timeout (0.4 s) for a sample another workstation
    holds for 0.6 s: it is rolled back and tried again, and the value is saved once —
    without the retry the call would fail."""
    import time

    holder, entering = workstations[0], workstations[1]
    item = _items(holder, 1)[0]
    sample_id = int(holder.db.scalar("SELECT sample_id FROM sample_items WHERE id = ?", (item,)))
    entering.db.conn.raw.execute("SET lock_timeout = '400ms'")  # type: ignore[attr-defined]
    _hold_sample(holder, sample_id)
    started = time.monotonic()
    thread, failures = _in_thread(
        lambda: results.enter_result(entering.tech, item, "0.05", seen_result_id=None)
    )
    time.sleep(0.6)
    holder.db.conn.raw.execute("ROLLBACK")  # type: ignore[attr-defined]
    thread.join(timeout=30)
    assert not thread.is_alive() and not failures, failures
    assert time.monotonic() - started >= 0.6
    rows = holder.db.query("SELECT text FROM results WHERE sample_item_id = ?", (item,))
    assert [r["text"] for r in rows] == ["0.05"]
    assert verify_audit(holder.db).ok


def test_an_entry_still_busy_after_its_retries_says_so_and_saves_nothing(
    workstations: list[World],
) -> None:
    from labdesk.services.busy import ATTEMPTS
    from labdesk.store.errors import DatabaseBusy

    holder, entering = workstations[0], workstations[1]
    item = _items(holder, 1)[0]
    sample_id = int(holder.db.scalar("SELECT sample_id FROM sample_items WHERE id = ?", (item,)))
    entering.db.conn.raw.execute("SET lock_timeout = '150ms'")  # type: ignore[attr-defined]
    _hold_sample(holder, sample_id)
    try:
        with pytest.raises(DatabaseBusy) as refused:
            results.enter_result(entering.tech, item, "0.05", seen_result_id=None)
    finally:
        holder.db.conn.raw.execute("ROLLBACK")  # type: ignore[attr-defined]
    assert f"tried {ATTEMPTS} times" in refused.value.in_language("en")
    assert f"已自动重试 {ATTEMPTS} 次" in refused.value.in_language("zh")
    assert "请重试" in refused.value.in_language("zh")
    assert not entering.db.conn.in_transaction
    assert holder.db.scalar("SELECT count(*) FROM results WHERE sample_item_id = ?", (item,)) == 0
    results.enter_result(entering.tech, item, "0.05", seen_result_id=None)  # free again
    assert verify_audit(holder.db).ok


def _submitted(world: World, sample_no: str) -> int:
    """A sample whose every item has a result (entered by `tech`), submitted."""
    from labdesk.services import workflow

    sample_id = samples.register_sample(world.tech, sample_form(sample_no=sample_no))
    samples.receive_sample(world.tech, sample_id)
    for item in queries.sample_items_with_results(world.db, sample_id):
        results.enter_result(world.tech, int(item["id"]), "0.01")
    workflow.submit(world.tech, sample_id)
    return sample_id


def test_a_review_runs_while_another_workstation_enters_results(
    workstations: list[World],
) -> None:
    """Review is a shared write: it commits while another workstation's entry is still
    open (it waited for it before, as every change but entry ran alone)."""
    from labdesk.services import workflow

    entering, reviewing = workstations[0], workstations[1]
    sample_id = _submitted(reviewing, "REVIEW-BESIDE")
    item = _items(entering, 1)[0]
    with entering.db.write(entering.tech.actor, shared=True) as w:
        w.lock("sample_items", item)  # an entry in flight on another sample
        thread, failures = _in_thread(lambda: workflow.review(reviewing.reviewer, sample_id))
        thread.join(timeout=20)
        assert not thread.is_alive(), "the review waited for the other workstation's entry"
        assert not failures, failures
    assert reviewing.db.scalar("SELECT state FROM samples WHERE id = ?", (sample_id,)) == (
        "reviewed"
    )
    assert verify_audit(reviewing.db).ok


def test_reviewers_racing_on_one_sample_review_it_once(workstations: list[World]) -> None:
    """Four workstations review the same submitted sample at the same moment: one review
    is recorded, the others are told the sample is already reviewed. The state is read
    under the sample's row lock; read before it, all four would pass and be recorded."""
    from labdesk.core.errors import WorkflowError
    from labdesk.services import workflow

    sample_id = _submitted(workstations[0], "REVIEW-RACE")
    start = threading.Barrier(len(workstations))
    outcomes: list[str] = []

    def review(world: World) -> None:
        start.wait(timeout=20)
        try:
            workflow.review(world.reviewer, sample_id)
            outcomes.append("reviewed")
        except WorkflowError:
            outcomes.append("refused")

    threads = [_in_thread(functools.partial(review, w)) for w in workstations]
    for thread, failures in threads:
        thread.join(timeout=60)
        assert not thread.is_alive() and not failures, failures
    assert sorted(outcomes) == ["refused"] * (len(workstations) - 1) + ["reviewed"]
    db = workstations[0].db
    events = db.scalar(
        "SELECT count(*) FROM sample_events WHERE sample_id = ? AND action = 'review'",
        (sample_id,),
    )
    assert events == 1
    assert verify_audit(db).ok


def test_reviews_of_different_samples_at_once_all_go_through(workstations: list[World]) -> None:
    """Each workstation reviews its own sample while the others review theirs and enter
    results: every review is recorded once, every entry kept, the chain verifies."""
    from labdesk.services import workflow

    submitted = [_submitted(w, f"REVIEW-MANY-{i}") for i, w in enumerate(workstations)]
    items = _items(workstations[0], 4)
    start = threading.Barrier(2 * len(workstations))

    def review(world: World, sample_id: int) -> None:
        start.wait(timeout=20)
        workflow.review(world.reviewer, sample_id)

    def enter(world: World, item: int, text: str) -> None:
        start.wait(timeout=20)
        results.enter_result(world.tech, item, text)

    threads = [
        _in_thread(functools.partial(review, w, s))
        for w, s in zip(workstations, submitted, strict=True)
    ] + [
        _in_thread(functools.partial(enter, w, i, f"0.0{n + 1}"))
        for n, (w, i) in enumerate(zip(workstations, items, strict=True))
    ]
    for thread, failures in threads:
        thread.join(timeout=120)
        assert not thread.is_alive() and not failures, failures
    db = workstations[0].db
    states = {int(r[0]): str(r[1]) for r in db.query("SELECT id, state FROM samples")}
    assert all(states[s] == "reviewed" for s in submitted)
    current = db.query(
        "SELECT sample_item_id FROM results WHERE superseded_by IS NULL AND sample_item_id IN "
        f"({', '.join('?' * len(items))})",
        items,
    )
    assert sorted(int(r[0]) for r in current) == sorted(items)
    assert verify_audit(db).ok


def test_retests_racing_on_one_item_are_each_kept_in_order(workstations: list[World]) -> None:
    """Retests are shared writes, each reading the current result under the sample's row
    lock: four at once on one item give attempts 2…5, each superseding the one before,
    and one current result."""
    item = _items(workstations[0], 1)[0]
    results.enter_result(workstations[0].tech, item, "0.01")
    start = threading.Barrier(len(workstations))

    def retest(world: World, text: str) -> None:
        start.wait(timeout=20)
        results.retest(world.tech, item, text, "duplicate out of range")

    threads = [
        _in_thread(functools.partial(retest, w, f"0.0{n + 2}")) for n, w in enumerate(workstations)
    ]
    for thread, failures in threads:
        thread.join(timeout=60)
        assert not thread.is_alive() and not failures, failures
    db = workstations[0].db
    rows = db.query(
        "SELECT id, attempt, superseded_by FROM results WHERE sample_item_id = ? ORDER BY attempt",
        (item,),
    )
    assert [int(r["attempt"]) for r in rows] == [1, 2, 3, 4, 5]
    assert [r["superseded_by"] for r in rows] == [r["id"] for r in rows[1:]] + [None]
    assert verify_audit(db).ok


def _reviewed(world: World, sample_no: str) -> int:
    from labdesk.services import workflow

    sample_id = _submitted(world, sample_no)
    workflow.review(world.reviewer, sample_id)
    return sample_id


def test_approvals_of_different_samples_at_once_number_their_reports_one_after_another(
    workstations: list[World],
) -> None:
    """Approvals are shared writes: four at once, of four samples, each get a report
    number of their own, consecutive, taken holding the centre's row (read without it,
    two would take the same number and one would fail on the UNIQUE key)."""
    from labdesk.services import workflow

    reviewed = [_reviewed(w, f"APPROVE-MANY-{i}") for i, w in enumerate(workstations)]
    start = threading.Barrier(len(workstations))
    numbers: list[str] = []

    def approve(world: World, sample_id: int) -> None:
        start.wait(timeout=20)
        numbers.append(workflow.approve(world.manager, sample_id))

    threads = [
        _in_thread(functools.partial(approve, w, s))
        for w, s in zip(workstations, reviewed, strict=True)
    ]
    for thread, failures in threads:
        thread.join(timeout=120)
        assert not thread.is_alive() and not failures, failures
    serials = sorted(int(n.rsplit("-", 1)[1]) for n in numbers)
    assert serials == list(range(serials[0], serials[0] + len(workstations)))
    db = workstations[0].db
    stored = {
        str(r[0])
        for r in db.query(
            f"SELECT report_no FROM samples WHERE id IN ({', '.join('?' * len(reviewed))})",
            reviewed,
        )
    }
    assert stored == set(numbers)
    assert verify_audit(db).ok


def test_approvers_racing_on_one_sample_approve_it_once(workstations: list[World]) -> None:
    from labdesk.core.errors import WorkflowError
    from labdesk.services import workflow

    sample_id = _reviewed(workstations[0], "APPROVE-RACE")
    start = threading.Barrier(len(workstations))
    outcomes: list[str] = []

    def approve(world: World) -> None:
        start.wait(timeout=20)
        try:
            outcomes.append(workflow.approve(world.manager, sample_id))
        except WorkflowError:
            outcomes.append("refused")

    threads = [_in_thread(functools.partial(approve, w)) for w in workstations]
    for thread, failures in threads:
        thread.join(timeout=60)
        assert not thread.is_alive() and not failures, failures
    assert outcomes.count("refused") == len(workstations) - 1
    db = workstations[0].db
    assert db.scalar("SELECT count(*) FROM reports WHERE sample_id = ?", (sample_id,)) == 1
    assert verify_audit(db).ok


def test_an_approval_runs_while_another_workstation_enters_results(
    workstations: list[World],
) -> None:
    from labdesk.services import workflow

    entering, approving = workstations[0], workstations[1]
    sample_id = _reviewed(approving, "APPROVE-BESIDE")
    item = _items(entering, 1)[0]
    with entering.db.write(entering.tech.actor, shared=True) as w:
        w.lock("sample_items", item)  # an entry in flight on another sample
        thread, failures = _in_thread(lambda: workflow.approve(approving.manager, sample_id))
        thread.join(timeout=20)
        assert not thread.is_alive(), "the approval waited for the other workstation's entry"
        assert not failures, failures
    assert approving.db.scalar("SELECT state FROM samples WHERE id = ?", (sample_id,)) == (
        "approved"
    )
    assert verify_audit(approving.db).ok
