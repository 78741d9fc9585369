"""Eight workstations entering results at once on one PostgreSQL centre.

Ours: 8 client processes, each entering its results one by one through the service layer
(`results.enter_result`: permissions, state, judgement, one audited transaction per
result; the entries run side by side, each locking its sample's row, and are serialized
only for the append to the audit chain, which the server does in one call sent with the
COMMIT).
Baseline: the same 8 processes inserting the same number of result rows with a bare
psycopg INSERT on their own connections, one commit each, no audit.
Both run concurrently (all 8 at once); the time is the wall clock until the last client
is done. p50/p99 of the per-entry latency are printed for both (stderr) and kept in
`LAST` for the docs. The server is $LABDESK_TEST_PG_URL, or a throwaway one started
with scripts/pg-test-server.sh.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from benchmarks.harness import Benchmark

ROOT = Path(__file__).resolve().parents[1]
CLIENTS = 8
LAST: dict[str, dict[str, float]] = {}


@dataclass
class State:
    base: str
    url: str
    dbname: str
    per_client: int
    workers: list[subprocess.Popen[str]] = field(default_factory=list)
    started_server: bool = False
    state_file: str = ""


def _server() -> tuple[str, bool, str]:
    url = os.environ.get("LABDESK_TEST_PG_URL")
    if url:
        return url, False, ""
    state_file = f"/tmp/labdesk-bench-pg.{os.getpid()}.state"
    env = {**os.environ, "LABDESK_PG_STATE": state_file}
    out = subprocess.run(
        ["bash", str(ROOT / "scripts" / "pg-test-server.sh"), "start"],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    return out.stdout.strip(), True, state_file


def _with_db(url: str, name: str) -> str:
    return urlunsplit(urlsplit(url)._replace(path=f"/{name}"))


def _prepare(url: str) -> str:
    """A centre with one technician per client, the library, an enterprise and a task."""
    from benchmarks.store_concurrent_worker import PASSWORD, TASK_NO, USCC_BODY
    from labdesk.core.uscc import make_uscc, org_code_check_digit
    from labdesk.services import auth, enterprises, library, tasks
    from labdesk.store.db import open_database

    uscc = make_uscc(f"91340100{USCC_BODY}{org_code_check_digit(USCC_BODY)}")
    db = open_database(url)
    try:
        admin = auth.setup_centre(
            db,
            name="基准测试中心（样例）",
            code="BENCH",
            region_code="340100",
            admin_username="admin",
            admin_password=PASSWORD,
        )
        library.ensure_library(admin)
        for index in range(CLIENTS):
            auth.add_user(admin, f"tech{index}", f"Tech {index}", "technician", PASSWORD)
        auth.add_user(admin, "manager", "Manager", "manager", PASSWORD)
        tech = auth.sign_in(db, "tech0", PASSWORD)
        manager = auth.sign_in(db, "manager", PASSWORD)
        enterprises.register_enterprise(
            tech, enterprises.EnterpriseForm(uscc=uscc, name="基准测试食品有限公司（样例）")
        )
        tasks.create_task(manager, tasks.TaskForm(TASK_NO, "基准测试", "监督抽检"))
    finally:
        db.close()
    return uscc


def setup(quick: bool) -> State:
    import psycopg

    base, started, state_file = _server()
    dbname = f"bench_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(_with_db(base, "postgres"), autocommit=True) as admin:
        admin.execute(f"CREATE DATABASE {dbname}")
    url = _with_db(base, dbname)
    per_client = 250 if quick else 2000
    state = State(base, url, dbname, per_client, started_server=started, state_file=state_file)
    uscc = _prepare(url)
    rounds = BENCHMARK.quick_rounds if quick else BENCHMARK.rounds
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    for index in range(CLIENTS):
        state.workers.append(
            subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "benchmarks.store_concurrent_worker",
                    url,
                    str(index),
                    str(per_client * rounds),
                    uscc,
                ],
                cwd=ROOT,
                env=env,
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                text=True,
            )
        )
    for worker in state.workers:
        assert worker.stdout is not None
        line = worker.stdout.readline().strip()
        if line != "READY":
            raise RuntimeError(f"a benchmark client did not start: {line!r}")
    return state


def _round(state: State, verb: str) -> None:
    for worker in state.workers:
        assert worker.stdin is not None
        worker.stdin.write(f"{verb} {state.per_client}\n")
        worker.stdin.flush()
    latencies: list[float] = []
    for worker in state.workers:
        assert worker.stdout is not None
        latencies += json.loads(worker.stdout.readline())
    latencies.sort()
    figures = {
        "p50_ms": round(1000 * statistics.median(latencies), 2),
        "p99_ms": round(1000 * latencies[int(0.99 * (len(latencies) - 1))], 2),
        "entries": float(len(latencies)),
    }
    LAST[verb] = figures
    print(f"  {verb}: {figures}", file=sys.stderr, flush=True)


def ours(state: State) -> None:
    _round(state, "ours")


def baseline(state: State) -> None:
    _round(state, "raw")


def teardown(state: State) -> None:
    import psycopg

    for worker in state.workers:
        if worker.stdin is not None and worker.poll() is None:
            worker.stdin.write("quit\n")
            worker.stdin.close()
        worker.wait(timeout=60)
    with psycopg.connect(_with_db(state.base, "postgres"), autocommit=True) as admin:
        admin.execute(f"DROP DATABASE IF EXISTS {state.dbname} WITH (FORCE)")
    if state.started_server:
        env = {**os.environ, "LABDESK_PG_STATE": state.state_file}
        subprocess.run(
            ["bash", str(ROOT / "scripts" / "pg-test-server.sh"), "stop"],
            env=env,
            check=False,
            capture_output=True,
        )


BENCHMARK = Benchmark(
    name="store_concurrent",
    description="8 processes × 2,000 results via results.enter_result on PostgreSQL, at once",
    baseline_description="the same 8 processes: bare psycopg INSERT of result rows, commit each",
    target=3.0,
    setup=setup,
    ours=ours,
    baseline=baseline,
    teardown=teardown,
    rounds=2,
    quick_rounds=1,
)
