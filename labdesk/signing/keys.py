"""Signing keys: one `Signer` (private) and `PublicKey` shape for SM2 and Ed25519.

- SM2: signature over the message with SM3 and signer ID 1234567812345678, DER-encoded.
- Ed25519: 64 raw bytes (RFC 8032), through `cryptography`.

A key's id (its fingerprint) is the SHA-256 of its SubjectPublicKeyInfo DER, in hex: the
same value anyone gets with
`openssl pkey -pubin -in centre.pem -outform DER | openssl dgst -sha256`.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)
from cryptography.hazmat.primitives.serialization import (
    Encoding,
    NoEncryption,
    PrivateFormat,
    PublicFormat,
)

from labdesk.core.errors import ValidationError
from labdesk.signing import sm2
from labdesk.signing.spki import ed25519_spki_der, parse_spki, pem_decode, pem_encode, sm2_spki_der

ALGORITHMS = ("sm2", "ed25519")
# What manifest.json names the signature scheme.
SIGNATURE_NAMES = {"sm2": "SM2-with-SM3", "ed25519": "Ed25519"}


def key_id_of(spki_der: bytes) -> str:
    return hashlib.sha256(spki_der).hexdigest()


@dataclass(frozen=True)
class PublicKey:
    algorithm: str
    raw: bytes  # SM2: 65-byte 04‖X‖Y; Ed25519: 32 bytes
    spki_der: bytes = field(repr=False)

    @property
    def key_id(self) -> str:
        return key_id_of(self.spki_der)

    @property
    def pem(self) -> str:
        return pem_encode(self.spki_der)

    def verify(self, message: bytes, signature: bytes) -> bool:
        """True only for a valid signature by this key over exactly `message`."""
        if self.algorithm == "sm2":
            point = (int.from_bytes(self.raw[1:33], "big"), int.from_bytes(self.raw[33:], "big"))
            return sm2.verify_der(message, signature, point)
        if len(signature) != 64:
            return False
        try:
            Ed25519PublicKey.from_public_bytes(self.raw).verify(signature, message)
        except InvalidSignature:
            return False
        return True


def load_public_pem(pem: str | bytes) -> PublicKey:
    """A PublicKey from PEM SubjectPublicKeyInfo; ValidationError naming what is wrong."""
    der = pem_decode(pem)
    try:
        algorithm, raw = parse_spki(der)
    except ValueError as exc:
        raise ValidationError("public key", "spki", f"unusable public key: {exc}") from exc
    if algorithm == "sm2":
        point = (int.from_bytes(raw[1:33], "big"), int.from_bytes(raw[33:], "big"))
        if not sm2.is_on_curve(point):
            raise ValidationError("public key", "sm2-point", "SM2 public key is not on the curve")
    # Re-encode so the key id never depends on how the PEM was wrapped.
    canonical = sm2_spki_der_from_raw(raw) if algorithm == "sm2" else ed25519_spki_der(raw)
    return PublicKey(algorithm, raw, canonical)


def sm2_spki_der_from_raw(raw: bytes) -> bytes:
    return sm2_spki_der(int.from_bytes(raw[1:33], "big"), int.from_bytes(raw[33:], "big"))


class Signer:
    """A private key able to sign; build with `generate` or `from_private_bytes`."""

    def __init__(self, algorithm: str, private: bytes) -> None:
        if algorithm not in ALGORITHMS:
            raise ValidationError("algorithm", "choice", f"algorithm must be one of {ALGORITHMS}")
        if len(private) != 32:
            raise ValidationError("private key", "length", "a private key is 32 bytes")
        self.algorithm = algorithm
        self._private = private
        if algorithm == "sm2":
            self._d = int.from_bytes(private, "big")
            x, y = sm2.public_from_private(self._d)
            raw = b"\x04" + x.to_bytes(32, "big") + y.to_bytes(32, "big")
            self.public_key = PublicKey("sm2", raw, sm2_spki_der(x, y))
        else:
            self._ed = Ed25519PrivateKey.from_private_bytes(private)
            pub = self._ed.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
            self.public_key = PublicKey("ed25519", pub, ed25519_spki_der(pub))

    @classmethod
    def generate(cls, algorithm: str = "sm2") -> Signer:
        if algorithm == "sm2":
            return cls("sm2", sm2.generate_private_key().to_bytes(32, "big"))
        if algorithm == "ed25519":
            raw = Ed25519PrivateKey.generate().private_bytes(
                Encoding.Raw, PrivateFormat.Raw, NoEncryption()
            )
            return cls("ed25519", raw)
        raise ValidationError("algorithm", "choice", f"algorithm must be one of {ALGORITHMS}")

    def private_bytes(self) -> bytes:
        """The raw 32-byte private key: only ever to be encrypted (see keyfile)."""
        return self._private

    @property
    def key_id(self) -> str:
        return self.public_key.key_id

    @property
    def signature_name(self) -> str:
        return SIGNATURE_NAMES[self.algorithm]

    def sign(self, message: bytes) -> bytes:
        if self.algorithm == "sm2":
            return sm2.sign_der(message, self._d)
        return self._ed.sign(message)

    def __repr__(self) -> str:  # never print the private key
        return f"Signer({self.algorithm}, key_id={self.key_id[:16]}…)"
