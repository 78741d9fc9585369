"""An SM2 (or Ed25519) signature over a PDF file's bytes, the way PDF signatures are made.

ISO 32000-1 §12.8: a signature is appended to the finished file as an *incremental
update* (new objects, an xref section for them, a trailer with /Prev) holding a
signature dictionary whose /ByteRange names the signed bytes — the whole file except
the /Contents hex string, where the signature itself is written afterwards. Any later
change is caught: an edit in place breaks the signature, an edit saved by another tool
(itself an incremental update, or a rewrite) leaves bytes outside the byte range.

The dictionary is LabDesk's own (/Filter /LabDesk.SM2, /SubFilter /LabDesk.report.1):
viewers show it as a signature field they cannot validate; `labdesk verify-report` and
any verifier written from docs/report-payload.md can. It also carries the signed report
payload and the report's canonical content (hex strings), so both are covered by the
file signature and can be read without a PDF library.

Only PDFs with a classic cross-reference table (what Qt's PDF writer makes) are signed;
anything else is refused (ValueError: a bug, since LabDesk signs only its own output).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from labdesk.signing.keys import Signer

SUBFILTER = b"/LabDesk.report.1"
FILTERS = {"sm2": b"/LabDesk.SM2", "ed25519": b"/LabDesk.Ed25519"}
ALGORITHM_OF_FILTER = {v: k for k, v in FILTERS.items()}
#: Bytes reserved in /Contents for the signature (DER SM2 ≤ 72, Ed25519 64), zero-padded.
CONTENTS_BYTES = 128
_BYTE_RANGE_PLACEHOLDER = b"/ByteRange [0000000000 0000000000 0000000000 0000000000]"

_STARTXREF = re.compile(rb"startxref\s+(\d+)\s+%%EOF\s*$")
_REF = rb"(\d+)\s+0\s+R"


@dataclass(frozen=True)
class PdfSignature:
    """A LabDesk signature dictionary found in a PDF (not yet verified)."""

    algorithm: str
    key_id: str
    payload_text: str
    content: bytes
    byte_range: tuple[int, int, int, int]
    signature: bytes
    file_size: int
    hole_ok: bool  # the byte range leaves out exactly this dictionary's /Contents

    @property
    def covers_whole_file(self) -> bool:
        start, _a, b, c = self.byte_range
        return start == 0 and self.hole_ok and b + c == self.file_size

    def signed_bytes(self, pdf: bytes) -> bytes:
        _start, a, b, c = self.byte_range
        return pdf[:a] + pdf[b : b + c]


class _Xref:
    """Object offsets of a PDF with classic xref tables (following /Prev)."""

    def __init__(self, pdf: bytes) -> None:
        match = _STARTXREF.search(pdf[-64:])
        if match is None:
            raise ValueError("no startxref at the end of the PDF")
        self.pdf = pdf
        self.startxref = int(match.group(1))
        self.offsets: dict[int, int] = {}
        self.trailer = b""
        offset: int | None = self.startxref
        seen: set[int] = set()
        while offset is not None and offset not in seen:
            seen.add(offset)
            trailer = self._read_section(offset)
            if not self.trailer:
                self.trailer = trailer
            prev = re.search(rb"/Prev\s+(\d+)", trailer)
            offset = int(prev.group(1)) if prev else None

    def _read_section(self, offset: int) -> bytes:
        pdf = self.pdf
        if pdf[offset : offset + 4] != b"xref":
            raise ValueError("not a classic xref table (xref streams are not supported)")
        pos = offset + 4
        header = re.compile(rb"\s*(\d+)\s+(\d+)\s*?\r?\n")
        while True:
            match = header.match(pdf, pos)
            if match is None:
                break
            first, count = int(match.group(1)), int(match.group(2))
            pos = match.end()
            for n in range(count):
                entry = pdf[pos : pos + 20]
                if len(entry) != 20 or entry[17:18] not in (b"n", b"f"):
                    raise ValueError("malformed xref entry")
                if entry[17:18] == b"n":
                    self.offsets.setdefault(first + n, int(entry[:10]))
                pos += 20
        trailer = re.compile(rb"\s*trailer\s*(<<.*?>>)\s*startxref", re.S).match(pdf, pos)
        if trailer is None:
            raise ValueError("no trailer after the xref table")
        return trailer.group(1)

    def body(self, number: int) -> bytes:
        """The text between `N 0 obj` and `endobj` (for dictionaries and arrays)."""
        offset = self.offsets.get(number)
        if offset is None:
            raise ValueError(f"object {number} is not in the xref table")
        match = re.compile(rb"(\d+)\s+0\s+obj\s*(.*?)\s*endobj", re.S).match(self.pdf, offset)
        if match is None or int(match.group(1)) != number:
            raise ValueError(f"object {number} is not where the xref table says")
        return match.group(2)

    def trailer_ref(self, key: bytes) -> int | None:
        match = re.search(rb"/" + key + rb"\s+" + _REF, self.trailer)
        return int(match.group(1)) if match else None


def _dict_add(body: bytes, addition: bytes) -> bytes:
    end = body.rfind(b">>")
    if not body.startswith(b"<<") or end < 0:
        raise ValueError("expected a dictionary")
    return body[:end].rstrip() + b"\n" + addition + b"\n>>"


def _pdf_string_hex(data: bytes) -> bytes:
    return b"<" + data.hex().encode("ascii") + b">"


def _pdf_date(moment: datetime) -> bytes:
    local = moment.astimezone()
    offset = local.strftime("%z") or "+0000"
    return f"D:{local:%Y%m%d%H%M%S}{offset[:3]}'{offset[3:]}'".encode("ascii")


def sign_pdf(
    pdf: bytes,
    signer: Signer,
    *,
    payload_text: str,
    content: bytes,
    name: str,
    signed_at: datetime,
) -> bytes:
    """`pdf` with a LabDesk signature appended as an incremental update."""
    xref = _Xref(pdf)
    size_match = re.search(rb"/Size\s+(\d+)", xref.trailer)
    root = xref.trailer_ref(b"Root")
    if size_match is None or root is None:
        raise ValueError("the trailer has no /Size or /Root")
    size = int(size_match.group(1))
    info = xref.trailer_ref(b"Info")
    ids = re.search(rb"/ID\s*(\[[^\]]*\])", xref.trailer)
    catalog = xref.body(root)
    if b"/AcroForm" in catalog:
        raise ValueError("the PDF already has a form; LabDesk signs only its own reports")
    pages = re.search(rb"/Pages\s+" + _REF, catalog)
    if pages is None:
        raise ValueError("the catalog has no /Pages")
    kids = re.search(rb"/Kids\s*\[\s*" + _REF, xref.body(int(pages.group(1))))
    if kids is None:
        raise ValueError("the page tree has no first page")
    page = int(kids.group(1))
    page_body = xref.body(page)

    sig_no, widget_no, form_no = size, size + 1, size + 2
    updated: dict[int, bytes] = {}
    updated[root] = _dict_add(catalog, b"/AcroForm %d 0 R" % form_no)
    annots_ref = re.search(rb"/Annots\s+" + _REF, page_body)
    if annots_ref is not None:
        number = int(annots_ref.group(1))
        array = xref.body(number)
        if not (array.startswith(b"[") and array.endswith(b"]")):
            raise ValueError("the page's /Annots is not an array")
        updated[number] = array[:-1].rstrip() + b" %d 0 R ]" % widget_no
    elif b"/Annots" in page_body:
        inline = re.search(rb"/Annots\s*\[", page_body)
        if inline is None:
            raise ValueError("unexpected /Annots on the first page")
        at = inline.end()
        updated[page] = page_body[:at] + b"%d 0 R " % widget_no + page_body[at:]
    else:
        updated[page] = _dict_add(page_body, b"/Annots [%d 0 R]" % widget_no)

    filter_name = FILTERS[signer.algorithm]
    signature_dict = b"\n".join(
        (
            b"<<",
            b"/Type /Sig",
            b"/Filter " + filter_name,
            b"/SubFilter " + SUBFILTER,
            b"/Name " + _pdf_string_hex(b"\xfe\xff" + name.encode("utf-16-be")),
            b"/M (" + _pdf_date(signed_at) + b")",
            b"/LabDesk.KeyId (" + signer.key_id.encode("ascii") + b")",
            b"/LabDesk.Payload " + _pdf_string_hex(payload_text.encode("utf-8")),
            b"/LabDesk.Content " + _pdf_string_hex(content),
            _BYTE_RANGE_PLACEHOLDER,
            b"/Contents <" + b"0" * (2 * CONTENTS_BYTES) + b">",
            b">>",
        )
    )
    objects: dict[int, bytes] = {
        **updated,
        sig_no: signature_dict,
        widget_no: (
            b"<<\n/Type /Annot\n/Subtype /Widget\n/FT /Sig\n/T (LabDesk)\n/V %d 0 R\n"
            b"/Rect [0 0 0 0]\n/F 132\n/P %d 0 R\n>>" % (sig_no, page)
        ),
        form_no: b"<<\n/Fields [%d 0 R]\n/SigFlags 3\n>>" % widget_no,
    }
    out = bytearray(pdf if pdf.endswith(b"\n") else pdf + b"\n")
    offsets: dict[int, int] = {}
    for number in sorted(objects):
        offsets[number] = len(out)
        out += b"%d 0 obj\n" % number + objects[number] + b"\nendobj\n"
    xref_at = len(out)
    out += b"xref\n"
    numbers = sorted(offsets)
    run: list[int] = []
    for number in [*numbers, -1]:
        if run and number != run[-1] + 1:
            out += b"%d %d\n" % (run[0], len(run))
            for n in run:
                out += b"%010d 00000 n \n" % offsets[n]
            run = []
        if number >= 0:
            run.append(number)
    trailer = b"<<\n/Size %d\n/Root %d 0 R\n" % (form_no + 1, root)
    if info is not None:
        trailer += b"/Info %d 0 R\n" % info
    if ids is not None:
        trailer += b"/ID " + ids.group(1) + b"\n"
    trailer += b"/Prev %d\n>>" % xref.startxref
    out += b"trailer\n" + trailer + b"\nstartxref\n%d\n%%%%EOF\n" % xref_at

    hole_start = out.index(b"/Contents <", offsets[sig_no]) + len(b"/Contents ")
    hole_end = hole_start + 2 + 2 * CONTENTS_BYTES
    byte_range = b"/ByteRange [%010d %010d %010d %010d]" % (
        0,
        hole_start,
        hole_end,
        len(out) - hole_end,
    )
    placeholder = out.index(_BYTE_RANGE_PLACEHOLDER, offsets[sig_no])
    out[placeholder : placeholder + len(byte_range)] = byte_range
    signature = signer.sign(bytes(out[:hole_start]) + bytes(out[hole_end:]))
    if len(signature) > CONTENTS_BYTES:
        raise ValueError("signature longer than the space reserved for it")
    out[hole_start + 1 : hole_start + 1 + 2 * len(signature)] = signature.hex().encode("ascii")
    return bytes(out)


_SIG_FIELDS = {
    "filter": re.compile(rb"/Filter\s*(/LabDesk\.[A-Za-z0-9]+)"),
    "key": re.compile(rb"/LabDesk\.KeyId\s*\(([0-9a-f]{64})\)"),
    "payload": re.compile(rb"/LabDesk\.Payload\s*<([0-9A-Fa-f]*)>"),
    "content": re.compile(rb"/LabDesk\.Content\s*<([0-9A-Fa-f]*)>"),
    "range": re.compile(rb"/ByteRange\s*\[\s*(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s*\]"),
    "contents": re.compile(rb"/Contents\s*(<([0-9A-Fa-f]*)>)"),
}


class SignatureUnreadable(ValueError):
    """A LabDesk signature dictionary is there but cannot be read (a field is missing)."""


def find_signature(pdf: bytes) -> PdfSignature | None:
    """The last LabDesk signature dictionary in `pdf`, or None when there is none.

    Only located and parsed here; `report_verify` checks it.
    """
    marker = pdf.rfind(b"/SubFilter " + SUBFILTER)
    if marker < 0:
        return None
    start = pdf.rfind(b"<<", 0, marker)
    obj = pdf.rfind(b" obj", 0, marker)
    end = pdf.find(b"endobj", marker)
    if start < 0 or obj < 0 or end < 0:
        raise SignatureUnreadable("the signature dictionary is cut off")
    text = pdf[obj:end]
    found = {name: pattern.search(text) for name, pattern in _SIG_FIELDS.items()}
    missing = [name for name, match in found.items() if match is None]
    if missing:
        raise SignatureUnreadable(f"the signature dictionary lacks {', '.join(missing)}")
    filter_name = found["filter"].group(1)  # type: ignore[union-attr]
    algorithm = ALGORITHM_OF_FILTER.get(filter_name)
    if algorithm is None:
        raise SignatureUnreadable(f"unknown signature filter {filter_name.decode('latin-1')}")
    contents = found["contents"]
    assert contents is not None
    hole_at = obj + contents.start(1)
    hole_end = obj + contents.end(1)
    raw = bytes.fromhex(contents.group(2).decode("ascii") or "")
    byte_range = tuple(int(x) for x in found["range"].groups())  # type: ignore[union-attr]
    try:
        payload = bytes.fromhex(found["payload"].group(1).decode("ascii")).decode("utf-8")  # type: ignore[union-attr]
        content = bytes.fromhex(found["content"].group(1).decode("ascii"))  # type: ignore[union-attr]
    except (ValueError, UnicodeDecodeError) as exc:
        raise SignatureUnreadable(f"the signed payload cannot be read: {exc}") from exc
    return PdfSignature(
        algorithm=algorithm,
        key_id=found["key"].group(1).decode("ascii"),  # type: ignore[union-attr]
        payload_text=payload,
        content=content,
        byte_range=byte_range,  # type: ignore[arg-type]
        signature=_trim_signature(algorithm, raw),
        file_size=len(pdf),
        hole_ok=byte_range[1] == hole_at and byte_range[2] == hole_end,
    )


def _trim_signature(algorithm: str, raw: bytes) -> bytes:
    """The signature inside the zero-padded /Contents (DER is self-delimiting)."""
    if algorithm == "ed25519":
        sig, rest = raw[:64], raw[64:]
    elif len(raw) >= 2 and raw[0] == 0x30 and raw[1] < 0x80:
        sig, rest = raw[: 2 + raw[1]], raw[2 + raw[1] :]
    else:
        return raw
    return sig if not rest.strip(b"\x00") else raw
