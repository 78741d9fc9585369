"""The units of a sampling-plan item typed so far (`unit_drafts`, schema 13).

A plan item (n=5,c=2,…) is one result of n unit values, judged together once all n are
in. Until then the units typed are kept here, each at once, so a crash or a closed
window loses none; whoever opens the item next (any workstation on a server) sees them
with who typed each. A draft is not a result: only the grid reads this table, nothing
judges, reports, exports or counts it, and `clear` deletes an item's draft in the
transaction that writes its result.

Unaudited working state (see the migration's note in schema.py): plain statements in
a bare transaction, the same SQL on both engines.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from labdesk.store.protocol import Store


@dataclass
class StoredDraft:
    """One item's draft as stored: unit number → value, who typed it and when (UTC)."""

    sample_item_id: int
    limit_text: str
    values: dict[int, str] = field(default_factory=dict)
    typed_by: dict[int, str] = field(default_factory=dict)
    typed_at: dict[int, str] = field(default_factory=dict)


def put(
    conn: sqlite3.Connection,
    sample_item_id: int,
    units: Mapping[int, str],
    user_id: int | None,
    at: str,
) -> None:
    """Stores `units` (number → value; an empty value deletes that unit) of one item, in
    the caller's transaction. Units not named keep what they hold (another workstation
    may have typed them)."""
    for unit, value in sorted(units.items()):
        if value:
            conn.execute(
                "INSERT INTO unit_drafts (sample_item_id, unit, value, typed_by, typed_at) "
                "VALUES (?, ?, ?, ?, ?) ON CONFLICT (sample_item_id, unit) DO UPDATE SET "
                "value = excluded.value, typed_by = excluded.typed_by, "
                "typed_at = excluded.typed_at",
                (sample_item_id, unit, value, user_id, at),
            )
        else:
            conn.execute(
                "DELETE FROM unit_drafts WHERE sample_item_id = ? AND unit = ?",
                (sample_item_id, unit),
            )


def clear(conn: sqlite3.Connection, sample_item_id: int) -> None:
    """Deletes the item's draft (its result is being written in the same transaction)."""
    conn.execute("DELETE FROM unit_drafts WHERE sample_item_id = ?", (sample_item_id,))


def read(db: Store, sample_item_ids: Sequence[int]) -> dict[int, StoredDraft]:
    """The drafts of these items (only those that have one and no result), keyed by item
    id. The ids travel as one JSON parameter, so any number fits in the query."""
    if not sample_item_ids:
        return {}
    rows = db.query(
        "SELECT d.sample_item_id, d.unit, d.value, d.typed_at, si.limit_text, "
        "coalesce(u.display_name, u.username, '') AS typed_by "
        "FROM unit_drafts d JOIN sample_items si ON si.id = d.sample_item_id "
        "LEFT JOIN users u ON u.id = d.typed_by "
        "WHERE d.sample_item_id IN (SELECT value FROM json_each(?)) "
        # A draft left beside a result written another way (an import): that result is
        # the item's now, so the draft is not shown.
        "AND NOT EXISTS (SELECT 1 FROM results r WHERE r.sample_item_id = d.sample_item_id "
        "AND r.superseded_by IS NULL) "
        "ORDER BY d.sample_item_id, d.unit",
        [json.dumps([int(i) for i in sample_item_ids])],
    )
    found: dict[int, StoredDraft] = {}
    for row in rows:
        item_id = int(row["sample_item_id"])
        draft = found.get(item_id)
        if draft is None:
            draft = found[item_id] = StoredDraft(item_id, str(row["limit_text"] or ""))
        unit = int(row["unit"])
        draft.values[unit] = str(row["value"])
        draft.typed_by[unit] = str(row["typed_by"] or "")
        draft.typed_at[unit] = str(row["typed_at"])
    return found
