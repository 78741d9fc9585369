"""A change the server refused because it was busy is tried again before the user hears.

On a server, a transaction may wait for another workstation's lock on the same records
past `lock_timeout`, or be the one the server cancels to break a deadlock
(`DatabaseBusy`). Either way it was rolled back whole — nothing of it was written — so
running the same service call again is safe: its checks are made again on what is there
now. A service whose one audited transaction is all it writes is wrapped in
`retried_when_busy`: up to ATTEMPTS tries, a short jittered pause between them (two
deadlocked workstations must not meet again at once). If the server is still busy the
user is told so, and that it was tried ATTEMPTS times.

Safe to wrap is a call that can be made again from its start: it writes only in the
database (no file written, nothing sent or signed for the outside before its commit), it
reads again what it checks, and it takes nothing from its arguments that a first try
used up (an iterator). A call of several transactions may be wrapped when each is
decided again on what is there (a first-run load: what the first try committed is then
not written again). A service that may not be tried again says why above its `def`
("Not retried when busy: …"); tests/services/test_busy_coverage.py holds every writing
service of the package to one or the other.

A file has one writer: SQLite never raises `DatabaseBusy`, and the wrapper costs a call.
"""

from __future__ import annotations

import contextvars
import functools
import random
import time
from collections.abc import Callable
from typing import ParamSpec, TypeVar

from labdesk.services.context import ServiceContext
from labdesk.store.db import Database
from labdesk.store.errors import DatabaseBusy

ATTEMPTS = 3
# Seconds before the n-th retry: n × PAUSE_S, plus up to PAUSE_S of jitter.
PAUSE_S = 0.05

P = ParamSpec("P")
R = TypeVar("R")

# Set while a wrapped call runs on this thread: a wrapped service calling another one
# leaves the retrying to the outer call (3 × 3 tries would be 9).
_retrying: contextvars.ContextVar[bool] = contextvars.ContextVar("busy_retrying", default=False)


def retried_when_busy(service: Callable[P, R]) -> Callable[P, R]:
    """`service(ctx, …)` run again (up to ATTEMPTS in all) when the server was busy."""

    @functools.wraps(service)
    def run(*args: P.args, **kwargs: P.kwargs) -> R:
        if _retrying.get():
            return service(*args, **kwargs)
        token = _retrying.set(True)
        try:
            return _with_retries(service, *args, **kwargs)
        finally:
            _retrying.reset(token)

    return run


def _with_retries(service: Callable[P, R], *args: P.args, **kwargs: P.kwargs) -> R:
    first = args[0] if args else None
    # The store is the context's, or the first argument itself (setup, sign-in).
    db = first.db if isinstance(first, ServiceContext) else first
    for attempt in range(1, ATTEMPTS + 1):
        try:
            return service(*args, **kwargs)
        except DatabaseBusy as exc:
            if isinstance(db, Database) and db.conn.in_transaction:
                raise  # a caller's transaction is open: only it can start again
            if attempt == ATTEMPTS:
                raise still_busy(exc, ATTEMPTS) from exc
            time.sleep(PAUSE_S * attempt + random.uniform(0, PAUSE_S))
    raise AssertionError("unreachable")  # the loop returns or raises


def still_busy(exc: DatabaseBusy, attempts: int) -> DatabaseBusy:
    """The refusal shown once the retries are spent: the server's, saying so."""
    en = f"{exc.in_language('en')} (tried {attempts} times)"
    zh = f"{exc.in_language('zh')}（已自动重试 {attempts} 次）"
    return DatabaseBusy(f"{en} ({zh})", en=en, zh=zh)
