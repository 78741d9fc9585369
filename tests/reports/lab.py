"""A small centre built through the real services, for report/summary/import tests.

Only services write: what the tests read is what the program itself would have stored.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from labdesk.services import auth, enterprises, library, results, samples, tasks, workflow
from labdesk.services.context import ServiceContext
from labdesk.store.db import Database, open_database

PASSWORD = "correct-horse-1"
SAMPLING_DAY = date(2026, 3, 2)
# Valid USCCs (GB 32100 check character), one of them the domain brief's public example.
USCC = ("914403001922038216", "91340100MA2N0X1D4N")


@dataclass
class Lab:
    db: Database
    admin: ServiceContext
    tech: ServiceContext
    reviewer: ServiceContext
    manager: ServiceContext
    sample_ids: dict[str, int] = field(default_factory=dict)

    def item_ids(self, sample_no: str) -> dict[str, int]:
        rows = self.db.query(
            "SELECT code, id FROM sample_items WHERE sample_id = ? ORDER BY seq",
            (self.sample_ids[sample_no],),
        )
        return {str(r["code"]): int(r["id"]) for r in rows}

    def register(self, sample_no: str, category: str, *, enterprise: str = USCC[0]) -> int:
        sample_id = samples.register_sample(
            self.tech,
            samples.SampleForm(
                sample_no=sample_no,
                sample_name="大米" if category == "RICE" else "小白菜",
                category_code=category,
                sampling_date=SAMPLING_DAY,
                enterprise_uscc=enterprise,
                task_no="T-2026-01",
                samplers=["赵六", "钱七"],
                sealed=True,
                unit_acknowledged=True,
                sampling_org="示例市产品质量监督检验中心",
                sample_qty="2",
                qty_unit="kg",
                brand="示例牌",
                batch_no="20260301",
            ),
        )
        self.sample_ids[sample_no] = sample_id
        return sample_id

    def to_testing(self, sample_no: str) -> None:
        sample_id = self.sample_ids[sample_no]
        samples.receive_sample(self.tech, sample_id, SAMPLING_DAY)
        samples.start_testing(self.tech, sample_id)

    def enter(self, sample_no: str, values: dict[str, str]) -> None:
        ids = self.item_ids(sample_no)
        for code, text in values.items():
            results.enter_result(self.tech, ids[code], text, instrument="ICP-MS 01")

    def approve(self, sample_no: str) -> None:
        sample_id = self.sample_ids[sample_no]
        workflow.submit(self.tech, sample_id)
        workflow.review(self.reviewer, sample_id)
        workflow.approve(self.manager, sample_id)


def make_lab(path: Path) -> Lab:
    db = open_database(path)
    admin = auth.setup_centre(
        db,
        name="示例市产品质量监督检验中心",
        code="CTR",
        region_code="340100",
        admin_username="admin",
        admin_password=PASSWORD,
        admin_display_name="管理员",
    )
    library.ensure_library(admin)
    contexts = {}
    for username, display, role in (
        ("tech", "张三", "technician"),
        ("rev", "李四", "reviewer"),
        ("boss", "王五", "manager"),
    ):
        auth.add_user(admin, username, display, role, PASSWORD)
        contexts[role] = auth.sign_in(db, username, PASSWORD)
    lab = Lab(db, admin, contexts["technician"], contexts["reviewer"], contexts["manager"])
    for code, name in zip(USCC, ("示例农贸市场有限公司", "示例粮油有限公司"), strict=True):
        enterprises.register_enterprise(lab.tech, enterprises.EnterpriseForm(code, name))
    tasks.create_task(lab.manager, tasks.TaskForm("T-2026-01", "示例市市场监督管理局", "监督抽检"))
    return lab


def build_scenario(path: Path) -> Path:
    """A closed database file with samples in the states the tests need:

    S-001 芸薹类蔬菜, approved, fails on 铅 (0.35 against ≤0.2);
    S-002 大米, approved, passes;
    S-003 大米 and S-004 芸薹类蔬菜, in testing with no results (import targets);
    S-005 大米, registered only (not received).
    """
    lab = make_lab(path)
    try:
        lab.register("S-001", "VEG-BRASSICA")
        lab.to_testing("S-001")
        lab.enter("S-001", {"PB": "0.35", "CARBOFURAN": "ND(0.005)", "OMETHOATE": "0.010"})
        lab.approve("S-001")
        lab.register("S-002", "RICE", enterprise=USCC[1])
        lab.to_testing("S-002")
        lab.enter(
            "S-002", {"CD": "0.05", "AS-I": "0.10", "HG-T": "<0.005", "PB": "0.08", "AFB1": "2.1"}
        )
        lab.approve("S-002")
        for sample_no, category in (("S-003", "RICE"), ("S-004", "VEG-BRASSICA")):
            lab.register(sample_no, category)
            lab.to_testing(sample_no)
        lab.register("S-005", "RICE")
    finally:
        lab.db.close()
    return path
