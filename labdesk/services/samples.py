"""Samples: registering a sampling form (抽样单), freezing its test items, the early states.

`register_sample` validates the whole form first (each problem a
`ValidationError(field, rule)`; nothing is written unless all is well), then in one
audited transaction inserts the sample, copies the test items of the library version in
force on the sampling date onto it (so a later library change never alters its limits)
and records the `register` event. Transitions are always audited twice: the
`samples.state` field change and a `sample_events` row with who, when and why.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field, fields
from datetime import UTC, date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from labdesk.core.errors import NotFound, ValidationError, WorkflowError
from labdesk.core.uscc import require_uscc
from labdesk.services import clocks
from labdesk.services.busy import retried_when_busy
from labdesk.services.context import ServiceContext
from labdesk.services.food_samples import check_food_class, choose_food_items, freeze_food_items
from labdesk.services.permissions import require
from labdesk.store.audit import Actor, Writer
from labdesk.store.db import Database
from labdesk.store.protocol import Store
from labdesk.store.schema import PACKAGING

REGION_TYPES = ("城市", "乡村", "城乡结合部", "景点")
PLACE_TYPES = (
    "原辅料库",
    "生产线",
    "成品库",
    "批发市场",
    "农贸市场",
    "商场",
    "超市",
    "小食杂店",
    "网购",
    "餐饮",
)
# States from which a sample may still be cancelled.
CANCELLABLE = ("draft", "registered", "received", "testing", "submitted", "reviewed", "returned")


@dataclass
class SampleForm:
    """Every field of the sampling form. Dates are `date`; numbers are decimal text."""

    sample_no: str
    sample_name: str
    category_code: str
    sampling_date: date | None
    enterprise_uscc: str = ""
    enterprise_id: int | None = None
    task_no: str = ""
    task_id: int | None = None
    region_type: str = ""
    place_type: str = ""
    producer_name: str = ""
    producer_address: str = ""
    producer_phone: str = ""
    brand: str = ""
    spec_model: str = ""
    batch_no: str = ""
    production_date: date | None = None
    shelf_life: str = ""
    executive_standard: str = ""
    quality_grade: str = ""
    licence_no: str = ""
    lot_size: str = ""
    sample_qty: str = ""
    reserve_qty: str = ""
    qty_unit: str = ""
    packaging: str = ""
    unit_price: str = ""
    samplers: list[str] = field(default_factory=list)
    sampling_org: str = ""
    sealed: bool = False
    unit_acknowledged: bool = False
    # The sampled unit refused to sign (被抽样单位拒绝签字): noted on the form with a witness.
    unit_refused_sign: bool = False
    refusal_witness: str = ""
    # A food sample names a leaf of the food classification instead of a category of
    # the flat library (non-food products keep category_code).
    food_class_code: str = ""
    # The items to freeze, as food-library keys ("GB 2762|PB"); None = the proposal.
    # A choice that differs from the proposal needs `items_reason` (kept in the audit).
    item_keys: list[str] | None = None
    items_reason: str = ""
    # Each added or removed item's own reason, by key (issue 15.3); `items_reason` is
    # the reason of those without one.
    item_reasons: dict[str, str] | None = None


# Registration-time choices, not stored columns of the sample.
_NOT_STORED = ("item_keys", "items_reason", "item_reasons")


# Form fields copied to the samples table as they are (text).
_TEXT_FIELDS = (
    "region_type",
    "place_type",
    "producer_name",
    "producer_address",
    "producer_phone",
    "brand",
    "spec_model",
    "batch_no",
    "shelf_life",
    "executive_standard",
    "quality_grade",
    "licence_no",
    "qty_unit",
    "sampling_org",
)
_QTY_FIELDS = ("lot_size", "sample_qty", "reserve_qty", "unit_price")
_FIELD_ZH = {
    "sample_no": "抽样单编号",
    "sample_name": "样品名称",
    "category_code": "产品类别",
    "food_class_code": "食品分类",
    "item_keys": "检验项目",
    "items_reason": "项目变更原因",
    "sampling_date": "抽样日期",
    "production_date": "生产日期",
    "enterprise_uscc": "被抽样单位",
    "task_no": "任务编号",
    "samplers": "抽样人员",
    "lot_size": "抽样基数",
    "sample_qty": "抽样数量",
    "reserve_qty": "备样数量",
    "unit_price": "单价",
    "packaging": "包装",
    "sealed": "封样",
    "unit_acknowledged": "被抽样单位签字",
    "refusal_witness": "见证人",
}


def _bad(field_name: str, rule: str, message: str) -> ValidationError:
    zh = _FIELD_ZH.get(field_name)
    label = f"{field_name} ({zh})" if zh else field_name
    return ValidationError(field_name, rule, f"{label}: {message}")


def now_iso() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _decimal_text(field_name: str, text: str) -> str:
    value = text.strip()
    if not value:
        return ""
    try:
        number = Decimal(value)
    except InvalidOperation:
        raise _bad(field_name, "decimal", f"{value!r} is not a number") from None
    if not number.is_finite() or "e" in value.lower():
        raise _bad(field_name, "decimal", f"{value!r} is not a plain decimal number")
    if number < 0:
        raise _bad(field_name, "non_negative", f"{value} must not be negative (不能为负数)")
    return value


def _samplers(names: list[str]) -> list[str]:
    cleaned = [n.strip() for n in names if n and n.strip()]
    if len(cleaned) < 2:
        raise _bad(
            "samplers",
            "at_least_two",
            "at least two named samplers are required (至少两名抽样人员)",
        )
    if len(set(cleaned)) != len(cleaned):
        raise _bad("samplers", "distinct", "the samplers must be different people (抽样人员重复)")
    return cleaned


def check_acknowledgement(form: SampleForm, samplers: list[str]) -> None:
    """A registered form is sealed (封样) and signed by the sampled unit — or its refusal
    to sign is noted with a witness who is not one of the samplers."""
    if not form.sealed:
        raise _bad(
            "sealed",
            "required",
            "the sample must be sealed before the form is registered; keep it as a draft "
            "until then (样品封样后方可登记)",
        )
    witness = form.refusal_witness.strip()
    if form.unit_acknowledged and form.unit_refused_sign:
        raise _bad(
            "unit_acknowledged",
            "one_of",
            "the sampled unit either signed or refused to sign, not both (签字与拒签只能选一)",
        )
    if not form.unit_acknowledged and not form.unit_refused_sign:
        raise _bad(
            "unit_acknowledged",
            "required",
            "the sampled unit's signature is required; if it refused, note the refusal and "
            "name a witness (被抽样单位须签字确认；拒绝签字的注明情况并由见证人签字)",
        )
    if form.unit_refused_sign and not witness:
        raise _bad(
            "refusal_witness",
            "required",
            "a refusal to sign is recorded with a witness (拒绝签字须填写见证人)",
        )
    if form.unit_refused_sign and witness in samplers:
        raise _bad(
            "refusal_witness",
            "not_a_sampler",
            "the witness must be someone other than the samplers (见证人不能是抽样人员)",
        )


def resolve_enterprise(db: Store, form: SampleForm) -> int | None:
    if form.enterprise_id is not None:
        if not db.scalar("SELECT 1 FROM enterprises WHERE id = ?", (form.enterprise_id,)):
            raise _bad(
                "enterprise_id", "exists", f"enterprise #{form.enterprise_id} does not exist"
            )
        return form.enterprise_id
    if not form.enterprise_uscc.strip():
        return None
    # The validator's own normalisation (any whitespace, lower case) and its reason on
    # refusal (length, character set, division code, check character…).
    code = require_uscc(form.enterprise_uscc, field="enterprise_uscc")
    found = db.scalar("SELECT id FROM enterprises WHERE uscc = ?", (code,))
    if found is None:
        raise _bad(
            "enterprise_uscc",
            "exists",
            f"no registered enterprise has the code {code}; register the enterprise first "
            "(被抽样单位未登记)",
        )
    return int(found)


def resolve_task(db: Store, form: SampleForm) -> int | None:
    if form.task_id is not None:
        if not db.scalar("SELECT 1 FROM tasks WHERE id = ?", (form.task_id,)):
            raise _bad("task_id", "exists", f"task #{form.task_id} does not exist")
        return form.task_id
    if not form.task_no.strip():
        return None
    found = db.scalar("SELECT id FROM tasks WHERE task_no = ?", (form.task_no.strip(),))
    if found is None:
        raise _bad("task_no", "exists", f"no task numbered {form.task_no.strip()} (任务不存在)")
    return int(found)


_ACKNOWLEDGEMENT_FIELDS = ("sealed", "unit_acknowledged", "unit_refused_sign", "refusal_witness")


def sample_values(
    db: Store,
    form: SampleForm,
    *,
    draft: bool,
    today: date | None = None,
    acknowledgement: bool = True,
) -> dict[str, Any]:
    """Validated column values for the form (raises the first ValidationError).

    A form that is not a draft must be sealed and signed (or its refusal witnessed:
    `check_acknowledgement`); `acknowledgement=False` skips that check for a correction
    that does not touch those fields (a sample registered before the rule existed)."""
    today = today or date.today()
    if not form.sample_no.strip():
        raise _bad("sample_no", "required", "required")
    enterprise_id = resolve_enterprise(db, form)
    task_id = resolve_task(db, form)
    if not draft:
        if enterprise_id is None:
            raise _bad("enterprise_uscc", "required", "the sampled unit is required")
        if task_id is None:
            raise _bad("task_no", "required", "the sampling task is required")
        if not form.sample_name.strip():
            raise _bad("sample_name", "required", "required")
        if not form.category_code.strip() and not form.food_class_code.strip():
            raise _bad(
                "category_code",
                "required",
                "required: a product category or a food class (请选择产品类别或食品分类)",
            )
        if form.sampling_date is None:
            raise _bad("sampling_date", "required", "required")
    if form.category_code.strip() and not db.scalar(
        "SELECT 1 FROM lib_categories WHERE code = ?", (form.category_code.strip(),)
    ):
        raise _bad(
            "category_code", "exists", f"{form.category_code} is not in the standards library"
        )
    if form.category_code.strip() and form.food_class_code.strip():
        raise _bad(
            "food_class_code",
            "one_of",
            "a sample has a product category or a food class, not both (二者择一)",
        )
    if form.food_class_code.strip():
        check_food_class(db, form.food_class_code.strip())
    if form.sampling_date is not None and form.sampling_date > today:
        raise _bad("sampling_date", "not_future", f"{form.sampling_date} is in the future")
    if (
        form.production_date is not None
        and form.sampling_date is not None
        and form.production_date > form.sampling_date
    ):
        raise _bad(
            "production_date",
            "not_after_sampling",
            f"{form.production_date} is after the sampling date {form.sampling_date} "
            "(生产日期晚于抽样日期)",
        )
    samplers = _samplers(form.samplers) if (form.samplers or not draft) else []
    if not draft and acknowledgement:
        check_acknowledgement(form, samplers)
    if form.packaging not in ("", *PACKAGING):
        raise _bad("packaging", "one_of", f"must be one of {' / '.join(PACKAGING)}")
    values: dict[str, Any] = {
        "sample_no": form.sample_no.strip(),
        "task_id": task_id,
        "enterprise_id": enterprise_id,
        "sample_name": form.sample_name.strip(),
        "category_code": form.category_code.strip(),
        "sampling_date": form.sampling_date.isoformat() if form.sampling_date else None,
        "production_date": form.production_date.isoformat() if form.production_date else None,
        "packaging": form.packaging,
        "samplers": json.dumps(samplers, ensure_ascii=False),
        "sealed": int(form.sealed),
        "unit_acknowledged": int(form.unit_acknowledged),
    }
    if form.unit_refused_sign:
        # Written only when set (the columns default to 0 / ''): a form without a refusal
        # writes the same row as before they existed. `update_sample` clears them.
        values["unit_refused_sign"] = 1
        values["refusal_witness"] = form.refusal_witness.strip()
    if form.food_class_code.strip():
        # (only when set: a flat-library sample writes the columns it always had)
        values["food_class_code"] = form.food_class_code.strip()
    for name in _TEXT_FIELDS:
        values[name] = str(getattr(form, name)).strip()
    for name in _QTY_FIELDS:
        values[name] = _decimal_text(name, getattr(form, name))
    return values


def freeze_items(w: Writer, sample_id: int, category_code: str, on: date) -> int:
    """Copies the library items in force on `on` onto the sample; returns how many."""
    from labdesk.services.library import frozen_item, items_for

    items = items_for(w.db, category_code, on)
    if not items:
        raise _bad(
            "category_code",
            "no_items",
            f"the library has no test items for {category_code} in force on {on}",
        )
    rows = [frozen_item(sample_id, seq, item) for seq, item in enumerate(items, start=1)]
    w.insert_many("sample_items", rows, action="freeze")
    return len(rows)


def transition(
    w: Writer,
    sample_id: int,
    from_state: str,
    to_state: str,
    action: str,
    *,
    reason: str = "",
    extra: dict[str, Any] | None = None,
) -> None:
    """Moves a sample between states: the state field and a sample_events row, audited."""
    changes = dict(extra or {})
    if from_state != to_state:
        changes["state"] = to_state
    if changes:
        w.update("samples", sample_id, changes, reason=reason, action=action)
    record_event(w, sample_id, from_state, to_state, action, reason=reason)


def record_event(
    w: Writer, sample_id: int, from_state: str, to_state: str, action: str, *, reason: str = ""
) -> None:
    """The sample_events row of a move whose state is already written (a sample inserted
    in its first state: `transition` would read the row back to find nothing to change)."""
    w.insert(
        "sample_events",
        event_row(sample_id, from_state, to_state, action, w.actor, w.at_utc, reason=reason),
        reason=reason,
        action=action,
    )


def event_row(
    sample_id: int,
    from_state: str,
    to_state: str,
    action: str,
    actor: Actor,
    at_utc: str,
    *,
    reason: str = "",
) -> dict[str, Any]:
    """The sample_events row (no id) of a move by `actor` at `at_utc`."""
    return {
        "sample_id": sample_id,
        "action": action,
        "from_state": from_state,
        "to_state": to_state,
        "user_id": actor.user_id,
        "at_utc": at_utc,
        "reason": reason,
    }


def locked_sample(w: Writer, sample_id: int) -> dict[str, Any]:
    """The sample's row, held until the commit (on a server `FOR UPDATE`): a check made
    on it — and on its items' results, which are written only by a transaction holding
    the same row — holds in a `shared` write too (audit.write)."""
    row = w.lock_joined("SELECT s.* FROM samples s WHERE s.id = ?", (sample_id,), "s")
    if row is None:
        raise NotFound(f"sample #{sample_id} does not exist (样品不存在)")
    return dict(row)


def load_sample(db: Database, sample_id: int) -> dict[str, Any]:
    row = db.query_one("SELECT * FROM samples WHERE id = ?", (sample_id,))
    if row is None:
        raise NotFound(f"sample #{sample_id} does not exist (样品不存在)")
    return dict(row)


def expect_state(sample: dict[str, Any], allowed: tuple[str, ...], doing: str) -> None:
    if sample["state"] not in allowed:
        raise WorkflowError(
            f"sample {sample['sample_no']} is {sample['state']}: cannot {doing} "
            f"(only when {' / '.join(allowed)})"
        )


@retried_when_busy
def register_sample(ctx: ServiceContext, form: SampleForm, *, draft: bool = False) -> int:
    """Registers a sampling form (state `registered`, items frozen) or saves a draft."""
    require(ctx, "register_sample")
    values = sample_values(ctx.db, form, draft=draft)
    if ctx.db.scalar("SELECT 1 FROM samples WHERE sample_no = ?", (values["sample_no"],)):
        raise _bad("sample_no", "unique", f"{values['sample_no']} already exists (编号重复)")
    values.update(
        state="draft" if draft else "registered",
        created_by=ctx.actor.user_id,
        created_at=now_iso(),
    )
    choice = None
    if not draft and values.get("food_class_code"):
        choice = choose_food_items(ctx.db, form)
        values.update(items_basis=choice.basis, items_on=choice.on.isoformat())
    with ctx.db.write(ctx.actor) as w:
        sample_id = w.insert("samples", values, action="register")
        if choice is not None:
            freeze_food_items(w, sample_id, values["state"], choice)
        elif not draft:
            assert form.sampling_date is not None
            freeze_items(w, sample_id, values["category_code"], form.sampling_date)
        record_event(w, sample_id, "draft", values["state"], "draft" if draft else "register")
        if not draft:
            clocks.refresh_in(w, [sample_id], reason="register")
    return sample_id


def _form_from_row(db: Database, sample: dict[str, Any]) -> SampleForm:
    kwargs: dict[str, Any] = {}
    for f in fields(SampleForm):
        if f.name in ("enterprise_uscc", "task_no", *_NOT_STORED):
            continue
        value = sample.get(f.name)
        if f.name in ("sampling_date", "production_date"):
            value = date.fromisoformat(value) if value else None
        elif f.name == "samplers":
            value = json.loads(value or "[]")
        elif f.name in ("sealed", "unit_acknowledged", "unit_refused_sign"):
            value = bool(value)
        elif value is None and f.name not in ("enterprise_id", "task_id"):
            value = ""
        kwargs[f.name] = value
    return SampleForm(**kwargs)


def sample_form(db: Database, sample_id: int) -> SampleForm:
    """The stored sampling form of a sample (for reopening it to correct or complete)."""
    return _form_from_row(db, load_sample(db, sample_id))


@retried_when_busy
def update_sample(
    ctx: ServiceContext, sample_id: int, changes: dict[str, Any], *, reason: str | None = None
) -> None:
    """Changes form fields. Before receipt no reason is needed; afterwards one is.

    Changing the category or sampling date of a registered sample re-freezes nothing:
    the items stay those frozen at registration (cancel and re-register instead).
    """
    require(ctx, "edit_sample")
    sample = load_sample(ctx.db, sample_id)
    expect_state(
        sample,
        ("draft", "registered", "received", "testing", "returned"),
        "edit the sampling form",
    )
    if sample["state"] not in ("draft", "registered") and not (reason and reason.strip()):
        raise ValidationError(
            "reason", "required", "reason: required to change a received sample (请填写修改原因)"
        )
    form = _form_from_row(ctx.db, sample)
    allowed = {f.name for f in fields(SampleForm)} - {"sample_no"}
    for key, value in changes.items():
        if key not in allowed:
            raise ValidationError(key, "not_editable", f"{key}: cannot be changed here")
        setattr(form, key, value)
    if (
        sample["state"] != "draft"
        and (
            "category_code" in changes or "sampling_date" in changes or "food_class_code" in changes
        )
        and (
            form.category_code != sample["category_code"]
            or form.food_class_code != sample["food_class_code"]
            or (form.sampling_date and form.sampling_date.isoformat() != sample["sampling_date"])
        )
    ):
        raise WorkflowError(
            "the category and sampling date fix the test items: cancel the sample and "
            "register it again to change them"
        )
    values = sample_values(
        ctx.db,
        form,
        draft=sample["state"] == "draft",
        acknowledgement=any(key in changes for key in _ACKNOWLEDGEMENT_FIELDS),
    )
    values.pop("sample_no")
    if sample.get("unit_refused_sign"):
        values.setdefault("unit_refused_sign", 0)  # the refusal was withdrawn
        values.setdefault("refusal_witness", "")
    with ctx.db.write(ctx.actor) as w:
        w.update("samples", sample_id, values, reason=(reason or "").strip())
        if sample["state"] != "draft":
            clocks.refresh_in(w, [sample_id], reason=(reason or "").strip())


@retried_when_busy
def complete_draft(
    ctx: ServiceContext, sample_id: int, changes: dict[str, Any] | None = None
) -> None:
    """Draft → registered: validates the full form and freezes the items."""
    require(ctx, "register_sample")
    sample = load_sample(ctx.db, sample_id)
    expect_state(sample, ("draft",), "complete the draft")
    form = _form_from_row(ctx.db, sample)
    for key, value in (changes or {}).items():
        setattr(form, key, value)
    values = sample_values(ctx.db, form, draft=False)
    values.pop("sample_no")
    choice = None
    if values.get("food_class_code"):
        choice = choose_food_items(ctx.db, form)
        values.update(items_basis=choice.basis, items_on=choice.on.isoformat())
    with ctx.db.write(ctx.actor) as w:
        w.update("samples", sample_id, values)
        if choice is not None:
            freeze_food_items(w, sample_id, "draft", choice)
        else:
            assert form.sampling_date is not None
            freeze_items(w, sample_id, values["category_code"], form.sampling_date)
        transition(w, sample_id, "draft", "registered", "register")
        clocks.refresh_in(w, [sample_id], reason="register")


@retried_when_busy
def receive_sample(ctx: ServiceContext, sample_id: int, received_date: date | None = None) -> None:
    """Registered → received; the report falls due 20 working days later (official
    calendar; left open, waiting for the year's calendar, when that year is unknown)."""
    require(ctx, "receive_sample")
    day = received_date or date.today()
    # Checked in the write, on the row as it is then: read before it, two desks receiving
    # one sample at once both passed and both recorded the receipt.
    with ctx.db.write(ctx.actor) as w:
        sample = locked_sample(w, sample_id)
        expect_state(sample, ("registered",), "receive it")
        if sample["sampling_date"] and day < date.fromisoformat(sample["sampling_date"]):
            raise _bad("received_date", "not_before_sampling", f"{day} is before the sampling date")
        transition(
            w,
            sample_id,
            "registered",
            "received",
            "receive",
            extra={"received_date": day.isoformat()},
        )
        clocks.refresh_in(w, [sample_id], reason="receive")


@retried_when_busy
def start_testing(ctx: ServiceContext, sample_id: int) -> None:
    """Received (or returned) → testing."""
    require(ctx, "start_testing")
    with ctx.db.write(ctx.actor) as w:  # checked in the write, as receive_sample is
        sample = locked_sample(w, sample_id)
        expect_state(sample, ("received", "returned"), "start testing")
        transition(w, sample_id, sample["state"], "testing", "start_testing")


@retried_when_busy
def cancel_sample(ctx: ServiceContext, sample_id: int, reason: str) -> None:
    """Any open state → cancelled (reason required; nothing is deleted)."""
    require(ctx, "cancel")
    if not reason or not reason.strip():
        raise ValidationError(
            "reason", "required", "reason: required to cancel a sample (请填写原因)"
        )
    with ctx.db.write(ctx.actor) as w:  # checked in the write, as receive_sample is
        sample = locked_sample(w, sample_id)
        expect_state(sample, CANCELLABLE, "cancel it")
        transition(w, sample_id, sample["state"], "cancelled", "cancel", reason=reason.strip())
