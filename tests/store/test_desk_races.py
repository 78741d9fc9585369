"""Two desks moving one sample at once on a server (issue 18.2): receiving, starting the
tests and cancelling check the sample's state inside their write, on the row as it is
then. Read before the write, both desks passed the check and both recorded the move: two
"received" events for one sample."""

from __future__ import annotations

import threading
import time

import pytest

from labdesk.core.errors import WorkflowError
from labdesk.services import clocks, samples
from labdesk.store.audit import verify_audit
from tests.services.recordkit import World, sample_form
from tests.store import test_shared_writes as shared

workstations = shared.workstations


def test_two_desks_receiving_one_sample_record_one_receipt(
    workstations: list[World], monkeypatch: pytest.MonkeyPatch
) -> None:
    first, second = workstations[1], workstations[2]
    sample_id = samples.register_sample(workstations[0].tech, sample_form(sample_no="R-0001"))
    inside, go_on = threading.Event(), threading.Event()
    refresh_in = clocks.refresh_in

    def held(*args: object, **kwargs: object) -> object:
        # The first receipt waits here, inside its transaction, until the second desk
        # has started its own.
        if not inside.is_set():
            inside.set()
            assert go_on.wait(timeout=20)
        return refresh_in(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(clocks, "refresh_in", held)
    outcomes: list[str] = []

    def receive(world: World) -> None:
        try:
            samples.receive_sample(world.tech, sample_id)
            outcomes.append("received")
        except WorkflowError:
            outcomes.append("refused")

    a, a_failed = shared._in_thread(lambda: receive(first))
    assert inside.wait(timeout=20)
    b, b_failed = shared._in_thread(lambda: receive(second))
    time.sleep(0.5)  # the second desk has read what it reads before waiting for the first
    go_on.set()
    for thread in (a, b):
        thread.join(timeout=30)
        assert not thread.is_alive()
    assert not a_failed and not b_failed, (a_failed, b_failed)
    assert sorted(outcomes) == ["received", "refused"]
    db = workstations[0].db
    events = db.scalar(
        "SELECT count(*) FROM sample_events WHERE sample_id = ? AND action = 'receive'",
        (sample_id,),
    )
    assert events == 1
    assert db.scalar("SELECT state FROM samples WHERE id = ?", (sample_id,)) == "received"
    assert verify_audit(db).ok
