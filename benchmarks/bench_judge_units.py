"""Unit conversion and sums against the plain distinct workload (issue 14: ≤ 1.2).

Ours: the `judge_distinct` results where every rule converts the result (a unit ratio or a
以…计 factor, one exact Decimal multiplication) and one result in ten is a sum of two
components. Baseline: the same results judged plain (`judge_distinct`'s own path). The
ratio is the share that conversion and sums add.
"""

from __future__ import annotations

from benchmarks.bench_judge_distinct import _ours, _setup, _units_and_sums
from benchmarks.harness import Benchmark

BENCHMARK = Benchmark(
    name="judge_units",
    description="judge_distinct with every result converted (unit ratio or 以…计 factor) "
    "and 10 % typed as sums",
    baseline_description="the same results judged without conversion or sums (judge_distinct)",
    target=1.2,
    setup=_setup,
    ours=_units_and_sums,
    baseline=_ours,
    # A quick round is 10–60 ms: on the loaded 2-core box the median of 3 moved the ratio
    # by ±30 % between runs, the median of 9 far less, for a second more.
    quick_rounds=9,
)
