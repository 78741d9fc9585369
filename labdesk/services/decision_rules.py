"""Which decision rule judges an item (ISO/IEC 17025 7.8.6): per item, or per contract.

Simple acceptance is the default of every item (`sample_items.decision_rule`); a guard
band (w = U) is agreed with the customer, for single items or for every item of a task's
samples (the task standing for the contract). Set by the technical manager with a reason,
audited, and only on items whose sample is not yet exported. A result already recorded
keeps the verdict it got: the rule applies from the next result (a retest, a correction).
"""

from __future__ import annotations

from collections.abc import Sequence

from labdesk.core.decision import check_rule
from labdesk.core.errors import NotFound, ValidationError, WorkflowError
from labdesk.services.busy import retried_when_busy
from labdesk.services.context import ServiceContext
from labdesk.services.permissions import require
from labdesk.store.schema import live_item


@retried_when_busy
def set_items_rule(
    ctx: ServiceContext, sample_item_ids: Sequence[int], rule: str, reason: str
) -> int:
    """Sets the decision rule of the items; returns how many changed."""
    require(ctx, "set_decision_rule")
    check_rule(rule)
    why = (reason or "").strip()
    if not why:
        raise ValidationError(
            "reason", "required", "reason: required to change a decision rule (须填写原因)"
        )
    ids = list(dict.fromkeys(int(i) for i in sample_item_ids))
    rows = []
    for item_id in ids:
        row = ctx.db.query_one(
            "SELECT si.id, si.decision_rule, s.state, s.sample_no FROM sample_items si "
            "JOIN samples s ON s.id = si.sample_id WHERE si.id = ?",
            (item_id,),
        )
        if row is None:
            raise NotFound(f"test item #{item_id} does not exist")
        if row["state"] in ("exported", "cancelled"):
            raise WorkflowError(f"sample {row['sample_no']} is {row['state']}: rule not changed")
        rows.append(row)
    changed = [int(r["id"]) for r in rows if r["decision_rule"] != rule]
    if changed:
        with ctx.db.write(ctx.actor) as w:
            w.update_many(
                "sample_items", changed, {"decision_rule": rule}, reason=why, action="decision_rule"
            )
    return len(changed)


def set_task_rule(ctx: ServiceContext, task_id: int, rule: str, reason: str) -> int:
    """The contract's rule: every item of the task's samples not yet exported."""
    rows = ctx.db.query(
        "SELECT si.id FROM sample_items si JOIN samples s ON s.id = si.sample_id "
        "WHERE s.task_id = ? AND s.state NOT IN ('exported', 'cancelled') "
        f"AND {live_item('si')} ORDER BY si.id",
        (task_id,),
    )
    return set_items_rule(ctx, [int(r[0]) for r in rows], rule, reason)
