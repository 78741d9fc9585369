"""A private key at rest: AES-256-GCM under a key derived from a passphrase by argon2id.

`cryptography`'s `BestAvailableEncryption` uses PBKDF2 with 2,048 iterations, cheap to
brute-force on a GPU; argon2id is memory-hard. The blob is self-describing JSON (format,
algorithm, KDF parameters, salt, nonce, ciphertext) so parameters can be raised later
without breaking old keys; the header is bound to the ciphertext as GCM associated data.
"""

from __future__ import annotations

import base64
import json
import secrets
from dataclasses import dataclass

from argon2.low_level import Type, hash_secret_raw
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from labdesk.core.errors import LabDeskError, ValidationError

FORMAT = "labdesk-key/1"


class WrongPassphrase(LabDeskError):
    """The passphrase does not open the stored private key."""


@dataclass(frozen=True)
class KdfParams:
    """argon2id cost. The default follows RFC 9106's second recommendation (64 MiB, t=3)."""

    time_cost: int = 3
    memory_cost_kib: int = 65536
    parallelism: int = 4

    def at_least(self, floor: KdfParams) -> bool:
        """As costly to guess through as `floor`: no less memory, no fewer passes."""
        return self.memory_cost_kib >= floor.memory_cost_kib and self.time_cost >= floor.time_cost


# The floor for a new key: the users' passwords' own cost (OWASP's argon2id minimum,
# services/auth.py), so the key is never the cheaper way in (issue 21.5). Keys made
# before with less (demo keys had 8 MiB, t = 1) still unlock: the blob names its cost.
MIN_KDF = KdfParams(time_cost=2, memory_cost_kib=19456, parallelism=1)


def _derive(passphrase: str, salt: bytes, params: KdfParams) -> bytes:
    return hash_secret_raw(
        secret=passphrase.encode("utf-8"),
        salt=salt,
        time_cost=params.time_cost,
        memory_cost=params.memory_cost_kib,
        parallelism=params.parallelism,
        hash_len=32,
        type=Type.ID,
    )


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def encrypt_private_key(
    algorithm: str, raw: bytes, passphrase: str, params: KdfParams | None = None
) -> bytes:
    """The at-rest blob for a raw private key (32 bytes for both SM2 and Ed25519)."""
    if not passphrase:
        raise ValidationError("passphrase", "required", "a passphrase is required for the key")
    params = params or KdfParams()
    if not params.at_least(MIN_KDF):
        raise ValidationError(
            "kdf",
            "minimum",
            f"the key's argon2id cost ({params.memory_cost_kib} KiB, t={params.time_cost}) is "
            f"below the passwords' ({MIN_KDF.memory_cost_kib} KiB, t={MIN_KDF.time_cost})",
        )
    salt = secrets.token_bytes(16)
    nonce = secrets.token_bytes(12)
    header = {
        "format": FORMAT,
        "algorithm": algorithm,
        "kdf": "argon2id",
        "time_cost": params.time_cost,
        "memory_cost_kib": params.memory_cost_kib,
        "parallelism": params.parallelism,
        "salt": _b64(salt),
        "cipher": "aes-256-gcm",
        "nonce": _b64(nonce),
    }
    aad = json.dumps(header, sort_keys=True).encode("utf-8")
    ciphertext = AESGCM(_derive(passphrase, salt, params)).encrypt(nonce, raw, aad)
    return json.dumps({**header, "ciphertext": _b64(ciphertext)}, sort_keys=True).encode("utf-8")


def decrypt_private_key(blob: bytes, passphrase: str) -> tuple[str, bytes]:
    """(algorithm, raw private key); WrongPassphrase if the passphrase (or blob) is wrong."""
    try:
        stored = json.loads(blob.decode("utf-8"))
        ciphertext = base64.b64decode(stored.pop("ciphertext"))
        if stored.get("format") != FORMAT or stored.get("kdf") != "argon2id":
            raise ValueError(f"unsupported key format {stored.get('format')!r}")
        params = KdfParams(
            int(stored["time_cost"]), int(stored["memory_cost_kib"]), int(stored["parallelism"])
        )
        salt = base64.b64decode(stored["salt"])
        nonce = base64.b64decode(stored["nonce"])
    except (ValueError, KeyError, TypeError) as exc:
        raise LabDeskError(f"the stored private key is unreadable: {exc}") from exc
    aad = json.dumps(stored, sort_keys=True).encode("utf-8")
    try:
        raw = AESGCM(_derive(passphrase, salt, params)).decrypt(nonce, ciphertext, aad)
    except InvalidTag:
        raise WrongPassphrase("wrong passphrase for the signing key") from None
    return str(stored["algorithm"]), raw
