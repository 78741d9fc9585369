"""A one-off probe behind the decision to drop sqlite-utils (docs/architecture.md).

Not part of `python -m benchmarks`: sqlite-utils is no longer a dependency. To re-run it,
in any virtual environment: `pip install sqlite-utils && python benchmarks/probe_sqlite_utils.py`.
It measures, in one process, the three places issue 13 named where sqlite-utils could earn
its place:
1. bulk inserts: `Table.insert_all` (default batch_size 100, and the best batch size found)
   against one `executemany` of the same rows;
2. search: `enable_fts` (FTS5, with triggers) against the LIKE queries the Samples list uses,
   over 50,000 samples with Chinese names, and whether FTS5 finds a two-character Chinese
   word at all;
3. `Table.transform()`: what it does to the triggers of an audited table.
"""

from __future__ import annotations

import random
import sqlite3
import statistics
import time

import sqlite_utils

ROWS = 100_000
NAMES = ["大米", "小麦粉", "玉米", "食用植物油", "酱油", "食醋", "白酒", "啤酒", "饼干", "糕点"]


def best_of(fn, repeat: int = 5) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def rows(n: int) -> list[dict[str, object]]:
    rng = random.Random(7)
    return [
        {
            "id": i + 1,
            "sample_no": f"HF-2026-{i:06d}",
            "sample_name": rng.choice(NAMES) + rng.choice(["", "（散装）", "（预包装）"]),
            "text": str(rng.randint(1, 999) / 1000),
            "unit": "mg/kg",
        }
        for i in range(n)
    ]


def probe_inserts() -> None:
    data = rows(ROWS)
    tuples = [tuple(r.values()) for r in data]
    ddl = (
        "CREATE TABLE t (id INTEGER PRIMARY KEY, sample_no TEXT NOT NULL, "
        "sample_name TEXT NOT NULL, text TEXT NOT NULL, unit TEXT NOT NULL) STRICT"
    )

    def raw() -> None:
        conn = sqlite3.connect(":memory:")
        conn.execute(ddl)
        with conn:
            conn.executemany("INSERT INTO t VALUES (?, ?, ?, ?, ?)", tuples)

    def su(batch: int | None) -> None:
        db = sqlite_utils.Database(memory=True)
        db.execute(ddl)
        with db.atomic():
            if batch is None:
                db["t"].insert_all(data)
            else:
                db["t"].insert_all(data, batch_size=batch)

    base = best_of(raw)
    print(f"executemany {ROWS} rows: {base * 1000:.0f} ms")
    for batch in (None, 500, 1000, 5000):
        t = best_of(lambda b=batch: su(b))
        label = "default (100)" if batch is None else str(batch)
        print(f"insert_all batch_size={label}: {t * 1000:.0f} ms = {t / base:.2f}x")


def probe_search() -> None:
    data = rows(50_000)
    db = sqlite_utils.Database(memory=True)
    db["samples"].insert_all(data, pk="id", batch_size=5000)
    db["samples"].enable_fts(["sample_no", "sample_name"], create_triggers=True)
    conn = db.conn
    like = "SELECT count(*) FROM samples WHERE sample_no LIKE ? OR sample_name LIKE ?"
    fts = "SELECT count(*) FROM samples_fts WHERE samples_fts MATCH ?"

    def run(sql: str, params: tuple[object, ...]) -> float:
        times = []
        for _ in range(20):
            start = time.perf_counter()
            conn.execute(sql, params).fetchone()
            times.append(time.perf_counter() - start)
        return statistics.median(times)

    t_like = run(like, ("%大米%", "%大米%"))
    found_like = conn.execute(like, ("%大米%", "%大米%")).fetchone()[0]
    t_fts = run(fts, ('"大米"',))
    found_fts = conn.execute(fts, ('"大米"',)).fetchone()[0]
    print(
        f"search 50,000 samples for 大米: LIKE {t_like * 1000:.1f} ms ({found_like} rows), "
        f"FTS5 {t_fts * 1000:.2f} ms ({found_fts} rows)"
    )
    part_like = conn.execute(like, ("%麦粉%", "%麦粉%")).fetchone()[0]
    part_fts = conn.execute(fts, ('"麦粉"',)).fetchone()[0]
    print(f"a word inside a name (麦粉 in 小麦粉): LIKE {part_like} rows, FTS5 {part_fts} rows")
    t_no = run(like, ("%HF-2026-0421%", "%HF-2026-0421%"))
    print(f"search by sample number fragment with LIKE: {t_no * 1000:.1f} ms")


def probe_transform() -> None:
    db = sqlite_utils.Database(memory=True)
    db.execute("CREATE TABLE audit_log (seq INTEGER PRIMARY KEY, hash TEXT NOT NULL) STRICT")
    db.execute(
        "CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log "
        "BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END"
    )
    db["audit_log"].transform(types={"hash": str}, rename={"hash": "digest"})
    triggers = [r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type='trigger'")]
    sql = db.execute("SELECT sql FROM sqlite_master WHERE name='audit_log'").fetchone()[0]
    strict = "STRICT" in sql
    print(f"after transform(): triggers left {triggers}, table still STRICT: {strict}")


if __name__ == "__main__":
    from importlib.metadata import version

    print("sqlite-utils", version("sqlite-utils"))
    print("SQLite", sqlite3.sqlite_version)
    probe_inserts()
    probe_search()
    probe_transform()
