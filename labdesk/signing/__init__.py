"""Signatures for what leaves the lab: SM2 with SM3, or Ed25519 (Qt-free).

Public API: `Signer` (generate / sign), `PublicKey` / `load_public_pem` (verify, key_id),
`encrypt_private_key` / `decrypt_private_key` (argon2id + AES-256-GCM at rest),
`sm3_digest`.
"""

from labdesk.signing.keyfile import (
    MIN_KDF,
    KdfParams,
    WrongPassphrase,
    decrypt_private_key,
    encrypt_private_key,
)
from labdesk.signing.keys import ALGORITHMS, SIGNATURE_NAMES, PublicKey, Signer, load_public_pem
from labdesk.signing.sm3 import SM3, sm3_digest

__all__ = [
    "ALGORITHMS",
    "MIN_KDF",
    "SIGNATURE_NAMES",
    "SM3",
    "KdfParams",
    "PublicKey",
    "Signer",
    "WrongPassphrase",
    "decrypt_private_key",
    "encrypt_private_key",
    "load_public_pem",
    "sm3_digest",
]
