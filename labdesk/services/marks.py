"""The centre's marks on its reports: the CMA mark and the 检验检测专用章 (Qt-free).

Only a centre accredited for the work may print the CMA (资质认定) mark, and the seal is
the centre's own: both are images the centre provides, never shipped with LabDesk. They
are kept in the database (so every workstation prints the same) with where they go on
the report; a report of a centre that has configured neither shows neither. Setting and
clearing are the administrator's (`edit_centre`), audited; clearing keeps the row
inactive, nothing is deleted.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from labdesk.core.errors import ValidationError
from labdesk.services.busy import retried_when_busy
from labdesk.services.context import ServiceContext
from labdesk.services.permissions import require
from labdesk.services.samples import now_iso
from labdesk.store.protocol import Store

KINDS = ("cma", "seal")
KIND_NAMES = {"cma": "CMA 资质认定标志", "seal": "检验检测专用章"}
POSITIONS = {"cma": ("top-left", "top-right"), "seal": ("issue-date", "conclusion")}
DEFAULT_POSITION = {"cma": "top-left", "seal": "issue-date"}
#: Printed sizes the layout accepts, in millimetres (an official seal is about 40 mm).
SIZE_RANGE = (Decimal(5), Decimal(60))
DEFAULT_SIZE = {"cma": Decimal(20), "seal": Decimal(40)}
MAX_IMAGE_BYTES = 2 * 1024 * 1024
_PNG = b"\x89PNG\r\n\x1a\n"
_JPEG = b"\xff\xd8\xff"


@dataclass(frozen=True)
class CentreMark:
    kind: str
    image: bytes
    image_sha256: str
    position: str
    size_mm: Decimal


def marks(db: Store) -> list[CentreMark]:
    """The active marks, CMA first."""
    rows = db.query(
        "SELECT kind, image, image_sha256, position, size_mm FROM centre_marks "
        "WHERE active = 1 ORDER BY kind"
    )
    return [
        CentreMark(
            str(r["kind"]),
            bytes(r["image"]),
            str(r["image_sha256"]),
            str(r["position"]),
            Decimal(str(r["size_mm"])),
        )
        for r in rows
    ]


def _check(kind: str, image: bytes, position: str, size_mm: str) -> Decimal:
    if kind not in KINDS:
        raise ValidationError("kind", "choice", f"kind: one of {', '.join(KINDS)} (标志类型)")
    if not image.startswith((_PNG, _JPEG)):
        raise ValidationError("image", "format", "image: a PNG or JPEG file (图片须为 PNG 或 JPEG)")
    if len(image) > MAX_IMAGE_BYTES:
        raise ValidationError(
            "image", "size", f"image: at most {MAX_IMAGE_BYTES // (1024 * 1024)} MB (图片过大)"
        )
    if position not in POSITIONS[kind]:
        raise ValidationError(
            "position",
            "choice",
            f"position of the {kind} mark: one of {', '.join(POSITIONS[kind])} (位置)",
        )
    try:
        size = Decimal(size_mm.strip())
    except InvalidOperation:
        raise ValidationError("size_mm", "decimal", "size: a number of millimetres") from None
    low, high = SIZE_RANGE
    if not size.is_finite() or not low <= size <= high:
        raise ValidationError(
            "size_mm", "range", f"size: {low} to {high} mm (尺寸须在 {low}–{high} 毫米之间)"
        )
    return size


@retried_when_busy
def set_mark(
    ctx: ServiceContext,
    kind: str,
    image: bytes,
    *,
    position: str | None = None,
    size_mm: str | None = None,
) -> None:
    """Configures (or replaces) one mark: its image, where it goes and how large."""
    require(ctx, "edit_centre")
    where = position or DEFAULT_POSITION.get(kind, "")
    size = _check(kind, image, where, size_mm or str(DEFAULT_SIZE.get(kind, "")))
    values = {
        "image": image,
        "image_sha256": hashlib.sha256(image).hexdigest(),
        "position": where,
        "size_mm": str(size),
        "active": 1,
        "updated_at": now_iso(),
    }
    existing = ctx.db.scalar("SELECT id FROM centre_marks WHERE kind = ?", (kind,))
    with ctx.db.write(ctx.actor) as w:
        if existing is None:
            w.insert("centre_marks", {"kind": kind, **values}, action="set_mark")
        else:
            w.update("centre_marks", int(existing), values, action="set_mark")


@retried_when_busy
def clear_mark(ctx: ServiceContext, kind: str) -> bool:
    """Stops printing a mark (the row stays, inactive); False if it was not set."""
    require(ctx, "edit_centre")
    row = ctx.db.query_one("SELECT id FROM centre_marks WHERE kind = ? AND active = 1", (kind,))
    if row is None:
        return False
    with ctx.db.write(ctx.actor) as w:
        w.update(
            "centre_marks",
            int(row["id"]),
            {"active": 0, "updated_at": now_iso()},
            action="clear_mark",
        )
    return True
