"""Property tests: damaged input is refused as BatchRejected, never a crash or a pass."""

from __future__ import annotations

import contextlib

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from labdesk.batch.verify import BatchRejected, verify_bytes
from labdesk.core.errors import ValidationError
from labdesk.signing import Signer, load_public_pem
from labdesk.signing.spki import parse_spki
from tests.batch.factory import make_batch

SIGNER = Signer.generate("sm2")
GOOD = make_batch(SIGNER)
ORIGINAL = verify_bytes(GOOD.archive, [SIGNER.public_key])


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(
        st.tuples(st.integers(0, len(GOOD.archive) - 1), st.integers(1, 255)),
        min_size=1,
        max_size=4,
    )
)
def test_flipped_bytes_never_verify_different_content(flips: list[tuple[int, int]]) -> None:
    data = bytearray(GOOD.archive)
    for offset, mask in flips:
        data[offset] ^= mask
    try:
        verified = verify_bytes(bytes(data), [SIGNER.public_key])
    except BatchRejected:
        return
    # Only bytes the signature does not cover (ZIP timestamps, attributes…) may change.
    assert verified.manifest_bytes == ORIGINAL.manifest_bytes
    assert verified.files == ORIGINAL.files


@settings(max_examples=100, deadline=None)
@given(st.integers(0, len(GOOD.archive) - 1))
def test_any_truncation_is_refused(cut: int) -> None:
    try:
        verify_bytes(GOOD.archive[:cut], [SIGNER.public_key])
    except BatchRejected:
        return
    raise AssertionError("a truncated batch verified")


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=200))
def test_spki_parser_refuses_garbage_cleanly(der: bytes) -> None:
    with contextlib.suppress(ValueError):
        parse_spki(der)


@settings(max_examples=100, deadline=None)
@given(st.text(max_size=300))
def test_pem_loader_raises_validation_error_only(text: str) -> None:
    with contextlib.suppress(ValidationError):
        load_public_pem("-----BEGIN PUBLIC KEY-----\n" + text + "\n-----END PUBLIC KEY-----\n")


def test_zip_features_python_cannot_read_are_refused_not_raised() -> None:
    """zipfile raises NotImplementedError for some header bits (found by the fuzz test)."""
    import struct

    # Central directory: "version needed to extract" of the first entry → 8.4.
    central = bytearray(GOOD.archive)
    at = central.index(b"PK\x01\x02")
    central[at + 6 : at + 8] = struct.pack("<H", 84)
    # Local header of the first entry: general-purpose flag bit 6 (strong encryption),
    # set in both headers so the central directory's own check does not catch it first.
    local = bytearray(GOOD.archive)
    local[4 + 2 : 4 + 4] = struct.pack("<H", struct.unpack("<H", local[6:8])[0] | 0x40)
    for damaged in (central, local):
        with contextlib.suppress(BatchRejected):
            verify_bytes(bytes(damaged), [SIGNER.public_key])
