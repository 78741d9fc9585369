"""SM2 digital signatures (GM/T 0003.2) in plain integer arithmetic.

`cryptography` has no SM2 and `gmssl` draws its nonce from `random` (a predictable nonce
leaks the private key), so LabDesk carries its own: the curve maths is small and is
checked against the OpenSSL CLI in both directions by the test suite. The nonce comes
from `secrets`; hashing (SM3) goes through OpenSSL via `cryptography`.

Points use Jacobian coordinates so a scalar multiplication costs one modular inverse.
Scalar multiplication is not constant-time (Python integers never are); the threat model
is a desktop that signs a few batches a day, not a shared server under timing attack.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from cryptography.hazmat.primitives.asymmetric.utils import (
    decode_dss_signature,
    encode_dss_signature,
)

from labdesk.signing.sm3 import sm3_digest

# The recommended 256-bit curve of GM/T 0003.5 (OpenSSL: "SM2", OID 1.2.156.10197.1.301).
P = 0xFFFFFFFEFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF00000000FFFFFFFFFFFFFFFF
A = 0xFFFFFFFEFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF00000000FFFFFFFFFFFFFFFC
B = 0x28E9FA9E9D9F5E344D5A9E4BCF6509A7F39789F515AB8F92DDBCBD414D940E93
N = 0xFFFFFFFEFFFFFFFFFFFFFFFFFFFFFFFF7203DF6B21C6052B53BBF40939D54123
GX = 0x32C4AE2C1F1981195F9904466A39C9948FE30BBFF2660BE1715A4589334C74C7
GY = 0xBC3736A2F4F6779C59BDCEE36B692153D0A9877CC62A474002DF32E52139F0A0

DEFAULT_ID = b"1234567812345678"  # GM/T 0009 default signer ID; OpenSSL's distid

Point = tuple[int, int]
_Jacobian = tuple[int, int, int]
_INFINITY: _Jacobian = (1, 1, 0)


def _double(p: _Jacobian) -> _Jacobian:
    x, y, z = p
    if z == 0 or y == 0:
        return _INFINITY
    yy = y * y % P
    s = 4 * x * yy % P
    zz = z * z % P
    m = (3 * x * x + A * zz * zz) % P
    x3 = (m * m - 2 * s) % P
    y3 = (m * (s - x3) - 8 * yy * yy) % P
    z3 = 2 * y * z % P
    return x3, y3, z3


def _add(p: _Jacobian, q: _Jacobian) -> _Jacobian:
    if p[2] == 0:
        return q
    if q[2] == 0:
        return p
    x1, y1, z1 = p
    x2, y2, z2 = q
    z1z1 = z1 * z1 % P
    z2z2 = z2 * z2 % P
    u1 = x1 * z2z2 % P
    u2 = x2 * z1z1 % P
    s1 = y1 * z2 * z2z2 % P
    s2 = y2 * z1 * z1z1 % P
    if u1 == u2:
        if s1 != s2:
            return _INFINITY
        return _double(p)
    h = (u2 - u1) % P
    r = (s2 - s1) % P
    hh = h * h % P
    hhh = h * hh % P
    v = u1 * hh % P
    x3 = (r * r - hhh - 2 * v) % P
    y3 = (r * (v - x3) - s1 * hhh) % P
    z3 = h * z1 * z2 % P
    return x3, y3, z3


def _to_affine(p: _Jacobian) -> Point | None:
    x, y, z = p
    if z == 0:
        return None
    zinv = pow(z, -1, P)
    zinv2 = zinv * zinv % P
    return x * zinv2 % P, y * zinv2 * zinv % P


def _multiply(k: int, point: Point) -> _Jacobian:
    """k·point by a 4-bit fixed window (64 doublings' worth of additions saved)."""
    table: list[_Jacobian] = [_INFINITY, (point[0], point[1], 1)]
    for i in range(2, 16):
        table.append(_add(table[i - 1], table[1]))
    result = _INFINITY
    for shift in range((k.bit_length() + 3) // 4 * 4 - 4, -4, -4):
        for _ in range(4):
            result = _double(result)
        result = _add(result, table[(k >> shift) & 0xF])
    return result


def _build_g_table() -> list[list[_Jacobian]]:
    """Precomputed j·16^i·G for the 64 nibbles of a scalar: k·G with additions only."""
    rows: list[list[_Jacobian]] = []
    base: _Jacobian = (GX, GY, 1)
    for _ in range(64):
        row = [_INFINITY, base]
        for j in range(2, 16):
            row.append(_add(row[j - 1], base))
        rows.append([_normalise(q) for q in row])
        for _ in range(4):
            base = _double(base)
    return rows


def _normalise(p: _Jacobian) -> _Jacobian:
    affine = _to_affine(p)
    return _INFINITY if affine is None else (affine[0], affine[1], 1)


_G_TABLE: list[list[_Jacobian]] | None = None


def _multiply_g(k: int) -> _Jacobian:
    global _G_TABLE
    if _G_TABLE is None:
        _G_TABLE = _build_g_table()
    result = _INFINITY
    for i in range(64):
        nibble = (k >> (4 * i)) & 0xF
        if nibble:
            result = _add(result, _G_TABLE[i][nibble])
    return result


def is_on_curve(point: Point) -> bool:
    x, y = point
    return 0 <= x < P and 0 <= y < P and (y * y - (x * x * x + A * x + B)) % P == 0


def public_from_private(d: int) -> Point:
    if not 1 <= d <= N - 2:
        raise ValueError("SM2 private key out of range [1, n-2]")
    point = _to_affine(_multiply_g(d))
    assert point is not None
    return point


def generate_private_key() -> int:
    """A private scalar d uniformly in [1, n-2], from the OS's CSPRNG."""
    return 1 + secrets.randbelow(N - 2)


def _int32(value: int) -> bytes:
    return value.to_bytes(32, "big")


def za(public: Point, signer_id: bytes = DEFAULT_ID) -> bytes:
    """Z_A = SM3(ENTL ‖ ID ‖ a ‖ b ‖ xG ‖ yG ‖ xA ‖ yA): binds the signer to the digest."""
    entl = (len(signer_id) * 8).to_bytes(2, "big")
    return sm3_digest(
        entl
        + signer_id
        + _int32(A)
        + _int32(B)
        + _int32(GX)
        + _int32(GY)
        + _int32(public[0])
        + _int32(public[1])
    )


def _message_digest(message: bytes, public: Point, signer_id: bytes) -> int:
    return int.from_bytes(sm3_digest(za(public, signer_id) + message), "big")


def sign(message: bytes, d: int, signer_id: bytes = DEFAULT_ID) -> tuple[int, int]:
    """(r, s) over `message`; a fresh nonce from `secrets` each time (signatures differ)."""
    public = public_from_private(d)
    e = _message_digest(message, public, signer_id)
    inverse = pow(1 + d, -1, N)
    while True:
        k = 1 + secrets.randbelow(N - 1)
        x1 = _to_affine(_multiply_g(k))
        assert x1 is not None
        r = (e + x1[0]) % N
        if r == 0 or r + k == N:
            continue
        s = inverse * (k - r * d) % N
        if s != 0:
            return r, s


def verify(
    message: bytes, rs: tuple[int, int], public: Point, signer_id: bytes = DEFAULT_ID
) -> bool:
    r, s = rs
    if not (1 <= r < N and 1 <= s < N) or not is_on_curve(public):
        return False
    t = (r + s) % N
    if t == 0:
        return False
    e = _message_digest(message, public, signer_id)
    point = _to_affine(_add(_multiply_g(s), _multiply(t, public)))
    if point is None:
        return False
    return (e + point[0]) % N == r


def sign_der(message: bytes, d: int, signer_id: bytes = DEFAULT_ID) -> bytes:
    """DER SEQUENCE { r INTEGER, s INTEGER }: what OpenSSL writes and reads."""
    r, s = sign(message, d, signer_id)
    return encode_dss_signature(r, s)


def verify_der(message: bytes, der: bytes, public: Point, signer_id: bytes = DEFAULT_ID) -> bool:
    try:
        r, s = decode_dss_signature(der)
    except ValueError:
        return False
    # Reject non-canonical encodings so one signature has one byte form.
    if encode_dss_signature(r, s) != der:
        return False
    return verify(message, (r, s), public, signer_id)


@dataclass(frozen=True)
class SM2PrivateKey:
    d: int

    @property
    def public(self) -> Point:
        return public_from_private(self.d)
