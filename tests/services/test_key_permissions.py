"""Key management is guarded by the real service call, not only by `require()`.

tests/services/test_permissions.py drives `manage_keys` through `permissions.require`;
here `services.keys.init_keys` itself is called as each role: the technician and the
reviewer are refused with nothing written, the manager and the admin create a key.
"""

from __future__ import annotations

import pytest

from labdesk.core.errors import PermissionDenied
from labdesk.services import keys
from labdesk.services.audit import verify_audit
from labdesk.signing import MIN_KDF
from labdesk.store.schema import ROLES
from tests.services.recordkit import World, snapshot

CHEAP = MIN_KDF
PASSPHRASE = "key passphrase 1"


@pytest.mark.parametrize("role", ["technician", "reviewer"])
def test_init_keys_is_refused_to(world: World, role: str) -> None:
    ctx = world.ctx(role)
    before = snapshot(world.db)
    with pytest.raises(PermissionDenied, match=f"{ctx.actor.username}.*may not") as caught:
        keys.init_keys(ctx, "sm2", PASSPHRASE, kdf=CHEAP)
    assert "signing keys" in str(caught.value)
    assert keys.active_key(world.db) is None
    assert snapshot(world.db) == before
    with pytest.raises(PermissionDenied):  # replacing is no different
        keys.init_keys(ctx, "ed25519", PASSPHRASE, replace=True, kdf=CHEAP)
    assert world.db.scalar("SELECT count(*) FROM signing_keys") == 0


@pytest.mark.parametrize("role", ["manager", "admin"])
def test_init_keys_is_allowed_to(world: World, role: str) -> None:
    ctx = world.ctx(role)
    info = keys.init_keys(ctx, "sm2", PASSPHRASE, kdf=CHEAP)
    assert keys.active_key(world.db) == info
    assert keys.load_signer(world.db, PASSPHRASE).key_id == info.fingerprint
    by = world.db.scalar(
        "SELECT username FROM audit_log WHERE table_name = 'signing_keys' AND action = 'keys_init'"
    )
    assert by == ctx.actor.username
    assert verify_audit(world.db).ok


def test_the_roles_tested_are_all_the_roles() -> None:
    assert set(ROLES) == {"technician", "reviewer", "manager", "admin"}
