"""The few store/service calls the application shell needs (opening, demo, status).

Screens call `labdesk.services.*` directly; this module gathers the start-up steps so
`app.py` reads as a sequence.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from labdesk.store.errors import DatabaseLocked

if TYPE_CHECKING:
    from labdesk.store.db import Database
    from labdesk.store.engine import DbTarget
    from labdesk.ui.operations import TaskState
    from labdesk.ui.session import UiSession

__all__ = [
    "DEMO_SAMPLES",
    "DatabaseLocked",
    "create_demo_database",
    "has_centre",
    "is_demo",
    "open_db",
    "unsent_approved_count",
]

# ~300 samples: enough to look like a working lab, created in a few seconds.
DEMO_SAMPLES = 300


def open_db(path: DbTarget) -> Database:
    """Open `path` as this process's single writer (raises DatabaseLocked if taken);
    on a PostgreSQL server, one of its many writers."""
    from labdesk.store.db import open_database

    return open_database(path)


def create_demo_database(
    path: Path, samples: int = DEMO_SAMPLES, state: TaskState | None = None
) -> None:
    """Create a demo database at `path` with real signed batches (`batch.demo.build_demo`):
    the batches and the demo public key land in `<db dir>/<db name>-outbox/`.

    A plain worker function: run it through `operations.run_operation` to keep the
    window responsive; with a `state`, it reports progress and stops when cancelled
    (the half-made file is then removed, since nobody has used it yet).
    """
    import shutil

    from labdesk.batch.demo import build_demo, demo_outbox
    from labdesk.reports.issue import issue_missing_pdfs
    from labdesk.store.db import open_database
    from labdesk.ui.operations import Cancelled  # demo creation only: not at start-up

    def progress(done: int, total: int) -> None:
        if state is not None:
            state.set_progress(done, total)
            state.check()

    outbox = demo_outbox(path)
    outbox_existed = outbox.exists()
    db = open_database(path)
    try:
        build_demo(db, samples=samples, progress=progress, render_reports=issue_missing_pdfs)
    except Cancelled:
        db.close()
        if not outbox_existed:
            shutil.rmtree(outbox, ignore_errors=True)
        for leftover in (
            path,
            *(path.with_name(path.name + s) for s in ("-wal", "-shm", ".lock", ".anchor")),
        ):
            leftover.unlink(missing_ok=True)
        raise
    finally:
        db.close()


def has_centre(db: Database) -> bool:
    from labdesk.services import auth

    return bool(auth.is_set_up(db))


def is_demo(db: Database) -> bool:
    from labdesk.services import auth

    centre = auth.centre(db)
    return bool(centre and centre.get("demo"))


def unsent_approved_count(session: UiSession) -> int:
    """Approved samples not yet exported in a signed batch (the status-bar figure)."""
    from labdesk.services import queries

    return len(queries.approved_unexported_samples(session.db))
