"""The equipment register (ISO/IEC 17025 6.4): due dates, status, one rule of validity.

Each instrument carries the last day its calibration (校准), verification (检定) and
intermediate check (期间核查) are valid — "valid through" dates: on the day itself the
instrument may be used, the day after it may not. An instrument is usable on a day when
it is in service and none of its dates has passed (`problems`, in the spirit of
SENAITE's `isOutOfDate`/`isValid` but as one function). A run on an unusable instrument
is refused unless the technical manager (the manager role) has allowed it, with a reason,
through a stated day (`allow_past_due`); the run records that reason and who gave it.

The column mapping of the files the instrument exports is kept on it
(`import_mapping`, JSON), so the next import of the same instrument is mapped already.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from labdesk.core.errors import NotFound, PermissionDenied, ValidationError, WorkflowError
from labdesk.services.busy import retried_when_busy
from labdesk.services.context import ServiceContext
from labdesk.services.permissions import can, require
from labdesk.services.samples import now_iso
from labdesk.store.protocol import Store

DATE_FIELDS = ("calibration_due", "verification_due", "check_due")
DATE_NAMES_ZH = {
    "calibration_due": "校准",
    "verification_due": "检定",
    "check_due": "期间核查",
}
DATE_NAMES_EN = {
    "calibration_due": "calibration",
    "verification_due": "verification",
    "check_due": "intermediate check",
}
STATUSES = ("in_service", "out_of_service")
MAX_OVERRIDE_DAYS = 7
_CODE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.\-/]{0,39}$")


@dataclass(frozen=True)
class InstrumentForm:
    code: str  # the equipment number (设备编号)
    name: str
    model: str = ""
    serial_no: str = ""
    location: str = ""
    calibration_due: date | None = None
    verification_due: date | None = None
    check_due: date | None = None


@dataclass(frozen=True)
class Problem:
    rule: str  # 'out_of_service' or one of DATE_FIELDS
    message_en: str
    message_zh: str


@retried_when_busy
def register_instrument(ctx: ServiceContext, form: InstrumentForm) -> int:
    require(ctx, "manage_instruments")
    code = (form.code or "").strip()
    if not _CODE.match(code):
        raise ValidationError(
            "code", "instrument_code", f"code: {code!r} is not an equipment number"
        )
    if not form.name.strip():
        raise ValidationError("name", "required", "name: required (仪器名称)")
    if ctx.db.scalar("SELECT 1 FROM instruments WHERE code = ?", (code,)):
        raise ValidationError("code", "unique", f"code: instrument {code} is already registered")
    with ctx.db.write(ctx.actor) as w:
        return w.insert(
            "instruments",
            {
                "code": code,
                "name": form.name.strip(),
                "model": form.model.strip(),
                "serial_no": form.serial_no.strip(),
                "location": form.location.strip(),
                **{f: _iso(getattr(form, f), f) for f in DATE_FIELDS},
                "created_at": now_iso(),
            },
            action="register_instrument",
        )


def _iso(value: date | None, field: str) -> str | None:
    if value is None:
        return None
    if not isinstance(value, date):
        raise ValidationError(field, "date", f"{field}: a date is required")
    return value.isoformat()


@retried_when_busy
def update_instrument(
    ctx: ServiceContext, instrument_id: int, changes: dict[str, Any], reason: str
) -> None:
    """New due dates (after a calibration, a check) or status; audited with the reason."""
    require(ctx, "manage_instruments")
    why = (reason or "").strip()
    if not why:
        raise ValidationError("reason", "required", "reason: required (修改须填写原因)")
    get_instrument(ctx.db, instrument_id)
    values: dict[str, Any] = {}
    for key, value in changes.items():
        if key in DATE_FIELDS:
            values[key] = _iso(value, key)
        elif key == "status":
            if value not in STATUSES:
                raise ValidationError("status", "known_status", f"status: one of {STATUSES}")
            values[key] = value
        elif key in ("name", "model", "serial_no", "location"):
            values[key] = str(value).strip()
        else:
            raise ValidationError(key, "known_field", f"{key}: not a field of an instrument")
    with ctx.db.write(ctx.actor) as w:
        w.update("instruments", instrument_id, values, reason=why, action="update_instrument")


@retried_when_busy
def allow_past_due(ctx: ServiceContext, instrument_id: int, until: date, reason: str) -> None:
    """The technical manager allows runs on the instrument through `until`, though a date
    has passed (at most 7 days ahead). Reason required; kept on the instrument and on
    every run created under it."""
    require(ctx, "override_instrument")
    why = (reason or "").strip()
    if not why:
        raise ValidationError(
            "reason", "required", "reason: required to allow an instrument past its date"
        )
    today = date.today()
    if not isinstance(until, date) or until < today or until > today + timedelta(MAX_OVERRIDE_DAYS):
        raise ValidationError(
            "until",
            "range",
            f"until: from today to {MAX_OVERRIDE_DAYS} days ahead（允许使用期限最长 "
            f"{MAX_OVERRIDE_DAYS} 天）",
        )
    get_instrument(ctx.db, instrument_id)
    with ctx.db.write(ctx.actor) as w:
        w.update(
            "instruments",
            instrument_id,
            {
                "override_until": until.isoformat(),
                "override_reason": why,
                "override_by": ctx.actor.user_id,
            },
            reason=why,
            action="allow_instrument",
        )


@retried_when_busy
def save_mapping(ctx: ServiceContext, instrument_id: int, mapping: dict[str, Any]) -> None:
    """Keeps the column mapping of the instrument's export files (technician or manager)."""
    if not (can(ctx.role, "record_run") or can(ctx.role, "manage_instruments")):
        raise PermissionDenied(f"{ctx.actor.username} may not change instrument mappings")
    row = get_instrument(ctx.db, instrument_id)
    text = json.dumps(mapping, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    if text == row["import_mapping"]:
        return
    with ctx.db.write(ctx.actor) as w:
        w.update("instruments", instrument_id, {"import_mapping": text}, action="save_mapping")


def mapping_of(row: dict[str, Any]) -> dict[str, Any]:
    text = row.get("import_mapping") or ""
    try:
        loaded = json.loads(text) if text else {}
    except ValueError:
        return {}
    return loaded if isinstance(loaded, dict) else {}


def problems(row: dict[str, Any], on: date) -> list[Problem]:
    """Why the instrument may not be used on `on` ([] = usable)."""
    found: list[Problem] = []
    if row["status"] != "in_service":
        found.append(
            Problem(
                "out_of_service",
                f"{row['code']} is out of service",
                f"{row['code']} 已停用",
            )
        )
    for field in DATE_FIELDS:
        due = row[field]
        if due and date.fromisoformat(due) < on:
            found.append(
                Problem(
                    field,
                    f"{row['code']}: {DATE_NAMES_EN[field]} valid through {due}, passed",
                    f"{row['code']}：{DATE_NAMES_ZH[field]}有效期至 {due}，已过期",
                )
            )
    return found


def check_usable(db: Store, instrument_id: int, on: date) -> tuple[str, int | None]:
    """Raises WorkflowError unless the instrument may be used on `on`; returns the
    manager's override reason and who gave it when one was needed, else ("", None)."""
    row = get_instrument(db, instrument_id)
    found = problems(row, on)
    if not found:
        return "", None
    out_of_service = any(p.rule == "out_of_service" for p in found)
    until = row["override_until"]
    if not out_of_service and until and date.fromisoformat(until) >= on:
        return str(row["override_reason"]), row["override_by"]
    raise WorkflowError(
        "; ".join(p.message_en for p in found)
        + " — the technical manager may allow it with a reason（"
        + "；".join(p.message_zh for p in found)
        + "，须技术负责人说明理由后方可使用）"
    )


def get_instrument(db: Store, instrument_id: int) -> dict[str, Any]:
    row = db.query_one("SELECT * FROM instruments WHERE id = ?", (instrument_id,))
    if row is None:
        raise NotFound(f"instrument #{instrument_id} does not exist (仪器不存在)")
    return dict(row)


def instrument_by_code(db: Store, code: str) -> dict[str, Any]:
    row = db.query_one("SELECT * FROM instruments WHERE code = ?", (code.strip(),))
    if row is None:
        raise NotFound(f"instrument {code} is not registered (仪器未登记)")
    return dict(row)


def list_instruments(db: Store) -> list[dict[str, Any]]:
    return [dict(r) for r in db.query("SELECT * FROM instruments ORDER BY code")]


def next_due(row: dict[str, Any]) -> tuple[str, str] | None:
    """(field, date) of the earliest due date, for the register's "next due" column."""
    dated = [(row[f], f) for f in DATE_FIELDS if row[f]]
    if not dated:
        return None
    day, field = min(dated)
    return field, day
