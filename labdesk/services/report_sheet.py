"""What a test report prints about its sample, read from the database (Qt-free).

The sample's fields (受检单位 … 抽样人员), the sign-offs (检验 / 审核 / 批准, who and when)
and the conclusion sentence: `report_content` signs them with the items when a report is
issued, and `reports.data` prints an issued report from that signed content — so what
the reader sees on the report is what the payload's digest covers.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Protocol

from labdesk.core.errors import NotFound


class Reader(Protocol):
    def query(self, sql: str, params: Sequence[Any] | dict[str, Any] = ...) -> list[Any]: ...


def local_date(utc_text: str | None) -> str:
    """The local calendar date of a stored UTC instant ("" when absent)."""
    if not utc_text:
        return ""
    moment = datetime.fromisoformat(utc_text.replace("Z", "+00:00"))
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone().date().isoformat()


def text(value: Any) -> str:
    return "" if value is None else str(value)


_SAMPLE_SQL = (
    "SELECT s.*, coalesce(e.name, '') AS ent_name, coalesce(e.uscc, '') AS ent_uscc, "
    "coalesce(e.address, '') AS ent_address, coalesce(e.legal_rep, '') AS ent_legal_rep, "
    "coalesce(e.contact, '') AS ent_contact, coalesce(e.phone, '') AS ent_phone, "
    "coalesce(t.task_no, '') AS task_no, coalesce(t.source, '') AS task_source, "
    "coalesce(t.category, '') AS task_category, coalesce(c.name, s.category_code) AS cat_name, "
    "coalesce(t.purpose, '') AS task_purpose, "
    "(SELECT r.report_class FROM reports AS r WHERE r.sample_id = s.id "
    "AND r.state = 'current' ORDER BY r.version DESC LIMIT 1) AS report_class "
    "FROM samples AS s LEFT JOIN enterprises AS e ON e.id = s.enterprise_id "
    "LEFT JOIN tasks AS t ON t.id = s.task_id "
    "LEFT JOIN lib_categories AS c ON c.code = s.category_code "
)


def sample_row(db: Reader, sample_no: str | None = None, *, sample_id: int | None = None) -> Any:
    """The sample with its enterprise, task and category names (NotFound when absent)."""
    if sample_id is not None:
        rows = db.query(_SAMPLE_SQL + "WHERE s.id = ?", [sample_id])
    else:
        rows = db.query(_SAMPLE_SQL + "WHERE s.sample_no = ?", [sample_no])
    if not rows:
        raise NotFound(f"没有样品 {sample_no or sample_id} (no sample {sample_no or sample_id})")
    return rows[0]


def samplers(row: Any) -> list[str]:
    try:
        names = json.loads(row["samplers"] or "[]")
    except ValueError:
        return []
    return [str(n) for n in names] if isinstance(names, list) else []


def quantity(qty: Any, unit: Any) -> str:
    return f"{text(qty)}{text(unit)}" if text(qty) else ""


def sample_fields(s: Any, *, category: str, basis: str, report_class: str) -> list[tuple[str, str]]:
    """The report's sample fields, in print order (`s`: a `sample_row`)."""
    return [
        ("受检单位", text(s["ent_name"])),
        ("统一社会信用代码", text(s["ent_uscc"])),
        ("受检单位地址", text(s["ent_address"])),
        ("标称生产者", text(s["producer_name"])),
        ("生产者地址", text(s["producer_address"])),
        ("商标", text(s["brand"])),
        ("规格型号", text(s["spec_model"])),
        (
            "生产日期/批号",
            " / ".join(x for x in (text(s["production_date"]), text(s["batch_no"])) if x),
        ),
        ("产品类别", category),
        ("执行标准", text(s["executive_standard"])),
        ("判定依据", basis),  # the standard versions the frozen items came from
        ("任务来源", text(s["task_source"])),
        ("任务类别", text(s["task_category"])),
        ("检验目的", text(s["task_purpose"])),
        ("报告类别", report_class),
        ("抽样日期", text(s["sampling_date"])),
        ("收样日期", text(s["received_date"])),
        ("抽样数量", quantity(s["sample_qty"], s["qty_unit"])),
        ("抽样单位", text(s["sampling_org"])),
        ("抽样单编号", text(s["sample_no"])),
        ("抽样人员", "、".join(samplers(s))),
    ]


@dataclass(frozen=True)
class Step:
    """Who did one step (检验 / 审核 / 批准) and on which local day."""

    role: str
    name: str
    date: str


def _last_event(db: Reader, sample_id: int, to_state: str) -> Step | None:
    rows = db.query(
        "SELECT coalesce(u.display_name, u.username, '') AS name, ev.at_utc "
        "FROM sample_events AS ev LEFT JOIN users AS u ON u.id = ev.user_id "
        "WHERE ev.sample_id = ? AND ev.to_state = ? "
        "ORDER BY ev.id DESC LIMIT 1",
        [sample_id, to_state],
    )
    if not rows:
        return None
    return Step("", str(rows[0]["name"]), local_date(rows[0]["at_utc"]))


def steps(db: Reader, sample_id: int, item_rows: list[Any]) -> tuple[list[Step], Step | None]:
    """The 检验 / 审核 / 批准 sign-offs (ISO/IEC 17025 7.5.1), and the approval itself.

    `item_rows` are `report_content.item_rows` (who entered each current result, when)."""
    entered = [r for r in item_rows if r["entered_at"]]
    testers = "、".join(dict.fromkeys(str(r["entered_by_name"]) for r in entered))
    tested_on = local_date(max((str(r["entered_at"]) for r in entered), default=None))
    reviewed = _last_event(db, sample_id, "reviewed")
    approved = _last_event(db, sample_id, "approved")
    return [
        Step("检验", testers, tested_on),
        Step("审核", reviewed.name if reviewed else "", reviewed.date if reviewed else ""),
        Step("批准", approved.name if approved else "", approved.date if approved else ""),
    ], approved
