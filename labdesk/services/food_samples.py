"""Food samples: the leaf class they are registered against, and the items frozen onto
them — the proposal of `services.food_library` for the form's class, grade, executive
standard and the lab's date rule, changed only with a reason (kept in the audit).

`services.samples` calls these while registering; they take the `SampleForm` (any
object with its fields) and raise `ValidationError` naming the form's field.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from labdesk.core.errors import NotFound, ValidationError
from labdesk.core.limit_conditions import container_condition
from labdesk.store.audit import Writer
from labdesk.store.protocol import Store

_FIELD_ZH = {
    "food_class_code": "食品分类",
    "item_keys": "检验项目",
    "items_reason": "项目变更原因",
}


def _bad(field_name: str, rule: str, message: str) -> ValidationError:
    zh = _FIELD_ZH.get(field_name)
    label = f"{field_name} ({zh})" if zh else field_name
    return ValidationError(field_name, rule, f"{label}: {message}")


def check_food_class(db: Store, code: str) -> None:
    from labdesk.services.food_library import load_tree

    try:
        tree = load_tree(db)
        tree.get(code)
    except NotFound as exc:
        raise _bad("food_class_code", "exists", str(exc)) from None
    if not tree.is_leaf(code):
        raise _bad(
            "food_class_code",
            "leaf",
            f"{tree.path_text(code)} has sub-classes: register the sample against one of "
            "them (请选择最末级分类)",
        )


@dataclass
class FoodItemsChoice:
    """The food items to freeze onto a sample, decided before anything is written."""

    basis: str
    on: date
    items: list[dict[str, Any]]
    added: list[str]
    removed: list[str]
    reason: str
    # each added or removed item's reason (its own, or `reason`)
    reasons: dict[str, str] | None = None


def choose_food_items(db: Store, form: Any) -> FoodItemsChoice:
    """The proposal for the form (template, grade, executive standard, the lab's date
    rule), changed by `form.item_keys` if given — which then needs `items_reason`."""
    from labdesk.services import food_library

    basis, on = food_library.items_date(db, form.sampling_date, form.production_date)
    assert on is not None
    proposal = food_library.proposed_items(
        db,
        form.food_class_code.strip(),
        on,
        grade=form.quality_grade.strip(),
        executive_standard=form.executive_standard.strip(),
    )
    proposed = [i["key"] for i in proposal.items]
    if form.item_keys is None:
        chosen = proposal.items
    else:
        pool = {i["key"]: i for i in proposal.items + proposal.available}
        unknown = [k for k in form.item_keys if k not in pool]
        if unknown:
            raise _bad(
                "item_keys",
                "applicable",
                f"{', '.join(unknown)}: no limit of these items applies to the class on {on}",
            )
        chosen = [pool[k] for k in dict.fromkeys(form.item_keys)]
    if form.item_keys is None:  # the proposal as it is: nothing added or removed
        added: list[str] = []
        removed: list[str] = []
    else:
        keys = [i["key"] for i in chosen]
        proposed_set, key_set = set(proposed), set(keys)
        added = [k for k in keys if k not in proposed_set]
        removed = [k for k in proposed if k not in key_set]
    reason = form.items_reason.strip()
    own = {k: str(v).strip() for k, v in (getattr(form, "item_reasons", None) or {}).items()}
    reasons = {k: own.get(k) or reason for k in (*removed, *added)}
    lacking = [k for k, why in reasons.items() if not why]
    if lacking:
        raise _bad(
            "items_reason",
            "required",
            f"{', '.join(lacking)}: a reason is required to add or remove test items "
            "(增减检验项目须填写原因)",
        )
    if not chosen:
        conditional = ", ".join(
            i["key"] for i in proposal.available if container_condition(i.get("note"))
        )
        if form.item_keys is None and not proposal.template_class and conditional:
            # Only limits with a condition on the food (GB 2762's tin: tinplate) apply.
            raise _bad(
                "item_keys",
                "no_items",
                f"no test item is proposed for {form.food_class_code} on {on}: only {conditional} "
                "apply, each with a condition on the food (its note); choose them if the "
                "sample meets it, with a reason (仅有附条件的检验项目适用，请按条件选择并填写原因)",
            )
        raise _bad(
            "food_class_code",
            "no_items",
            f"no test items for {form.food_class_code} in force on {on}",
        )
    return FoodItemsChoice(basis, on, chosen, added, removed, reason, reasons)


def freeze_food_items(w: Writer, sample_id: int, state: str, choice: FoodItemsChoice) -> int:
    """Freezes the chosen food items (with their sources) and, when the technician
    changed the proposal, records what was added or removed and why."""
    from labdesk.services.library import frozen_item

    own = choice.reasons or {}
    # with no common reason every change has its own: the audit entry names them all
    reason = choice.reason or "; ".join(f"{k}: {why}" for k, why in own.items())
    rows = [frozen_item(sample_id, seq, item) for seq, item in enumerate(choice.items, start=1)]
    w.insert_many("sample_items", rows, action="freeze", reason=reason)
    if choice.added or choice.removed:
        detail = []

        def named(keys: list[str]) -> str:  # an item's own reason beside it
            return ", ".join(
                f"{k}（{own[k]}）" if own.get(k, "") != choice.reason else k for k in keys
            )

        if choice.removed:
            detail.append("removed 删除: " + named(choice.removed))
        if choice.added:
            detail.append("added 增加: " + named(choice.added))
        w.insert(
            "sample_events",
            {
                "sample_id": sample_id,
                "action": "items_changed",
                "from_state": state,
                "to_state": state,
                "user_id": w.actor.user_id,
                "at_utc": w.at_utc,
                "reason": f"{choice.reason} ({'; '.join(detail)})".lstrip(),
            },
            reason=reason,
            action="items_changed",
        )
    return len(rows)
