"""Public keys as PEM SubjectPublicKeyInfo (RFC 5280), the form `openssl pkey -pubin` reads.

An SM2 key is id-ecPublicKey with the SM2 curve OID 1.2.156.10197.1.301 as its parameter
and the uncompressed point 04‖X‖Y. `cryptography` cannot load that curve, so the few DER
bytes are built and parsed here; Ed25519 keys go through `cryptography`.
"""

from __future__ import annotations

import base64
import re

from labdesk.core.errors import ValidationError

OID_EC_PUBLIC_KEY = bytes.fromhex("06072a8648ce3d0201")  # 1.2.840.10045.2.1
OID_SM2_CURVE = bytes.fromhex("06082a811ccf5501822d")  # 1.2.156.10197.1.301
OID_ED25519 = bytes.fromhex("06032b6570")  # 1.3.101.112

_PEM_RE = re.compile(
    rb"-----BEGIN PUBLIC KEY-----\s*(?P<body>[A-Za-z0-9+/=\s]+?)\s*-----END PUBLIC KEY-----"
)


def _der_length(n: int) -> bytes:
    if n < 0x80:
        return bytes([n])
    body = n.to_bytes((n.bit_length() + 7) // 8, "big")
    return bytes([0x80 | len(body)]) + body


def der_tlv(tag: int, content: bytes) -> bytes:
    return bytes([tag]) + _der_length(len(content)) + content


def read_tlv(data: bytes, offset: int = 0) -> tuple[int, bytes, int]:
    """(tag, content, offset after) of the DER element at `offset`; strict lengths."""
    if offset + 2 > len(data):
        raise ValueError("DER truncated")
    tag = data[offset]
    first = data[offset + 1]
    pos = offset + 2
    if first < 0x80:
        length = first
    else:
        count = first & 0x7F
        if count == 0 or count > 4 or pos + count > len(data):
            raise ValueError("bad DER length")
        length = int.from_bytes(data[pos : pos + count], "big")
        if length < 0x80 or data[pos] == 0:
            raise ValueError("non-minimal DER length")
        pos += count
    end = pos + length
    if end > len(data):
        raise ValueError("DER truncated")
    return tag, data[pos:end], end


def sm2_spki_der(x: int, y: int) -> bytes:
    algorithm = der_tlv(0x30, OID_EC_PUBLIC_KEY + OID_SM2_CURVE)
    point = b"\x04" + x.to_bytes(32, "big") + y.to_bytes(32, "big")
    return der_tlv(0x30, algorithm + der_tlv(0x03, b"\x00" + point))


def parse_spki(der: bytes) -> tuple[str, bytes]:
    """("sm2" | "ed25519", raw key bytes) of a SubjectPublicKeyInfo, else ValueError.

    For SM2 the raw bytes are the 65-byte uncompressed point, kept whole: stripping a
    leading 0x04 "prefix" by value (gmssl's `lstrip("04")`) corrupts keys whose X starts
    with 0x04 or 0x00.
    """
    tag, body, end = read_tlv(der)
    if tag != 0x30 or end != len(der):
        raise ValueError("not a SubjectPublicKeyInfo")
    tag, algorithm, pos = read_tlv(body)
    if tag != 0x30:
        raise ValueError("no AlgorithmIdentifier")
    tag, bits, after = read_tlv(body, pos)
    if tag != 0x03 or after != len(body) or not bits or bits[0] != 0:
        raise ValueError("bad subjectPublicKey BIT STRING")
    key = bits[1:]
    if algorithm == OID_EC_PUBLIC_KEY + OID_SM2_CURVE:
        if len(key) != 65 or key[0] != 0x04:
            raise ValueError("SM2 key is not an uncompressed 256-bit point")
        return "sm2", key
    if algorithm == OID_ED25519:
        if len(key) != 32:
            raise ValueError("Ed25519 key is not 32 bytes")
        return "ed25519", key
    raise ValueError("unsupported key algorithm (LabDesk accepts SM2 and Ed25519)")


def ed25519_spki_der(raw: bytes) -> bytes:
    return der_tlv(0x30, der_tlv(0x30, OID_ED25519) + der_tlv(0x03, b"\x00" + raw))


def pem_encode(der: bytes) -> str:
    b64 = base64.b64encode(der).decode("ascii")
    lines = [b64[i : i + 64] for i in range(0, len(b64), 64)]
    return "-----BEGIN PUBLIC KEY-----\n" + "\n".join(lines) + "\n-----END PUBLIC KEY-----\n"


def pem_decode(pem: str | bytes) -> bytes:
    """The DER inside the first PUBLIC KEY block; ValidationError if there is none."""
    data = pem.encode("ascii", "replace") if isinstance(pem, str) else pem
    match = _PEM_RE.search(data)
    if match is None:
        raise ValidationError("public key", "pem", "not a PEM public key (BEGIN PUBLIC KEY)")
    try:
        return base64.b64decode(b"".join(match.group("body").split()), validate=True)
    except ValueError as exc:
        raise ValidationError("public key", "pem", f"bad base64 in PEM public key: {exc}") from exc
