"""The units (1#…n#) of a sampling-plan item in the result grid.

A plan item is judged on all its n units together (one verdict, GB 4789.1), and the
service stores them as one result (text ``80;120;<10;95;300``, one `result_values` row per
unit). In the grid each unit has its own cell: a unit typed is checked at once (a bad
value is refused naming its n#) and kept as typed in the row; when the last unit is in,
the n values are committed together through `services.results.enter_result`. Until
then the row says how many units are still missing and that nothing is saved yet.

A unit changed on a plan whose n units are already stored is committed at once (a
correction of the whole result, like any cell).
"""

from __future__ import annotations

from collections.abc import Iterable

from labdesk.core.plans import read_unit, split_units
from labdesk.services import drafts


def plan_n(limit_text: str | None) -> int:
    """n of a sampling-plan limit, 0 for any other limit (or a plan that does not read:
    its result cell shows the reason, as for any unreadable limit)."""
    return drafts.plan_n(limit_text)


def widest_plan(limit_texts: Iterable[str | None]) -> int:
    """The largest n among `limit_texts` (how many unit columns the grid needs)."""
    return max((plan_n(t) for t in set(limit_texts)), default=0)


def stored_units(result_text: str | None, n: int) -> list[str]:
    """The n unit values of a stored plan result (empty strings when none is stored)."""
    text = str(result_text or "")
    parts = split_units(text) if text else []
    return (parts + [""] * n)[:n]


def checked_unit(text: str, number: int) -> str:
    """`text` as unit `number` (1-based), stripped; ValidationError naming n# if it does
    not read as one unit value."""
    read_unit(text, number)
    return text.strip()


def joined(units: list[str]) -> str:
    """The plan result as the service takes it: the units in order, separated by ;"""
    return ";".join(units)


def missing(units: list[str]) -> int:
    return sum(1 for u in units if not u)


def spread(units: list[str], number: int, text: str) -> list[str]:
    """`units` with `text` typed at unit `number` (1-based): one value, or several
    separated by ; (or tabs, as pasted) filling that unit and the ones after it.
    Each value is checked; more values than units left is refused naming the plan's n."""
    from labdesk.core.errors import ValidationError

    out = list(units)
    parts = split_units(text) if text.strip() else [""]
    if number - 1 + len(parts) > len(out):
        raise ValidationError(
            "result",
            "unit_count",
            f"result {number}#: {len(parts)} values from unit {number}# do not fit a plan of "
            f"n={len(out)} units （从第 {number} 个样品单元起填 {len(parts)} 个结果，"
            f"超出 n={len(out)}）",
        )
    for offset, part in enumerate(parts):
        at = number + offset
        out[at - 1] = checked_unit(part, at) if part else ""
    return out
