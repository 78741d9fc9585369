"""The centre profile, users and sign-in.

Passwords are hashed with argon2id (argon2-cffi). Five wrong passwords lock an account
for 15 minutes; the counter and the lock are audited like everything else. There is no
default password: the first run creates the centre and its admin with a password the
person types (`setup_centre`); only demo databases have known passwords, and the centre
row says so (`demo = 1`), so the UI can show them on the sign-in screen.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from labdesk.core.errors import (
    LabDeskError,
    NotFound,
    PermissionDenied,
    ValidationError,
    WorkflowError,
)
from labdesk.services.busy import retried_when_busy
from labdesk.services.context import SYSTEM, Actor, ServiceContext
from labdesk.services.permissions import require
from labdesk.store.db import Database
from labdesk.store.schema import ROLES

if TYPE_CHECKING:
    from argon2 import PasswordHasher

MAX_FAILURES = 5
LOCKOUT = timedelta(minutes=15)
MIN_PASSWORD = 8

_hasher: PasswordHasher | None = None


def _password_hasher() -> PasswordHasher:
    """OWASP's argon2id minimum (m=19 MiB, t=2, p=1): ~20 ms a hash here, fine for sign-in.
    Made on first use: importing argon2 costs ~10 ms the sign-in window need not wait for."""
    global _hasher
    if _hasher is None:
        from argon2 import PasswordHasher

        _hasher = PasswordHasher(time_cost=2, memory_cost=19456, parallelism=1)
    return _hasher


def _verify(password_hash: str, password: str) -> bool:
    """True when `password` matches the stored argon2 hash (a damaged hash never does)."""
    from argon2.exceptions import InvalidHashError, VerificationError

    try:
        return bool(_password_hasher().verify(password_hash, password))
    except (VerificationError, InvalidHashError):
        return False


# username, display name, role, password — only ever created by services.demo.
DEMO_ACCOUNTS: tuple[tuple[str, str, str, str], ...] = (
    ("admin", "系统管理员（演示）", "admin", "admin-demo"),
    ("tech1", "张检验（演示）", "technician", "tech1-demo"),
    ("tech2", "李检验（演示）", "technician", "tech2-demo"),
    ("reviewer", "王审核（演示）", "reviewer", "reviewer-demo"),
    ("manager", "赵批准（演示）", "manager", "manager-demo"),
)


class AuthError(LabDeskError):
    """Sign-in refused (wrong name or password, disabled account)."""


class AccountLocked(AuthError):
    """Too many wrong passwords; try again after `until`."""

    def __init__(self, username: str, until: datetime) -> None:
        self.until = until
        local = until.astimezone().strftime("%H:%M")
        super().__init__(
            f"account {username} is locked after {MAX_FAILURES} wrong passwords until "
            f"{local}; ask an administrator to unlock it (账户已锁定)"
        )


class WrongOldPassword(ValidationError):
    """The old password given to change one's own password is wrong."""

    def __init__(self, attempts_left: int) -> None:
        self.attempts_left = attempts_left
        super().__init__(
            "old_password",
            "mismatch",
            f"old password is wrong; {attempts_left} attempt(s) left before the account is "
            "locked (原密码错误)",
        )


def _now() -> datetime:
    return datetime.now(UTC)


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def hash_password(password: str) -> str:
    return _password_hasher().hash(password)


def _check_password(password: str, field: str = "password") -> None:
    if len(password) < MIN_PASSWORD:
        raise ValidationError(
            field,
            "min_length",
            f"{field}: at least {MIN_PASSWORD} characters (密码至少 {MIN_PASSWORD} 位)",
        )


def _check_username(username: str) -> str:
    name = username.strip()
    if not name or len(name) > 64 or any(c.isspace() for c in name):
        raise ValidationError(
            "username", "format", "username: 1–64 characters without spaces (用户名不能含空格)"
        )
    return name


def _check_role(role: str) -> None:
    if role not in ROLES:
        raise ValidationError("role", "one_of", f"role: must be one of {', '.join(ROLES)}")


# -- centre ----------------------------------------------------------------------------


def is_set_up(db: Database) -> bool:
    """True once the centre and its first admin exist."""
    return db.scalar("SELECT count(*) FROM centre") == 1


def centre(db: Database) -> dict[str, Any] | None:
    row = db.query_one("SELECT * FROM centre WHERE id = 1")
    return None if row is None else dict(row)


def _check_region(region_code: str) -> None:
    if not (len(region_code) == 6 and region_code.isdigit()):
        raise ValidationError(
            "region_code", "gbt2260", "region_code: six digits of GB/T 2260 (e.g. 340100)"
        )


# The centre code names every batch file (`<code>-<sequence>.labbatch`) and HQ keys
# sequence gaps by it, so it is limited to what is safe in a file name on every system
# (the batch format's own rule, labdesk.batch.format, which this layer cannot import).
CENTRE_CODE_RULE = "[A-Za-z0-9_-]{1,32}"
_CENTRE_CODE_RE = re.compile(CENTRE_CODE_RULE)


def check_centre_code(code: str) -> str:
    """The code stripped of surrounding spaces, or ValidationError("code", …) naming the rule."""
    text = code.strip()
    if not text:
        raise ValidationError("code", "required", "centre code: required (中心代码必填)")
    if not _CENTRE_CODE_RE.fullmatch(text):
        raise ValidationError(
            "code",
            "batch_name",
            f"centre code {text!r}: 1–32 characters of A–Z a–z 0–9 _ - only, since it names "
            f"the batch files ({CENTRE_CODE_RULE}; "
            "中心代码只能由字母、数字、_、- 组成，最长 32 位)",
            en=f"centre code {text!r}: 1–32 characters of A–Z a–z 0–9 _ - only, since it "
            f"names the batch files ({CENTRE_CODE_RULE})",
            zh=f"中心代码“{text}”只能由字母、数字、_、- 组成，最长 32 位（它用于批次文件名）",
        )
    return text


@retried_when_busy
def setup_centre(
    db: Database,
    *,
    name: str,
    code: str,
    region_code: str,
    admin_username: str,
    admin_password: str,
    admin_display_name: str = "",
    outbox_dir: str = "",
    demo: bool = False,
) -> ServiceContext:
    """First run: creates the centre profile and its admin; returns the admin's context."""
    if is_set_up(db):
        raise WorkflowError("the centre is already set up (中心信息已存在)")
    if not name.strip():
        raise ValidationError("name", "required", "centre name: required (中心名称必填)")
    code = check_centre_code(code)
    _check_region(region_code)
    username = _check_username(admin_username)
    _check_password(admin_password, "admin_password")
    password_hash = hash_password(admin_password)
    now = _iso(_now())
    with db.write(SYSTEM) as w:
        w.insert(
            "centre",
            {
                "id": 1,
                "name": name.strip(),
                "code": code,
                "region_code": region_code,
                "outbox_dir": outbox_dir,
                "demo": int(demo),
                "created_at": now,
            },
            action="setup",
        )
        user_id = w.insert(
            "users",
            {
                "username": username,
                "display_name": admin_display_name.strip() or username,
                "role": "admin",
                "password_hash": password_hash,
                "created_at": now,
            },
            action="setup",
        )
    return ServiceContext(db, Actor(user_id, username, "admin"))


@retried_when_busy
def update_centre(ctx: ServiceContext, **fields: Any) -> None:
    """Admin: changes name, code, region_code or outbox_dir (audited)."""
    require(ctx, "edit_centre")
    allowed = {"name", "code", "region_code", "outbox_dir"}
    unknown = set(fields) - allowed
    if unknown:
        raise ValidationError(sorted(unknown)[0], "unknown_field", f"cannot change {unknown}")
    if "region_code" in fields:
        _check_region(fields["region_code"])
    if "code" in fields:
        fields["code"] = check_centre_code(fields["code"])
    with ctx.db.write(ctx.actor) as w:
        w.update("centre", 1, fields)


@retried_when_busy
def set_outbox_dir(ctx: ServiceContext, path: str | Path) -> str:
    """Manager or admin: sets the folder signed batch files are written to (audited).

    The folder is where the lab's transfer to HQ picks files up, so the manager who
    exports decides it without needing the admin. It must be an absolute path (a relative
    one would depend on the program's working folder); '' clears it. The folder need not
    exist yet (a USB drive may be unplugged): the export creates or refuses it then.
    Returns the stored text.
    """
    require(ctx, "configure_outbox")
    text = str(path).strip()
    if any(ord(ch) < 32 for ch in text):
        raise ValidationError(
            "outbox_dir", "path", "outbox folder: contains control characters (路径无效)"
        )
    if text and not Path(text).is_absolute():
        raise ValidationError(
            "outbox_dir",
            "absolute",
            f"outbox folder: {text!r} is not an absolute path (请选择完整路径)",
        )
    if not is_set_up(ctx.db):
        raise WorkflowError("the centre is not set up yet (中心尚未设置)")
    with ctx.db.write(ctx.actor) as w:
        w.update("centre", 1, {"outbox_dir": text}, action="set_outbox")
    return text


# -- users ------------------------------------------------------------------------------


def _user_row(db: Database, username: str) -> dict[str, Any] | None:
    row = db.query_one("SELECT * FROM users WHERE username = ?", (username.strip(),))
    return None if row is None else dict(row)


def _count_failure(
    db: Database, actor: Actor, user: dict[str, Any], now: datetime, *, action: str
) -> int:
    """Counts one wrong password against `user` (sign-in and changing one's own password
    share the lockout) and returns the attempts left; raises AccountLocked at the limit."""
    with db.write(actor) as w:
        # Counted from the row as it is inside the write: on a server, failures typed at
        # other workstations meanwhile count too (writers are serialized).
        fresh = w.conn.execute(
            "SELECT failed_attempts FROM users WHERE id = ?", (user["id"],)
        ).fetchone()
        failures = int(fresh[0]) + 1
        changes: dict[str, Any] = {"failed_attempts": failures}
        if failures >= MAX_FAILURES:
            changes = {"failed_attempts": 0, "locked_until": _iso(now + LOCKOUT)}
        w.update("users", user["id"], changes, action=action)
    if failures >= MAX_FAILURES:
        raise AccountLocked(user["username"], now + LOCKOUT)
    return MAX_FAILURES - failures


@retried_when_busy
def sign_in(db: Database, username: str, password: str) -> ServiceContext:
    """Checks the password; returns the user's context or raises AuthError/AccountLocked."""
    user = _user_row(db, username)
    if user is None:
        # Same message as a wrong password: do not reveal which names exist.
        raise AuthError("wrong username or password (用户名或密码错误)")
    now = _now()
    if user["locked_until"] and datetime.fromisoformat(user["locked_until"]) > now:
        raise AccountLocked(user["username"], datetime.fromisoformat(user["locked_until"]))
    if not user["active"]:
        raise AuthError(f"account {user['username']} is disabled (账户已停用)")
    if not _verify(user["password_hash"], password):
        left = _count_failure(db, SYSTEM, user, now, action="sign_in_failed")
        raise AuthError(
            f"wrong username or password; {left} attempt(s) left before the account "
            f"is locked (用户名或密码错误)"
        )
    if user["failed_attempts"] or user["locked_until"]:
        with db.write(SYSTEM) as w:
            w.update(
                "users",
                user["id"],
                {"failed_attempts": 0, "locked_until": None},
                action="sign_in",
            )
    if _password_hasher().check_needs_rehash(user["password_hash"]):
        with db.write(Actor(user["id"], user["username"], user["role"])) as w:
            w.update(
                "users", user["id"], {"password_hash": hash_password(password)}, action="rehash"
            )
    return ServiceContext(db, Actor(int(user["id"]), str(user["username"]), str(user["role"])))


@retried_when_busy
def add_user(
    ctx: ServiceContext, username: str, display_name: str, role: str, password: str
) -> int:
    """Admin: creates a user; returns its id."""
    require(ctx, "manage_users")
    name = _check_username(username)
    _check_role(role)
    _check_password(password)
    if _user_row(ctx.db, name) is not None:
        raise ValidationError(
            "username", "unique", f"username: {name} already exists (用户名已存在)"
        )
    password_hash = hash_password(password)
    with ctx.db.write(ctx.actor) as w:
        return w.insert(
            "users",
            {
                "username": name,
                "display_name": display_name.strip() or name,
                "role": role,
                "password_hash": password_hash,
                "created_at": _iso(_now()),
            },
        )


def _get_user(db: Database, user_id: int) -> dict[str, Any]:
    row = db.query_one("SELECT * FROM users WHERE id = ?", (user_id,))
    if row is None:
        raise NotFound(f"user #{user_id} does not exist")
    return dict(row)


@retried_when_busy
def set_password(
    ctx: ServiceContext, user_id: int, new_password: str, *, old_password: str | None = None
) -> None:
    """Admin sets anyone's password; a user changes their own with the old one."""
    user = _get_user(ctx.db, user_id)
    if ctx.actor.user_id == user_id and ctx.actor.role != "admin":
        if old_password is None:
            raise ValidationError("old_password", "required", "old password: required")
        if not _verify(user["password_hash"], old_password):
            raise ValidationError("old_password", "mismatch", "old password is wrong (原密码错误)")
    else:
        require(ctx, "manage_users")
    _check_password(new_password)
    with ctx.db.write(ctx.actor) as w:
        w.update("users", user_id, {"password_hash": hash_password(new_password)})


@retried_when_busy
def change_own_password(ctx: ServiceContext, old_password: str, new_password: str) -> None:
    """The signed-in user changes their own password (any role, own account only; audited).

    The old password is checked against the stored argon2id hash first — a session left
    open is not enough to take over the account — and a wrong one counts towards the
    lockout exactly as a wrong password at sign-in does (five lock the account for 15
    minutes). The new one follows the password rule and must differ from the old one;
    it is stored as a fresh argon2id hash. Refusals are ValidationErrors naming the
    field ("old_password", "new_password") and the rule ("mismatch", "min_length",
    "unchanged"); nothing is written but the failure count.
    """
    # The permission is being that person: every role may, on its own account only (the
    # account comes from the session, never from an argument), and never the system actor.
    if ctx.actor.user_id is None:  # the system actor has no password
        raise PermissionDenied(
            f"{ctx.actor.username}: only a signed-in person can change their own password"
        )
    user = _get_user(ctx.db, ctx.actor.user_id)
    if user["username"] != ctx.actor.username:
        raise PermissionDenied(f"{ctx.actor.username}: the session is not this account's")
    if not user["active"]:
        raise AuthError(f"account {user['username']} is disabled (账户已停用)")
    if user["locked_until"] and datetime.fromisoformat(user["locked_until"]) > _now():
        raise AccountLocked(user["username"], datetime.fromisoformat(user["locked_until"]))
    if not old_password:
        raise ValidationError("old_password", "required", "old password: required (请输入原密码)")
    if not _verify(user["password_hash"], old_password):
        left = _count_failure(ctx.db, ctx.actor, user, _now(), action="password_change_failed")
        raise WrongOldPassword(left)
    _check_password(new_password, "new_password")
    if new_password == old_password:
        raise ValidationError(
            "new_password",
            "unchanged",
            "new password: must differ from the old one (新密码不能与原密码相同)",
        )
    with ctx.db.write(ctx.actor) as w:
        w.update(
            "users",
            user["id"],
            {"password_hash": hash_password(new_password), "failed_attempts": 0},
            action="change_password",
        )


@retried_when_busy
def set_user_active(ctx: ServiceContext, user_id: int, active: bool, reason: str) -> None:
    """Admin: disables or re-enables an account (users are never deleted)."""
    require(ctx, "manage_users")
    if not reason.strip():
        raise ValidationError("reason", "required", "reason: required (请填写原因)")
    _get_user(ctx.db, user_id)
    if not active and user_id == ctx.actor.user_id:
        raise WorkflowError("you cannot disable your own account")
    with ctx.db.write(ctx.actor) as w:
        w.update("users", user_id, {"active": int(active)}, reason=reason.strip())


@retried_when_busy
def set_user_role(ctx: ServiceContext, user_id: int, role: str, reason: str) -> None:
    """Admin: changes a user's role (staff rotate in small labs). Results a user entered
    stay theirs, so a technician promoted to reviewer still cannot review them."""
    require(ctx, "manage_users")
    _check_role(role)
    if not reason.strip():
        raise ValidationError("reason", "required", "reason: required (请填写原因)")
    _get_user(ctx.db, user_id)
    if user_id == ctx.actor.user_id and role != "admin":
        raise WorkflowError("you cannot remove your own administrator role")
    with ctx.db.write(ctx.actor) as w:
        w.update("users", user_id, {"role": role}, reason=reason.strip())


@retried_when_busy
def unlock_user(ctx: ServiceContext, user_id: int) -> None:
    """Admin: lifts a lockout before its 15 minutes are up."""
    require(ctx, "manage_users")
    _get_user(ctx.db, user_id)
    with ctx.db.write(ctx.actor) as w:
        w.update("users", user_id, {"failed_attempts": 0, "locked_until": None}, action="unlock")


def list_users(db: Database) -> list[dict[str, Any]]:
    """Users without their password hashes."""
    rows = db.query(
        "SELECT id, username, display_name, role, active, failed_attempts, locked_until, "
        "created_at FROM users ORDER BY id"
    )
    return [dict(r) for r in rows]


def demo_accounts(db: Database) -> list[tuple[str, str, str]]:
    """(username, password, role) of the demo users — only for a demo database."""
    info = centre(db)
    if not info or not info["demo"]:
        return []
    present = {str(r[0]) for r in db.query("SELECT username FROM users")}
    return [(u, p, r) for u, _, r, p in DEMO_ACCOUNTS if u in present]
