"""10,000 instrument readings through a method version's formula vs a bare Decimal loop.

The data (fixed seed) is a day of an ICP-MS lab: 5,000 items in duplicate — 10,000
readings of ρ (μg/L, three decimals as the instrument exports them) with their masses
(g, four decimals) — for lead by the formula ``(rho - rho0) * V * f / (m * 1000)`` with
V = 25 mL and f = 1 by default and ρ₀ the run's blank mean.

Ours: `core.method_calc.compute_items` over the items (as a run's file import calls it):
the readings read and checked as decimal text, the formula evaluated by the safe
evaluator (parsed once per method version; no eval), the determinations' permitted
difference checked exactly, the mean rounded once by GB/T 8170 with the rounding-tie
guard. (U of the reported value is computed when asked for, not here.)

Baseline: the same arithmetic written by hand — ``Decimal(text)`` for each reading, the
expression with Python's Decimal operators, the mean, ``abs(a - b) <= 0.20 × mean``, and
``quantize(Decimal("0.001"), ROUND_HALF_EVEN)`` — no checks, no messages.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from decimal import ROUND_HALF_EVEN, Decimal

from benchmarks.harness import Benchmark
from labdesk.core.method_calc import MethodSpec, compute_items, method_spec

FORMULA = "(rho - rho0) * V * f / (m * 1000)"
INPUTS = [
    {"name": "rho", "unit": "μg/L"},
    {"name": "rho0", "unit": "μg/L", "blank_of": "rho"},
    {"name": "V", "unit": "mL", "default": "25"},
    {"name": "f", "default": "1"},
    {"name": "m", "unit": "g"},
]
BLANK = Decimal("0.052")


@dataclass
class _State:
    spec: MethodSpec
    items: list[list[dict[str, str]]]


def _setup(quick: bool) -> _State:
    rng = random.Random(16)
    count = 2_000 if quick else 5_000  # items in duplicate: 4,000 / 10,000 readings
    items = []
    for _ in range(count):
        level = rng.uniform(0.2, 12.0)
        items.append(
            [
                {
                    "rho": f"{level * rng.uniform(0.97, 1.03):.3f}",
                    "m": f"{rng.uniform(0.45, 0.55):.4f}",
                }
                for _ in range(2)
            ]
        )
    spec = method_spec(
        FORMULA, INPUTS, replicates=2, places=3, max_rel_diff="20", uncertainty="15%"
    )
    return _State(spec, items)


def _ours(state: _State) -> object:
    # As a run's instrument file is computed: every item of the method version at once.
    blank = {"rho": BLANK}
    return [c.text for c in compute_items(state.spec, state.items, blank)]


_V, _F, _K = Decimal(25), Decimal(1), Decimal(1000)
_LIMIT, _Q = Decimal("0.20"), Decimal("0.001")


def _baseline(state: _State) -> object:
    out = []
    for item in state.items:
        values = [(Decimal(r["rho"]) - BLANK) * _V * _F / (Decimal(r["m"]) * _K) for r in item]
        mean = sum(values, Decimal(0)) / len(values)
        within = abs(values[0] - values[1]) <= _LIMIT * abs(mean)
        out.append((str(mean.quantize(_Q, ROUND_HALF_EVEN)), within))
    return out


BENCHMARK = Benchmark(
    name="run_calc",
    description="10,000 readings (5,000 items in duplicate) through compute_items: checked "
    "inputs, the safe formula evaluator, exact replicate check, one GB/T 8170 rounding",
    baseline_description="bare loop: Decimal(text), the same expression with Decimal "
    "operators, mean, |a-b| <= 20% of mean, quantize(0.001, ROUND_HALF_EVEN)",
    target=3.0,
    setup=_setup,
    ours=_ours,
    baseline=_baseline,
    # A round is ~10–40 ms: more of them keep the median off one noisy round.
    rounds=7,
    quick_rounds=9,
)
