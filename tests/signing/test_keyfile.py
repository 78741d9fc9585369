"""Private keys at rest: argon2id-derived AES-256-GCM."""

from __future__ import annotations

import json

import pytest

from labdesk.core.errors import LabDeskError, ValidationError
from labdesk.signing import (
    MIN_KDF,
    KdfParams,
    Signer,
    WrongPassphrase,
    decrypt_private_key,
    encrypt_private_key,
)

FAST = MIN_KDF


@pytest.mark.parametrize("algorithm", ["sm2", "ed25519"])
def test_round_trip(algorithm: str) -> None:
    signer = Signer.generate(algorithm)
    blob = encrypt_private_key(algorithm, signer.private_bytes(), "correct horse", FAST)
    assert signer.private_bytes() not in blob
    assert signer.private_bytes().hex().encode() not in blob
    alg, raw = decrypt_private_key(blob, "correct horse")
    restored = Signer(alg, raw)
    assert restored.key_id == signer.key_id
    assert signer.public_key.verify(b"m", restored.sign(b"m"))


def test_parameters_are_stored_and_default_is_memory_hard() -> None:
    blob = encrypt_private_key("sm2", b"\x01" * 32, "pw", FAST)
    stored = json.loads(blob)
    assert stored["kdf"] == "argon2id"
    assert (stored["time_cost"], stored["memory_cost_kib"]) == (2, 19456)
    assert KdfParams().memory_cost_kib >= 65536


def test_a_key_is_never_cheaper_to_guess_than_a_password() -> None:
    """Issue 21.5: the key's KDF at least the users' passwords' (argon2id 19 MiB, t=2)."""
    from labdesk.services import auth

    hasher = auth._password_hasher()
    assert MIN_KDF.memory_cost_kib >= hasher.memory_cost
    assert MIN_KDF.time_cost >= hasher.time_cost
    assert KdfParams().at_least(MIN_KDF)
    for weak in (KdfParams(1, 8192, 1), KdfParams(2, 8192, 1), KdfParams(1, 65536, 4)):
        with pytest.raises(ValidationError, match="below the passwords"):
            encrypt_private_key("sm2", b"\x01" * 32, "pw", weak)


def test_a_key_wrapped_before_the_floor_still_unlocks() -> None:
    """A key made with the old demo cost (8 MiB, t=1) is still opened: the blob names its
    own parameters."""
    import base64
    import secrets

    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    from labdesk.signing.keyfile import FORMAT, _derive

    old = KdfParams(1, 8192, 1)
    salt, nonce = secrets.token_bytes(16), secrets.token_bytes(12)
    header = {
        "format": FORMAT,
        "algorithm": "sm2",
        "kdf": "argon2id",
        "time_cost": old.time_cost,
        "memory_cost_kib": old.memory_cost_kib,
        "parallelism": old.parallelism,
        "salt": base64.b64encode(salt).decode(),
        "cipher": "aes-256-gcm",
        "nonce": base64.b64encode(nonce).decode(),
    }
    aad = json.dumps(header, sort_keys=True).encode()
    sealed = AESGCM(_derive("old phrase", salt, old)).encrypt(nonce, b"\x07" * 32, aad)
    blob = json.dumps({**header, "ciphertext": base64.b64encode(sealed).decode()}).encode()
    assert decrypt_private_key(blob, "old phrase") == ("sm2", b"\x07" * 32)


def test_wrong_passphrase() -> None:
    blob = encrypt_private_key("sm2", b"\x01" * 32, "right", FAST)
    with pytest.raises(WrongPassphrase, match="wrong passphrase"):
        decrypt_private_key(blob, "wrong")


def test_tampered_header_is_refused() -> None:
    stored = json.loads(encrypt_private_key("sm2", b"\x01" * 32, "pw", FAST))
    stored["algorithm"] = "ed25519"  # header is GCM associated data
    with pytest.raises(WrongPassphrase):
        decrypt_private_key(json.dumps(stored).encode(), "pw")
    with pytest.raises(LabDeskError, match="unreadable"):
        decrypt_private_key(b"not json", "pw")


def test_empty_passphrase_refused() -> None:
    with pytest.raises(ValidationError, match="passphrase"):
        encrypt_private_key("sm2", b"\x01" * 32, "", FAST)
