"""The versioned standards library: product categories, test items and their limits.

A *standard* is one version of a numbered standard ("GB 2762" + "2022"); its `key` is
"GB 2762-2022". Versions of one number succeed each other: each is in force from
`effective_from` (inclusive) until `abolished_from` (exclusive); `None` means open-ended.
A *product category* (e.g. 大米) collects test items from several standards (GB 2762 for
contaminants, GB 2761 for mycotoxins, GB 2763 for pesticide residues …). For a sample
taken on a given date, `StandardsLibrary.items_for` returns, for every standard number
that has items for the category, the items of the version in force on that date.

Everything numeric (interval, LOD, LOQ) stays the text the library author typed; it is
checked by parsing it as `Decimal`, never `float`. Limits are checked by
`labdesk.core.limits.parse_limit`. Rows flagged `sample_data` are demonstration values
(the shipped library): the app labels them so and never presents them as authoritative.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from labdesk.core.errors import NotFound, ValidationError
from labdesk.core.limits import LimitSyntaxError, parse_limit

METHODS = ("full", "rounded")
"""Judgement methods (GB/T 8170 §4.3): full value (全数值比较法) or rounded value (修约值比较法)."""

_PLAIN_DECIMAL = re.compile(r"^\d+(\.\d+)?$")
_YEAR = re.compile(r"^\d{4}$")


@dataclass(frozen=True)
class Standard:
    """One version of a standard. `key` ("GB 2762-2022") is how items refer to it."""

    number: str
    year: str
    title: str = ""
    effective_from: date | None = None
    abolished_from: date | None = None
    sample_data: bool = False

    @property
    def key(self) -> str:
        return f"{self.number}-{self.year}"

    def in_force_on(self, on: date) -> bool:
        """effective_from ≤ on < abolished_from (missing ends are open)."""
        if self.effective_from is not None and on < self.effective_from:
            return False
        return self.abolished_from is None or on < self.abolished_from


@dataclass(frozen=True)
class ProductCategory:
    """A product category; `standard` is the number of its main standard (its first item's)."""

    code: str
    name_zh: str
    name_en: str
    standard: str


@dataclass(frozen=True)
class TestItemDef:
    """One test item of a category under one standard version (`standard` is its key).

    `limit` is the limit expression as written (e.g. "≤0.2", "4.0～7.5", "不得检出");
    `interval` the rounding interval (修约间隔) as text, `decimals` the decimal places to
    report, `lod`/`loq` the method's detection/quantitation limits as text.
    """

    __test__ = False  # not a pytest test class despite the name

    category: str
    code: str
    name_zh: str
    name_en: str
    unit: str
    limit: str
    method: str
    interval: str | None
    decimals: int | None
    lod: str | None
    loq: str | None
    test_method: str
    standard: str
    note: str = ""
    # the item's rule (issue 14), frozen onto sample items with the limit
    factor: str | None = None  # 以…计 factor (苯甲酸钠 → 苯甲酸: 0.847)
    rounding: str = "gb8170"  # or "gb4789.2" (colony counts)
    screening: bool = False  # clears a limit, cannot fail it

    def interval_value(self) -> Decimal | None:
        return None if self.interval is None else Decimal(self.interval)

    def lod_value(self) -> Decimal | None:
        return None if self.lod is None else Decimal(self.lod)

    def loq_value(self) -> Decimal | None:
        return None if self.loq is None else Decimal(self.loq)


@dataclass(frozen=True)
class Problem:
    """One thing wrong in a library: `index` is the item's position (None: not item-bound)."""

    index: int | None
    field: str
    message: str


class LibraryError(ValidationError):
    """A standards library broke one or more rules; `problems` lists them all."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems: tuple[Problem, ...] = tuple(problems)
        first = self.problems[0]
        more = f" (and {len(self.problems) - 1} more)" if len(self.problems) > 1 else ""
        super().__init__(first.field, "standards library", f"{first.field}: {first.message}{more}")


# ---------------------------------------------------------------------------------------
# Field checks, shared with the file loader (which adds row numbers).


def check_plain_decimal(text: str) -> str | None:
    """Problem text if `text` is not a plain non-negative decimal like "0.05" or "250"."""
    if not _PLAIN_DECIMAL.match(text):
        return f"{text!r} is not a plain decimal number (digits and at most one point)"
    return None


def check_interval(text: str) -> str | None:
    """Problem text unless `text` is 1, 2 or 5 × 10^n (GB/T 8170 §3.1 修约间隔)."""
    bad = check_plain_decimal(text)
    if bad:
        return bad
    value = Decimal(text)
    if value == 0:
        return "rounding interval must be greater than 0"
    digits = value.normalize().as_tuple().digits
    if digits not in ((1,), (2,), (5,)):
        return f"rounding interval {text} is not 1, 2 or 5 × 10^n"
    return None


def check_decimals(text: str) -> str | None:
    """Problem text unless `text` is a whole number of decimal places written as digits."""
    if not text.isascii() or not text.isdigit():
        return f"decimals {text!r} must be a whole number written in digits (e.g. 2)"
    if int(text) > 12:
        return f"decimals {text} is more than 12"
    return None


def check_limit(text: str) -> str | None:
    """Problem text if the limit expression does not parse (position and expectation named)."""
    if not text.strip():
        return "limit is empty"
    try:
        parse_limit(text)
    except LimitSyntaxError as exc:
        return str(exc)  # names the position and what was expected there
    return None


def item_problems(item: TestItemDef) -> list[tuple[str, str]]:
    """(field, message) for everything wrong with one item taken on its own."""
    found: list[tuple[str, str]] = []
    for field_name in ("category", "code", "name_zh", "standard"):
        if not getattr(item, field_name).strip():
            found.append((field_name, "must not be empty"))
    bad = check_limit(item.limit)
    if bad:
        found.append(("limit", bad))
    if item.method not in METHODS:
        found.append(("method", f"{item.method!r} is not one of: {', '.join(METHODS)}"))
    if item.interval is not None:
        bad = check_interval(item.interval)
        if bad:
            found.append(("interval", bad))
    if item.decimals is not None and not 0 <= item.decimals <= 12:
        found.append(("decimals", f"decimals {item.decimals} must be between 0 and 12"))
    for field_name in ("lod", "loq"):
        text = getattr(item, field_name)
        if text is not None:
            bad = check_plain_decimal(text)
            if bad:
                found.append((field_name, bad))
    if (
        item.lod is not None
        and item.loq is not None
        and _PLAIN_DECIMAL.match(item.lod)
        and _PLAIN_DECIMAL.match(item.loq)
        and Decimal(item.lod) > Decimal(item.loq)
    ):
        found.append(("lod", f"LOD {item.lod} is greater than LOQ {item.loq}"))
    return found


def standard_problems(std: Standard) -> list[tuple[str, str]]:
    found: list[tuple[str, str]] = []
    if not std.number.strip():
        found.append(("standard_number", "must not be empty"))
    if not _YEAR.match(std.year):
        found.append(("standard_year", f"{std.year!r} is not a four-digit year"))
    if (
        std.effective_from is not None
        and std.abolished_from is not None
        and std.abolished_from <= std.effective_from
    ):
        found.append(
            (
                "abolished_from",
                f"{std.key}: abolished_from {std.abolished_from} is not after "
                f"effective_from {std.effective_from}",
            )
        )
    return found


def _overlap(a: Standard, b: Standard) -> bool:
    a_start, b_start = a.effective_from or date.min, b.effective_from or date.min
    a_end, b_end = a.abolished_from or date.max, b.abolished_from or date.max
    return a_start < b_end and b_start < a_end


# ---------------------------------------------------------------------------------------


class StandardsLibrary:
    """An immutable, validated set of standards, categories and test items.

    Construction checks every item (limit parses, method, interval, LOD ≤ LOQ …), that
    every item names a known standard and category, that item codes are unique within a
    category and standard version, that versions of one standard number do not overlap in
    time, and that each category's `standard` is its first item's standard number. All
    problems are raised together as `LibraryError`.
    """

    def __init__(
        self,
        standards: Iterable[Standard],
        categories: Iterable[ProductCategory],
        items: Iterable[TestItemDef],
    ) -> None:
        self._standards = tuple(standards)
        self._categories = tuple(categories)
        self._items = tuple(items)
        problems = self._validate()
        if problems:
            raise LibraryError(problems)
        self._by_key = {s.key: s for s in self._standards}
        self._cat_by_code = {c.code: c for c in self._categories}
        self._items_by_cat: dict[str, list[TestItemDef]] = {c.code: [] for c in self._categories}
        for item in self._items:
            self._items_by_cat[item.category].append(item)

    def _validate(self) -> list[Problem]:
        problems: list[Problem] = []
        by_key: dict[str, Standard] = {}
        for std in self._standards:
            for field_name, message in standard_problems(std):
                problems.append(Problem(None, field_name, message))
            if std.key in by_key:
                problems.append(Problem(None, "standard", f"{std.key} is listed twice"))
            by_key[std.key] = std
        versions: dict[str, list[Standard]] = {}
        for std in by_key.values():
            versions.setdefault(std.number, []).append(std)
        for same in versions.values():
            for i, a in enumerate(same):
                for b in same[i + 1 :]:
                    if _overlap(a, b):
                        problems.append(
                            Problem(
                                None,
                                "effective_from",
                                f"{a.key} and {b.key} are both in force at the same time; "
                                "set abolished_from on the older version",
                            )
                        )
        cats: dict[str, ProductCategory] = {}
        for cat in self._categories:
            if not cat.code.strip():
                problems.append(Problem(None, "category_code", "must not be empty"))
            if cat.code in cats:
                problems.append(Problem(None, "category_code", f"{cat.code} is listed twice"))
            cats[cat.code] = cat
        seen: dict[tuple[str, str, str], int] = {}
        first_item: dict[str, TestItemDef] = {}
        for index, item in enumerate(self._items):
            for field_name, message in item_problems(item):
                problems.append(Problem(index, field_name, message))
            if item.standard and item.standard not in by_key:
                problems.append(Problem(index, "standard", f"unknown standard {item.standard}"))
            if item.category and item.category not in cats:
                problems.append(Problem(index, "category", f"unknown category {item.category}"))
            first_item.setdefault(item.category, item)
            triple = (item.category, item.standard, item.code)
            if triple in seen:
                problems.append(
                    Problem(
                        index,
                        "code",
                        f"item code {item.code} appears twice in category {item.category} "
                        f"under {item.standard} (first at item {seen[triple] + 1})",
                    )
                )
            else:
                seen[triple] = index
        for cat in self._categories:
            head = first_item.get(cat.code)
            if head is None:
                problems.append(Problem(None, "category_code", f"category {cat.code} has no items"))
            elif head.standard in by_key and by_key[head.standard].number != cat.standard:
                problems.append(
                    Problem(
                        None,
                        "category_standard",
                        f"category {cat.code}: main standard {cat.standard} must be the "
                        f"standard of its first item ({by_key[head.standard].number})",
                    )
                )
        used = {item.standard for item in self._items}
        for std in self._standards:
            if std.key not in used:
                problems.append(Problem(None, "standard", f"{std.key} has no items"))
        return problems

    # -- contents ---------------------------------------------------------------------

    @property
    def standards(self) -> tuple[Standard, ...]:
        return self._standards

    @property
    def categories(self) -> tuple[ProductCategory, ...]:
        return self._categories

    @property
    def items(self) -> tuple[TestItemDef, ...]:
        return self._items

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, StandardsLibrary):
            return NotImplemented
        return (self._standards, self._categories, self._items) == (
            other._standards,
            other._categories,
            other._items,
        )

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return (
            f"StandardsLibrary({len(self._standards)} standards, "
            f"{len(self._categories)} categories, {len(self._items)} items)"
        )

    @property
    def has_sample_data(self) -> bool:
        return any(s.sample_data for s in self._standards)

    # -- look-ups ---------------------------------------------------------------------

    def standard(self, key: str) -> Standard:
        """The standard version with this key ("GB 2762-2022"); `NotFound` if absent."""
        try:
            return self._by_key[key]
        except KeyError:
            raise NotFound(f"standard {key} is not in the library") from None

    def versions(self, standard_number: str) -> list[Standard]:
        """All versions of a standard number, oldest first."""
        found = [s for s in self._standards if s.number == standard_number]
        return sorted(found, key=lambda s: (s.effective_from or date.min, s.year))

    def in_force(self, standard_number: str, on: date) -> Standard | None:
        """The version of `standard_number` in force on `on`, or None."""
        for std in self._standards:
            if std.number == standard_number and std.in_force_on(on):
                return std
        return None

    def category(self, code: str) -> ProductCategory:
        """The category with this code; `NotFound` if absent."""
        try:
            return self._cat_by_code[code]
        except KeyError:
            raise NotFound(f"product category {code} is not in the library") from None

    def find_category(self, text: str) -> ProductCategory | None:
        """A category by code (case-insensitive) or exact Chinese / English name."""
        wanted = text.strip()
        if not wanted:
            return None
        folded = wanted.casefold()
        for cat in self._categories:
            if cat.code.casefold() == folded or cat.name_zh == wanted:
                return cat
        for cat in self._categories:
            if cat.name_en.casefold() == folded:
                return cat
        return None

    def standard_numbers_for(self, category_code: str) -> list[str]:
        """Standard numbers with items for the category, the main standard first."""
        numbers: list[str] = []
        for item in self._items_by_cat.get(category_code, []):
            number = self._by_key[item.standard].number
            if number not in numbers:
                numbers.append(number)
        return numbers

    def items_for(self, category_code: str, on: date) -> list[TestItemDef]:
        """Test items for a sample of this category taken on `on`.

        For each standard number the category uses, only the version in force that day
        contributes; a number with no version in force contributes nothing.
        """
        if category_code not in self._cat_by_code:
            raise NotFound(f"product category {category_code} is not in the library")
        return [
            item
            for item in self._items_by_cat[category_code]
            if self._by_key[item.standard].in_force_on(on)
        ]

    def search(self, text: str) -> list[TestItemDef]:
        """Items whose code, names, unit, test method, category or standard contain `text`.

        Case-insensitive; every version is searched (filter with `items_for` for a date).
        Blank text returns every item.
        """
        needle = text.strip().casefold()
        if not needle:
            return list(self._items)
        found = []
        for item in self._items:
            cat = self._cat_by_code[item.category]
            haystack = " ".join(
                (
                    item.code,
                    item.name_zh,
                    item.name_en,
                    item.unit,
                    item.test_method,
                    item.standard,
                    cat.code,
                    cat.name_zh,
                    cat.name_en,
                    self._by_key[item.standard].title,
                )
            ).casefold()
            if needle in haystack:
                found.append(item)
        return found
