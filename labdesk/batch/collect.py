"""Reading what a batch carries out of the centre database, in bulk.

One query per table for the whole batch (ids passed as a JSON array through
`json_each`) rather than one call per sample: exporting 10,000 samples stays within a
small factor of a bare SELECT. Everything is read as stored — measured values, limits
and decimals are the TEXT that was typed, never converted to numbers.
"""

from __future__ import annotations

import json
import sqlite3
from collections import Counter
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from labdesk.batch.format import canonical_json, json_lines

_JOINED = (
    "e_uscc", "e_name", "e_address", "e_legal_rep", "e_contact", "e_phone", "e_region_code",
    "t_task_no", "t_source", "t_category", "t_org_level", "t_purpose", "category_name",
    "report_class", "food_class", "food_class_name",
)  # fmt: skip
# Sample columns that are either internal or lifted to the top level of the record.
_SAMPLE_HIDDEN = frozenset(
    {
        "id", "sample_no", "task_id", "enterprise_id", "category_code", "state",
        "conclusion_code", "conclusion_label", "conclusion_zh", "conclusion_en",
        "failing_items", "export_batch_id", "created_by", "report_no", *_JOINED,
    }
)  # fmt: skip
# Internal row ids mean nothing outside this database; everything else goes out as stored.
_ITEM_HIDDEN = frozenset({"id", "sample_id", "lib_item_id"})
_RESULT_HIDDEN = frozenset({"id", "sample_item_id", "entered_by", "superseded_by"})
_AUDIT_FIELDS = (
    "seq", "at_utc", "at_offset", "user_id", "username", "action", "table_name", "record_id",
    "field", "old_value", "new_value", "reason", "prev_hash", "hash",
)  # fmt: skip


def _ids_param(ids: Sequence[int]) -> str:
    return json.dumps(list(ids))


def _rows(conn: sqlite3.Connection, sql: str, params: Sequence[Any]) -> list[dict[str, Any]]:
    """Rows as dicts (zip with the column names: cheaper than sqlite3.Row lookups)."""
    cursor = conn.cursor()
    cursor.row_factory = None
    cursor.execute(sql, params)
    columns = [d[0] for d in cursor.description]
    return [dict(zip(columns, row, strict=True)) for row in cursor.fetchall()]


def _public(row: dict[str, Any], hidden: frozenset[str]) -> dict[str, Any]:
    return {key: value for key, value in row.items() if key not in hidden}


def _verdict(code: str) -> str:
    return code if code in ("pass", "fail") else "not_judged"


@dataclass
class BatchRecords:
    """The JSON-able records of a batch, before serialisation."""

    samples: list[dict[str, Any]] = field(default_factory=list)
    items: list[dict[str, Any]] = field(default_factory=list)
    results: list[dict[str, Any]] = field(default_factory=list)
    audit: list[dict[str, Any]] = field(default_factory=list)
    reports: list[dict[str, Any]] = field(default_factory=list)
    # The audited rows behind these records, by audit_log.table_name (for `iter_audit`).
    audited: dict[str, list[int]] = field(default_factory=dict)

    def extend(self, other: BatchRecords) -> None:
        self.samples += other.samples
        self.items += other.items
        self.results += other.results
        self.audit += other.audit
        self.reports += other.reports
        for table, ids in other.audited.items():
            self.audited.setdefault(table, []).extend(ids)

    def files(self) -> dict[str, bytes]:
        """The data files of /2; audit entries in chain order whatever the read order."""
        self.audit.sort(key=lambda entry: int(entry["seq"]))
        return {
            "samples.jsonl": json_lines(self.samples),
            "items.jsonl": json_lines(self.items),
            "results.jsonl": json_lines(self.results),
            "audit.jsonl": json_lines(self.audit),
            "reports.jsonl": json_lines(self.reports),
            "summary.json": canonical_json(summarise(self.samples)) + b"\n",
        }


def _task_v4_columns(conn: sqlite3.Connection) -> str:
    """The task's level and purpose (schema 4), as '' from a file made before them."""
    names = {d[0] for d in conn.execute("SELECT * FROM tasks LIMIT 0").description}
    return ", ".join(
        f"t.{column} AS t_{column}" if column in names else f"'' AS t_{column}"
        for column in ("org_level", "purpose")
    )


def _food_class_columns(conn: sqlite3.Connection) -> tuple[str, str]:
    """A food sample's class (schema 7, issue 15) as its category: the select columns and
    the join; '' from a file made before the food library."""
    names = {d[0] for d in conn.execute("SELECT * FROM samples LIMIT 0").description}
    if "food_class_code" not in names:
        return "'' AS food_class, '' AS food_class_name", ""
    return (
        "s.food_class_code AS food_class, fc.name AS food_class_name",
        "LEFT JOIN food_classes fc ON fc.code = s.food_class_code ",
    )


def collect_records(
    conn: sqlite3.Connection, sample_ids: Sequence[int], *, audit: bool = True
) -> BatchRecords:
    """The records of a batch holding `sample_ids` (in id order).

    With `audit=False` the audit entries are left out (`audited` still says which rows
    they belong to): an export read in chunks streams them once, in order, by `iter_audit`.
    """
    ids = _ids_param(sorted(sample_ids))
    food_columns, food_join = _food_class_columns(conn)
    samples = _rows(
        conn,
        "SELECT s.*, e.uscc AS e_uscc, e.name AS e_name, e.address AS e_address, "
        "e.legal_rep AS e_legal_rep, e.contact AS e_contact, e.phone AS e_phone, "
        "e.region_code AS e_region_code, t.task_no AS t_task_no, t.source AS t_source, "
        f"t.category AS t_category, {_task_v4_columns(conn)}, c.name AS category_name, "
        f"{food_columns}, "
        "(SELECT r.report_class FROM reports r WHERE r.sample_id = s.id AND r.state = 'current' "
        "ORDER BY r.version DESC LIMIT 1) AS report_class "
        "FROM samples s LEFT JOIN enterprises e ON e.id = s.enterprise_id "
        "LEFT JOIN tasks t ON t.id = s.task_id "
        "LEFT JOIN lib_categories c ON c.code = s.category_code "
        f"{food_join}"
        "WHERE s.id IN (SELECT value FROM json_each(?)) ORDER BY s.id",
        (ids,),
    )
    sample_no = {row["id"]: row["sample_no"] for row in samples}
    items = _rows(
        conn,
        "SELECT * FROM sample_items WHERE sample_id IN (SELECT value FROM json_each(?)) "
        "ORDER BY sample_id, seq",
        (ids,),
    )
    item_ids = _ids_param([row["id"] for row in items])
    item_key = {row["id"]: (sample_no[row["sample_id"]], row["seq"]) for row in items}
    results = _rows(
        conn,
        "SELECT r.*, u.username AS entered_by_name FROM results r "
        "LEFT JOIN users u ON u.id = r.entered_by "
        "WHERE r.sample_item_id IN (SELECT value FROM json_each(?)) ORDER BY r.id",
        (item_ids,),
    )
    events = _rows(
        conn,
        "SELECT ev.*, u.username FROM sample_events ev LEFT JOIN users u ON u.id = ev.user_id "
        "WHERE ev.sample_id IN (SELECT value FROM json_each(?)) ORDER BY ev.id",
        (ids,),
    )
    reports, report_ids = report_records(conn, sample_ids, ())
    audited = {
        "samples": sorted(sample_ids),
        "sample_items": [row["id"] for row in items],
        "results": [row["id"] for row in results],
        "sample_events": [row["id"] for row in events],
        "reports": report_ids,
    }
    audit_records = [row for chunk in iter_audit(conn, audited) for row in chunk] if audit else []

    events_by_sample: dict[int, list[dict[str, Any]]] = {}
    for ev in events:
        events_by_sample.setdefault(ev["sample_id"], []).append(
            {
                "action": ev["action"],
                "from": ev["from_state"],
                "to": ev["to_state"],
                "by": ev["username"],
                "at_utc": ev["at_utc"],
                "reason": ev["reason"],
            }
        )
    sample_records = []
    for row in samples:
        form = _public(row, _SAMPLE_HIDDEN)
        form["samplers"] = json.loads(row["samplers"] or "[]")
        sample_records.append(
            {
                "sample_id": row["sample_no"],
                "form_no": row["sample_no"],
                # 检验报告编号, allocated at approval; None only for a sample approved
                # before report numbers existed (schema 1), which printed no such number.
                "report_no": row["report_no"],
                # 报告类别 the approver confirmed ("" before schema 5 or when none applied).
                "report_class": row["report_class"] or "",
                # A food sample names a food class (its leaf) instead of a flat-library
                # category: HQ and the province count it under that class.
                "category": row["category_name"]
                or row["category_code"]
                or row["food_class_name"]
                or row["food_class"],
                "category_code": row["category_code"] or row["food_class"],
                "sampling_date": row["sampling_date"],
                "verdict": _verdict(row["conclusion_code"]),
                "conclusion_label": row["conclusion_label"],
                "conclusion": row["conclusion_zh"],
                "conclusion_en": row["conclusion_en"],
                "failing_items": json.loads(row["failing_items"] or "[]"),
                "form": form,
                "enterprise": {
                    "uscc": row["e_uscc"],
                    "name": row["e_name"],
                    "address": row["e_address"],
                    "legal_rep": row["e_legal_rep"],
                    "contact": row["e_contact"],
                    "phone": row["e_phone"],
                    "region_code": row["e_region_code"],
                },
                "task": {
                    "task_no": row["t_task_no"],
                    "source": row["t_source"],
                    "category": row["t_category"],
                    # labdesk-batch/2: 国家级/省级/市级/县级 and 检验目的 ('' = not stated)
                    "org_level": row["t_org_level"],
                    "purpose": row["t_purpose"],
                },
                "events": events_by_sample.get(row["id"], []),
            }
        )
    item_records = [
        {"sample_id": sample_no[row["sample_id"]], **_public(row, _ITEM_HIDDEN)} for row in items
    ]
    _name_withdrawers(conn, item_records)
    values = _result_values(conn, [row["id"] for row in results])
    result_records = []
    for row in results:
        owner, seq = item_key[row["sample_item_id"]]
        record = {"sample_id": owner, "item_seq": seq, **_public(row, _RESULT_HIDDEN)}
        record["values"] = values.get(row["id"], [])
        record["entered_by"] = record.pop("entered_by_name")
        record["current"] = row["superseded_by"] is None
        result_records.append(record)
    return BatchRecords(
        sample_records, item_records, result_records, audit_records, reports, audited
    )


def _name_withdrawers(conn: sqlite3.Connection, records: list[dict[str, Any]]) -> None:
    """An item withdrawn from its sample (issue 15) names who withdrew it by username,
    as results name who entered them: a user's row id means nothing outside."""
    ids = {r["withdrawn_by"] for r in records if r.get("withdrawn_by") is not None}
    if not ids:
        return
    names = dict(
        conn.execute(
            "SELECT id, username FROM users WHERE id IN (SELECT value FROM json_each(?))",
            (_ids_param(sorted(ids)),),
        ).fetchall()
    )
    for record in records:
        if record.get("withdrawn_by") is not None:
            record["withdrawn_by"] = names.get(record["withdrawn_by"], "")


def _result_values(
    conn: sqlite3.Connection, result_ids: Sequence[int]
) -> dict[int, list[dict[str, Any]]]:
    """labdesk-batch/3: the values behind each result (result_values, schema 3), by
    result id, in kind and position order."""
    out: dict[int, list[dict[str, Any]]] = {}
    exists = conn.execute(
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'result_values'"
    ).fetchone()
    if not result_ids or exists is None:  # a file from before schema 3 has none
        return out
    rows = conn.execute(
        "SELECT result_id, kind, position, name, text, unit FROM result_values "
        "WHERE result_id IN (SELECT value FROM json_each(?)) ORDER BY result_id, kind, position",
        (_ids_param(result_ids),),
    )
    for result_id, kind, position, name, text, unit in rows:
        out.setdefault(int(result_id), []).append(
            {"kind": kind, "position": position, "name": name, "text": text, "unit": unit}
        )
    return out


_REPORT_CHUNK = 500  # ids per IN (…) list


def report_records(
    conn: sqlite3.Connection, sample_ids: Sequence[int], changed_report_ids: Sequence[int]
) -> tuple[list[dict[str, Any]], list[int]]:
    """The `reports.jsonl` lines of a batch and the report rows they are, in id order:
    every issue of the batch's samples, plus the rows whose state changed after an
    earlier batch carried them (a withdrawal or supersession of a report already sent)."""
    rows: dict[int, dict[str, Any]] = {}
    base = (
        "SELECT r.*, s.sample_no, ui.username AS issued_by_name, "
        "uw.username AS withdrawn_by_name, p.version AS supersedes_version "
        "FROM reports r JOIN samples s ON s.id = r.sample_id "
        "LEFT JOIN users ui ON ui.id = r.issued_by "
        "LEFT JOIN users uw ON uw.id = r.withdrawn_by "
        "LEFT JOIN reports p ON p.id = r.supersedes WHERE "
    )
    for column, ids in (("r.sample_id", sorted(sample_ids)), ("r.id", sorted(changed_report_ids))):
        for start in range(0, len(ids), _REPORT_CHUNK):
            chunk = ids[start : start + _REPORT_CHUNK]
            marks = ", ".join("?" for _ in chunk)
            for row in _rows(conn, f"{base}{column} IN ({marks})", chunk):
                rows[int(row["id"])] = row
    records = []
    for report_id in sorted(rows):
        row = rows[report_id]
        records.append(
            {
                "sample_id": row["sample_no"],
                "report_no": row["report_no"],
                "version": row["version"],
                "kind": row["kind"],
                "state": row["state"],
                "supersedes_version": row["supersedes_version"],
                "reason": row["reason"],
                "report_class": row["report_class"],
                "issued_at": row["issued_at"],
                "issued_by": row["issued_by_name"],
                "payload": row["payload"],
                "content": row["content"],
                "pdf_sha256": row["pdf_sha256"] or None,
                "withdrawn_reason": row["withdrawn_reason"],
                "withdrawn_at": row["withdrawn_at"] or None,
                "withdrawn_by": row["withdrawn_by_name"],
            }
        )
    return records, sorted(rows)


def iter_audit(
    conn: sqlite3.Connection, audited: Mapping[str, Sequence[int]], size: int = 2000
) -> Iterator[list[dict[str, Any]]]:
    """The audit entries of the rows in `audited` (table name → ids), in chain order,
    `size` at a time from one cursor: exactly the _AUDIT_FIELDS columns, as stored."""
    cursor = conn.cursor()
    cursor.row_factory = None
    cursor.execute(
        f"SELECT {', '.join(_AUDIT_FIELDS)} FROM audit_log WHERE "
        "(table_name = 'samples' AND record_id IN (SELECT value FROM json_each(?1))) OR "
        "(table_name = 'sample_items' AND record_id IN (SELECT value FROM json_each(?2))) OR "
        "(table_name = 'results' AND record_id IN (SELECT value FROM json_each(?3))) OR "
        "(table_name = 'sample_events' AND record_id IN (SELECT value FROM json_each(?4))) OR "
        "(table_name = 'reports' AND record_id IN (SELECT value FROM json_each(?5))) "
        "ORDER BY seq",
        tuple(
            _ids_param(audited.get(table, ()))
            for table in ("samples", "sample_items", "results", "sample_events", "reports")
        ),
    )
    while rows := cursor.fetchmany(size):
        yield [dict(zip(_AUDIT_FIELDS, row, strict=True)) for row in rows]


class SummaryCounts:
    """`summarise` fed a piece at a time, so an export need not keep every sample."""

    def __init__(self) -> None:
        self.verdicts: Counter[str] = Counter()
        self.by_category: dict[str, Counter[str]] = {}
        self.failing: Counter[str] = Counter()

    def add(self, samples: Sequence[dict[str, Any]]) -> None:
        self.verdicts.update(s["verdict"] for s in samples)
        for s in samples:
            self.by_category.setdefault(s["category"], Counter())[s["verdict"]] += 1
            self.failing.update(s.get("failing_items") or [])

    def result(self) -> dict[str, Any]:
        verdicts = self.verdicts
        return {
            "samples": sum(verdicts.values()),
            "pass": verdicts["pass"],
            "fail": verdicts["fail"],
            "not_judged": verdicts["not_judged"],
            "by_category": {
                cat: {"pass": c["pass"], "fail": c["fail"], "not_judged": c["not_judged"]}
                for cat, c in sorted(self.by_category.items())
            },
            "failing_items": dict(sorted(self.failing.items())),
        }


def summarise(samples: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """Counts for the batch: totals, by category, failing items (numbers only, no rates)."""
    counts = SummaryCounts()
    counts.add(samples)
    return counts.result()


def count_records(files: dict[str, bytes]) -> dict[str, int]:
    counts = {
        "samples": files["samples.jsonl"].count(b"\n"),
        "items": files["items.jsonl"].count(b"\n"),
        "results": files["results.jsonl"].count(b"\n"),
        "audit_entries": files["audit.jsonl"].count(b"\n"),
    }
    if "reports.jsonl" in files:
        counts["reports"] = files["reports.jsonl"].count(b"\n")
    return counts
