"""Shared data for the food-library benchmarks: a lab database with the shipped library,
and GB 2763-style MRL files of synthetic pesticides (names "农药0001" …: made-up rows
for timing, never shipped) over the leaves of the shipped classification."""

from __future__ import annotations

import csv
from pathlib import Path

from labdesk.core.foods import FoodTree
from labdesk.services import auth, library
from labdesk.services.context import ServiceContext
from labdesk.store.db import Database, open_database

PASSWORD = "bench-password-1"
HEADER = [
    "标准编号",
    "标准类型",
    "实施日期",
    "农药",
    "项目代码",
    "食品类别/名称",
    "最大残留限量/(mg/kg)",
]


def lab(path: Path) -> tuple[Database, ServiceContext]:
    db = open_database(path)
    admin = auth.setup_centre(
        db,
        name="基准中心",
        code="BENCH1",
        region_code="340100",
        admin_username="admin",
        admin_password=PASSWORD,
    )
    library.ensure_library(admin)
    return db, admin


def leaves(tree: FoodTree) -> list[str]:
    return [c.code for c in tree.classes if tree.is_leaf(c.code)]


def mrl_rows(tree: FoodTree, count: int, standard: str, effective: str = "") -> list[list[str]]:
    """`count` MRL rows: pesticides × leaf classes, every tenth with the temporary mark."""
    names = leaves(tree)
    rows = []
    for index in range(count):
        pesticide = f"农药{index // len(names):04d}"
        value = f"0.{(index % 97) + 1:02d}" + ("*" if index % 10 == 0 else "")
        rows.append(
            [
                standard,
                "pesticide",
                effective,
                pesticide,
                pesticide,
                names[index % len(names)],
                value,
            ]
        )
    return rows


def write_csv(path: Path, rows: list[list[str]]) -> Path:
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\r\n")
        writer.writerow(HEADER)
        writer.writerows(rows)
    return path
