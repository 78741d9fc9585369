"""The benchmark protocol and runner.

A benchmark module `benchmarks/bench_<name>.py` defines `BENCHMARK = Benchmark(...)`:

- `setup(quick)` builds the shared data (once) and returns a state object;
- `ours(state)` runs LabDesk's code path, `baseline(state)` the raw baseline, on that data;
- `teardown(state)` frees what setup made (optional).

Rounds alternate ours and baseline so that background noise hits both alike; the median
of each is reported with their ratio. Peak memory (ru_maxrss of the process) is recorded
after each benchmark, with what the benchmark put in its `extra` (after its teardown).
"""

from __future__ import annotations

import gc
import importlib
import pkgutil
import resource
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Benchmark:
    name: str
    description: str
    baseline_description: str
    target: float
    setup: Callable[[bool], Any]
    ours: Callable[[Any], object]
    baseline: Callable[[Any], object]
    teardown: Callable[[Any], None] | None = None
    rounds: int = 5
    quick_rounds: int = 3
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass
class Outcome:
    name: str
    ours_s: float
    baseline_s: float
    ratio: float
    target: float
    met: bool
    rounds: int
    peak_rss_mb: float
    description: str
    baseline_description: str
    # What a benchmark records beside the timing, e.g. the start-ups' children's own peak
    # RSS (the process's peak above is the harness's, not the child's).
    extra: dict[str, Any] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        fields = dict(self.__dict__)
        if not fields["extra"]:
            del fields["extra"]  # the JSON of a benchmark without extras stays as it was
        return fields


def discover() -> list[Benchmark]:
    import benchmarks

    found: list[Benchmark] = []
    for info in sorted(pkgutil.iter_modules(benchmarks.__path__), key=lambda m: m.name):
        if info.name.startswith("bench_"):
            module = importlib.import_module(f"benchmarks.{info.name}")
            found.append(module.BENCHMARK)
    return found


def _timed(fn: Callable[[Any], object], state: Any) -> float:
    gc.collect()
    start = time.perf_counter()
    fn(state)
    return time.perf_counter() - start


def run(bench: Benchmark, quick: bool) -> Outcome:
    state = bench.setup(quick)
    try:
        rounds = bench.quick_rounds if quick else bench.rounds
        ours_times: list[float] = []
        base_times: list[float] = []
        for _ in range(rounds):
            base_times.append(_timed(bench.baseline, state))
            ours_times.append(_timed(bench.ours, state))
    finally:
        if bench.teardown is not None:
            bench.teardown(state)
    ours_s = statistics.median(ours_times)
    base_s = statistics.median(base_times)
    ratio = ours_s / base_s if base_s > 0 else float("inf")
    peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return Outcome(
        name=bench.name,
        ours_s=round(ours_s, 6),
        baseline_s=round(base_s, 6),
        ratio=round(ratio, 3),
        target=bench.target,
        met=ratio <= bench.target,
        rounds=rounds,
        peak_rss_mb=round(peak_kb / 1024, 1),
        description=bench.description,
        baseline_description=bench.baseline_description,
        extra=dict(bench.extra),
    )
