"""Sampling-plan rows of a limit table: GB 29921-2021 prints its plans as columns
n / c / m / M (and 单位), not as one limit cell. `plan_records` turns such a table into
the library's layout: the four columns become one 指标 cell in the plan syntax of
`core.plans` (``n=5,c=1,m=100 CFU/g,M=1000 CFU/g``; a presence plan ``n=5,c=0,m=0 /25 g``),
which `core.limits.parse_limit` then reads and checks like any limit (c > n, m > M …
are reported on the row). Every other column passes through unchanged, so a plans file
carries its own standard, source and 样例数据 flag: rows whose source is not confirmed
stay marked as sample data (resources/standards/gb29921-2021-plans.csv is, row by row).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator

__all__ = ["PLAN_COLUMNS", "plan_records"]

PLAN_COLUMNS = ("n", "c", "m", "M")
_LIMIT_HEADER = "指标"
_NONE = frozenset({"", "-", "—", "/", "－", "——"})


def _key(title: str) -> str:
    return re.sub(r"\s", "", unicodedata.normalize("NFKC", title)).lstrip("\ufeff")


def plan_records(records: Iterator[list[str]]) -> Iterator[list[str]]:
    """``records`` (header first) with n/c/m/M folded into one 指标 column, when the
    header has all four and no limit column of its own; otherwise unchanged."""
    header = next(records, None)
    if header is None:
        return
    keys = [_key(title) for title in header]
    # n/c/m/M are case-sensitive (m and M differ), so they are matched exactly.
    where = {name: keys.index(name) for name in PLAN_COLUMNS if name in keys}
    if len(where) != len(PLAN_COLUMNS) or _LIMIT_HEADER in keys:
        yield header
        yield from records
        return
    unit_at = next((i for i, k in enumerate(keys) if k.casefold() in ("单位", "unit")), None)
    drop = set(where.values())
    yield [t for i, t in enumerate(header) if i not in drop] + [_LIMIT_HEADER]
    for record in records:
        cells = record + [""] * (len(header) - len(record))
        rest = [c for i, c in enumerate(cells) if i not in drop]
        if not "".join(cells).strip():
            yield [*rest, ""]
            continue
        n, c, m, big = (cells[where[name]].strip() for name in PLAN_COLUMNS)
        unit = cells[unit_at].strip() if unit_at is not None else ""
        if unit.startswith(("/", "每")):
            text = f"n={n},c={c},m={m} {unit}"
            if big not in _NONE:
                text += f",M={big}"
        else:
            spaced = f" {unit}" if unit else ""
            text = f"n={n},c={c},m={m}{spaced}"
            if big not in _NONE:
                text += f",M={big}{spaced}"
        yield [*rest, text]
