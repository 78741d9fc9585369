"""Centre set-up, users, argon2id passwords, lockout."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from labdesk.core.errors import PermissionDenied, ValidationError, WorkflowError
from labdesk.services import auth
from labdesk.services.audit import verify_audit
from labdesk.store.db import Database, open_database
from tests.services.recordkit import PASSWORD, World, snapshot


@pytest.fixture
def fresh(tmp_path: Path) -> Iterator[Database]:
    db = open_database(tmp_path / "new.sqlite")
    yield db
    db.close()


def test_a_new_database_has_no_users_and_no_centre(fresh: Database) -> None:
    assert not auth.is_set_up(fresh)
    assert auth.list_users(fresh) == []
    with pytest.raises(auth.AuthError):
        auth.sign_in(fresh, "admin", "admin")


def test_setup_creates_the_centre_and_an_argon2id_admin(fresh: Database) -> None:
    ctx = auth.setup_centre(
        fresh,
        name="中心",
        code="C1",
        region_code="340100",
        admin_username="boss",
        admin_password="long-enough",
    )
    assert ctx.actor.role == "admin"
    assert auth.is_set_up(fresh)
    centre = auth.centre(fresh)
    assert centre is not None and centre["demo"] == 0
    stored = fresh.scalar("SELECT password_hash FROM users WHERE username = 'boss'")
    assert stored.startswith("$argon2id$")
    assert "long-enough" not in stored
    assert auth.demo_accounts(fresh) == []
    assert auth.sign_in(fresh, "boss", "long-enough").actor.username == "boss"
    with pytest.raises(WorkflowError, match="already set up"):
        auth.setup_centre(
            fresh,
            name="x",
            code="y",
            region_code="340100",
            admin_username="a",
            admin_password="b" * 9,
        )
    assert verify_audit(fresh).ok


@pytest.mark.parametrize(
    ("field", "kwargs"),
    [
        ("admin_password", {"admin_password": "short"}),
        ("region_code", {"region_code": "34"}),
        ("username", {"admin_username": "two words"}),
        ("name", {"name": " "}),
    ],
)
def test_setup_refuses_bad_input(fresh: Database, field: str, kwargs: dict[str, str]) -> None:
    values: dict[str, Any] = {
        "name": "中心",
        "code": "C1",
        "region_code": "340100",
        "admin_username": "boss",
        "admin_password": "long-enough",
        **kwargs,
    }
    with pytest.raises(ValidationError) as caught:
        auth.setup_centre(fresh, **values)
    assert caught.value.field == field
    assert not auth.is_set_up(fresh)
    assert fresh.scalar("SELECT count(*) FROM audit_log") == 0


def test_wrong_passwords_lock_the_account_after_five(world: World) -> None:
    db = world.db
    for attempt in range(1, 5):
        with pytest.raises(auth.AuthError, match=f"{5 - attempt} attempt"):
            auth.sign_in(db, "tech", "wrong-password")
    with pytest.raises(auth.AccountLocked):
        auth.sign_in(db, "tech", "wrong-password")
    with pytest.raises(auth.AccountLocked, match="locked"):
        auth.sign_in(db, "tech", PASSWORD)  # even the right password
    actions = [r[0] for r in db.query("SELECT action FROM audit_log WHERE table_name = 'users'")]
    assert actions.count("sign_in_failed") >= 5
    assert verify_audit(db).ok


def test_a_lock_expires_after_fifteen_minutes(world: World) -> None:
    past = (datetime.now(UTC) - timedelta(minutes=1)).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    with world.db.write(world.admin.actor) as w:
        w.update("users", world.tech.actor.user_id or 0, {"locked_until": past})
    ctx = auth.sign_in(world.db, "tech", PASSWORD)
    assert ctx.actor.role == "technician"
    row = world.db.query_one(
        "SELECT failed_attempts, locked_until FROM users WHERE username = 'tech'"
    )
    assert row is not None and row["locked_until"] is None


def test_lockout_lasts_fifteen_minutes(world: World) -> None:
    for _ in range(5):
        with pytest.raises(auth.AuthError):
            auth.sign_in(world.db, "tech2", "nope-nope")
    until = datetime.fromisoformat(
        world.db.scalar("SELECT locked_until FROM users WHERE username = 'tech2'")
    )
    remaining = until - datetime.now(UTC)
    assert timedelta(minutes=14) < remaining <= timedelta(minutes=15)


def test_an_admin_can_unlock(world: World) -> None:
    for _ in range(5):
        with pytest.raises(auth.AuthError):
            auth.sign_in(world.db, "tech", "nope-nope")
    auth.unlock_user(world.admin, world.tech.actor.user_id or 0)
    assert auth.sign_in(world.db, "tech", PASSWORD).actor.username == "tech"


def test_unknown_user_and_wrong_password_read_the_same(world: World) -> None:
    with pytest.raises(auth.AuthError) as unknown:
        auth.sign_in(world.db, "nobody", PASSWORD)
    assert "wrong username or password" in str(unknown.value)


def test_disabled_accounts_cannot_sign_in(world: World) -> None:
    user_id = world.tech2.actor.user_id or 0
    with pytest.raises(ValidationError):
        auth.set_user_active(world.admin, user_id, False, "")
    auth.set_user_active(world.admin, user_id, False, "left the lab")
    with pytest.raises(auth.AuthError, match="disabled"):
        auth.sign_in(world.db, "tech2", PASSWORD)


def test_add_user_rules(world: World) -> None:
    before = snapshot(world.db)
    with pytest.raises(ValidationError, match="already exists"):
        auth.add_user(world.admin, "TECH", "dup", "technician", PASSWORD)
    with pytest.raises(ValidationError) as caught:
        auth.add_user(world.admin, "new", "New", "boss", PASSWORD)
    assert caught.value.field == "role"
    with pytest.raises(ValidationError):
        auth.add_user(world.admin, "new", "New", "technician", "short")
    with pytest.raises(PermissionDenied):
        auth.add_user(world.manager, "new", "New", "technician", PASSWORD)
    assert snapshot(world.db) == before
    auth.add_user(world.admin, "new", "New", "technician", PASSWORD)
    assert [u["username"] for u in auth.list_users(world.db)][-1] == "new"
    assert all("password_hash" not in u for u in auth.list_users(world.db))


def test_passwords_change_with_the_old_one_or_by_an_admin(world: World) -> None:
    user_id = world.tech.actor.user_id or 0
    with pytest.raises(ValidationError, match="old password"):
        auth.set_password(world.tech, user_id, "brand-new-pass", old_password="wrong")
    auth.set_password(world.tech, user_id, "brand-new-pass", old_password=PASSWORD)
    auth.sign_in(world.db, "tech", "brand-new-pass")
    with pytest.raises(PermissionDenied):
        auth.set_password(world.tech, world.tech2.actor.user_id or 0, "brand-new-pass")
    auth.set_password(world.admin, user_id, "admin-chosen-1")
    auth.sign_in(world.db, "tech", "admin-chosen-1")


def test_roles_can_change_with_a_reason(world: World) -> None:
    user_id = world.tech2.actor.user_id or 0
    auth.set_user_role(world.admin, user_id, "reviewer", "promoted")
    assert auth.sign_in(world.db, "tech2", PASSWORD).actor.role == "reviewer"
    with pytest.raises(WorkflowError):
        auth.set_user_role(world.admin, world.admin.actor.user_id or 0, "technician", "oops")


def test_centre_profile_is_admin_only(world: World) -> None:
    with pytest.raises(PermissionDenied):
        auth.update_centre(world.manager, name="x")
    auth.update_centre(world.admin, outbox_dir="/srv/outbox")
    centre = auth.centre(world.db)
    assert centre is not None and centre["outbox_dir"] == "/srv/outbox"


def test_anyone_changes_their_own_password_with_the_old_one(world: World) -> None:
    for ctx, name in ((world.tech, "tech"), (world.reviewer, "reviewer"), (world.admin, "admin")):
        auth.change_own_password(ctx, PASSWORD, f"{name}-new-pass")
        auth.sign_in(world.db, name, f"{name}-new-pass")
        with pytest.raises(auth.AuthError):
            auth.sign_in(world.db, name, PASSWORD)
    stored = world.db.scalar("SELECT password_hash FROM users WHERE username = 'tech'")
    assert str(stored).startswith("$argon2id$")
    actions = [
        r[0]
        for r in world.db.query(
            "SELECT action FROM audit_log WHERE table_name = 'users' AND action = 'change_password'"
        )
    ]
    assert len(actions) == 3
    assert verify_audit(world.db).ok


@pytest.mark.parametrize(
    ("old", "new", "field", "rule"),
    [
        ("", "brand-new-pass", "old_password", "required"),
        ("not-the-password", "brand-new-pass", "old_password", "mismatch"),
        (PASSWORD, "short", "new_password", "min_length"),
        (PASSWORD, PASSWORD, "new_password", "unchanged"),
    ],
)
def test_own_password_refusals_name_the_field(
    world: World, old: str, new: str, field: str, rule: str
) -> None:
    before = world.db.scalar("SELECT password_hash FROM users WHERE username = 'tech'")
    with pytest.raises(ValidationError) as caught:
        auth.change_own_password(world.tech, old, new)
    assert (caught.value.field, caught.value.rule) == (field, rule)
    assert world.db.scalar("SELECT password_hash FROM users WHERE username = 'tech'") == before
    auth.sign_in(world.db, "tech", PASSWORD)


def test_wrong_old_passwords_lock_the_account_like_sign_in(world: World) -> None:
    for left in range(auth.MAX_FAILURES - 1, 0, -1):
        with pytest.raises(auth.WrongOldPassword) as caught:
            auth.change_own_password(world.tech, "guess-guess", "brand-new-pass")
        assert caught.value.attempts_left == left
    with pytest.raises(auth.AccountLocked):  # the fifth wrong one locks
        auth.change_own_password(world.tech, "guess-guess", "brand-new-pass")
    with pytest.raises(auth.AccountLocked):
        auth.change_own_password(world.tech, PASSWORD, "brand-new-pass")
    with pytest.raises(auth.AccountLocked):
        auth.sign_in(world.db, "tech", PASSWORD)


def test_the_system_actor_has_no_password_to_change(world: World) -> None:
    from labdesk.services.context import SYSTEM, ServiceContext

    with pytest.raises(PermissionDenied):
        auth.change_own_password(ServiceContext(world.db, SYSTEM), PASSWORD, "brand-new-pass")
