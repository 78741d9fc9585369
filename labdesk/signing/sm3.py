"""SM3 (GM/T 0004, GB/T 32905) through `cryptography`, i.e. OpenSSL's implementation.

A pure-Python SM3 is about 1000× slower; OpenSSL's is what the verifier at HQ runs too.
"""

from __future__ import annotations

from cryptography.hazmat.primitives import hashes

DIGEST_SIZE = 32


def sm3_digest(data: bytes) -> bytes:
    """The 32-byte SM3 digest of `data`."""
    h = hashes.Hash(hashes.SM3())
    h.update(data)
    return h.finalize()


class SM3:
    """Incremental SM3 with the `hashlib` shape (`update`, `digest`, `hexdigest`)."""

    name = "sm3"

    def __init__(self, data: bytes = b"") -> None:
        self._h = hashes.Hash(hashes.SM3())
        if data:
            self._h.update(data)

    def update(self, data: bytes) -> None:
        self._h.update(data)

    def digest(self) -> bytes:
        return self._h.copy().finalize()

    def hexdigest(self) -> str:
        return self.digest().hex()
