"""The archive is deterministic: same inputs, same bytes (SM2 signatures aside)."""

from __future__ import annotations

import io
import zipfile
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from labdesk.batch.format import (
    DATA_FILES,
    ZIP_TIMESTAMP,
    SpooledDataFile,
    batch_filename,
    build_archive,
    file_entry,
    json_lines,
    parse_batch_filename,
    write_archive,
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
        "reports.jsonl", "results.jsonl", "samples.jsonl", "summary.json",
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


_PIECES = st.lists(st.binary(max_size=3000) | st.just(b"\n" * 70_000), max_size=6)


@settings(max_examples=40, deadline=None)
@given(pieces=st.fixed_dictionaries({name: _PIECES for name in DATA_FILES}))
def test_spooled_files_zip_to_the_same_bytes(pieces: dict[str, list[bytes]]) -> None:
    """Writing data files in pieces through spools gives build_archive's exact bytes."""
    files = {name: b"".join(parts) for name, parts in pieces.items()}
    spools = {name: SpooledDataFile() for name in DATA_FILES}
    try:
        for name, parts in pieces.items():
            for part in parts:
                spools[name].write(part)
            assert spools[name].entry(name) == file_entry(name, files[name])
            assert spools[name].lines == files[name].count(b"\n")
        out = io.BytesIO()
        write_archive(out, b'{"m": 1}\n', b"sig", spools)
    finally:
        for spool in spools.values():
            spool.close()
    assert out.getvalue() == build_archive(b'{"m": 1}\n', b"sig", files)


def test_spooled_records_join_like_json_lines() -> None:
    records: list[dict[str, Any]] = [{"b": 1, "a": "铅"}, {"x": None}, {"y": [1, "≤0.2"]}]
    spool = SpooledDataFile()
    try:
        for piece in (records[:1], [], records[1:]):
            spool.write_records(piece)
        spool.file.seek(0)
        assert spool.file.read() == json_lines(records)
    finally:
        spool.close()


def test_spooled_file_larger_than_a_copy_chunk_zips_identically() -> None:
    """Past the 1 MiB copy buffer: deflate fed in chunks matches deflate fed at once."""
    big = json_lines({"seq": n, "text": f"检测值 {n * 7919 % 1000}"} for n in range(90_000))
    assert len(big) > 2 * (1 << 20)
    spool = SpooledDataFile()
    try:
        for start in range(0, len(big), 333_333):
            spool.write(big[start : start + 333_333])
        out = io.BytesIO()
        write_archive(out, b"m", b"s", {"audit.jsonl": spool, "summary.json": b"{}\n"})
    finally:
        spool.close()
    assert out.getvalue() == build_archive(
        b"m", b"s", {"audit.jsonl": big, "summary.json": b"{}\n"}
    )
