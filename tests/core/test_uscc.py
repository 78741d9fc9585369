"""统一社会信用代码 checks (GB 32100-2015, GB 11714)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from labdesk.core.errors import ValidationError
from labdesk.core.uscc import (
    ALPHABET,
    AUTHORITIES,
    UsccError,
    describe,
    is_valid_uscc,
    make_uscc,
    org_code_check_digit,
    require_uscc,
    uscc_check_character,
    validate_uscc,
)

PUBLIC_EXAMPLE = "914403001922038216"


def test_public_example_is_valid() -> None:
    check = validate_uscc(PUBLIC_EXAMPLE)
    assert check.valid
    assert check.reason == "ok"
    assert check.normalized == PUBLIC_EXAMPLE
    assert is_valid_uscc(PUBLIC_EXAMPLE)


def test_check_character_by_hand() -> None:
    # Σ Cᵢ·3^(i−1) mod 31 worked out independently of the module's tables.
    values = [ALPHABET.index(c) for c in PUBLIC_EXAMPLE[:17]]
    total = sum(v * (3**i % 31) for i, v in enumerate(values))
    assert ALPHABET[(31 - total % 31) % 31] == "6" == uscc_check_character(PUBLIC_EXAMPLE[:17])


def test_org_code_digit_by_hand() -> None:
    # 19220382: 1·3+9·7+2·9+2·10+0·5+3·8+8·4+2·2 = 164; 164 mod 11 = 10; 11−10 = 1
    assert org_code_check_digit("19220382") == "1"


def test_org_code_letters_use_full_alphabet_values() -> None:
    # GB 11714 values letters A=10 … Z=35 (J=19), not by the USCC alphabet index (J=18).
    # MA000000: M=22·3 + A=10·7 = 136; 136 mod 11 = 4; 11−4 = 7
    assert org_code_check_digit("MA000000") == "7"
    # J0000000: 19·3 = 57; 57 mod 11 = 2; → 9 (with USCC values it would be 18·3 → 1)
    assert org_code_check_digit("J0000000") == "9"


def test_org_code_ten_is_x_and_eleven_is_zero() -> None:
    # 00000001: 1·2 = 2 → 9; 00000005: 5·2 = 10 → 1; 00000010: 1·4 = 4 → 7
    # 0000000B (11·2 = 22, mod 11 = 0) → 11 → "0"; 00000006: 12 mod 11 = 1 → 10 → "X"
    assert org_code_check_digit("0000000B") == "0"
    assert org_code_check_digit("00000006") == "X"


def test_org_code_ending_in_x_fits_a_uscc() -> None:
    code = make_uscc("91340100" + "00000006" + "X")
    assert validate_uscc(code).valid, validate_uscc(code).reason


def test_lowercase_and_spaces_are_normalized() -> None:
    code = make_uscc("91340100MA2" + "00000" + org_code_check_digit("MA200000"))
    messy = " " + code[:6].lower() + " " + code[6:12] + "\u3000" + code[12:].lower() + " "
    check = validate_uscc(messy)
    assert check.valid, check.reason
    assert check.normalized == code


@pytest.mark.parametrize(
    ("code", "fragment"),
    [
        ("", "empty"),
        ("91440300192203821", "length: expected 18 characters, got 17"),
        ("9144030019220382161", "got 19"),
        ("91440300I92203821X", "'I' at position 9"),
        ("914403001922O38216", "'O' at position 13"),
        ("91440300192203821S", "'S' at position 18"),
        ("B14403001922038216", "registration authority code 'B'"),
        ("944403001922038216", "category code '4'"),
        ("Y24403001922038216", "category code '2'"),
        ("9144A3001922038216", "administrative division"),
        ("914403001922038226", "organisation code check digit (position 17): expected 1, got 2"),
        (
            "914403001922038217",
            "check character (position 18): expected 6, got 7 (第18位校验码错误",
        ),
    ],
)
def test_rejections_name_the_rule(code: str, fragment: str) -> None:
    check = validate_uscc(code)
    assert not check.valid
    assert fragment in check.reason
    assert not is_valid_uscc(code)


def test_reasons_carry_chinese_too() -> None:
    assert "长度" in validate_uscc("123").reason
    assert "不合法" in validate_uscc("91440300I92203821X").reason


@pytest.mark.parametrize(
    "pair",
    [
        "11",
        "12",
        "13",
        "19",
        "31",
        "51",
        "52",
        "53",
        "59",
        "71",
        "81",
        "91",
        "92",
        "93",
        "N2",
        "Y1",
    ],
)
def test_assigned_pairs_accepted(pair: str) -> None:
    code = make_uscc(pair + "340100" + "19220382" + "1")
    assert validate_uscc(code).valid, validate_uscc(code).reason


def test_make_uscc_rejects_bad_prefix() -> None:
    with pytest.raises(ValidationError, match="17 characters"):
        make_uscc("9144")
    with pytest.raises(ValidationError, match="position 3"):
        make_uscc("91Z403001922038211"[:17])


def test_require_uscc() -> None:
    assert require_uscc(PUBLIC_EXAMPLE.lower()) == PUBLIC_EXAMPLE
    with pytest.raises(ValidationError) as info:
        require_uscc("914403001922038217", field="被抽样单位统一社会信用代码")
    assert info.value.field == "被抽样单位统一社会信用代码"
    assert "校验码" in str(info.value)


_PAIRS = sorted((a, c) for a, (_, cats) in AUTHORITIES.items() for c in cats)
_BODY_CHARS = st.sampled_from(ALPHABET)


@st.composite
def valid_codes(draw: st.DrawFn) -> str:
    authority, category = draw(st.sampled_from(_PAIRS))
    division = draw(st.text(alphabet="0123456789", min_size=6, max_size=6))
    body = "".join(draw(st.lists(_BODY_CHARS, min_size=8, max_size=8)))
    return make_uscc(authority + category + division + body + org_code_check_digit(body))


@given(valid_codes())
def test_made_codes_validate(code: str) -> None:
    check = validate_uscc(code)
    assert check.valid, (code, check.reason)
    assert validate_uscc(code.lower()).valid


@given(valid_codes(), st.integers(min_value=0, max_value=17), st.sampled_from(ALPHABET))
def test_any_single_change_is_rejected(code: str, pos: int, replacement: str) -> None:
    if code[pos] == replacement:
        replacement = ALPHABET[(ALPHABET.index(replacement) + 1) % len(ALPHABET)]
    changed = code[:pos] + replacement + code[pos + 1 :]
    assert not validate_uscc(changed).valid


@given(valid_codes(), st.integers(min_value=0, max_value=17), st.sampled_from("IOSVZ!-_é"))
def test_excluded_characters_named_with_position(code: str, pos: int, bad: str) -> None:
    changed = code[:pos] + bad + code[pos + 1 :]
    check = validate_uscc(changed)
    assert not check.valid
    assert f"position {pos + 1}" in check.reason


@given(st.text(max_size=30))
def test_never_crashes(text: str) -> None:
    check = validate_uscc(text)
    assert check.valid == (check.reason == "ok")


@pytest.mark.parametrize(
    ("code", "rule", "params"),
    [
        ("", "empty", {}),
        ("123", "length", {"length": "3"}),
        ("91440300I92203821X", "charset", {"char": "I", "position": "9"}),
        ("B14403001922038216", "authority", {"char": "B"}),
        ("9144A3001922038216", "division", {"position": "5", "char": "A"}),
        ("914403001922038226", "org_check", {"expected": "1", "got": "2"}),
        ("914403001922038217", "check", {"expected": "6", "got": "7"}),
    ],
)
def test_problems_are_data(code: str, rule: str, params: dict[str, str]) -> None:
    problem = validate_uscc(code).problem
    assert problem is not None and problem.code == rule and problem.params == params


def test_each_rule_reads_in_both_languages() -> None:
    check = validate_uscc("914403001922038217")
    assert check.problem is not None
    assert describe(check.problem, "zh") == "第18位校验码错误：应为6，实为7"
    assert describe(check.problem, "en") == "check character (position 18): expected 6, got 7"
    category = validate_uscc("944403001922038216").problem
    assert category is not None
    assert "与登记管理部门9" in describe(category, "zh") and "allowed: 1/2/3" in describe(
        category, "en"
    )
    assert validate_uscc("914403001922038216").problem is None


def test_services_get_the_problem_with_the_refusal() -> None:
    with pytest.raises(UsccError) as caught:
        require_uscc("914403001922038217", field="enterprise_uscc")
    assert caught.value.field == "enterprise_uscc" and caught.value.rule == "uscc"
    assert caught.value.problem.code == "check"
    assert str(caught.value).startswith("enterprise_uscc: check character (position 18)")
