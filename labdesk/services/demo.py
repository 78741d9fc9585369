"""A believable demo centre: users, enterprises across Anhui, tasks, samples, results.

Everything is written through the audited primitive with the same helpers the services
use, so the audit trail is complete and `verify_audit` passes; but many samples share one
transaction (`BATCH` per commit) so 2,000 samples take seconds, not minutes. A run killed
part-way leaves a consistent, verifiable database holding the batches committed so far.

The shape of the data follows domain.md: 85–92 % of judged samples pass, failures
cluster in a few items and categories (pesticides on chives, heavy metals in rice, textile
formaldehyde/pH), every workflow state occurs, some approved samples await export. The
centre is marked `demo = 1` and its users have the passwords in `auth.DEMO_ACCOUNTS`.
Tasks carry a 检验目的 and a food flag, some samples are registered against food-library
classes, and open reports are spread over the report clock (`services.demo_plan`).

Exported samples need a real signed batch, which only the batch layer (above this one)
can make: `labdesk.batch.demo.build_demo` runs this generator with an `exporter` that signs
and writes them. Without an exporter the samples meant for export simply stay `approved`
(awaiting export); nothing here ever records an export batch of its own, so the sequence
numbers HQ checks for gaps are only ever used by real, signed batches.
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from labdesk.core.errors import ValidationError, WorkflowError
from labdesk.core.uscc import make_uscc, org_code_check_digit, validate_uscc
from labdesk.services import auth, clocks, demo_plan, library
from labdesk.services.calendars import centre_calendar
from labdesk.services.context import Actor, ServiceContext
from labdesk.services.enterprises import EnterpriseForm, enterprise_values
from labdesk.services.food_samples import choose_food_items, freeze_food_items
from labdesk.services.results import judge_text, refresh_conclusion
from labdesk.services.samples import SampleForm, sample_values, transition
from labdesk.services.tasks import TaskForm, task_values
from labdesk.services.workflow import approve_in
from labdesk.signing import Signer
from labdesk.store.audit import Writer
from labdesk.store.db import Database

BATCH = 50  # samples per transaction
DEMO_CENTRE = "某某市产品质量监督检验中心（演示）"
DEMO_CENTRE_CODE = "DEMO34"

# GB/T 2260 prefecture-level divisions of Anhui (安徽省).
ANHUI_REGIONS: tuple[tuple[str, str], ...] = (
    ("340100", "合肥"),
    ("340200", "芜湖"),
    ("340300", "蚌埠"),
    ("340400", "淮南"),
    ("340500", "马鞍山"),
    ("340600", "淮北"),
    ("340700", "铜陵"),
    ("340800", "安庆"),
    ("341000", "黄山"),
    ("341100", "滁州"),
    ("341200", "阜阳"),
    ("341300", "宿州"),
    ("341500", "六安"),
    ("341600", "亳州"),
    ("341700", "池州"),
    ("341800", "宣城"),
)
_WORDS = (
    "丰泰",
    "华润",
    "徽韵",
    "江淮",
    "皖新",
    "天禾",
    "恒源",
    "金穗",
    "绿源",
    "瑞丰",
    "新安",
    "同达",
)
_KINDS = (
    "食品有限公司",
    "农产品专业合作社",
    "商贸有限公司",
    "纺织有限公司",
    "玩具有限公司",
    "超市有限公司",
)
_SURNAMES = "张王李赵刘陈杨黄周吴徐孙胡朱高林何郭马罗"
_GIVEN = ("伟", "芳", "敏", "静", "强", "磊", "军", "洋", "勇", "艳", "杰", "涛", "明", "超", "霞")
_PLACES = ("成品库", "农贸市场", "超市", "批发市场", "商场", "网购", "生产线", "餐饮")
_SOURCES = ("国家市场监督管理总局", "安徽省市场监督管理局", "合肥市市场监督管理局")
_ORG_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"

# Failure propensity by category (clustered), and the items that fail there.
_CATEGORY_FAIL = {
    "VEG-CHIVES": Decimal("0.45"),
    "RICE": Decimal("0.35"),
    "TEXTILE-A": Decimal("0.30"),
    "TEXTILE-B": Decimal("0.25"),
    "VEG-FRESH": Decimal("0.20"),
    "TOY": Decimal("0.15"),
}
_HOT_ITEMS = {
    "VEG-CHIVES": ("腐霉利", "克百威"),
    "RICE": ("镉",),
    "TEXTILE-A": ("甲醛含量", "pH值"),
    "TEXTILE-B": ("甲醛含量",),
    "VEG-FRESH": ("镉", "氧乐果"),
    "TOY": ("可迁移元素 铅",),
}
_DEFAULT_FAIL = Decimal("0.015")

# Share of samples per final state, oldest samples furthest along.
_STATE_PLAN: tuple[tuple[str, int], ...] = (
    ("exported", 42),
    ("approved", 12),
    ("reviewed", 6),
    ("submitted", 8),
    ("returned", 3),
    ("testing", 8),
    ("received", 7),
    ("registered", 7),
    ("draft", 3),
    ("cancelled", 4),
)
_PROGRESS = (
    "draft",
    "registered",
    "received",
    "testing",
    "submitted",
    "reviewed",
    "approved",
    "exported",
)


@dataclass(frozen=True)
class SampleChoice:
    """A province demo's say over one sample (None = the usual random choice)."""

    category: str | None = None
    enterprise_uscc: str | None = None
    bias: Decimal | None = None  # × the class's failure propensity: 0 never fails, 100 always


@dataclass(frozen=True)
class DemoPlan:
    """What differs when this centre is one of several (`labdesk.province.demo`).

    `enterprises` are created first (the same codes in several centres' databases make
    one enterprise at HQ); `task_levels` name the organising level of the six tasks in
    turn; sampling dates spread over `days`; `states` replaces the shares of final states
    (more exported); `choose(index, sampling_date, rng)` may fix a sample's class,
    enterprise and failure propensity (planted trends and repeat offenders)."""

    enterprises: tuple[EnterpriseForm, ...] = ()
    task_levels: tuple[str, ...] = ()
    days: int = 365
    states: tuple[tuple[str, int], ...] | None = None
    choose: Callable[[int, date, random.Random], SampleChoice] | None = None


# Called once per batch of ~25 approved samples, as the demo manager, after every sample
# exists; it must export exactly those samples (see labdesk.batch.demo).
Exporter = Callable[[ServiceContext, list[int]], None]


@dataclass
class DemoSummary:
    samples: int = 0
    enterprises: int = 0
    tasks: int = 0
    results: int = 0
    states: dict[str, int] = field(default_factory=dict)
    judged: int = 0
    passed: int = 0
    accounts: list[tuple[str, str, str]] = field(default_factory=list)

    @property
    def pass_rate(self) -> Decimal:
        if not self.judged:
            return Decimal(0)
        return (Decimal(self.passed) * 100 / self.judged).quantize(Decimal("0.1"))


def _state_counts(
    total: int, rng: random.Random, shares: tuple[tuple[str, int], ...] = _STATE_PLAN
) -> list[str]:
    """Final state of each sample, oldest first; each state at least once when total ≥ 10."""
    weights = sum(w for _, w in shares)
    counts = {s: (total * w) // weights for s, w in shares}
    for state, _ in _STATE_PLAN:
        counts.setdefault(state, 0)
    if shares is _STATE_PLAN and total >= len(_STATE_PLAN):
        for s in counts:
            counts[s] = max(counts[s], 1)
    while sum(counts.values()) > total:
        biggest = max(counts, key=lambda k: counts[k])
        counts[biggest] -= 1
    counts["exported"] += total - sum(counts.values())
    order = (
        "exported",
        "approved",
        "reviewed",
        "returned",
        "submitted",
        "testing",
        "received",
        "registered",
        "draft",
    )
    ordered = [s for s in order for _ in range(counts[s])]
    for _ in range(counts["cancelled"]):  # cancellations happen at any age
        ordered.insert(rng.randint(0, len(ordered)), "cancelled")
    return ordered


class _ValuePools:
    """Typed results that pass or fail an item, found by judging candidates."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self._cache: dict[tuple[Any, ...], tuple[list[str], list[str]]] = {}

    def pools(self, item: dict[str, Any]) -> tuple[list[str], list[str]]:
        key = (
            item["limit_text"],
            item["method"],
            item["interval"],
            item["decimals"],
            item["lod"],
            item["loq"],
        )
        found = self._cache.get(key)
        if found is None:
            found = self._cache[key] = self._build(item)
        return found

    def _build(self, item: dict[str, Any]) -> tuple[list[str], list[str]]:
        numbers = [Decimal(n) for n in re.findall(r"\d+(?:\.\d+)?", item["limit_text"])]
        candidates: list[str] = ["未检出", "阴性", "阳性", "检出", "符合", "不符合"]
        for bound in numbers:
            exponent = bound.as_tuple().exponent
            places = max(0, -int(exponent) if isinstance(exponent, int) else 0) + 1
            quantum = Decimal(1).scaleb(-places)
            for percent in range(4, 300, 7):
                value = (bound * percent / 100).quantize(quantum)
                if value > 0:
                    candidates.append(str(value))
        passing: list[str] = []
        failing: list[str] = []
        for text in candidates:
            try:
                verdict = judge_text(item, text).verdict
            except ValidationError:  # 未检出 of an item without an LOD: never typed
                continue
            if verdict == "pass":
                passing.append(text)
            elif verdict == "fail":
                failing.append(text)
        return passing, failing

    def value(self, item: dict[str, Any], fail: bool) -> str:
        passing, failing = self.pools(item)
        if fail and failing:
            numeric = [t for t in failing if t[0].isdigit()]
            return self.rng.choice(numeric[: max(1, len(numeric) // 3)] or failing)
        if not passing:
            return self.rng.choice(failing) if failing else "符合"
        nd_likely = item["lod"] or self.rng.random() < 0.5
        if "未检出" in passing and nd_likely and self.rng.random() < 0.6:
            return "未检出"
        numeric = [t for t in passing if t[0].isdigit()]
        return self.rng.choice(numeric or passing)


def _person(rng: random.Random) -> str:
    return (
        rng.choice(_SURNAMES)
        + rng.choice(_GIVEN)
        + (rng.choice(_GIVEN) if rng.random() < 0.5 else "")
    )


def _enterprise_form(rng: random.Random, index: int) -> EnterpriseForm:
    region, city = rng.choice(ANHUI_REGIONS)
    body = "".join(rng.choice(_ORG_CHARS[:10] + "ABCDEFGHJKLMNPQRTUWXY") for _ in range(8))
    body = "MA" + body[2:]
    code = make_uscc(f"91{region}{body}{org_code_check_digit(body)}")
    assert validate_uscc(code).valid, code
    name = f"{city}市{rng.choice(_WORDS)}{rng.choice(_KINDS)}"
    if index >= len(_WORDS):
        name = f"{city}市{rng.choice(_WORDS)}{index}号{rng.choice(_KINDS)}"
    return EnterpriseForm(
        uscc=code,
        name=name,
        address=f"安徽省{city}市某某路{rng.randint(1, 999)}号",
        legal_rep=_person(rng),
        contact=_person(rng),
        phone=f"0551-{rng.randint(6000000, 6999999)}",
        region_code=region,
    )


def _users(db: Database, admin: ServiceContext) -> dict[str, Actor]:
    existing = {u["username"]: u for u in auth.list_users(db)}
    for username, display, role, password in auth.DEMO_ACCOUNTS:
        if username not in existing:
            auth.add_user(admin, username, display, role, password)
    users = {u["username"]: u for u in auth.list_users(db)}
    return {
        name: Actor(int(users[name]["id"]), name, str(users[name]["role"]))
        for name, _, _, _ in auth.DEMO_ACCOUNTS
    }


# Not retried when busy: it is many transactions, draws from a seeded generator, and
# may sign and hand batches to `exporter` (files written): tried again whole it would
# repeat those. The services it calls (setup, sign-in, library, users) are each tried
# again on their own; its own bulk writes are not.
def fill_demo(
    db: Database,
    *,
    samples: int = 200,
    seed: int = 1,
    progress: Callable[[int, int], None] | None = None,
    exporter: Exporter | None = None,
    today: date | None = None,
    outbox_dir: str = "",
    open_signer: Callable[[ServiceContext], Signer] | None = None,
    plan: DemoPlan | None = None,
) -> DemoSummary:
    """Fills (or extends) a demo database; returns what was made. Refuses a real centre.

    With `exporter`, the samples planned as exported are handed to it in batches of ~25
    once all samples exist; without one they stay approved (and are counted so in
    `states`). `outbox_dir` becomes the new demo centre's outbox folder. With
    `open_signer` (called once, as the demo manager, for the demo centre's key) every
    approval signs its report payload, as a real one does.
    """
    rng = random.Random(seed)
    today = today or date.today()
    centre = auth.centre(db)
    if centre is None:
        _, _, _, admin_password = auth.DEMO_ACCOUNTS[0]
        admin = auth.setup_centre(
            db,
            name=DEMO_CENTRE,
            code=DEMO_CENTRE_CODE,
            region_code="340100",
            admin_username="admin",
            admin_password=admin_password,
            admin_display_name=auth.DEMO_ACCOUNTS[0][1],
            outbox_dir=outbox_dir,
            demo=True,
        )
    elif not centre["demo"]:
        raise WorkflowError(
            f"{db.target} holds a real centre ({centre['name']}); demo data goes only into "
            "a new or demo database (演示数据只能写入演示数据库)"
        )
    else:
        admin = auth.sign_in(db, "admin", auth.DEMO_ACCOUNTS[0][3])
    library.ensure_library(admin)
    actors = _users(db, admin)
    summary = DemoSummary(accounts=auth.demo_accounts(db))
    signer = None if open_signer is None else open_signer(ServiceContext(db, actors["manager"]))

    # Enterprises and tasks (one transaction).
    manager = actors["manager"]
    n_enterprises = max(12, min(400, samples // 8))
    with db.write(actors["tech1"]) as w:
        known = {str(r[0]) for r in db.query("SELECT uscc FROM enterprises")}
        offset = len(known)
        rows: list[dict[str, Any]] = []
        for planned in plan.enterprises if plan is not None else ():
            values = enterprise_values(planned)
            if values["uscc"] not in known:
                known.add(values["uscc"])
                rows.append(values)
        n_enterprises += len(rows)
        while len(rows) < n_enterprises:
            values = enterprise_values(_enterprise_form(rng, offset + len(rows)))
            if values["uscc"] not in known:
                known.add(values["uscc"])
                rows.append(values)
        w.insert_many("enterprises", rows)
        w.actor = manager
        task_rows = []
        existing_tasks = int(db.scalar("SELECT count(*) FROM tasks"))
        for quarter in range(6):
            category, purpose, food = demo_plan.TASK_KINDS[quarter]
            start = today - timedelta(days=90 * (5 - quarter) + 60)
            task_rows.append(
                task_values(
                    TaskForm(
                        task_no=f"RW{start.year}-{existing_tasks + quarter + 1:03d}",
                        source=_SOURCES[quarter % len(_SOURCES)],
                        category=category,
                        plan=f"{start.year}年第{(start.month - 1) // 3 + 1}季度"
                        + ("食品安全" if food else "产品质量")
                        + "抽检计划（演示）",
                        purpose=purpose,
                        food=food,
                        deadline=start + timedelta(days=120),
                        org_level=plan.task_levels[quarter % len(plan.task_levels)]
                        if plan is not None and plan.task_levels
                        else "",
                    ),
                    manager.user_id,
                )
            )
        w.insert_many("tasks", task_rows)
    summary.enterprises = n_enterprises
    summary.tasks = len(task_rows)

    enterprise_ids = [int(r[0]) for r in db.query("SELECT id FROM enterprises ORDER BY id")]
    enterprise_uscc = {int(r[0]): str(r[1]) for r in db.query("SELECT id, uscc FROM enterprises")}
    task_list = [
        dict(r) for r in db.query("SELECT id, task_no, created_at, food FROM tasks ORDER BY id")
    ][-6:]
    lib_items = [dict(r) for r in db.query("SELECT * FROM lib_items WHERE active = 1 ORDER BY seq")]
    category_codes = sorted({str(i["category_code"]) for i in lib_items})
    pools = _ValuePools(rng)
    days = plan.days if plan is not None else 365
    shares = plan.states if plan is not None and plan.states else _STATE_PLAN
    states = _state_counts(samples, rng, shares)
    dates = sorted(
        (today - timedelta(days=rng.randint(1, days)) for _ in range(samples)), reverse=False
    )
    # No date whose clocks would fall in a year no calendar knows; open reports spread
    # over the report clock (some due this week); some samples of food classes.
    calendar = centre_calendar(db)
    latest = demo_plan.latest_day(today, calendar)
    dates = [min(d, latest) for d in dates]
    receipts = demo_plan.receipt_plan(states, dates, today, latest, calendar, seed)
    food_classes = demo_plan.food_classes(db)
    food_at = demo_plan.food_indices(samples, seed) if food_classes else set()
    by_uscc = {code: id_ for id_, code in enterprise_uscc.items()}
    start_no = int(db.scalar("SELECT count(*) FROM samples"))
    pending_export: list[int] = []
    deferred: list[list[int]] = []  # batches for the exporter, after the samples exist
    state_counts: dict[str, int] = {}

    for begin in range(0, samples, BATCH):
        with db.write(actors["tech1"]) as w:
            for index in range(begin, min(samples, begin + BATCH)):
                final = states[index]
                if final == "cancelled":
                    final_reached = rng.choice(("registered", "received", "testing"))
                else:
                    final_reached = final
                sampling = dates[index]
                choice = SampleChoice()
                if plan is not None and plan.choose is not None:
                    choice = plan.choose(index, sampling, rng)
                if choice.enterprise_uscc is None:
                    enterprise_id = rng.choice(enterprise_ids)
                else:
                    enterprise_id = by_uscc[choice.enterprise_uscc]
                category = choice.category or rng.choice(category_codes)
                food_class = None
                if index in food_at and choice.category is None:
                    food_class = food_classes[index % len(food_classes)]
                result = _make_sample(
                    w,
                    rng,
                    pools,
                    actors,
                    sample_no=f"DEMO{today.year}{start_no + index + 1:06d}",
                    sampling=sampling,
                    today=today,
                    final=final_reached,
                    cancelled=final == "cancelled",
                    enterprise_id=enterprise_id,
                    enterprise_uscc=enterprise_uscc,
                    task=_task_for(task_list, index, samples, food=food_class is not None),
                    category=category,
                    lib_items=lib_items,
                    bias=_bias(summary) if choice.bias is None else choice.bias,
                    signer=signer,
                    food_class=food_class,
                    received_on=receipts.get(index),
                    latest=latest,
                )
                summary.results += result[0]
                if result[1] is not None:
                    summary.judged += 1
                    summary.passed += int(result[1])
                if final == "exported":
                    pending_export.append(result[2])
                    if exporter is None:
                        final = "approved"  # nobody to sign a batch: it awaits export
                state_counts[final] = state_counts.get(final, 0) + 1
            # Exported samples leave in batches of ~25, signed once all samples exist.
            while len(pending_export) >= 25 or (pending_export and begin + BATCH >= samples):
                chunk, pending_export = pending_export[:25], pending_export[25:]
                if exporter is not None:
                    deferred.append(chunk)
        if progress is not None:
            progress(min(samples, begin + BATCH), samples)
    if exporter is not None:
        manager_ctx = ServiceContext(db, manager)
        for chunk in deferred:
            exporter(manager_ctx, chunk)
    summary.samples = samples
    summary.states = state_counts
    return summary


def _task_for(
    task_list: list[dict[str, Any]], index: int, samples: int, *, food: bool
) -> dict[str, Any]:
    """The task of the sample's time, or its neighbour of the sample's kind (food samples
    under food tasks, other products under the others)."""
    at = min(len(task_list) - 1, index * len(task_list) // max(1, samples))
    for near in (at, at + 1, at - 1, at + 2, at - 2):
        if 0 <= near < len(task_list) and bool(task_list[near]["food"]) == food:
            return task_list[near]
    return task_list[at]


def _bias(summary: DemoSummary) -> Decimal:
    """Steers the running pass rate into 86–91 % (domain.md: national 85–92 %)."""
    if summary.judged < 20:
        return Decimal(1)
    rate = Decimal(summary.passed) / summary.judged
    if rate > Decimal("0.91"):
        return Decimal(2)
    if rate < Decimal("0.86"):
        return Decimal("0.3")
    return Decimal(1)


def _make_sample(
    w: Writer,
    rng: random.Random,
    pools: _ValuePools,
    actors: dict[str, Actor],
    *,
    sample_no: str,
    sampling: date,
    today: date,
    final: str,
    cancelled: bool,
    enterprise_id: int,
    enterprise_uscc: dict[int, str],
    task: dict[str, Any],
    category: str,
    lib_items: list[dict[str, Any]],
    signer: Signer | None = None,
    bias: Decimal = Decimal(1),
    food_class: tuple[str, str] | None = None,
    received_on: date | None = None,
    latest: date | None = None,
) -> tuple[int, bool | None, int]:
    """Takes one sample from registration to `final`; returns (results, passed?, id)."""
    db = w.db
    tech = actors["tech1" if rng.random() < 0.6 else "tech2"]
    w.actor = tech
    day = sampling.isoformat()
    items = [
        i
        for i in lib_items
        if i["category_code"] == category
        and (i["effective_from"] is None or i["effective_from"] <= day)
        and (i["abolished_from"] is None or i["abolished_from"] > day)
    ]
    if not items:  # no version in force that day: sample later in the library's life
        items = [i for i in lib_items if i["category_code"] == category]
        sampling = max(date.fromisoformat(i["effective_from"] or day) for i in items)
        sampling = min(sampling, latest or today)
        day = sampling.isoformat()
        items = [
            i
            for i in items
            if (i["effective_from"] is None or i["effective_from"] <= day)
            and (i["abolished_from"] is None or i["abolished_from"] > day)
        ]
    sample_name = _product_name(category, rng)
    if food_class is not None:
        sample_name = rng.choice(demo_plan.FOOD_PRODUCTS[food_class[1]])
    form = SampleForm(
        sample_no=sample_no,
        sample_name=sample_name,
        category_code="" if food_class else category,
        food_class_code=food_class[0] if food_class else "",
        sampling_date=sampling,
        enterprise_uscc=enterprise_uscc[enterprise_id],
        task_id=int(task["id"]),
        region_type=rng.choice(("城市", "乡村")),
        place_type=rng.choice(_PLACES),
        producer_name="",
        brand=rng.choice(("", "徽味", "江淮牌", "皖鲜", "山里红")),
        spec_model=rng.choice(("500g/袋", "散装", "1kg/盒", "250mL/瓶", "M码")),
        batch_no=f"{sampling:%Y%m%d}{rng.randint(1, 9)}",
        production_date=sampling - timedelta(days=rng.randint(0, 60)),
        shelf_life=rng.choice(("12个月", "6个月", "/", "3天")),
        executive_standard=""
        if food_class
        else items[0]["standard_no"] + "-" + items[0]["standard_year"],
        lot_size=str(rng.randint(20, 500)),
        sample_qty=str(rng.randint(2, 6)),
        reserve_qty=str(rng.randint(1, 3)),
        qty_unit=rng.choice(("kg", "袋", "件")),
        packaging=rng.choice(("散装", "预包装")),
        unit_price=f"{rng.randint(1, 200)}.{rng.randint(0, 99):02d}",
        samplers=[_person(rng), _person(rng) + "（抽样）"],
        sampling_org=DEMO_CENTRE,
        sealed=True,
        unit_acknowledged=True,
    )
    values = sample_values(db, form, draft=final == "draft", today=today)
    food_items = None
    if food_class is not None and final != "draft":
        # As `samples.register_sample` does: the food library's proposal for the class.
        food_items = choose_food_items(db, form)
        values.update(items_basis=food_items.basis, items_on=food_items.on.isoformat())
    values.update(
        state="draft" if final == "draft" else "registered",
        created_by=tech.user_id,
        created_at=w.at_utc,
    )
    sample_id = w.insert("samples", values, action="register")
    transition(w, sample_id, "draft", values["state"], "draft" if final == "draft" else "register")
    state = values["state"]
    passed: bool | None = None
    n_results = 0
    target = _PROGRESS.index(final) if final in _PROGRESS else 0

    def reach(step: str) -> bool:
        return target >= _PROGRESS.index(step)

    if state == "registered":
        if food_items is not None:
            freeze_food_items(w, sample_id, state, food_items)
            frozen = [
                dict(r)
                for r in db.query(
                    "SELECT * FROM sample_items WHERE sample_id = ? ORDER BY seq", (sample_id,)
                )
            ]
        else:
            frozen = [
                library.frozen_item(sample_id, seq, i) for seq, i in enumerate(items, start=1)
            ]
            item_ids = w.insert_many("sample_items", frozen, action="freeze")
            for row, new_id in zip(frozen, item_ids, strict=True):
                row["id"] = new_id
        if reach("received"):
            received = min(latest or today, sampling + timedelta(days=rng.randint(0, 3)))
            if received_on is not None:
                received = max(sampling, received_on)
            transition(
                w,
                sample_id,
                "registered",
                "received",
                "receive",
                extra={"received_date": received.isoformat()},
            )
            state = "received"
        if reach("testing") or final == "returned":
            transition(w, sample_id, "received", "testing", "start_testing")
            state = "testing"
            fail_p = _CATEGORY_FAIL.get(category, _DEFAULT_FAIL) * bias
            hot_names = _HOT_ITEMS.get(category, ())
            if food_class is not None:
                fail_p = Decimal(demo_plan.FOOD_FAIL.get(food_class[1], "0.05")) * bias
                hot_names = demo_plan.FOOD_HOT_ITEMS.get(food_class[1], ())
            fails = Decimal(rng.random()) < fail_p
            hot = [r for r in frozen if r["name"] in hot_names] or frozen
            failing_ids = {rng.choice(hot)["id"]} if fails else set()
            if fails and rng.random() < 0.1:
                failing_ids.add(rng.choice(hot)["id"])
            partial = final == "testing" and rng.random() < 0.6
            rows = []
            for row in frozen:
                if partial and rng.random() < 0.4:
                    continue
                text = pools.value(row, row["id"] in failing_ids)
                verdict = judge_text(row, text)
                rows.append(
                    {
                        "sample_item_id": row["id"],
                        "text": text,
                        "verdict": verdict.verdict,
                        "compared": verdict.compared,
                        "rounded": verdict.rounded,
                        "display": verdict.display,
                        "explanation_zh": verdict.explanation_zh,
                        "explanation_en": verdict.explanation_en,
                        "report_only": int(verdict.report_only),
                        "instrument": rng.choice(
                            ("ICP-MS 7900", "AAS-240", "LC-MS/MS 6470", "pH计 FE28")
                        ),
                        "method": row["test_method"],
                        "entered_by": tech.user_id,
                        "entered_at": w.at_utc,
                    }
                )
            result_ids = w.insert_many("results", rows, action="entry")
            n_results += len(rows)
            # A confirming retest of some failures (the original stays visible).
            if failing_ids and rng.random() < 0.4:
                for row, rid in zip(rows, result_ids, strict=True):
                    if row["sample_item_id"] in failing_ids:
                        item = next(r for r in frozen if r["id"] == row["sample_item_id"])
                        text = pools.value(item, True)
                        verdict = judge_text(item, text)
                        new = dict(
                            row, text=text, attempt=2, kind="retest", reason="复测确认（演示）"
                        )
                        new.update(
                            verdict=verdict.verdict,
                            compared=verdict.compared,
                            rounded=verdict.rounded,
                            display=verdict.display,
                            explanation_zh=verdict.explanation_zh,
                            explanation_en=verdict.explanation_en,
                        )
                        new_id = w.insert(
                            "results", new, reason="复测确认（演示）", action="retest"
                        )
                        w.update(
                            "results",
                            rid,
                            {"superseded_by": new_id},
                            reason="复测确认（演示）",
                            action="retest",
                        )
                        n_results += 1
                        break
            if reach("submitted") or final == "returned":
                refresh_conclusion(w, sample_id)
                transition(w, sample_id, "testing", "submitted", "submit")
                state = "submitted"
                if final == "returned":
                    w.actor = actors["reviewer"]
                    transition(
                        w,
                        sample_id,
                        "submitted",
                        "returned",
                        "return",
                        reason="请核对原始记录后重新提交（演示）",
                    )
                    state = "returned"
                if reach("reviewed"):
                    w.actor = actors["reviewer"]
                    transition(w, sample_id, "submitted", "reviewed", "review")
                    state = "reviewed"
                if reach("approved"):
                    w.actor = actors["manager"]
                    # The conclusion is made two weeks after receipt (or today).
                    approve_in(
                        w, sample_id, on=min(today, received + timedelta(days=14)), signer=signer
                    )
                    state = "approved"
                    code = db.scalar(
                        "SELECT conclusion_code FROM samples WHERE id = ?", (sample_id,)
                    )
                    if code in ("pass", "fail"):
                        passed = code == "pass"
    if state != "draft":
        clocks.refresh_in(w, [sample_id])
    if cancelled:
        w.actor = actors["manager"]
        transition(
            w, sample_id, state, "cancelled", "cancel", reason="企业停产，无法完成抽样（演示）"
        )
    return n_results, passed, sample_id


_PRODUCTS = {
    "VEG-BRASSICA": ("小白菜", "青菜", "甘蓝", "花椰菜"),
    "VEG-FRESH": ("黄瓜", "番茄", "茄子", "菠菜", "芹菜"),
    "VEG-CHIVES": ("韭菜",),
    "RICE": ("大米", "粳米", "籼米"),
    "CEREAL": ("小米", "玉米糁", "燕麦米"),
    "MAIZE": ("玉米",),
    "WHEAT-FLOUR": ("小麦粉", "高筋小麦粉"),
    "RAW-MILK": ("生乳",),
    "CHICKEN": ("鸡胸肉", "鸡腿"),
    "CANNED-TIN": ("黄桃罐头", "午餐肉罐头"),
    "RTE-FOOD": ("凉拌菜", "卤味熟食"),
    "TEXTILE-A": ("婴幼儿连体衣", "婴儿帽"),
    "TEXTILE-B": ("针织T恤", "棉质内衣"),
    "TEXTILE-C": ("窗帘布", "外套"),
    "TOY": ("塑胶玩具车", "积木", "毛绒玩具"),
    "PANEL": ("中密度纤维板", "刨花板"),
    "WATER": ("生活饮用水",),
}


def _product_name(category: str, rng: random.Random) -> str:
    return rng.choice(_PRODUCTS.get(category, (category,)))
