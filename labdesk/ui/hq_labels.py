"""Display text for the HQ screens: rates, verdicts and exclusion reasons (translated)."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication

from labdesk.services.summary import Rate


def rate_text(rate: Rate) -> str:
    """Percent with two decimals (half-even, from the stored counts), or — when none."""
    return rate.percent_text(2)


def verdict_text(verdict: str) -> str:
    return {
        "pass": QCoreApplication.translate("HqLabels", "Pass"),
        "fail": QCoreApplication.translate("HqLabels", "Fail"),
        "not_judged": QCoreApplication.translate("HqLabels", "Not judged"),
    }.get(verdict, verdict)


def nothing_to_export() -> str:
    """Export pressed before the screen could read its figures even once (the server was
    away since the window opened): said, rather than asking for a file and writing none."""
    return QCoreApplication.translate(
        "HqLabels",
        "Nothing to export yet: the figures have not been read. Press F5 to read them again.",
    )


def exclusion_text(reason: str, samples: int) -> str:
    """One exclusion reason with its count, as the banner states it."""
    texts = {
        "report-withdrawn": QCoreApplication.translate(
            "HqLabels", "{0} whose report was withdrawn"
        ),
        "centre-no-region": QCoreApplication.translate(
            "HqLabels", "{0} from centres without a region code (labdesk-batch/1, quarantined)"
        ),
        "region-outside": QCoreApplication.translate(
            "HqLabels", "{0} whose unit and centre codes are outside the province"
        ),
        "not-judged": QCoreApplication.translate("HqLabels", "{0} not judged"),
        "level-not-stated": QCoreApplication.translate(
            "HqLabels", "{0} whose task states no organising level"
        ),
        "uscc-missing": QCoreApplication.translate("HqLabels", "{0} without an enterprise code"),
        "uscc-invalid": QCoreApplication.translate(
            "HqLabels", "{0} whose enterprise code fails GB 32100"
        ),
    }
    return texts.get(reason, reason + ": {0}").format(samples)
