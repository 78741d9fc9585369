"""What goes on a sample's labels, and what a scanned label code means (Qt-free).

A sample gets a label for itself and one for each portion it is divided into: 检验样
(the test portion), 备份样 (the sealed backup) and 复检样 (the re-inspection portion).
Each label carries the sample number, name, sampling date and portion, and a code — the
same text in a Code 128 barcode and a QR code:

    AH202600001        the sample
    AH202600001/J      检验样  (J: 检)
    AH202600001/B      备份样  (B: 备)
    AH202600001/F      复检样  (F: 复)

A scanner types the code like a keyboard and ends with Enter; `resolve_code` turns it
back into the sample. The sample number is tried whole first, so a number that itself
contains "/" still resolves. Codes are printable ASCII (what Code 128 carries and what
every scanner's keyboard emulation types the same under any input method).
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from labdesk.core import symbols
from labdesk.core.errors import LabDeskError, NotFound, ValidationError
from labdesk.services.context import ServiceContext
from labdesk.services.samples import receive_sample
from labdesk.store.protocol import Store

#: portion key → (name printed, code suffix); "sample" is the whole sample.
PORTIONS: dict[str, tuple[str, str]] = {
    "sample": ("样品", ""),
    "test": ("检验样", "J"),
    "backup": ("备份样", "B"),
    "retest": ("复检样", "F"),
}
_SUFFIX_PORTION = {suffix: key for key, (_name, suffix) in PORTIONS.items() if suffix}
#: States whose sample has no labels: not registered yet, or cancelled.
NO_LABEL_STATES = ("draft", "cancelled")


class ScanRefused(LabDeskError):
    """A scanned (or named) sample cannot be used as asked; `reason` is a stable code:
    unknown, cancelled, draft, duplicate, not_registered."""

    def __init__(self, reason: str, code: str, message: str, state: str = "") -> None:
        self.reason = reason
        self.code = code
        self.state = state
        super().__init__(message)


@dataclass(frozen=True)
class SampleLabel:
    centre: str
    sample_no: str
    sample_name: str
    sampling_date: str
    portion: str  # a PORTIONS key
    code: str

    @property
    def portion_name(self) -> str:
        return PORTIONS[self.portion][0]


def label_code(sample_no: str, portion: str) -> str:
    suffix = PORTIONS[portion][1]
    return f"{sample_no}/{suffix}" if suffix else sample_no


def sample_labels(
    db: Store, sample_nos: Sequence[str], portions: Sequence[str] = tuple(PORTIONS)
) -> list[SampleLabel]:
    """The labels of the samples, in the order given, each with the portions asked for.

    Everything is checked before anything is drawn: an unknown, draft or cancelled
    sample, an unknown portion, or a number a barcode cannot carry refuses the lot."""
    for portion in portions:
        if portion not in PORTIONS:
            raise ValidationError(
                "portions", "choice", f"portion {portion!r}: one of {', '.join(PORTIONS)}"
            )
    if not portions:
        raise ValidationError("portions", "required", "no label asked for (请选择标签)")
    centre = str(db.scalar("SELECT name FROM centre WHERE id = 1") or "")
    wanted = [number.strip() for number in sample_nos]
    found: dict[str, Any] = {}
    for start in range(0, len(wanted), 500):  # one query per 500 numbers, not one each
        chunk = wanted[start : start + 500]
        marks = ", ".join("?" for _ in chunk)
        for hit in db.query(
            "SELECT sample_no, sample_name, sampling_date, state FROM samples "
            f"WHERE sample_no IN ({marks})",
            chunk,
        ):
            found[str(hit["sample_no"])] = hit
    labels: list[SampleLabel] = []
    for number in wanted:
        row = found.get(number)
        if row is None:
            raise NotFound(f"no sample {number} (没有样品 {number})")
        if row["state"] in NO_LABEL_STATES:
            raise ScanRefused(
                "cancelled" if row["state"] == "cancelled" else "draft",
                str(row["sample_no"]),
                f"sample {row['sample_no']} is {row['state']}: no labels (不能打印标签)",
            )
        for portion in portions:
            code = label_code(str(row["sample_no"]), portion)
            symbols.check_code128(code)  # a number a barcode cannot carry: refused by rule
            labels.append(
                SampleLabel(
                    centre=centre,
                    sample_no=str(row["sample_no"]),
                    sample_name=str(row["sample_name"]),
                    sampling_date=str(row["sampling_date"] or ""),
                    portion=portion,
                    code=code,
                )
            )
    return labels


@dataclass(frozen=True)
class ScanHit:
    sample_id: int
    sample_no: str
    state: str
    portion: str  # a PORTIONS key


def resolve_code(db: Store, text: str) -> ScanHit:
    """The sample (and portion) a scanned code names; ScanRefused("unknown") if none."""
    code = text.strip()
    candidates = [(code, "sample")]
    head, sep, suffix = code.rpartition("/")
    if sep and suffix.upper() in _SUFFIX_PORTION:
        candidates.append((head, _SUFFIX_PORTION[suffix.upper()]))
    for number, portion in candidates:
        if not number:
            continue
        row = db.query_one(
            "SELECT id, sample_no, state FROM samples WHERE sample_no = ?", (number,)
        )
        if row is not None:
            return ScanHit(int(row["id"]), str(row["sample_no"]), str(row["state"]), portion)
    raise ScanRefused(
        "unknown", code, f"no sample has the code {code!r} (扫描的编码 {code} 不是本中心的样品)"
    )


def receive_scanned(
    ctx: ServiceContext, text: str, already: Collection[int] = (), on: date | None = None
) -> ScanHit:
    """Receives (registered → received) the sample a scanned label names.

    Refused, with nothing written: an unknown code, a cancelled or draft sample, a sample
    scanned already in this receiving run (`already`: sample ids) or received before."""
    hit = resolve_code(ctx.db, text)
    if hit.sample_id in already:
        raise ScanRefused(
            "duplicate",
            hit.sample_no,
            f"sample {hit.sample_no} was scanned already (重复扫描)",
            hit.state,
        )
    if hit.state in ("cancelled", "draft"):
        raise ScanRefused(
            hit.state, hit.sample_no, f"sample {hit.sample_no} is {hit.state} (不能收样)", hit.state
        )
    if hit.state != "registered":
        raise ScanRefused(
            "already_received",
            hit.sample_no,
            f"sample {hit.sample_no} is {hit.state}: received before (已收样)",
            hit.state,
        )
    receive_sample(ctx, hit.sample_id, on)
    return ScanHit(hit.sample_id, hit.sample_no, "received", hit.portion)
