"""Every message raised in English only has its Chinese (issue 21.8).

The sources are read (AST): each LabDeskError raised with a literal or f-string message
and no Chinese in it — no gloss, no `zh=` — is rendered with sample values and said in
Chinese through `LabDeskError.in_language("zh")`; no English word may be left.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from labdesk.core.errors import LabDeskError, ValidationError
from labdesk.core.messages_zh import MESSAGES_ZH, translate

ROOT = Path(__file__).resolve().parents[2] / "labdesk"
_CJK = re.compile(r"[\u3400-\u9fff]")
# Which argument is the message: ValidationError(field, rule, message); the rejections
# (reason, message); every other LabDeskError (message).
_THIRD = {"ValidationError"}
_SECOND = {"PayloadInvalid", "ReportRejected", "BatchRejected"}
_FIRST = {
    "PermissionDenied", "WorkflowError", "NotFound", "LabDeskError", "StoreError",
    "DatabaseLocked", "UsageError", "HqStoreError", "AuthError", "CaseRefused",
    "EditConflict", "CalendarMissing", "WrongPassphrase", "NotATable", "ExportCancelled",
    "BatchFileNotWritten", "SchemaTooNew", "NotALabDeskDatabase",
}  # fmt: skip


def _template(node: ast.AST) -> str | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value.replace("{", "{{").replace("}", "}}")
    if isinstance(node, ast.JoinedStr):
        parts = []
        for value in node.values:
            if isinstance(value, ast.Constant):
                parts.append(str(value.value).replace("{", "{{").replace("}", "}}"))
            else:
                parts.append("{}")
        return "".join(parts)
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        left, right = _template(node.left), _template(node.right)
        return None if left is None or right is None else left + right
    return None


def english_only_messages(chinese: bool = False) -> list[tuple[str, str]]:
    """(where, template) of every message raised with no Chinese in it (`chinese`: with
    Chinese in it and no `en=`)."""
    found = []
    for path in sorted(ROOT.rglob("*.py")):
        if "ui" in path.relative_to(ROOT).parts:
            continue  # the desktop UI says its own words through Qt's translations
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            func = node.func
            name = getattr(func, "id", None) or getattr(func, "attr", None)
            index = 2 if name in _THIRD else 1 if name in _SECOND else 0 if name in _FIRST else -1
            given = "en" if chinese else "zh"
            if index < 0 or len(node.args) <= index or any(k.arg == given for k in node.keywords):
                continue
            template = _template(node.args[index])
            if template is not None and bool(_CJK.search(template)) == chinese:
                found.append((f"{path.relative_to(ROOT.parent)}:{node.lineno}", template))
    return found


MESSAGES = english_only_messages()


def _render(template: str) -> str:
    values = iter(f"X{n}" for n in range(1, 20))
    return (
        re.sub(r"(?<!\{)\{\}(?!\})", lambda _m: next(values), template)
        .replace("{{", "{")
        .replace("}}", "}")
    )


# Latin script a Chinese message may keep: options, variables, placeholders, codes, units
# and names that have no Chinese (PostgreSQL, SQLite, argon2id…), file types.
_KEPT = re.compile(
    r"--?[a-z][\w-]*|\$\w+|\bX\d+\b|`[^`]*`|\.(?:csv|xlsx|xls|json|pdf)\b|%PDF-|\S+://\S*"
    r"|\b(?:PostgreSQL|SQLite|LabDesk|libpq|psycopg|pip|binary|install|argon2id|UUID|SM2|PEM|"
    r"PDF|MB|KiB|WAL|wal|shm|base64|crm|control|test|sign|store|grant|labdesk|batches|rewrite|"
    r"BEGIN|PUBLIC|KEY|Decimal|audit_head|seq|hash|batch_uuid|manifest_sha256|certified_u|"
    r"sqlite|path|all|hex|FIELD|TITLE|NAME|VALUE|DIR|SEQ|TEXT|YYYY|MM|DD|Qn|rho|Pb|GB|USCC|"
    r"sd|qc|QC)\b"
)


def english_words(chinese: str) -> list[str]:
    return re.findall(r"[A-Za-z]{3,}", _KEPT.sub(" ", chinese))


def test_the_scan_finds_the_english_only_messages() -> None:
    assert len(MESSAGES) > 150  # the scan reads the sources, not an empty list
    assert any("you cannot disable your own account" in t for _w, t in MESSAGES)


# A prefix joined to another message (a row, a label): that message is the raiser's and
# is said in Chinese itself; the composite only adds a full-width colon.
COMPOSITES = {"{}: {}", "{}[{}]: {}", "{}{}"}


SAID = [(w, t) for w, t in MESSAGES if t not in COMPOSITES]


@pytest.mark.parametrize(("where", "template"), SAID, ids=[w for w, _t in SAID])
def test_every_english_only_message_is_said_in_chinese(where: str, template: str) -> None:
    message = _render(template)
    chinese = LabDeskError(message).in_language("zh")
    assert _CJK.search(chinese), f"{where}: no Chinese for {template!r} (core/messages_zh.py)"
    assert not english_words(chinese), (where, chinese, english_words(chinese))
    assert LabDeskError(message).in_language("en") == message


def test_no_chinese_is_kept_for_a_message_nobody_raises() -> None:
    raised = {template for _w, template in MESSAGES}
    stale = [key for key in MESSAGES_ZH if key not in raised and key not in {"row {}"}]
    assert not stale, stale


def test_values_are_carried_and_prefixes_translated() -> None:
    assert translate("sample AH-1 is exported: cannot edit (only when draft)") == (
        "样品 AH-1 的状态为 exported：不能执行 edit（仅限 draft 状态）"
    )
    assert translate("row 3: user #7 does not exist") == "第 3 行：用户 #7 不存在"
    assert translate("audit_head must be {seq, hash}") == "audit_head 应为 {seq, hash}"
    assert translate("a message nobody wrote") is None
    refused = ValidationError("reason", "required", "reason: required to cancel a run")
    assert refused.in_language("zh") == "原因：取消一批检测须说明原因"
    assert refused.in_language("en") == "reason: required to cancel a run"


# Data words an English message quotes as the lab writes them (a result, a limit).
_DATA_WORDS = re.compile(r"未检出|不得检出|检出|阴性|阳性")
WITH_CHINESE = english_only_messages(chinese=True)


@pytest.mark.parametrize(("where", "template"), WITH_CHINESE, ids=[w for w, _t in WITH_CHINESE])
def test_every_message_raised_with_chinese_has_its_english(where: str, template: str) -> None:
    message = _render(template)
    english = LabDeskError(message).in_language("en")
    left = _CJK.findall(_DATA_WORDS.sub("", english))
    assert not left, f"{where}: {english!r} (core/messages_zh.py MESSAGES_EN)"
