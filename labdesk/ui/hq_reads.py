"""How every HQ tab reads: on a connection of its own, in one snapshot, stoppable.

A tab's figures come from several queries (a breakdown, the level table, the trend, the
withdrawn reports they leave out); read one by one they could straddle an ingest and
disagree with each other, so they are read in one read-only snapshot (`HqStore.snapshot`).
The read is one or a few long server queries that never look at the Cancel flag, so
Cancel stops them on the server (`HqStore.interrupt`): the read then ends as `Cancelled`
and the tab shows nothing of it.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from typing import Any

from labdesk.ui.operations import TaskState

OpenStore = Callable[[], Any]


@contextlib.contextmanager
def hq_read(open_store: OpenStore, state: TaskState) -> Iterator[Any]:
    """The HQ store opened by `open_store`, in one snapshot, stopped by `state`'s Cancel."""
    with open_store() as store, state.cancelling(store.interrupt), store.snapshot():
        yield store
