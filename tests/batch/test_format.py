"""The archive is deterministic: same inputs, same bytes (SM2 signatures aside)."""

from __future__ import annotations

import io
import zipfile

from labdesk.batch.format import (
    ZIP_TIMESTAMP,
    batch_filename,
    build_archive,
    json_lines,
    parse_batch_filename,
)
from labdesk.signing import Signer
from tests.batch.factory import batch_files, make_batch, sample_records


def test_ed25519_batch_rebuilds_byte_identically(ed25519_signer: Signer) -> None:
    samples = sample_records(3)
    kwargs = {"samples": samples, "created_at": "2026-11-26T10:00:00+08:00"}
    first = make_batch(ed25519_signer, **kwargs)  # type: ignore[arg-type]
    # batch ids are random UUIDs; rebuild from the same manifest + files instead
    again = build_archive(first.manifest, ed25519_signer.sign(first.manifest), batch_files(samples))
    assert again == first.archive


def test_sm2_archive_is_deterministic_given_the_signature(sm2_signer: Signer) -> None:
    batch = make_batch(sm2_signer)
    files = batch_files(sample_records(5))
    assert build_archive(batch.manifest, batch.signature, files) == batch.archive
    other_sig = sm2_signer.sign(batch.manifest)
    assert other_sig != batch.signature  # randomised: why rewriting reuses stored bytes


def test_entry_order_and_metadata(sm2_signer: Signer) -> None:
    with zipfile.ZipFile(io.BytesIO(make_batch(sm2_signer).archive)) as zf:
        infos = zf.infolist()
    assert [i.filename for i in infos] == [
        "manifest.json", "manifest.sig", "audit.jsonl", "items.jsonl",
        "results.jsonl", "samples.jsonl", "summary.json",
    ]  # fmt: skip
    assert {i.date_time for i in infos} == {ZIP_TIMESTAMP}
    assert {i.compress_type for i in infos} == {zipfile.ZIP_DEFLATED}
    assert {i.external_attr >> 16 for i in infos} == {0o100644}


def test_json_lines_are_canonical() -> None:
    assert json_lines([{"b": "0.10", "a": "铅"}, {}]) == '{"a":"铅","b":"0.10"}\n{}\n'.encode()
    assert json_lines([]) == b""


def test_file_names() -> None:
    assert batch_filename("HF01", 7) == "HF01-000007.labbatch"
    assert parse_batch_filename("HF-01-000007.labbatch") == ("HF-01", 7)
    assert parse_batch_filename("HF01-7.labbatch") is None
    assert parse_batch_filename("../HF01-000001.labbatch") is None
