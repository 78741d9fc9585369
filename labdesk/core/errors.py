"""Errors a user can act on, shared by every layer.

Anything derived from `LabDeskError` carries a message fit to show a user as it is
(the UI shows it plainly, the CLI prints it and exits 2). Any other exception is a
bug: it is logged with its trace.

`str(exc)` keeps both languages ("English （中文）"), as logs and older callers read it;
`exc.in_language("zh" | "en")` is the message wholly in one language (issue 21.8), from
the `texts` the raiser gave, else split from the combined text.
"""

from __future__ import annotations

import re
from functools import cache

# The patterns are compiled on first use, not at import: every process imports this
# module, few split a message, and the CJK character classes alone cost ~3–10 ms to
# compile (the sign-in window's start paid them; docs/performance.md).
_CJK_CLASS = r"[\u3400-\u9fff\uf900-\ufaff\u3000-\u303f\uff01-\uff60“”]"


@cache
def _pattern(source: str) -> re.Pattern[str]:
    return re.compile(source)


def _cjk() -> re.Pattern[str]:
    return _pattern(_CJK_CLASS)


_OPEN = "(（"
_CLOSE = ")）"


class LabDeskError(Exception):
    """A problem the user can act on. `str(exc)` is the message to show; `texts`, when the
    raiser gave them, says it in each language alone ({"en": …, "zh": …})."""

    def __init__(self, *args: object, en: str | None = None, zh: str | None = None) -> None:
        super().__init__(*args)
        self.texts: dict[str, str] = {}
        if en is not None:
            self.texts["en"] = en
        if zh is not None:
            self.texts["zh"] = zh

    def in_language(self, language: str) -> str:
        """The message in `language` ("zh" or "en") alone."""
        texts = getattr(self, "texts", None) or {}  # a subclass may skip our __init__
        chosen = texts.get(language)
        if chosen is not None:
            return chosen
        if language == "en" and _cjk().search(str(self)):
            from labdesk.core.messages_zh import translate_en

            known = translate_en(str(self))
            if known is not None:
                return known
        text = split_gloss(str(self), language)
        if language == "zh" and not _cjk().search(text):
            # Raised in English only: its Chinese from the catalogue (core/messages_zh.py).
            from labdesk.core.messages_zh import translate

            return translate(text) or text
        if language == "en" and _cjk().search(text):
            # Raised in Chinese (or mixed): its English from the same module, if known.
            from labdesk.core.messages_zh import translate_en

            return translate_en(text) or text
        return text


def split_gloss(message: str, language: str) -> str:
    """One language of a combined "English text (中文释义)" message.

    The Chinese is the bracketed gloss that ends the message, when it holds Chinese and
    the text before it does not; a message of one language only is returned as it is.
    """
    text = message.rstrip()
    if not text or text[-1] not in _CLOSE:
        return message
    depth = 0
    for index in range(len(text) - 1, -1, -1):
        char = text[index]
        if char in _CLOSE:
            depth += 1
        elif char in _OPEN:
            depth -= 1
            if depth == 0:
                english, chinese = text[:index].rstrip(), text[index + 1 : -1].strip()
                if english and _mostly_chinese(english):
                    prose = _pattern(_ENGLISH_PROSE).search(chinese)
                    if prose and not _cjk().search(chinese):
                        return _reversed(english, chinese, language)
                    return message  # Chinese before the bracket: one Chinese message
                if not english or not _cjk().search(chinese):
                    return message
                return _with_what_was_named(chinese, english) if language == "zh" else english
    return message


# "file.csv: 文件为空 (the file is empty)": a few messages give the Chinese first and the
# English in brackets; a leading "name: " (no Chinese in it) belongs to both.
_LEADING_NAME = r"^[^\u3400-\u9fff“”（）]*?:\s+"


# English words, not a unit or a code: "the file is empty", "applicant: required".
_ENGLISH_PROSE = r"[A-Za-z]{2,}[\s,:;'-]+[A-Za-z]{2,}|(?<![A-Za-z])[A-Za-z]{5,}"


def _mostly_chinese(text: str) -> bool:
    """More Chinese than English in `text` (a Chinese character counts for two letters)."""
    return len(_cjk().findall(text)) * 2 >= len(_pattern("[A-Za-z]").findall(text))


def _reversed(chinese: str, english: str, language: str) -> str:
    if language == "zh":
        return chinese
    lead = _pattern(_LEADING_NAME).match(chinese)
    return (lead.group(0) if lead else "") + english


# What an English message quotes of the user's input ('NOPE', a path): a terse Chinese
# gloss ("样品不存在") would lose which one, so it is carried over, quoted, not translated.
_NAMED = r"(?<![A-Za-z])'([^'\n]{1,80})'(?![A-Za-z])|(?<!\S)((?:/|[A-Za-z]:\\)[^\s,;:()]+)"


def _with_what_was_named(chinese: str, english: str) -> str:
    named = []
    for match in _pattern(_NAMED).finditer(english):
        quoted, path = match.groups()
        item = quoted if quoted is not None else path.rstrip(".")
        if item and item not in chinese and item not in named:
            named.append(item)
    if not named:
        return chinese
    return chinese + "：" + "，".join(f"“{item}”" for item in named)


class ValidationError(LabDeskError):
    """Bad input: names the field and the rule it broke. Nothing was written."""

    def __init__(
        self,
        field: str,
        rule: str,
        message: str | None = None,
        *,
        en: str | None = None,
        zh: str | None = None,
    ) -> None:
        self.field = field
        self.rule = rule
        super().__init__(message or f"{field}: {rule}", en=en, zh=zh)


class PermissionDenied(LabDeskError):
    """The signed-in user's role does not allow the action."""


class WorkflowError(LabDeskError):
    """The action does not fit the record's state (e.g. editing an approved sample)."""


class NotFound(LabDeskError):
    """A record the user named does not exist."""
