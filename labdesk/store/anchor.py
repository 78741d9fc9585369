"""The audit chain anchored outside the database file (issue 21.4).

The chain (store/audit.py) shows any edit *inside* the log, and `audit_head` a deleted
tail — unless whoever deletes the tail also rewinds `audit_head` (after dropping two
triggers). Then the file alone verifies "intact". An *anchor* is the chain head (entry
number and hash) written somewhere else at a known time; a later chain must still contain
that entry with that hash, or it was cut or rewritten below it.

Anchors are kept:
* beside the database, `<db>.anchor` (JSON, 0600): rewritten when the writer closes the
  database and after every backup. Cost: one indexed read of `audit_head` and one small
  file written and renamed, measured 0.35 ms (no fsync: a lost anchor only weakens the
  check, it cannot raise a false alarm) — nothing on the commit path.
* in every backup's manifest, `<backup>.manifest.json`: the head of the copy, the copy's
  SHA-256 and when it was taken.

`check_against_anchors(db)` compares the chain with the newest anchor found (the highest
entry number) and reports truncation or a rewrite below it. docs/audit-anchors.md says
what an attacker who controls the whole disk can and cannot hide.
"""

from __future__ import annotations

import contextlib
import json
import os
import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from labdesk.paths import PRIVATE_FILE_MODE
from labdesk.store.protocol import Store

FORMAT = "labdesk-anchor/1"
MANIFEST_SUFFIX = ".manifest.json"


@dataclass(frozen=True)
class Anchor:
    seq: int
    hash: str
    at_utc: str
    source: str  # where it was found: the anchor file or a backup's manifest
    restored_at: str = ""  # set in the anchor file by a restore: older anchors are void


def anchor_path(db_path: Path) -> Path:
    return db_path.with_name(db_path.name + ".anchor")


def manifest_path(backup: Path) -> Path:
    return backup.with_name(backup.name + MANIFEST_SUFFIX)


def chain_head(conn: sqlite3.Connection) -> tuple[int, str]:
    row = conn.execute("SELECT seq, hash FROM audit_head WHERE id = 1").fetchone()
    return (0, "0" * 64) if row is None else (int(row[0]), str(row[1]))


def _write_json(path: Path, data: dict[str, object]) -> None:
    temp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, PRIVATE_FILE_MODE)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        json.dump(data, handle, sort_keys=True)
    os.replace(temp, path)


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def write_anchor(db: Store) -> Path | None:
    """Records the chain head of `db` in the anchor file beside it (best effort: a
    read-only folder or a full disk leaves the old anchor, logged by the caller)."""
    try:
        with db.lock:
            seq, head = chain_head(db.conn)
    except sqlite3.Error:
        return None  # not a LabDesk database yet (before its schema), or closing
    if seq == 0:
        return None
    path = anchor_path(db.path)
    previous = read_anchor_file(path)
    if previous is not None and previous.seq > seq:
        return None  # never move an anchor back (that is what it guards against)
    if previous is not None and (previous.seq, previous.hash) == (seq, head):
        # The chain has not moved since (a session that only read): the file already
        # anchors this head, and rewriting it costs a create and a rename at every close
        # (2–12 ms on this machine's disk under load; docs/performance.md).
        return path
    record: dict[str, object] = {
        "format": FORMAT, "database": db.path.name, "seq": seq, "hash": head, "at_utc": _now(),
    }  # fmt: skip
    if previous is not None and previous.restored_at:
        record["restored_at"] = previous.restored_at
    with contextlib.suppress(OSError):
        _write_json(path, record)
        return path
    return None


def anchor_restore(db_path: Path, conn: sqlite3.Connection) -> None:
    """After a restore: the anchor file holds the restored head and the time of the
    restore; anchors from before it (the replaced chain, later backups) no longer bind."""
    seq, head = chain_head(conn)
    now = _now()
    with contextlib.suppress(OSError):
        _write_json(
            anchor_path(db_path),
            {"format": FORMAT, "database": db_path.name, "seq": seq, "hash": head,
             "at_utc": now, "restored_at": now},
        )  # fmt: skip


def write_manifest(backup: Path) -> Path:
    """The manifest of a finished backup file: its chain head, SHA-256 and time."""
    conn = sqlite3.connect(f"{backup.resolve().as_uri()}?mode=ro", uri=True)
    try:
        seq, head = chain_head(conn)
    finally:
        conn.close()
    import hashlib  # manifests only: not at every close

    digest = hashlib.sha256()
    with open(backup, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    out = manifest_path(backup)
    _write_json(
        out,
        {
            "format": FORMAT,
            "backup": backup.name,
            "seq": seq,
            "hash": head,
            "sha256": digest.hexdigest(),
            "at_utc": _now(),
        },
    )
    return out


def _read(path: Path, source: str) -> Anchor | None:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        if data.get("format") != FORMAT:
            return None
        return Anchor(
            int(data["seq"]),
            str(data["hash"]),
            str(data.get("at_utc", "")),
            source,
            str(data.get("restored_at", "")),
        )
    except (OSError, ValueError, KeyError, TypeError):
        return None


def read_anchor_file(path: Path) -> Anchor | None:
    return _read(path, f"the anchor file {path.name}")


def find_anchors(db_path: Path, extra: list[Path] | None = None) -> list[Anchor]:
    """Every anchor found: the file beside the database, each backup's manifest in
    `backups/`, and any named files (a copy kept elsewhere, HQ's record)."""
    found: list[Anchor] = []
    beside = read_anchor_file(anchor_path(db_path))
    if beside is not None:
        found.append(beside)
    folder = db_path.parent / "backups"
    if folder.is_dir():
        for manifest in sorted(folder.glob(f"*{MANIFEST_SUFFIX}")):
            anchor = _read(
                manifest, f"the manifest of backup {manifest.name[: -len(MANIFEST_SUFFIX)]}"
            )
            if anchor is not None:
                found.append(anchor)
    for path in extra or []:
        anchor = _read(Path(path), f"the anchor {Path(path).name}")
        if anchor is not None:
            found.append(anchor)
    return found


@dataclass(frozen=True)
class AnchorCheck:
    ok: bool
    anchor: Anchor | None  # the newest anchor compared with, if any
    problem: str = ""


def check_against_anchors(
    db: Store, extra: list[Path] | None = None, more: Sequence[Anchor] = ()
) -> AnchorCheck:
    """The chain still holds the newest anchor's entry with its hash (or no anchor).

    `more`: anchors found elsewhere (the heads signed into the outbox's batches,
    batch/outbox_anchors.py), on either engine."""
    if db.engine.is_file:
        anchors = find_anchors(db.path, extra)
    else:  # a server database has no folder beside it: only the anchors named
        anchors = [a for p in extra or [] if (a := _read(Path(p), f"the anchor {Path(p).name}"))]
    anchors += more
    restored = max((a.restored_at for a in anchors if a.restored_at), default="")
    if restored:  # a restore rewound the chain on purpose: what came before it is void
        anchors = [a for a in anchors if a.restored_at or a.at_utc >= restored]
    if not anchors:
        return AnchorCheck(True, None)
    newest = max(anchors, key=lambda a: a.seq)
    with db.lock:
        last = db.conn.execute("SELECT max(seq) FROM audit_log").fetchone()[0]
        row = db.conn.execute("SELECT hash FROM audit_log WHERE seq = ?", (newest.seq,)).fetchone()
    last_seq = int(last or 0)
    if last_seq < newest.seq:
        return AnchorCheck(
            False,
            newest,
            f"the audit log was truncated: it ends at entry {last_seq}, but {newest.source} "
            f"recorded entry {newest.seq} on {newest.at_utc} (entries {last_seq + 1}–"
            f"{newest.seq} are missing) (审计记录被截断)",
        )
    if row is None or str(row[0]) != newest.hash:
        return AnchorCheck(
            False,
            newest,
            f"entry {newest.seq} is not the one {newest.source} recorded on {newest.at_utc}: "
            "the log was rewritten below the anchor (审计记录被改写)",
        )
    return AnchorCheck(True, newest)
