"""services.keys: who may create keys, how they are stored, and loading them back."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from labdesk.core.errors import NotFound, PermissionDenied, ValidationError, WorkflowError
from labdesk.services import auth, keys
from labdesk.signing import WrongPassphrase, load_public_pem
from labdesk.store.db import open_database
from tests.batch.centre import FAST_KDF, PASSWORD


@pytest.fixture
def db(tmp_path: Path):
    database = open_database(tmp_path / "c.sqlite")
    admin = auth.setup_centre(
        database, name="中心", code="HF01", region_code="340100",
        admin_username="admin", admin_password=PASSWORD,
    )  # fmt: skip
    for user, role in (("tech", "technician"), ("rev", "reviewer"), ("boss", "manager")):
        auth.add_user(admin, user, user, role, PASSWORD)
    yield database
    database.close()


def test_no_key_yet(db) -> None:
    assert keys.active_key(db) is None
    with pytest.raises(NotFound, match="keys init"):
        keys.public_key_pem(db)


@pytest.mark.parametrize("user", ["tech", "rev"])
def test_only_manager_or_admin(db, user: str) -> None:
    ctx = auth.sign_in(db, user, PASSWORD)
    with pytest.raises(PermissionDenied):
        keys.init_keys(ctx, "sm2", "long enough phrase", kdf=FAST_KDF)
    assert db.scalar("SELECT count(*) FROM signing_keys") == 0


@pytest.mark.parametrize(("user", "algorithm"), [("boss", "sm2"), ("admin", "ed25519")])
def test_init_load_and_audit(db, user: str, algorithm: str) -> None:
    ctx = auth.sign_in(db, user, PASSWORD)
    info = keys.init_keys(ctx, algorithm, "long enough phrase", kdf=FAST_KDF)
    assert info.algorithm == algorithm and info.active
    assert keys.fingerprint(db) == info.fingerprint
    public = load_public_pem(keys.public_key_pem(db))
    assert public.key_id == info.fingerprint
    signer = keys.load_signer(db, "long enough phrase")
    assert public.verify(b"m", signer.sign(b"m"))
    blob = db.scalar("SELECT private_blob FROM signing_keys")
    assert signer.private_bytes() not in bytes(blob)
    assert json.loads(blob)["kdf"] == "argon2id"
    entry = db.query_one(
        "SELECT username, action, new_value FROM audit_log WHERE table_name = 'signing_keys'"
    )
    assert entry["username"] == user and entry["action"] == "keys_init"
    assert signer.private_bytes().hex() not in entry["new_value"]
    with pytest.raises(WrongPassphrase):
        keys.load_signer(db, "wrong phrase!!")


def test_short_passphrase_and_bad_algorithm(db) -> None:
    ctx = auth.sign_in(db, "boss", PASSWORD)
    with pytest.raises(ValidationError, match="at least 8"):
        keys.init_keys(ctx, "sm2", "short", kdf=FAST_KDF)
    with pytest.raises(ValidationError, match="algorithm"):
        keys.init_keys(ctx, "rsa", "long enough phrase", kdf=FAST_KDF)


def test_replace_retires_old_key(db) -> None:
    ctx = auth.sign_in(db, "boss", PASSWORD)
    first = keys.init_keys(ctx, "sm2", "long enough phrase", kdf=FAST_KDF)
    with pytest.raises(WorkflowError, match="--replace"):
        keys.init_keys(ctx, "sm2", "long enough phrase", kdf=FAST_KDF)
    second = keys.init_keys(ctx, "ed25519", "another phrase", replace=True, kdf=FAST_KDF)
    assert keys.fingerprint(db) == second.fingerprint != first.fingerprint
    assert [(k.fingerprint, k.active) for k in keys.all_keys(db)] == [
        (first.fingerprint, False),
        (second.fingerprint, True),
    ]
    assert keys.load_signer(db, "another phrase").algorithm == "ed25519"
