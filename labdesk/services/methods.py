"""Test methods and their versions, and the QC materials of each method.

A method (``methods``) is what the lab does for one item by one procedure, e.g. lead by
ICP-MS; its calculation lives in versions (``method_versions``): the formula with its named
inputs, rounding, n parallel determinations with the permitted difference, LOD/LOQ, the
expanded uncertainty, and the spike recovery range. A version is never edited: revising
any of that writes the next version, and a sample item measured in a run keeps the code
and version it was measured by (`sample_items.method_code`, `method_version`), so past
results keep their formula.

Which items a method measures: those whose frozen `code` is the method's `item_code` and,
when the method names one, whose `test_method` is the method's standard (or whose
`method_code` already names it). The standards library carries only a `test_method` text
today; a library that names method codes can fill `sample_items.method_code` at freezing.

Methods are kept by the technical manager (the manager role, `manage_methods`).
"""

from __future__ import annotations

import functools
import json
import re
from dataclasses import dataclass, field, fields
from typing import Any

from labdesk.core.errors import NotFound, ValidationError
from labdesk.core.method_calc import MethodSpec, method_spec
from labdesk.services.busy import retried_when_busy
from labdesk.services.context import ServiceContext
from labdesk.services.permissions import require
from labdesk.services.samples import now_iso
from labdesk.store.protocol import Store

_CODE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.\-]{0,39}$")


@dataclass(frozen=True)
class VersionForm:
    """The calculation of a method version (all numbers as decimal text)."""

    formula: str
    inputs: list[dict[str, str]] = field(default_factory=list)
    unit: str = ""
    places: int | None = None
    interval: str | None = None
    replicates: int = 2
    max_rel_diff: str | None = None
    lod: str | None = None
    loq: str | None = None
    uncertainty: str = ""
    spike_low: str | None = None
    spike_high: str | None = None
    analyte: str = ""
    note: str = ""

    def spec(self) -> MethodSpec:
        return method_spec(
            self.formula,
            self.inputs,
            replicates=self.replicates,
            places=self.places,
            interval=self.interval,
            max_rel_diff=self.max_rel_diff,
            lod=self.lod,
            uncertainty=self.uncertainty,
            spike_low=self.spike_low,
            spike_high=self.spike_high,
            unit=self.unit,
        )

    def row(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for f in fields(self):
            value = getattr(self, f.name)
            if f.name == "inputs":
                value = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
            elif isinstance(value, str):
                value = value.strip()
                if f.name in ("interval", "max_rel_diff", "lod", "loq", "spike_low", "spike_high"):
                    value = value or None
            out[f.name] = value
        return out


@dataclass(frozen=True)
class MethodForm:
    code: str
    name: str
    item_code: str
    version: VersionForm
    name_en: str = ""
    test_method: str = ""
    sample_data: bool = False


def _check_code(code: str) -> str:
    code = (code or "").strip()
    if not _CODE.match(code):
        raise ValidationError(
            "code",
            "method_code",
            f"code: {code!r} — letters, digits, '.', '_' or '-', up to 40 (方法编号)",
        )
    return code


@retried_when_busy
def create_method(ctx: ServiceContext, form: MethodForm) -> int:
    """A new method with its version 1; returns the method id."""
    require(ctx, "manage_methods")
    code = _check_code(form.code)
    if not form.name.strip():
        raise ValidationError("name", "required", "name: required (方法名称)")
    if not form.item_code.strip():
        raise ValidationError("item_code", "required", "item_code: the item code it measures")
    form.version.spec()  # refuses a formula or parameters that cannot work
    if ctx.db.scalar("SELECT 1 FROM methods WHERE code = ?", (code,)):
        raise ValidationError("code", "unique", f"code: method {code} already exists")
    now = now_iso()
    with ctx.db.write(ctx.actor) as w:
        method_id = w.insert(
            "methods",
            {
                "code": code,
                "name": form.name.strip(),
                "name_en": form.name_en.strip(),
                "item_code": form.item_code.strip(),
                "test_method": form.test_method.strip(),
                "sample_data": int(form.sample_data),
                "created_by": ctx.actor.user_id,
                "created_at": now,
            },
            action="create_method",
        )
        w.insert(
            "method_versions",
            {
                **form.version.row(),
                "method_id": method_id,
                "version": 1,
                "created_by": ctx.actor.user_id,
                "created_at": now,
            },
            action="create_method",
        )
    return method_id


@retried_when_busy
def revise_method(ctx: ServiceContext, code: str, form: VersionForm, reason: str) -> int:
    """Writes the next version if `form` differs from the current one; returns the
    current version number (unchanged when nothing differs). Reason required."""
    require(ctx, "manage_methods")
    why = (reason or "").strip()
    if not why:
        raise ValidationError(
            "reason", "required", "reason: required to revise a method (修订方法须填写原因)"
        )
    current = current_version(ctx.db, code)
    form.spec()
    row = form.row()
    if all(_same(current[key], value) for key, value in row.items()):
        return int(current["version"])
    number = int(current["version"]) + 1
    with ctx.db.write(ctx.actor) as w:
        w.insert(
            "method_versions",
            {
                **row,
                "method_id": current["method_id"],
                "version": number,
                "reason": why,
                "created_by": ctx.actor.user_id,
                "created_at": now_iso(),
            },
            reason=why,
            action="revise_method",
        )
    return number


def _same(stored: Any, new: Any) -> bool:
    return (stored if stored != "" else None) == (new if new != "" else None)


_VERSION_SELECT = (
    "SELECT v.*, v.id AS version_id, m.code, m.name, m.name_en, m.item_code, m.test_method, "
    "m.sample_data, m.active FROM method_versions v JOIN methods m ON m.id = v.method_id "
)


def current_version(db: Store, code: str) -> dict[str, Any]:
    """The method's newest version joined with the method's own fields."""
    row = db.query_one(
        f"{_VERSION_SELECT} WHERE m.code = ? ORDER BY v.version DESC LIMIT 1", (code,)
    )
    if row is None:
        raise NotFound(f"method {code} does not exist (方法不存在)")
    return dict(row)


def version(db: Store, version_id: int) -> dict[str, Any]:
    row = db.query_one(f"{_VERSION_SELECT} WHERE v.id = ?", (version_id,))
    if row is None:
        raise NotFound(f"method version #{version_id} does not exist")
    return dict(row)


def version_by_number(db: Store, code: str, number: int) -> dict[str, Any]:
    row = db.query_one(f"{_VERSION_SELECT} WHERE m.code = ? AND v.version = ?", (code, number))
    if row is None:
        raise NotFound(f"method {code} has no version {number}")
    return dict(row)


def versions(db: Store, code: str) -> list[dict[str, Any]]:
    rows = db.query(f"{_VERSION_SELECT} WHERE m.code = ? ORDER BY v.version", (code,))
    return [dict(r) for r in rows]


def list_methods(db: Store) -> list[dict[str, Any]]:
    """Every active method with its current version's fields."""
    rows = db.query(
        f"{_VERSION_SELECT} WHERE m.active = 1 AND v.version = (SELECT max(v2.version) "
        "FROM method_versions v2 WHERE v2.method_id = m.id) ORDER BY m.code"
    )
    return [dict(r) for r in rows]


def spec_of(row: dict[str, Any]) -> MethodSpec:
    """The checked calculation of a method version row (cached per version id)."""
    return _spec(
        int(row["version_id"]),
        row["formula"],
        row["inputs"],
        int(row["replicates"]),
        row["places"],
        row["interval"],
        row["max_rel_diff"],
        row["lod"],
        row["uncertainty"],
        row["spike_low"],
        row["spike_high"],
        row["unit"],
    )


@functools.lru_cache(maxsize=256)
def _spec(
    version_id: int,
    formula: str,
    inputs: str,
    replicates: int,
    places: int | None,
    interval: str | None,
    max_rel_diff: str | None,
    lod: str | None,
    uncertainty: str,
    spike_low: str | None,
    spike_high: str | None,
    unit: str,
) -> MethodSpec:
    del version_id  # part of the key only: a version never changes
    return method_spec(
        formula,
        inputs,
        replicates=replicates,
        places=places,
        interval=interval,
        max_rel_diff=max_rel_diff,
        lod=lod,
        uncertainty=uncertainty,
        spike_low=spike_low,
        spike_high=spike_high,
        unit=unit,
    )


# ----- QC materials ------------------------------------------------------------------------


@dataclass(frozen=True)
class QcMaterialForm:
    """A certified reference material (certified value ± U) or a control material
    (established mean and SD for its Levey–Jennings chart)."""

    code: str
    name: str
    method_code: str
    kind: str  # 'crm' or 'control'
    certified: str | None = None
    certified_u: str | None = None
    mean: str | None = None
    sd: str | None = None
    unit: str = ""
    lot: str = ""
    expires: str | None = None
    sample_data: bool = False


@retried_when_busy
def add_qc_material(ctx: ServiceContext, form: QcMaterialForm) -> int:
    from labdesk.core.formula import parse_value

    require(ctx, "manage_qc_materials")
    code = _check_code(form.code)
    method = current_version(ctx.db, form.method_code)
    if form.kind not in ("crm", "control"):
        raise ValidationError("kind", "known_kind", "kind: crm or control")
    # A CRM is judged against certified ± U; any material may carry a mean and SD for
    # its control chart.
    if form.kind == "crm":
        for name in ("certified", "certified_u"):
            if not (getattr(form, name) or "").strip():
                raise ValidationError(name, "required", f"{name}: required for a CRM (标准值及 U)")
    if form.kind == "control":
        for name in ("mean", "sd"):
            if not (getattr(form, name) or "").strip():
                raise ValidationError(name, "required", f"{name}: required for a control material")
    for name in ("certified", "certified_u", "mean", "sd"):
        text = getattr(form, name)
        if text:
            parse_value(text, name)
    if form.sd and parse_value(form.sd, "sd") <= 0:
        raise ValidationError("sd", "positive", "sd: must be above 0")
    if ctx.db.scalar("SELECT 1 FROM qc_materials WHERE code = ?", (code,)):
        raise ValidationError("code", "unique", f"code: QC material {code} already exists")
    with ctx.db.write(ctx.actor) as w:
        return w.insert(
            "qc_materials",
            {
                "code": code,
                "name": form.name.strip(),
                "method_id": method["method_id"],
                "kind": form.kind,
                "certified": (form.certified or "").strip() or None,
                "certified_u": (form.certified_u or "").strip() or None,
                "mean": (form.mean or "").strip() or None,
                "sd": (form.sd or "").strip() or None,
                "unit": form.unit.strip(),
                "lot": form.lot.strip(),
                "expires": form.expires,
                "sample_data": int(form.sample_data),
            },
            action="add_qc_material",
        )


def qc_materials(db: Store, method_code: str | None = None) -> list[dict[str, Any]]:
    where = "q.active = 1" + (" AND m.code = ?" if method_code else "")
    rows = db.query(
        "SELECT q.*, m.code AS method_code FROM qc_materials q JOIN methods m "
        f"ON m.id = q.method_id WHERE {where} ORDER BY q.code",
        (method_code,) if method_code else (),
    )
    return [dict(r) for r in rows]


def qc_material(db: Store, code: str) -> dict[str, Any]:
    row = db.query_one(
        "SELECT q.*, m.code AS method_code FROM qc_materials q JOIN methods m "
        "ON m.id = q.method_id WHERE q.code = ?",
        (code,),
    )
    if row is None:
        raise NotFound(f"QC material {code} does not exist (质控物不存在)")
    return dict(row)
