"""The review workflow: submit → review (or return) → approve → export.

Who may do what is in `services.permissions`; this module adds the rules of the work
itself: every item needs a result before submission; a reviewer never reviews, and a
manager never approves, a sample carrying results they entered themselves (ISO/IEC 17025
7.5.1); returning needs a reason; only approved samples are exported, each at most once.
Each public function checks everything first, then writes in one audited transaction
(the `*_in(w, …)` helpers hold the writes; the demo generator batches them).
"""

from __future__ import annotations

import json
import uuid as _uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from labdesk.core.deadlines import URGENT_HOURS
from labdesk.core.errors import NotFound, PermissionDenied, ValidationError, WorkflowError
from labdesk.core.report_class import URGENT, check_report_class, derive_report_class
from labdesk.services import backups, clocks, lab_guards, report_issues
from labdesk.services.busy import retried_when_busy
from labdesk.services.context import ServiceContext
from labdesk.services.permissions import PERMISSIONS, can, require
from labdesk.services.results import refresh_conclusion, require_defended
from labdesk.services.samples import (
    expect_state,
    load_sample,
    locked_sample,
    now_iso,
    transition,
)
from labdesk.signing import Signer
from labdesk.store.audit import Writer
from labdesk.store.db import Database
from labdesk.store.protocol import Store
from labdesk.store.schema import live_item

__all__ = [
    "PERMISSIONS",
    "ExportBatch",
    "approve",
    "can",
    "check_exportable",
    "next_export_sequence",
    "next_report_no",
    "record_export",
    "require",
    "return_sample",
    "review",
    "submit",
]


_CHECK_CHUNK = 10_000  # ids per query (json_each has no parameter limit; bounds memory)


@dataclass(frozen=True)
class ExportBatch:
    """What the batch engineer hands to `record_export` for one signed batch file."""

    sequence: int
    batch_uuid: str
    file_name: str
    manifest_sha256: str
    content: bytes
    key_fingerprint: str = ""


def missing_results(db: Database, sample_id: int) -> list[str]:
    rows = db.query(
        f"SELECT i.name FROM sample_items i WHERE i.sample_id = ? AND {live_item('i')} "
        "AND NOT EXISTS "
        "(SELECT 1 FROM results r WHERE r.sample_item_id = i.id AND r.superseded_by IS NULL) "
        "ORDER BY i.seq",
        (sample_id,),
    )
    return [str(r[0]) for r in rows]


def entered_by(db: Database, sample_id: int) -> set[int]:
    """Users who entered any result (current or superseded) of the sample."""
    rows = db.query(
        "SELECT DISTINCT r.entered_by FROM results r JOIN sample_items i "
        "ON i.id = r.sample_item_id WHERE i.sample_id = ?",
        (sample_id,),
    )
    return {int(r[0]) for r in rows}


def _not_own(ctx: ServiceContext, sample: dict[str, Any], doing: str) -> None:
    if ctx.actor.user_id in entered_by(ctx.db, int(sample["id"])):
        raise PermissionDenied(
            f"{ctx.actor.username} entered results of sample {sample['sample_no']} and so "
            f"cannot {doing} it: a second person must check (不能审核/批准本人录入的结果)"
        )


def submit_in(w: Writer, sample_id: int) -> None:
    refresh_conclusion(w, sample_id)
    transition(w, sample_id, "testing", "submitted", "submit")


@retried_when_busy
def submit(ctx: ServiceContext, sample_id: int) -> None:
    """Testing → submitted, once every item has a result; computes the conclusion."""
    require(ctx, "submit")
    sample = load_sample(ctx.db, sample_id)
    expect_state(sample, ("testing",), "submit it")
    missing = missing_results(ctx.db, sample_id)
    if missing:
        raise ValidationError(
            "results",
            "complete",
            f"sample {sample['sample_no']}: no result yet for {'、'.join(missing)} "
            "(尚有项目未录入结果)",
        )
    require_defended(ctx.db, [sample_id], "submit")
    with ctx.db.write(ctx.actor) as w:
        submit_in(w, sample_id)


def review_in(w: Writer, sample_id: int, comment: str = "") -> None:
    transition(w, sample_id, "submitted", "reviewed", "review", reason=comment)


@retried_when_busy
def review(ctx: ServiceContext, sample_id: int, comment: str = "") -> None:
    """Submitted → reviewed (审核), by someone who entered none of its results.

    Beside other workstations' entries and reviews (a shared write): the state, who
    entered its results and the QC holds are read once the sample's row is locked, so
    two reviewers of one sample cannot both review it, and an entry on it is wholly
    before or after."""
    require(ctx, "review")
    with ctx.db.write(ctx.actor, shared=True) as w:
        sample = locked_sample(w, sample_id)
        expect_state(sample, ("submitted",), "review it")
        _not_own(ctx, sample, "review")
        lab_guards.check_review(ctx.db, sample_id)
        review_in(w, sample_id, comment.strip())


def return_in(w: Writer, sample_id: int, from_state: str, reason: str) -> None:
    transition(w, sample_id, from_state, "returned", "return", reason=reason)


@retried_when_busy
def return_sample(ctx: ServiceContext, sample_id: int, reason: str) -> None:
    """Submitted/reviewed → returned (退回) with a reason; the technician resumes testing."""
    require(ctx, "return")
    if not reason or not reason.strip():
        raise ValidationError(
            "reason", "required", "reason: required to return a sample (退回须填写原因)"
        )
    with ctx.db.write(ctx.actor, shared=True) as w:  # as review: checked under the lock
        sample = locked_sample(w, sample_id)
        expect_state(sample, ("submitted", "reviewed"), "return it")
        return_in(w, sample_id, sample["state"], reason.strip())


REPORT_SERIAL_DIGITS = 6


def next_report_no(db: Store, year: int) -> str:
    """The next free report number (检验报告编号) of `year`: `<centre code>-<year>-<serial>`.

    The serial counts per centre code and year from 000001. It is read inside the approving
    transaction, which holds the centre's row (approve: one approval takes a number at a
    time), and `samples.report_no` is UNIQUE, so two approvals can never share a number.
    A code change starts the new prefix at 000001: still unique.
    """
    code = str(db.scalar("SELECT code FROM centre WHERE id = 1") or "")
    prefix = f"{code}-{year}-" if code else f"{year}-"
    # The range uses the unique index, newest first; only exactly six digits after the
    # prefix count (a code like "AB-2026" must not lend its numbers to code "AB"). ':'
    # sorts after '9'. Digits are checked here rather than by GLOB, the same on both
    # engines: the newest of the right length is normally the answer at once.
    last = 0
    sql = (
        "SELECT report_no FROM samples WHERE report_no >= ? AND report_no < ? "
        "AND length(report_no) = ? ORDER BY report_no DESC"
    )
    params = (prefix, prefix + ":", len(prefix) + REPORT_SERIAL_DIGITS)
    for limit in (" LIMIT 1", ""):
        for row in db.query(sql + limit, params):
            serial_text = str(row[0])[len(prefix) :]
            if serial_text.isascii() and serial_text.isdigit():
                last = int(serial_text)
                break
        if last or not limit:
            break
    serial = int(last or 0) + 1
    if serial >= 10**REPORT_SERIAL_DIGITS:
        raise WorkflowError(
            f"report numbers of {year} are used up ({prefix}999999) (本年度报告编号已用尽)"
        )
    return f"{prefix}{serial:0{REPORT_SERIAL_DIGITS}d}"


def approve_in(
    w: Writer,
    sample_id: int,
    comment: str = "",
    *,
    on: date | None = None,
    report_class: str | None = None,
    signer: Signer | None = None,
) -> str:
    """Approves and, the first time, allocates the report number; returns it.

    A sample approved again (after a correction sent it back) keeps its number: the
    number names the report, and a reissued report is the same report, revised.
    The first approval makes the conclusion (`concluded_on`): the re-inspection window,
    the backup sample's retention and the report clock run from it. An approval after a
    correction keeps that day: the statutory clocks run from the first conclusion
    notified (食品安全法 第八十八条, domain brief "Statutory clocks"), and reissuing a
    corrected report must not give the unit a new 复检 window. A 24-hour report's 24 hours
    run from each approval (its deadline is the report's, not the unit's).
    `report_class` is the approver's 报告类别 (None: the one the conclusion implies).
    With `signer` the issued report's payload is signed (`report_issues.issue_in`).
    """
    row = w.db.query_one(
        "SELECT s.report_no, s.conclusion_code, s.concluded_on, "
        "coalesce(t.purpose, '') AS purpose "
        "FROM samples s LEFT JOIN tasks t ON t.id = s.task_id WHERE s.id = ?",
        (sample_id,),
    )
    assert row is not None
    if report_class is None:
        chosen = derive_report_class(str(row["conclusion_code"]), str(row["purpose"]))
    else:
        chosen = check_report_class(report_class)
    day = on or date.today()
    extra: dict[str, Any] = {"urgent_due": None}
    if not row["concluded_on"]:
        extra["concluded_on"] = day.isoformat()
    if chosen == URGENT:
        extra["urgent_due"] = urgent_deadline(w.at_utc)
    if row["report_no"]:
        report_no = str(row["report_no"])
    else:
        report_no = extra["report_no"] = next_report_no(w.db, day.year)
    transition(w, sample_id, "reviewed", "approved", "approve", reason=comment, extra=extra)
    report_issues.issue_in(
        w, sample_id, report_no, reason=comment, report_class=chosen, signer=signer
    )
    clocks.refresh_in(w, [sample_id], reason="approve")
    backups.conclusion_made_in(w, sample_id)
    return report_no


def urgent_deadline(at_utc: str) -> str:
    """24 hours after `at_utc` (UTC instant text in the store's format)."""
    moment = datetime.strptime(at_utc, "%Y-%m-%dT%H:%M:%S.%fZ") + timedelta(hours=URGENT_HOURS)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


@retried_when_busy
def approve(
    ctx: ServiceContext,
    sample_id: int,
    comment: str = "",
    *,
    report_class: str | None = None,
    signer: Signer | None = None,
) -> str:
    """Reviewed → approved (批准), by a manager who entered none of its results.

    `report_class` is the 报告类别 the approver confirms (None: the derived one,
    `core.report_class.derive_report_class`). Returns the sample's report number
    (allocated now, or kept from an earlier approval). Approval issues the report: when
    the centre has a signing key, `signer` (the key, opened with its passphrase) must be
    given and signs the report payload.
    """
    require(ctx, "approve")
    # Beside other workstations' entries, reviews and approvals (a shared write): the
    # sample is checked once its row is locked, as in review. The centre's next report
    # number is taken holding the centre's row, so approvals of different samples take
    # their numbers one after another (each sees the ones committed before it).
    with ctx.db.write(ctx.actor, shared=True) as w:
        sample = locked_sample(w, sample_id)
        expect_state(sample, ("reviewed",), "approve it")
        _not_own(ctx, sample, "approve")
        lab_guards.check_signatory(ctx.db, ctx.actor, sample_id)
        if report_class is not None:
            check_report_class(report_class)
        require_defended(ctx.db, [sample_id], "approve")
        report_issues.require_signer(ctx.db, signer)
        if not sample["report_no"]:
            w.lock("centre", 1)
        return approve_in(w, sample_id, comment.strip(), report_class=report_class, signer=signer)


def proposed_report_class(db: Store, sample_id: int) -> str:
    """The 报告类别 the sample's conclusion implies ("" when the approver must choose)."""
    row = db.query_one(
        "SELECT s.conclusion_code, coalesce(t.purpose, '') AS purpose FROM samples s "
        "LEFT JOIN tasks t ON t.id = s.task_id WHERE s.id = ?",
        (sample_id,),
    )
    if row is None:
        return ""
    return derive_report_class(str(row["conclusion_code"]), str(row["purpose"]))


def next_export_sequence(db: Database) -> int:
    """The sequence number the next export batch should carry (1, 2, …)."""
    return int(db.scalar("SELECT coalesce(max(sequence), 0) + 1 FROM export_batches"))


def _check_batch(
    db: Database, batch: ExportBatch, sample_ids: Sequence[int], report_ids: Sequence[int] = ()
) -> None:
    if batch.sequence < 1:
        raise ValidationError("sequence", "positive", "batch sequence must be 1 or more")
    if db.scalar("SELECT 1 FROM export_batches WHERE sequence = ?", (batch.sequence,)):
        raise ValidationError(
            "sequence", "unique", f"export batch sequence {batch.sequence} is already used"
        )
    try:
        _uuid.UUID(batch.batch_uuid)
    except ValueError:
        raise ValidationError("batch_uuid", "uuid", "batch_uuid: not a UUID") from None
    if db.scalar("SELECT 1 FROM export_batches WHERE batch_uuid = ?", (batch.batch_uuid,)):
        raise ValidationError("batch_uuid", "unique", "batch_uuid: already recorded")
    if len(batch.manifest_sha256) != 64:
        raise ValidationError("manifest_sha256", "sha256", "manifest_sha256: 64 hex digits")
    if not sample_ids and not report_ids:
        raise ValidationError("sample_ids", "non_empty", "a batch needs at least one sample")
    if len(set(sample_ids)) != len(sample_ids):
        raise ValidationError("sample_ids", "unique", "a sample appears twice in the batch")
    check_exportable(db, sample_ids)


def check_exportable(db: Database, sample_ids: Sequence[int]) -> None:
    """Every sample exists, is approved and is in no batch yet (or, corrected, has a
    report version no batch has carried) — one query for all of them.

    Raises NotFound for the first missing id, WorkflowError for the first sample (in id
    order) that is not approved or already belongs to a batch, ValidationError when a
    result says 未检出 without its 检出限 (`results.require_defended`).
    """
    ids = sorted({int(s) for s in sample_ids})
    found: dict[int, tuple[str, str, Any]] = {}
    for start in range(0, len(ids), _CHECK_CHUNK):
        chunk = json.dumps(ids[start : start + _CHECK_CHUNK])
        for row in db.query(
            "SELECT id, sample_no, state, export_batch_id FROM samples "
            "WHERE id IN (SELECT value FROM json_each(?))",
            (chunk,),
        ):
            found[int(row[0])] = (str(row[1]), str(row[2]), row[3])
    for sample_id in ids:
        if sample_id not in found:
            raise NotFound(f"sample #{sample_id} does not exist (样品不存在)")
        sample_no, state, batch_id = found[sample_id]
        if state != "approved":
            expect_state({"sample_no": sample_no, "state": state}, ("approved",), "export it")
        # Approved and in a batch already: only a corrected report (更正) approved again
        # after it left the lab, whose new version no batch has carried, goes out again.
        if batch_id is not None and not db.scalar(
            "SELECT 1 FROM reports WHERE sample_id = ? AND sent_state = '' AND version > 1",
            (sample_id,),
        ):
            raise WorkflowError(f"sample {sample_no} is already in export batch #{batch_id}")
    require_defended(db, ids, "export")


def record_export_in(
    w: Writer,
    batch: ExportBatch,
    sample_ids: Sequence[int],
    created_at: str,
    report_ids: Sequence[int] = (),
) -> int:
    """Records the batch row, then moves every sample approved → exported in bulk.

    The audit entries are exactly those of `transition` (per sample: the changed
    `samples` fields, then one `sample_events` row), only grouped: all sample updates
    first, then the events in one `insert_many`. Replay in `verify_audit` goes per
    record in seq order, so the grouping does not matter to it. The caller has checked
    (`check_exportable`) that every sample is approved and in no batch.
    """
    reason = f"batch {batch.sequence} {batch.file_name}"
    batch_id = w.insert(
        "export_batches",
        {
            "sequence": batch.sequence,
            "batch_uuid": batch.batch_uuid,
            "file_name": batch.file_name,
            "manifest_sha256": batch.manifest_sha256,
            "content": bytes(batch.content),
            "sample_count": len(sample_ids),
            "key_fingerprint": batch.key_fingerprint,
            "created_by": w.actor.user_id,
            "created_at": created_at,
        },
        action="export",
    )
    changes = {"export_batch_id": batch_id, "state": "exported"}
    w.update_many("samples", sample_ids, changes, reason=reason, action="export")
    w.insert_many(
        "sample_events",
        [
            {
                "sample_id": sample_id,
                "action": "export",
                "from_state": "approved",
                "to_state": "exported",
                "user_id": w.actor.user_id,
                "at_utc": w.at_utc,
                "reason": reason,
            }
            for sample_id in sample_ids
        ],
        reason=reason,
        action="export",
    )
    _mark_reports_sent(w, report_ids, reason)
    return batch_id


def _mark_reports_sent(w: Writer, report_ids: Sequence[int], reason: str) -> None:
    """Each report row the batch carried now has its state as sent (`sent_state`)."""
    by_state: dict[str, list[int]] = {}
    ids = sorted({int(i) for i in report_ids})
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        marks = ", ".join("?" for _ in chunk)
        for row in w.db.query(
            f"SELECT id, state, sent_state FROM reports WHERE id IN ({marks})", chunk
        ):
            if row["sent_state"] != row["state"]:
                by_state.setdefault(str(row["state"]), []).append(int(row["id"]))
    for state, ids in sorted(by_state.items()):
        w.update_many("reports", ids, {"sent_state": state}, reason=reason, action="export")


def record_export(
    ctx: ServiceContext,
    batch: ExportBatch,
    sample_ids: Sequence[int],
    *,
    report_ids: Sequence[int] = (),
) -> int:
    """Records a signed batch and marks its samples exported, in one transaction; the
    report rows it carried (`report_ids`) are marked sent in their present state."""
    require(ctx, "export")
    ids = [int(s) for s in sample_ids]
    _check_batch(ctx.db, batch, ids, report_ids)
    with ctx.db.write(ctx.actor) as w:
        return record_export_in(w, batch, ids, now_iso(), report_ids)


def export_batches(db: Database) -> list[dict[str, Any]]:
    """Recorded batches without their bytes (newest first)."""
    rows = db.query(
        "SELECT id, sequence, batch_uuid, file_name, manifest_sha256, sample_count, "
        "key_fingerprint, created_by, created_at, length(content) AS size "
        "FROM export_batches ORDER BY sequence DESC"
    )
    return [dict(r) for r in rows]


def export_batch_content(db: Database, batch_id: int) -> bytes:
    """The batch file's bytes, to rewrite a lost file byte-identical."""
    value = db.scalar("SELECT content FROM export_batches WHERE id = ?", (batch_id,))
    if value is None:
        raise WorkflowError(f"export batch #{batch_id} does not exist")
    return bytes(value)
