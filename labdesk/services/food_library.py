"""The food library in the database: the classification, the limit versions and the
item templates, and the composition of a food sample's items from them.

Imports are all or nothing (`core.limit_tables` validates every row first) and each
version is compared with the stored one by digest: re-importing an identical file
writes nothing. A changed version replaces the stored one (the old rows are kept,
inactive); a version named in 代替标准 is closed on the new one's 实施日期. Samples are
never touched: their items were frozen onto them at registration.

`compose_items` gives, for a leaf class and a date, the rows of every standard version
in force that apply to the class (inheritance, exclusions, the most specific row; see
`core.food_limits.compose`), product standards only when the label names them (执行标准)
and graded rows only for the label's grade (质量等级). `proposed_items` narrows that to
the class's template (the nearest class on its path that has one). Imports are in
`services.food_imports`.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from labdesk.core.errors import NotFound, ValidationError
from labdesk.core.food_limits import Candidate, compose, source_text
from labdesk.core.foods import FoodClass, FoodTree
from labdesk.core.limit_conditions import container_condition
from labdesk.services.busy import retried_when_busy
from labdesk.services.context import ServiceContext
from labdesk.services.permissions import require
from labdesk.store.protocol import Store

# Which date picks the versions in force for a sample's items (the lab's rule).
ITEMS_DATE_RULES = ("sampling_date", "production_date")
ITEMS_DATE_KEY = "items_date"
_EMPTY: frozenset[str] = frozenset()


# ---------------------------------------------------------------------------------------
# The classification


def load_tree(db: Store) -> FoodTree:
    """The stored classification, cached until food_classes changes (every change to it
    is an audited write, so the last audit entry of the table marks its version)."""
    head = db.scalar("SELECT max(seq) FROM audit_log WHERE table_name = 'food_classes'")
    cache = db.__dict__.get("_food_tree")
    if cache is not None and cache[0] == head:
        tree: FoodTree = cache[1]
        return tree
    rows = db.query("SELECT * FROM food_classes ORDER BY seq, id")
    if not rows:
        raise NotFound("the food classification is empty: import it first (食品分类未导入)")
    tree = FoodTree(
        FoodClass(
            code=str(r["code"]),
            parent=str(r["parent_code"] or ""),
            name=str(r["name"]),
            name_en=str(r["name_en"]),
            aliases=tuple(json.loads(r["aliases"])),
            initials=str(r["initials"]),
            source=str(r["source"]),
            sample_data=bool(r["sample_data"]),
        )
        for r in rows
    )
    db.__dict__["_food_tree"] = (head, tree)
    return tree


def has_food_library(db: Store) -> bool:
    return bool(db.scalar("SELECT 1 FROM food_classes LIMIT 1"))


# ---------------------------------------------------------------------------------------
# Composition


# The composed item's keys, in the order the candidate query selects them.
_ITEM_COLUMNS = (
    ("lib_limit_id", "l.id"),
    ("class_code", "l.class_code"),
    ("class_name", "l.class_name"),
    ("excluded", "l.excluded"),
    ("table_ref", "l.table_ref"),
    ("code", "l.code"),
    ("name", "l.name"),
    ("name_en", "l.name_en"),
    ("unit", "l.unit"),
    ("limit_text", "l.limit_text"),
    ("method", "l.method"),
    ("interval", "l.interval"),
    ("decimals", "l.decimals"),
    ("lod", "l.lod"),
    ("loq", "l.loq"),
    ("test_method", "l.test_method"),
    ("mark", "l.mark"),
    ("mark_meaning", "l.mark_meaning"),
    ("grade", "l.grade"),
    ("note", "l.note"),
    ("sample_data", "l.sample_data"),
    ("standard_no", "v.standard_no"),
    ("standard_year", "v.standard_year"),
    ("kind", "v.kind"),
    # the item's rule the version states (lib_item_rules; the defaults when none)
    ("factor", "ru.factor"),
    ("rounding", "coalesce(ru.rounding, 'gb8170')"),
    ("screening", "coalesce(ru.screening, 0)"),
    ("version_id", "l.version_id"),
)
_ITEM_KEYS = tuple(k for k, _ in _ITEM_COLUMNS)
(_ID, _CLASS, _CLASS_NAME, _EXCLUDED, _TABLE, _CODE) = range(6)
_GRADE, _STANDARD_NO, _STANDARD_YEAR, _KIND = 18, 21, 22, 23
_CANDIDATES_SQL = (
    f"SELECT {', '.join(c for _, c in _ITEM_COLUMNS)} "
    "FROM lib_limits AS l JOIN lib_versions AS v ON v.id = l.version_id "
    "LEFT JOIN lib_item_rules AS ru ON ru.version_id = l.version_id AND ru.code = l.code "
    "WHERE v.active = 1 AND l.class_code IN ({marks}) "
    "AND (v.effective_from IS NULL OR v.effective_from <= ?) "
    "AND (v.abolished_from IS NULL OR v.abolished_from > ?) "
    "ORDER BY l.id"
)


@dataclass
class FoodItems:
    """The composed items for a class on a date (dicts with the FROZEN_COLUMNS of
    services.library plus `lib_limit_id`, `kind`, `class_name`, `key`)."""

    class_code: str
    on: date
    items: list[dict[str, Any]]
    needs_grade: tuple[str, ...] = ()
    # product standards with rows for the class that the label does not name
    unnamed_products: tuple[str, ...] = ()

    @property
    def versions(self) -> list[str]:
        """The standard versions the items come from (what the report names)."""
        return sorted({f"{i['standard_no']}-{i['standard_year']}" for i in self.items})


def item_key(standard_no: str, code: str) -> str:
    return f"{standard_no}|{code}"


def _table_number(table_ref: str) -> int:
    """表1 → 1 (items are listed in the standard's table order); 0 without a number."""
    digits = "".join(ch for ch in table_ref if ch.isdigit())
    return int(digits[:6]) if digits else 0


def _names_standard(label: str, number: str) -> bool:
    """Does the label's 执行标准 (e.g. "GB/T 1354-2018") name this standard number?"""
    normal = " ".join(label.replace("／", "/").split()).upper()
    wanted = " ".join(number.split()).upper()
    return any(
        part.strip() == wanted or part.strip().startswith(wanted + "-")
        for part in normal.replace("、", ",").replace("；", ",").replace(";", ",").split(",")
    )


# What a composition is made of: the classification, the versions (their limit rows are
# their audited content), the items' rules and the templates. Every change to them is an
# audited write, so the hash of the last audit entry of these tables names the library's
# state — and, chained, every change before it: a change rolled back and another one made
# under the same entry number still hash differently.
_LIBRARY_TABLES = (
    "food_classes",
    "lib_versions",
    "lib_item_rules",
    "lib_class_rules",
    "food_templates",
)
_REVISION_SQL = (
    "SELECT hash FROM audit_log WHERE seq = (SELECT max(seq) FROM audit_log "
    "WHERE table_name IN (" + ", ".join(f"'{t}'" for t in _LIBRARY_TABLES) + "))"
)
# Compositions kept per revision (class, date, grade, label): a lab registers batches
# of samples of a few classes; the whole cache goes when the library changes.
_CACHE_SIZE = 64


def library_revision(db: Store) -> str:
    """The library's state as the audit log names it ('' before anything was imported)."""
    return str(db.scalar(_REVISION_SQL) or "")


def _library_cache(db: Store) -> dict[tuple[Any, ...], Any] | None:
    """The compositions cached for the library as it is now; None inside a transaction,
    whose own library changes are not in the audit log until its commit."""
    with db.lock:
        if db.conn.in_transaction:
            return None
        revision = library_revision(db)
    held: tuple[str, dict[tuple[Any, ...], Any]] | None = db.__dict__.get("_library_cache")
    if held is None or held[0] != revision:
        held = db.__dict__["_library_cache"] = (revision, {})
    cache = held[1]
    if len(cache) >= _CACHE_SIZE:
        cache.clear()
    return cache


def compose_items(
    db: Store,
    class_code: str,
    on: date,
    *,
    grade: str = "",
    executive_standard: str = "",
) -> FoodItems:
    """Every applicable limit for a sample of `class_code` taken on `on`.

    Cached until the library changes (`library_revision`); each call gets its own item
    dicts, which the caller may change."""
    return _cached_composition(db, _library_cache(db), class_code, on, grade, executive_standard)


def _cached_composition(
    db: Store,
    cache: dict[tuple[Any, ...], Any] | None,
    class_code: str,
    on: date,
    grade: str,
    executive_standard: str,
) -> FoodItems:
    key = ("compose", class_code, on, grade, executive_standard)
    composed: FoodItems | None = None if cache is None else cache.get(key)
    if composed is None:
        composed = _compose_items(db, class_code, on, grade, executive_standard)
        if cache is not None:
            cache[key] = composed
    return dataclasses.replace(composed, items=[dict(i) for i in composed.items])


def _compose_items(
    db: Store, class_code: str, on: date, grade: str, executive_standard: str
) -> FoodItems:
    tree = load_tree(db)
    path = [c.code for c in tree.path(class_code)]
    sample_class = tree.get(class_code).name
    day = on.isoformat()
    rows = db.query(_CANDIDATES_SQL.format(marks=", ".join("?" * len(path))), [*path, day, day])
    candidates = []
    unnamed: set[str] = set()
    named: dict[str, bool] = {}
    tables: dict[str, int] = {}
    for r in rows:
        kind = r[_KIND]
        if kind == "product":
            number = r[_STANDARD_NO]
            if number not in named:
                named[number] = _names_standard(executive_standard, number)
            if not named[number]:
                unnamed.add(number)
                continue
        excluded = r[_EXCLUDED]
        table = r[_TABLE]
        rank = tables.get(table)
        if rank is None:
            rank = tables[table] = _table_number(table)
        candidates.append(
            Candidate(
                r[_STANDARD_NO],
                r[_CODE],
                r[_CLASS],
                _EMPTY if excluded == "[]" else frozenset(json.loads(excluded)),
                r[_GRADE],
                kind,
                rank * 10_000_000 + r[_ID],
                r,
            )
        )
    composition = compose(path, candidates, grade)
    class_rules = _class_rules(db, path)
    items = []
    sources: dict[tuple[str, str, str, str], str] = {}
    for composed in composition.items:
        r = composed.candidate.row
        item = dict(zip(_ITEM_KEYS, r, strict=True))
        where = (r[_STANDARD_NO], r[_STANDARD_YEAR], r[_TABLE], r[_CLASS_NAME])
        text = sources.get(where)
        if text is None:
            key = f"{where[0]}-{where[1]}"
            text = sources[where] = source_text(key, where[2], where[3], sample_class)
        item["source"] = text
        item["key"] = f"{r[_STANDARD_NO]}|{r[_CODE]}"
        item["rule_class"] = ""
        if class_rules:
            rule = class_rules.get((item["version_id"], item["code"]))
            if rule is not None:
                item.update(rule)
        items.append(item)
    return FoodItems(
        class_code,
        on,
        items,
        composition.needs_grade,
        tuple(sorted(unnamed - {i["standard_no"] for i in items})),
    )


def _class_rules(db: Store, path: list[str]) -> dict[tuple[int, str], dict[str, Any]]:
    """The class rules (lib_class_rules) on the path, by (version, item code): the most
    specific class's, which replaces the version's own rule (issue 15.2)."""
    rows = db.query(
        "SELECT version_id, code, class_code, factor, rounding, screening FROM lib_class_rules "
        f"WHERE active = 1 AND class_code IN ({', '.join('?' * len(path))})",
        path,
    )
    depth = {code: index for index, code in enumerate(path)}
    found: dict[tuple[int, str], dict[str, Any]] = {}
    for r in sorted(rows, key=lambda r: depth[r["class_code"]]):
        found[(r["version_id"], r["code"])] = {
            "factor": r["factor"],
            "rounding": r["rounding"],
            "screening": r["screening"],
            "rule_class": r["class_code"],
        }
    return found


@dataclass
class Proposal:
    """What registering a sample proposes: `items` (the template's, or all composed but
    those whose limit holds only for food in a given container, as GB 2762's tin:
    core/limit_conditions.py), `available` (applicable but not proposed: the technician
    may add them, with a reason) and `missing` (template entries with no limit in force)."""

    composed: FoodItems
    items: list[dict[str, Any]]
    available: list[dict[str, Any]]
    missing: list[str]
    template_class: str = ""


def template_for(db: Store, class_code: str) -> tuple[str, list[dict[str, Any]]]:
    """(class code, entries) of the nearest class on the path with a template (cached
    as `compose_items` is; the entries are the caller's own)."""
    return _cached_template(db, _library_cache(db), class_code)


def _cached_template(
    db: Store, cache: dict[tuple[Any, ...], Any] | None, class_code: str
) -> tuple[str, list[dict[str, Any]]]:
    key = ("template", class_code)
    found: tuple[str, list[dict[str, Any]]] | None = None if cache is None else cache.get(key)
    if found is None:
        found = _template_for(db, class_code)
        if cache is not None:
            cache[key] = found
    return found[0], [dict(entry) for entry in found[1]]


def _template_for(db: Store, class_code: str) -> tuple[str, list[dict[str, Any]]]:
    tree = load_tree(db)
    for cls in reversed(tree.path(class_code)):
        rows = db.query(
            "SELECT * FROM food_templates WHERE class_code = ? AND active = 1 ORDER BY seq, id",
            (cls.code,),
        )
        if rows:
            return cls.code, [dict(r) for r in rows]
    return "", []


def proposed_items(
    db: Store,
    class_code: str,
    on: date,
    *,
    grade: str = "",
    executive_standard: str = "",
) -> Proposal:
    cache = _library_cache(db)  # the library's state read once for both
    composed = _cached_composition(db, cache, class_code, on, grade, executive_standard)
    owner, template = _cached_template(db, cache, class_code)
    if not template:
        # Everything composed, but a limit only for food in a given container (GB 2762's
        # tin: tinplate) stays addable instead: the form cannot say the container.
        conditional = [i for i in composed.items if container_condition(i.get("note"))]
        if not conditional:
            return Proposal(composed, list(composed.items), [], [], "")
        left = {id(i) for i in conditional}
        proposed = [i for i in composed.items if id(i) not in left]
        return Proposal(composed, proposed, conditional, [], "")
    by_key = {i["key"]: i for i in composed.items}
    items: list[dict[str, Any]] = []
    missing: list[str] = []
    for entry in template:
        key = item_key(entry["standard_no"], entry["item_code"])
        item = by_key.get(key)
        if item is None:
            missing.append(f"{entry['standard_no']} {entry['item_code']}")
            continue
        if entry["test_method"]:
            item = {**item, "test_method": entry["test_method"]}
        items.append(item)
    chosen = {i["key"] for i in items}
    available = [i for i in composed.items if i["key"] not in chosen]
    return Proposal(composed, items, available, missing, owner)


@retried_when_busy
def set_template(ctx: ServiceContext, class_code: str, entries: Sequence[dict[str, str]]) -> int:
    """Admin or manager: the items a plan tests for `class_code` (replaces its template)."""
    require(ctx, "edit_food_templates")
    tree = load_tree(ctx.db)
    tree.get(class_code)
    seen: set[tuple[str, str]] = set()
    for index, entry in enumerate(entries, start=1):
        if not entry.get("standard_no", "").strip() or not entry.get("item_code", "").strip():
            raise ValidationError(
                "item_code", "required", f"entry {index}: standard and item code are required"
            )
        pair = (entry["standard_no"].strip(), entry["item_code"].strip())
        if pair in seen:
            raise ValidationError("item_code", "unique", f"entry {index}: {pair} is listed twice")
        seen.add(pair)
    with ctx.db.write(ctx.actor) as w:
        for row in w.db.query(
            "SELECT id FROM food_templates WHERE class_code = ? AND active = 1", (class_code,)
        ):
            w.update("food_templates", int(row["id"]), {"active": 0}, action="template_edit")
        w.insert_many(
            "food_templates",
            [
                {
                    "class_code": class_code,
                    "seq": seq,
                    "standard_no": e["standard_no"].strip(),
                    "item_code": e["item_code"].strip(),
                    "test_method": e.get("test_method", "").strip(),
                    "source": e.get("source", "").strip(),
                }
                for seq, e in enumerate(entries, start=1)
            ],
            action="template_edit",
        )
    return len(entries)


# ---------------------------------------------------------------------------------------
# The lab's date rule


def items_date_rule(db: Store) -> str:
    value = db.scalar("SELECT value FROM lab_settings WHERE key = ?", (ITEMS_DATE_KEY,))
    return str(value) if value in ITEMS_DATE_RULES else ITEMS_DATE_RULES[0]


@retried_when_busy
def set_items_date_rule(ctx: ServiceContext, rule: str) -> None:
    """Admin: which date of the form picks the standard versions for a sample's items."""
    require(ctx, "import_library")
    if rule not in ITEMS_DATE_RULES:
        raise ValidationError(
            "items_date", "one_of", f"items_date: one of {', '.join(ITEMS_DATE_RULES)}"
        )
    with ctx.db.write(ctx.actor) as w:
        known = w.db.scalar("SELECT id FROM lab_settings WHERE key = ?", (ITEMS_DATE_KEY,))
        if known is None:
            w.insert("lab_settings", {"key": ITEMS_DATE_KEY, "value": rule})
        else:
            w.update("lab_settings", int(known), {"value": rule}, action="settings")


def items_date(
    db: Store, sampling_date: date | None, production_date: date | None
) -> tuple[str, date | None]:
    """(rule applied, the date) that picks the versions: the lab's rule, falling back to
    the sampling date when the form has no production date."""
    rule = items_date_rule(db)
    if rule == "production_date" and production_date is not None:
        return rule, production_date
    return "sampling_date", sampling_date


# ---------------------------------------------------------------------------------------
# Reading for the CLI and screens


def tree_json(db: Store) -> dict[str, Any]:
    """The classification as nested nodes: code, name, name_en, level, initials, source,
    sample_data, children."""
    tree = load_tree(db)

    def node(cls: FoodClass) -> dict[str, Any]:
        return {
            "code": cls.code,
            "name": cls.name,
            "name_en": cls.name_en,
            "level": tree.depth(cls.code),
            "initials": cls.initials,
            "aliases": list(cls.aliases),
            "source": cls.source,
            "sample_data": cls.sample_data,
            "children": [node(c) for c in tree.children(cls.code)],
        }

    return node(tree.get(tree.root))


def stats(db: Store) -> dict[str, Any]:
    """Row counts: by standard version, and confirmed vs sample data."""
    rows = db.query(
        "SELECT v.standard_no, v.standard_year, v.kind, v.effective_from, v.abolished_from, "
        "l.sample_data, count(*) AS n FROM lib_limits AS l "
        "JOIN lib_versions AS v ON v.id = l.version_id WHERE v.active = 1 "
        "GROUP BY v.standard_no, v.standard_year, v.kind, v.effective_from, v.abolished_from, "
        "l.sample_data ORDER BY v.standard_no, v.standard_year"
    )
    by_standard: dict[str, dict[str, Any]] = {}
    confirmed = sample = 0
    for r in rows:
        key = f"{r['standard_no']}-{r['standard_year']}"
        entry = by_standard.setdefault(
            key,
            {
                "standard": key,
                "kind": r["kind"],
                "effective_from": r["effective_from"],
                "abolished_from": r["abolished_from"],
                "rows": 0,
                "confirmed": 0,
                "sample": 0,
            },
        )
        n = int(r["n"])
        entry["rows"] += n
        if r["sample_data"]:
            entry["sample"] += n
            sample += n
        else:
            entry["confirmed"] += n
            confirmed += n
    classes = int(db.scalar("SELECT count(*) FROM food_classes") or 0)
    return {
        "classes": classes,
        "rows": confirmed + sample,
        "confirmed": confirmed,
        "sample": sample,
        "by_standard": list(by_standard.values()),
        "flat_items": int(db.scalar("SELECT count(*) FROM lib_items WHERE active = 1") or 0),
    }


def versions(db: Store) -> list[dict[str, Any]]:
    rows = db.query(
        "SELECT * FROM lib_versions WHERE active = 1 ORDER BY standard_no, "
        "coalesce(effective_from, ''), standard_year"
    )
    return [dict(r) for r in rows]


def limits_of_class(db: Store, class_code: str, version_id: int) -> list[dict[str, Any]]:
    """The rows of one version that apply to a class (for side-by-side versions)."""
    tree = load_tree(db)
    path = [c.code for c in tree.path(class_code)]
    rows = db.query(
        "SELECT l.*, v.standard_no, v.standard_year, v.kind FROM lib_limits AS l "
        "JOIN lib_versions AS v ON v.id = l.version_id "
        f"WHERE l.version_id = ? AND l.class_code IN ({', '.join('?' * len(path))}) "
        "ORDER BY l.id",
        [version_id, *path],
    )
    candidates = [
        Candidate(
            r["standard_no"],
            r["code"],
            r["class_code"],
            _EMPTY if r["excluded"] == "[]" else frozenset(json.loads(r["excluded"])),
            "",
            r["kind"],
            r["id"],
            r,
        )
        for r in rows
        if not r["grade"]
    ]
    graded = [dict(r) for r in rows if r["grade"]]
    return [dict(c.candidate.row) for c in compose(path, candidates).items] + graded
