"""统一社会信用代码 problems in the interface language (Qt translations, context "Uscc").

The core names the rule and its facts (`core.uscc.UsccProblem`); this module says it in
the language the UI runs in. The English here is the core's English (`core.uscc.MESSAGES`,
kept equal by tests/ui/test_uscc_text.py); the Chinese lives in
resources/i18n/identity_zh_CN.ts.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication

from labdesk.core.errors import LabDeskError
from labdesk.core.uscc import UsccError, UsccProblem


def _templates() -> dict[str, str]:
    # Spelled out in full each time: pyside6-lupdate finds only direct calls.
    return {
        "empty": QCoreApplication.translate("Uscc", "empty: no code given"),
        "length": QCoreApplication.translate(
            "Uscc", "length: expected 18 characters, got {length}"
        ),
        "charset": QCoreApplication.translate(
            "Uscc",
            "character {char!r} at position {position} is not allowed; "
            "use 0-9 and A-Z without I O S V Z",
        ),
        "authority": QCoreApplication.translate(
            "Uscc", "registration authority code {char!r} (position 1) is not assigned"
        ),
        "category": QCoreApplication.translate(
            "Uscc",
            "category code {char!r} (position 2) is not assigned for registration authority "
            "{authority} {authority_name}; allowed: {allowed}",
        ),
        "division": QCoreApplication.translate(
            "Uscc",
            "administrative division (positions 3-8) must be six digits; "
            "position {position} is {char!r}",
        ),
        "org_check": QCoreApplication.translate(
            "Uscc",
            "organisation code check digit (position 17): expected {expected}, got {got}",
        ),
        "check": QCoreApplication.translate(
            "Uscc", "check character (position 18): expected {expected}, got {got}"
        ),
    }


def uscc_message(problem: UsccProblem) -> str:
    """The problem in the interface language."""
    return _templates()[problem.code].format(**problem.params)


def uscc_error_text(exc: LabDeskError) -> str | None:
    """For a refused code, the field's label and the problem in the interface language;
    None for any other error (shown as its message)."""
    if not isinstance(exc, UsccError):
        return None
    label = QCoreApplication.translate("Uscc", "Unified social credit code")
    return QCoreApplication.translate("Uscc", "{0}: {1}").format(label, uscc_message(exc.problem))
