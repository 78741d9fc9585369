"""When the law refuses a re-inspection (复检) or an objection (异议) — pure rules (Qt-free).

Refusals, in the order they are checked (the first that applies is the answer; every one
that applies is listed):

- ``late``: applied after the window closed (food: 7 working days after the conclusion is
  received, 食品安全法 art. 88; general products: 15 days, 产品质量法 art. 15);
- ``microbiological`` (food only): a microbiological indicator failed — such failures are
  not re-inspected (the 2014 food sampling order and a 2018 SAMR notice; the current
  article is still to be read, so no article number is printed);
- ``no_backup``: no sealed backup sample (复检备份样品) is kept for the sample;
- ``backup_expired``: the backup sample is past its shelf life on the application day.

How an item is known to be microbiological (`is_microbiological`): its test method is in
the GB 4789 series (食品安全国家标准 食品微生物学检验, e.g. GB 4789.2 菌落总数, GB 4789.4
沙门氏菌), or its unit counts colonies or most probable numbers (CFU, MPN), or its result was
entered as the n units of a sampling plan. Items whose method and unit say neither are
taken as not microbiological: a library that names its methods makes this exact.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

_MICRO_METHOD = re.compile(r"GB\s*(?:/T\s*)?4789(?:\.|\s|-|$)", re.IGNORECASE)
_MICRO_UNIT = re.compile(r"CFU|MPN", re.IGNORECASE)


def is_microbiological(test_method: str, unit: str = "", plan_units: bool = False) -> bool:
    """Whether a test item is a microbiological indicator (module docstring)."""
    return bool(plan_units or _MICRO_METHOD.search(test_method or "") or _MICRO_UNIT.search(unit))


@dataclass(frozen=True)
class Refusal:
    code: str
    zh: str
    en: str

    def message(self) -> str:
        return f"{self.zh} / {self.en}"


@dataclass(frozen=True)
class BackupFacts:
    """The kept backup sample: its shelf-life end (None: no shelf life, e.g. a product)."""

    shelf_life_end: date | None = None


@dataclass(frozen=True)
class ApplicationFacts:
    kind: str  # "reinspection" or "objection"
    food: bool
    applied_on: date
    window_end: date | None  # None: no statutory window known for this case
    failed_microbiological: Sequence[str] = field(default_factory=tuple)  # item names
    backup: BackupFacts | None = None


def refusals(facts: ApplicationFacts) -> list[Refusal]:
    """Every statutory refusal that applies, in checking order ([] = admissible)."""
    out: list[Refusal] = []
    if facts.window_end is not None and facts.applied_on > facts.window_end:
        out.append(
            Refusal(
                "late",
                f"申请日 {facts.applied_on} 已超过期限 {facts.window_end}，逾期不予受理",
                f"applied on {facts.applied_on}, after the window closed on {facts.window_end}",
            )
        )
    if facts.kind != "reinspection":
        return out
    if facts.food and facts.failed_microbiological:
        names = "、".join(facts.failed_microbiological)
        out.append(
            Refusal(
                "microbiological",
                f"微生物指标不合格（{names}）不予复检",
                f"a microbiological indicator failed ({names}): not re-inspected",
            )
        )
    if facts.backup is None:
        out.append(
            Refusal(
                "no_backup",
                "没有封存的复检备份样品，无法复检",
                "no sealed backup sample is kept: nothing to re-inspect",
            )
        )
    elif facts.backup.shelf_life_end is not None and facts.backup.shelf_life_end < facts.applied_on:
        out.append(
            Refusal(
                "backup_expired",
                f"复检备份样品已过保质期（{facts.backup.shelf_life_end}），不予复检",
                f"the backup sample is past its shelf life ({facts.backup.shelf_life_end})",
            )
        )
    return out
