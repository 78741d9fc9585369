"""Chinese messages wholly Chinese, English messages wholly English (issue 21.8).

Scans the message catalogue: every Qt translation (`resources/i18n/*.ts`, Chinese text of
English sources), the zh/en message tables of the core and services (`*_ZH` / `*_EN`
mappings, `core.uscc.MESSAGES`), and the Chinese half of every limit syntax error. A
Chinese text may name things that have no Chinese — commands, file types, formats,
product and people's names, units, codes — listed in ALLOWED or recognisable as code;
any other English word in it fails, as "应为 a number" did. An English source may carry
Chinese only as a gloss in brackets after its English term ("Pass rate (合格率)") or as an
example of data ("e.g. 留样室 A-3-2"), both deliberate.
"""

from __future__ import annotations

import importlib
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from labdesk.core.errors import LabDeskError, split_gloss
from labdesk.core.limits import LimitSyntaxError, parse_limit
from labdesk.paths import resources_dir

# Words a Chinese text may keep in Latin letters: names, formats and codes without Chinese.
ALLOWED = frozenset(
    [
        "LabDesk",
        "PySide6",
        "Qt",
        "PDF",
        "CSV",
        "Excel",
        "JSON",
        "QR",
        "SM2",
        "SM3",
        "Ed25519",
        "SHA-256",
        "PEM",
        "URL",
        "ID",
        "LOD",
        "LOQ",
        "ND",
        "CMA",
        "HQ",
        "USCC",
        "GB",
        "GB/T",
        "PostgreSQL",
        "SQLite",
        "USB",
        "OK",
        "Westgard",
        "Fisher",
        "Benjamini",
        "Hochberg",
        "YYYY-MM-DD",
        "chinese-calendar",
        "pH",
        "cfu",
        "CFU",
        "MPN",
        "mg",
        "kg",
        "mL",
        "ml",
        "μg",
        "ug",
        "mm",
        "cm",
        "g",
        "L",
        "DPI",
        "RSD",
        "SD",
        "CV",
        "Ctrl",
        "Shift",
        "Alt",
        "Tab",
        "Enter",
        "Esc",
        "Pb",
        "xlsx",
        "xls",
        "csv",
        "txt",
        "json",
        "pdf",
        "png",
        "md",
        "docs",
    ]
)
CJK = re.compile(r"[\u3400-\u9fff]")
# Chinese that is data in an English text: values a user types or reads on a product
# label (the result grammar's words, the label's 执行标准 and 质量等级 fields).
DATA_TOKENS = (
    "不得检出",
    "未检出",
    "不符合",
    "阴性",
    "阳性",
    "检出",
    "符合",
    "执行标准",
    "质量等级",
)


def without_data(text: str) -> str:
    for token in DATA_TOKENS:
        text = text.replace(token, " ")
    return text


WORD = re.compile(r"[A-Za-z][A-Za-z0-9_./\-]*[A-Za-z0-9]|[A-Za-z]")


def english_words(chinese: str) -> list[str]:
    """The English words in a Chinese text, less what is allowed there."""
    text = re.sub(r"`[^`]*`", " ", chinese)  # a command or code, quoted as code
    text = re.sub(r"\{[^}]*\}|%\w+|&\w+;|<[^>]+>|\(&\w\)|&(?=\w)", " ", text)
    text = re.sub(r"\*\.\w+", " ", text)  # file patterns (*.csv)
    text = re.sub(r"labdesk(\s+--?[\w-]+|\s+[\w|\-]+)*", " ", text)  # a command line
    text = re.sub(r"\S*[/\\]\S*|\S+\.(md|txt|csv|xlsx|pdf|json)\b", " ", text)  # paths
    text = re.sub(r"\b\w+=\S+", " ", text)  # variable=value examples
    text = re.sub(r"labdesk-batch/\d+", " ", text)
    found = []
    for word in WORD.findall(text):
        if word in ALLOWED or re.fullmatch(r"[A-Z]{1,4}[0-9]*", word) or re.search(r"\d", word):
            continue  # codes (A, HF01, ND, A-3-2, SM2), numbered things
        if re.fullmatch(r"[A-Za-z]{1,2}", word):
            continue  # a symbol (m, V, f, Δ-like letters in formulas)
        found.append(word)
    return found


def ts_messages() -> list[tuple[str, str, str, str]]:
    found = []
    for ts in sorted((resources_dir() / "i18n").glob("*.ts")):
        for context in ET.parse(ts).getroot().iter("context"):
            name = context.findtext("name", "")
            for message in context.iter("message"):
                translation = message.find("translation")
                if translation is None or translation.get("type") in ("vanished", "obsolete"):
                    continue
                forms = translation.findall("numerusform")
                text = " ".join(f.text or "" for f in forms) if forms else translation.text or ""
                found.append((ts.name, name, message.findtext("source", ""), text))
    return found


def test_chinese_translations_are_wholly_chinese() -> None:
    problems = [
        f"{ts}: {context}: {text!r} has {words}"
        for ts, context, _source, text in ts_messages()
        if (words := english_words(text))
    ]
    assert not problems, "\n".join(problems)


def test_english_sources_are_wholly_english() -> None:
    problems = []
    for ts, context, source, _text in ts_messages():
        rest = re.sub(r"[(（][^()（）]*[)）]", " ", source)  # a gloss: Pass rate (合格率)
        rest = re.sub(r"e\.g\..*", " ", rest)  # an example of data
        if CJK.search(without_data(rest)):
            problems.append(f"{ts}: {context}: {source!r}")
    assert not problems, "\n".join(problems)


TABLE_MODULES = (
    "labdesk.core.qc",
    "labdesk.core.judgement",
    "labdesk.core.verdicts",
    "labdesk.core.foods",
    "labdesk.core.entries",
    "labdesk.core.limits",
    "labdesk.core.limit_messages",
    "labdesk.services.instruments",
    "labdesk.services.authorization",
    "labdesk.services.permissions",
    "labdesk.services.samples",
    "labdesk.services.food_samples",
)


def _texts(value: object) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [t for v in value.values() for t in _texts(v)]
    if isinstance(value, (tuple, list, frozenset, set)):
        return [t for v in value for t in _texts(v)]
    return []


def message_tables() -> list[tuple[str, str, list[str]]]:
    found = []
    for module_name in TABLE_MODULES:
        module = importlib.import_module(module_name)
        for name, value in vars(module).items():
            if name.endswith(("_ZH", "_EN")) and not callable(value):
                found.append((f"{module_name}.{name}", name[-2:], _texts(value)))
    from labdesk.core.uscc import MESSAGES

    found.append(("labdesk.core.uscc.MESSAGES", "EN", [en for en, _zh in MESSAGES.values()]))
    found.append(("labdesk.core.uscc.MESSAGES", "ZH", [zh for _en, zh in MESSAGES.values()]))
    return found


def test_the_tables_are_found() -> None:
    names = {name for name, _lang, _texts in message_tables()}
    assert {"labdesk.core.qc.QC_NAMES_ZH", "labdesk.core.verdicts.LABEL_EN"} <= names


@pytest.mark.parametrize("table", message_tables(), ids=lambda t: f"{t[0]}")
def test_zh_and_en_tables_are_one_language(table: tuple[str, str, list[str]]) -> None:
    name, language, texts = table
    if name.endswith("_ZH") and name.split(".")[-1].startswith(("_QUALITATIVE", "_NOTE")):
        return
    if language == "ZH":
        problems = [t for t in texts if CJK.search(t) and english_words(t)]
    else:
        keys_are_chinese = name.endswith(("_QUALITATIVE_EN", "_NOTE_EN"))
        problems = [] if keys_are_chinese else [t for t in texts if CJK.search(without_data(t))]
    assert not problems, f"{name}: {problems}"


BAD_LIMITS = (
    "≤abc", "≤0.5 mg/kg～2 g", "3～1", "10±-0.5", "10±0.5(不含x)", "10±0.5(不含Δ",
    "5以上", "从1", "不得检出 abc", "abc", "≤0.5 mg/kg 多余", "1.2.3",
)  # fmt: skip


@pytest.mark.parametrize("text", BAD_LIMITS)
def test_a_limit_error_is_wholly_chinese_in_its_chinese_half(text: str) -> None:
    with pytest.raises(LimitSyntaxError) as raised:
        parse_limit(text)
    message = str(raised.value)
    chinese = message[message.rindex("（限量值") :]
    quoted = chinese.index("”")  # the limit as typed is quoted, not translated
    assert not english_words(chinese[quoted + 1 :]), message


def test_every_limit_error_phrase_has_its_chinese() -> None:
    """Each phrase the limit reader can fail with (read from its source) is in the table
    or matched by a pattern: a new phrase cannot fall back to English."""
    from labdesk.core import limit_messages

    source = Path(importlib.import_module("labdesk.core.limits").__file__ or "").read_text(
        encoding="utf-8"
    )
    phrases = re.findall(r"fail\(\s*f?\"([^\"]+)\"", source)
    assert phrases
    missing = [
        p
        for p in phrases
        if "{" not in p and limit_messages.expected_zh(p) == limit_messages.GENERIC_ZH
    ]
    assert not missing, missing


# --- One language per message (issue 21.8): an error's `in_language` -------------------

QUOTED = re.compile(r"“[^”]*”|'[^']*'|\"[^\"]*\"")


def unquoted(text: str) -> str:
    """`text` less what it quotes of the user's input (quoted, never translated)."""
    return QUOTED.sub(" ", text)


def assert_wholly_chinese(text: str) -> None:
    assert CJK.search(text), f"no Chinese in {text!r}"
    assert not english_words(unquoted(text)), text


def assert_wholly_english(text: str) -> None:
    assert re.search(r"[A-Za-z]{3}", text), f"no English in {text!r}"
    assert not CJK.search(without_data(unquoted(text))), text


def _refusal(name: str) -> LabDeskError:
    from labdesk.core.entries import parse_entry
    from labdesk.core.numbers import scan_number
    from labdesk.core.units import ratio
    from labdesk.core.uscc import require_uscc
    from labdesk.services.enterprises import normalized_uscc

    calls = {
        "limit syntax": lambda: parse_limit("≤abc"),
        "plan c>n": lambda: parse_limit("n=5, c=6, m=100, M=1000 CFU/g"),
        "plan syntax": lambda: parse_limit("n=5, c=1, m=abc CFU/g"),
        "unknown unit": lambda: ratio("furlong", "mg/kg"),
        "uscc": lambda: require_uscc("91350100M000100Y4X"),
        "uscc of an enterprise": lambda: normalized_uscc("9" * 120_000),
        "number": lambda: scan_number("1.2e999", 0, "value"),
        "huge result": lambda: parse_entry("9" * 120_000),
    }
    with pytest.raises(LabDeskError) as raised:
        calls[name]()
    return raised.value


REFUSALS = (
    "limit syntax", "plan c>n", "plan syntax", "unknown unit", "uscc", "uscc of an enterprise",
    "number", "huge result",
)  # fmt: skip


@pytest.mark.parametrize("name", REFUSALS)
def test_a_refusal_says_itself_in_one_language(name: str) -> None:
    error = _refusal(name)
    assert set(error.texts) == {"zh", "en"}, "split at the source"
    assert_wholly_chinese(error.in_language("zh"))
    assert_wholly_english(error.in_language("en"))
    # Both languages in str(): logs and older callers read it as before.
    assert CJK.search(str(error)) and re.search(r"[A-Za-z]{3}", str(error))
    assert len(error.in_language("zh")) < 400 and len(error.in_language("en")) < 800


SPLITS = [
    (
        "no database at /x/l.db (数据库文件不存在)",
        "no database at /x/l.db",
        "数据库文件不存在：“/x/l.db”",
    ),
    ("sample 'NOPE' is gone (样品不存在)", "sample 'NOPE' is gone", "样品不存在：“NOPE”"),
    (
        "units (单位不兼容：mg（质量）不能换算为 mL（体积）)",
        "units",
        "单位不兼容：mg（质量）不能换算为 mL（体积）",
    ),
    ("Pass rate (合格率) is low", None, None),
    ("only English (here)", None, None),
    ("只有中文", None, None),
]


@pytest.mark.parametrize(("combined", "english", "chinese"), SPLITS)
def test_a_combined_message_splits_at_its_final_gloss(
    combined: str, english: str | None, chinese: str | None
) -> None:
    assert split_gloss(combined, "en") == (english or combined)
    assert split_gloss(combined, "zh") == (chinese or combined)
