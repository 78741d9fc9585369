"""A laboratory for run tests: lead by ICP-MS (a sample method), an instrument, people
authorized, QC materials, and rice samples waiting for lead.

The method and materials are sample data made for the tests (not a standard's figures).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from labdesk.services import authorization, instruments, methods, samples
from tests.services.recordkit import World, register

METHOD = "PB-ICPMS"
FORMULA = "(rho - rho0) * V * f / (m * 1000)"
INPUTS = [
    {"name": "rho", "label": "测定浓度", "unit": "μg/L"},
    {"name": "rho0", "label": "空白浓度", "unit": "μg/L", "blank_of": "rho"},
    {"name": "V", "label": "定容体积", "unit": "mL", "default": "25"},
    {"name": "f", "label": "稀释倍数", "default": "1"},
    {"name": "m", "label": "称样量", "unit": "g"},
]


def version_form(**overrides: object) -> methods.VersionForm:
    values: dict[str, object] = {
        "formula": FORMULA,
        "inputs": INPUTS,
        "unit": "mg/kg",
        "places": 3,
        "replicates": 2,
        "max_rel_diff": "20",
        "lod": "0.005",
        "loq": "0.015",
        "uncertainty": "15%",
        "spike_low": "80",
        "spike_high": "120",
        "analyte": "Pb",
    }
    values.update(overrides)
    return methods.VersionForm(**values)  # type: ignore[arg-type]


@dataclass
class Lab:
    world: World
    instrument_id: int
    samples: list[int]  # rice samples, received
    items: list[int]  # their lead items
    sample_nos: list[str]


def build_lab(world: World, n_samples: int = 2, *, authorize: bool = True) -> Lab:
    methods.create_method(
        world.manager,
        methods.MethodForm(
            code=METHOD,
            name="铅 电感耦合等离子体质谱法（示例方法）",
            item_code="PB",
            test_method="GB 5009.12-2023",
            version=version_form(),
            sample_data=True,
        ),
    )
    methods.add_qc_material(
        world.manager,
        methods.QcMaterialForm(
            "CRM-RICE-PB", "大米粉标准物质（示例）", METHOD, "crm", certified="0.080",
            certified_u="0.010", unit="mg/kg", sample_data=True,
        ),
    )  # fmt: skip
    methods.add_qc_material(
        world.manager,
        methods.QcMaterialForm(
            "QC-PB-L1", "质控样 L1（示例）", METHOD, "control", mean="0.100", sd="0.005",
            unit="mg/kg", sample_data=True,
        ),
    )  # fmt: skip
    today = date.today()
    instrument_id = instruments.register_instrument(
        world.manager,
        instruments.InstrumentForm(
            "ICPMS-01",
            "电感耦合等离子体质谱仪",
            model="NexION 350",
            calibration_due=today + timedelta(days=90),
            verification_due=today + timedelta(days=200),
            check_due=today + timedelta(days=30),
        ),
    )
    if authorize:
        authorization.grant(world.admin, _uid(world.tech), METHOD, "test", "培训考核合格")
        authorization.grant(world.admin, _uid(world.manager), METHOD, "sign", "授权签字人")
    ids, items, numbers = [], [], []
    for _ in range(n_samples):
        sample_id = register(world, category_code="RICE", sample_name="大米")
        samples.receive_sample(world.tech, sample_id)
        ids.append(sample_id)
        row = world.db.query_one(
            "SELECT si.id, s.sample_no FROM sample_items si JOIN samples s ON s.id = si.sample_id "
            "WHERE si.sample_id = ? AND si.code = 'PB'",
            (sample_id,),
        )
        assert row is not None
        items.append(int(row["id"]))
        numbers.append(str(row["sample_no"]))
    return Lab(world, instrument_id, ids, items, numbers)


def _uid(ctx: object) -> int:
    user_id = ctx.actor.user_id  # type: ignore[attr-defined]
    assert user_id is not None
    return int(user_id)


HEADER = "Sample Name,Rep,Element,Conc. [ug/L],Weight (g)"


def csv_text(lab: Lab, rows: list[tuple[str, str, str, str, str]] | None = None) -> str:
    """An ICP-MS export: the samples in duplicate, a blank, QC rows; another element too."""
    a, b = lab.sample_nos[0], lab.sample_nos[1]
    rows = rows or [
        ("BLK1", "1", "Pb", "0.050", "0.5"),
        ("BLK1", "2", "Pb", "0.054", "0.5"),
        (a, "1", "Pb", "1.210", "0.5012"),
        (a, "2", "Pb", "1.250", "0.5034"),
        (a, "1", "Cd", "0.310", "0.5012"),
        (b, "1", "Pb", "9.800", "0.4987"),
        (b, "2", "Pb", "9.650", "0.5003"),
        ("DUP1", "1", "Pb", "1.230", "0.5008"),
        ("DUP1", "2", "Pb", "1.190", "0.4996"),
        ("SPK1", "1", "Pb", "5.210", "0.5010"),
        ("SPK1", "2", "Pb", "5.190", "0.5001"),
        ("CRM1", "1", "Pb", "1.640", "0.5000"),
        ("CRM1", "2", "Pb", "1.660", "0.5000"),
        ("QC1", "1", "Pb", "2.020", "0.5000"),
        ("QC1", "2", "Pb", "2.000", "0.5000"),
    ]
    return "\n".join([HEADER, *(",".join(r) for r in rows)]) + "\n"


def write_csv(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.write_bytes(text.encode(encoding))
    return path
