"""HQ keeps each centre's signed audit heads and says when a centre's chain went back
(issue 21.4): the off-machine anchor a centre's disk cannot rewrite."""

from __future__ import annotations

from pathlib import Path

from labdesk.batch.hq import ingest
from labdesk.batch.hq_store import open_hq
from labdesk.signing import Signer
from tests.batch.factory import make_batch, sample_records


def _send(tmp_path: Path, signer: Signer, heads: list[tuple[int, str]]) -> list[list[str]]:
    warnings = []
    with open_hq(str(tmp_path / "hq.sqlite")) as store:
        previous = None
        for n, (seq, digest) in enumerate(heads, 1):
            batch = make_batch(
                signer,
                sequence=n,
                previous=previous,
                samples=sample_records(2, start=n * 10),
                audit_head={"seq": seq, "hash": digest},
            )
            previous = batch.manifest_sha256
            path = tmp_path / f"in{n}" / batch.filename
            path.parent.mkdir()
            path.write_bytes(batch.archive)
            (outcome,) = ingest(store, [path], [signer.public_key])
            assert outcome.status == "loaded", outcome.message
            warnings.append(outcome.warnings)
    return warnings


def test_a_growing_chain_is_quiet(tmp_path: Path, sm2_signer: Signer) -> None:
    warnings = _send(tmp_path, sm2_signer, [(10, "a" * 64), (25, "b" * 64), (25, "b" * 64)])
    assert not any("audit trail went back" in w for ws in warnings for w in ws)


def test_a_chain_that_went_back_is_said(tmp_path: Path, sm2_signer: Signer) -> None:
    warnings = _send(tmp_path, sm2_signer, [(10, "a" * 64), (40, "b" * 64), (30, "c" * 64)])
    said = [w for w in warnings[2] if "audit trail went back" in w]
    assert said and "batch 3 was built at entry 30, but batch 2 at entry 40" in said[0]


def test_the_same_length_with_another_hash_is_said(tmp_path: Path, sm2_signer: Signer) -> None:
    warnings = _send(tmp_path, sm2_signer, [(40, "b" * 64), (40, "c" * 64)])
    assert any("with another hash" in w for w in warnings[1])
