"""Sampling tasks (抽检任务): where a batch of sampling comes from and by when."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from labdesk.core.errors import NotFound, ValidationError
from labdesk.services.busy import retried_when_busy
from labdesk.services.context import ServiceContext
from labdesk.services.permissions import require
from labdesk.store.db import Database
from labdesk.store.schema import TASK_CATEGORIES, TASK_LEVELS, TASK_PURPOSES


@dataclass(frozen=True)
class TaskForm:
    task_no: str
    source: str  # 任务来源, e.g. 安徽省市场监督管理局
    category: str  # 监督抽检 / 风险监测 / 专项
    plan: str = ""
    deadline: date | None = None
    purpose: str = ""  # 检验目的: 监督抽检 / 抽检监测 / 风险监测 / 评价性抽检 ('' = not given)
    org_level: str = ""  # 组织级别: 国家级 / 省级 / 市级 / 县级 ('' = not given)
    food: bool = False  # food sampling: SAMR Order 15's working-day clocks apply


def task_values(form: TaskForm, created_by: int | None) -> dict[str, Any]:
    if not form.task_no.strip():
        raise ValidationError("task_no", "required", "task number: required (任务编号必填)")
    if not form.source.strip():
        raise ValidationError("source", "required", "task source: required (任务来源必填)")
    if form.category not in TASK_CATEGORIES:
        raise ValidationError(
            "category", "one_of", f"task category: one of {' / '.join(TASK_CATEGORIES)}"
        )
    if form.purpose not in ("", *TASK_PURPOSES):
        raise ValidationError(
            "purpose", "one_of", f"检验目的应为 {' / '.join(TASK_PURPOSES)} 之一 (task purpose)"
        )
    if form.org_level not in ("", *TASK_LEVELS):
        raise ValidationError(
            "org_level", "one_of", f"组织级别应为 {' / '.join(TASK_LEVELS)} 之一 (task level)"
        )
    values: dict[str, Any] = {
        "task_no": form.task_no.strip(),
        "source": form.source.strip(),
        "category": form.category,
        "plan": form.plan.strip(),
        "deadline": form.deadline.isoformat() if form.deadline else None,
        "created_by": created_by,
        "created_at": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
    }
    # Schema-4 columns only when given: their defaults ('', '', 0) mean the same, and a
    # task row then also fits a database of an older schema (the migration tests).
    extra: dict[str, Any] = {
        "purpose": form.purpose,
        "org_level": form.org_level,
        "food": int(form.food),
    }
    values.update({k: v for k, v in extra.items() if v})
    return values


@retried_when_busy
def create_task(ctx: ServiceContext, form: TaskForm) -> int:
    require(ctx, "create_task")
    values = task_values(form, ctx.actor.user_id)
    if ctx.db.scalar("SELECT 1 FROM tasks WHERE task_no = ?", (values["task_no"],)):
        raise ValidationError(
            "task_no", "unique", f"task number {values['task_no']} already exists (任务编号重复)"
        )
    with ctx.db.write(ctx.actor) as w:
        return w.insert("tasks", values)


def list_tasks(db: Database) -> list[dict[str, Any]]:
    return [dict(r) for r in db.query("SELECT * FROM tasks ORDER BY id DESC")]


def get_task(db: Database, task_id: int) -> dict[str, Any]:
    row = db.query_one("SELECT * FROM tasks WHERE id = ?", (task_id,))
    if row is None:
        raise NotFound(f"task #{task_id} does not exist")
    return dict(row)


def task_by_no(db: Database, task_no: str) -> dict[str, Any] | None:
    row = db.query_one("SELECT * FROM tasks WHERE task_no = ?", (task_no.strip(),))
    return None if row is None else dict(row)
