"""Enterprises (sampled units and producers), keyed by 统一社会信用代码.

The code is validated by `labdesk.core.uscc.validate_uscc` (the failing rule is named)
and stored normalized (upper case, no spaces), so it is unique however it was typed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from labdesk.core.errors import NotFound, ValidationError
from labdesk.core.numbers import quote
from labdesk.core.uscc import UsccError, validate_uscc
from labdesk.services.busy import retried_when_busy
from labdesk.services.context import ServiceContext
from labdesk.services.permissions import require
from labdesk.store.db import Database


@dataclass(frozen=True)
class EnterpriseForm:
    uscc: str
    name: str
    address: str = ""
    legal_rep: str = ""
    contact: str = ""
    phone: str = ""
    region_code: str = ""  # GB/T 2260; defaults to the code's positions 3–8


def normalized_uscc(code: str, field: str = "uscc") -> str:
    """The normalized code or ValidationError naming the rule it breaks."""
    check = validate_uscc(code)
    if check.problem is not None:
        raise UsccError(
            field, check.problem, prefix=f"{field} (统一社会信用代码) {quote(code)!r}", code=code
        )
    return check.normalized


def enterprise_values(form: EnterpriseForm) -> dict[str, Any]:
    """Validated column values for a new enterprise (no database access)."""
    code = normalized_uscc(form.uscc)
    if not form.name.strip():
        raise ValidationError("name", "required", "enterprise name: required (单位名称必填)")
    region = form.region_code.strip() or code[2:8]
    if not (len(region) == 6 and region.isdigit()):
        raise ValidationError("region_code", "gbt2260", "region_code: six digits of GB/T 2260")
    return {
        "uscc": code,
        "name": form.name.strip(),
        "address": form.address.strip(),
        "legal_rep": form.legal_rep.strip(),
        "contact": form.contact.strip(),
        "phone": form.phone.strip(),
        "region_code": region,
        "created_at": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
    }


@retried_when_busy
def register_enterprise(ctx: ServiceContext, form: EnterpriseForm) -> int:
    """Registers an enterprise; refuses an invalid or already registered code."""
    require(ctx, "register_enterprise")
    values = enterprise_values(form)
    existing = enterprise_by_uscc(ctx.db, values["uscc"])
    if existing is not None:
        raise ValidationError(
            "uscc",
            "unique",
            f"uscc: {values['uscc']} is already registered as {existing['name']} (代码已登记)",
        )
    with ctx.db.write(ctx.actor) as w:
        return w.insert("enterprises", values)


def enterprise_by_uscc(db: Database, code: str) -> dict[str, Any] | None:
    row = db.query_one("SELECT * FROM enterprises WHERE uscc = ?", (code.replace(" ", "").upper(),))
    return None if row is None else dict(row)


def get_enterprise(db: Database, enterprise_id: int) -> dict[str, Any]:
    row = db.query_one("SELECT * FROM enterprises WHERE id = ?", (enterprise_id,))
    if row is None:
        raise NotFound(f"enterprise #{enterprise_id} does not exist")
    return dict(row)


def find_enterprises(db: Database, text: str, limit: int = 20) -> list[dict[str, Any]]:
    """For completion: code prefix matches first, then names containing `text`."""
    needle = text.strip()
    if not needle:
        rows = db.query("SELECT * FROM enterprises ORDER BY name LIMIT ?", (limit,))
        return [dict(r) for r in rows]
    escaped = needle.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    rows = db.query(
        "SELECT *, 0 AS rank FROM enterprises WHERE uscc LIKE ? ESCAPE '\\' "
        "UNION ALL SELECT *, 1 AS rank FROM enterprises WHERE name LIKE ? ESCAPE '\\' "
        "AND uscc NOT LIKE ? ESCAPE '\\' ORDER BY rank, name LIMIT ?",
        (escaped.upper() + "%", "%" + escaped + "%", escaped.upper() + "%", limit),
    )
    return [{k: r[k] for k in r.keys() if k != "rank"} for r in rows]  # noqa: SIM118 - sqlite3.Row
