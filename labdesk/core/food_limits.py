"""Limits written against food classes: cells as the standards print them, and the
composition of a sample's items from every applicable standard.

A limit row belongs to one standard version and one printed food class, possibly with
exclusions ("新鲜蔬菜（叶菜蔬菜、豆类蔬菜除外）"). It applies to every class under its
class (inheritance down the tree) unless the sample's class is, or lies under, an
excluded class; of the rows for the same item of the same standard, the one attached
deepest on the sample's path wins (the most specific row). `compose` does exactly that,
given the candidate rows of the versions in force; it knows nothing of the database.

Cells: an MRL column (GB 2763 最大残留限量, GB 2762 限量, GB 2760 最大使用量) prints a bare
number meaning "at most" — `parse_max_cell` reads "0.02*" as ≤0.02 with the mark "*"
(GB 2763: 该限量为临时限量, a temporary limit), never as a unit. Any other limit column
must say its comparison ("≥0.5", "4.0～7.5"): a bare number there is refused.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from labdesk.core.limits import LimitSyntaxError, parse_limit

# Marks printed after an MRL and what they mean. A mark is data about the limit, kept
# beside it; it is never part of the number or of the unit.
MARKS: dict[str, str] = {
    "*": "临时限量（GB 2763：该限量为临时限量）",
}

# What a standard number is for; anything else is a product standard, which applies to
# a sample only when its label names it (执行标准).
STANDARD_KINDS: dict[str, str] = {
    "GB 2762": "contaminant",
    "GB 2761": "mycotoxin",
    "GB 2763": "pesticide",
    "GB 2763.1": "pesticide",
    "GB 31650": "vet_drug",
    "GB 31650.1": "vet_drug",
    "GB 2760": "additive",
    "GB 29921": "pathogen",
    "GB 31607": "pathogen",
}
KIND_ORDER = (
    "contaminant",
    "mycotoxin",
    "pesticide",
    "vet_drug",
    "additive",
    "pathogen",
    "product",
)
KIND_TITLES = {
    "contaminant": ("污染物", "contaminants"),
    "mycotoxin": ("真菌毒素", "mycotoxins"),
    "pesticide": ("农药残留", "pesticide residues"),
    "vet_drug": ("兽药残留", "veterinary drug residues"),
    "additive": ("食品添加剂", "food additives"),
    "pathogen": ("致病菌", "pathogens"),
    "product": ("产品标准", "product standard"),
}

_PLAIN_NUMBER = re.compile(r"^\d+(?:\.\d+)?$")
_OPEN = "([【{"
_CLOSE = ")]】}"


def standard_kind(number: str) -> str:
    return STANDARD_KINDS.get(" ".join(number.split()), "product")


class CellError(ValueError):
    """A cell that does not read; the message says what was expected."""


# ---------------------------------------------------------------------------------------
# The food class cell: "name（A、B除外）"


def split_exclusions(cell: str) -> tuple[str, tuple[str, ...]]:
    """("新鲜蔬菜", ("叶菜蔬菜", "豆类蔬菜")) from "新鲜蔬菜（叶菜蔬菜、豆类蔬菜除外）".

    Only a trailing bracket whose content ends in 除外 is an exclusion; other brackets
    belong to the name ("小麦粉（包括食用麸皮）", "带馅（料）面米制品"). Names inside may
    carry brackets of their own. CellError for unbalanced brackets.
    """
    text = unicodedata.normalize("NFKC", cell).strip()
    if not text:
        raise CellError("the food class is empty")
    if text[-1] not in _CLOSE:
        _check_balanced(text)
        return text, ()
    depth = 0
    start = -1
    for index in range(len(text) - 1, -1, -1):
        ch = text[index]
        if ch in _CLOSE:
            depth += 1
        elif ch in _OPEN:
            depth -= 1
            if depth == 0:
                start = index
                break
    if start < 0:
        raise CellError(f"unbalanced brackets in {cell!r}")
    inner = text[start + 1 : -1].strip()
    name = text[:start].strip()
    _check_balanced(name)
    if not inner.endswith("除外"):
        return text, ()
    inner = inner[: -len("除外")].strip()
    if not name:
        raise CellError(f"no class name before the exclusions in {cell!r}")
    parts = _split_top_level(inner)
    if not parts:
        raise CellError(f"an exclusion names no class in {cell!r}")
    return name, tuple(parts)


def _check_balanced(text: str) -> None:
    depth = 0
    for ch in text:
        if ch in _OPEN:
            depth += 1
        elif ch in _CLOSE:
            depth -= 1
            if depth < 0:
                raise CellError(f"unbalanced brackets in {text!r}")
    if depth:
        raise CellError(f"unbalanced brackets in {text!r}")


def _split_top_level(text: str) -> list[str]:
    parts: list[str] = []
    depth = 0
    buffer = ""
    for ch in text:
        if ch in _OPEN:
            depth += 1
        elif ch in _CLOSE:
            depth -= 1
        if depth == 0 and ch in "、,;；":
            if buffer.strip():
                parts.append(buffer.strip())
            buffer = ""
            continue
        buffer += ch
    if depth:
        raise CellError(f"unbalanced brackets in {text!r}")
    if buffer.strip():
        parts.append(buffer.strip())
    return parts


def class_cell(name: str, excluded: Sequence[str]) -> str:
    """The printed form of a class with exclusions (inverse of `split_exclusions`)."""
    if not excluded:
        return name
    return f"{name}（{'、'.join(excluded)}除外）"


# ---------------------------------------------------------------------------------------
# Limit cells


def parse_max_cell(cell: str) -> tuple[str, str]:
    """An MRL-column cell → (limit text, mark): "0.02*" → ("≤0.02", "*").

    A bare number means ≤ (a maximum residue / maximum level column); an explicit limit
    ("≤0.02", "不得检出") is taken as written. Marks are those of `MARKS`; anything else
    after the number is refused (a unit belongs in the unit column).
    """
    text = unicodedata.normalize("NFKC", cell).strip()
    mark = ""
    while text and text[-1] in MARKS:
        mark = text[-1] + mark
        text = text[:-1].rstrip()
    if not text:
        raise CellError("the limit is empty")
    if _PLAIN_NUMBER.match(text):
        return f"≤{text}", mark
    number = re.match(r"^\d+(?:\.\d+)?", text)
    if number is not None:
        tail = text[number.end() :].strip()
        raise CellError(
            f"{cell.strip()!r}: {tail!r} after the number is not a known mark (known: "
            f"{', '.join(MARKS)}); a unit goes in the unit column"
        )
    try:
        parse_limit(text)
    except LimitSyntaxError as exc:
        raise CellError(str(exc)) from None
    return text, mark


def parse_explicit_cell(cell: str, column: str) -> str:
    """A limit cell of a column that is not an MRL column: the comparison must be written."""
    text = cell.strip()
    if not text:
        raise CellError("the limit is empty")
    if _PLAIN_NUMBER.match(unicodedata.normalize("NFKC", text)):
        raise CellError(
            f"{text!r} is a bare number in the column {column}, which is not an MRL column: "
            f"write the comparison (≤{text}, ≥{text} …); only an MRL/限量 column reads a bare "
            "number as ≤"
        )
    try:
        parse_limit(text)
    except LimitSyntaxError as exc:
        raise CellError(str(exc)) from None
    return text


# ---------------------------------------------------------------------------------------
# Composition


@dataclass(slots=True)
class Candidate:
    """A stored limit row as the composer sees it; `row` is whatever the caller keeps."""

    standard_no: str
    item_code: str
    class_code: str
    excluded: frozenset[str]
    grade: str
    kind: str
    order: int
    row: Any


@dataclass(frozen=True)
class Composed:
    """The winning row for one item, and the class on the sample's path it came from."""

    candidate: Candidate
    depth: int


@dataclass(frozen=True)
class Composition:
    items: tuple[Composed, ...]
    # standard numbers whose graded rows were left out because the sample names no grade
    needs_grade: tuple[str, ...] = ()


def compose(path: Sequence[str], candidates: Iterable[Candidate], grade: str = "") -> Composition:
    """For a sample whose class has `path` (root first), the rows that apply.

    A row applies when its class is on the path, no excluded class is on the path, and
    its grade (if any) is the sample's. Per (standard number, item) the deepest row wins.
    """
    depth_of = {code: depth for depth, code in enumerate(path)}
    on_path = depth_of.keys()
    best: dict[tuple[str, str], Composed] = {}
    needs_grade: set[str] = set()
    wanted_grade = grade.strip()
    for cand in candidates:
        depth = depth_of.get(cand.class_code)
        if depth is None or not cand.excluded.isdisjoint(on_path):
            continue
        if cand.grade and cand.grade != wanted_grade:
            if not wanted_grade:
                needs_grade.add(cand.standard_no)
            continue
        key = (cand.standard_no, cand.item_code)
        known = best.get(key)
        if known is None or depth > known.depth:
            best[key] = Composed(cand, depth)
    rank = {kind: i for i, kind in enumerate(KIND_ORDER)}
    items = sorted(
        best.values(),
        key=lambda c: (rank.get(c.candidate.kind, len(rank)), c.candidate.order),
    )
    return Composition(tuple(items), tuple(sorted(needs_grade)))


def source_text(standard_key: str, table: str, class_name: str, sample_class: str) -> str:
    """Where a limit came from: "GB 2762-2022 表1, 谷物及其制品 → 大米"."""
    head = f"{standard_key} {table}".strip()
    if normalize_plain(class_name) == normalize_plain(sample_class):
        return f"{head}, {class_name}"
    return f"{head}, {class_name} → {sample_class}"


def normalize_plain(text: str) -> str:
    return "".join(unicodedata.normalize("NFKC", text).split())
