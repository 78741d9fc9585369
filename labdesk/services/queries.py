"""Read-side queries for the UI, batch export and reports (no writes, no permissions).

The sample grid is lazy: `sample_ids(db, filter)` returns only ids (cheap even for
50,000 samples) and `sample_rows(db, ids)` fetches the visible page's columns. Every
function takes anything with `query()` — the writer `Database` or an `open_reader` one.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from labdesk.core.errors import NotFound
from labdesk.store.db import Database
from labdesk.store.schema import AUDITED_TABLES, SAMPLE_STATES, live_item


@dataclass(frozen=True)
class SampleFilter:
    states: tuple[str, ...] = ()
    text: str = ""  # sample number / name / enterprise name or code, substring
    category_code: str = ""
    enterprise_id: int | None = None
    task_id: int | None = None
    sampled_from: date | None = None
    sampled_to: date | None = None


def _where(flt: SampleFilter) -> tuple[str, list[Any]]:
    clauses: list[str] = []
    params: list[Any] = []
    if flt.states:
        unknown = set(flt.states) - set(SAMPLE_STATES)
        if unknown:
            from labdesk.core.errors import ValidationError

            raise ValidationError(
                "state", "one_of", f"unknown state(s): {', '.join(sorted(unknown))}"
            )
        clauses.append(f"s.state IN ({','.join('?' * len(flt.states))})")
        params.extend(flt.states)
    if flt.text.strip():
        needle = (
            "%"
            + flt.text.strip().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
            + "%"
        )
        clauses.append(
            "(s.sample_no LIKE ? ESCAPE '\\' OR s.sample_name LIKE ? ESCAPE '\\' "
            "OR e.name LIKE ? ESCAPE '\\' OR e.uscc LIKE ? ESCAPE '\\')"
        )
        params.extend([needle] * 4)
    if flt.category_code:
        clauses.append("s.category_code = ?")
        params.append(flt.category_code)
    if flt.enterprise_id is not None:
        clauses.append("s.enterprise_id = ?")
        params.append(flt.enterprise_id)
    if flt.task_id is not None:
        clauses.append("s.task_id = ?")
        params.append(flt.task_id)
    if flt.sampled_from is not None:
        clauses.append("s.sampling_date >= ?")
        params.append(flt.sampled_from.isoformat())
    if flt.sampled_to is not None:
        clauses.append("s.sampling_date <= ?")
        params.append(flt.sampled_to.isoformat())
    return (" WHERE " + " AND ".join(clauses)) if clauses else "", params


def sample_ids(db: Database, flt: SampleFilter | None = None) -> list[int]:
    """Ids of matching samples, newest first."""
    where, params = _where(flt or SampleFilter())
    rows = db.query(
        f"SELECT s.id FROM samples s LEFT JOIN enterprises e ON e.id = s.enterprise_id{where} "
        "ORDER BY s.id DESC",
        params,
    )
    return [int(r[0]) for r in rows]


_ROW_SQL = (
    "SELECT s.id, s.sample_no, s.sample_name, s.category_code, s.sampling_date, s.state, "
    "s.conclusion_code, s.conclusion_label, s.failing_items, s.report_due_date, "
    "s.received_date, e.name AS enterprise_name, e.uscc AS enterprise_uscc, "
    "e.region_code AS region_code, t.task_no AS task_no "
    "FROM samples s LEFT JOIN enterprises e ON e.id = s.enterprise_id "
    "LEFT JOIN tasks t ON t.id = s.task_id WHERE s.id IN ({marks})"
)


def sample_rows(db: Database, ids: Sequence[int]) -> list[dict[str, Any]]:
    """Grid rows for `ids`, in the order given (unknown ids are skipped)."""
    found: dict[int, dict[str, Any]] = {}
    for start in range(0, len(ids), 500):
        chunk = list(ids[start : start + 500])
        for row in db.query(_ROW_SQL.format(marks=",".join("?" * len(chunk))), chunk):
            data = dict(row)
            failing = json.loads(data.pop("failing_items") or "[]")
            data["failing_items"] = failing
            data["failing_count"] = len(failing)
            found[int(data["id"])] = data
    return [found[i] for i in ids if i in found]


def count_by_state(db: Database) -> dict[str, int]:
    counts = dict.fromkeys(SAMPLE_STATES, 0)
    for row in db.query("SELECT state, count(*) FROM samples GROUP BY state"):
        counts[str(row[0])] = int(row[1])
    return counts


def sample_detail(db: Database, sample_id: int) -> dict[str, Any]:
    """All form fields plus the enterprise and task (samplers as a list)."""
    row = db.query_one("SELECT * FROM samples WHERE id = ?", (sample_id,))
    if row is None:
        raise NotFound(f"sample #{sample_id} does not exist (样品不存在)")
    data = dict(row)
    data["samplers"] = json.loads(data["samplers"] or "[]")
    data["failing_items"] = json.loads(data["failing_items"] or "[]")
    data["sealed"] = bool(data["sealed"])
    data["unit_acknowledged"] = bool(data["unit_acknowledged"])
    data["unit_refused_sign"] = bool(data.get("unit_refused_sign"))
    enterprise = (
        db.query_one("SELECT * FROM enterprises WHERE id = ?", (data["enterprise_id"],))
        if data["enterprise_id"] is not None
        else None
    )
    task = (
        db.query_one("SELECT * FROM tasks WHERE id = ?", (data["task_id"],))
        if data["task_id"] is not None
        else None
    )
    data["enterprise"] = dict(enterprise) if enterprise else None
    data["task"] = dict(task) if task else None
    return data


def sample_id_by_no(db: Database, sample_no: str) -> int:
    value = db.scalar("SELECT id FROM samples WHERE sample_no = ?", (sample_no.strip(),))
    if value is None:
        raise NotFound(f"no sample numbered {sample_no} (样品编号不存在)")
    return int(value)


def _user_names(db: Database) -> dict[int, str]:
    return {int(r[0]): str(r[1]) for r in db.query("SELECT id, username FROM users")}


def sample_items_with_results(
    db: Database, sample_id: int, *, withdrawn: bool = False
) -> list[dict[str, Any]]:
    """Frozen items in order, each with `current` (result dict or None) and `history`
    (superseded results, oldest first). Result dicts carry `entered_by_name`. Items
    withdrawn from the sample are left out unless `withdrawn` (the full record)."""
    live = "" if withdrawn else f" AND {live_item()}"
    items = [
        dict(r)
        for r in db.query(
            f"SELECT * FROM sample_items WHERE sample_id = ?{live} ORDER BY seq", (sample_id,)
        )
    ]
    if not items:
        return []
    names = _user_names(db)
    by_item: dict[int, list[dict[str, Any]]] = {int(i["id"]): [] for i in items}
    rows = db.query(
        "SELECT r.* FROM results r JOIN sample_items i ON i.id = r.sample_item_id "
        "WHERE i.sample_id = ? ORDER BY r.id",
        (sample_id,),
    )
    for row in rows:
        data = dict(row)
        data["entered_by_name"] = names.get(int(data["entered_by"]), "")
        data["report_only"] = bool(data["report_only"])
        by_item[int(data["sample_item_id"])].append(data)
    for item in items:
        results = by_item[int(item["id"])]
        item["current"] = next((r for r in results if r["superseded_by"] is None), None)
        item["history"] = [r for r in results if r["superseded_by"] is not None]
        item["sample_data"] = bool(item["sample_data"])
    return items


def review_queue(db: Database, state: str = "submitted") -> list[int]:
    """Samples awaiting review (or approval: state='reviewed'), exceptions first:
    failing conclusions, then samples with corrected or retested results, then the rest
    (oldest first within each group)."""
    rows = db.query(
        "SELECT s.id, s.conclusion_code = 'fail' AS failing, EXISTS ("
        " SELECT 1 FROM results r JOIN sample_items i ON i.id = r.sample_item_id"
        " WHERE i.sample_id = s.id AND (r.kind != 'entry' OR r.superseded_by IS NOT NULL)"
        ") AS edited, s.conclusion_code = 'not_judged' AS undecided "
        "FROM samples s WHERE s.state = ? "
        "ORDER BY failing DESC, edited DESC, undecided DESC, s.id",
        (state,),
    )
    return [int(r[0]) for r in rows]


def _record_ids(db: Database, sample_id: int) -> dict[str, list[int]]:
    items = [
        int(r[0]) for r in db.query("SELECT id FROM sample_items WHERE sample_id = ?", (sample_id,))
    ]
    results: list[int] = []
    for start in range(0, len(items), 500):
        chunk = items[start : start + 500]
        results.extend(
            int(r[0])
            for r in db.query(
                f"SELECT id FROM results WHERE sample_item_id IN ({','.join('?' * len(chunk))})",
                chunk,
            )
        )
    events = [
        int(r[0])
        for r in db.query("SELECT id FROM sample_events WHERE sample_id = ?", (sample_id,))
    ]
    return {
        "samples": [sample_id],
        "sample_items": items,
        "results": results,
        "sample_events": events,
    }


def _decode(text: str | None) -> Any:
    return None if text is None else json.loads(text)


def sample_history(db: Database, sample_id: int) -> list[dict[str, Any]]:
    """Audit entries of the sample, its items, results and events, in order:
    seq, at_utc, at_offset, user_id, username, action, table, record_id, field, old, new
    (decoded JSON), reason."""
    if db.scalar("SELECT 1 FROM samples WHERE id = ?", (sample_id,)) is None:
        raise NotFound(f"sample #{sample_id} does not exist (样品不存在)")
    entries: list[dict[str, Any]] = []
    for table, ids in _record_ids(db, sample_id).items():
        assert table in AUDITED_TABLES
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            for row in db.query(
                "SELECT seq, at_utc, at_offset, user_id, username, action, table_name, "
                "record_id, field, old_value, new_value, reason FROM audit_log "
                f"WHERE table_name = ? AND record_id IN ({','.join('?' * len(chunk))})",
                [table, *chunk],
            ):
                entries.append(
                    {
                        "seq": int(row["seq"]),
                        "at_utc": row["at_utc"],
                        "at_offset": row["at_offset"],
                        "user_id": row["user_id"],
                        "username": row["username"],
                        "action": row["action"],
                        "table": row["table_name"],
                        "record_id": int(row["record_id"]),
                        "field": row["field"],
                        "old": _decode(row["old_value"]),
                        "new": _decode(row["new_value"]),
                        "reason": row["reason"],
                    }
                )
    entries.sort(key=lambda e: e["seq"])
    return entries


def sample_events(db: Database, sample_id: int) -> list[dict[str, Any]]:
    names = _user_names(db)
    rows = db.query("SELECT * FROM sample_events WHERE sample_id = ? ORDER BY id", (sample_id,))
    out = []
    for row in rows:
        data = dict(row)
        data["username"] = (
            names.get(int(data["user_id"]), "") if data["user_id"] is not None else "system"
        )
        out.append(data)
    return out


def approved_unexported_samples(
    db: Database,
    *,
    task_no: str | None = None,
    date_from: date | None = None,
    date_to: date | None = None,
) -> list[int]:
    """Approved samples not yet in an export batch, oldest first; optionally only those
    of task `task_no` and sampled between `date_from` and `date_to` (inclusive)."""
    sql = "SELECT s.id FROM samples AS s"
    where = ["s.state = 'approved'"]
    params: list[Any] = []
    if task_no is not None:
        sql += " JOIN tasks AS t ON t.id = s.task_id"
        where.append("t.task_no = ?")
        params.append(task_no)
    if date_from is not None:
        where.append("s.sampling_date >= ?")
        params.append(date_from.isoformat())
    if date_to is not None:
        where.append("s.sampling_date <= ?")
        params.append(date_to.isoformat())
    return [int(r[0]) for r in db.query(f"{sql} WHERE {' AND '.join(where)} ORDER BY s.id", params)]


def sample_export_record(db: Database, sample_id: int) -> dict[str, Any]:
    """Everything a signed batch carries about one sample, as plain JSON-able values:
    the form (with enterprise and task), frozen items with current and superseded results,
    the conclusion, workflow events (with usernames) and the sample's audit entries."""
    detail = sample_detail(db, sample_id)
    items = sample_items_with_results(db, sample_id, withdrawn=True)
    centre = db.query_one("SELECT name, code, region_code FROM centre WHERE id = 1")
    return {
        "sample": {k: v for k, v in detail.items() if k not in ("enterprise", "task")},
        "enterprise": detail["enterprise"],
        "task": detail["task"],
        "centre": dict(centre) if centre else None,
        "items": items,
        "conclusion": {
            "code": detail["conclusion_code"],
            "label_zh": detail["conclusion_label"],
            "sentence_zh": detail["conclusion_zh"],
            "sentence_en": detail["conclusion_en"],
            "failing_items": detail["failing_items"],
        },
        "events": sample_events(db, sample_id),
        "audit": sample_history(db, sample_id),
    }


def audit_head(db: Database) -> tuple[int, str]:
    """(last seq, last hash) of the audit chain — to put in export manifests."""
    row = db.query_one("SELECT seq, hash FROM audit_head WHERE id = 1")
    return (0, "0" * 64) if row is None else (int(row[0]), str(row[1]))
