"""The PDF of an issued report: rendered once, signed over its bytes, kept as issued.

At approval the service layer signs the report payload (`services.report_issues`); this
module, which has Qt, renders that issue — the items from its canonical content, the
payload as a QR code and as an embedded file, the centre's marks — signs the finished
file (`signing.pdf_signature`, an incremental update) and keeps the bytes on the report
row (`reports.pdf`, write-once). From then on every copy of that version is those bytes:
a superseded version stays byte-identical.

A report issued without a payload (a centre with no signing key) is rendered and kept
unsigned; its PDF says so.
"""

from __future__ import annotations

import hashlib
from datetime import datetime
from typing import Any

from labdesk.core.errors import NotFound, WorkflowError
from labdesk.reports.data import report_document
from labdesk.reports.model import Mark, TestReportDoc
from labdesk.reports.pdf import report_pdf_bytes
from labdesk.services import marks as centre_marks
from labdesk.services import report_issues
from labdesk.services.context import ServiceContext
from labdesk.signing import Signer
from labdesk.signing.pdf_signature import sign_pdf
from labdesk.store.protocol import Store

PAYLOAD_ATTACHMENT = "labdesk-report-payload.txt"
CONTENT_ATTACHMENT = "labdesk-report-content.json"


def report_marks(db: Store) -> list[Mark]:
    return [Mark(m.kind, m.image, m.position, m.size_mm) for m in centre_marks.marks(db)]


def _issue_row(db: Store, report_id: int) -> dict[str, Any]:
    row = db.query_one(
        "SELECT r.*, s.sample_no FROM reports r JOIN samples s ON s.id = r.sample_id "
        "WHERE r.id = ?",
        (report_id,),
    )
    if row is None:
        raise NotFound(f"report #{report_id} does not exist")
    return dict(row)


def issue_document(db: Store, report_id: int) -> TestReportDoc:
    """The document of one issue, as it is printed."""
    row = _issue_row(db, report_id)
    return report_document(
        db, str(row["sample_no"]), version=int(row["version"]), marks=report_marks(db)
    )


def render_issue(db: Store, report_id: int, signer: Signer | None) -> bytes:
    """The PDF of the issue: with its payload signed at approval, the file is signed by
    `signer` (which must be the key that signed the payload)."""
    row = _issue_row(db, report_id)
    doc = issue_document(db, report_id)
    payload = str(row["payload"] or "")
    content = str(row["content"] or "").encode("utf-8")
    if not payload:
        return report_pdf_bytes(doc)
    if signer is None:
        raise WorkflowError(
            "a signed report's PDF is signed too: the signing-key passphrase is needed "
            "(报告文件须签名，请输入签名密钥口令)"
        )
    if f"key={signer.key_id}\n" not in payload:
        raise WorkflowError(
            "the report payload was signed by another key than the one given: open the key "
            "that was active when it was approved (签名密钥与报告不符)"
        )
    pdf = report_pdf_bytes(
        doc, {PAYLOAD_ATTACHMENT: payload.encode("utf-8"), CONTENT_ATTACHMENT: content}
    )
    centre = str(db.scalar("SELECT code FROM centre WHERE id = 1") or "")
    return sign_pdf(
        pdf,
        signer,
        payload_text=payload,
        content=content,
        name=centre,
        signed_at=datetime.now().astimezone(),
    )


def stored_pdf(db: Store, report_id: int) -> bytes | None:
    """The PDF as issued, if it has been kept."""
    value = db.scalar("SELECT pdf FROM reports WHERE id = ?", (report_id,))
    return None if value is None else bytes(value)


def issue_pdf(ctx: ServiceContext, report_id: int, signer: Signer | None) -> bytes:
    """The issue's PDF as issued: kept bytes, or rendered, signed and kept now."""
    kept = stored_pdf(ctx.db, report_id)
    if kept is not None:
        return kept
    pdf = render_issue(ctx.db, report_id, signer)
    report_issues.store_pdf(ctx, report_id, pdf, hashlib.sha256(pdf).hexdigest())
    return pdf


def issue_missing_pdfs(ctx: ServiceContext, signer: Signer | None) -> int:
    """Renders and keeps the PDF of every issue in force that has none yet (after a
    demo build, or an approval whose PDF step was interrupted); returns how many."""
    rows = ctx.db.query(
        "SELECT id FROM reports WHERE pdf IS NULL AND state = 'current' ORDER BY id"
    )
    for row in rows:
        issue_pdf(ctx, int(row["id"]), signer)
    return len(rows)
