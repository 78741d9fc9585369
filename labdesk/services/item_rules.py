"""The issue-14 rule of a sample's frozen test item: its 以…计 factor, its rounding rule
(GB/T 8170, or GB 4789.2 for colony counts) and whether it is a screening measurement.

A library row gives an item its limit (a sampling plan, a limit in another unit than
the result's); how this lab measures it — a salt limited as the acid (苯甲酸钠 → 苯甲酸,
× 0.847), a colony count reported by GB 4789.2, total mercury screened against a
methylmercury limit — is set on the sample's item, with a reason, audited, like the
item's detection limit (`results.set_item_lod`). A current result is judged again under
the new rule and recorded again as a correction when its verdict or display changes.
"""

from __future__ import annotations

from typing import Any

from labdesk.core.errors import ValidationError
from labdesk.core.judgement import Verdict
from labdesk.services import lab_guards
from labdesk.services.busy import retried_when_busy
from labdesk.services.context import ServiceContext
from labdesk.services.permissions import require
from labdesk.services.results import _item_context, change_item, check_state, rule_for

__all__ = ["set_item_rule"]


@retried_when_busy
def set_item_rule(
    ctx: ServiceContext,
    sample_item_id: int,
    *,
    reason: str,
    factor: str | None = None,
    rounding: str | None = None,
    screening: bool | None = None,
) -> Verdict | None:
    """Sets what is given (a factor of "" clears it); returns the current result's new
    verdict, or None when the item has none (or nothing changed)."""
    require(ctx, "enter_result")
    why = (reason or "").strip()
    if not why:
        raise ValidationError(
            "reason",
            "required",
            "reason: required to change an item's rule (修改项目判定规则须填写原因)",
        )
    item = _item_context(ctx.db, sample_item_id)
    check_state(item)
    lab_guards.check_entry(ctx.db, ctx.actor, item)  # it may record a correction
    changes: dict[str, Any] = {}
    if factor is not None:
        changes["factor"] = factor.strip() or None
    if rounding is not None:
        changes["rounding"] = rounding.strip()
    if screening is not None:
        changes["screening"] = int(bool(screening))
    if not changes:
        raise ValidationError(
            "rule",
            "required",
            "give a factor, a rounding rule or the screening flag (请指定要修改的内容)",
        )
    changed = dict(item, **changes)
    rule_for(changed)  # raises for a bad factor, an unknown rounding rule, screening a minimum
    if all(item.get(key) == value for key, value in changes.items()):
        return None
    return change_item(ctx, item, changes, reason=why, action="set_rule")
