"""Checking a `.labbatch` before anyone believes it (centre side and HQ).

The order matters: sizes and names are checked from the ZIP directory before anything is
decompressed; the manifest is read (capped) and its signature checked against the trusted
keys before its file list is believed; then every file is streamed through SHA-256 and SM3
with a hard cap on decompressed bytes, so a ZIP bomb costs at most the cap. Every refusal
is a `BatchRejected` with a stable reason code and a message naming the file and the rule.
"""

from __future__ import annotations

import hashlib
import io
import json
import re
import zipfile
import zlib
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from labdesk.batch.format import (
    COUNT_SOURCES,
    FORMAT_2,
    FORMAT_3,
    FORMATS,
    MANIFEST,
    READABLE_FORMATS,
    SIGNATURE,
    SIGNER_ID,
    parse_batch_filename,
    valid_centre_code,
)
from labdesk.core.errors import LabDeskError
from labdesk.signing import SIGNATURE_NAMES, SM3, PublicKey

MB = 1024 * 1024
VERDICTS = ("pass", "fail", "not_judged")
_HEX64 = re.compile(r"^[0-9a-f]{64}$")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
_OFFSET_TIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$")


class BatchRejected(LabDeskError):
    """The batch must not be believed; `reason` is a stable code, str() says why."""

    def __init__(self, reason: str, message: str) -> None:
        self.reason = reason
        super().__init__(f"batch rejected ({reason}): {message}")


@dataclass(frozen=True)
class Limits:
    """Caps applied before and while decompressing (configurable per caller)."""

    max_archive_bytes: int = 200 * MB
    max_total_bytes: int = 200 * MB  # all entries, decompressed
    max_entry_bytes: int = 200 * MB
    max_entries: int = 16
    max_manifest_bytes: int = 1 * MB
    max_signature_bytes: int = 1024


@dataclass(frozen=True)
class VerifiedBatch:
    """A batch whose signature, file list and hashes all checked out."""

    source: str
    manifest: dict[str, Any]
    manifest_bytes: bytes = field(repr=False)
    signature: bytes = field(repr=False)
    key: PublicKey
    files: dict[str, bytes] = field(repr=False)
    archive_sha256: str
    # The parsed .jsonl records (verification parses them anyway; loaders reuse them).
    parsed: dict[str, list[dict[str, Any]]] = field(default_factory=dict, repr=False)
    # The same files' lines as text, one per record (the signed text HQ stores).
    lines: dict[str, list[str]] = field(default_factory=dict, repr=False)

    @property
    def manifest_sha256(self) -> str:
        return hashlib.sha256(self.manifest_bytes).hexdigest()

    @property
    def centre_code(self) -> str:
        return str(self.manifest["centre"]["code"])

    @property
    def centre_name(self) -> str:
        return str(self.manifest["centre"]["name"])

    @property
    def centre_region_code(self) -> str | None:
        """The centre's GB/T 2260 code (`labdesk-batch/2`); None in a version-1 batch."""
        value = self.manifest["centre"].get("region_code")
        return None if value is None else str(value)

    @property
    def sequence(self) -> int:
        return int(self.manifest["sequence"])

    @property
    def previous_manifest_sha256(self) -> str | None:
        value = self.manifest["previous_manifest_sha256"]
        return None if value is None else str(value)

    def records(self, path: str) -> list[dict[str, Any]]:
        """The JSON objects of a .jsonl data file (already validated)."""
        if path in self.parsed:
            return self.parsed[path]
        return [json.loads(line) for line in jsonl_lines(self.files[path])]

    def text_lines(self, path: str) -> list[str]:
        """The lines of a .jsonl data file as received, one per record."""
        if path in self.lines:
            return self.lines[path]
        return jsonl_lines(self.files[path])

    def summary(self) -> dict[str, Any]:
        value: dict[str, Any] = json.loads(self.files["summary.json"])
        return value


def jsonl_lines(data: bytes) -> list[str]:
    """The lines of a JSON Lines file, split at `\n` only (the format's line end).

    Not str.splitlines(): JSON written with ensure_ascii=False keeps U+2028, U+2029 and
    U+0085 raw inside strings, and splitlines() would cut a record there. A final line
    without its newline and a CR before the LF are tolerated, as they always were.
    """
    text = data.decode("utf-8")
    lines = text.split("\n")
    if lines[-1] == "":
        lines.pop()
    if "\r" in text:
        lines = [line[:-1] if line.endswith("\r") else line for line in lines]
    return lines


def _reject(reason: str, message: str) -> BatchRejected:
    return BatchRejected(reason, message)


def _check_name(name: str) -> None:
    """Only plain top-level names: no directories, `..`, absolute or drive paths."""
    bad = (
        not name
        or name.startswith(("/", "\\"))
        or "\\" in name
        or "\x00" in name
        or re.match(r"^[A-Za-z]:", name) is not None
        or any(part in ("", ".", "..") for part in name.split("/"))
    )
    if bad:
        raise _reject("unsafe-path", f"entry {name!r} points outside the archive or is absolute")
    if "/" in name:
        raise _reject("unsafe-path", f"entry {name!r} is in a folder; batch files are top-level")


def _read_capped(archive: zipfile.ZipFile, info: zipfile.ZipInfo, cap: int) -> bytes:
    """Decompress one entry, refusing as soon as more than `cap` bytes come out."""
    chunks: list[bytes] = []
    total = 0
    try:
        with archive.open(info) as stream:
            while chunk := stream.read(1 << 16):
                total += len(chunk)
                if total > cap:
                    raise _reject(
                        "oversize", f"{info.filename} decompresses to more than {cap:,} bytes"
                    )
                chunks.append(chunk)
    except (
        zipfile.BadZipFile,
        zlib.error,
        EOFError,
        NotImplementedError,
        ValueError,
        OSError,
    ) as exc:
        raise _reject("corrupt", f"{info.filename} is damaged: {exc}") from exc
    return b"".join(chunks)


_Entries = dict[str, zipfile.ZipInfo]


def _open_archive(data: bytes, limits: Limits) -> tuple[zipfile.ZipFile, _Entries]:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        infos = archive.infolist()
    except (
        zipfile.BadZipFile,
        zlib.error,
        EOFError,
        NotImplementedError,
        ValueError,
        OSError,
    ) as exc:
        raise _reject("corrupt", f"truncated or corrupt archive: {exc}") from exc
    if len(infos) > limits.max_entries:
        raise _reject("oversize", f"{len(infos)} entries; at most {limits.max_entries} allowed")
    by_name: dict[str, zipfile.ZipInfo] = {}
    total = 0
    for info in infos:
        _check_name(info.filename)
        if info.filename in by_name:
            raise _reject("duplicate-entry", f"{info.filename} appears more than once")
        by_name[info.filename] = info
        if info.flag_bits & 0x1:
            raise _reject("corrupt", f"{info.filename} is encrypted")
        if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            raise _reject("corrupt", f"{info.filename} uses an unsupported compression method")
        if info.file_size > limits.max_entry_bytes:
            raise _reject(
                "oversize",
                f"{info.filename} declares {info.file_size:,} bytes; "
                f"the limit is {limits.max_entry_bytes:,}",
            )
        total += info.file_size
    if total > limits.max_total_bytes:
        raise _reject(
            "oversize",
            f"entries declare {total:,} bytes in all; the limit is {limits.max_total_bytes:,}",
        )
    return archive, by_name


def _parse_manifest(raw: bytes) -> dict[str, Any]:
    try:
        manifest = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise _reject("manifest-invalid", f"manifest.json is not UTF-8 JSON: {exc}") from exc
    if not isinstance(manifest, dict):
        raise _reject("manifest-invalid", "manifest.json is not a JSON object")
    return manifest


def _check_manifest_fields(m: dict[str, Any]) -> None:
    def need(ok: bool, what: str) -> None:
        if not ok:
            raise _reject("manifest-invalid", f"manifest.json: {what}")

    centre: Any = m.get("centre")
    need(isinstance(centre, dict), "centre must be an object")
    code = centre.get("code")
    need(
        isinstance(code, str) and valid_centre_code(code),
        "centre.code (1-32 letters, digits, _ or -)",
    )
    need(isinstance(centre.get("name"), str), "centre.name must be text")
    region = centre.get("region_code")
    if m.get("format") in (FORMAT_2, FORMAT_3) or region is not None:
        need(
            isinstance(region, str) and len(region) == 6 and region.isdigit(),
            "centre.region_code (six digits of GB/T 2260; required from labdesk-batch/2)",
        )
    seq = m.get("sequence")
    need(isinstance(seq, int) and not isinstance(seq, bool) and 1 <= seq <= 999_999, "sequence")
    need(isinstance(m.get("batch_id"), str) and bool(_UUID.match(m["batch_id"])), "batch_id")
    created = m.get("created_at")
    need(isinstance(created, str) and bool(_OFFSET_TIME.match(created)), "created_at")
    prev = m.get("previous_manifest_sha256", "missing")
    need(prev is None or (isinstance(prev, str) and bool(_HEX64.match(prev))), "previous hash")
    need((prev is None) == (seq == 1), "previous_manifest_sha256 is null exactly for batch 1")
    head: Any = m.get("audit_head", {"seq": 0, "hash": "0" * 64})
    need(
        isinstance(head, dict)
        and isinstance(head.get("seq"), int)
        and isinstance(head.get("hash"), str)
        and bool(_HEX64.match(head["hash"])),
        "audit_head must be {seq, hash}",
    )
    counts = m.get("counts")
    need(isinstance(counts, dict) and set(counts) == set(COUNT_SOURCES[m["format"]]), "counts")
    files: Any = m.get("files")
    need(isinstance(files, list), "files must be a list")
    for entry in files:
        need(isinstance(entry, dict), "files entries must be objects")
        need(isinstance(entry.get("path"), str), "files[].path")
        need(isinstance(entry.get("size"), int) and entry["size"] >= 0, "files[].size")
        for algo in ("sha256", "sm3"):
            need(isinstance(entry.get(algo), str) and bool(_HEX64.match(entry[algo])), algo)


def _check_signature(
    manifest: dict[str, Any], raw: bytes, signature: bytes, trusted: Mapping[str, PublicKey]
) -> PublicKey:
    sig = manifest.get("signature")
    if not isinstance(sig, dict) or not isinstance(sig.get("key_id"), str):
        raise _reject("manifest-invalid", "manifest.json has no signature.key_id")
    key = trusted.get(sig["key_id"])
    if key is None:
        raise _reject(
            "unknown-key",
            f"signed by key {sig['key_id'][:16]}…, which is not among the "
            f"{len(trusted)} trusted key(s)",
        )
    if sig.get("algorithm") != SIGNATURE_NAMES[key.algorithm] or (
        key.algorithm == "sm2" and sig.get("signer_id") != SIGNER_ID
    ):
        raise _reject("manifest-invalid", "signature algorithm does not match the trusted key")
    if not key.verify(raw, signature):
        raise _reject(
            "bad-signature",
            "manifest.sig does not verify against manifest.json with trusted key "
            f"{key.key_id[:16]}…: the manifest was changed after signing or signed by another key",
        )
    return key


# The C scanner behind json.loads, called directly: batches hold tens of thousands of
# short lines and json.loads' per-call wrapping (type checks, whitespace regexes) costs
# as much as the parsing. Anything it does not take whole goes through json.loads.
_SCAN: Callable[[str, int], tuple[Any, int]] = json.JSONDecoder().scan_once  # type: ignore[attr-defined]


def _parse_lines(lines: list[str]) -> list[Any]:
    """json.loads of each line, the common case (canonical lines) scanned in one loop."""
    values: list[Any] = []
    scan, append = _SCAN, values.append
    try:
        for line in lines:
            value, end = scan(line, 0)
            if end != len(line):
                raise ValueError("not the whole line")
            append(value)
    except (StopIteration, ValueError):
        # Whitespace around a value, or bad JSON: json.loads' verdict and message.
        return [json.loads(line) for line in lines]
    return values


def _check_records(
    manifest: dict[str, Any], files: dict[str, bytes]
) -> tuple[dict[str, list[dict[str, Any]]], dict[str, list[str]]]:
    parsed: dict[str, list[dict[str, Any]]] = {}
    texts: dict[str, list[str]] = {}
    for count_name, path in COUNT_SOURCES[manifest["format"]].items():
        try:
            lines = jsonl_lines(files[path])
            records = _parse_lines(lines)
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise _reject("content-invalid", f"{path} is not UTF-8 JSON Lines: {exc}") from exc
        if not all(isinstance(r, dict) for r in records):
            raise _reject("content-invalid", f"{path}: every line must be a JSON object")
        if len(records) != manifest["counts"][count_name]:
            raise _reject(
                "content-invalid",
                f"{path} has {len(records)} records; the manifest counts "
                f"{manifest['counts'][count_name]}",
            )
        if path == "samples.jsonl":
            _check_samples(records)
        elif path == "results.jsonl":
            _check_result_values(records)
        elif path == "reports.jsonl":
            _check_reports(records)
        parsed[path] = records
        texts[path] = lines
    try:
        summary = json.loads(files["summary.json"].decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise _reject("content-invalid", f"summary.json is not UTF-8 JSON: {exc}") from exc
    if not isinstance(summary, dict):
        raise _reject("content-invalid", "summary.json is not a JSON object")
    return parsed, texts


def _check_samples(records: list[dict[str, Any]]) -> None:
    seen: set[str] = set()
    for n, record in enumerate(records, 1):
        where = f"samples.jsonl line {n}"
        sample_id = record.get("sample_id")
        if not isinstance(sample_id, str) or not sample_id:
            raise _reject("content-invalid", f"{where}: sample_id must be non-empty text")
        if sample_id in seen:
            raise _reject("content-invalid", f"{where}: sample_id {sample_id} repeats")
        seen.add(sample_id)
        if record.get("verdict") not in VERDICTS:
            raise _reject("content-invalid", f"{where}: verdict must be one of {VERDICTS}")
        if not isinstance(record.get("category"), str):
            raise _reject("content-invalid", f"{where}: category must be text")
        date = record.get("sampling_date")
        if not isinstance(date, str) or not _DATE.match(date):
            raise _reject("content-invalid", f"{where}: sampling_date must be YYYY-MM-DD")
        # Optional (older batches lack it; schema-1 approvals carry null), but when
        # given it is what HQ files the sample under, so it must be text.
        report_no = record.get("report_no")
        if report_no is not None and (not isinstance(report_no, str) or not report_no):
            raise _reject("content-invalid", f"{where}: report_no must be non-empty text or null")
        # The province counts by these (labdesk-batch/2): text when present.
        task = record.get("task")
        if isinstance(task, dict) and not isinstance(task.get("org_level", ""), str):
            raise _reject("content-invalid", f"{where}: task.org_level must be text")


VALUE_KINDS = ("unit", "component", "replicate", "reading", "intermediate")


def _check_result_values(records: list[dict[str, Any]]) -> None:
    """/3: a result's `values` (when present) are objects with a known kind, a whole
    position from 1 and the text as typed; older formats carry none."""
    for n, record in enumerate(records, 1):
        values = record.get("values", [])
        where = f"results.jsonl line {n}"
        if not isinstance(values, list):
            raise _reject("content-invalid", f"{where}: values must be a list")
        for value in values:
            if not (
                isinstance(value, dict)
                and value.get("kind") in VALUE_KINDS
                and isinstance(value.get("position"), int)
                and not isinstance(value.get("position"), bool)
                and value["position"] >= 1
                and isinstance(value.get("text"), str)
            ):
                raise _reject(
                    "content-invalid",
                    f"{where}: each value needs kind {VALUE_KINDS}, a position from 1 and its text",
                )


REPORT_STATES = ("current", "superseded", "withdrawn")
REPORT_KINDS = ("original", "correction")


def _check_reports(records: list[dict[str, Any]]) -> None:
    seen: set[tuple[str, int]] = set()
    for n, record in enumerate(records, 1):
        where = f"reports.jsonl line {n}"
        for key in ("sample_id", "report_no"):
            value = record.get(key)
            if not isinstance(value, str) or not value:
                raise _reject("content-invalid", f"{where}: {key} must be non-empty text")
        version = record.get("version")
        if not isinstance(version, int) or isinstance(version, bool) or version < 1:
            raise _reject("content-invalid", f"{where}: version must be a whole number from 1")
        if (record["report_no"], version) in seen:
            raise _reject("content-invalid", f"{where}: {record['report_no']} v{version} repeats")
        seen.add((record["report_no"], version))
        if record.get("state") not in REPORT_STATES:
            raise _reject("content-invalid", f"{where}: state must be one of {REPORT_STATES}")
        if record.get("kind") not in REPORT_KINDS:
            raise _reject("content-invalid", f"{where}: kind must be one of {REPORT_KINDS}")
        for key in ("payload", "reason", "issued_at"):
            if not isinstance(record.get(key), str):
                raise _reject("content-invalid", f"{where}: {key} must be text")


def verify_bytes(
    data: bytes,
    trusted_keys: Iterable[PublicKey],
    *,
    source: str = "<batch>",
    limits: Limits | None = None,
) -> VerifiedBatch:
    """Check a batch held in memory; see `verify_batch`."""
    limits = limits or Limits()
    if len(data) > limits.max_archive_bytes:
        cap = limits.max_archive_bytes
        raise _reject("oversize", f"the file is {len(data):,} bytes; the limit is {cap:,}")
    trusted = {key.key_id: key for key in trusted_keys}
    archive, entries = _open_archive(data, limits)
    with archive:
        for required in (MANIFEST, SIGNATURE):
            if required not in entries:
                raise _reject("missing-file", f"{required} is missing from the archive")
        raw = _read_capped(archive, entries[MANIFEST], limits.max_manifest_bytes)
        signature = _read_capped(archive, entries[SIGNATURE], limits.max_signature_bytes)
        manifest = _parse_manifest(raw)
        fmt = manifest.get("format")
        if not isinstance(fmt, str) or fmt not in READABLE_FORMATS:
            readable = " or ".join(repr(f) for f in READABLE_FORMATS)
            raise _reject("unsupported-format", f"format is {fmt!r}; this LabDesk reads {readable}")
        data_files = FORMATS[fmt]
        key = _check_signature(manifest, raw, signature, trusted)
        _check_manifest_fields(manifest)
        listed = {entry["path"]: entry for entry in manifest["files"]}
        if len(listed) != len(manifest["files"]):
            raise _reject("manifest-invalid", "manifest.json lists a file twice")
        present = set(entries) - {MANIFEST, SIGNATURE}
        for name in sorted(present - set(listed)):
            raise _reject("unlisted-file", f"{name} is in the archive but not in the manifest")
        for name in sorted(set(listed) - present):
            raise _reject("missing-file", f"{name} is in the manifest but not in the archive")
        for name in sorted(set(data_files) - set(listed)):
            raise _reject("missing-file", f"{name} is required by {fmt} and is missing")
        for name in sorted(set(listed) - set(data_files)):
            raise _reject("unlisted-file", f"{name} is not a {fmt} data file")
        files: dict[str, bytes] = {}
        for name in sorted(listed):
            entry, info = listed[name], entries[name]
            if info.file_size != entry["size"]:
                raise _reject(
                    "size-mismatch",
                    f"{name}: the archive says {info.file_size:,} bytes, "
                    f"the manifest {entry['size']:,}",
                )
            content = _read_capped(archive, info, min(entry["size"], limits.max_entry_bytes))
            if len(content) != entry["size"]:
                raise _reject(
                    "size-mismatch", f"{name} is {len(content):,} bytes, not {entry['size']:,}"
                )
            if hashlib.sha256(content).hexdigest() != entry["sha256"]:
                raise _reject("hash-mismatch", f"{name}: SHA-256 differs from the manifest")
            if SM3(content).hexdigest() != entry["sm3"]:
                raise _reject("hash-mismatch", f"{name}: SM3 differs from the manifest")
            files[name] = content
    parsed, texts = _check_records(manifest, files)
    return VerifiedBatch(
        source=source,
        manifest=manifest,
        manifest_bytes=raw,
        signature=signature,
        key=key,
        files=files,
        archive_sha256=hashlib.sha256(data).hexdigest(),
        parsed=parsed,
        lines=texts,
    )


def verify_batch(
    path: Path | str, trusted_keys: Iterable[PublicKey], *, limits: Limits | None = None
) -> VerifiedBatch:
    """A VerifiedBatch, or BatchRejected(reason, message) saying exactly what is wrong."""
    limits = limits or Limits()
    path = Path(path)
    try:
        size = path.stat().st_size
        if size > limits.max_archive_bytes:
            cap = limits.max_archive_bytes
            raise _reject("oversize", f"{path.name} is {size:,} bytes; the limit is {cap:,}")
        data = path.read_bytes()
    except OSError as exc:
        raise _reject("unreadable", f"cannot read {path}: {exc.strerror or exc}") from exc
    batch = verify_bytes(data, trusted_keys, source=str(path), limits=limits)
    named = parse_batch_filename(path.name)
    if named is not None and named != (batch.centre_code, batch.sequence):
        raise _reject(
            "manifest-invalid",
            f"the file is named {path.name} but its manifest says "
            f"{batch.centre_code} batch {batch.sequence}",
        )
    return batch
