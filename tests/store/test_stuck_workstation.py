"""A workstation stuck inside a transaction does not hold the centre up (issue 18.5): the
server ends its session once it has been idle in the transaction past
`idle_in_transaction_session_timeout`, its change rolled back whole, and the desk that met
its lock goes on. No desk waits for a lock longer than LOCK_TIMEOUT_S a try."""

from __future__ import annotations

import time
from typing import Any

import pytest

from labdesk.services import queries, results, samples
from labdesk.store.audit import verify_audit
from labdesk.store.db import open_database
from labdesk.store.errors import ServerAway
from labdesk.store.pg_engine import IDLE_IN_TRANSACTION_S, LOCK_TIMEOUT_S
from tests.services.recordkit import World, sample_form
from tests.store import test_shared_writes as shared

workstations = shared.workstations
server = shared.server


def _raw(world: World) -> Any:
    return world.db.conn.raw  # type: ignore[attr-defined]


def test_every_session_waits_for_a_lock_and_idles_in_a_transaction_only_so_long(
    server: str,
) -> None:
    with open_database(server) as db:
        assert db.scalar("SHOW lock_timeout") == f"{LOCK_TIMEOUT_S}s"
        assert db.scalar("SHOW idle_in_transaction_session_timeout") == (
            f"{IDLE_IN_TRANSACTION_S // 60}min"
        )


def test_a_workstation_stuck_in_a_transaction_lets_go_of_the_sample_it_held(
    workstations: list[World],
) -> None:
    """The stuck workstation holds the sample (its row locked, its state changed) inside
    an audited change and stops; the desk entering a result on it goes on once the
    server ended that session, and the stuck one is told its change was not saved."""
    stuck, desk = workstations[0], workstations[1]
    sample_id = samples.register_sample(desk.tech, sample_form(sample_no="STUCK-1"))
    samples.receive_sample(desk.tech, sample_id)
    item_id = int(queries.sample_items_with_results(desk.db, sample_id)[0]["id"])
    # The server's patience shortened for the test, on the stuck workstation's session.
    _raw(stuck).execute("SET idle_in_transaction_session_timeout = '300ms'")
    entered: list[object] = []
    waited: list[float] = []

    def enter() -> None:
        started = time.monotonic()
        entered.append(results.enter_result(desk.tech, item_id, "0.010", seen_result_id=None))
        waited.append(time.monotonic() - started)

    # (what the stuck one hears depends on whether its next send or its next read meets
    # the closed link: either way that nothing of the change was saved)
    with (
        pytest.raises(ServerAway, match=r"nothing of th(e unfinished|at) change was saved"),
        stuck.db.write(stuck.tech.actor) as w,
    ):
        assert w.lock("samples", sample_id, ("state",)) is not None
        w.update("samples", sample_id, {"state": "cancelled"}, reason="stuck")
        thread, failures = shared._in_thread(enter)
        thread.join(timeout=3 * LOCK_TIMEOUT_S)  # the stuck one stays idle meanwhile
        assert not thread.is_alive() and not failures, failures
    assert waited[0] < LOCK_TIMEOUT_S / 2, waited  # freed by the server, not by a retry
    assert desk.db.scalar("SELECT state FROM samples WHERE id = ?", (sample_id,)) == "testing"
    # The stuck workstation's next change goes through, on a new link.
    assert stuck.db.scalar("SELECT count(*) FROM results WHERE sample_item_id = ?", (item_id,)) == 1
    samples.register_sample(stuck.tech, sample_form(sample_no="STUCK-2"))
    assert verify_audit(desk.db).ok


def test_a_session_the_server_ended_as_idle_in_a_transaction_is_said_plainly() -> None:
    """The server's own reason, when it is read before the link is found closed."""
    from psycopg.errors import IdleInTransactionSessionTimeout

    from labdesk.store.pg_engine import POSTGRES

    said = POSTGRES.translate(IdleInTransactionSessionTimeout("terminating"), "centre")
    assert isinstance(said, ServerAway)
    assert f"idle inside a change for over {IDLE_IN_TRANSACTION_S} s" in str(said)
    assert "未保存" in str(said)
