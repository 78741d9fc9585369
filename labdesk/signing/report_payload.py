"""The signed report payload (`LDR/1`): what a phone reads from a report's QR code.

A test report's approval signs a few lines of text with the centre's key; the text is
printed as a QR code on the report and carried inside the PDF. Anyone holding the
centre's public key can check it offline, from the paper alone. docs/report-payload.md
is the contract (a verifier written from it alone is in the test suite):

    LDR/1
    centre=HF01
    report=HF01-2026-000001
    version=1
    sample=AH202600001
    product=青菜
    uscc=914403001922038216
    conclusion=不合格
    issued=2026-10-06
    content=sm3:<64 hex: SM3 of the report's canonical content>
    key=<64 hex: the signing key's id>
    sig=<base64 of the signature>

The signature covers the UTF-8 bytes of every line before `sig=`, each with its `\n`.
Readable lines (not a base64 blob) so that a phone camera shows the report number and
the conclusion even without a verifier; strict parsing so that a truncated, edited or
re-encoded text is refused rather than half-believed.
"""

from __future__ import annotations

import base64
import binascii
import re
import unicodedata
from dataclasses import dataclass
from datetime import date

from labdesk.core.errors import LabDeskError
from labdesk.signing.keys import PublicKey, Signer

FORMAT_LINE = "LDR/1"
FIELDS = (
    "centre",
    "report",
    "version",
    "sample",
    "product",
    "uscc",
    "conclusion",
    "issued",
    "content",
    "key",
)
CONCLUSIONS = ("合格", "不合格", "不判定")
#: The longest payload text LabDesk accepts (a QR code of version 25 at level M holds
#: ~1,200 bytes; a real payload is ~350).
MAX_TEXT = 1200
_CENTRE = re.compile(r"^[A-Za-z0-9_-]{1,32}$")
_HEX64 = re.compile(r"^[0-9a-f]{64}$")
_VERSION = re.compile(r"^[1-9][0-9]{0,5}$")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_USCC = re.compile(r"^([0-9A-Z]{18})?$")
_B64 = re.compile(r"^[A-Za-z0-9+/]+={0,2}$")


class PayloadInvalid(LabDeskError):
    """The text is not a well-formed `LDR/1` payload; `reason` is a stable code."""

    def __init__(self, reason: str, message: str) -> None:
        self.reason = reason
        super().__init__(message)


@dataclass(frozen=True)
class ReportPayload:
    """The fields of a payload (before or after signing)."""

    centre: str
    report: str
    version: int
    sample: str
    product: str
    uscc: str
    conclusion: str
    issued: str
    content_sm3: str
    key_id: str

    def lines(self) -> list[str]:
        values = {
            "centre": self.centre,
            "report": self.report,
            "version": str(self.version),
            "sample": self.sample,
            "product": self.product,
            "uscc": self.uscc,
            "conclusion": self.conclusion,
            "issued": self.issued,
            "content": f"sm3:{self.content_sm3}",
            "key": self.key_id,
        }
        return [FORMAT_LINE, *(f"{name}={values[name]}" for name in FIELDS)]

    def message(self) -> bytes:
        """The signed bytes: every line before `sig=`, each ending in LF."""
        return "".join(line + "\n" for line in self.lines()).encode("utf-8")

    def as_dict(self) -> dict[str, object]:
        return {
            "centre": self.centre,
            "report_no": self.report,
            "version": self.version,
            "sample_no": self.sample,
            "product": self.product,
            "uscc": self.uscc,
            "conclusion": self.conclusion,
            "issued": self.issued,
            "content_sm3": self.content_sm3,
            "key_id": self.key_id,
        }


@dataclass(frozen=True)
class SignedPayload:
    payload: ReportPayload
    signature: bytes

    @property
    def text(self) -> str:
        """The QR text: the signed lines, then `sig=`; no final newline."""
        b64 = base64.b64encode(self.signature).decode("ascii")
        return self.payload.message().decode("utf-8") + f"sig={b64}"


def clean(value: object) -> str:
    """A value as it may stand on one payload line: control and format characters
    (newlines, tabs, zero-width marks) become spaces, runs of spaces one, ends trimmed."""
    text = "".join(
        " " if unicodedata.category(ch) in ("Cc", "Cf", "Zl", "Zp") else ch for ch in str(value)
    )
    return " ".join(text.split())


def build(
    *,
    centre: str,
    report: str,
    version: int,
    sample: str,
    product: str,
    uscc: str,
    conclusion: str,
    issued: date,
    content_sm3: str,
    key_id: str,
) -> ReportPayload:
    """A payload from the report's facts, checked as a verifier will check it."""
    payload = ReportPayload(
        centre=clean(centre),
        report=clean(report),
        version=int(version),
        sample=clean(sample),
        product=clean(product),
        uscc=clean(uscc),
        conclusion=clean(conclusion),
        issued=issued.isoformat(),
        content_sm3=content_sm3,
        key_id=key_id,
    )
    _check_fields(payload)
    return payload


def sign(payload: ReportPayload, signer: Signer) -> SignedPayload:
    if payload.key_id != signer.key_id:
        raise PayloadInvalid("key-mismatch", "the payload names another key than the signer's")
    signed = SignedPayload(payload, signer.sign(payload.message()))
    if len(signed.text.encode("utf-8")) > MAX_TEXT:
        raise PayloadInvalid(
            "too-long", f"report payload longer than {MAX_TEXT} bytes: shorten the product name"
        )
    return signed


def _bad(reason: str, message: str) -> PayloadInvalid:
    return PayloadInvalid(reason, message)


def _check_fields(p: ReportPayload) -> None:
    if not _CENTRE.match(p.centre):
        raise _bad("payload-invalid", f"centre {p.centre!r}: 1-32 of A-Z a-z 0-9 _ -")
    for name, value in (("report", p.report), ("sample", p.sample), ("product", p.product)):
        if not value:
            raise _bad("payload-invalid", f"{name}: empty")
        if value != clean(value):
            raise _bad("payload-invalid", f"{name}: control characters or stray spaces")
    if not 1 <= p.version <= 999_999:
        raise _bad("payload-invalid", f"version {p.version}: 1 to 999999")
    if not _USCC.match(p.uscc):
        raise _bad("payload-invalid", f"uscc {p.uscc!r}: 18 characters 0-9 A-Z, or empty")
    if p.conclusion not in CONCLUSIONS:
        choices = "/".join(CONCLUSIONS)
        raise _bad("payload-invalid", f"conclusion {p.conclusion!r}: one of {choices}")
    try:
        ok = bool(_DATE.match(p.issued)) and date.fromisoformat(p.issued).isoformat() == p.issued
    except ValueError:
        ok = False
    if not ok:
        raise _bad("payload-invalid", f"issued {p.issued!r}: a date YYYY-MM-DD")
    if not _HEX64.match(p.content_sm3):
        raise _bad("payload-invalid", "content: sm3: and 64 lower-case hex digits")
    if not _HEX64.match(p.key_id):
        raise _bad("payload-invalid", "key: 64 lower-case hex digits")


def parse(text: str) -> SignedPayload:
    """The payload in `text` (as scanned: CRLF line ends and one final newline are
    accepted), or PayloadInvalid saying what is wrong. Does not check the signature."""
    if len(text.encode("utf-8", "surrogatepass")) > MAX_TEXT + 4:
        raise _bad("payload-invalid", f"longer than {MAX_TEXT} bytes: not a report payload")
    normal = text.replace("\r\n", "\n")
    if normal.endswith("\n"):
        normal = normal[:-1]
    lines = normal.split("\n")
    if not lines or lines[0] != FORMAT_LINE:
        first = lines[0][:20] if lines else ""
        if first.startswith("LDR/"):
            raise _bad("unsupported-format", f"payload format {first!r}: this LabDesk reads LDR/1")
        raise _bad("no-payload", "not a LabDesk report payload (it does not start with LDR/1)")
    expected = [*FIELDS, "sig"]
    values: dict[str, str] = {}
    for index, name in enumerate(expected, start=1):
        if index >= len(lines):
            raise _bad(
                "payload-invalid",
                f"truncated: the payload ends before its {name}= line (line {index + 1})",
            )
        key, sep, value = lines[index].partition("=")
        if not sep or key != name:
            raise _bad(
                "payload-invalid",
                f"line {index + 1}: expected {name}=…, found {lines[index][:24]!r}",
            )
        values[name] = value
    if len(lines) > len(expected) + 1:
        raise _bad("payload-invalid", f"line {len(expected) + 2}: text after the sig= line")
    if not _VERSION.match(values["version"]):
        raise _bad("payload-invalid", f"version {values['version']!r}: a whole number from 1")
    content = values["content"]
    if not content.startswith("sm3:"):
        raise _bad("payload-invalid", "content: must start with sm3:")
    payload = ReportPayload(
        centre=values["centre"],
        report=values["report"],
        version=int(values["version"]),
        sample=values["sample"],
        product=values["product"],
        uscc=values["uscc"],
        conclusion=values["conclusion"],
        issued=values["issued"],
        content_sm3=content[len("sm3:") :],
        key_id=values["key"],
    )
    _check_fields(payload)
    sig = values["sig"]
    if not sig or not _B64.match(sig) or len(sig) % 4:
        raise _bad("payload-invalid", "sig: not base64 (truncated?)")
    try:
        signature = base64.b64decode(sig, validate=True)
    except (binascii.Error, ValueError):
        raise _bad("payload-invalid", "sig: not base64 (truncated?)") from None
    return SignedPayload(payload, signature)


def check_signature(signed: SignedPayload, key: PublicKey) -> bool:
    """True when `key` signed exactly these lines."""
    return key.verify(signed.payload.message(), signed.signature)
