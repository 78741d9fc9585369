"""The register of sealed backup samples (复检备份样品) and their release by two people.

A backup sample is registered with where it is kept, its seal number, quantity and the
end of its shelf life. Its retention (`core.retention`) runs from the day the conclusion
is made — 3 months if the sample passed, 6 if it failed, never past the shelf life — and
is set when the sample is approved (or at registration, if it already was). Past that day
it is due for disposal (`disposal_due`).

It leaves the shelf only for a re-inspection (to the re-inspecting laboratory, for an
accepted 复检 case) or for disposal (after its retention): one person asks for the
release, a different person confirms it. Every step is an audited write.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from labdesk.core.errors import NotFound, PermissionDenied, ValidationError, WorkflowError
from labdesk.core.retention import retention_end
from labdesk.services.busy import retried_when_busy
from labdesk.services.context import ServiceContext
from labdesk.services.permissions import require
from labdesk.store.audit import Writer
from labdesk.store.protocol import Store

PURPOSES = ("reinspection", "disposal")


@dataclass(frozen=True)
class BackupForm:
    sample_id: int
    location: str  # 存放位置, e.g. 留样室 A-3-2
    seal_no: str  # 封条编号
    quantity: str  # decimal text as typed
    qty_unit: str = ""
    shelf_life_end: date | None = None  # 保质期至; None: no shelf life (e.g. a product)
    note: str = ""


def _required(field: str, value: str, zh: str) -> str:
    value = value.strip()
    if not value:
        raise ValidationError(field, "required", f"{zh}必填 ({field}: required)")
    return value


def _quantity(text: str) -> str:
    text = _required("quantity", text, "数量")
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise ValidationError(
            "quantity", "decimal", f"数量“{text}”不是数字 (quantity: a number)"
        ) from None
    if not value.is_finite() or value <= 0:
        raise ValidationError("quantity", "positive", "数量应大于 0 (quantity: more than 0)")
    return text


def _retain_until(db: Store, sample_id: int, shelf_life_end: str | None) -> str | None:
    row = db.query_one(
        "SELECT concluded_on, conclusion_code FROM samples WHERE id = ?", (sample_id,)
    )
    if row is None or not row["concluded_on"]:
        return None
    end = retention_end(
        date.fromisoformat(str(row["concluded_on"])),
        failed=row["conclusion_code"] == "fail",
        shelf_life_end=date.fromisoformat(shelf_life_end) if shelf_life_end else None,
    )
    return end.isoformat()


@retried_when_busy
def register_backup(ctx: ServiceContext, form: BackupForm) -> int:
    """Registers a sealed backup sample of `form.sample_id`; returns its id."""
    require(ctx, "register_backup")
    sample = ctx.db.query_one(
        "SELECT sample_no, state FROM samples WHERE id = ?", (form.sample_id,)
    )
    if sample is None:
        raise NotFound(f"sample #{form.sample_id} does not exist (样品不存在)")
    if sample["state"] in ("draft", "cancelled"):
        raise WorkflowError(
            f"样品 {sample['sample_no']} 为草稿或已取消，不能登记备份样品 "
            f"(a draft or cancelled sample has no backup sample)"
        )
    values: dict[str, Any] = {
        "sample_id": form.sample_id,
        "location": _required("location", form.location, "存放位置"),
        "seal_no": _required("seal_no", form.seal_no, "封条编号"),
        "quantity": _quantity(form.quantity),
        "qty_unit": form.qty_unit.strip(),
        "shelf_life_end": form.shelf_life_end.isoformat() if form.shelf_life_end else None,
        "note": form.note.strip(),
    }
    if ctx.db.scalar("SELECT 1 FROM backup_samples WHERE seal_no = ?", (values["seal_no"],)):
        raise ValidationError(
            "seal_no", "unique", f"封条编号 {values['seal_no']} 已登记 (seal number already used)"
        )
    values["retain_until"] = _retain_until(ctx.db, form.sample_id, values["shelf_life_end"])
    with ctx.db.write(ctx.actor) as w:
        values.update(registered_by=ctx.actor.user_id, registered_at=w.at_utc)
        return w.insert("backup_samples", values, action="register_backup")


def conclusion_made_in(w: Writer, sample_id: int) -> None:
    """Sets the retention of the sample's kept backups (called when it is approved)."""
    for row in w.db.query(
        "SELECT id, shelf_life_end, retain_until FROM backup_samples "
        "WHERE sample_id = ? AND state IN ('kept', 'release_requested')",
        (sample_id,),
    ):
        until = _retain_until(w.db, sample_id, row["shelf_life_end"])
        if until != row["retain_until"]:
            w.update(
                "backup_samples",
                int(row["id"]),
                {"retain_until": until},
                reason="conclusion made",
                action="retention",
            )


def _load(db: Store, backup_id: int) -> dict[str, Any]:
    row = db.query_one("SELECT * FROM backup_samples WHERE id = ?", (backup_id,))
    if row is None:
        raise NotFound(f"backup sample #{backup_id} does not exist (备份样品不存在)")
    return dict(row)


def open_case_for(db: Store, backup_id: int) -> int | None:
    """The open re-inspection case this backup sample is assigned to, if any."""
    value = db.scalar(
        "SELECT id FROM reinspection_cases WHERE backup_sample_id = ? AND state = 'open' "
        "AND kind = 'reinspection'",
        (backup_id,),
    )
    return None if value is None else int(value)


@retried_when_busy
def request_release(
    ctx: ServiceContext, backup_id: int, purpose: str, *, today: date | None = None, note: str = ""
) -> None:
    """The first person asks to release a kept backup sample for `purpose`."""
    require(ctx, "release_backup")
    if purpose not in PURPOSES:
        raise ValidationError("purpose", "one_of", "用途应为复检或处置 (reinspection or disposal)")
    backup = _load(ctx.db, backup_id)
    if backup["state"] != "kept":
        raise WorkflowError(
            f"备份样品 {backup['seal_no']} 状态为 {backup['state']}，不能申请出库 "
            f"(only a kept backup sample can be released)"
        )
    day = today or date.today()
    case_id = open_case_for(ctx.db, backup_id)
    if purpose == "reinspection" and case_id is None:
        raise WorkflowError(
            f"备份样品 {backup['seal_no']} 没有已受理的复检申请，不能出库复检 "
            f"(no accepted re-inspection case uses this backup sample)"
        )
    if purpose == "disposal":
        if case_id is not None:
            raise WorkflowError(
                f"备份样品 {backup['seal_no']} 正用于复检，不能处置 "
                "(it is held for a re-inspection)"
            )
        if not backup["retain_until"]:
            raise WorkflowError(
                f"样品尚未出具结论，备份样品 {backup['seal_no']} 须继续保存 "
                f"(no conclusion yet: the backup sample must be kept)"
            )
        if day <= date.fromisoformat(str(backup["retain_until"])):
            raise WorkflowError(
                f"备份样品 {backup['seal_no']} 须保存至 {backup['retain_until']} "
                f"(to be kept until {backup['retain_until']})"
            )
    with ctx.db.write(ctx.actor) as w:
        w.update(
            "backup_samples",
            backup_id,
            {
                "state": "release_requested",
                "release_purpose": purpose,
                "requested_by": ctx.actor.user_id,
                "requested_at": w.at_utc,
                "note": note.strip() or backup["note"],
            },
            reason=note.strip() or purpose,
            action="request_release",
        )


@retried_when_busy
def confirm_release(ctx: ServiceContext, backup_id: int) -> None:
    """A second person confirms the release: the backup sample is released (to the
    re-inspecting laboratory) or disposed of."""
    require(ctx, "release_backup")
    backup = _load(ctx.db, backup_id)
    if backup["state"] != "release_requested":
        raise WorkflowError(
            f"备份样品 {backup['seal_no']} 没有待确认的出库申请 (no release is waiting)"
        )
    if backup["requested_by"] == ctx.actor.user_id:
        raise PermissionDenied(
            f"{ctx.actor.username} 提出了出库申请，须由另一人确认 "
            f"(a second person must confirm the release)"
        )
    state = "released" if backup["release_purpose"] == "reinspection" else "disposed"
    with ctx.db.write(ctx.actor) as w:
        w.update(
            "backup_samples",
            backup_id,
            {"state": state, "released_by": ctx.actor.user_id, "released_at": w.at_utc},
            reason=str(backup["release_purpose"]),
            action="confirm_release",
        )


@retried_when_busy
def withdraw_request(ctx: ServiceContext, backup_id: int, reason: str) -> None:
    """The release request is withdrawn (by anyone allowed to release): kept again."""
    require(ctx, "release_backup")
    backup = _load(ctx.db, backup_id)
    if backup["state"] != "release_requested":
        raise WorkflowError(f"备份样品 {backup['seal_no']} 没有待确认的出库申请 (no release)")
    reason = _required("reason", reason, "撤回原因")
    with ctx.db.write(ctx.actor) as w:
        w.update(
            "backup_samples",
            backup_id,
            {"state": "kept", "release_purpose": "", "requested_by": None, "requested_at": None},
            reason=reason,
            action="withdraw_release",
        )


def kept_backup(db: Store, sample_id: int) -> dict[str, Any] | None:
    """The sample's backup sample on the shelf (the first registered), if any."""
    row = db.query_one(
        "SELECT * FROM backup_samples WHERE sample_id = ? AND state = 'kept' ORDER BY id LIMIT 1",
        (sample_id,),
    )
    return None if row is None else dict(row)


def kept_backup_by_id(db: Store, backup_id: int, sample_id: int) -> dict[str, Any] | None:
    """The named backup sample if it is the sample's and on the shelf; None if it has left
    (released or disposed: there is nothing to re-inspect)."""
    backup = _load(db, backup_id)
    if int(backup["sample_id"]) != sample_id:
        raise ValidationError(
            "backup_sample_id",
            "same_sample",
            f"备份样品 {backup['seal_no']} 不属于该样品 (not this sample's backup)",
        )
    return backup if backup["state"] == "kept" else None


def list_backups(db: Store, *, today: date, text: str = "") -> list[dict[str, Any]]:
    """The register, with the sample and whether each is due for disposal."""
    where, params = "", []
    if text.strip():
        like = f"%{text.strip()}%"
        where = "WHERE s.sample_no LIKE ? OR s.sample_name LIKE ? OR b.seal_no LIKE ?"
        params = [like, like, like]
    rows = db.query(
        "SELECT b.*, s.sample_no, s.sample_name, s.conclusion_label, "
        "coalesce(ru.display_name, '') AS requested_by_name, "
        "coalesce(cu.display_name, '') AS released_by_name "
        "FROM backup_samples b JOIN samples s ON s.id = b.sample_id "
        "LEFT JOIN users ru ON ru.id = b.requested_by LEFT JOIN users cu ON cu.id = b.released_by "
        f"{where} ORDER BY b.id DESC",
        params,
    )
    out = []
    for row in rows:
        entry = dict(row)
        entry["disposal_due"] = bool(
            entry["state"] == "kept"
            and entry["retain_until"]
            and str(entry["retain_until"]) < today.isoformat()
        )
        out.append(entry)
    return out


def disposal_due(db: Store, today: date) -> list[int]:
    """Kept backup samples whose retention has ended (the disposal reminder)."""
    rows = db.query(
        "SELECT id FROM backup_samples WHERE state = 'kept' AND retain_until < ? ORDER BY id",
        (today.isoformat(),),
    )
    return [int(r[0]) for r in rows]
