"""A centre database with approved samples, built only through the record services."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from labdesk.services import auth, enterprises, library, results, samples, tasks, workflow
from labdesk.services.context import ServiceContext
from labdesk.services.keys import init_keys, load_signer
from labdesk.signing import MIN_KDF, Signer
from labdesk.store.db import Database, open_database

PASSWORD = "correct-horse-1"
PASSPHRASE = "batch passphrase 1"
FAST_KDF = MIN_KDF
# (value typed, expected verdict) against 芸薹类蔬菜 铅 ≤0.2 mg/kg etc.
VALUES = ("0.05", "0.35", "0.10", "0.02")


@dataclass
class Centre:
    db: Database
    admin: ServiceContext
    tech: ServiceContext
    reviewer: ServiceContext
    manager: ServiceContext
    # The centre's key, opened once: approval signs each report with it.
    signer: Signer


def make_centre(path: Path, *, code: str = "HF01", algorithm: str = "sm2") -> Centre:
    db = open_database(path)
    admin = auth.setup_centre(
        db,
        name="合肥市产品质量监督检验中心",
        code=code,
        region_code="340100",
        admin_username="admin",
        admin_password=PASSWORD,
    )
    library.ensure_library(admin)
    for user, role in (("tech", "technician"), ("rev", "reviewer"), ("boss", "manager")):
        auth.add_user(admin, user, user, role, PASSWORD)
    manager = auth.sign_in(db, "boss", PASSWORD)
    tasks.create_task(manager, tasks.TaskForm("T2026-001", "省局", "监督抽检"))
    tech = auth.sign_in(db, "tech", PASSWORD)
    enterprises.register_enterprise(
        tech, enterprises.EnterpriseForm("914403001922038216", "合肥某某食品有限公司")
    )
    init_keys(manager, algorithm, PASSPHRASE, kdf=FAST_KDF)
    signer = load_signer(db, PASSPHRASE)
    return Centre(db, admin, tech, auth.sign_in(db, "rev", PASSWORD), manager, signer)


def approved_samples(centre: Centre, count: int, *, start: int = 1) -> list[int]:
    """`count` samples taken from registration to approval; every other one fails."""
    ids = []
    for n in range(start, start + count):
        sample_id = samples.register_sample(
            centre.tech,
            samples.SampleForm(
                sample_no=f"AH2026{n:05d}",
                sample_name="青菜",
                category_code="VEG-BRASSICA",
                sampling_date=date(2026, 10, 1 + n % 28),
                enterprise_uscc="914403001922038216",
                task_no="T2026-001",
                samplers=["张三", "李四"],
                sealed=True,
                unit_acknowledged=True,
                sample_qty="2",
                qty_unit="kg",
            ),
        )
        samples.receive_sample(centre.tech, sample_id)
        samples.start_testing(centre.tech, sample_id)
        for i, item in enumerate(
            centre.db.query("SELECT id FROM sample_items WHERE sample_id = ?", (sample_id,))
        ):
            value = VALUES[(n + i) % len(VALUES)] if n % 2 else "0.01"
            results.enter_result(centre.tech, int(item[0]), value)
        workflow.submit(centre.tech, sample_id)
        workflow.review(centre.reviewer, sample_id)
        workflow.approve(centre.manager, sample_id, signer=centre.signer)
        ids.append(sample_id)
    return ids
