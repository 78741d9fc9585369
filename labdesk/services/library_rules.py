"""Editing an item's judgement rule in the food library (issue 15): its 以…计 factor,
its rounding rule (修约规则) and its screening flag (筛查), for one item of one standard
version — what a limit file's rule columns state, set in the app instead.

The checks are the file import's (`core.limit_rules`): a factor of 0 or less is refused
naming the field, an unknown rounding rule too, and the rule must make sense with every
limit the version gives the item (a factor needs a numeric limit, a minimum is never
screened): a rule that conflicts with one of them is refused with that limit named.
Editing is the admin's or the technical manager's (`edit_library_rules`), audited with
its reason. Samples already registered keep the rule frozen onto their items.

A rule may be set for one food class instead (issue 15.2: GB 2762-2022 limits nitrite
以NaNO2计 in most foods, 以NO2⁻计 in 饮用天然矿泉水): it applies to that class and the
classes under it, the most specific class on a sample's path winning over the version's
own rule, as the most specific limit row does (`food_library.compose_items`). It is
checked against the version's limits that can reach those classes (the class's
ancestors' and its descendants'), and withdrawn with a reason (`clear_class_rule`).

An edited version no longer holds what its file said: its file digest is cleared, so
importing that file again replaces the version (visibly) instead of saying "no change".
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from labdesk.core.errors import NotFound, ValidationError
from labdesk.core.item_rule import ItemRule, check_rounding, parse_factor
from labdesk.core.judgement import compile_rule
from labdesk.core.numbers import quote
from labdesk.services.busy import retried_when_busy
from labdesk.services.context import ServiceContext
from labdesk.services.permissions import require
from labdesk.store.audit import Writer
from labdesk.store.protocol import Store

__all__ = [
    "LibraryRule",
    "class_rules",
    "clear_class_rule",
    "set_library_rule",
    "version_items",
    "version_rule",
]


@dataclass(frozen=True)
class LibraryRule:
    """An item's rule as the editor shows it: the defaults when the version states none."""

    factor: str | None = None
    rounding: str = "gb8170"
    screening: bool = False

    @property
    def stated(self) -> bool:
        return self != LibraryRule()


def _version(db: Store, version_id: int) -> dict[str, Any]:
    row = db.query_one("SELECT * FROM lib_versions WHERE id = ? AND active = 1", (version_id,))
    if row is None:
        raise NotFound(
            f"standard version #{version_id} is not in the active library (标准版本不存在)"
        )
    return dict(row)


def _rule_row(db: Store, version_id: int, code: str) -> dict[str, Any] | None:
    row = db.query_one(
        "SELECT * FROM lib_item_rules WHERE version_id = ? AND code = ?", (version_id, code)
    )
    return None if row is None else dict(row)


def _as_rule(row: Any) -> LibraryRule:
    if row is None:
        return LibraryRule()
    return LibraryRule(row["factor"], str(row["rounding"]), bool(row["screening"]))


def version_rule(db: Store, version_id: int, code: str) -> LibraryRule:
    """The version's own rule for an item (the defaults when it states none)."""
    return _as_rule(_rule_row(db, version_id, code))


def version_items(db: Store, version_id: int) -> list[dict[str, Any]]:
    """The items of one version, by code: code, name, unit, the distinct limits the
    version gives it (over its classes) and its `rule` (a `LibraryRule`)."""
    _version(db, version_id)
    rows = db.query(
        "SELECT code, name, unit, limit_text, seq FROM lib_limits WHERE version_id = ? "
        "ORDER BY seq, id",
        (version_id,),
    )
    items: dict[str, dict[str, Any]] = {}
    for r in rows:
        item = items.setdefault(
            str(r["code"]),
            {"code": str(r["code"]), "name": str(r["name"]), "unit": str(r["unit"]), "limits": []},
        )
        if r["limit_text"] not in item["limits"]:
            item["limits"].append(str(r["limit_text"]))
    rules = {
        str(r["code"]): _as_rule(r)
        for r in db.query("SELECT * FROM lib_item_rules WHERE version_id = ?", (version_id,))
    }
    for code, item in items.items():
        item["rule"] = rules.get(code, LibraryRule())
    return list(items.values())


def _reach(db: Store, class_code: str) -> list[str]:
    """The classes whose limit rows can reach a sample under `class_code`: its path
    (inherited rows) and everything below it."""
    from labdesk.services.food_library import load_tree

    tree = load_tree(db)
    tree.get(class_code)  # NotFound for an unknown class
    found = [c.code for c in tree.path(class_code)]
    stack = [class_code]
    while stack:
        for child in tree.children(stack.pop()):
            found.append(child.code)
            stack.append(child.code)
    return found


def _checked(
    db: Store,
    version_id: int,
    code: str,
    factor: str | None,
    rounding: str,
    screening: bool,
    class_code: str = "",
) -> LibraryRule:
    """The rule, refused as the file import refuses it."""
    text = None if factor is None or not str(factor).strip() else str(factor).strip()
    parse_factor(text)  # "factor: … must be above 0" for 0 or a negative factor
    rule = LibraryRule(text, (rounding or "").strip() or "gb8170", bool(screening))
    check_rounding(ItemRule(limit="", rounding=rule.rounding))
    sql = "SELECT DISTINCT limit_text, unit FROM lib_limits WHERE version_id = ? AND code = ?"
    params: list[Any] = [version_id, code]
    if class_code:
        reach = _reach(db, class_code)
        sql += f" AND class_code IN ({', '.join('?' * len(reach))})"
        params += reach
    limits = db.query(sql, params)
    if not limits:
        where = f" for {class_code}" if class_code else ""
        raise NotFound(
            f"item {code} has no limit in this standard version{where} (该标准版本无此项目的限量)"
        )
    for limit in limits:
        try:
            compile_rule(
                ItemRule(
                    limit=str(limit["limit_text"]),
                    unit=str(limit["unit"] or ""),
                    factor=rule.factor,
                    rounding=rule.rounding,
                    screening=rule.screening,
                )
            )
        except ValidationError as exc:
            limit_text = quote(str(limit["limit_text"]))
            raise ValidationError(
                exc.field,
                exc.rule,
                f"{exc} — the rule conflicts with the limit {limit_text}",
                en=f"{exc.in_language('en')} — the rule conflicts with the limit {limit_text}",
                zh=f"{exc.in_language('zh')}——该规则与限量 {limit_text} 冲突",
            ) from exc
    return rule


@retried_when_busy
def set_library_rule(
    ctx: ServiceContext,
    version_id: int,
    code: str,
    *,
    factor: str | None,
    rounding: str,
    screening: bool,
    reason: str,
    class_code: str = "",
) -> bool:
    """Sets the rule of item `code` in a version — for the whole version, or for
    `class_code` and the classes under it (a factor of None or "" states none); returns
    False, writing nothing, when it is the rule already stored there."""
    require(ctx, "edit_library_rules")
    why = _reason(reason)
    _version(ctx.db, version_id)
    code, class_code = (code or "").strip(), (class_code or "").strip()
    rule = _checked(ctx.db, version_id, code, factor, rounding, screening, class_code)
    values = {"factor": rule.factor, "rounding": rule.rounding, "screening": int(rule.screening)}
    with ctx.db.write(ctx.actor) as w:
        if class_code:
            stored = _class_row(w.db, version_id, code, class_code)
            table, key = "lib_class_rules", {"class_code": class_code}
        else:
            stored = _rule_row(w.db, version_id, code)
            table, key = "lib_item_rules", {}
        if stored is None and rule == _followed(w.db, version_id, code, class_code):
            return False  # the rule the scope follows already: nothing to say
        if stored is not None and _as_rule(stored) == rule:
            return False
        if stored is None:
            w.insert(
                table,
                {"version_id": version_id, "code": code, **key, **values},
                reason=why,
                action="library_rule",
            )
        else:
            w.update(table, int(stored["id"]), values, reason=why, action="library_rule")
        _edited(w, version_id, why)
    return True


@retried_when_busy
def clear_class_rule(
    ctx: ServiceContext, version_id: int, code: str, class_code: str, *, reason: str
) -> bool:
    """Withdraws the class rule (kept, inactive): the class follows the version's own
    rule, or a rule of a class above it, again. False when there is none."""
    require(ctx, "edit_library_rules")
    why = _reason(reason)
    _version(ctx.db, version_id)
    with ctx.db.write(ctx.actor) as w:
        stored = _class_row(w.db, version_id, code.strip(), class_code.strip())
        if stored is None:
            return False
        w.update(
            "lib_class_rules", int(stored["id"]), {"active": 0}, reason=why, action="library_rule"
        )
        _edited(w, version_id, why)
    return True


def class_rules(db: Store, version_id: int, code: str) -> list[dict[str, Any]]:
    """The active class rules of an item in a version: class_code and `rule`."""
    rows = db.query(
        "SELECT * FROM lib_class_rules WHERE active = 1 AND version_id = ? AND code = ? "
        "ORDER BY class_code",
        (version_id, code),
    )
    return [{"class_code": str(r["class_code"]), "rule": _as_rule(r)} for r in rows]


def _followed(db: Store, version_id: int, code: str, class_code: str) -> LibraryRule:
    """The rule a scope without its own follows: the version's defaults for the version,
    the nearest class rule above a class, else the version's rule."""
    if not class_code:
        return LibraryRule()
    from labdesk.services.food_library import load_tree

    above = [c.code for c in load_tree(db).path(class_code)][:-1]
    own = {r["class_code"]: r["rule"] for r in class_rules(db, version_id, code)}
    for ancestor in reversed(above):
        if ancestor in own:
            return own[ancestor]
    return version_rule(db, version_id, code)


def _reason(reason: str) -> str:
    why = (reason or "").strip()
    if not why:
        raise ValidationError(
            "reason",
            "required",
            "reason: required to change a library rule (修改判定规则须填写原因)",
        )
    return why


def _class_row(db: Store, version_id: int, code: str, class_code: str) -> dict[str, Any] | None:
    row = db.query_one(
        "SELECT * FROM lib_class_rules WHERE active = 1 AND version_id = ? AND code = ? "
        "AND class_code = ?",
        (version_id, code, class_code),
    )
    return None if row is None else dict(row)


def _edited(w: Writer, version_id: int, why: str) -> None:
    """The version no longer is its file's content: importing the file again replaces it."""
    w.update("lib_versions", version_id, {"digest": ""}, reason=why, action="library_rule")
