"""Adding a test item to a registered food sample or taking one off, with a reason
(issue 15 item 3), before the sample goes to review.

Adding (`add_food_item`): one more item the library composes for the sample's class,
frozen from the versions in force on the sample's items date.

Removing (`withdraw_item`, any sample):
Rows are never deleted: the item keeps its row, marked withdrawn (`withdrawn_at`,
`withdrawn_by`, `withdrawn_reason`), audited with the reason, plus an `items_changed`
sample event. Every reader that lists what is tested skips it through
`store.schema.live_item`; the batch still carries it (withdrawn, with its audit
entries), so what the lab decided stays on the record.

When: while the sample is still with the laboratory — registered, received, testing or
returned from review (`WITHDRAWABLE_STATES`); once submitted, reviewed or approved the
item list is what the reviewer saw and signed, and the sample goes back (returned) first.

What may not be withdrawn, refused with the reason:
- an item with a result (current or superseded). Its result is evidence the report
  and the conclusion were built on; withdrawing it would hide a measured value. The
  technician corrects the result, or the reviewer judges it; that is the decision this
  module documents (the alternative, keeping the result in the audit but out of the
  conclusion, would let a failing value disappear from a report by a technician's
  click).
- an item in a run that is not cancelled (the run would record a result for it);
- the last item still to be tested (a sample with no items has nothing to report:
  cancel the sample instead).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from labdesk.core.errors import NotFound, ValidationError, WorkflowError
from labdesk.services.busy import retried_when_busy
from labdesk.services.context import ServiceContext
from labdesk.store.protocol import Store
from labdesk.store.schema import live_item

WITHDRAWABLE_STATES = ("registered", "received", "testing", "returned")


def _bad(field_name: str, rule: str, en: str, zh: str) -> ValidationError:
    return ValidationError(field_name, rule, f"{en} ({zh})", en=en, zh=zh)


def _refused(en: str, zh: str) -> WorkflowError:
    """A refusal said in each language alone (the item named in both)."""
    return WorkflowError(f"{en} ({zh})", en=en, zh=zh)


# States in which an item may still be added to a registered food sample: those in
# which one may be removed, before review.
ADDABLE_STATES = WITHDRAWABLE_STATES


def _on(sample: Any) -> date:
    return date.fromisoformat(sample["items_on"] or sample["sampling_date"])


def _live_keys(db: Store, sample_id: int) -> set[str]:
    rows = db.query(
        f"SELECT standard_no, code FROM sample_items WHERE sample_id = ? AND {live_item()}",
        (sample_id,),
    )
    return {f"{r['standard_no']}|{r['code']}" for r in rows}


def addable_items(db: Store, sample: Any) -> dict[str, dict[str, Any]]:
    """The items that could still be added to the food `sample` (a samples row): every
    item the library composes for its class, grade and executive standard on its items
    date, less those on it and not withdrawn (a withdrawn item may come back). By key
    ("GB 2762|SN"), in the proposal's order."""
    from labdesk.services.food_library import proposed_items

    if not sample["food_class_code"]:
        return {}
    proposal = proposed_items(
        db,
        sample["food_class_code"],
        _on(sample),
        grade=sample["quality_grade"],
        executive_standard=sample["executive_standard"],
    )
    present = _live_keys(db, int(sample["id"]))
    return {i["key"]: i for i in proposal.items + proposal.available if i["key"] not in present}


@retried_when_busy
def add_food_item(ctx: Any, sample_id: int, key: str, reason: str) -> int:
    """Technician: adds one applicable item ("GB 2762|SN") to a registered food sample,
    frozen from the versions in force on the sample's items date, with the reason in the
    audit trail and an `items_changed` event. Returns the new sample item's id.

    An item is taken off again with `withdraw_item`.
    """
    from labdesk.services.library import frozen_item
    from labdesk.services.permissions import require

    require(ctx, "edit_sample")
    why = (reason or "").strip()
    if not why:
        raise _bad(
            "items_reason",
            "required",
            "items_reason: a reason is required to add a test item",
            "项目变更原因：增加检验项目须填写原因",
        )
    # The checks read inside the (exclusive) write: nothing can change in between.
    with ctx.db.write(ctx.actor) as w:
        sample = ctx.db.query_one("SELECT * FROM samples WHERE id = ?", (sample_id,))
        if sample is None:
            raise NotFound(f"sample #{sample_id} does not exist (样品不存在)")
        if not sample["food_class_code"]:
            raise _bad(
                "food_class_code",
                "food_sample",
                "food_class_code: only a food sample takes items from the food library",
                "食品分类：只有食品样品可从食品标准库增加项目",
            )
        if sample["state"] not in ADDABLE_STATES:
            raise _refused(
                f"sample {sample['sample_no']} is {sample['state']}: items can be added only "
                f"when {' / '.join(ADDABLE_STATES)}",
                f"样品 {sample['sample_no']} 已提交审核或已结束，不能增加检验项目",
            )
        item = addable_items(ctx.db, sample).get(key)
        if item is None:
            if key in _live_keys(ctx.db, sample_id):
                raise _bad(
                    "item_keys",
                    "unique",
                    f"item_keys: {key} is already on the sample",
                    f"检验项目：{key} 已在该样品上",
                )
            raise _bad(
                "item_keys",
                "applicable",
                f"item_keys: {key}: no limit of this item applies on {_on(sample)}",
                f"检验项目：{key} 在 {_on(sample)} 没有适用于该食品分类的限量",
            )
        seq = 1 + int(
            ctx.db.scalar(
                "SELECT coalesce(max(seq), 0) FROM sample_items WHERE sample_id = ?", (sample_id,)
            )
        )
        item_id = w.insert(
            "sample_items", frozen_item(sample_id, seq, item), reason=why, action="add_item"
        )
        w.insert(
            "sample_events",
            {
                "sample_id": sample_id,
                "action": "items_changed",
                "from_state": sample["state"],
                "to_state": sample["state"],
                "user_id": w.actor.user_id,
                "at_utc": w.at_utc,
                "reason": f"{why} (added 增加: {key})",
            },
            reason=why,
            action="items_changed",
        )
    return item_id


@retried_when_busy
def withdraw_item(ctx: ServiceContext, sample_item_id: int, reason: str) -> None:
    """Technician: withdraws one test item from its sample, with `reason` in the audit
    trail (see the module's rules). The conclusion leaves it out when the sample is
    submitted (`workflow.submit` computes it from the items still to be tested)."""
    from labdesk.services.permissions import require

    require(ctx, "edit_sample")
    why = (reason or "").strip()
    if not why:
        raise _bad(
            "items_reason",
            "required",
            "items_reason: a reason is required to remove a test item",
            "项目变更原因：删除检验项目须填写原因",
        )
    db = ctx.db
    # The checks read inside the (exclusive) write: no result or run can come between.
    with db.write(ctx.actor) as w:
        item = db.query_one(
            "SELECT si.*, s.sample_no, s.state AS sample_state FROM sample_items si "
            "JOIN samples s ON s.id = si.sample_id WHERE si.id = ?",
            (sample_item_id,),
        )
        if item is None:
            raise NotFound(f"test item #{sample_item_id} does not exist (检验项目不存在)")
        label = f"{item['name']} (item {item['seq']} of {item['sample_no']})"
        label_zh = f"{item['sample_no']} 第{item['seq']}项 {item['name']}"
        if item["withdrawn_at"] is not None:
            raise _refused(f"{label} was already removed", f"{label_zh} 已删除")
        if item["sample_state"] not in WITHDRAWABLE_STATES:
            raise _refused(
                f"sample {item['sample_no']} is {item['sample_state']}: items can be removed "
                f"only when {' / '.join(WITHDRAWABLE_STATES)}",
                f"样品 {item['sample_no']} 已提交审核或已结束，不能删除检验项目",
            )
        if db.scalar("SELECT 1 FROM results WHERE sample_item_id = ? LIMIT 1", (sample_item_id,)):
            raise _refused(
                f"{label} has a result: an item with a result cannot be removed — correct the "
                "result or leave it to the reviewer",
                f"{label_zh} 已有检验结果，不能删除：请更正结果或由审核人判定",
            )
        run = db.scalar(
            "SELECT r.run_no FROM run_items ri JOIN runs r ON r.id = ri.run_id "
            "WHERE ri.sample_item_id = ? AND r.state != 'cancelled' ORDER BY r.id LIMIT 1",
            (sample_item_id,),
        )
        if run is not None:
            raise _refused(
                f"{label} is in run {run}: cancel the run or leave the item in it",
                f"{label_zh} 已在检测批 {run} 中，不能删除",
            )
        others = db.scalar(
            f"SELECT count(*) FROM sample_items WHERE sample_id = ? AND id != ? AND {live_item()}",
            (item["sample_id"], sample_item_id),
        )
        if not others:
            raise _refused(
                f"{label} is the sample's last test item: cancel the sample instead",
                f"{label_zh} 是该样品最后一个检验项目，不能删除：请作废样品",
            )
        key = str(item["name"])
        if item["code"]:
            key += f" ({item['standard_no']}|{item['code']})"
        w.update(
            "sample_items",
            sample_item_id,
            {
                "withdrawn_at": w.at_utc,
                "withdrawn_by": w.actor.user_id,
                "withdrawn_reason": why,
            },
            reason=why,
            action="remove_item",
        )
        w.insert(
            "sample_events",
            {
                "sample_id": item["sample_id"],
                "action": "items_changed",
                "from_state": item["sample_state"],
                "to_state": item["sample_state"],
                "user_id": w.actor.user_id,
                "at_utc": w.at_utc,
                "reason": f"{why} (removed 删除: {key})",
            },
            reason=why,
            action="items_changed",
        )


def find_item(db: Any, sample_id: int, ref: str) -> int:
    """The id of the live item of the sample that `ref` names: its "STANDARD|CODE" key,
    its number on the sample (seq) or its exact name. Raises NotFound otherwise."""
    ref = ref.strip()
    rows = db.query(
        "SELECT id, seq, name, standard_no, code FROM sample_items "
        f"WHERE sample_id = ? AND {live_item()} ORDER BY seq",
        (sample_id,),
    )
    for match in (
        lambda r: f"{r['standard_no']}|{r['code']}" == ref,
        lambda r: ref.isdigit() and int(r["seq"]) == int(ref),
        lambda r: r["name"] == ref,
    ):
        found = [r for r in rows if match(r)]
        if len(found) == 1:
            return int(found[0]["id"])
        if len(found) > 1:
            en = f"{ref} names {len(found)} items: give STANDARD|CODE or the number"
            raise NotFound(
                en, en=en, zh=f"{ref} 对应 {len(found)} 个项目：请给出 标准号|代码 或序号"
            )
    en = f"the sample has no test item {ref}"
    raise NotFound(f"{en} (样品无此检验项目)", en=en, zh=f"样品无检验项目 {ref}")
