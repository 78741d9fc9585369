"""Checking a test report offline: its PDF file, or the payload a phone scanned from it.

A report is believed only when every step passes (docs/report-payload.md §4); the first
failure is a `ReportRejected` with a stable reason code:

| reason | cause |
|---|---|
| `unreadable` | not a PDF file |
| `no-payload` | no LabDesk report payload in the file or the text |
| `unsupported-format` | a payload of a format this LabDesk does not read |
| `payload-invalid` | malformed or truncated payload or signature dictionary |
| `unknown-key` | signed by a key that is not trusted (another centre's, or a forger's) |
| `bad-signature` | the payload is not what the key signed (edited or re-encoded text) |
| `content-changed` | the report content in the file is not what the payload's digest names |
| `key-mismatch` | the file and its payload were signed by different keys |
| `file-changed` | the file's bytes are not what was signed (edited, or saved again by a tool) |
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from labdesk.core.errors import LabDeskError
from labdesk.signing import report_payload
from labdesk.signing.keys import PublicKey
from labdesk.signing.pdf_signature import SignatureUnreadable, find_signature
from labdesk.signing.report_payload import PayloadInvalid, ReportPayload, SignedPayload
from labdesk.signing.sm3 import sm3_digest

#: A report PDF larger than this is refused before it is read (a report is ~50 KB).
MAX_PDF_BYTES = 50 * 1024 * 1024


class ReportRejected(LabDeskError):
    """The report must not be believed; `reason` is a stable code, str() says why."""

    def __init__(self, reason: str, message: str) -> None:
        self.reason = reason
        self.detail = message
        super().__init__(f"REJECTED ({reason}): {message}")


@dataclass(frozen=True)
class VerifiedReport:
    """What checked out: the payload's fields, the key, and (for a file) the content."""

    payload: ReportPayload
    key: PublicKey
    source: str  # "pdf" | "payload"
    file_bytes: int = 0
    content: dict[str, Any] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "status": "OK",
            "source": self.source,
            **self.payload.as_dict(),
            "algorithm": self.key.algorithm,
        }
        if self.source == "pdf":
            out["file_signed"] = True
            out["file_bytes"] = self.file_bytes
            out["report_class"] = self.content.get("report_class", "")
            out["items"] = self.content.get("items", [])
            # labdesk-report-content/2 signs what the report prints beside its items.
            # (the content's conclusion sentence as `conclusion_text`: `conclusion` is the
            # payload's 合格 / 不合格, a field kept stable)
            for key, name in (
                ("category", "category"),
                ("basis", "basis"),
                ("decision_rule", "decision_rule"),
                ("fields", "fields"),
                ("conclusion", "conclusion_text"),
                ("signoffs", "signoffs"),
            ):
                if key in self.content:
                    out[name] = self.content[key]
        return out


def _key_for(payload: ReportPayload, trusted: Sequence[PublicKey]) -> PublicKey:
    for key in trusted:
        if key.key_id == payload.key_id:
            return key
    raise ReportRejected(
        "unknown-key",
        f"the report says it is from centre {payload.centre} and was signed by key "
        f"{payload.key_id[:16]}…, which is none of the trusted keys "
        f"({', '.join(k.key_id[:16] + '…' for k in trusted) or 'none given'}): another "
        "centre's key, or a forgery",
    )


def _checked(signed: SignedPayload, trusted: Sequence[PublicKey]) -> PublicKey:
    key = _key_for(signed.payload, trusted)
    if not report_payload.check_signature(signed, key):
        raise ReportRejected(
            "bad-signature",
            "the payload is not what the centre's key signed: it was edited, truncated or "
            "re-encoded after issue",
        )
    return key


def _parse(text: str) -> SignedPayload:
    try:
        return report_payload.parse(text)
    except PayloadInvalid as exc:
        raise ReportRejected(exc.reason, str(exc)) from None


def verify_payload(text: str, trusted: Sequence[PublicKey]) -> VerifiedReport:
    """Check a scanned QR text: format, trusted key, signature (not the content: the
    paper beside it is what a person compares the fields with)."""
    signed = _parse(text)
    return VerifiedReport(signed.payload, _checked(signed, trusted), "payload")


def verify_pdf(pdf: bytes, trusted: Sequence[PublicKey]) -> VerifiedReport:
    """Check a report PDF: its payload, the content digest, and the file signature."""
    if len(pdf) > MAX_PDF_BYTES:
        raise ReportRejected("unreadable", f"larger than {MAX_PDF_BYTES // (1024 * 1024)} MB")
    if not pdf.startswith(b"%PDF-"):
        raise ReportRejected("unreadable", "not a PDF file (it does not start with %PDF-)")
    try:
        found = find_signature(pdf)
    except SignatureUnreadable as exc:
        raise ReportRejected("payload-invalid", str(exc)) from None
    if found is None:
        raise ReportRejected(
            "no-payload",
            "the PDF carries no LabDesk report signature: not a report issued by LabDesk, "
            "or its signature was removed",
        )
    signed = _parse(found.payload_text)
    key = _checked(signed, trusted)
    if sm3_digest(found.content).hex() != signed.payload.content_sm3:
        raise ReportRejected(
            "content-changed",
            "the report content in the file (items, results, limits, verdicts) is not the "
            "content the payload was signed over",
        )
    if found.key_id != key.key_id:
        raise ReportRejected(
            "key-mismatch",
            f"the file was signed by key {found.key_id[:16]}…, the payload by {key.key_id[:16]}…",
        )
    if not found.covers_whole_file:
        start, _a, b, c = found.byte_range
        if found.hole_ok and start == 0 and b + c < found.file_size:
            why = f"{found.file_size - b - c} bytes were added after signing (saved again)"
        else:
            why = "its signed byte range does not cover the whole file"
        raise ReportRejected("file-changed", f"the file was changed after issue: {why}")
    if not key.verify(found.signed_bytes(pdf), found.signature):
        raise ReportRejected(
            "file-changed",
            "the file was changed after issue: its bytes are not what the centre signed",
        )
    try:
        content = json.loads(found.content.decode("utf-8"))
    except ValueError:
        content = {}
    return VerifiedReport(
        signed.payload, key, "pdf", len(pdf), content if isinstance(content, dict) else {}
    )
