"""Bulk work that keeps what it makes, with the cyclic garbage collector paused.

Reading and loading a 10,000-row limit file builds tens of thousands of row objects and
tuples that all live until the import ends. The collector's passes (one per 700 new
containers, and a walk over the whole heap whenever it grew by a quarter) free none of
them, and took about a tenth of such an import. Reference counting still frees
everything else at once; only reference cycles wait for the pause to end, when the
collector runs as usual.

The pause is counted: overlapping bulk jobs (two threads) end it once, the last one
out; a collector someone else had disabled stays disabled.
"""

from __future__ import annotations

import contextlib
import gc
import threading
from collections.abc import Iterator

_lock = threading.Lock()
_depth = 0
_enable_after = False


@contextlib.contextmanager
def collector_paused() -> Iterator[None]:
    """The cyclic garbage collector off for the `with` block (see the module)."""
    global _depth, _enable_after
    with _lock:
        if _depth == 0:
            _enable_after = gc.isenabled()
            gc.disable()
        _depth += 1
    try:
        yield
    finally:
        with _lock:
            _depth -= 1
            if _depth == 0 and _enable_after:
                gc.enable()
