"""Read-only queries behind the lazy grids: ids by keyset pages, rows by ids.

The table models hold only ids. They ask for the next page of ids as the user scrolls
(`canFetchMore`/`fetchMore`, keyset pagination — `WHERE id < last` — never OFFSET, so
page N costs what page 1 costs) and fetch row contents the first time a row is painted,
a block of ids per query. Cost therefore follows the visible rows, never the total.

These are reads only; every change goes through `labdesk.services`.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from labdesk.store.schema import live_item

if TYPE_CHECKING:
    from labdesk.store.db import Database

PAGE_SIZE = 500

# The states in which results are typed (mode B lists samples in these states).
ENTRY_STATES = ("received", "testing", "returned")


@dataclass(frozen=True)
class SampleQuery:
    """Filter of the samples list: states (empty = all but cancelled) and free text.

    `ids`, when given, restricts the list to exactly those samples (a dashboard
    drill-down); they travel as one JSON parameter, so any number fits in the query.
    """

    states: tuple[str, ...] = ()
    text: str = ""
    task_id: int | None = None
    ids: tuple[int, ...] | None = None


def _sample_where(query: SampleQuery) -> tuple[str, list[Any]]:
    clauses: list[str] = []
    params: list[Any] = []
    if query.states:
        clauses.append(f"s.state IN ({', '.join('?' * len(query.states))})")
        params.extend(query.states)
    if query.ids is not None:
        clauses.append("s.id IN (SELECT value FROM json_each(?))")
        params.append(json.dumps(list(query.ids)))
    if query.task_id is not None:
        clauses.append("s.task_id = ?")
        params.append(query.task_id)
    text = query.text.strip()
    if text:
        like = f"%{text}%"
        clauses.append(
            "(s.sample_no LIKE ? OR s.sample_name LIKE ? OR s.batch_no LIKE ? "
            "OR s.enterprise_id IN (SELECT id FROM enterprises WHERE name LIKE ? OR uscc LIKE ?))"
        )
        params.extend([like, like, like, like, f"{text.upper()}%"])
    return (" AND ".join(clauses) or "1"), params


def sample_id_page(
    db: Database, query: SampleQuery, before_id: int | None, limit: int | None = None
) -> list[int]:
    """The next page of sample ids, newest first, strictly below `before_id`."""
    where, params = _sample_where(query)
    if before_id is not None:
        where += " AND s.id < ?"
        params.append(before_id)
    rows = db.query(
        f"SELECT s.id FROM samples s WHERE {where} ORDER BY s.id DESC LIMIT ?",
        [*params, limit or PAGE_SIZE],
    )
    return [int(r[0]) for r in rows]


SAMPLE_COLUMNS = (
    "id",
    "sample_no",
    "sample_name",
    "enterprise_name",
    "category_name",
    "sampling_date",
    "state",
    "conclusion_label",
    "report_due_date",
)


def sample_rows(db: Database, ids: Sequence[int]) -> dict[int, dict[str, Any]]:
    """Row contents for the samples list, keyed by sample id."""
    if not ids:
        return {}
    marks = ", ".join("?" * len(ids))
    rows = db.query(
        "SELECT s.id, s.sample_no, s.sample_name, e.name AS enterprise_name, s.category_code, "
        "coalesce(c.name, s.category_code) AS category_name, c.name_en AS category_name_en, "
        "s.sampling_date, s.state, s.conclusion_label, s.report_due_date "
        "FROM samples s LEFT JOIN enterprises e ON e.id = s.enterprise_id "
        f"LEFT JOIN lib_categories c ON c.code = s.category_code WHERE s.id IN ({marks})",
        list(ids),
    )
    return {int(r["id"]): dict(r) for r in rows}


# ----- result entry --------------------------------------------------------------------

ITEM_SELECT = (
    "SELECT si.id, si.sample_id, s.sample_no, s.sample_name, s.state, si.seq, si.name, si.unit, "
    "si.limit_text, si.method, si.interval, si.decimals, si.lod, si.loq, si.test_method, "
    "si.factor, si.rounding, si.screening, "  # the rule's issue-14 columns (item_rule)
    "r.id AS result_id, r.text AS result_text, r.rounded, r.verdict, r.display, "
    "r.explanation_zh, r.explanation_en, r.attempt, r.kind, r.instrument "
    "FROM sample_items si JOIN samples s ON s.id = si.sample_id "
    "LEFT JOIN results r ON r.id = ("
    "  SELECT max(r2.id) FROM results r2"
    "  WHERE r2.sample_item_id = si.id AND r2.superseded_by IS NULL) "
)


def item_rows(db: Database, ids: Sequence[int]) -> dict[int, dict[str, Any]]:
    """Frozen item + its current result, keyed by sample_item id."""
    if not ids:
        return {}
    marks = ", ".join("?" * len(ids))
    rows = db.query(f"{ITEM_SELECT} WHERE si.id IN ({marks})", list(ids))
    return {int(r["id"]): dict(r) for r in rows}


def limit_texts(db: Database, ids: Sequence[int]) -> list[str]:
    """The distinct limits of these sample items (the grid sizes its plan-unit columns
    from them). The ids travel as one JSON parameter, so any number fits."""
    if not ids:
        return []
    rows = db.query(
        "SELECT DISTINCT limit_text FROM sample_items WHERE id IN (SELECT value FROM json_each(?))",
        [json.dumps(list(ids))],
    )
    return [str(r[0] or "") for r in rows]


def sample_item_ids(db: Database, sample_id: int) -> list[int]:
    """Mode A: the items of one sample in form order (a sample has tens, not millions)."""
    return [i for i, _ in sample_item_limits(db, sample_id)]


def sample_item_limits(db: Database, sample_id: int) -> list[tuple[int, str]]:
    """Mode A's (id, limit) pairs: the limits size the plan-unit columns."""
    rows = db.query(
        f"SELECT id, limit_text FROM sample_items WHERE sample_id = ? AND {live_item()} "
        "ORDER BY seq, id",
        (sample_id,),
    )
    return [(int(r[0]), str(r[1] or "")) for r in rows]


def item_across_samples_page(
    db: Database,
    item_name: str,
    category_code: str,
    before_id: int | None,
    limit: int | None = None,
    states: tuple[str, ...] = ENTRY_STATES,
) -> list[int]:
    """Mode B: sample_item ids of one item across samples (newest first), a page at a time."""
    page = item_page_limits(db, item_name, category_code, before_id, limit, states)
    return [i for i, _ in page]


def item_page_limits(
    db: Database,
    item_name: str,
    category_code: str,
    before_id: int | None,
    limit: int | None = None,
    states: tuple[str, ...] = ENTRY_STATES,
) -> list[tuple[int, str]]:
    """Mode B's page as (id, limit) pairs (the limits size the plan-unit columns).

    The sample conditions sit in a correlated EXISTS so SQLite walks sample_items by
    rowid backwards and stops after `limit` hits; a JOIN made it build a Bloom filter
    over every sample first (8× slower on a 1,000,000-result database).
    """
    sample_clauses = ["s.id = si.sample_id"]
    params: list[Any] = [item_name]
    if before_id is not None:
        params.append(before_id)
    if category_code:
        sample_clauses.append("s.category_code = ?")
        params.append(category_code)
    if states:
        sample_clauses.append(f"s.state IN ({', '.join('?' * len(states))})")
        params.extend(states)
    rows = db.query(
        f"SELECT si.id, si.limit_text FROM sample_items si WHERE si.name = ? AND {live_item('si')} "
        + ("AND si.id < ? " if before_id is not None else "")
        + f"AND EXISTS (SELECT 1 FROM samples s WHERE {' AND '.join(sample_clauses)}) "
        "ORDER BY si.id DESC LIMIT ?",
        [*params, limit or PAGE_SIZE],
    )
    return [(int(r[0]), str(r[1] or "")) for r in rows]


def item_choices(db: Database) -> list[tuple[str, str, str]]:
    """(category code, category name, item name) pairs that samples awaiting results have."""
    marks = ", ".join("?" * len(ENTRY_STATES))
    rows = db.query(
        "SELECT DISTINCT s.category_code, coalesce(c.name, s.category_code) AS category_name, "
        "si.name FROM sample_items si JOIN samples s ON s.id = si.sample_id "
        "LEFT JOIN lib_categories c ON c.code = s.category_code "
        f"WHERE s.state IN ({marks}) AND {live_item('si')} ORDER BY s.category_code, si.name",
        list(ENTRY_STATES),
    )
    return [(str(r[0]), str(r[1]), str(r[2])) for r in rows]


def sample_by_no(db: Database, sample_no: str) -> dict[str, Any] | None:
    row = db.query_one(
        "SELECT id, sample_no, sample_name, state FROM samples WHERE sample_no = ?",
        (sample_no.strip(),),
    )
    return dict(row) if row is not None else None


def sample_brief(db: Database, sample_id: int) -> dict[str, Any] | None:
    row = db.query_one(
        "SELECT s.id, s.sample_no, s.sample_name, s.state, s.category_code, s.sampling_date, "
        "e.name AS enterprise_name FROM samples s "
        "LEFT JOIN enterprises e ON e.id = s.enterprise_id WHERE s.id = ?",
        (sample_id,),
    )
    return dict(row) if row is not None else None
