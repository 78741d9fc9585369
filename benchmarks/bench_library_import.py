"""Importing 10,000 GB 2763-style MRL rows vs a raw executemany of the same rows.

Ours: `food_imports.read_limits` (the CSV read row by row, every row validated: the
standard key, the class resolved in the classification, the bare MRL read as ≤ with its
mark, duplicates, version overlap, the version digest) then `import_limits` (one
audited transaction: the version row, 10,000 lib_limits rows through
`Writer.insert_many` with their hash-chained audit entries). Each round imports a new
standard number, so no round is a "no change".

Baseline: `sqlite3.executemany` of the same lib_limits rows (already built as tuples)
into a database of the same schema, one transaction, same PRAGMAs; no reading, no
validation, no audit. Peak RSS is the process's, reported by the harness.
"""

from __future__ import annotations

import shutil
import sqlite3
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from benchmarks.food_data import lab, mrl_rows, write_csv
from benchmarks.harness import Benchmark
from labdesk.services import food_imports, food_library
from labdesk.services.context import ServiceContext
from labdesk.store.db import Database

ROWS = 10_000
COLUMNS = (
    "version_id",
    "class_code",
    "class_name",
    "excluded",
    "excluded_names",
    "seq",
    "table_ref",
    "code",
    "name",
    "name_en",
    "unit",
    "limit_text",
    "test_method",
    "mark",
    "mark_meaning",
    "grade",
    "note",
    "source",
    "sample_data",
)


@dataclass
class State:
    folder: Path
    db: Database
    admin: ServiceContext
    files: list[Path]
    base: sqlite3.Connection
    base_rows: list[tuple[Any, ...]]
    sql: str
    round: list[int] = field(default_factory=lambda: [0])


def setup(quick: bool) -> State:
    folder = Path(tempfile.mkdtemp(prefix="bench-import-"))
    db, admin = lab(folder / "ours.sqlite")
    tree = food_library.load_tree(db)
    files = [
        write_csv(folder / f"mrl-{n}.csv", mrl_rows(tree, ROWS, f"GB 9{n:03d}-2021"))
        for n in range(8)
    ]
    base_db, _ = lab(folder / "base.sqlite")
    base_db.close()
    base = sqlite3.connect(folder / "base.sqlite", isolation_level=None)
    for pragma in ("journal_mode = WAL", "synchronous = FULL", "foreign_keys = ON"):
        base.execute(f"PRAGMA {pragma}")
    base.execute(
        "INSERT INTO lib_versions (id, standard_no, standard_year, kind) "
        "VALUES (1000, 'GB 8000', '2021', 'pesticide')"
    )
    table = food_imports.read_limits(db, files[0])
    base_rows = []
    for row in table.rows:
        for code in row.class_codes:
            base_rows.append(
                (
                    1000,
                    code,
                    row.class_name,
                    "[]",
                    "[]",
                    row.row,
                    row.table,
                    row.item_code,
                    row.item_name,
                    row.item_en,
                    row.unit,
                    row.limit,
                    row.test_method,
                    row.mark,
                    "临时限量" if row.mark else "",
                    row.grade,
                    row.note,
                    row.source,
                    0,
                )
            )
    sql = f"INSERT INTO lib_limits ({', '.join(COLUMNS)}) VALUES ({', '.join('?' * len(COLUMNS))})"
    return State(folder, db, admin, files, base, base_rows, sql)


def ours(state: State) -> None:
    path = state.files[state.round[0] % len(state.files)]
    state.round[0] += 1
    table = food_imports.read_limits(state.db, path)
    outcome = food_imports.import_limits(state.admin, table)
    if state.round[0] <= len(state.files):
        assert outcome.rows == ROWS, outcome


def baseline(state: State) -> None:
    state.base.execute("BEGIN IMMEDIATE")
    state.base.executemany(state.sql, state.base_rows)
    state.base.execute("COMMIT")


def teardown(state: State) -> None:
    state.db.close()
    state.base.close()
    shutil.rmtree(state.folder, ignore_errors=True)


BENCHMARK = Benchmark(
    name="library_import",
    description="10,000 GB 2763-style MRL rows read, validated and loaded (audited)",
    baseline_description="sqlite3 executemany of the same lib_limits rows, no validation/audit",
    target=2.0,
    setup=setup,
    ours=ours,
    baseline=baseline,
    teardown=teardown,
)
