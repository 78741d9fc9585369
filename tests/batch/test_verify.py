"""Every way a batch can be bad is refused with its own reason and a specific message."""

from __future__ import annotations

import hashlib
import io
import json
import struct
import time
import warnings
import zipfile
from pathlib import Path

import pytest

from labdesk.batch.format import FORMAT, manifest_json
from labdesk.batch.verify import BatchRejected, Limits, verify_batch, verify_bytes
from labdesk.signing import SM3, Signer
from tests.batch.factory import (
    entries_of,
    make_batch,
    report_record,
    resign,
    rezip,
    sample_records,
)


def _rejects(data: bytes, keys: list, reason: str, match: str, **kw: object) -> BatchRejected:
    with pytest.raises(BatchRejected, match=match) as info:
        verify_bytes(data, keys, **kw)  # type: ignore[arg-type]
    assert info.value.reason == reason
    return info.value


@pytest.mark.parametrize("algorithm", ["sm2", "ed25519"])
def test_good_batch_verifies(algorithm: str, tmp_path: Path) -> None:
    signer = Signer.generate(algorithm)
    batch = make_batch(signer)
    path = tmp_path / batch.filename
    path.write_bytes(batch.archive)
    verified = verify_batch(path, [signer.public_key])
    assert verified.centre_code == "HF01" and verified.sequence == 1
    assert verified.manifest["format"] == FORMAT
    assert verified.key.key_id == signer.key_id
    assert verified.manifest_sha256 == batch.manifest_sha256
    assert len(verified.records("samples.jsonl")) == 5
    assert verified.summary()["samples"] == 5


def test_text_with_unicode_line_separators_is_one_record(sm2_signer: Signer) -> None:
    """U+2028/U+2029/U+0085 stay raw in ensure_ascii=False JSON: still one line each."""
    samples = sample_records(3)
    samples[1]["conclusion"] = "第一行\u2028第二行\u2029第三行\x85完"
    batch = make_batch(sm2_signer, samples=samples)
    verified = verify_bytes(batch.archive, [sm2_signer.public_key])
    assert verified.records("samples.jsonl") == samples
    assert len(verified.text_lines("samples.jsonl")) == 3
    assert json.loads(verified.text_lines("samples.jsonl")[1]) == samples[1]


def test_flipped_byte_in_data_file(sm2_signer: Signer) -> None:
    entries = entries_of(make_batch(sm2_signer).archive)
    changed = []
    for name, data in entries:
        if name == "results.jsonl":
            data = data.replace(b'"0.05"', b'"0.04"', 1)
        changed.append((name, data))
    _rejects(rezip(changed), [sm2_signer.public_key], "hash-mismatch", "results.jsonl: SHA-256")


def test_flipped_byte_in_compressed_stream(sm2_signer: Signer) -> None:
    archive = bytearray(make_batch(sm2_signer).archive)
    with zipfile.ZipFile(io.BytesIO(bytes(archive))) as zf:
        info = zf.getinfo("samples.jsonl")
    # the local header is 30 bytes + name + extra; flip a byte inside the deflate data
    name_len, extra_len = struct.unpack(
        "<HH", archive[info.header_offset + 26 : info.header_offset + 30]
    )
    archive[info.header_offset + 30 + name_len + extra_len + 5] ^= 0xFF
    _rejects(bytes(archive), [sm2_signer.public_key], "corrupt", "samples.jsonl is damaged")


def test_edited_manifest(sm2_signer: Signer) -> None:
    entries = entries_of(make_batch(sm2_signer).archive)
    edited = [
        (n, d.replace(b'"sequence": 1', b'"sequence": 2') if n == "manifest.json" else d)
        for n, d in entries
    ]
    assert edited != entries
    _rejects(rezip(edited), [sm2_signer.public_key], "bad-signature", "changed after signing")


def test_unknown_key(sm2_signer: Signer) -> None:
    stranger = Signer.generate("sm2")
    _rejects(
        make_batch(stranger).archive,
        [sm2_signer.public_key],
        "unknown-key",
        "not among the 1 trusted",
    )


def test_wrong_key_claims_trusted_id(sm2_signer: Signer) -> None:
    """A manifest naming the trusted key but signed by another key."""
    forger = Signer.generate("sm2")
    entries = dict(entries_of(make_batch(sm2_signer).archive))
    entries["manifest.sig"] = forger.sign(entries["manifest.json"])
    _rejects(
        rezip(entries.items()), [sm2_signer.public_key], "bad-signature", "manifest.sig does not"
    )


def test_file_not_in_manifest(sm2_signer: Signer) -> None:
    entries = [*entries_of(make_batch(sm2_signer).archive), ("extra.jsonl", b"{}\n")]
    _rejects(
        rezip(entries), [sm2_signer.public_key], "unlisted-file", "extra.jsonl is in the archive"
    )


def test_manifest_entry_missing_from_zip(sm2_signer: Signer) -> None:
    entries = [(n, d) for n, d in entries_of(make_batch(sm2_signer).archive) if n != "audit.jsonl"]
    _rejects(
        rezip(entries), [sm2_signer.public_key], "missing-file", "audit.jsonl is in the manifest"
    )


@pytest.mark.parametrize("name", ["../evil.jsonl", "/etc/passwd", "a/../../x", "C:/x", "..\\x"])
def test_unsafe_paths(sm2_signer: Signer, name: str) -> None:
    entries = [*entries_of(make_batch(sm2_signer).archive), (name, b"x")]
    _rejects(rezip(entries), [sm2_signer.public_key], "unsafe-path", "outside the archive")


def test_duplicate_names(sm2_signer: Signer) -> None:
    entries = entries_of(make_batch(sm2_signer).archive)
    entries.append(("samples.jsonl", b'{"sample_id":"evil"}\n'))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # zipfile warns about the duplicate
        data = rezip(entries)
    _rejects(
        data, [sm2_signer.public_key], "duplicate-entry", "samples.jsonl appears more than once"
    )


def test_300_mb_zero_entry_refused_fast(sm2_signer: Signer, tmp_path: Path) -> None:
    path = tmp_path / "bomb.labbatch"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as zf:
        for name, data in entries_of(make_batch(sm2_signer).archive):
            zf.writestr(name, data)
        with zf.open("zeros.bin", "w", force_zip64=True) as out:
            chunk = bytes(1 << 20)
            for _ in range(300):
                out.write(chunk)
    assert path.stat().st_size < 2 * 1024 * 1024  # the bomb itself is small
    start = time.monotonic()
    with pytest.raises(BatchRejected, match=r"zeros\.bin declares 314,572,800 bytes") as info:
        verify_batch(path, [sm2_signer.public_key])
    assert info.value.reason == "oversize"
    assert time.monotonic() - start < 5  # refused from the directory, nothing inflated


def test_lying_size_is_capped_while_streaming(sm2_signer: Signer) -> None:
    """An entry whose header understates its size never yields more than it declared."""
    batch = make_batch(sm2_signer)
    big = bytes(2 * 1024 * 1024)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in entries_of(batch.archive):
            zf.writestr(name, big if name == "audit.jsonl" else data)
    archive = bytearray(buffer.getvalue())
    # Rewrite the central directory's uncompressed size of audit.jsonl to the manifest's.
    with zipfile.ZipFile(io.BytesIO(bytes(archive))) as zf:
        manifest = json.loads(zf.read("manifest.json"))
    declared = next(f["size"] for f in manifest["files"] if f["path"] == "audit.jsonl")
    marker = b"PK\x01\x02"
    pos = 0
    while (pos := archive.find(marker, pos + 1)) != -1:
        name_len = struct.unpack("<H", archive[pos + 28 : pos + 30])[0]
        if archive[pos + 46 : pos + 46 + name_len] == b"audit.jsonl":
            archive[pos + 24 : pos + 28] = struct.pack("<I", declared)
    with pytest.raises(BatchRejected) as info:
        verify_bytes(bytes(archive), [sm2_signer.public_key])
    assert info.value.reason in {"corrupt", "hash-mismatch"}


def test_configurable_limits(sm2_signer: Signer) -> None:
    data = make_batch(sm2_signer).archive
    _rejects(
        data,
        [sm2_signer.public_key],
        "oversize",
        "limit is 100",
        limits=Limits(max_entry_bytes=100),
    )
    _rejects(
        data,
        [sm2_signer.public_key],
        "oversize",
        "the file is",
        limits=Limits(max_archive_bytes=100),
    )


@pytest.mark.parametrize("cut", [0.5, 0.9, 0.99])
def test_truncated_archive(sm2_signer: Signer, tmp_path: Path, cut: float) -> None:
    data = make_batch(sm2_signer).archive
    path = tmp_path / "HF01-000001.labbatch"
    path.write_bytes(data[: int(len(data) * cut)])
    with pytest.raises(BatchRejected, match="truncated or corrupt archive") as info:
        verify_batch(path, [sm2_signer.public_key])
    assert info.value.reason == "corrupt"


def test_not_a_zip(sm2_signer: Signer) -> None:
    _rejects(b"hello", [sm2_signer.public_key], "corrupt", "truncated or corrupt")


def test_wrong_format_version(sm2_signer: Signer) -> None:
    entries = dict(entries_of(make_batch(sm2_signer).archive))
    manifest = json.loads(entries.pop("manifest.json"))
    entries.pop("manifest.sig")
    manifest["format"] = "labdesk-batch/4"
    data = resign(sm2_signer, manifest, entries)
    _rejects(data, [sm2_signer.public_key], "unsupported-format", "'labdesk-batch/4'")


def test_a_version_1_batch_still_verifies(sm2_signer: Signer) -> None:
    batch = make_batch(sm2_signer, legacy=True)
    verified = verify_bytes(batch.archive, [sm2_signer.public_key])
    assert verified.manifest["format"] == "labdesk-batch/1"
    assert "reports.jsonl" not in verified.files
    assert set(verified.manifest["counts"]) == {"samples", "items", "results", "audit_entries"}


def test_version_2_needs_its_reports_file(sm2_signer: Signer) -> None:
    """A /1 file set under a /2 manifest (reports.jsonl dropped) is refused, and so is a
    /1 manifest carrying reports.jsonl: each format has exactly its own files."""
    entries = dict(entries_of(make_batch(sm2_signer, legacy=True).archive))
    manifest = json.loads(entries.pop("manifest.json"))
    entries.pop("manifest.sig")
    manifest["format"] = "labdesk-batch/2"
    manifest["centre"]["region_code"] = "340100"
    manifest["counts"]["reports"] = 0
    data = resign(sm2_signer, manifest, entries)
    _rejects(data, [sm2_signer.public_key], "missing-file", "reports.jsonl is required")
    entries2 = dict(entries_of(make_batch(sm2_signer).archive))
    manifest2 = json.loads(entries2.pop("manifest.json"))
    entries2.pop("manifest.sig")
    manifest2["format"] = "labdesk-batch/1"
    del manifest2["counts"]["reports"]
    data2 = resign(sm2_signer, manifest2, entries2)
    _rejects(data2, [sm2_signer.public_key], "unlisted-file", "reports.jsonl is not")


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"version": 0}, "version must be a whole number"),
        ({"state": "cancelled"}, "state must be one of"),
        ({"kind": "draft"}, "kind must be one of"),
        ({"report_no": ""}, "report_no must be non-empty"),
        ({"payload": None}, "payload must be text"),
    ],
)
def test_bad_report_lines_are_refused(
    sm2_signer: Signer, change: dict[str, object], message: str
) -> None:
    samples = sample_records(2)
    reports = [report_record(samples[0]), {**report_record(samples[1]), **change}]
    batch = make_batch(sm2_signer, samples=samples, reports=reports)
    _rejects(batch.archive, [sm2_signer.public_key], "content-invalid", message)


def test_a_report_version_twice_is_refused(sm2_signer: Signer) -> None:
    samples = sample_records(1)
    reports = [report_record(samples[0]), report_record(samples[0])]
    batch = make_batch(sm2_signer, samples=samples, reports=reports)
    _rejects(batch.archive, [sm2_signer.public_key], "content-invalid", "repeats")


def test_missing_signature(sm2_signer: Signer) -> None:
    entries = [(n, d) for n, d in entries_of(make_batch(sm2_signer).archive) if n != "manifest.sig"]
    _rejects(rezip(entries), [sm2_signer.public_key], "missing-file", "manifest.sig is missing")


def test_counts_must_match_even_when_signed(sm2_signer: Signer) -> None:
    entries = dict(entries_of(make_batch(sm2_signer).archive))
    manifest = json.loads(entries.pop("manifest.json"))
    entries.pop("manifest.sig")
    manifest["counts"]["samples"] = 6
    data = resign(sm2_signer, manifest, entries)
    _rejects(data, [sm2_signer.public_key], "content-invalid", "samples.jsonl has 5 records")


def test_manifest_json_is_deterministic(sm2_signer: Signer) -> None:
    raw = dict(entries_of(make_batch(sm2_signer).archive))["manifest.json"]
    assert manifest_json(json.loads(raw)) == raw


def test_file_name_must_match_manifest(sm2_signer: Signer, tmp_path: Path) -> None:
    batch = make_batch(sm2_signer, sequence=1)
    renamed = tmp_path / "HF01-000002.labbatch"
    renamed.write_bytes(batch.archive)
    with pytest.raises(BatchRejected, match=r"named HF01-000002\.labbatch but its manifest says"):
        verify_batch(renamed, [sm2_signer.public_key])
    copy = tmp_path / "HF01-000001 (copy).labbatch"  # not a batch name: content decides
    copy.write_bytes(batch.archive)
    assert verify_batch(copy, [sm2_signer.public_key]).sequence == 1


@pytest.mark.parametrize("bad", [7, "", ["HF01-2026-000001"], {"no": 1}, True])
def test_report_no_must_be_text_or_null(sm2_signer: Signer, bad: object) -> None:
    samples = sample_records(2)
    samples[1]["report_no"] = bad
    data = make_batch(sm2_signer, samples=samples).archive
    _rejects(
        data, [sm2_signer.public_key], "content-invalid", "line 2: report_no must be non-empty"
    )


def test_report_no_may_be_null_or_absent(sm2_signer: Signer) -> None:
    """Null: approved before report numbers existed; absent: a batch from before the key."""
    samples = sample_records(3)
    samples[0]["report_no"] = None
    del samples[1]["report_no"]
    verified = verify_bytes(
        make_batch(sm2_signer, samples=samples).archive, [sm2_signer.public_key]
    )
    got = [s.get("report_no") for s in verified.records("samples.jsonl")]
    assert got == [None, None, "HF01-2026-000003"]


def test_a_version_2_batch_still_verifies_and_3_checks_its_values(sm2_signer: Signer) -> None:
    entries = dict(entries_of(make_batch(sm2_signer).archive))
    manifest = json.loads(entries.pop("manifest.json"))
    entries.pop("manifest.sig")
    manifest["format"] = "labdesk-batch/2"
    verified = verify_bytes(resign(sm2_signer, manifest, entries), [sm2_signer.public_key])
    assert verified.manifest["format"] == "labdesk-batch/2"
    lines = entries["results.jsonl"].decode().splitlines()
    bad = json.loads(lines[0])
    bad["values"] = [{"kind": "unit", "position": 0, "text": "80"}]
    entries["results.jsonl"] = ("\n".join([json.dumps(bad), *lines[1:]]) + "\n").encode()
    manifest["format"] = "labdesk-batch/3"
    for listed in manifest["files"]:  # the manifest names the changed file's new hashes
        if listed["path"] == "results.jsonl":
            content = entries["results.jsonl"]
            listed["size"] = len(content)
            listed["sha256"] = hashlib.sha256(content).hexdigest()
            listed["sm3"] = SM3(content).hexdigest()
    _rejects(
        resign(sm2_signer, manifest, entries),
        [sm2_signer.public_key],
        "content-invalid",
        "each value needs kind",
    )
