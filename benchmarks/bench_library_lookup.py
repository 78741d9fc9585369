"""The composed item list of a leaf class on a date vs hand-written SQL over the same tables.

Data: the shipped library plus 10,000 synthetic GB 2763-style MRL rows (benchmarks/
food_data.py) over the leaves of the shipped classification, so a leaf has ~45 MRLs
besides its contaminant, mycotoxin and product rows.

Ours: `food_library.compose_items(db, leaf, day)` for 200 (leaf, date) look-ups — the
class path from the cached tree, one query for the candidate rows of the versions in
force, inheritance / exclusions / most specific row in Python, each item with its
source text.

Baseline: one hand-written SQLite query per look-up doing the same selection: a
recursive CTE for the class path, the versions in force, exclusions through json_each,
ROW_NUMBER() per (standard, item) by depth, returning the winning rows.
"""

from __future__ import annotations

import shutil
import tempfile
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from benchmarks.food_data import lab, leaves, mrl_rows, write_csv
from benchmarks.harness import Benchmark
from labdesk.services import food_imports, food_library
from labdesk.store.db import Database

LOOKUPS = 200

_SQL = """
WITH RECURSIVE path(code, parent, depth) AS (
    SELECT code, parent_code, 0 FROM food_classes WHERE code = ?
    UNION ALL
    SELECT c.code, c.parent_code, p.depth + 1 FROM food_classes AS c
    JOIN path AS p ON c.code = p.parent
),
candidates AS (
    SELECT l.*, v.standard_no, v.standard_year, v.kind,
           ROW_NUMBER() OVER (PARTITION BY v.standard_no, l.code ORDER BY p.depth) AS rank
    FROM lib_limits AS l
    JOIN lib_versions AS v ON v.id = l.version_id
    JOIN path AS p ON p.code = l.class_code
    WHERE v.active = 1
      AND (v.effective_from IS NULL OR v.effective_from <= ?)
      AND (v.abolished_from IS NULL OR v.abolished_from > ?)
      AND l.grade = ''
      AND v.kind <> 'product'
      AND NOT EXISTS (
          SELECT 1 FROM json_each(l.excluded) AS e JOIN path AS q ON q.code = e.value
      )
)
SELECT * FROM candidates WHERE rank = 1 ORDER BY id
"""


@dataclass
class State:
    folder: Path
    db: Database
    lookups: list[tuple[str, date]]


def setup(quick: bool) -> State:
    folder = Path(tempfile.mkdtemp(prefix="bench-lookup-"))
    db, admin = lab(folder / "lab.sqlite")
    tree = food_library.load_tree(db)
    path = write_csv(folder / "mrl.csv", mrl_rows(tree, 10_000, "GB 9763-2021"))
    food_imports.import_limits(admin, food_imports.read_limits(db, path))
    names = leaves(tree)
    days = [date(2020, 5, 1), date(2024, 5, 1), date(2025, 11, 1)]
    lookups = [(names[(i * 7) % len(names)], days[i % len(days)]) for i in range(LOOKUPS)]
    # the same answers, so the two sides do the same work
    for code, day in lookups[:20]:
        ours_ids = {
            i["lib_limit_id"]
            for i in food_library.compose_items(db, code, day).items
            if i["kind"] != "product"
        }
        base = db.query(_SQL, (code, day.isoformat(), day.isoformat()))
        assert ours_ids == {int(r["id"]) for r in base}, (code, day)
    return State(folder, db, lookups)


def ours(state: State) -> None:
    for code, day in state.lookups:
        food_library.compose_items(state.db, code, day)


def baseline(state: State) -> None:
    for code, day in state.lookups:
        text = day.isoformat()
        state.db.query(_SQL, (code, text, text))


def teardown(state: State) -> None:
    state.db.close()
    shutil.rmtree(state.folder, ignore_errors=True)


BENCHMARK = Benchmark(
    name="library_lookup",
    description="200 composed item lists (leaf class, date) with inheritance, exclusions, sources",
    baseline_description="one hand-written SQL query each (recursive path, json_each, ROW_NUMBER)",
    target=2.0,
    setup=setup,
    ours=ours,
    baseline=baseline,
    teardown=teardown,
)
