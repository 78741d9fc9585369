"""A report's canonical content: what the report prints, in one byte form (Qt-free).

The signed payload of a report carries the SM3 digest of these bytes, the PDF carries
the bytes themselves, and the report's item table, its 产品类别, 判定依据 and decision rule
are printed from them: so what is printed, what is digested and what a verifier
recomputes are one thing.

    {"basis":"GB 2762-2022","category":"蔬菜及其制品 / 芸薹类蔬菜",
     "decision_rule":"判定规则：……","format":"labdesk-report-content/2",
     "items":[{"limit":"≤0.2","method":"GB 5009.12","name":"铅","result":"0.35","seq":1,
     "sample_data":false,"u":"","unit":"mg/kg","verdict":"不合格"}],
     "report":"HF01-2026-000001","report_class":"一般不合格报告","version":1}

`report_class` is the 报告类别 the approver confirmed (printed on the report; "" when
none was chosen for a not-judged report); `category` the 产品类别 (a food sample's class
path, else the product category's name); `basis` the 判定依据 (the standard versions of
the frozen items, 、-separated); `decision_rule` the rule the conformity statement used
(ISO/IEC 17025 7.8.6); an item's `u` the note printed after its result for an item judged
with a guard band ("（U = 0.02，k = 2）", else ""), its `sample_data` true when its limit is
sample data, not a confirmed official limit (the report marks it and says so); `fields`
the sample's fields as printed, `conclusion` the 检验结论 sentence and `signoffs` the
检验 / 审核 / 批准 steps (`services.report_sheet`). An issued report is printed from this
content alone (besides its number, version, date and QR code, which the payload holds).

JSON, UTF-8, keys sorted, no insignificant spaces (`ensure_ascii=False`), no final
newline. Every value is the stored text (limits and results as typed or as the judgement
displayed them), never a number re-formatted. Reports issued before /2 carry
`labdesk-report-content/1` (items and class only): they keep verifying and are printed
as before, the rest from the database.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field, replace
from typing import Any

from labdesk.core.decision import statement_zh
from labdesk.core.errors import ValidationError
from labdesk.core.item_kinds import split_sum
from labdesk.core.limits import parse_limit
from labdesk.services import report_sheet
from labdesk.services.lab_guards import uncertainty_of
from labdesk.services.report_sheet import Step
from labdesk.signing import sm3_digest
from labdesk.store.protocol import Store
from labdesk.store.schema import live_item

FORMAT_1 = "labdesk-report-content/1"
FORMAT = "labdesk-report-content/2"  # what an issue writes
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
    u: str = ""  # "（U = …，k = 2）" after the result of an item judged with a guard band
    # The limit is sample data (not confirmed against the standard): the report says so.
    sample_data: bool = False

    def as_dict(self) -> dict[str, Any]:
        return {
            "seq": self.seq,
            "name": self.name,
            "unit": self.unit,
            "limit": self.limit,
            "result": self.result,
            "verdict": self.verdict,
            "method": self.method,
            "u": self.u,
            "sample_data": self.sample_data,
        }


def _text(value: Any) -> str:
    return "" if value is None else str(value)


def item_rows(db: Store, sample_id: int) -> list[Any]:
    """The frozen items with their current results (and who entered them, when)."""
    return db.query(
        # r.*: text, display, verdict, entered_at, and `converted` where the schema has
        # it (r.entered_by is the user's id; `entered_by_name` the name).
        "SELECT si.seq, si.name, si.unit, si.limit_text, si.test_method, si.standard_no, "
        "si.standard_year, si.sample_data, r.*, "
        "coalesce(u.display_name, u.username, '') AS entered_by_name "
        "FROM sample_items AS si LEFT JOIN results AS r "
        "ON r.sample_item_id = si.id AND r.superseded_by IS NULL "
        "LEFT JOIN users AS u ON u.id = r.entered_by "
        f"WHERE si.sample_id = ? AND {live_item('si')} ORDER BY si.seq",
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
                sample_data=bool(r["sample_data"]),
            )
        )
    return items


def current_items(db: Store, sample_id: int) -> list[ContentItem]:
    return items_from_rows(item_rows(db, sample_id))


@dataclass(frozen=True)
class Printed:
    """What the report prints besides its items' own columns, from the database."""

    category: str  # 产品类别
    basis: str  # 判定依据
    decision_rule: str
    u_notes: dict[int, str]  # item seq → "（U = …，k = 2）"
    fields: list[tuple[str, str]] = field(default_factory=list)  # the sample's, as printed
    conclusion: str = ""  # the conclusion sentence (检验结论)
    steps: list[Step] = field(default_factory=list)  # 检验 / 审核 / 批准


def food_class_path(db: Store, code: str) -> str:
    """粮食加工品 / 大米 / 大米 / 大米 for a food sample's class (its root left out)."""
    names: list[str] = []
    current: str | None = code
    while current:
        row = db.query_one("SELECT name, parent_code FROM food_classes WHERE code = ?", (current,))
        if row is None:
            break
        names.append(str(row["name"]))
        current = row["parent_code"]
    names.reverse()
    return " / ".join(names[1:] or names) or code


def standards_of(rows: list[Any]) -> list[str]:
    """The standard version of each frozen item ("GB 2762-2022"; a number alone without
    its year), in item order."""
    return [
        f"{r['standard_no']}-{r['standard_year']}" if r["standard_year"] else str(r["standard_no"])
        for r in rows
    ]


def category_of(db: Store, row: Any) -> str:
    """产品类别 of a `report_sheet.sample_row`: a food sample's class path, else the
    product category's name."""
    columns = row.keys()  # (a sqlite3.Row: `in` on the row itself looks at its values)
    food = _text(row["food_class_code"]) if "food_class_code" in columns else ""
    return food_class_path(db, food) if food else _text(row["cat_name"])


def _decision_rule(db: Store, sample_id: int) -> tuple[str, dict[int, str]]:
    """The report states its decision rule whenever it states conformity (ISO/IEC 17025
    7.8.6): simple acceptance unless items were agreed with a guard band, whose U is then
    printed beside the result. Databases older than decision rules: simple acceptance."""
    rows = db.query("SELECT * FROM sample_items WHERE sample_id = ? ORDER BY seq", (sample_id,))
    columns = list(rows[0].keys()) if rows else []
    if "withdrawn_at" in columns:
        rows = [r for r in rows if r["withdrawn_at"] is None]
    if "decision_rule" not in columns:
        return statement_zh("simple"), {}
    guarded = [r for r in rows if r["decision_rule"] == "guard_band"]
    if not guarded:
        return statement_zh("simple"), {}
    notes: dict[int, str] = {}
    for row in guarded:
        result = db.query_one(
            "SELECT text FROM results WHERE sample_item_id = ? AND superseded_by IS NULL",
            (int(row["id"]),),
        )
        if result is None:
            continue
        u = uncertainty_of(db, row, str(result["text"]))  # ND, <x, words: none
        if u is not None:
            notes[int(row["seq"])] = f"（U = {format(u, 'f')}，k = 2）"
    names = "、".join(str(r["name"]) for r in guarded)
    statement = f"{names}：{statement_zh('guard_band')}"
    if len(guarded) < len(rows):
        statement += "；其余项目：" + statement_zh("simple").removeprefix("判定规则：")
    return statement, notes


def printed(
    db: Store, sample_id: int, rows: list[Any] | None = None, *, report_class: str | None = None
) -> Printed:
    """What the sample's report prints now besides its items' columns: 产品类别, 判定依据,
    the decision rule, U notes, the sample's fields, the conclusion and the sign-offs
    (`rows`: its `item_rows`, when already read; `report_class`: the one being issued,
    else the current report's)."""
    items = item_rows(db, sample_id) if rows is None else rows
    statement, notes = _decision_rule(db, sample_id)
    s = report_sheet.sample_row(db, sample_id=sample_id)
    category = category_of(db, s)
    basis = "、".join(dict.fromkeys(x for x in standards_of(items) if x))
    chosen = _text(s["report_class"]) if report_class is None else report_class
    steps, _approved = report_sheet.steps(db, sample_id, items)
    return Printed(
        category=category,
        basis=basis,
        decision_rule=statement,
        u_notes=notes,
        fields=report_sheet.sample_fields(s, category=category, basis=basis, report_class=chosen),
        conclusion=_text(s["conclusion_zh"]),
        steps=steps,
    )


def canonical(
    report_no: str,
    version: int,
    items: list[ContentItem],
    *,
    report_class: str,
    extras: Printed,
) -> bytes:
    value = {
        "format": FORMAT,
        "report": report_no,
        "report_class": report_class,
        "version": version,
        "category": extras.category,
        "basis": extras.basis,
        "decision_rule": extras.decision_rule,
        "fields": [{"label": label, "value": value} for label, value in extras.fields],
        "conclusion": extras.conclusion,
        "signoffs": [{"role": x.role, "name": x.name, "date": x.date} for x in extras.steps],
        "items": [replace(item, u=extras.u_notes.get(item.seq, "")).as_dict() for item in items],
    }
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode(
        "utf-8"
    )


def current_content(
    db: Store, sample_id: int, report_no: str, version: int, report_class: str
) -> bytes:
    """The canonical content of the sample's report as it would be issued now."""
    rows = item_rows(db, sample_id)
    return canonical(
        report_no,
        version,
        items_from_rows(rows),
        report_class=report_class,
        extras=printed(db, sample_id, rows, report_class=report_class),
    )


def digest(content: bytes) -> str:
    """SM3 of the canonical bytes, 64 lower-case hex digits."""
    return sm3_digest(content).hex()


@dataclass(frozen=True)
class Content:
    report_class: str
    items: list[ContentItem]
    # What /2 signs besides the items; None in /1 content (printed from the database).
    category: str | None = None
    basis: str | None = None
    decision_rule: str | None = None
    fields: list[tuple[str, str]] | None = None
    conclusion: str | None = None
    steps: list[Step] | None = None


def parse(content: str | bytes) -> Content:
    """The class, items and (/2) printed context of stored canonical content (ValueError
    if it is not that)."""
    value = json.loads(content)
    if (
        not isinstance(value, dict)
        or value.get("format") not in (FORMAT_1, FORMAT)
        or not isinstance(value.get("report_class"), str)
    ):
        raise ValueError("not labdesk-report-content/1 or /2")
    items = [
        ContentItem(
            seq=int(i["seq"]),
            name=str(i["name"]),
            unit=str(i["unit"]),
            limit=str(i["limit"]),
            result=str(i["result"]),
            verdict=str(i["verdict"]),
            method=str(i["method"]),
            u=str(i.get("u", "")),
            sample_data=i.get("sample_data") is True,
        )
        for i in value["items"]
    ]
    if value["format"] == FORMAT_1:
        return Content(report_class=str(value["report_class"]), items=items)
    return Content(
        report_class=str(value["report_class"]),
        items=items,
        category=str(value["category"]),
        basis=str(value["basis"]),
        decision_rule=str(value["decision_rule"]),
        fields=[(str(f["label"]), str(f["value"])) for f in value["fields"]],
        conclusion=str(value["conclusion"]),
        steps=[Step(str(x["role"]), str(x["name"]), str(x["date"])) for x in value["signoffs"]],
    )
