"""How the alert method behaves: false alarms on stationary data, delay on a planted rise.

`python -m labdesk.province.alert_sim` prints the figures docs/province.md quotes. The
data are simulated: `cells` item × class × city cells, each with its own constant failure
rate (drawn from `BASE_RATES`) and `tested` results a month, for `months` months; every
month from the first with a full history on is evaluated exactly as `alerts.evaluate`
does for real data. A *false alarm* is an alert on a stationary cell. For the delay, one
cell's rate rises from `RISE_FROM` to `rise_to` at month `rise_at`; the delay is the
number of months from the rise to its first alert (0 = the very month of the rise).

The random draws are the simulation's own (Python's `random`, seeded); the test itself is
the production code on the resulting integer counts.
"""

from __future__ import annotations

import random
import statistics
import sys
from dataclasses import dataclass, field

from labdesk.province.alerts import HISTORY, WINDOW, Cell, evaluate, month_add

BASE_RATES = (0.02, 0.05, 0.10, 0.20)
RISE_FROM = 0.05
START = "2020-01"


@dataclass
class SimResult:
    evaluations: int = 0  # cell-months tested
    months: int = 0  # evaluation months (families)
    false_alarms: int = 0
    months_with_false_alarm: int = 0
    delays: list[int] = field(default_factory=list)
    missed: int = 0

    @property
    def false_alarm_rate(self) -> float:
        return self.false_alarms / self.evaluations if self.evaluations else 0.0

    @property
    def familywise_rate(self) -> float:
        return self.months_with_false_alarm / self.months if self.months else 0.0


def _draw(rng: random.Random, n: int, p: float) -> int:
    return sum(rng.random() < p for _ in range(n))


def simulate(
    *,
    runs: int = 20,
    cells: int = 100,
    months: int = 27,
    tested: int = 6,
    rise_to: float | None = None,
    rise_at: int = 20,
    seed: int = 1,
) -> SimResult:
    rng = random.Random(seed)
    out = SimResult()
    first_eval = WINDOW + HISTORY - 1
    keys: list[Cell] = [(f"item{i}", "class", "340100") for i in range(cells)]
    for _ in range(runs):
        rates = {key: rng.choice(BASE_RATES) for key in keys}
        planted = keys[0] if rise_to is not None else None
        if planted is not None:
            rates[planted] = RISE_FROM
        series: dict[Cell, dict[str, tuple[int, int]]] = {key: {} for key in keys}
        for m in range(months):
            month = month_add(START, m)
            for key in keys:
                p = rates[key]
                if key == planted and m >= rise_at and rise_to is not None:
                    p = rise_to
                series[key][month] = (tested, _draw(rng, tested, p))
        detected: int | None = None
        for m in range(first_eval, months):
            tests = evaluate(series, month_add(START, m))
            out.months += 1
            false = [t for t in tests if t.alert and t.cell != planted]
            out.evaluations += len([t for t in tests if t.cell != planted])
            out.false_alarms += len(false)
            out.months_with_false_alarm += bool(false)
            hit = any(t.alert and t.cell == planted for t in tests)
            if planted is not None and detected is None and m >= rise_at and hit:
                detected = m - rise_at
        if planted is not None:
            if detected is None:
                out.missed += 1
            else:
                out.delays.append(detected)
    return out


def main() -> int:  # pragma: no cover - prints the documented figures
    still = simulate(runs=40, seed=11)
    print(
        f"stationary: {still.evaluations} cell-months, {still.false_alarms} false alarms "
        f"({still.false_alarm_rate:.5f} per cell-month); months with any false alarm "
        f"{still.months_with_false_alarm}/{still.months} ({still.familywise_rate:.4f})"
    )
    for tested, rise in ((6, 0.15), (6, 0.25), (6, 0.40), (20, 0.15), (20, 0.25)):
        r = simulate(runs=40, rise_to=rise, tested=tested, seed=12)
        median = statistics.median(r.delays) if r.delays else None
        print(
            f"rise 5% → {rise:.0%}, {tested} tested/month: detected "
            f"{len(r.delays)}/{len(r.delays) + r.missed} within 7 months, "
            f"median delay {median}, delays {sorted(r.delays)}"
        )
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
