"""A Verdict's explanations are built on first access and equal the eager ones."""

from __future__ import annotations

import copy
import pickle
from dataclasses import FrozenInstanceError, replace

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


def _is_set(verdict: Verdict, name: str) -> bool:
    """Whether a slot holds a value, without the lazy fallback (`Verdict.__getattr__`)."""
    try:
        object.__getattribute__(verdict, name)
    except AttributeError:
        return False
    return True


@pytest.mark.parametrize(("rule", "text", "zh", "en"), CASES)
def test_explanations_built_on_first_read(rule: ItemRule, text: str, zh: str, en: str) -> None:
    verdict = compile_rule(rule).judge(text)
    assert not _is_set(verdict, "explanation_zh")  # not built by judging
    assert verdict.explanation_zh.startswith(zh)
    assert _is_set(verdict, "explanation_zh") and _is_set(verdict, "explanation_en")
    assert verdict.explanation_en.startswith(en)  # built once, then kept


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
    assert _is_set(eager, "explanation_zh")
    assert lazy == eager and hash(lazy) == hash(eager)
    assert pickle.loads(pickle.dumps(compile_rule(rule).judge(text))) == eager
    replaced = replace(compile_rule(rule).judge(text), pending="x")
    assert replaced.explanation_en == eager.explanation_en


@pytest.mark.parametrize(("rule", "text", "zh", "en"), CASES)
def test_a_judged_verdict_is_a_frozen_verdict(rule: ItemRule, text: str, zh: str, en: str) -> None:
    verdict = compile_rule(rule).judge(text)
    assert type(verdict) is Verdict  # the Building it was filled in as never escapes
    with pytest.raises(FrozenInstanceError):
        verdict.verdict = "pass"  # type: ignore[misc]
    with pytest.raises(FrozenInstanceError):
        verdict.explanation_zh = "x"  # type: ignore[misc]
    with pytest.raises(AttributeError):
        verdict.no_such_field  # type: ignore[attr-defined]  # noqa: B018


@pytest.mark.parametrize(("rule", "text", "zh", "en"), CASES)
def test_unset_fields_read_as_their_defaults(rule: ItemRule, text: str, zh: str, en: str) -> None:
    verdict = compile_rule(rule).judge(text)
    assert verdict.report_only is False and verdict.components == ()
    assert verdict.converted == "" and verdict.pending == ""
    assert verdict.limit == compile_rule(rule).limit_zh
    assert copy.copy(verdict) == verdict and copy.deepcopy(verdict) == verdict
