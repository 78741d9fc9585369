"""Limit tables in the layouts the standards print (CSV or .xlsx): the model, the
accepted headers and the rules (`core.limit_reader` reads and validates a file).

One row per (item, food class) as printed: GB 2763 prints 农药 / 食品类别/名称 /
最大残留限量 (mg/kg); GB 2762 prints one table per contaminant with 食品类别（名称） /
限量 (mg/kg); GB 2761 the same for mycotoxins. The file says which by its headers
(Chinese as printed, or the English names in `HEADERS`). A header's bracketed unit is
the unit of the column ("最大残留限量/(mg/kg)"). Cells merged in the printed table
come out of Excel blank below their first row: the item, standard, table and date
columns carry down from the row above.

Every row is validated before anything is kept (`limit_reader.read_limit_table` raises
`LimitFileError` listing every problem with its row and column, nothing is loaded):
the class must be in the classification, exclusions too; the limit must read (a bare
number only in an MRL column); one version may not hold two rows for the same class and
item; versions of one standard may not overlap in time. Files above `MAX_FILE_BYTES`
are refused before they are read, and a CSV is read row by row (bounded memory).
"""

from __future__ import annotations

import hashlib
import json
import operator
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from labdesk.core.content import body_digest
from labdesk.core.errors import ValidationError
from labdesk.core.food_limits import (
    MARKS,
)

STORED_COLUMNS = (
    "class_code",
    "class_name",
    "excluded",
    "excluded_names",
    "seq",
    "table_ref",
    "code",
    "name",
    "name_en",
    "unit",
    "limit_text",
    "method",
    "interval",
    "decimals",
    "lod",
    "loq",
    "test_method",
    "mark",
    "mark_meaning",
    "grade",
    "note",
    "source",
    "sample_data",
)
"""lib_limits columns after (id, version_id), in table order: what `stored_rows` gives."""

STORED_DEFAULTS: dict[str, object] = {
    "excluded": "[]",
    "excluded_names": "[]",
    "table_ref": "",
    "name_en": "",
    "unit": "",
    "method": "full",
    "interval": None,
    "decimals": None,
    "lod": None,
    "loq": None,
    "test_method": "",
    "mark": "",
    "mark_meaning": "",
    "grade": "",
    "note": "",
    "source": "",
    "sample_data": 0,
}
"""The lib_limits columns with a default (store/schema.py), and that default: a column
every row of a version leaves at it is not bound when the rows are inserted."""

MAX_FILE_BYTES = 16 * 1024 * 1024
"""A limit file larger than this (16 MiB) is refused before it is read."""
# Measured (docs/robustness.md): `labdesk library import` of 90,000 GB 2763-style rows
# (5.7 MB) peaks at 121 MB; in-process, 120,000 rows at 153 MB and 300,000 at 336 MB. The
# bound keeps an import well under 200 MB (issue 21.7). GB 2763-2021 has about 10,000.
MAX_ROWS = 90_000

# canonical field → accepted headers (compared after NFKC, without spaces or brackets)
HEADERS: dict[str, tuple[str, ...]] = {
    "standard": ("标准编号", "标准", "standard"),
    "title": ("标准名称", "title"),
    "effective_from": ("实施日期", "effective_from"),
    "abolished_from": ("废止日期", "abolished_from"),
    "replaces": ("代替标准", "代替", "replaces"),
    "table": ("表号", "表", "table"),
    "item": (
        "农药",
        "农药名称",
        "农药中文通用名称",
        "污染物",
        "污染物项目",
        "真菌毒素",
        "兽药",
        "兽药名称",
        "食品添加剂",
        "添加剂",
        "致病菌",
        "项目",
        "检验项目",
        "item",
    ),
    "item_code": ("项目代码", "item_code"),
    "item_en": ("英文名称", "item_en"),
    "food_class": ("食品类别/名称", "食品类别(名称)", "食品类别", "食品名称", "food_class"),
    "class_code": ("食品分类代码", "class_code"),
    "max": ("最大残留限量", "MRL", "mrl", "限量", "最大限量", "最大使用量", "max"),
    "limit": ("指标", "限量要求", "limit"),
    "unit": ("单位", "unit"),
    "grade": ("等级", "质量等级", "grade"),
    "test_method": ("检验方法", "检测方法", "test_method"),
    "note": ("备注", "note"),
    "source": ("来源", "source"),
    "sample_data": ("样例数据", "sample_data"),
    "kind": ("标准类型", "kind"),
    # the item's rule (issue 14), frozen onto sample items with the limit
    "factor": ("以…计系数", "换算系数", "折算系数", "factor"),
    "rounding": ("修约规则", "修约", "rounding"),
    "screening": ("筛查", "筛查项目", "screening"),
}
RULE_FIELDS = ("factor", "rounding", "screening")
HEADER_INDEX = {
    re.sub(r"\s", "", unicodedata.normalize("NFKC", alias)).casefold(): name
    for name, aliases in HEADERS.items()
    for alias in aliases
}
CARRY_DOWN = frozenset(
    ("standard", "title", "effective_from", "abolished_from", "replaces", "table", "item")
)
KINDS = ("contaminant", "mycotoxin", "pesticide", "vet_drug", "additive", "pathogen", "product")
TRUE_WORDS = {"true", "yes", "y", "1", "是"}
FALSE_WORDS = {"false", "no", "n", "0", "否", ""}
ISO_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})(?:[ T]00:00:00)?$")
STANDARD_KEY = re.compile(r"^(.+?)[-—–]\s*(\d{4})$")


@dataclass(frozen=True)
class Problem:
    """One problem: `row` as Excel numbers it (header = 1; 0 = the whole file)."""

    row: int
    column: str
    rule: str
    message: str

    def __str__(self) -> str:
        where = f"row {self.row}" if self.row else "file"
        return f"{where}, {self.column or '-'}: {self.message} [{self.rule}]"


class LimitFileError(ValidationError):
    """A limit file was refused; `problems` lists every problem found. Nothing was loaded."""

    def __init__(self, path: Path | str, problems: Sequence[Problem]) -> None:
        self.path = Path(path)
        self.problems = tuple(problems)
        shown = "\n".join(f"  {p}" for p in self.problems[:50])
        more = f"\n  … and {len(self.problems) - 50} more" if len(self.problems) > 50 else ""
        count = len(self.problems)
        first = self.problems[0] if self.problems else Problem(0, "", "file", "")
        super().__init__(
            first.column or "file",
            first.rule,
            f"{self.path.name}: {count} problem{'s' if count != 1 else ''}; nothing was "
            f"loaded\n{shown}{more}",
        )


@dataclass(frozen=True)
class Version:
    """One standard version as a file declares it."""

    number: str
    year: str
    title: str = ""
    kind: str = "product"
    effective_from: date | None = None
    abolished_from: date | None = None
    replaces: tuple[str, ...] = ()

    @property
    def key(self) -> str:
        return f"{self.number}-{self.year}"

    def in_force_on(self, day: date) -> bool:
        if self.effective_from is not None and day < self.effective_from:
            return False
        return self.abolished_from is None or day < self.abolished_from


@dataclass(slots=True)
class LimitRow:
    """One validated row. `class_codes` are the nodes its class means; `excluded_codes`
    the nodes its exclusions mean."""

    row: int
    standard: str
    table: str
    item_code: str
    item_name: str
    item_en: str
    class_name: str
    excluded: tuple[str, ...]
    class_codes: tuple[str, ...]
    excluded_codes: tuple[str, ...]
    limit: str
    unit: str
    mark: str
    grade: str
    test_method: str
    note: str
    source: str
    sample_data: bool
    # the item's rule as the file states it (None / "" / False: not stated)
    factor: str | None = None
    rounding: str = ""
    screening: bool = False


@dataclass(frozen=True)
class ItemRuleRow:
    """The rule a version states for one item code (`lib_item_rules`)."""

    code: str
    factor: str | None
    rounding: str
    screening: bool


@dataclass
class LimitTable:
    """A validated file: its versions and rows (file order)."""

    path: Path
    versions: dict[str, Version]
    rows: list[LimitRow] = field(default_factory=list)
    # LimitRow fields no row can set, the file lacking their column (always ""): what
    # `inserted_rows` need not look for
    unset: frozenset[str] = frozenset()
    _stored: dict[str, list[tuple[object, ...]]] = field(
        default_factory=dict, repr=False, compare=False
    )
    _bodies: dict[str, str] = field(default_factory=dict, repr=False, compare=False)
    # Per version, what an import asks for more than once (the check whether it changed,
    # then the write): its rows, their item rules, its digest. The rows are not changed
    # after validation.
    _rows: dict[str, tuple[LimitRow, ...]] = field(default_factory=dict, repr=False, compare=False)
    _rules: dict[str, tuple[ItemRuleRow, ...]] = field(
        default_factory=dict, repr=False, compare=False
    )
    _digests: dict[str, str] = field(default_factory=dict, repr=False, compare=False)

    def rows_of(self, key: str) -> list[LimitRow]:
        return list(self._rows_of(key))

    def _rows_of(self, key: str) -> tuple[LimitRow, ...]:
        known = self._rows.get(key)
        if known is None:
            known = self._rows[key] = tuple(r for r in self.rows if r.standard == key)
        return known

    def first_row(self, key: str) -> int:
        """The file row that first declares the version (0 if it has none)."""
        rows = self._rows_of(key)
        return rows[0].row if rows else 0

    def stored_rows(self, key: str) -> list[tuple[object, ...]]:
        """The version's rows as the library stores them: one per class node, the
        values of `STORED_COLUMNS` (lib_limits after its id and version_id)."""
        known = self._stored.get(key)
        if known is not None:
            return known
        rows: list[tuple[object, ...]] = []
        add = rows.append
        for seq, row in enumerate(self._rows_of(key), start=1):
            excluded = json.dumps(list(row.excluded_codes)) if row.excluded_codes else "[]"
            names = json.dumps(list(row.excluded), ensure_ascii=False) if row.excluded else "[]"
            meaning = MARKS.get(row.mark, "") if row.mark else ""
            for class_code in row.class_codes:
                add(
                    (
                        class_code,
                        row.class_name,
                        excluded,
                        names,
                        seq,
                        row.table,
                        row.item_code,
                        row.item_name,
                        row.item_en,
                        row.unit,
                        row.limit,
                        "full",
                        None,
                        None,
                        None,
                        None,
                        row.test_method,
                        row.mark,
                        meaning,
                        row.grade,
                        row.note,
                        row.source,
                        int(row.sample_data),
                    )
                )
        self._stored[key] = rows
        return rows

    def inserted_rows(self, key: str) -> tuple[tuple[str, ...], list[tuple[object, ...]]]:
        """The version's stored rows narrowed to the columns some row sets (the others
        are left to their defaults, which `stored_rows` holds): (columns, rows)."""
        rows = self.stored_rows(key)
        source = self._rows_of(key)
        # A column some row sets, by the LimitRow field it comes from (map and any run
        # in C and stop at the first row that sets it); a limit file never sets the
        # rule columns (method, interval, decimals, lod, loq).
        set_by = {
            "excluded": "excluded_codes",
            "excluded_names": "excluded",
            "table_ref": "table",
            "name_en": "item_en",
            "unit": "unit",
            "test_method": "test_method",
            "mark": "mark",
            "mark_meaning": "mark",
            "grade": "grade",
            "note": "note",
            "source": "source",
            "sample_data": "sample_data",
        }
        keep = [
            i
            for i, column in enumerate(STORED_COLUMNS)
            if column not in STORED_DEFAULTS
            or (
                column in set_by
                and set_by[column] not in self.unset
                and any(map(operator.attrgetter(set_by[column]), source))
            )
        ]
        columns = tuple(STORED_COLUMNS[i] for i in keep)
        if len(keep) == len(STORED_COLUMNS):
            return columns, rows
        pick = operator.itemgetter(*keep)
        return columns, list(map(pick, rows))

    def _stated(self, key: str) -> dict[str, list[tuple[LimitRow, ItemRuleRow]]]:
        """The rows of the version that state a rule, by item code, with that rule."""
        found: dict[str, list[tuple[LimitRow, ItemRuleRow]]] = {}
        for row in self._rows_of(key):
            if row.factor is None and not row.rounding and not row.screening:
                continue
            rule = ItemRuleRow(row.item_code, row.factor, row.rounding or "gb8170", row.screening)
            found.setdefault(row.item_code, []).append((row, rule))
        return found

    def rules(self, key: str) -> list[ItemRuleRow]:
        """The version's own item rules, by code: an item whose stating rows all state
        the same rule has it (rows stating none agree); rows stating none give none."""
        known = self._rules.get(key)
        if known is None:
            found = {}
            for code, stated in self._stated(key).items():
                if len({rule for _row, rule in stated}) == 1:
                    found[code] = stated[0][1]
            known = self._rules[key] = tuple(found[code] for code in sorted(found))
        return list(known)

    def class_rules(self, key: str) -> list[tuple[str, ItemRuleRow]]:
        """(class code, rule) of the items whose rows state different rules (issue 15.2):
        each such row's rule for the class nodes it means (the reader refused two rules
        for one node), by code and class; the classes of its rows stating none follow
        the default rule."""
        found: list[tuple[str, ItemRuleRow]] = []
        for stated in self._stated(key).values():
            if len({rule for _row, rule in stated}) > 1:
                found.extend((c, rule) for row, rule in stated for c in row.class_codes)
        return sorted(found, key=lambda pair: (pair[1].code, pair[0]))

    def body_digest(self, key: str) -> str:
        """`core.content.body_digest` of the version's stored rows."""
        known = self._bodies.get(key)
        if known is None:
            known = self._bodies[key] = body_digest(self.stored_rows(key))
        return known

    def digest(self, key: str) -> str:
        """SHA-256 of the version's declaration and rows: equal content, equal digest."""
        known = self._digests.get(key)
        if known is None:
            known = self._digests[key] = self._digest(key)
        return known

    def _digest(self, key: str) -> str:
        version = self.versions[key]
        head = [
            version.number,
            version.year,
            version.title,
            version.kind,
            version.effective_from.isoformat() if version.effective_from else None,
            version.abolished_from.isoformat() if version.abolished_from else None,
            list(version.replaces),
        ]
        text = json.dumps(head, ensure_ascii=False) + ":" + self.body_digest(key)
        rules = self.rules(key)
        if rules:  # a version stating no rule keeps the digest it had before rules existed
            text += ":" + json.dumps(
                [[r.code, r.factor, r.rounding, r.screening] for r in rules], ensure_ascii=False
            )
        by_class = self.class_rules(key)
        if by_class:  # likewise a version without class rules (issue 15.2)
            text += ":" + json.dumps(
                [[c, r.code, r.factor, r.rounding, r.screening] for c, r in by_class],
                ensure_ascii=False,
            )
        return hashlib.sha256(text.encode()).hexdigest()


@dataclass(frozen=True)
class StoredVersion:
    """A version already in the library, for the overlap rule."""

    number: str
    year: str
    effective_from: date | None
    abolished_from: date | None

    @property
    def key(self) -> str:
        return f"{self.number}-{self.year}"
