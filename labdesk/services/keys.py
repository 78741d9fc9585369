"""The centre's signing key: created once, stored encrypted, used to sign batches.

The private key never touches the disk in the clear: `signing_keys.private_blob` holds it
encrypted under a key derived from the passphrase by argon2id (labdesk.signing.keyfile).
The passphrase is the caller's (CLI: file, environment or prompt; UI: a dialog) and is
never stored. One key is active at a time; replacing it retires the old one (kept, so the
centre can still verify what it sent before).
"""

from __future__ import annotations

from dataclasses import dataclass

from labdesk.core.errors import NotFound, ValidationError, WorkflowError
from labdesk.services.busy import retried_when_busy
from labdesk.services.context import ServiceContext
from labdesk.services.permissions import require
from labdesk.signing import (
    ALGORITHMS,
    KdfParams,
    PublicKey,
    Signer,
    decrypt_private_key,
    encrypt_private_key,
    load_public_pem,
)
from labdesk.store.db import Database, utc_now

MIN_PASSPHRASE = 8


@dataclass(frozen=True)
class KeyInfo:
    id: int
    algorithm: str
    fingerprint: str  # SHA-256 of the SubjectPublicKeyInfo DER, hex (= the key id)
    public_pem: str
    created_at: str
    active: bool


def _iso_now() -> str:
    return utc_now().isoformat(timespec="microseconds").replace("+00:00", "Z")


def _info(row: object) -> KeyInfo:
    r = dict(row)  # type: ignore[call-overload]
    return KeyInfo(
        int(r["id"]),
        str(r["algorithm"]),
        str(r["fingerprint"]),
        str(r["public_pem"]),
        str(r["created_at"]),
        bool(r["active"]),
    )


def active_key(db: Database) -> KeyInfo | None:
    row = db.query_one(
        "SELECT id, algorithm, public_pem, fingerprint, created_at, active "
        "FROM signing_keys WHERE active = 1 ORDER BY id DESC LIMIT 1"
    )
    return None if row is None else _info(row)


def all_keys(db: Database) -> list[KeyInfo]:
    rows = db.query(
        "SELECT id, algorithm, public_pem, fingerprint, created_at, active "
        "FROM signing_keys ORDER BY id"
    )
    return [_info(row) for row in rows]


def _require_active(db: Database) -> KeyInfo:
    key = active_key(db)
    if key is None:
        raise NotFound("no signing key yet: run `labdesk keys init` (尚未创建签名密钥)")
    return key


@retried_when_busy
def init_keys(
    ctx: ServiceContext,
    algorithm: str = "sm2",
    passphrase: str = "",
    *,
    replace: bool = False,
    kdf: KdfParams | None = None,
) -> KeyInfo:
    """Create the centre's key pair (manager or admin; audited).

    With an active key already present this refuses unless `replace` is set, because a
    new key means HQ must be sent the new public key before the next batch.
    """
    require(ctx, "manage_keys")
    if algorithm not in ALGORITHMS:
        raise ValidationError(
            "algorithm", "choice", f"algorithm: one of {', '.join(ALGORITHMS)} (签名算法)"
        )
    if len(passphrase) < MIN_PASSPHRASE:
        raise ValidationError(
            "passphrase",
            "min_length",
            f"passphrase: at least {MIN_PASSPHRASE} characters (口令至少 {MIN_PASSPHRASE} 位)",
        )
    current = active_key(ctx.db)
    if current is not None and not replace:
        raise WorkflowError(
            f"a signing key already exists ({current.fingerprint[:16]}…); "
            "replacing it needs --replace, and HQ must then be sent the new public key"
        )
    signer = Signer.generate(algorithm)
    blob = encrypt_private_key(algorithm, signer.private_bytes(), passphrase, kdf)
    with ctx.db.write(ctx.actor) as w:
        if current is not None:
            w.update("signing_keys", current.id, {"active": 0}, reason="replaced", action="retire")
        new_id = w.insert(
            "signing_keys",
            {
                "algorithm": algorithm,
                "public_pem": signer.public_key.pem,
                "private_blob": blob,
                "fingerprint": signer.key_id,
                "created_at": _iso_now(),
                "active": 1,
            },
            action="keys_init",
        )
    info = active_key(ctx.db)
    assert info is not None and info.id == new_id
    return info


def public_key_pem(db: Database) -> str:
    """The active public key as PEM SubjectPublicKeyInfo (what HQ is given to trust)."""
    return _require_active(db).public_pem


def fingerprint(db: Database) -> str:
    return _require_active(db).fingerprint


def public_key(db: Database) -> PublicKey:
    return load_public_pem(public_key_pem(db))


def load_signer(db: Database, passphrase: str) -> Signer:
    """The active private key, decrypted (WrongPassphrase if the passphrase is wrong)."""
    key = _require_active(db)
    blob = db.scalar("SELECT private_blob FROM signing_keys WHERE id = ?", (key.id,))
    algorithm, raw = decrypt_private_key(bytes(blob), passphrase)
    signer = Signer(algorithm, raw)
    if signer.key_id != key.fingerprint:
        raise WorkflowError("the stored private key does not match its public key")
    return signer
