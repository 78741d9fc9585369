"""The collector pause of bulk imports: off inside, back as it was after, once for
overlapping pauses, never switched on when someone else had switched it off."""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator

import pytest

from labdesk.core.bulk import collector_paused


@pytest.fixture(autouse=True)
def _collector_restored() -> Iterator[None]:
    was = gc.isenabled()
    yield
    if was:
        gc.enable()
    else:
        gc.disable()


def test_the_collector_is_off_inside_and_on_again_after_even_on_an_error() -> None:
    gc.enable()
    with collector_paused():
        assert not gc.isenabled()
    assert gc.isenabled()
    with pytest.raises(RuntimeError), collector_paused():
        raise RuntimeError("the import failed")
    assert gc.isenabled()


def test_overlapping_pauses_end_with_the_last_one() -> None:
    gc.enable()
    inside = threading.Event()
    release = threading.Event()

    def other_import() -> None:
        with collector_paused():
            inside.set()
            release.wait(5)

    thread = threading.Thread(target=other_import)
    thread.start()
    assert inside.wait(5)
    with collector_paused():
        assert not gc.isenabled()
    assert not gc.isenabled()  # the other thread's import still runs
    release.set()
    thread.join(5)
    assert gc.isenabled()


def test_a_collector_switched_off_elsewhere_stays_off() -> None:
    gc.disable()
    with collector_paused():
        assert not gc.isenabled()
    assert not gc.isenabled()
