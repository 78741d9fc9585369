"""Export: one signed batch of the approved, not yet exported samples (all, or those chosen).

The order of operations is what makes an interrupted export harmless:

1. read a consistent snapshot (a read transaction on a reader connection, with the audit
   chain head) and build, sign and serialise the batch in memory;
2. write it to a hidden temporary name in the outbox and fsync it;
3. under the database's writer lock, check the audit head has not moved since the
   snapshot (else nothing is recorded: try again), then record the batch — its exact
   bytes included — and mark the samples exported, in one transaction;
4. only then rename the temporary file to its final name (atomic) and fsync the folder.

Killed before 3: no sample is marked and only a `.part` file is left. Killed between 3
and 4: the samples are marked and the batch is in the database; `rewrite_batch` writes the
same bytes again (the SM2 signature is randomised, so rewriting must reuse them).
"""

from __future__ import annotations

import contextlib
import os
import secrets
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from labdesk.batch.collect import BatchRecords, collect_records, count_records
from labdesk.batch.format import BatchHeader, batch_filename, sign_batch, valid_centre_code
from labdesk.core.errors import LabDeskError, NotFound, ValidationError, WorkflowError
from labdesk.services import keys, queries, workflow
from labdesk.services.context import ServiceContext
from labdesk.services.permissions import require
from labdesk.store.db import Database, open_reader

Progress = Callable[[int, int], None]
Cancel = Callable[[], bool]
CHUNK = 1000  # samples read per query round; progress and cancel are checked between


class ExportCancelled(LabDeskError):
    """The user cancelled; nothing was recorded and no batch file was written."""


class BatchFileNotWritten(LabDeskError):
    """The batch is recorded but its file could not be put in place; rewrite it."""


@dataclass(frozen=True)
class ExportResult:
    sequence: int
    path: Path
    file_name: str
    sample_count: int
    manifest_sha256: str
    batch_id: str
    key_id: str


def _local_now() -> str:
    return datetime.now().astimezone().isoformat(timespec="seconds")


def _fsync_dir(folder: Path) -> None:
    if os.name == "nt":  # directories cannot be opened for fsync on Windows
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _write_temp(folder: Path, name: str, data: bytes) -> Path:
    temp = folder / f".{name}.{secrets.token_hex(4)}.part"
    with open(temp, "xb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())
    return temp


def _place(temp: Path, final: Path) -> None:
    os.replace(temp, final)
    _fsync_dir(final.parent)


def _outbox(out_dir: Path | str) -> Path:
    folder = Path(out_dir)
    if not folder.is_dir():
        raise ValidationError("out_dir", "exists", f"outbox folder {folder} does not exist")
    return folder


def _chosen(sample_ids: Sequence[int]) -> list[int]:
    """The explicit sample list, in id order; refused when empty or repeating a sample."""
    ids = sorted(int(s) for s in sample_ids)
    if not ids:
        raise ValidationError("sample_ids", "non_empty", "a batch needs at least one sample")
    if len(set(ids)) != len(ids):
        raise ValidationError("sample_ids", "unique", "a sample appears twice in the batch")
    return ids


def export_batch(
    ctx: ServiceContext,
    out_dir: Path | str,
    passphrase: str,
    *,
    progress: Progress | None = None,
    cancel: Cancel | None = None,
    sample_ids: Sequence[int] | None = None,
) -> ExportResult:
    """Write one signed batch (manager; audited).

    The batch holds `sample_ids` when given (each must be approved and not yet exported:
    NotFound / WorkflowError otherwise, and nothing is written), else every approved,
    unexported sample.
    """
    require(ctx, "export")
    chosen = None if sample_ids is None else _chosen(sample_ids)
    folder = _outbox(out_dir)
    signer = keys.load_signer(ctx.db, passphrase)
    centre = ctx.db.query_one("SELECT code, name FROM centre WHERE id = 1")
    if centre is None:
        raise NotFound("the centre is not set up")
    code, name = str(centre["code"]), str(centre["name"])
    if not valid_centre_code(code):
        raise ValidationError(
            "centre code",
            "batch_name",
            f"centre code {code!r} cannot name a batch file: use 1-32 of A-Z a-z 0-9 _ -",
        )

    reader = open_reader(ctx.db.path)
    try:
        reader.conn.execute("BEGIN")  # one snapshot for everything read below
        head = queries.audit_head(reader)
        if chosen is None:
            ids = queries.approved_unexported_samples(reader)
        else:
            workflow.check_exportable(reader, chosen)
            ids = chosen
        if not ids:
            raise WorkflowError("no approved samples are waiting for export (没有待导出的样品)")
        sequence = workflow.next_export_sequence(reader)
        previous = reader.scalar(
            "SELECT manifest_sha256 FROM export_batches WHERE sequence = ?", (sequence - 1,)
        )
        records = BatchRecords()
        total = len(ids)
        for start in range(0, total, CHUNK):
            if cancel is not None and cancel():
                raise ExportCancelled("export cancelled; nothing was exported (已取消)")
            records.extend(collect_records(reader.conn, ids[start : start + CHUNK]))
            if progress is not None:
                progress(min(start + CHUNK, total), total)
        reader.conn.execute("COMMIT")
    finally:
        reader.close()

    files = records.files()
    header = BatchHeader(
        centre_code=code,
        centre_name=name,
        sequence=sequence,
        batch_id=str(uuid.uuid4()),
        created_at=_local_now(),
        previous_manifest_sha256=None if previous is None else str(previous),
        counts=count_records(files),
        audit_head={"seq": head[0], "hash": head[1]},
    )
    batch = sign_batch(header, files, signer)
    if cancel is not None and cancel():
        raise ExportCancelled("export cancelled; nothing was exported (已取消)")

    temp = _write_temp(folder, batch.filename, batch.archive)
    try:
        with ctx.db.lock:  # no other writer in this process between check and record
            if queries.audit_head(ctx.db) != head:
                raise WorkflowError(
                    "records changed while the batch was being built; export again (数据已变更)"
                )
            workflow.record_export(
                ctx,
                workflow.ExportBatch(
                    sequence=sequence,
                    batch_uuid=header.batch_id,
                    file_name=batch.filename,
                    manifest_sha256=batch.manifest_sha256,
                    content=batch.archive,
                    key_fingerprint=signer.key_id,
                ),
                ids,
            )
    except BaseException:
        with contextlib.suppress(OSError):
            temp.unlink()
        raise
    final = folder / batch.filename
    try:
        _place(temp, final)
    except OSError as exc:
        raise BatchFileNotWritten(
            f"batch {sequence} is recorded but {final} could not be written ({exc.strerror}); "
            f"write it again with `labdesk batches rewrite {sequence} --out DIR`"
        ) from exc
    return ExportResult(
        sequence=sequence,
        path=final,
        file_name=batch.filename,
        sample_count=len(ids),
        manifest_sha256=batch.manifest_sha256,
        batch_id=header.batch_id,
        key_id=signer.key_id,
    )


def rewrite_batch(db: Database, sequence: int, out_dir: Path | str) -> Path:
    """Write a recorded batch again, byte-identical to the first time (from its stored bytes)."""
    folder = _outbox(out_dir)
    row = db.query_one(
        "SELECT file_name, content, manifest_sha256 FROM export_batches WHERE sequence = ?",
        (sequence,),
    )
    if row is None:
        raise NotFound(f"no export batch with sequence {sequence} (批次不存在)")
    name = str(row["file_name"])
    if Path(name).name != name or batch_filename(name.rsplit("-", 1)[0], sequence) != name:
        raise WorkflowError(f"stored batch file name {name!r} is not a batch file name")
    temp = _write_temp(folder, name, bytes(row["content"]))
    try:
        _place(temp, folder / name)
    except BaseException:
        with contextlib.suppress(OSError):
            temp.unlink()
        raise
    return folder / name


def list_batches(db: Database) -> list[dict[str, object]]:
    """Recorded batches, oldest first, without their bytes."""
    return sorted(workflow.export_batches(db), key=lambda b: int(str(b["sequence"])))
