"""Statutory refusals of a re-inspection or objection, and what counts as microbiological."""

from __future__ import annotations

from datetime import date

from labdesk.core.reinspection import ApplicationFacts, BackupFacts, is_microbiological, refusals
from labdesk.core.report_class import (
    FAILED,
    PASSED,
    PROBLEM,
    REPORT_CLASSES,
    check_report_class,
    derive_report_class,
    item_judgement,
)

DAY = date(2026, 3, 10)


def _codes(**kw: object) -> list[str]:
    facts = ApplicationFacts(
        **{
            "kind": "reinspection",
            "food": True,
            "applied_on": DAY,
            "window_end": DAY,
            "backup": BackupFacts(None),
            **kw,
        }  # type: ignore[arg-type]
    )
    return [r.code for r in refusals(facts)]


def test_an_admissible_application() -> None:
    assert _codes() == []


def test_each_statutory_refusal() -> None:
    assert _codes(applied_on=date(2026, 3, 11)) == ["late"]
    assert _codes(failed_microbiological=("菌落总数",)) == ["microbiological"]
    assert _codes(food=False, failed_microbiological=("菌落总数",)) == []  # food only
    assert _codes(backup=None) == ["no_backup"]
    assert _codes(backup=BackupFacts(date(2026, 3, 9))) == ["backup_expired"]
    assert _codes(backup=BackupFacts(DAY)) == []  # the last day of shelf life still counts
    assert _codes(
        applied_on=date(2026, 4, 1), failed_microbiological=("沙门氏菌",), backup=None
    ) == ["late", "microbiological", "no_backup"]
    # An objection is refused only for lateness; without a known window, never.
    assert _codes(kind="objection", backup=None, applied_on=date(2026, 4, 1)) == ["late"]
    assert _codes(kind="objection", window_end=None, applied_on=date(2027, 1, 1)) == []


def test_what_is_microbiological() -> None:
    assert is_microbiological("GB 4789.2-2022")
    assert is_microbiological("GB4789.4-2016")
    assert is_microbiological("GB/T 4789.3-2003")
    assert is_microbiological("", "CFU/g") and is_microbiological("", "MPN/100mL")
    assert is_microbiological("", "", plan_units=True)
    assert not is_microbiological("GB 5009.12-2023", "mg/kg")
    assert not is_microbiological("GB 47891-2030", "mg/kg")


def test_report_class_derivation() -> None:
    assert derive_report_class("pass", "监督抽检") == PASSED
    assert derive_report_class("fail", "监督抽检") == FAILED
    assert derive_report_class("fail", "抽检监测") == FAILED
    assert derive_report_class("fail", "风险监测") == PROBLEM
    assert derive_report_class("fail", "评价性抽检") == PROBLEM
    assert derive_report_class("not_judged", "监督抽检") == ""
    assert item_judgement("fail", "风险监测") == "问题项"
    assert item_judgement("fail", "") == "不合格项" and item_judgement("pass") == "合格项"
    assert len(REPORT_CLASSES) == 5 and "问题样品报告" not in REPORT_CLASSES
    assert check_report_class("24小时限时报告") == "24小时限时报告"
    try:
        check_report_class("问题样品报告")
    except ValueError:  # pragma: no cover - ValidationError is not a ValueError
        raise
    except Exception as exc:
        assert "report_class" in getattr(exc, "field", "")
    else:
        raise AssertionError("an unknown class was accepted")
