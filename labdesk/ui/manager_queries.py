"""Read-only queries behind the audit and standards screens (keyset pages, searches).

Reads only: every change goes through `labdesk.services`. The audit trail is paged by
its sequence number (`seq < last`, newest first), never OFFSET, so scrolling deep into
a long trail costs what the first page costs.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, timezone
from typing import Any, Protocol


class Reader(Protocol):
    def query(self, sql: str, params: Sequence[Any] | dict[str, Any] = ...) -> list[Any]: ...


# ----- audit trail -----------------------------------------------------------------------


@dataclass(frozen=True)
class AuditQuery:
    """Which audit entries to list. Empty/None fields mean "any".

    `sample_id` matches the sample's own row and everything recorded about it (its items,
    results and workflow events). Dates are local calendar days, inclusive.
    """

    sample_id: int | None = None
    username: str = ""
    action: str = ""
    date_from: date | None = None
    date_to: date | None = None


def _utc_text(day: date, *, next_day: bool = False) -> str:
    """The UTC instant (as stored: ISO text) at which local day `day` starts."""
    if next_day:
        day = day + timedelta(days=1)
    local = datetime.combine(day, time(0, 0)).astimezone()
    return local.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S")


def audit_where(query: AuditQuery) -> tuple[str, list[Any]]:
    clauses: list[str] = []
    params: list[Any] = []
    if query.sample_id is not None:
        sid = query.sample_id
        clauses.append(
            "((table_name = 'samples' AND record_id = ?) "
            "OR (table_name = 'sample_items' AND record_id IN "
            "(SELECT id FROM sample_items WHERE sample_id = ?)) "
            "OR (table_name = 'results' AND record_id IN (SELECT r.id FROM results AS r "
            "JOIN sample_items AS si ON si.id = r.sample_item_id WHERE si.sample_id = ?)) "
            "OR (table_name = 'sample_events' AND record_id IN "
            "(SELECT id FROM sample_events WHERE sample_id = ?)))"
        )
        params.extend((sid, sid, sid, sid))
    if query.username:
        clauses.append("username = ?")
        params.append(query.username)
    if query.action:
        clauses.append("action = ?")
        params.append(query.action)
    if query.date_from is not None:
        clauses.append("at_utc >= ?")
        params.append(_utc_text(query.date_from))
    if query.date_to is not None:
        clauses.append("at_utc < ?")
        params.append(_utc_text(query.date_to, next_day=True))
    return (" AND ".join(clauses) or "1"), params


AUDIT_COLUMNS = (
    "seq, at_utc, at_offset, username, action, table_name, record_id, field, "
    "old_value, new_value, reason"
)


def audit_page(
    db: Reader, query: AuditQuery, before_seq: int | None, limit: int
) -> list[dict[str, Any]]:
    """Up to `limit` entries matching `query`, newest first, older than `before_seq`."""
    where, params = audit_where(query)
    if before_seq is not None:
        where += " AND seq < ?"
        params.append(before_seq)
    rows = db.query(
        f"SELECT {AUDIT_COLUMNS} FROM audit_log WHERE {where} ORDER BY seq DESC LIMIT ?",
        [*params, limit],
    )
    return [dict(r) for r in rows]


def audit_actions(db: Reader) -> list[str]:
    return [str(r[0]) for r in db.query("SELECT DISTINCT action FROM audit_log ORDER BY 1")]


def audit_usernames(db: Reader) -> list[str]:
    """Everyone who can appear in the trail: the users plus the program itself."""
    names = [str(r[0]) for r in db.query("SELECT username FROM users ORDER BY username")]
    return [*names, "system"] if "system" not in names else names


def value_text(raw: str | None, limit: int = 200) -> str:
    """An audit value (JSON text) as a person reads it: strings bare, null as ∅."""
    if raw is None:
        return ""
    try:
        value = json.loads(raw)
    except ValueError:
        return raw
    if value is None:
        return "∅"
    if isinstance(value, str):
        text = value
    elif isinstance(value, dict):
        text = ", ".join(f"{k}={_scalar(v)}" for k, v in value.items() if v not in (None, ""))
    else:
        text = json.dumps(value, ensure_ascii=False)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _scalar(value: Any) -> str:
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False)


def local_time(at_utc: str, at_offset: str) -> str:
    """The entry's instant in the recording workstation's local time, with its offset."""
    try:
        moment = datetime.fromisoformat(at_utc.replace("Z", "+00:00"))
        sign = -1 if at_offset.startswith("-") else 1
        hours, minutes = at_offset.lstrip("+-").split(":")
        offset = timezone(sign * timedelta(hours=int(hours), minutes=int(minutes)))
    except ValueError:
        return at_utc
    return moment.astimezone(offset).strftime("%Y-%m-%d %H:%M:%S ") + at_offset


# ----- standards library -------------------------------------------------------------------


@dataclass(frozen=True)
class StandardRow:
    number: str
    year: str
    title: str
    effective_from: str
    abolished_from: str
    sample_data: bool
    categories: list[tuple[str, str, int]]  # (code, name, items)

    @property
    def key(self) -> str:
        return f"{self.number}-{self.year}" if self.year else self.number


def _like(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _item_search(text: str) -> tuple[str, list[Any]]:
    text = text.strip()
    if not text:
        return "", []
    like = _like(text)
    return (
        " AND (i.name LIKE ? ESCAPE '\\' OR i.name_en LIKE ? ESCAPE '\\' "
        "OR i.standard_no LIKE ? ESCAPE '\\' OR i.standard_title LIKE ? ESCAPE '\\' "
        "OR c.name LIKE ? ESCAPE '\\' OR i.category_code LIKE ? ESCAPE '\\' "
        "OR i.test_method LIKE ? ESCAPE '\\')",
        [like] * 7,
    )


_ITEMS_FROM = (
    "FROM lib_items AS i LEFT JOIN lib_categories AS c ON c.code = i.category_code "
    "WHERE i.active = 1"
)


def standards(db: Reader, text: str = "") -> list[StandardRow]:
    """Active standard versions → their categories (with item counts) matching `text`."""
    cond, params = _item_search(text)
    rows = db.query(
        "SELECT i.standard_no, i.standard_year, max(i.standard_title) AS title, "
        "min(coalesce(i.effective_from, '')) AS eff, max(coalesce(i.abolished_from, '')) AS ab, "
        "max(i.sample_data) AS sd, i.category_code, coalesce(max(c.name), i.category_code) "
        f"AS cname, count(*) AS n {_ITEMS_FROM}{cond} "
        "GROUP BY i.standard_no, i.standard_year, i.category_code "
        "ORDER BY i.standard_no, i.standard_year, i.category_code",
        params,
    )
    out: list[StandardRow] = []
    for r in rows:
        number, year = str(r["standard_no"]), str(r["standard_year"] or "")
        if not out or (out[-1].number, out[-1].year) != (number, year):
            out.append(
                StandardRow(
                    number, year, str(r["title"] or ""), str(r["eff"]), str(r["ab"]),
                    bool(r["sd"]), [],
                )
            )  # fmt: skip
        out[-1].categories.append((str(r["category_code"]), str(r["cname"]), int(r["n"])))
    return out


def library_items(
    db: Reader,
    text: str = "",
    *,
    standard: tuple[str, str] | None = None,
    category_code: str | None = None,
) -> list[dict[str, Any]]:
    """Active items matching the search, narrowed to a standard version and/or category."""
    cond, params = _item_search(text)
    if standard is not None:
        cond += " AND i.standard_no = ? AND i.standard_year = ?"
        params.extend(standard)
    if category_code is not None:
        cond += " AND i.category_code = ?"
        params.append(category_code)
    rows = db.query(
        "SELECT i.*, coalesce(c.name, i.category_code) AS category_name "
        f"{_ITEMS_FROM}{cond} ORDER BY i.standard_no, i.standard_year, i.category_code, i.seq",
        params,
    )
    return [dict(r) for r in rows]


# ----- export batches ------------------------------------------------------------------------


@dataclass(frozen=True)
class BatchRow:
    """One exported batch in the list: its record and its samples' conclusion counts."""

    batch_id: int
    sequence: int
    file_name: str
    created_at: str
    created_by: str
    samples: int
    passed: int
    failed: int
    not_judged: int


def exported_batch_rows(db: Reader) -> list[BatchRow]:
    """Every exported batch, newest first, counted in one GROUP BY over the samples.

    (One aggregate for the whole list rather than a summary per batch: the list must open
    at once with hundreds of batches; a batch's full summary is read when it is selected.)
    """
    counts = {
        int(r[0]): (int(r[1]), int(r[2]), int(r[3]), int(r[4]))
        for r in db.query(
            "SELECT export_batch_id, count(*), coalesce(sum(conclusion_code = 'pass'), 0), "
            "coalesce(sum(conclusion_code = 'fail'), 0), "
            "coalesce(sum(conclusion_code NOT IN ('pass', 'fail')), 0) "
            "FROM samples WHERE export_batch_id IS NOT NULL GROUP BY export_batch_id"
        )
    }
    rows = db.query(
        "SELECT b.id, b.sequence, b.file_name, b.created_at, "
        "coalesce(u.display_name, u.username, '') AS by FROM export_batches AS b "
        "LEFT JOIN users AS u ON u.id = b.created_by ORDER BY b.sequence DESC"
    )
    out = []
    for r in rows:
        samples, passed, failed, other = counts.get(int(r["id"]), (0, 0, 0, 0))
        out.append(
            BatchRow(
                int(r["id"]), int(r["sequence"]), str(r["file_name"]), str(r["created_at"]),
                str(r["by"]), samples, passed, failed, other,
            )
        )  # fmt: skip
    return out
