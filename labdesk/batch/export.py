"""Export: one signed batch of the approved, not yet exported samples (all, or those chosen).

The order of operations is what makes an interrupted export harmless:

1. read a consistent snapshot (a read transaction on a reader connection, with the audit
   chain head), serialising each data file as it is read into an unnamed spool file
   that hashes it on the way (so 10,000 samples are never all in memory), then build and
   sign the manifest;
2. write the ZIP to a hidden temporary name in the outbox, copying the data files in
   from their spools, and fsync it;
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
import hashlib
import os
import secrets
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import IO

from labdesk.batch.collect import SummaryCounts, collect_records, iter_audit, report_records
from labdesk.batch.format import (
    DATA_FILES,
    BatchHeader,
    SpooledDataFile,
    batch_filename,
    canonical_json,
    manifest_from_entries,
    valid_centre_code,
    write_archive,
)
from labdesk.core.errors import LabDeskError, NotFound, ValidationError, WorkflowError
from labdesk.paths import private_opener
from labdesk.services import keys, queries, report_issues, results, workflow
from labdesk.services.context import ServiceContext
from labdesk.services.permissions import require
from labdesk.signing import Signer
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


def _write_temp(folder: Path, name: str, write: Callable[[IO[bytes]], object]) -> Path:
    """`write` the file under a hidden temporary name and fsync it; removed if that fails."""
    temp = folder / f".{name}.{secrets.token_hex(4)}.part"
    try:
        with open(temp, "xb", opener=private_opener) as handle:  # 0600: issue 21.5
            write(handle)
            handle.flush()
            os.fsync(handle.fileno())
    except BaseException:
        with contextlib.suppress(OSError):
            temp.unlink()
        raise
    return temp


def sign_manifest(
    header: BatchHeader, spools: dict[str, SpooledDataFile], signer: Signer
) -> tuple[bytes, bytes]:
    """The manifest over the spooled data files, and its signature."""
    manifest = manifest_from_entries(
        header, [spool.entry(path) for path, spool in spools.items()], signer
    )
    return manifest, signer.sign(manifest)


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
    centre = ctx.db.query_one("SELECT code, name, region_code FROM centre WHERE id = 1")
    if centre is None:
        raise NotFound("the centre is not set up")
    code, name = str(centre["code"]), str(centre["name"])
    region = str(centre["region_code"])  # six digits (services.auth checks it)
    if not valid_centre_code(code):
        raise ValidationError(
            "centre code",
            "batch_name",
            f"centre code {code!r} cannot name a batch file: use 1-32 of A-Z a-z 0-9 _ -",
        )

    reader = open_reader(ctx.db.target)
    try:
        reader.conn.execute("BEGIN")  # one snapshot for everything read below
        head = queries.audit_head(reader)
        if chosen is None:
            ids = queries.approved_unexported_samples(reader)
            results.require_defended(reader, ids, "export")  # before anything is built
        else:
            workflow.check_exportable(reader, chosen)
            ids = chosen
        # Withdrawals (and supersessions) of reports that already left the lab go too.
        changed = report_issues.unsent_changes(reader, set(ids))
        if not ids and not changed:
            raise WorkflowError("no approved samples are waiting for export (没有待导出的样品)")
        sequence = workflow.next_export_sequence(reader)
        previous = reader.scalar(
            "SELECT manifest_sha256 FROM export_batches WHERE sequence = ?", (sequence - 1,)
        )
        spools = {path: SpooledDataFile(str(folder)) for path in DATA_FILES}
        try:
            counts = SummaryCounts()
            audited: dict[str, list[int]] = {}
            total = len(ids)
            for start in range(0, total, CHUNK):
                if cancel is not None and cancel():
                    raise ExportCancelled("export cancelled; nothing was exported (已取消)")
                chunk = collect_records(reader.conn, ids[start : start + CHUNK], audit=False)
                spools["samples.jsonl"].write_records(chunk.samples)
                spools["items.jsonl"].write_records(chunk.items)
                spools["results.jsonl"].write_records(chunk.results)
                counts.add(chunk.samples)
                for table, row_ids in chunk.audited.items():
                    audited.setdefault(table, []).extend(row_ids)
                if progress is not None:
                    progress(min(start + CHUNK, total), total)
            reports, report_ids = report_records(reader.conn, ids, changed)
            spools["reports.jsonl"].write_records(reports)
            audited["reports"] = report_ids
            # One pass over the audit trail for the whole batch, in chain order.
            for entries in iter_audit(reader.conn, audited):
                spools["audit.jsonl"].write_records(entries)
            spools["summary.json"].write(canonical_json(counts.result()) + b"\n")
            reader.conn.execute("COMMIT")
        except BaseException:
            _close(spools)
            raise
    finally:
        reader.close()

    try:
        result = _sign_and_record(
            ctx, folder, spools, signer, ids, report_ids, cancel,
            header=BatchHeader(
                centre_code=code,
                centre_name=name,
                sequence=sequence,
                batch_id=str(uuid.uuid4()),
                created_at=_local_now(),
                previous_manifest_sha256=None if previous is None else str(previous),
                counts={
                    "samples": spools["samples.jsonl"].lines,
                    "items": spools["items.jsonl"].lines,
                    "results": spools["results.jsonl"].lines,
                    "audit_entries": spools["audit.jsonl"].lines,
                    "reports": spools["reports.jsonl"].lines,
                },
                audit_head={"seq": head[0], "hash": head[1]},
                centre_region_code=region,
            ),
            head=head,
        )  # fmt: skip
    finally:
        _close(spools)
    return result


def _close(spools: dict[str, SpooledDataFile]) -> None:
    for spool in spools.values():
        spool.close()


def _sign_and_record(
    ctx: ServiceContext,
    folder: Path,
    spools: dict[str, SpooledDataFile],
    signer: Signer,
    ids: Sequence[int],
    report_ids: Sequence[int],
    cancel: Cancel | None,
    *,
    header: BatchHeader,
    head: tuple[int, str],
) -> ExportResult:
    """Steps 2-4 of the protocol (module docstring) for the spooled data files."""
    manifest, signature = sign_manifest(header, spools, signer)
    if cancel is not None and cancel():
        raise ExportCancelled("export cancelled; nothing was exported (已取消)")
    filename = batch_filename(header.centre_code, header.sequence)
    temp = _write_temp(
        folder, filename, lambda out: write_archive(out, manifest, signature, spools)
    )
    try:
        content = temp.read_bytes()  # the exact bytes, kept so a rewrite is identical
        with ctx.db.lock:  # no other writer in this process between check and record
            if queries.audit_head(ctx.db) != head:
                raise WorkflowError(
                    "records changed while the batch was being built; export again (数据已变更)"
                )
            workflow.record_export(
                ctx,
                workflow.ExportBatch(
                    sequence=header.sequence,
                    batch_uuid=header.batch_id,
                    file_name=filename,
                    manifest_sha256=hashlib.sha256(manifest).hexdigest(),
                    content=content,
                    key_fingerprint=signer.key_id,
                ),
                ids,
                report_ids=report_ids,
            )
    except BaseException:
        with contextlib.suppress(OSError):
            temp.unlink()
        raise
    final = folder / filename
    try:
        _place(temp, final)
    except OSError as exc:
        raise BatchFileNotWritten(
            f"batch {header.sequence} is recorded but {final} could not be written "
            f"({exc.strerror}); write it again with "
            f"`labdesk batches rewrite {header.sequence} --out DIR`"
        ) from exc
    return ExportResult(
        sequence=header.sequence,
        path=final,
        file_name=filename,
        sample_count=len(ids),
        manifest_sha256=hashlib.sha256(manifest).hexdigest(),
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
    content = bytes(row["content"])
    temp = _write_temp(folder, name, lambda out: out.write(content))
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
