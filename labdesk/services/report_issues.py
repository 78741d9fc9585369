"""Issues of a sample's test report (检验报告): the `reports` table.

Approval issues the report: the first approval writes version 1 (kind `original`); a
sample approved again after a correction was opened writes the next version (kind
`correction`, 更正, with the correction's reason) and marks the one it replaces
`superseded` — the old row, and the PDF bytes kept on it, are never changed otherwise.
Nothing is deleted: a withdrawal (作废) is a state, with its reason.

Signing: when the centre has a signing key, the approver's act signs the report payload
(`signing.report_payload`, the text printed as a QR code) over the report's canonical
content (`services.report_content`). The key's passphrase is the caller's to obtain (the
app asks once per session; the CLI reads --passphrase-file or $LABDESK_KEY_PASSPHRASE);
approval without it is refused. A centre with no key at all issues unsigned reports
(no payload, no QR code), which `verify-report` rejects.

Every write goes through the audited writer.
"""

from __future__ import annotations

import base64
from datetime import UTC, datetime
from typing import Any

from labdesk.core.errors import NotFound, ValidationError, WorkflowError
from labdesk.services import keys, report_content
from labdesk.services.busy import retried_when_busy
from labdesk.services.context import ServiceContext
from labdesk.services.permissions import require
from labdesk.services.samples import load_sample, transition
from labdesk.signing import Signer
from labdesk.signing import report_payload as rp
from labdesk.store.audit import Writer
from labdesk.store.protocol import Store

#: Sample states whose report is issued (a correction can be opened from these).
ISSUED_STATES = ("approved", "exported")


def current_report(db: Store, sample_id: int) -> dict[str, Any] | None:
    """The sample's report in force (state `current`), or None before approval."""
    row = db.query_one(
        "SELECT * FROM reports WHERE sample_id = ? AND state = 'current' "
        "ORDER BY version DESC LIMIT 1",
        (sample_id,),
    )
    return None if row is None else dict(row)


def latest_report(db: Store, sample_id: int) -> dict[str, Any] | None:
    """The sample's newest issue whatever its state (a withdrawn one included)."""
    row = db.query_one(
        "SELECT * FROM reports WHERE sample_id = ? ORDER BY version DESC LIMIT 1", (sample_id,)
    )
    return None if row is None else dict(row)


def report_history(db: Store, sample_id: int) -> list[dict[str, Any]]:
    """Every issue of the sample's report, oldest first."""
    rows = db.query("SELECT * FROM reports WHERE sample_id = ? ORDER BY version", (sample_id,))
    return [dict(r) for r in rows]


def report_version(db: Store, report_no: str, version: int | None = None) -> dict[str, Any]:
    """One issue by report number (the newest when `version` is None); NotFound if none."""
    if version is None:
        row = db.query_one(
            "SELECT * FROM reports WHERE report_no = ? ORDER BY version DESC LIMIT 1",
            (report_no,),
        )
    else:
        row = db.query_one(
            "SELECT * FROM reports WHERE report_no = ? AND version = ?", (report_no, version)
        )
    if row is None:
        which = report_no if version is None else f"{report_no} version {version}"
        raise NotFound(f"no report {which} (没有该报告)")
    return dict(row)


def require_signer(db: Store, signer: Signer | None) -> None:
    """Refuses an approval that could not sign although the centre has a key."""
    key = keys.active_key(db)  # type: ignore[arg-type]
    if key is None:
        return
    if signer is None:
        raise WorkflowError(
            "approval issues the report signed with the centre's key: the signing-key "
            "passphrase is needed (批准即签发报告，须输入签名密钥口令)"
        )
    if signer.key_id != key.fingerprint:
        raise WorkflowError(
            "that is not the centre's active signing key (签名密钥不是本中心当前密钥)"
        )


def _local_date(utc_text: str) -> Any:
    moment = datetime.fromisoformat(utc_text.replace("Z", "+00:00"))
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone().date()


def correction_reason(db: Store, sample_id: int) -> str:
    """Why the report is being reissued: the reason of the correction opened since the
    approval before this one, else of a result change that reopened the approved
    sample (`reopen`); '' when there is neither.

    Called inside the approval, whose own `approve` event is already written."""
    approvals = [
        int(r[0])
        for r in db.query(
            "SELECT id FROM sample_events WHERE sample_id = ? AND action = 'approve' "
            "ORDER BY id DESC LIMIT 2",
            (sample_id,),
        )
    ]
    since = approvals[1] if len(approvals) > 1 else 0
    for action in ("open_correction", "reopen"):
        value = db.scalar(
            "SELECT reason FROM sample_events WHERE sample_id = ? AND action = ? AND id > ? "
            "ORDER BY id DESC LIMIT 1",
            (sample_id, action, since),
        )
        if value:
            return str(value)
    return ""


def _signed_payload(
    w: Writer, sample_id: int, report_no: str, version: int, content: bytes, signer: Signer
) -> rp.SignedPayload:
    row = w.db.query_one(
        "SELECT s.sample_no, s.sample_name, s.conclusion_label, "
        "coalesce(e.uscc, '') AS uscc, (SELECT code FROM centre WHERE id = 1) AS centre "
        "FROM samples s LEFT JOIN enterprises e ON e.id = s.enterprise_id WHERE s.id = ?",
        (sample_id,),
    )
    assert row is not None
    payload = rp.build(
        centre=str(row["centre"] or ""),
        report=report_no,
        version=version,
        sample=str(row["sample_no"]),
        product=str(row["sample_name"]),
        uscc=str(row["uscc"]),
        conclusion=str(row["conclusion_label"] or "不判定"),
        issued=_local_date(w.at_utc),
        content_sm3=report_content.digest(content),
        key_id=signer.key_id,
    )
    return rp.sign(payload, signer)


def issue_in(
    w: Writer,
    sample_id: int,
    report_no: str,
    *,
    reason: str = "",
    report_class: str = "",
    signer: Signer | None = None,
) -> int:
    """Writes the next issue of the sample's report; returns its id.

    The first issue is the original; any later one is a correction of the current issue,
    which becomes superseded (a withdrawn report is not corrected: it stays withdrawn and
    the new issue supersedes nothing). A correction's reason is the one given when it
    was opened (`open_correction`), else `reason`. `report_class` is the approver's
    报告类别, printed and part of the canonical content. With `signer` the payload is
    signed.
    """
    last = w.db.query_one(
        "SELECT id, version, state FROM reports WHERE sample_id = ? ORDER BY version DESC LIMIT 1",
        (sample_id,),
    )
    version = 1 if last is None else int(last["version"]) + 1
    if last is not None:
        reason = correction_reason(w.db, sample_id) or reason
    content = report_content.current_content(w.db, sample_id, report_no, version, report_class)
    values: dict[str, Any] = {
        "sample_id": sample_id,
        "report_no": report_no,
        "version": version,
        "issued_by": w.actor.user_id,
        "issued_at": w.at_utc,
        "reason": reason,
        "content": content.decode("utf-8"),
        "report_class": report_class,
    }
    if signer is not None:
        signed = _signed_payload(w, sample_id, report_no, version, content, signer)
        values["payload"] = signed.text
        values["signature"] = base64.b64encode(signed.signature).decode("ascii")
    if last is None:
        values["kind"] = "original"
        return w.insert("reports", values, reason=reason, action="issue_report")
    values["kind"] = "correction"
    if last["state"] == "current":
        w.update(
            "reports",
            int(last["id"]),
            {"state": "superseded"},
            reason=reason,
            action="supersede_report",
        )
        values["supersedes"] = int(last["id"])
    return w.insert("reports", values, reason=reason, action="correct_report")


def _reason(reason: str, what: str) -> str:
    text = (reason or "").strip()
    if not text:
        raise ValidationError("reason", "required", f"reason: required to {what} (请填写原因)")
    return text


@retried_when_busy
def open_correction(ctx: ServiceContext, sample_id: int, reason: str) -> None:
    """Opens a correction (更正) of an issued report (manager; reason required).

    The sample goes back to `returned`: results and the sampling form can be corrected
    (each with its own reason), then it is submitted, reviewed and approved again, and
    that approval issues the next version, superseding the one in force.
    """
    require(ctx, "correct_report")
    text = _reason(reason, "correct a report")
    sample = load_sample(ctx.db, sample_id)
    if sample["state"] not in ISSUED_STATES or latest_report(ctx.db, sample_id) is None:
        raise WorkflowError(
            f"sample {sample['sample_no']} is {sample['state']}: only an issued report "
            "(approved or exported) can be corrected (仅已签发的报告可更正)"
        )
    with ctx.db.write(ctx.actor) as w:
        transition(w, sample_id, str(sample["state"]), "returned", "open_correction", reason=text)


@retried_when_busy
def withdraw(ctx: ServiceContext, sample_id: int, reason: str) -> int:
    """Withdraws (作废) the sample's report in force (manager; reason required).

    The row and its PDF stay as they were, marked withdrawn; the next export batch tells
    HQ. Returns the report row's id.
    """
    require(ctx, "withdraw_report")
    text = _reason(reason, "withdraw a report")
    sample = load_sample(ctx.db, sample_id)
    report = current_report(ctx.db, sample_id)
    if report is None:
        raise WorkflowError(
            f"sample {sample['sample_no']} has no report in force to withdraw (没有可作废的报告)"
        )
    with ctx.db.write(ctx.actor) as w:
        w.update(
            "reports",
            int(report["id"]),
            {
                "state": "withdrawn",
                "withdrawn_reason": text,
                "withdrawn_at": w.at_utc,
                "withdrawn_by": w.actor.user_id,
            },
            reason=text,
            action="withdraw_report",
        )
        state = str(sample["state"])
        transition(w, sample_id, state, state, "withdraw_report", reason=text)
    return int(report["id"])


@retried_when_busy
def store_pdf(ctx: ServiceContext, report_id: int, pdf: bytes, pdf_sha256: str) -> None:
    """Keeps the PDF as issued on its report row — once: it is never replaced."""
    require(ctx, "approve")
    row = ctx.db.query_one("SELECT pdf_sha256 FROM reports WHERE id = ?", (report_id,))
    if row is None:
        raise NotFound(f"report #{report_id} does not exist")
    if row["pdf_sha256"]:
        raise WorkflowError("this report's PDF as issued is already kept; it is never replaced")
    with ctx.db.write(ctx.actor) as w:
        w.update(
            "reports", report_id, {"pdf": pdf, "pdf_sha256": pdf_sha256}, action="keep_report_pdf"
        )


def unsent_changes(db: Store, exclude_samples: set[int]) -> list[int]:
    """Report rows whose state changed after an export batch carried them (a withdrawal
    or supersession of a report that already left the lab), outside `exclude_samples`."""
    rows = db.query(
        "SELECT id, sample_id FROM reports WHERE sent_state <> '' AND sent_state <> state "
        "ORDER BY id"
    )
    return [int(r["id"]) for r in rows if int(r["sample_id"]) not in exclude_samples]
