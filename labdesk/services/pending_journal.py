"""Values typed in result entry that wait for the database server, kept on this computer
(issue 18, part 5).

A value the server could not take (away, or busy with another workstation's lock) waits
in the grid's retry queue (ui/grid_retry.py); the plan units the server could not take
as a draft wait in their row (ui/grid_writes.py). Both lived only in memory: a crash, a
kill or a power cut while they waited lost them. Each one is also written here, to a
small file in the per-user data folder, before the grid says it is kept; it is removed
when the write commits or the service refuses it. On the next sign-in to the same centre
as the same user, the grid takes the values back and writes them again through the same
queue (`results.enter_result` records nothing for the same text again, so a write that
committed while its answer was lost is not recorded twice).

One file per centre (the database file, or the server URL, which never holds a password)
and user, named by a digest of both (the header record says them in clear). The file is
replaced whole on every change (written beside, fsync'd, renamed over, the folder
fsync'd): a crash leaves the old file or the new one. Each record is a line
``<crc32 hex> <json>``: a line whose checksum does not match (a torn or damaged file, a
copy from elsewhere) is skipped, and reading never fails on what the file holds. Each
change reads the file and writes it again under an OS lock, so two LabDesk windows of
the same user at the same centre never drop each other's values; the lock's file is
removed after each change, so nothing is left in the folder once nothing waits.

Qt-free: the UI calls it; nothing here knows about widgets or the connection.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import sys
import threading
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from labdesk.paths import PRIVATE_FILE_MODE, data_dir, make_private_folder

if TYPE_CHECKING:
    from labdesk.store.actor import Actor
    from labdesk.store.engine import DbTarget

log = logging.getLogger(__name__)

# Where the journals are kept instead of the per-user data folder (tests, a portable
# install): the folder itself, made if missing.
FOLDER_ENV = "LABDESK_PENDING_DIR"
VERSION = 1
SUFFIX = ".pending"

RESULT = "result"  # results.enter_result(item, text, reason, seen_result_id)
UNITS = "units"  # drafts.keep_units(item, {number: value}): a plan's units typed so far
KINDS = (RESULT, UNITS)


def _token() -> str:
    return os.urandom(16).hex()


@dataclass(frozen=True)
class PendingWrite:
    """One value waiting for the server, with what the user needs to recognise it.

    `text` is the value as typed (a plan's n units joined by ;) for a RESULT; `units`
    the unit numbers and values for UNITS. `seen_result_id` is the result the user's
    row showed when it was typed (None: none), so that another workstation's change made
    meanwhile is refused, not overwritten. `token` tells this value from a newer one
    typed for the same item."""

    kind: str
    item_id: int
    text: str = ""
    units: tuple[tuple[int, str], ...] = ()
    reason: str = ""
    seen_result_id: int | None = None
    sample_id: int | None = None
    sample_no: str = ""
    item_name: str = ""
    token: str = field(default_factory=_token)

    def shown(self) -> str:
        """The value as the user typed it (units as 3#=120)."""
        if self.kind == UNITS:
            return ", ".join(f"{n}#={v}" for n, v in self.units)
        return self.text

    def as_record(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "item": self.item_id,
            "text": self.text,
            "units": [[n, v] for n, v in self.units],
            "reason": self.reason,
            "seen": self.seen_result_id,
            "sample_id": self.sample_id,
            "sample": self.sample_no,
            "name": self.item_name,
            "token": self.token,
        }


def _int(value: object) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _str(value: object) -> str | None:
    return value if isinstance(value, str) else None


def entry_of(record: object) -> PendingWrite | None:
    """The write a record holds, or None if it is not one (wrong shape or types)."""
    if not isinstance(record, dict):
        return None
    kind, item = record.get("kind"), _int(record.get("item"))
    texts = [_str(record.get(k, "")) for k in ("text", "reason", "sample", "name", "token")]
    seen, sample_id = record.get("seen"), record.get("sample_id")
    raw_units = record.get("units", [])
    if kind not in KINDS or item is None or not isinstance(raw_units, list):
        return None
    if any(v is not None and _int(v) is None for v in (seen, sample_id)):
        return None
    units: list[tuple[int, str]] = []
    for pair in raw_units:
        if not (isinstance(pair, list) and len(pair) == 2):
            return None
        number, value = _int(pair[0]), _str(pair[1])
        if number is None or value is None:
            return None
        units.append((number, value))
    text, reason, sample, name, token = texts
    if text is None or reason is None or sample is None or name is None or not token:
        return None
    if (kind == RESULT and not text) or (kind == UNITS and not units):
        return None
    return PendingWrite(
        kind, item, text, tuple(units), reason, _int(seen), _int(sample_id), sample, name, token
    )


def _line(record: dict[str, Any]) -> bytes:
    payload = json.dumps(record, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    data = payload.encode("utf-8")  # json escapes every newline: one record, one line
    return b"%08x " % zlib.crc32(data) + data + b"\n"


def render(centre: str, user: str, entries: list[PendingWrite]) -> bytes:
    """The file's bytes: a header naming centre and user, then one line per write."""
    lines = [_line({"journal": VERSION, "centre": centre, "user": user})]
    lines.extend(_line(e.as_record()) for e in entries)
    return b"".join(lines)


def _records(data: bytes) -> list[object]:
    """The records of the lines whose checksum matches, in order."""
    found: list[object] = []
    for line in data.split(b"\n"):
        if len(line) < 10 or line[8:9] != b" ":
            continue
        try:
            crc = int(line[:8].decode("ascii"), 16)
        except (UnicodeDecodeError, ValueError):
            continue
        payload = line[9:]
        if zlib.crc32(payload) != crc:
            continue  # torn or damaged: never half a record
        try:
            found.append(json.loads(payload.decode("utf-8")))
        except (UnicodeDecodeError, ValueError, RecursionError):
            continue
    return found


def parse(data: bytes, centre: str, user: str) -> list[PendingWrite]:
    """The writes a journal's bytes hold for this centre and user (none if the header is
    missing or names another: a file copied from elsewhere is not replayed here). A
    later record for the same item replaces an earlier one. Any bytes at all: never
    raises."""
    records = _records(data)
    if not records:
        return []
    header = records[0]
    if not (
        isinstance(header, dict)
        and header.get("journal") == VERSION
        and header.get("centre") == centre
        and header.get("user") == user
    ):
        return []
    by_item: dict[int, PendingWrite] = {}
    for record in records[1:]:
        entry = entry_of(record)
        if entry is not None:
            by_item.pop(entry.item_id, None)
            by_item[entry.item_id] = entry
    return list(by_item.values())


def folder() -> Path:
    """Where the journals are: the per-user data folder's `pending` (or FOLDER_ENV)."""
    given = os.environ.get(FOLDER_ENV)
    return Path(given) if given else data_dir() / "pending"


def anything_kept(where: Path | None = None) -> bool:
    """Whether any journal is kept on this computer (one look at the folder: the main
    window asks at every sign-in)."""
    try:
        with os.scandir(where if where is not None else folder()) as found:
            return any(e.name.endswith(SUFFIX) for e in found)
    except OSError:
        return False


def centre_of(target: DbTarget) -> str:
    """The centre a journal belongs to: the database file (absolute) or the server URL
    (a ServerUrl never holds a password)."""
    if isinstance(target, Path):
        return str(target.resolve())
    return str(target)


_locks_guard = threading.Lock()
_locks: dict[Path, threading.Lock] = {}


def _lock_of(path: Path) -> threading.Lock:
    """One lock per journal file in this process: the GUI thread adds, retry workers
    remove, several grids share the user's journal."""
    with _locks_guard:
        return _locks.setdefault(path, threading.Lock())


@contextlib.contextmanager
def _between_processes(path: Path) -> Iterator[None]:
    """The journal changed by one process at a time (two LabDesk windows of the same
    user at the same centre): an OS lock on `<journal>.lock`, waited for (each holder
    keeps it for one small read and write). The OS drops it when its holder dies.

    The lock file is removed when its holder is done, so none is left in the folder
    once the user's windows are closed (or killed: the next change takes and removes
    it). A holder cannot know whether another window waits for the same file, and it
    need not: see `_take` and `_release`."""
    make_private_folder(path.parent)
    lock = path.with_name(path.name + ".lock")
    fd = _take(lock)
    try:
        yield
    finally:
        _release(lock, fd)


def _wait_for(fd: int) -> None:
    """Blocks until this process holds the OS lock of the open file `fd`."""
    if sys.platform == "win32":  # pragma: no cover - exercised on the Windows build
        import msvcrt

        msvcrt.locking(fd, msvcrt.LK_LOCK, 1)
    else:
        import fcntl

        fcntl.flock(fd, fcntl.LOCK_EX)


def _take(lock: Path) -> int:
    """The lock file opened (made if missing) and locked: its descriptor.

    POSIX lets a file be removed while others have it open, so a window that opened the
    file and waited behind its holder may be given the lock of a file its holder has
    removed meanwhile, while a third window made a new one at the same name and locked
    that: both would go on. So the lock counts only if the name still leads to the
    file locked (same device and inode: the inode cannot be reused while we hold it
    open); otherwise it is taken again on the file the name leads to now. Windows never
    removes a file someone has open (`_release`), so the name is always the file."""
    while True:
        fd = os.open(lock, os.O_RDWR | os.O_CREAT, PRIVATE_FILE_MODE)
        try:
            _wait_for(fd)
            if sys.platform == "win32":  # pragma: no cover - exercised on the Windows build
                return fd
            held, named = os.fstat(fd), os.stat(lock)
            if (held.st_dev, held.st_ino) == (named.st_dev, named.st_ino):
                return fd
        except FileNotFoundError:
            pass  # removed by the holder we waited behind: take a new one
        except BaseException:
            os.close(fd)
            raise
        os.close(fd)


def _release(lock: Path, fd: int) -> None:
    """Unlocks and removes the lock file. POSIX: removed while still held, so nobody
    can be holding the file removed (a window waiting on it finds it gone and takes a
    new one: `_take`). Windows: closed first (closing releases the lock), then removed
    only if nobody else has it open — Windows refuses to delete an open file, which is
    then left for its last user to remove."""
    if sys.platform == "win32":  # pragma: no cover - exercised on the Windows build
        os.close(fd)
        with contextlib.suppress(OSError):
            os.unlink(lock)
        return
    try:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(lock)
    finally:
        os.close(fd)  # closing releases the lock


class PendingJournal:
    """The waiting writes of one user at one centre, in their file."""

    def __init__(self, centre: str, user: str, where: Path | None = None) -> None:
        import hashlib  # here: the start-up path never needs it (anything_kept first)

        self.centre = centre
        self.user = user
        digest = hashlib.sha256(f"{centre}\n{user}".encode()).hexdigest()[:24]
        self.path = (where if where is not None else folder()) / (digest + SUFFIX)
        self._lock = _lock_of(self.path)

    def entries(self) -> list[PendingWrite]:
        """The writes kept (none if the file is missing or unreadable)."""
        try:
            data = self.path.read_bytes()
        except FileNotFoundError:
            return []
        except OSError:
            log.warning("the journal of waiting values %s cannot be read", self.path, exc_info=True)
            return []
        return parse(data, self.centre, self.user)

    def keep(self, entry: PendingWrite) -> None:
        """Adds `entry` (replacing what the item had), on disk before returning.
        OSError if it cannot be written (disk full, folder not writable)."""
        with self._lock, _between_processes(self.path):
            kept = [e for e in self.entries() if e.item_id != entry.item_id]
            kept.append(entry)
            self._write(kept)

    def drop(self, item_id: int, token: str) -> None:
        """Removes the item's entry if it is still `token`'s (a newer value typed since
        stays). A failure to rewrite is logged: the value then comes back at the next
        sign-in, where the service records nothing for the same text again."""
        try:
            with self._lock, _between_processes(self.path):
                entries = self.entries()
                kept = [e for e in entries if not (e.item_id == item_id and e.token == token)]
                if len(kept) != len(entries):
                    self._write(kept)
        except OSError:
            log.warning("the journal %s could not be updated", self.path, exc_info=True)

    def _write(self, entries: list[PendingWrite]) -> None:
        if not entries:
            with contextlib.suppress(FileNotFoundError):
                self.path.unlink()
            _sync_folder(self.path.parent)
            return
        make_private_folder(self.path.parent)
        fresh = self.path.with_name(self.path.name + ".new")
        fd = os.open(fresh, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, PRIVATE_FILE_MODE)
        try:
            data = memoryview(render(self.centre, self.user, entries))
            while data:
                data = data[os.write(fd, data) :]
            os.fsync(fd)
        finally:
            os.close(fd)
        os.replace(fresh, self.path)
        _sync_folder(self.path.parent)


def _sync_folder(where: Path) -> None:
    """The rename (or the removal) is on disk too (POSIX; Windows has no folder fsync)."""
    if os.name != "posix":
        return
    with contextlib.suppress(OSError):
        fd = os.open(where, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def journal_for(target: DbTarget, actor: Actor) -> PendingJournal:
    """The journal of the signed-in `actor` at the centre `target`."""
    return PendingJournal(centre_of(target), f"{actor.user_id}:{actor.username}")
