"""SM2/SM3 and Ed25519 signing, including interop with the OpenSSL CLI in both directions."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from labdesk.core.errors import ValidationError
from labdesk.signing import SM3, Signer, load_public_pem, sm2, sm3_digest
from labdesk.signing.spki import parse_spki, pem_decode
from tests.support import require_tool

DISTID = "distid:1234567812345678"


def test_sm3_vector_abc() -> None:
    expected = "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0"
    assert sm3_digest(b"abc").hex() == expected
    incremental = SM3(b"a")
    incremental.update(b"bc")
    assert incremental.hexdigest() == expected


def test_sm3_vector_64_bytes() -> None:
    # GB/T 32905 example 2: "abcd" × 16.
    assert sm3_digest(b"abcd" * 16).hex() == (
        "debe9ff92275b8a138604889c18e5a4d6fdb70e5387e5765293dcba39c0c5732"
    )


def test_generator_on_curve_and_order() -> None:
    assert sm2.is_on_curve((sm2.GX, sm2.GY))
    # n·G is the point at infinity; (n-1)·G is -G.
    assert sm2._to_affine(sm2._multiply(sm2.N, (sm2.GX, sm2.GY))) is None
    assert sm2._to_affine(sm2._multiply_g(sm2.N - 1)) == (sm2.GX, sm2.P - sm2.GY)
    # the precomputed table and the generic multiply agree
    k = 0x1234_5678_9ABC_DEF0 << 190 | 12345
    assert sm2._to_affine(sm2._multiply_g(k)) == sm2._to_affine(sm2._multiply(k, (sm2.GX, sm2.GY)))


@pytest.mark.parametrize("algorithm", ["sm2", "ed25519"])
def test_sign_verify_round_trip(algorithm: str) -> None:
    signer = Signer.generate(algorithm)
    message = "manifest 抽样单 {}".encode()
    signature = signer.sign(message)
    public = load_public_pem(signer.public_key.pem)
    assert public.key_id == signer.key_id
    assert public.verify(message, signature)
    assert not public.verify(message + b" ", signature)  # tampered message
    other = Signer.generate(algorithm)
    assert not other.public_key.verify(message, signature)  # wrong key


def test_sm2_signatures_are_randomised() -> None:
    signer = Signer.generate("sm2")
    first, second = signer.sign(b"x"), signer.sign(b"x")
    assert first != second
    assert signer.public_key.verify(b"x", first) and signer.public_key.verify(b"x", second)


def test_sm2_rejects_malformed_signatures() -> None:
    signer = Signer.generate("sm2")
    sig = bytearray(signer.sign(b"m"))
    assert not signer.public_key.verify(b"m", b"")
    assert not signer.public_key.verify(b"m", bytes(sig) + b"\x00")  # trailing garbage
    sig[-1] ^= 0x01
    assert not signer.public_key.verify(b"m", bytes(sig))
    r, s = sm2.sign(b"m", int.from_bytes(signer.private_bytes(), "big"))
    point = (
        int.from_bytes(signer.public_key.raw[1:33], "big"),
        int.from_bytes(signer.public_key.raw[33:], "big"),
    )
    assert sm2.verify(b"m", (r, s), point)
    assert not sm2.verify(b"m", (r, 0), point)
    assert not sm2.verify(b"m", (sm2.N, s), point)
    assert not sm2.verify(b"m", (r, s), (point[0], (point[1] + 1) % sm2.P))  # off-curve key


def test_signer_id_matters() -> None:
    d = sm2.generate_private_key()
    point = sm2.public_from_private(d)
    rs = sm2.sign(b"m", d, b"ALICE123@YAHOO.COM")
    assert sm2.verify(b"m", rs, point, b"ALICE123@YAHOO.COM")
    assert not sm2.verify(b"m", rs, point)


def _signer_with_x_prefix(prefix: int) -> Signer:
    # About one key in 256 has this leading byte; keys are cheap.
    for _ in range(20_000):
        signer = Signer.generate("sm2")
        if signer.public_key.raw[1] == prefix:
            return signer
    raise AssertionError("no key found")  # pragma: no cover


@pytest.mark.parametrize("prefix", [0x00, 0x04])
def test_public_key_x_with_leading_00_or_04(prefix: int, tmp_path: Path) -> None:
    """gmssl's lstrip("04") would corrupt these keys; ours must survive PEM and OpenSSL."""
    signer = _signer_with_x_prefix(prefix)
    pem = signer.public_key.pem
    algorithm, raw = parse_spki(pem_decode(pem))
    assert algorithm == "sm2" and raw == signer.public_key.raw and len(raw) == 65
    message = b'{"format":"labdesk-batch/1"}'
    signature = signer.sign(message)
    assert load_public_pem(pem).verify(message, signature)
    require_tool("openssl")
    done = _openssl_verify(tmp_path, pem, message, signature, "sm2")
    assert done.returncode == 0, done.stderr


def test_load_public_pem_rejects_garbage() -> None:
    with pytest.raises(ValidationError, match="PEM"):
        load_public_pem("hello")
    signer = Signer.generate("sm2")
    der = bytearray(pem_decode(signer.public_key.pem))
    der[-1] ^= 0x01  # Y no longer matches X
    from labdesk.signing.spki import pem_encode

    with pytest.raises(ValidationError, match="not on the curve"):
        load_public_pem(pem_encode(bytes(der)))


def _openssl_verify(
    tmp_path: Path, pem: str, message: bytes, signature: bytes, algorithm: str
) -> subprocess.CompletedProcess[str]:
    (tmp_path / "pub.pem").write_text(pem)
    (tmp_path / "manifest.json").write_bytes(message)
    (tmp_path / "manifest.sig").write_bytes(signature)
    cmd = [
        "openssl", "pkeyutl", "-verify", "-pubin", "-inkey", "pub.pem", "-rawin",
        "-in", "manifest.json", "-sigfile", "manifest.sig",
    ]  # fmt: skip
    if algorithm == "sm2":
        cmd += ["-digest", "sm3", "-pkeyopt", DISTID]
    return subprocess.run(cmd, cwd=tmp_path, capture_output=True, text=True, check=False)


@pytest.mark.parametrize("algorithm", ["sm2", "ed25519"])
def test_openssl_verifies_our_signatures(algorithm: str, tmp_path: Path) -> None:
    require_tool("openssl")
    signer = Signer.generate(algorithm)
    message = '{"centre":"合肥市质检中心","sequence":1}\n'.encode()
    signature = signer.sign(message)
    done = _openssl_verify(tmp_path, signer.public_key.pem, message, signature, algorithm)
    assert done.returncode == 0, done.stderr
    assert "Signature Verified Successfully" in done.stdout
    # and OpenSSL refuses a tampered message, so the check above can fail
    bad = _openssl_verify(tmp_path, signer.public_key.pem, message + b"x", signature, algorithm)
    assert bad.returncode != 0


def test_openssl_key_id_matches(tmp_path: Path) -> None:
    require_tool("openssl")
    signer = Signer.generate("sm2")
    (tmp_path / "pub.pem").write_text(signer.public_key.pem)
    der = subprocess.run(
        ["openssl", "pkey", "-pubin", "-in", "pub.pem", "-outform", "DER"],
        cwd=tmp_path, capture_output=True, check=True,
    ).stdout  # fmt: skip
    import hashlib

    assert hashlib.sha256(der).hexdigest() == signer.key_id


@pytest.mark.parametrize("algorithm", ["SM2", "ED25519"])
def test_we_verify_openssl_signatures(algorithm: str, tmp_path: Path) -> None:
    require_tool("openssl")

    def run(*args: str) -> None:
        subprocess.run(["openssl", *args], cwd=tmp_path, capture_output=True, check=True)

    run("genpkey", "-algorithm", algorithm, "-out", "key.pem")
    run("pkey", "-in", "key.pem", "-pubout", "-out", "pub.pem")
    message = '{"made":"by openssl","中文":true}'.encode()
    (tmp_path / "manifest.json").write_bytes(message)
    sign = ["pkeyutl", "-sign", "-inkey", "key.pem", "-rawin", "-in", "manifest.json"]
    if algorithm == "SM2":
        sign += ["-digest", "sm3", "-pkeyopt", DISTID]
    run(*sign, "-out", "manifest.sig")
    public = load_public_pem((tmp_path / "pub.pem").read_text())
    assert public.algorithm == algorithm.lower()
    signature = (tmp_path / "manifest.sig").read_bytes()
    assert public.verify(message, signature)
    assert not public.verify(message[:-1], signature)
