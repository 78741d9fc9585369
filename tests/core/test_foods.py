"""The food classification tree: validation, printed names → nodes, search by pinyin."""

from __future__ import annotations

import pytest

from labdesk.core.errors import NotFound
from labdesk.core.foods import ClassTreeError, FoodClass, FoodTree
from labdesk.core.foods_io import read_food_classes, shipped_classes_path
from labdesk.core.pinyin import initials


def _tree() -> FoodTree:
    return FoodTree(
        [
            FoodClass("F", "", "食品", aliases=("食品",)),
            FoodClass("F01", "F", "粮食加工品", aliases=("谷物及其制品",), initials="lsjgp"),
            FoodClass("F0102", "F01", "大米", initials="dm"),
            FoodClass("F010201", "F0102", "大米", initials="dm"),
            FoodClass("F20", "F", "食用农产品", initials="syncp"),
            FoodClass("F2006", "F20", "谷物", aliases=("谷物及其制品", "谷物"), initials="gw"),
            FoodClass("F200601", "F2006", "稻谷", initials="dg"),
        ]
    )


def test_paths_depths_and_leaves() -> None:
    tree = _tree()
    assert [c.code for c in tree.path("F010201")] == ["F", "F01", "F0102", "F010201"]
    assert tree.depth("F010201") == 3
    assert tree.is_leaf("F010201") and not tree.is_leaf("F0102")
    assert tree.path_text("F010201") == "粮食加工品 / 大米 / 大米"
    assert [c.code for c in tree.walk()][:3] == ["F", "F01", "F0102"]
    with pytest.raises(NotFound):
        tree.path("NOPE")


def test_a_printed_name_means_the_shallowest_node_of_each_branch() -> None:
    tree = _tree()
    assert tree.resolve("谷物及其制品") == ["F01", "F2006"]
    assert tree.resolve("大米") == ["F0102"]
    assert tree.resolve(" 稻谷 ") == ["F200601"]
    assert tree.resolve("F200601") == ["F200601"]
    assert tree.resolve("面包") == []


def test_search_by_name_and_pinyin_initials_puts_leaves_first() -> None:
    tree = _tree()
    hits = [c.code for c in tree.search("dm")]
    assert hits[0] == "F010201"
    assert set(hits) == {"F010201", "F0102"}
    assert [c.code for c in tree.search("稻")] == ["F200601"]
    assert tree.search("") == []


def test_the_tree_refuses_two_roots_unknown_parents_loops_and_duplicates() -> None:
    with pytest.raises(ClassTreeError) as caught:
        FoodTree([FoodClass("A", "", "甲"), FoodClass("B", "", "乙"), FoodClass("C", "X", "丙")])
    messages = " ".join(p.message for p in caught.value.problems)
    assert "exactly one root" in messages and "parent X does not exist" in messages
    with pytest.raises(ClassTreeError, match="loop"):
        FoodTree([FoodClass("R", "", "根"), FoodClass("A", "B", "甲"), FoodClass("B", "A", "乙")])
    with pytest.raises(ClassTreeError, match="listed twice"):
        FoodTree([FoodClass("R", "", "根"), FoodClass("R", "", "根")])


def test_pinyin_initials_follow_phrases() -> None:
    assert initials("大米") == "dm"
    assert initials("调味品") == "twp"
    assert initials("食用油、油脂及其制品") == "syyyzjqzp"
    assert initials("GB 小麦粉") == "gbxmf"


def test_the_shipped_classification_has_four_levels_and_a_source_on_every_class() -> None:
    tree = read_food_classes(shipped_classes_path())
    assert len(tree) >= 100
    assert max(tree.depth(c.code) for c in tree.classes) >= 4
    assert all(c.source for c in tree.classes)
    assert all(c.sample_data for c in tree.classes)  # names not checked against the 细则
    rice = next(c for c in tree.search("dm") if c.name == "大米")
    assert tree.path_text(rice.code) == "粮食加工品 / 大米 / 大米 / 大米"
    assert tree.is_leaf(rice.code)


def test_the_shipped_initials_are_what_pypinyin_reads() -> None:
    # shipped so that a first run needs no pypinyin; a lab's new class gets them computed
    tree = read_food_classes(shipped_classes_path())
    assert all(c.initials == initials(c.name) for c in tree.classes)
