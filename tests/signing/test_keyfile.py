"""Private keys at rest: argon2id-derived AES-256-GCM."""

from __future__ import annotations

import json

import pytest

from labdesk.core.errors import LabDeskError, ValidationError
from labdesk.signing import (
    KdfParams,
    Signer,
    WrongPassphrase,
    decrypt_private_key,
    encrypt_private_key,
)

FAST = KdfParams(time_cost=1, memory_cost_kib=8192, parallelism=1)


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
    assert (stored["time_cost"], stored["memory_cost_kib"]) == (1, 8192)
    assert KdfParams().memory_cost_kib >= 65536


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
