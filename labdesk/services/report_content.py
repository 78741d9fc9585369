"""A report's canonical content: its class and items as printed, in one byte form (Qt-free).

The signed payload of a report carries the SM3 digest of these bytes, the PDF carries
the bytes themselves, and the report's item table is printed from them: so what is
printed, what is digested and what a verifier recomputes are one thing.

    {"format":"labdesk-report-content/1","items":[{"limit":"≤0.2","method":"GB 5009.12",
     "name":"铅","result":"0.35","seq":1,"unit":"mg/kg","verdict":"不合格"}],
     "report":"HF01-2026-000001","report_class":"一般不合格报告","version":1}

`report_class` is the 报告类别 the approver confirmed (printed on the report; "" when
none was chosen for a not-judged report).

JSON, UTF-8, keys sorted, no insignificant spaces (`ensure_ascii=False`), no final
newline. Every value is the stored text (limits and results as typed or as the judgement
displayed them), never a number re-formatted.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from labdesk.core.errors import ValidationError
from labdesk.core.item_kinds import split_sum
from labdesk.core.limits import parse_limit
from labdesk.signing import sm3_digest
from labdesk.store.protocol import Store

FORMAT = "labdesk-report-content/1"
PASS = "合格"
FAIL = "不合格"
#: Verdict printed for items the standard asks only to report (no limit to judge).
REPORT_ONLY = "—"
NOT_TESTED = "未检"
VERDICT_LABEL = {"pass": PASS, "fail": FAIL, "not_judged": REPORT_ONLY}


@dataclass(frozen=True)
class ContentItem:
    seq: int
    name: str
    unit: str
    limit: str
    result: str
    verdict: str
    method: str

    def as_dict(self) -> dict[str, Any]:
        return {
            "seq": self.seq,
            "name": self.name,
            "unit": self.unit,
            "limit": self.limit,
            "result": self.result,
            "verdict": self.verdict,
            "method": self.method,
        }


def _text(value: Any) -> str:
    return "" if value is None else str(value)


def item_rows(db: Store, sample_id: int) -> list[Any]:
    """The frozen items with their current results (and who entered them, when)."""
    return db.query(
        # r.*: text, display, verdict, entered_at, and `converted` where the schema has
        # it (r.entered_by is the user's id; `entered_by_name` the name).
        "SELECT si.seq, si.name, si.unit, si.limit_text, si.test_method, si.standard_no, "
        "si.standard_year, r.*, coalesce(u.display_name, u.username, '') AS entered_by_name "
        "FROM sample_items AS si LEFT JOIN results AS r "
        "ON r.sample_item_id = si.id AND r.superseded_by IS NULL "
        "LEFT JOIN users AS u ON u.id = r.entered_by WHERE si.sample_id = ? ORDER BY si.seq",
        (sample_id,),
    )


def _optional(row: Any, name: str) -> str:
    try:
        return _text(row[name])
    except (KeyError, IndexError):  # a database before schema 10
        return ""


def _printed(row: Any) -> tuple[str, str]:
    """(result, unit) as the report prints them (issue 14): a converted result in the
    limit's unit, saying what it was converted from; a sum with its components; a plan's
    every unit (its display lists them). Anything else exactly as displayed."""
    result = _text(row["display"]) or _text(row["text"]) or "—"
    unit = str(row["unit"])
    converted = _optional(row, "converted")
    if converted:
        result = f"{result}（{converted}）"
        unit = _limit_unit(str(row["limit_text"])) or unit
    elif row["verdict"] is not None and split_sum(_text(row["text"])) is not None:
        result = f"{result}（{_text(row['text']).strip()}）"
    return result, unit


def _limit_unit(limit_text: str) -> str:
    try:
        return parse_limit(limit_text).unit
    except ValidationError:
        return ""


def items_from_rows(rows: list[Any]) -> list[ContentItem]:
    items = []
    for r in rows:
        result, unit = _printed(r)
        items.append(
            ContentItem(
                seq=int(r["seq"]),
                name=str(r["name"]),
                unit=unit,
                limit=str(r["limit_text"]),
                result=result,
                verdict=VERDICT_LABEL.get(_text(r["verdict"]), NOT_TESTED),
                method=str(r["test_method"]),
            )
        )
    return items


def current_items(db: Store, sample_id: int) -> list[ContentItem]:
    return items_from_rows(item_rows(db, sample_id))


def canonical(
    report_no: str, version: int, items: list[ContentItem], *, report_class: str
) -> bytes:
    value = {
        "format": FORMAT,
        "report": report_no,
        "report_class": report_class,
        "version": version,
        "items": [item.as_dict() for item in items],
    }
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode(
        "utf-8"
    )


def digest(content: bytes) -> str:
    """SM3 of the canonical bytes, 64 lower-case hex digits."""
    return sm3_digest(content).hex()


@dataclass(frozen=True)
class Content:
    report_class: str
    items: list[ContentItem]


def parse(content: str | bytes) -> Content:
    """The class and items of stored canonical content (ValueError if it is not that)."""
    value = json.loads(content)
    if (
        not isinstance(value, dict)
        or value.get("format") != FORMAT
        or not isinstance(value.get("report_class"), str)
    ):
        raise ValueError("not labdesk-report-content/1")
    items = [
        ContentItem(
            seq=int(i["seq"]),
            name=str(i["name"]),
            unit=str(i["unit"]),
            limit=str(i["limit"]),
            result=str(i["result"]),
            verdict=str(i["verdict"]),
            method=str(i["method"]),
        )
        for i in value["items"]
    ]
    return Content(report_class=str(value["report_class"]), items=items)
