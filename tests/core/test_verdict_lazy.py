"""A Verdict's explanations are built on first access and equal the eager ones."""

from __future__ import annotations

import pickle
from dataclasses import replace

import pytest

from labdesk.core.judgement import ItemRule, compile_rule
from labdesk.core.verdicts import Verdict

CASES = [
    (ItemRule("≤0.5"), "0.3", "0.3，≤0.5，合格", "0.3, limit at most 0.5: pass"),
    (
        ItemRule("≤0.5", method="rounded", decimals=1),
        "0.56",
        "0.56 修约至 0.6，≤0.5，不合格",
        "0.56 rounded to 0.6, limit at most 0.5: fail",
    ),
    (
        ItemRule("n=5,c=2,m=100 CFU/g,M=1000 CFU/g"),
        "80;120;<10;95;300",
        "1#80、2#120、3#<10、4#95、5#300 CFU/g；",
        "1# 80, 2# 120, 3# <10, 4# 95, 5# 300 CFU/g; ",
    ),
]


@pytest.mark.parametrize(("rule", "text", "zh", "en"), CASES)
def test_explanations_built_on_first_read(rule: ItemRule, text: str, zh: str, en: str) -> None:
    verdict = compile_rule(rule).judge(text)
    assert "explanation_zh" not in vars(verdict)  # not built by judging
    assert verdict.explanation_zh.startswith(zh)
    assert verdict.explanation_en.startswith(en)
    assert "_why" not in vars(verdict)  # built once, then kept


@pytest.mark.parametrize(("rule", "text", "zh", "en"), CASES)
def test_lazy_verdict_equals_eager(rule: ItemRule, text: str, zh: str, en: str) -> None:
    lazy = compile_rule(rule).judge(text)
    other = compile_rule(rule).judge(text)
    eager = Verdict(
        other.verdict,
        other.compared,
        other.rounded,
        other.display,
        other.explanation_zh,
        other.explanation_en,
        other.limit,
        other.report_only,
        other.units,
    )
    assert "explanation_zh" in vars(eager)
    assert lazy == eager and hash(lazy) == hash(eager)
    assert pickle.loads(pickle.dumps(compile_rule(rule).judge(text))) == eager
    replaced = replace(compile_rule(rule).judge(text), pending="x")
    assert replaced.explanation_en == eager.explanation_en
