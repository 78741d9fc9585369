"""The versioned standards library model: validation, version selection, look-ups."""

from __future__ import annotations

import dataclasses
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from labdesk.core.errors import NotFound, ValidationError
from labdesk.core.standards import (
    LibraryError,
    ProductCategory,
    Standard,
    StandardsLibrary,
    TestItemDef,
    check_interval,
)

OLD = Standard("GB 2762", "2017", "污染物限量", date(2017, 9, 17), date(2023, 6, 30), True)
NEW = Standard("GB 2762", "2022", "污染物限量", date(2023, 6, 30), None, True)
PEST = Standard("GB 2763", "2021", "农药残留限量", None, None, True)
VEG = ProductCategory("VEG", "新鲜蔬菜", "Fresh vegetables", "GB 2762")
RICE = ProductCategory("RICE", "大米", "Rice", "GB 2762")


def item(**changes: object) -> TestItemDef:
    base = TestItemDef(
        category="VEG",
        code="CD",
        name_zh="镉",
        name_en="Cadmium",
        unit="mg/kg",
        limit="≤0.05",
        method="full",
        interval=None,
        decimals=None,
        lod="0.002",
        loq="0.005",
        test_method="GB 5009.15",
        standard="GB 2762-2022",
    )
    return dataclasses.replace(base, **changes)  # type: ignore[arg-type]


def library(
    *items: TestItemDef, standards: tuple[Standard, ...] = (OLD, NEW, PEST)
) -> StandardsLibrary:
    return StandardsLibrary(standards, (VEG, RICE), items)


def good_items() -> list[TestItemDef]:
    return [
        item(),
        item(code="HG", name_zh="总汞", limit="≤0.01", lod="0.003", loq="0.010"),
        item(standard="GB 2762-2017", limit="≤0.05"),
        item(code="PB", name_zh="铅", standard="GB 2762-2017", limit="≤0.3"),
        item(
            code="CARBOFURAN",
            name_zh="克百威",
            standard="GB 2763-2021",
            limit="≤0.02",
            lod=None,
            loq=None,
        ),
        item(
            category="RICE", code="CD", limit="≤0.2", method="rounded", interval="0.01", decimals=2
        ),
    ]


def test_standard_key_and_force() -> None:
    assert NEW.key == "GB 2762-2022"
    assert OLD.in_force_on(date(2017, 9, 17))
    assert not OLD.in_force_on(date(2017, 9, 16))
    assert not OLD.in_force_on(date(2023, 6, 30))  # abolished_from is exclusive
    assert NEW.in_force_on(date(2023, 6, 30))
    assert PEST.in_force_on(date(1990, 1, 1))


def test_items_for_picks_the_version_in_force() -> None:
    lib = library(*good_items())
    before = lib.items_for("VEG", date(2023, 6, 29))
    after = lib.items_for("VEG", date(2023, 6, 30))
    assert [(i.code, i.standard) for i in before] == [
        ("CD", "GB 2762-2017"),
        ("PB", "GB 2762-2017"),
        ("CARBOFURAN", "GB 2763-2021"),
    ]
    assert [(i.code, i.standard) for i in after] == [
        ("CD", "GB 2762-2022"),
        ("HG", "GB 2762-2022"),
        ("CARBOFURAN", "GB 2763-2021"),
    ]
    # Before the oldest version: only the open-ended standard applies.
    assert [i.code for i in lib.items_for("VEG", date(2010, 1, 1))] == ["CARBOFURAN"]


def test_items_for_unknown_category() -> None:
    with pytest.raises(NotFound, match="NOPE"):
        library(*good_items()).items_for("NOPE", date(2024, 1, 1))


def test_in_force_and_versions() -> None:
    lib = library(*good_items())
    assert lib.in_force("GB 2762", date(2020, 1, 1)) == OLD
    assert lib.in_force("GB 2762", date(2024, 1, 1)) == NEW
    assert lib.in_force("GB 2762", date(2000, 1, 1)) is None
    assert lib.in_force("GB 9999", date(2024, 1, 1)) is None
    assert lib.versions("GB 2762") == [OLD, NEW]
    assert lib.standard("GB 2763-2021") == PEST
    with pytest.raises(NotFound):
        lib.standard("GB 2763-2019")


def test_find_category_and_search() -> None:
    lib = library(*good_items())
    assert lib.find_category("veg") == VEG
    assert lib.find_category("大米") == RICE
    assert lib.find_category("rice") == RICE
    assert lib.find_category("面粉") is None
    assert lib.find_category("  ") is None
    assert [i.code for i in lib.search("克百威")] == ["CARBOFURAN"]
    assert {i.category for i in lib.search("大米")} == {"RICE"}
    assert len(lib.search("镉")) == 3
    assert len(lib.search("CADMIUM")) == 6  # every fixture item keeps name_en="Cadmium"
    assert len(lib.search("")) == 6
    assert lib.standard_numbers_for("VEG") == ["GB 2762", "GB 2763"]


def test_decimal_text_kept_exactly() -> None:
    lib = library(*good_items())
    hg = next(i for i in lib.items if i.code == "HG")
    assert hg.loq == "0.010"
    assert str(hg.loq_value()) == "0.010"
    rice = lib.items_for("RICE", date(2024, 1, 1))[0]
    assert str(rice.interval_value()) == "0.01"


def problems_of(
    *items: TestItemDef, standards: tuple[Standard, ...] = (OLD, NEW, PEST)
) -> list[str]:
    with pytest.raises(LibraryError) as info:
        library(*items, standards=standards)
    assert isinstance(info.value, ValidationError)
    return [f"{p.index}:{p.field}:{p.message}" for p in info.value.problems]


def test_every_problem_is_reported() -> None:
    found = problems_of(
        item(),
        item(code="A", limit="≤≤0.2"),
        item(code="B", method="approx"),
        item(code="C", interval="0.3"),
        item(code="D", lod="0.05", loq="0.01"),
        item(code="E", lod="1e-3"),
        item(code="F", standard="GB 2762-2099"),
        item(code="G", category="MILK"),
        item(code="CD"),  # duplicate of the first
    )
    joined = "\n".join(found)
    assert "1:limit:" in joined and "position" in joined
    assert "2:method:'approx' is not one of: full, rounded" in joined
    assert "3:interval:rounding interval 0.3 is not 1, 2 or 5 × 10^n" in joined
    assert "4:lod:LOD 0.05 is greater than LOQ 0.01" in joined
    assert "5:lod:'1e-3' is not a plain decimal" in joined
    assert "6:standard:unknown standard GB 2762-2099" in joined
    assert "7:category:unknown category MILK" in joined
    assert (
        "8:code:item code CD appears twice in category VEG under GB 2762-2022 (first at item 1)"
        in joined
    )


def test_same_code_in_two_versions_is_fine() -> None:
    lib = library(
        item(), item(standard="GB 2762-2017"), item(category="RICE"), standards=(OLD, NEW)
    )
    assert len(lib.items) == 3


def test_overlapping_versions_rejected() -> None:
    overlapping = dataclasses.replace(OLD, abolished_from=date(2023, 7, 1))
    found = problems_of(
        item(), item(standard="GB 2762-2017"), item(category="RICE"), standards=(overlapping, NEW)
    )
    assert any("both in force" in p for p in found)


def test_bad_standard_fields() -> None:
    broken = Standard("GB 2762", "22", "", date(2023, 1, 1), date(2022, 1, 1))
    found = problems_of(
        item(standard="GB 2762-22"),
        item(category="RICE", standard="GB 2762-22"),
        standards=(broken,),
    )
    assert any("standard_year" in p and "four-digit" in p for p in found)
    assert any("abolished_from" in p and "not after" in p for p in found)


def test_unused_standard_and_empty_category_rejected() -> None:
    found = problems_of(item(), standards=(OLD, NEW, PEST))
    assert any("GB 2763-2021 has no items" in p for p in found)
    assert any("category RICE has no items" in p for p in found)


def test_category_main_standard_must_match_first_item() -> None:
    found = problems_of(item(standard="GB 2763-2021"), item(category="RICE"), standards=(NEW, PEST))
    assert any("category_standard" in p and "GB 2763" in p for p in found)


def test_error_message_names_field_and_counts() -> None:
    with pytest.raises(LibraryError) as info:
        library(item(method="x"), item(category="RICE", method="y"), standards=(NEW,))
    assert info.value.field == "method"
    assert "and 1 more" in str(info.value)


@pytest.mark.parametrize(
    "text", ["1", "2", "5", "0.1", "0.02", "0.5", "10", "20", "500", "0.50", "0.0002"]
)
def test_interval_accepts_1_2_5(text: str) -> None:
    assert check_interval(text) is None


@pytest.mark.parametrize("text", ["0", "3", "0.25", "15", "-1", "1e1", "0.1.1", "", "½"])
def test_interval_rejects_others(text: str) -> None:
    assert check_interval(text) is not None


@given(st.sampled_from([1, 2, 5]), st.integers(min_value=-6, max_value=6))
def test_interval_property(mantissa: int, exponent: int) -> None:
    text = (
        f"{mantissa * 10**exponent}"
        if exponent >= 0
        else f"{mantissa / 10**-exponent:.{-exponent}f}"
    )
    assert check_interval(text) is None
