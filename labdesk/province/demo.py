"""A province demo: several centres' real lab databases, their signed batches, one HQ.

Each centre is a real LabDesk centre database made by the lab's own demo code
(`batch.demo.build_demo` → `services.demo.fill_demo`) under a `DemoPlan`: its own name,
code and GB/T 2260 region (cities and counties of 安徽省), local enterprises, tasks of
the levels such a centre runs. Each exports real SM2-signed batches, and HQ ingests every
outbox through the real verifier with the centres' public keys (`batch.hq.ingest`), so
the demo exercises exactly what real batches go through.

Planted, so that the province's screens have something to find (DEMO DATA, not facts):
- a **rising failure trend**: 镉 in 大米 (class RICE) sampled in 阜阳市 fails ~5 % of the
  time until `TREND_DAYS` before the last exported sample and ~85 % after;
- **repeat offenders**: three enterprises sampled by two centres each, failing at both,
  months apart (within 24 months).
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

from labdesk.batch.demo import DemoBuild, build_demo
from labdesk.batch.hq import IngestOutcome, ingest
from labdesk.core.errors import WorkflowError
from labdesk.core.uscc import make_uscc, org_code_check_digit
from labdesk.province import regions
from labdesk.services import auth
from labdesk.services.demo import DemoPlan, SampleChoice
from labdesk.services.enterprises import EnterpriseForm
from labdesk.signing import load_public_pem
from labdesk.store.db import open_database

# code, region, level ("city" / "county"); 阜阳 first so that small demos hold the trend.
CENTRES: tuple[tuple[str, str, str], ...] = (
    ("FY01", "341200", "city"),
    ("LQ01", "341221", "county"),
    ("HF01", "340100", "city"),
    ("TH01", "341222", "county"),
    ("CF01", "340121", "county"),
    ("WH01", "340200", "city"),
    ("NL01", "340223", "county"),
    ("AQ01", "340800", "city"),
    ("TC01", "340881", "county"),
    ("SZ01", "341300", "city"),
    ("DS01", "341321", "county"),
    ("LA01", "341500", "city"),
    ("HS01", "341000", "city"),
    ("SX01", "341021", "county"),
    ("BZ01", "341600", "city"),
    ("MC01", "341622", "county"),
)
TREND_CITY = "341200"  # 阜阳市
TREND_CLASS = "RICE"
TREND_ITEM = "镉"
TREND_DAYS = 95
DAYS = 540
STATES = (("exported", 92), ("approved", 4), ("testing", 4))
_ORG = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_NAMES = ("丰泰", "徽韵", "江淮", "皖新", "天禾", "恒源", "金穗", "绿源", "瑞丰", "新安")
_KINDS = ("食品有限公司", "粮油有限公司", "商贸有限公司", "超市有限公司", "农产品专业合作社")


def _place_codes(region: str) -> tuple[str, ...]:
    """Where a centre's local enterprises are registered: its county, or its city's."""
    return (region,) if region[4:] != "00" else regions.counties_of(region)


def _enterprise(rng: random.Random, region: str, tag: str) -> EnterpriseForm:
    body = "MA" + "".join(rng.choice(_ORG) for _ in range(6))
    code = make_uscc(f"91{region}{body}{org_code_check_digit(body)}")
    place = regions.name(region)
    city = regions.name(regions.city_of(region))
    return EnterpriseForm(
        uscc=code,
        name=f"{place}{rng.choice(_NAMES)}{tag}{rng.choice(_KINDS)}（演示）",
        address=f"安徽省{city}{place}某某路{rng.randint(1, 999)}号",
        region_code=region,
    )


@dataclass(frozen=True)
class Offender:
    """A planted repeat offender: sampled by two centres and failing at both."""

    enterprise: EnterpriseForm
    category: str
    visits: tuple[tuple[str, int], ...]  # (centre code, days before the end of exports)


@dataclass
class ProvinceDemo:
    hq_url: str
    workdir: Path
    centres: list[DemoBuild] = field(default_factory=list)
    outcomes: list[IngestOutcome] = field(default_factory=list)
    offenders: list[Offender] = field(default_factory=list)
    trend: tuple[str, str, str] = (TREND_ITEM, TREND_CLASS, TREND_CITY)


def _offenders(rng: random.Random, codes: list[str]) -> list[Offender]:
    """Each pair of neighbouring centres shares one offender (three at most)."""
    regions_of = {c: r for c, r, _ in CENTRES}
    found = []
    classes = ("RICE", "VEG-CHIVES", "TEXTILE-A")
    for n in range(min(3, len(codes) - 1)):
        first, second = codes[n], codes[n + 1]
        home = rng.choice(_place_codes(regions_of[first]))
        found.append(
            Offender(
                _enterprise(rng, home, f"重复{n + 1}号"),
                classes[n],
                ((first, 300 - 40 * n), (second, 60 + 20 * n)),
            )
        )
    return found


def _chooser(
    code: str,
    region: str,
    local: list[str],
    offenders: list[Offender],
    export_end: date,
) -> Callable[[int, date, random.Random], SampleChoice]:
    """The plan's say over each sample of centre `code` (dates arrive in order)."""
    pending = [
        (export_end - timedelta(days=days), o)
        for o in offenders
        for centre, days in o.visits
        if centre == code
    ]
    trend_here = regions.city_of(region) == TREND_CITY
    trend_start = export_end - timedelta(days=TREND_DAYS)

    def choose(index: int, day: date, rng: random.Random) -> SampleChoice:
        for due in list(pending):
            if day >= due[0]:
                pending.remove(due)
                offender = due[1]
                return SampleChoice(offender.category, offender.enterprise.uscc, Decimal(100))
        enterprise = rng.choice(local)
        # In the trend's months the city's centre samples mostly 大米, so that even a small
        # demo (whose newest samples are mostly not yet exported) holds enough results in
        # the alerts' window (alerts.MIN_WINDOW) for the rise to be tested at all.
        rising = day >= trend_start
        if trend_here and rng.random() < (0.9 if rising else 0.6):
            bias = Decimal("2.5") if rising else Decimal("0.15")
            return SampleChoice(TREND_CLASS, enterprise, bias)
        return SampleChoice(None, enterprise, None)

    return choose


def _levels(kind: str) -> tuple[str, ...]:
    if kind == "county":
        return ("县级", "省级", "县级", "市级", "县级", "国家级")
    return ("市级", "省级", "市级", "国家级", "市级", "省级")


def build_province_demo(
    hq_url: str,
    workdir: Path,
    *,
    centres: int = 12,
    samples: int = 150,
    seed: int = 7,
    today: date | None = None,
    progress: Callable[[str], None] | None = None,
) -> ProvinceDemo:
    """Build `centres` demo centres under `workdir` and ingest their batches into HQ."""
    from labdesk.batch.hq_store import open_hq

    if not 1 <= centres <= len(CENTRES):
        raise WorkflowError(f"--centres: 1 to {len(CENTRES)} (one per demo region)")
    if samples < 20:
        raise WorkflowError("--samples: at least 20 per centre")
    today = today or date.today()
    workdir = Path(workdir)
    with open_hq(hq_url) as store:
        if store.scalar("SELECT COUNT(*) FROM hq_batches"):
            raise WorkflowError(
                "the HQ database already holds batches; the demo needs an empty one"
            )
    if workdir.exists() and any(workdir.iterdir()):
        raise WorkflowError(f"{workdir} is not empty; the demo writes its centres there")
    workdir.mkdir(parents=True, exist_ok=True)
    rng = random.Random(seed)
    chosen = list(CENTRES[:centres])
    offenders = _offenders(rng, [c for c, _, _ in chosen])
    # The oldest 92 % are exported (STATES): the newest exported date is about here.
    export_end = today - timedelta(days=DAYS * 8 // 100 + 5)
    result = ProvinceDemo(hq_url, workdir, offenders=offenders)
    keys: list[Any] = []
    for n, (code, region, kind) in enumerate(chosen):
        if progress is not None:
            progress(f"centre {n + 1}/{len(chosen)}: {code} {regions.name(region)}")
        local = [
            _enterprise(rng, rng.choice(_place_codes(region)), "")
            for _ in range(max(12, samples // 3))
        ]
        plan = DemoPlan(
            enterprises=tuple(local) + tuple(o.enterprise for o in offenders),
            task_levels=_levels(kind),
            days=DAYS,
            states=STATES,
            choose=_chooser(code, region, [e.uscc for e in local], offenders, export_end),
        )
        build = _build_centre(workdir, code, region, kind, samples, seed + n, today, plan)
        result.centres.append(build)
        if build.public_key_file is not None:
            keys.append(load_public_pem(build.public_key_file.read_bytes()))
    if progress is not None:
        progress("HQ: verifying and ingesting every centre's batches")
    with open_hq(hq_url) as store:
        result.outcomes = ingest(store, [b.outbox for b in result.centres], keys)
    return result


def _build_centre(
    workdir: Path,
    code: str,
    region: str,
    kind: str,
    samples: int,
    seed: int,
    today: date,
    plan: DemoPlan,
) -> DemoBuild:
    city = regions.name(regions.city_of(region))
    name = (
        f"{city}产品质量监督检验中心（演示）"
        if kind == "city"
        else f"{city}{regions.name(region)}产品质量监督检验所（演示）"
    )
    path = workdir / f"{code}.sqlite"
    db = open_database(path)
    try:
        _, _, _, admin_password = auth.DEMO_ACCOUNTS[0]
        auth.setup_centre(
            db,
            name=name,
            code=code,
            region_code=region,
            admin_username="admin",
            admin_password=admin_password,
            admin_display_name=auth.DEMO_ACCOUNTS[0][1],
            demo=True,
        )
        return build_demo(db, samples=samples, seed=seed, today=today, plan=plan,
                          outbox=workdir / f"{code}-outbox")  # fmt: skip
    finally:
        db.close()
