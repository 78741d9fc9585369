"""统一社会信用代码 (unified social credit code, USCC) per GB 32100-2015.

Layout of the 18 characters (positions counted from 1, as the standard does):

====  ======================================================================
1     registration authority code (登记管理部门代码)
2     category code for that authority (机构类别代码)
3–8   administrative division of the registering office (GB/T 2260), digits
9–17  organisation code (主体标识码, GB 11714); position 17 is its own check digit
18    check character over positions 1–17
====  ======================================================================

The alphabet is ``0123456789ABCDEFGHJKLMNPQRTUWXY`` (no I O S V Z, which are easy to
confuse with 1 0 5 U 2). Character values for the check character are the index in that
alphabet (0–9, A=10 … Y=30). Weights are 3^(i−1) mod 31; C18 = 31 − (Σ Cᵢ·Wᵢ mod 31),
with 31 written as 0. Because 31 is prime and no weight is 0 mod 31, any single wrong
character in positions 1–17 changes the sum and is caught.

The organisation code check (GB 11714) uses its *own* character values — digits as
themselves, letters by their place in the full Latin alphabet (A=10 … Z=35, so J=19, not
the USCC's 18) — weights 3 7 9 10 5 8 4 2, C = 11 − (Σ mod 11), 10 → "X", 11 → "0".
"X" is in the USCC alphabet, so an organisation code ending in X fits a USCC as it is.

Registration authority / category pairs (``AUTHORITIES``): GB 32100-2015 appendix A
assigns 1 机构编制, 5 民政, 9 工商 (now 市场监管) and Y 其他; the national standardisation
administration later assigned 2 外交, 3 司法行政, 4 文化, 6 旅游, 7 宗教, 8 工会,
A 中央军委改革和编制办公室 and N 农业 under the same scheme. A code whose authority or
category is not assigned there cannot have been issued, so it is rejected with a reason
naming the pair. Extend the table if a new assignment is published. The administrative
division is checked only for being six digits: GB/T 2260 changes every year and national
registrations use 100000, so a stale division list would reject genuine codes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from labdesk.core.errors import ValidationError
from labdesk.core.numbers import quote

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_VALUE = {ch: i for i, ch in enumerate(ALPHABET)}
_WEIGHTS = tuple(pow(3, i, 31) for i in range(17))  # 3^(i−1) mod 31 for i = 1..17

_ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)

#: authority code → (authority name, {category code: category name})
AUTHORITIES: dict[str, tuple[str, dict[str, str]]] = {
    "1": (
        "机构编制",
        {"1": "机关", "2": "事业单位", "3": "中央编办直接管理机构编制的群众团体", "9": "其他"},
    ),
    "2": ("外交", {"1": "外国常驻新闻机构", "9": "其他"}),
    "3": (
        "司法行政",
        {
            "1": "律师执业机构",
            "2": "公证处",
            "3": "基层法律服务所",
            "4": "司法鉴定机构",
            "5": "仲裁委员会",
            "9": "其他",
        },
    ),
    "4": ("文化", {"1": "外国在华文化中心", "9": "其他"}),
    "5": ("民政", {"1": "社会团体", "2": "民办非企业单位", "3": "基金会", "9": "其他"}),
    "6": (
        "旅游",
        {
            "1": "外国旅游部门常驻代表机构",
            "2": "港澳台地区旅游部门常驻内地（大陆）代表机构",
            "9": "其他",
        },
    ),
    "7": ("宗教", {"1": "宗教活动场所", "2": "宗教院校", "9": "其他"}),
    "8": ("工会", {"1": "基层工会", "9": "其他"}),
    "9": ("工商（市场监管）", {"1": "企业", "2": "个体工商户", "3": "农民专业合作社"}),
    "A": ("中央军委改革和编制办公室", {"1": "军队事业单位", "9": "其他"}),
    "N": (
        "农业",
        {"1": "组级集体经济组织", "2": "村级集体经济组织", "3": "乡镇级集体经济组织", "9": "其他"},
    ),
    "Y": ("其他", {"1": "其他"}),
}

_SPACES = re.compile(r"[\s\u3000]+")


@dataclass(frozen=True)
class UsccProblem:
    """The first rule a code breaks, as data: `code` names the rule, `params` its facts.

    Codes: ``empty``; ``length`` (length); ``charset`` (char, position); ``authority``
    (char); ``category`` (char, authority, authority_name, allowed); ``division``
    (position, char); ``org_check`` (expected, got); ``check`` (expected, got). Rendered
    by `describe` (English / Chinese) for the CLI and the service messages, and by the
    UI through Qt's translations (labdesk/ui/uscc_text.py) so the Chinese UI shows
    Chinese and the English UI English.
    """

    code: str
    params: dict[str, str]


@dataclass(frozen=True)
class UsccCheck:
    """Outcome of `validate_uscc`: `problem` is None when valid; `reason` is "ok" or the
    failed rule in English with the Chinese in brackets (kept for logs and JSON)."""

    valid: bool
    reason: str
    normalized: str
    problem: UsccProblem | None = None


# English and Chinese messages per rule, `{name}` filled from UsccProblem.params. The UI
# keeps the same English as Qt source strings (labdesk/ui/uscc_text.py, tested equal).
MESSAGES: dict[str, tuple[str, str]] = {
    "empty": ("empty: no code given", "代码为空"),
    "length": (
        "length: expected 18 characters, got {length}",
        "长度应为18位，实为{length}位",
    ),
    "charset": (
        "character {char!r} at position {position} is not allowed; "
        "use 0-9 and A-Z without I O S V Z",
        "第{position}位字符“{char}”不合法；只能使用0-9和除I、O、S、V、Z以外的大写字母",
    ),
    "authority": (
        "registration authority code {char!r} (position 1) is not assigned",
        "第1位登记管理部门代码“{char}”不存在",
    ),
    "category": (
        "category code {char!r} (position 2) is not assigned for registration authority "
        "{authority} {authority_name}; allowed: {allowed}",
        "第2位机构类别代码“{char}”与登记管理部门{authority}（{authority_name}）不符；"
        "可用：{allowed}",
    ),
    "division": (
        "administrative division (positions 3-8) must be six digits; "
        "position {position} is {char!r}",
        "第3-8位行政区划码应为6位数字，第{position}位是“{char}”",
    ),
    "org_check": (
        "organisation code check digit (position 17): expected {expected}, got {got}",
        "第17位组织机构代码校验码错误：应为{expected}，实为{got}",
    ),
    "check": (
        "check character (position 18): expected {expected}, got {got}",
        "第18位校验码错误：应为{expected}，实为{got}",
    ),
}

LANGUAGES = ("zh", "en")


def describe(problem: UsccProblem, language: str = "zh") -> str:
    """The problem in `language` ("zh" or "en")."""
    english, chinese = MESSAGES[problem.code]
    return (chinese if language == "zh" else english).format(**problem.params)


class UsccError(ValidationError):
    """A code refused by a service: names the field, and carries the `problem` so that
    each interface can say it in its own language."""

    def __init__(
        self, field: str, problem: UsccProblem, prefix: str = "", code: str | None = None
    ) -> None:
        self.problem = problem
        head = prefix or field
        typed = "" if code is None else f" {quote(code, language='en')!r}"
        typed_zh = "" if code is None else f"“{quote(code, language='zh')}”"
        super().__init__(
            field,
            "uscc",
            f"{head}: {_reason(problem)}",
            # The field as named in English ("USCC" when a caller named it in Chinese).
            en=f"{field if field.isascii() else 'USCC'}{typed}: {describe(problem, 'en')}",
            zh=f"统一社会信用代码{typed_zh}：{describe(problem, 'zh')}",
        )


def _reason(problem: UsccProblem) -> str:
    return f"{describe(problem, 'en')} ({describe(problem, 'zh')})"


def normalize_uscc(code: str) -> str:
    """Drop spaces (ASCII, full-width, inside too) and upper-case, as a clerk would retype it."""
    return _SPACES.sub("", code).upper()


def org_code_check_digit(body: str) -> str:
    """GB 11714 check digit for the 8-character organisation code body (digits, A–Z)."""
    if len(body) != 8:
        raise ValidationError(
            "organisation code", "length", "organisation code body: need 8 characters"
        )
    total = 0
    for ch, weight in zip(body, _ORG_WEIGHTS, strict=True):
        if ch.isdigit() and ch.isascii():
            value = int(ch)
        elif "A" <= ch <= "Z":
            value = ord(ch) - ord("A") + 10
        else:
            raise ValidationError(
                "organisation code", "charset", f"organisation code body: {ch!r} is not 0–9 or A–Z"
            )
        total += value * weight
    check = 11 - total % 11
    return "X" if check == 10 else "0" if check == 11 else str(check)


def uscc_check_character(prefix17: str) -> str:
    """The position-18 check character for 17 characters from `ALPHABET`."""
    total = sum(_VALUE[ch] * w for ch, w in zip(prefix17, _WEIGHTS, strict=True))
    return ALPHABET[(31 - total % 31) % 31]


def make_uscc(prefix17: str) -> str:
    """Append the check character to a 17-character prefix (e.g. for demo data).

    Only the alphabet and length are checked here; use `validate_uscc` on the result to
    check the authority/category pair and the organisation-code digit as well.
    """
    prefix = normalize_uscc(prefix17)
    if len(prefix) != 17:
        raise ValidationError(
            "统一社会信用代码", "length", f"USCC prefix: expected 17 characters, got {len(prefix)}"
        )
    for pos, ch in enumerate(prefix, start=1):
        if ch not in _VALUE:
            raise ValidationError(
                "统一社会信用代码",
                "charset",
                f"USCC prefix: character {ch!r} at position {pos} is not allowed",
            )
    return prefix + uscc_check_character(prefix)


def _fail(code: str, normalized: str, **params: object) -> UsccCheck:
    problem = UsccProblem(code, {k: str(v) for k, v in params.items()})
    return UsccCheck(valid=False, reason=_reason(problem), normalized=normalized, problem=problem)


def validate_uscc(code: str) -> UsccCheck:
    """Check a 统一社会信用代码; the first rule it breaks is named in `problem`."""
    norm = normalize_uscc(code)
    if not norm:
        return _fail("empty", norm)
    if len(norm) != 18:
        return _fail("length", norm, length=len(norm))
    for pos, ch in enumerate(norm, start=1):
        if ch not in _VALUE:
            return _fail("charset", norm, char=ch, position=pos)
    authority = AUTHORITIES.get(norm[0])
    if authority is None:
        return _fail("authority", norm, char=norm[0])
    authority_name, categories = authority
    if norm[1] not in categories:
        return _fail(
            "category",
            norm,
            char=norm[1],
            authority=norm[0],
            authority_name=authority_name,
            allowed="/".join(categories),
        )
    division = norm[2:8]
    if not division.isdigit():
        bad = next(i for i, ch in enumerate(division, start=3) if not ch.isdigit())
        return _fail("division", norm, position=bad, char=norm[bad - 1])
    org_body, org_check = norm[8:16], norm[16]
    expected_org = org_code_check_digit(org_body)
    if org_check != expected_org:
        return _fail("org_check", norm, expected=expected_org, got=org_check)
    expected = uscc_check_character(norm[:17])
    if norm[17] != expected:
        return _fail("check", norm, expected=expected, got=norm[17])
    return UsccCheck(valid=True, reason="ok", normalized=norm)


def is_valid_uscc(code: str) -> bool:
    """True when `validate_uscc` accepts the code."""
    return validate_uscc(code).valid


def require_uscc(code: str, field: str = "统一社会信用代码") -> str:
    """The normalized code, or `UsccError(field, problem)` (a ValidationError whose rule is
    "uscc") for service layers."""
    check = validate_uscc(code)
    if check.problem is not None:
        raise UsccError(field, check.problem)
    return check.normalized
