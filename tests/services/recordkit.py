"""Building blocks for record tests: a set-up centre with one user per role, samples in
any workflow state. A template database is built once per session and copied per test
(argon2 hashing and library import would otherwise dominate the suite's time)."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from labdesk.core.uscc import make_uscc, org_code_check_digit
from labdesk.services import auth, enterprises, library, queries, results, samples, tasks, workflow
from labdesk.services.context import Actor, ServiceContext
from labdesk.store.db import Database, open_database
from labdesk.store.engine import DbTarget

PASSWORD = "correct-horse-1"
CATEGORY = "VEG-FRESH"
TASK_NO = "RW-TEST-001"


def uscc_for(region: str, body: str) -> str:
    return make_uscc(f"91{region}{body}{org_code_check_digit(body)}")


ENTERPRISE_USCC = uscc_for("340100", "MA2N0000")
OTHER_USCC = uscc_for("340200", "MA2N0001")


@dataclass
class World:
    db: Database
    admin: ServiceContext
    tech: ServiceContext
    tech2: ServiceContext
    reviewer: ServiceContext
    manager: ServiceContext

    def ctx(self, role: str) -> ServiceContext:
        return {
            "admin": self.admin,
            "technician": self.tech,
            "reviewer": self.reviewer,
            "manager": self.manager,
        }[role]


USERS = (
    ("tech", "technician"),
    ("tech2", "technician"),
    ("reviewer", "reviewer"),
    ("manager", "manager"),
)


def build_template(path: Path | str) -> None:
    db = open_database(path)
    try:
        admin = auth.setup_centre(
            db,
            name="测试中心",
            code="TEST34",
            region_code="340100",
            admin_username="admin",
            admin_password=PASSWORD,
        )
        library.ensure_library(admin)
        for username, role in USERS:
            auth.add_user(admin, username, username.title(), role, PASSWORD)
        tech = auth.sign_in(db, "tech", PASSWORD)
        manager = auth.sign_in(db, "manager", PASSWORD)
        enterprises.register_enterprise(
            tech,
            enterprises.EnterpriseForm(uscc=ENTERPRISE_USCC, name="合肥测试食品有限公司"),
        )
        tasks.create_task(manager, tasks.TaskForm(TASK_NO, "安徽省市场监督管理局", "监督抽检"))
    finally:
        db.close()


def copy_database(source: Path, target: Path) -> None:
    # Read-only by URI: a source that is not a file (a server template's name, when the
    # services run on PostgreSQL) is an error, not a new empty file in the working folder.
    if not isinstance(source, Path):
        raise TypeError(f"the template {source!r} is not a SQLite file")
    src = sqlite3.connect(source.resolve().as_uri() + "?mode=ro", uri=True)
    dst = sqlite3.connect(str(target))
    try:
        src.backup(dst)
    finally:
        src.close()
        dst.close()


def open_world(path: DbTarget | str) -> World:
    db = open_database(path)
    users = {u["username"]: u for u in auth.list_users(db)}

    def ctx(name: str) -> ServiceContext:
        u = users[name]
        return ServiceContext(db, Actor(int(u["id"]), name, str(u["role"])))

    return World(db, ctx("admin"), ctx("tech"), ctx("tech2"), ctx("reviewer"), ctx("manager"))


def sample_form(**overrides: Any) -> samples.SampleForm:
    values: dict[str, Any] = {
        "sample_no": "S-0001",
        "sample_name": "黄瓜",
        "category_code": CATEGORY,
        "sampling_date": date.today() - timedelta(days=10),
        "enterprise_uscc": ENTERPRISE_USCC,
        "task_no": TASK_NO,
        "samplers": ["张三", "李四"],
        "sealed": True,
        "unit_acknowledged": True,
        "production_date": date.today() - timedelta(days=20),
        "sample_qty": "2",
        "reserve_qty": "1",
        "lot_size": "100",
        "qty_unit": "kg",
        "packaging": "散装",
        "unit_price": "6.50",
    }
    values.update(overrides)
    return samples.SampleForm(**values)


_counter = [0]


def register(world: World, **overrides: Any) -> int:
    if "sample_no" not in overrides:
        _counter[0] += 1
        overrides["sample_no"] = f"S-{_counter[0]:05d}"
    return samples.register_sample(world.tech, sample_form(**overrides))


def item_ids(world: World, sample_id: int) -> list[int]:
    return [int(i["id"]) for i in queries.sample_items_with_results(world.db, sample_id)]


def enter_all(
    world: World, sample_id: int, text: str = "0.001", by: ServiceContext | None = None
) -> None:
    for item_id in item_ids(world, sample_id):
        results.enter_result(by or world.tech, item_id, text)


def sample_in_state(world: World, state: str, **overrides: Any) -> int:
    """A sample taken through the workflow to `state` by tech, reviewer and manager."""
    if state == "draft":
        _counter[0] += 1
        overrides.setdefault("sample_no", f"S-{_counter[0]:05d}")
        return samples.register_sample(world.tech, sample_form(**overrides), draft=True)
    sample_id = register(world, **overrides)
    if state == "registered":
        return sample_id
    if state == "cancelled":
        samples.cancel_sample(world.manager, sample_id, "enterprise closed")
        return sample_id
    samples.receive_sample(world.tech, sample_id)
    if state == "received":
        return sample_id
    samples.start_testing(world.tech, sample_id)
    if state == "testing":
        return sample_id
    enter_all(world, sample_id)
    workflow.submit(world.tech, sample_id)
    if state == "submitted":
        return sample_id
    if state == "returned":
        workflow.return_sample(world.reviewer, sample_id, "check the raw data")
        return sample_id
    workflow.review(world.reviewer, sample_id)
    if state == "reviewed":
        return sample_id
    workflow.approve(world.manager, sample_id)
    if state == "approved":
        return sample_id
    if state == "exported":
        export(world, [sample_id])
        return sample_id
    raise ValueError(state)


def export(world: World, sample_ids: list[int]) -> int:
    import hashlib
    import uuid

    content = b"batch-bytes-" + uuid.uuid4().bytes
    batch = workflow.ExportBatch(
        sequence=workflow.next_export_sequence(world.db),
        batch_uuid=str(uuid.uuid4()),
        file_name="TEST34-000001.labbatch",
        manifest_sha256=hashlib.sha256(content).hexdigest(),
        content=content,
    )
    return workflow.record_export(world.manager, batch, sample_ids)


def snapshot(db: Database) -> tuple[Any, ...]:
    """Audit head and row counts: equal before and after a refused action."""
    counts = tuple(
        int(db.scalar(f"SELECT count(*) FROM {t}"))
        for t in ("samples", "sample_items", "results", "sample_events", "enterprises", "users")
    )
    head = db.query_one("SELECT seq, hash FROM audit_head")
    assert head is not None
    return (int(head[0]), str(head[1]), *counts)


class Backdoor:
    """A connection beside the program, as someone editing the database behind its back:
    plain sqlite3 on a file; on a server, a superuser's autocommit connection (the same
    SQLite-dialect statements, translated by the store's own layer)."""

    def __init__(self, db: Database) -> None:
        self.on_server = not db.engine.is_file
        if self.on_server:
            from labdesk.store.engine import ServerUrl
            from labdesk.store.pg_engine import connect

            assert isinstance(db.target, ServerUrl)
            self.conn: Any = connect(db.target, readonly=False)
        else:
            self.conn = sqlite3.connect(db.path, isolation_level=None)

    def execute(self, sql: str, params: Any = ()) -> Any:
        return self.conn.execute(sql, params)

    def triggers_off(self) -> None:
        """The append-only triggers out of the way (and, on a server, the foreign keys:
        `session_replication_role = replica` stops every ordinary trigger)."""
        if self.on_server:
            self.conn.raw.execute("SET session_replication_role = replica")
            return
        for trigger in ("audit_log_no_update", "audit_log_no_delete", "audit_head_forward_only"):
            self.conn.execute(f"DROP TRIGGER {trigger}")

    def foreign_keys_off(self) -> None:
        if self.on_server:
            self.conn.raw.execute("SET session_replication_role = replica")
        else:
            self.conn.execute("PRAGMA foreign_keys = OFF")

    def close(self) -> None:
        self.conn.close()
