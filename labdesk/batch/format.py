"""The `.labbatch` file, versions `labdesk-batch/1` and `/2` (docs/batch-format.md is the contract).

A batch is a ZIP holding `manifest.json` (what is inside, hashed), `manifest.sig` (the
signature over the manifest's exact bytes) and the data files. Everything here is
deterministic: JSON with sorted keys, entries in a fixed order, fixed timestamps and
attributes, so the same inputs always make the same bytes. The one random part is the
SM2 signature; that is why the centre keeps the finished bytes and rewrites from them.

Version 2 differs from 1 only by additions: the manifest names the centre's GB/T 2260
region (`centre.region_code`, required) and counts `reports`; a data file `reports.jsonl`
holds the issues of each sample's test report (versions, corrections, withdrawals, the
signed payload); each sample's `task` carries its organising level and purpose. LabDesk
writes version 2 (every export knows the centre's region) and reads both.
"""

from __future__ import annotations

import hashlib
import io
import json
import re
import shutil
import tempfile
import zipfile
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import IO, Any

from labdesk.signing import SIGNATURE_NAMES, SM3, Signer, sm3_digest

FORMAT_1 = "labdesk-batch/1"
FORMAT_2 = "labdesk-batch/2"
#: /3 (issue 14): the data files of /2; each `results.jsonl` record carries `values`,
#: the values behind the result (a sampling plan's units, a sum's components, the
#: replicates, readings and intermediates of a calculated result) and `converted` /
#: `pending` when set.
FORMAT_3 = "labdesk-batch/3"
FORMAT = FORMAT_3  # what an export writes
MANIFEST = "manifest.json"
SIGNATURE = "manifest.sig"
SIGNER_ID = "1234567812345678"
DATA_FILES_1 = ("audit.jsonl", "items.jsonl", "results.jsonl", "samples.jsonl", "summary.json")
#: /2 adds `reports.jsonl`: the issues of each sample's test report (versions,
#: corrections, withdrawals, the signed payload), and report state changes since the
#: last batch.
DATA_FILES = (
    "audit.jsonl",
    "items.jsonl",
    "reports.jsonl",
    "results.jsonl",
    "samples.jsonl",
    "summary.json",
)
#: Every format this LabDesk reads → its data files. Older batches keep verifying.
FORMATS: dict[str, tuple[str, ...]] = {
    FORMAT_1: DATA_FILES_1,
    FORMAT_2: DATA_FILES,
    FORMAT_3: DATA_FILES,
}
READABLE_FORMATS = tuple(FORMATS)
#: The manifest's `counts` keys → the file whose lines they count, per format.
COUNT_SOURCES_1 = {
    "samples": "samples.jsonl",
    "items": "items.jsonl",
    "results": "results.jsonl",
    "audit_entries": "audit.jsonl",
}
COUNT_SOURCES: dict[str, dict[str, str]] = {
    FORMAT_1: COUNT_SOURCES_1,
    FORMAT_2: {**COUNT_SOURCES_1, "reports": "reports.jsonl"},
    FORMAT_3: {**COUNT_SOURCES_1, "reports": "reports.jsonl"},
}


def format_of(paths: Iterable[str]) -> str:
    """The newest format whose data files are exactly `paths` (ValueError for any other
    set): /2 and /3 share their files, and a writer writes the newest."""
    wanted = sorted(paths)
    for name, files in reversed(FORMATS.items()):
        if wanted == sorted(files):
            return name
    raise ValueError(f"not the data files of a batch format: {wanted}")


SUFFIX = ".labbatch"
# DOS time cannot express 1970; the ZIP epoch is the fixed stamp on every entry.
ZIP_TIMESTAMP = (1980, 1, 1, 0, 0, 0)
ZIP_COMPRESSLEVEL = 6
_CENTRE_CODE_RE = re.compile(r"^[A-Za-z0-9_-]{1,32}$")
_NAME_RE = re.compile(r"^(?P<code>[A-Za-z0-9_-]{1,32})-(?P<seq>\d{6})\.labbatch$")


# One encoder for every record: json.dumps would build a new one per call.
_ENCODER = json.JSONEncoder(ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def canonical_json(value: Any) -> bytes:
    """One line of JSON: UTF-8, keys sorted, no spaces; how data records are written."""
    return _ENCODER.encode(value).encode("utf-8")


def json_lines(records: Iterable[Mapping[str, Any]]) -> bytes:
    """JSON Lines: one canonical object per line, each line ending in a newline."""
    text = "\n".join(map(_ENCODER.encode, records))
    return (text + "\n").encode("utf-8") if text else b""


def manifest_json(manifest: Mapping[str, Any]) -> bytes:
    """The manifest is indented for people to read; its exact bytes are what is signed."""
    return (json.dumps(manifest, ensure_ascii=False, sort_keys=True, indent=2) + "\n").encode(
        "utf-8"
    )


def batch_filename(centre_code: str, sequence: int) -> str:
    return f"{centre_code}-{sequence:06d}{SUFFIX}"


def parse_batch_filename(name: str) -> tuple[str, int] | None:
    match = _NAME_RE.match(name)
    return (match["code"], int(match["seq"])) if match else None


def valid_centre_code(code: str) -> bool:
    return bool(_CENTRE_CODE_RE.match(code))


def file_entry(path: str, data: bytes) -> dict[str, Any]:
    return {
        "path": path,
        "size": len(data),
        "sha256": hashlib.sha256(data).hexdigest(),
        "sm3": sm3_digest(data).hex(),
    }


@dataclass(frozen=True)
class BatchHeader:
    """What the manifest says about the batch besides its files."""

    centre_code: str
    centre_name: str
    sequence: int
    batch_id: str
    created_at: str  # ISO 8601 with the local offset
    previous_manifest_sha256: str | None
    counts: Mapping[str, int]
    # The centre's audit chain head when the batch was built: a history rewritten later
    # disagrees with what already left the lab. None for batches built outside LabDesk.
    audit_head: Mapping[str, object] | None = None
    # The centre's GB/T 2260 region code: required by `labdesk-batch/2` (the data files
    # say which format is written), absent from a `labdesk-batch/1` manifest.
    centre_region_code: str | None = None


@dataclass(frozen=True)
class SignedBatch:
    filename: str
    manifest: bytes
    signature: bytes
    archive: bytes

    @property
    def manifest_sha256(self) -> str:
        return hashlib.sha256(self.manifest).hexdigest()

    @property
    def archive_sha256(self) -> str:
        return hashlib.sha256(self.archive).hexdigest()


class SpooledDataFile:
    """A data file written in pieces to an unnamed temporary file, hashed as it goes.

    Large exports serialise each file this way instead of holding it in memory: the
    SHA-256, SM3, size and line count the manifest needs are known once it is written,
    and `write_archive` copies it into the ZIP from the disk.
    """

    def __init__(self, folder: str | None = None) -> None:
        # Lives as long as this object (closed by close()); unnamed, so nothing is left.
        self.file: IO[bytes] = tempfile.TemporaryFile(dir=folder)  # noqa: SIM115
        self._sha256 = hashlib.sha256()
        self._sm3 = SM3()
        self.size = 0
        self.lines = 0

    def write(self, data: bytes) -> None:
        self.file.write(data)
        self._sha256.update(data)
        self._sm3.update(data)
        self.size += len(data)
        self.lines += data.count(b"\n")

    def write_records(self, records: Iterable[Mapping[str, Any]]) -> None:
        """Append JSON Lines; pieces written this way join to `json_lines` of them all."""
        self.write(json_lines(records))

    def entry(self, path: str) -> dict[str, Any]:
        """The manifest's `files` entry, as `file_entry` gives for the same bytes."""
        return {
            "path": path,
            "size": self.size,
            "sha256": self._sha256.hexdigest(),
            "sm3": self._sm3.hexdigest(),
        }

    def close(self) -> None:
        self.file.close()


def build_manifest(header: BatchHeader, files: Mapping[str, bytes], signer: Signer) -> bytes:
    return manifest_from_entries(
        header, [file_entry(path, files[path]) for path in sorted(files)], signer
    )


def manifest_from_entries(
    header: BatchHeader, entries: Iterable[Mapping[str, Any]], signer: Signer
) -> bytes:
    """The manifest bytes from the data files' `file_entry`s (put in path order here)."""
    listed = sorted((dict(entry) for entry in entries), key=lambda e: str(e["path"]))
    fmt = format_of(str(entry["path"]) for entry in listed)
    centre: dict[str, str] = {"code": header.centre_code, "name": header.centre_name}
    if fmt == FORMAT_1:
        if header.centre_region_code is not None:
            raise ValueError(f"{FORMAT_1} has no centre.region_code; /2 data files carry it")
    elif header.centre_region_code is None:
        raise ValueError(f"{fmt} needs the centre's region code (centre.region_code)")
    else:
        centre["region_code"] = header.centre_region_code
    manifest = {
        "format": fmt,
        "centre": centre,
        "sequence": header.sequence,
        "batch_id": header.batch_id,
        "created_at": header.created_at,
        "previous_manifest_sha256": header.previous_manifest_sha256,
        "counts": dict(header.counts),
        **({"audit_head": dict(header.audit_head)} if header.audit_head is not None else {}),
        "signature": {
            "algorithm": SIGNATURE_NAMES[signer.algorithm],
            "key_id": signer.key_id,
            **({"signer_id": SIGNER_ID} if signer.algorithm == "sm2" else {}),
        },
        "files": listed,
    }
    return manifest_json(manifest)


def _zip_info(path: str) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(path, date_time=ZIP_TIMESTAMP)
    info.compress_type = zipfile.ZIP_DEFLATED
    info.create_system = 3  # Unix, whatever the host
    info.external_attr = 0o100644 << 16
    info._compresslevel = ZIP_COMPRESSLEVEL  # type: ignore[attr-defined]  # as writestr sets
    return info


def write_archive(
    out: IO[bytes],
    manifest: bytes,
    signature: bytes,
    files: Mapping[str, bytes | SpooledDataFile],
) -> None:
    """Write the ZIP to the seekable `out`: manifest, signature, then data files by name.

    A data file may be a `SpooledDataFile`, copied in from the disk in chunks: zlib's
    output does not depend on how its input is split, and the size is set before the
    entry is opened just as `writestr` does, so the bytes are the same either way.
    """
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr(_zip_info(MANIFEST), manifest)
        archive.writestr(_zip_info(SIGNATURE), signature)
        for path in sorted(files):
            data = files[path]
            info = _zip_info(path)
            if isinstance(data, bytes):
                archive.writestr(info, data)
                continue
            info.file_size = data.size
            data.file.flush()
            data.file.seek(0)
            with archive.open(info, "w") as entry:
                shutil.copyfileobj(data.file, entry, 1 << 20)


def build_archive(manifest: bytes, signature: bytes, files: Mapping[str, bytes]) -> bytes:
    """The ZIP bytes: manifest, signature, then data files by name; fixed metadata."""
    buffer = io.BytesIO()
    write_archive(buffer, manifest, signature, files)
    return buffer.getvalue()


def sign_batch(header: BatchHeader, files: Mapping[str, bytes], signer: Signer) -> SignedBatch:
    format_of(files)  # the data files of /1 or /2, nothing else
    manifest = build_manifest(header, files, signer)
    signature = signer.sign(manifest)
    return SignedBatch(
        filename=batch_filename(header.centre_code, header.sequence),
        manifest=manifest,
        signature=signature,
        archive=build_archive(manifest, signature, files),
    )
