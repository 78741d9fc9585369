"""A plan's draft units announced to other workstations (NOTIFY) vs the same units silent.

Ours: `services.drafts.keep_units`, one unit per call (what the result grid does for every
unit typed: checks, one commit, the draft read back) on a PostgreSQL centre whose
`unit_drafts` rows announce their item (the `labdesk_drafts_notify` trigger, read by
ui/change_watch.py), with a window's change watch listening on another connection.
Baseline: the same calls on a copy of the same centre with that trigger dropped (the
watch listening alike). The ratio is what the announcement adds to typing a unit. The
server is $LABDESK_TEST_PG_URL, or a throwaway one (scripts/pg-test-server.sh).
"""

from __future__ import annotations

import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from benchmarks.bench_store_concurrent import _server, _with_db
from benchmarks.harness import Benchmark
from labdesk.services.context import ServiceContext
from labdesk.store.db import Database

UNITS = 600
PLAN = "n=5,c=2,m=100 CFU/g,M=1000 CFU/g"


def _plan_item(db: Database) -> int:
    """A new received sample whose first item is a sampling plan, with no result yet."""
    from datetime import date

    from labdesk.core.uscc import make_uscc, org_code_check_digit
    from labdesk.services import auth, enterprises, samples, tasks

    ctx = auth.sign_in(db, "tech1", _password(db, "tech1"))
    body = "MA2TB001"
    uscc = make_uscc("91340100" + body + org_code_check_digit(body))
    enterprises.register_enterprise(ctx, enterprises.EnterpriseForm(uscc=uscc, name="基准单位"))
    sample_id = samples.register_sample(
        ctx,
        samples.SampleForm(
            sample_no="BENCH-DRAFT-1",
            sample_name="韭菜",
            category_code="VEG-CHIVES",
            sampling_date=date.today(),
            enterprise_uscc=uscc,
            task_no=str(tasks.list_tasks(db)[0]["task_no"]),
            samplers=["张伟", "李芳"],
            sealed=True,
            unit_acknowledged=True,
        ),
    )
    samples.receive_sample(ctx, sample_id)
    item = int(db.scalar("SELECT min(id) FROM sample_items WHERE sample_id = ?", (sample_id,)))
    with db.write(ctx.actor) as w:
        w.update("sample_items", item, {"limit_text": PLAN, "unit": "CFU/g"}, action="edit")
    return item


def _password(db: Database, username: str) -> str:
    from labdesk.services import auth

    return next(p for name, p, _role in auth.demo_accounts(db) if name == username)


@dataclass
class State:
    base: str
    folder: Path
    names: list[str]
    ours_db: Database
    base_db: Database
    listeners: list[_Watch]
    item_id: int
    contexts: dict[str, ServiceContext]
    units: int
    started_server: bool
    state_file: str


def _centre(base: str, source: Path) -> tuple[str, Database]:
    import uuid

    import psycopg

    from labdesk.store.copy import copy_centre
    from labdesk.store.db import open_database
    from labdesk.store.engine import target_of

    name = f"bench_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(_with_db(base, "postgres"), autocommit=True) as admin:
        admin.execute(f"CREATE DATABASE {name}")
    url = _with_db(base, name)
    copy_centre(source, target_of(url))
    return name, open_database(url)


class _Watch:
    """A window's change watch: its own connection listening on both channels, reading
    what is announced as it comes (a thread, as ui/change_watch.py does)."""

    def __init__(self, db: Database) -> None:
        import threading

        import psycopg

        from labdesk.store.engine import ServerUrl

        target = db.target
        assert isinstance(target, ServerUrl)
        self.conn = psycopg.connect(target.url, autocommit=True)
        self.conn.execute("LISTEN labdesk_audit; LISTEN labdesk_drafts")
        self.heard = 0
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self) -> None:
        while not self.stop.is_set():
            for _ in self.conn.notifies(timeout=0.25):
                self.heard += 1

    def close(self) -> None:
        self.stop.set()
        self.thread.join()
        self.conn.close()


def setup(quick: bool) -> State:
    from labdesk.services.demo import fill_demo
    from labdesk.store.db import open_database

    base, started, state_file = _server()
    folder = Path(tempfile.mkdtemp(prefix="labdesk-bench-drafts-"))
    source = folder / "demo.sqlite"
    demo = open_database(source)
    try:
        fill_demo(demo, samples=3, seed=7)
        item_id = _plan_item(demo)
    finally:
        demo.close()
    ours_name, ours_db = _centre(base, source)
    base_name, base_db = _centre(base, source)
    with base_db.transaction() as conn:
        conn.execute("DROP TRIGGER labdesk_drafts_notify ON unit_drafts")
    from labdesk.services import auth

    contexts = {
        name: auth.sign_in(db, "tech1", _password(db, "tech1"))
        for name, db in (("ours", ours_db), ("baseline", base_db))
    }
    return State(
        base,
        folder,
        [ours_name, base_name],
        ours_db,
        base_db,
        [_Watch(ours_db), _Watch(base_db)],
        item_id,
        contexts,
        UNITS // 3 if quick else UNITS,
        started,
        state_file,
    )


def _write(state: State, which: str) -> None:
    from labdesk.services import drafts

    ctx = state.contexts[which]
    for k in range(state.units):  # one unit at a time, as typed
        drafts.keep_units(ctx, state.item_id, {k % 5 + 1: str(10 + k)})


def ours(state: State) -> None:
    _write(state, "ours")


def baseline(state: State) -> None:
    _write(state, "baseline")


def teardown(state: State) -> None:
    import os
    import subprocess

    import psycopg

    for listener in state.listeners:
        listener.close()
    state.ours_db.close()
    state.base_db.close()
    with psycopg.connect(_with_db(state.base, "postgres"), autocommit=True) as admin:
        for name in state.names:
            admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
    shutil.rmtree(state.folder, ignore_errors=True)
    if state.started_server:
        root = Path(__file__).resolve().parents[1]
        env = {**os.environ, "LABDESK_PG_STATE": state.state_file}
        subprocess.run(
            ["bash", str(root / "scripts" / "pg-test-server.sh"), "stop"],
            env=env,
            check=False,
            capture_output=True,
        )


BENCHMARK = Benchmark(
    name="draft_notify",
    description=f"{UNITS} plan units via drafts.keep_units, announced (NOTIFY) on PostgreSQL",
    baseline_description="the same keep_units calls on a copy of the centre without the trigger",
    target=1.15,
    setup=setup,
    ours=ours,
    baseline=baseline,
    teardown=teardown,
    rounds=7,
    quick_rounds=3,
)
