"""Authorization of people per method (授权, ISO/IEC 17025 6.2.5–6.2.6).

Two kinds: ``test`` — the technician may record results by the method; ``sign`` — the
signatory (授权签字人) may approve reports whose results were measured by it. A grant is a
row; revoking sets `revoked_at` (kept, audited), so the history of who was authorized when
stays readable. Roles still apply: a grant never gives a right the role lacks, and a
``test`` grant is for technicians, a ``sign`` grant for managers (who approve).

Granting and revoking is for the technical manager (the manager role) and the
administrator (`manage_authorizations`); the Users screen shows and manages them.
"""

from __future__ import annotations

from typing import Any

from labdesk.core.errors import NotFound, PermissionDenied, ValidationError, WorkflowError
from labdesk.services.busy import retried_when_busy
from labdesk.services.context import ServiceContext
from labdesk.services.permissions import require
from labdesk.services.samples import now_iso
from labdesk.store.audit import Actor
from labdesk.store.protocol import Store

KINDS = ("test", "sign")
KIND_ROLES = {"test": "technician", "sign": "manager"}
KIND_NAMES_ZH = {"test": "检测", "sign": "授权签字"}
KIND_NAMES_EN = {"test": "testing", "sign": "signing reports"}


def _method_id(db: Store, method_code: str) -> int:
    found = db.scalar("SELECT id FROM methods WHERE code = ?", (method_code,))
    if found is None:
        raise NotFound(f"method {method_code} does not exist (方法不存在)")
    return int(found)


@retried_when_busy
def grant(ctx: ServiceContext, user_id: int, method_code: str, kind: str, reason: str = "") -> int:
    """Authorizes `user_id` for `method_code` (`kind` test or sign); returns the grant id."""
    require(ctx, "manage_authorizations")
    if kind not in KINDS:
        raise ValidationError("kind", "known_kind", f"kind: {kind!r} is not test or sign")
    user = ctx.db.query_one("SELECT id, username, role, active FROM users WHERE id = ?", (user_id,))
    if user is None:
        raise NotFound(f"user #{user_id} does not exist")
    if user["role"] != KIND_ROLES[kind]:
        raise ValidationError(
            "user",
            "role",
            f"user: {user['username']} is a {user['role']}; {KIND_NAMES_EN[kind]} is authorized "
            f"for a {KIND_ROLES[kind]}（{KIND_NAMES_ZH[kind]}授权只给相应角色）",
        )
    method_id = _method_id(ctx.db, method_code)
    if is_authorized(ctx.db, user_id, method_code, kind):
        raise WorkflowError(
            f"{user['username']} is already authorized for {method_code} ({kind}) (已授权)"
        )
    with ctx.db.write(ctx.actor) as w:
        return w.insert(
            "authorizations",
            {
                "user_id": user_id,
                "method_id": method_id,
                "kind": kind,
                "granted_by": ctx.actor.user_id,
                "granted_at": now_iso(),
                "reason": reason.strip(),
            },
            reason=reason.strip(),
            action="authorize",
        )


@retried_when_busy
def revoke(ctx: ServiceContext, authorization_id: int, reason: str) -> None:
    """Ends a grant (the row stays, with who and when and why)."""
    require(ctx, "manage_authorizations")
    why = (reason or "").strip()
    if not why:
        raise ValidationError(
            "reason", "required", "reason: required to withdraw a grant (撤销授权须填写原因)"
        )
    row = ctx.db.query_one(
        "SELECT id, revoked_at FROM authorizations WHERE id = ?", (authorization_id,)
    )
    if row is None:
        raise NotFound(f"authorization #{authorization_id} does not exist")
    if row["revoked_at"] is not None:
        raise WorkflowError(f"authorization #{authorization_id} was already withdrawn")
    with ctx.db.write(ctx.actor) as w:
        w.update(
            "authorizations",
            authorization_id,
            {"revoked_at": now_iso(), "revoked_by": ctx.actor.user_id},
            reason=why,
            action="revoke_authorization",
        )


def is_authorized(db: Store, user_id: int | None, method_code: str, kind: str) -> bool:
    if user_id is None:
        return False
    return bool(
        db.scalar(
            "SELECT 1 FROM authorizations a JOIN methods m ON m.id = a.method_id "
            "WHERE a.user_id = ? AND m.code = ? AND a.kind = ? AND a.revoked_at IS NULL",
            (user_id, method_code, kind),
        )
    )


def require_authorized(db: Store, actor: Actor, method_code: str, kind: str) -> None:
    """PermissionDenied unless the actor holds a current grant of `kind` for the method."""
    if not is_authorized(db, actor.user_id, method_code, kind):
        raise PermissionDenied(
            f"{actor.username} is not authorized for method {method_code} "
            f"({KIND_NAMES_EN[kind]}); the technical manager authorizes people per method "
            f"(未获该方法的{KIND_NAMES_ZH[kind]}授权)"
        )


def authorizations(db: Store, user_id: int | None = None) -> list[dict[str, Any]]:
    """Current grants (with method code and name, and who granted), by user and method."""
    where = "a.revoked_at IS NULL" + (" AND a.user_id = ?" if user_id is not None else "")
    rows = db.query(
        "SELECT a.id, a.user_id, u.username, a.kind, m.code AS method_code, m.name AS "
        "method_name, a.granted_at, g.username AS granted_by, a.reason "
        "FROM authorizations a JOIN methods m ON m.id = a.method_id "
        "JOIN users u ON u.id = a.user_id LEFT JOIN users g ON g.id = a.granted_by "
        f"WHERE {where} ORDER BY u.username, m.code, a.kind",
        () if user_id is None else (user_id,),
    )
    return [dict(r) for r in rows]
