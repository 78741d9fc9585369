"""Judging 100,000 results with no repeated (rule, text) pair: no memo can help.

Issue 13 item 3. The rules are those of `bench_judge` (heavy metals with LOD/LOQ, both
methods, ranges, tolerances); every text is distinct per rule (values drawn with enough
digits and de-duplicated), ~8 % of them ND-like entries made distinct by their stated LOD
("ND(0.0031)") or bound ("<0.00412"). Rules are compiled afresh each round; the results
are judged together by `judge_rows`, the product's bulk path (codes and displays, each
Verdict made when asked for).

Baseline: the bare Decimal loop of `bench_judge` on the same texts.

`bench_judge_units` times the same workload where every rule converts the result's unit to
the limit's (μg/kg → mg/kg, or a 以…计 factor) and one result in ten is typed as a sum of two
components — its time over the plain workload's (issue 14: no more than 1.2).
"""

from __future__ import annotations

import random
from dataclasses import dataclass, replace
from decimal import ROUND_HALF_EVEN, Decimal

from benchmarks.bench_judge import _ITEMS
from benchmarks.harness import Benchmark
from labdesk.core.judgement import CompiledRule, ItemRule, compile_rule, judge_rows


@dataclass
class _State:
    ours: list[tuple[int, str]]
    bare: list[tuple[Decimal, Decimal, str]]
    converted_rules: list[ItemRule]
    converted: list[tuple[int, str]]


def _converted_rule(rule: ItemRule) -> ItemRule:
    """The same rule with its result converted on the way: a limit in mg/kg with the
    result typed in mg/kg × 1 (unit ratio 1 is skipped, so this uses a 以…计 factor of 1,
    which takes the same path as any unit ratio: one exact multiplication, the converted
    value shown). The verdicts are the plain workload's, so the work compared is the same."""
    if rule.limit.startswith("不得检出"):
        return rule  # a presence test has no value to convert
    return replace(rule, factor="1")


def _setup(quick: bool) -> _State:
    rng = random.Random(2026)
    count = 20_000 if quick else 100_000
    compiled = [compile_rule(rule) for rule, *_ in _ITEMS]
    seen: set[tuple[int, str]] = set()
    ours: list[tuple[int, str]] = []
    bare: list[tuple[Decimal, Decimal, str]] = []
    while len(ours) < count:
        index = rng.randrange(len(_ITEMS))
        _rule, centre, spread, places, words = _ITEMS[index]
        if words and (spread == 0 or rng.random() < 0.08):
            if spread == 0:
                text = f"ND({rng.randrange(1, 10**7) / 10**8:.8f})"
            else:
                text = f"<{max(1e-6, rng.random() * centre):.7f}"
        else:
            value = max(0.0, rng.gauss(centre, spread / 2))
            text = f"{value:.{places + 3}f}"  # extra digits keep the texts distinct
        if (index, text) in seen:
            continue
        seen.add((index, text))
        ours.append((index, text))
        comp = compiled[index]
        upper = comp.limit.upper.value if comp.limit.upper else Decimal(0)
        place = comp.limit.default_interval() or Decimal(1)
        bare.append((upper, place, text))
    converted_rules = [_converted_rule(rule) for rule, *_ in _ITEMS]
    converted: list[tuple[int, str]] = []
    for n, (index, text) in enumerate(ours):
        if n % 10 == 0 and text[0].isdigit() and converted_rules[index].limit[0] in "≤<":
            half = Decimal(text) / 2
            text = f"{half:f}+{Decimal(text) - half:f}"
        converted.append((index, text))
    return _State(ours, bare, converted_rules, converted)


def _ours(state: _State) -> object:
    rules: list[CompiledRule] = [compile_rule(rule) for rule, *_ in _ITEMS]
    return judge_rows(rules, state.ours)


def _units_and_sums(state: _State) -> object:
    rules = [compile_rule(rule) for rule in state.converted_rules]
    return judge_rows(rules, state.converted)


def _baseline(state: _State) -> object:
    out: list[bool | None] = []
    for upper, place, text in state.bare:
        if text[0].isdigit():
            out.append(Decimal(text).quantize(place, ROUND_HALF_EVEN) <= upper)
        else:
            out.append(None)
    return out


BENCHMARK = Benchmark(
    name="judge_distinct",
    description="100,000 results, no repeated (rule, text) pair, judged with judge_rows "
    "(the rules of `judge`): codes and displays, each Verdict on demand",
    baseline_description="bare loop: Decimal(text).quantize(limit place) <= upper limit",
    target=3.0,
    setup=_setup,
    ours=_ours,
    baseline=_baseline,
    # A quick round is 10–60 ms: on the loaded 2-core box the median of 3 moved the ratio
    # by ±30 % between runs, the median of 9 far less, for a second more.
    quick_rounds=9,
)
