"""The audit heads signed into the centre's own exported batches, read as anchors.

Every exported batch signs the audit chain head it was built at (`audit_head` in its
manifest). A batch file in the outbox is therefore an anchor that left the database file
(issue 21.4): if the database is cut back, or swapped for an older copy, below the head of
the newest batch the outbox holds, `audit verify` says so — on SQLite and on PostgreSQL
alike, since the outbox is a folder wherever the database lives.

Read: the outbox recorded for the centre (`centre.outbox_dir`) and any folder named
(`audit verify --outbox DIR`: a copy kept elsewhere, a USB stick). In each folder only the
newest of the centre's batch files (`<CODE>-<sequence>.labbatch`) whose signature verifies
against one of the centre's keys counts: heads only grow with the sequence, and reading
the manifest is one ZIP directory and one small entry, never the batch's data. A file
named as one of ours that does not verify is reported (a note), never used.

What this cannot catch: whoever rewrites the database can also delete or replace the
outbox on the same disk, or change the recorded keys — the outbox copies that reached HQ,
or a copy named with --outbox, are the ones that count (docs/audit-anchors.md).
"""

from __future__ import annotations

import zipfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from labdesk.batch.format import MANIFEST, SIGNATURE, parse_batch_filename
from labdesk.batch.verify import BatchRejected, Limits, _check_signature, _parse_manifest
from labdesk.signing import PublicKey, load_public_pem
from labdesk.store.anchor import Anchor
from labdesk.store.db import Database

_LIMITS = Limits()


@dataclass
class OutboxAnchors:
    anchors: list[Anchor] = field(default_factory=list)
    # Files that look like our batches but cannot serve: each with why (shown, not fatal).
    notes: list[str] = field(default_factory=list)
    folders: list[Path] = field(default_factory=list)  # the folders read


def _centre_keys(db: Database) -> dict[str, PublicKey]:
    from labdesk.services import keys

    found: dict[str, PublicKey] = {}
    for info in keys.all_keys(db):  # retired keys too: older batches were signed by them
        key = load_public_pem(info.public_pem)
        found[key.key_id] = key
    return found


def _utc(stamp: object) -> str:
    """The manifest's local time as the anchors' UTC ISO text (comparable to restored_at)."""
    try:
        moment = datetime.fromisoformat(str(stamp))
    except ValueError:
        return ""
    if moment.tzinfo is None:
        return ""
    return moment.astimezone(UTC).isoformat(timespec="seconds")


def signed_head(path: Path, trusted: dict[str, PublicKey]) -> tuple[int, str, dict[str, Any]]:
    """The audit head signed into the batch file at `path`: (seq, hash, manifest).

    Raises BatchRejected when the file is not a batch signed by a trusted key."""
    try:
        with zipfile.ZipFile(path) as archive:
            entries = {info.filename: info for info in archive.infolist()}
            for name in (MANIFEST, SIGNATURE):
                if name not in entries:
                    raise BatchRejected("missing-file", f"{name} is missing from the archive")
            caps = {MANIFEST: _LIMITS.max_manifest_bytes, SIGNATURE: _LIMITS.max_signature_bytes}
            for name, cap in caps.items():
                if entries[name].file_size > cap:
                    raise BatchRejected("oversize", f"{name} is larger than {cap:,} bytes")
            raw = archive.read(MANIFEST)
            signature = archive.read(SIGNATURE)
    except (OSError, zipfile.BadZipFile, ValueError, EOFError) as exc:
        raise BatchRejected("corrupt", f"unreadable batch file: {exc}") from exc
    manifest = _parse_manifest(raw)
    _check_signature(manifest, raw, signature, trusted)
    head = manifest.get("audit_head")
    if not isinstance(head, dict):
        raise BatchRejected("manifest-invalid", "the manifest signs no audit head")
    try:
        return int(head["seq"]), str(head["hash"]), manifest
    except (KeyError, TypeError, ValueError) as exc:
        raise BatchRejected("manifest-invalid", "audit_head must be {seq, hash}") from exc


def _newest_in(
    folder: Path, code: str, trusted: dict[str, PublicKey], result: OutboxAnchors
) -> None:
    ours: list[tuple[int, Path]] = []
    try:
        names = sorted(folder.iterdir())
    except OSError as exc:
        result.notes.append(f"the outbox {folder} cannot be read: {exc.strerror or exc}")
        return
    for path in names:
        named = parse_batch_filename(path.name)
        if named is not None and named[0] == code and path.is_file():
            ours.append((named[1], path))
    for sequence, path in sorted(ours, reverse=True):
        try:
            seq, head, manifest = signed_head(path, trusted)
        except BatchRejected as exc:
            result.notes.append(f"{path} is not used as an anchor: {exc}")
            continue
        centre = manifest.get("centre")
        named = centre.get("code") if isinstance(centre, dict) else None
        if named != code or manifest.get("sequence") != sequence:
            result.notes.append(f"{path} is not used as an anchor: its manifest names another")
            continue
        result.anchors.append(
            Anchor(seq, head, _utc(manifest.get("created_at")), f"batch {path.name} in {folder}")
        )
        return  # the newest that verifies: older batches hold lower heads


def outbox_anchors(db: Database, folders: Sequence[Path] = ()) -> OutboxAnchors:
    """The newest signed batch head in the centre's outbox and in each folder named."""
    from labdesk.services import auth

    result = OutboxAnchors()
    centre = auth.centre(db)
    if centre is None:
        return result
    code = str(centre.get("code") or "")
    wanted = [Path(str(centre["outbox_dir"]))] if centre.get("outbox_dir") else []
    wanted += [Path(folder) for folder in folders]
    seen: set[Path] = set()
    trusted: dict[str, PublicKey] | None = None
    for folder in wanted:
        resolved = folder.resolve()
        if resolved in seen or not folder.is_dir():
            if folder in folders and not folder.is_dir():
                result.notes.append(f"the outbox {folder} is not a folder")
            continue
        seen.add(resolved)
        result.folders.append(folder)
        if trusted is None:
            trusted = _centre_keys(db)
        _newest_in(folder, code, trusted, result)
    return result
