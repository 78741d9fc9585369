"""统一社会信用代码 messages in the interface language: the Chinese UI says the rule in
Chinese, the English UI in English, and both say what the core says (`core.uscc`)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from labdesk.core.uscc import MESSAGES, UsccError, describe, validate_uscc
from labdesk.ui.errors import user_message
from labdesk.ui.i18n import install_translators, remove_translators
from labdesk.ui.sampling_form import SamplingFormDialog
from labdesk.ui.session import UiSession
from labdesk.ui.uscc_text import uscc_message
from tests.ui.conftest import sign_in_as
from tests.ui.test_workflow import new_uscc
from tests.ui.typing import type_text

# One code per rule of core.uscc (all eight).
BAD = {
    "empty": " ",
    "length": "123",
    "charset": "91440300I92203821X",
    "authority": "B14403001922038216",
    "category": "944403001922038216",
    "division": "9144A3001922038216",
    "org_check": "914403001922038226",
    "check": "914403001922038217",
}


@pytest.fixture
def chinese(qapp: QApplication) -> Iterator[None]:
    install_translators("zh")  # translators need the application object
    yield
    remove_translators()


def test_every_rule_has_a_case() -> None:
    assert set(BAD) == set(MESSAGES)


@pytest.mark.parametrize("rule", sorted(BAD))
def test_english_ui_says_what_the_core_says(rule: str) -> None:
    problem = validate_uscc(BAD[rule]).problem
    assert problem is not None and problem.code == rule
    assert uscc_message(problem) == describe(problem, "en")


@pytest.mark.parametrize("rule", sorted(BAD))
def test_chinese_ui_says_it_in_chinese(chinese: None, rule: str) -> None:
    problem = validate_uscc(BAD[rule]).problem
    assert problem is not None
    assert uscc_message(problem) == describe(problem, "zh")


def test_a_refusal_from_the_service_is_shown_in_chinese(chinese: None) -> None:
    problem = validate_uscc(BAD["check"]).problem
    assert problem is not None
    text = user_message(UsccError("enterprise_uscc", problem))
    assert text == "统一社会信用代码：第18位校验码错误：应为6，实为7"


def test_typing_a_wrong_check_character_in_the_chinese_form(
    qtbot: QtBot, session: UiSession, chinese: None
) -> None:
    sign_in_as(session, "tech1")
    dialog = SamplingFormDialog(session)
    qtbot.addWidget(dialog)
    good = new_uscc(7)
    wrong = "0" if good[-1] != "0" else "1"
    type_text(qtbot, dialog.form.uscc, good[:-1] + wrong)
    error = dialog.form.fields["enterprise_uscc"].error
    assert error.isVisibleTo(dialog.form)
    assert error.text() == f"第18位校验码错误：应为{good[-1]}，实为{wrong}"
    assert "expected" not in error.text() and "position" not in error.text()
