"""The food classification tree a food sample is registered against.

The tree has the national sampling system's levels under one root (食品): 食品大类 (1) /
亚类 (2) / 次亚类 (3) / 细类 (4), deeper where a lab needs it. A sample is registered
against a leaf. Limits are printed against the classes of a standard's Appendix A
(GB 2762-2022, GB 2763-2021 …), whose names differ from the sampling system's and from
each other ("芸薹类蔬菜" in GB 2762, "芸薹属类蔬菜" in GB 2763): each node lists the
Appendix A names it stands for (`aliases`), and `FoodTree.resolve` turns a printed name
into the nodes it means. One printed name may mean several nodes on different branches
(谷物及其制品 covers 粮食加工品 and the raw grains of 食用农产品); on one branch only the
shallowest node is meant, since its descendants inherit from it anyway.

Search is by name, alias, code or pinyin initials ("dm" finds 大米): the initials are
computed once when a class is stored (`core.pinyin`) and kept with it.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field

from labdesk.core.errors import NotFound, ValidationError

LEVEL_NAMES = {0: "食品", 1: "食品大类", 2: "亚类", 3: "次亚类", 4: "细类"}
LEVEL_NAMES_EN = {0: "food", 1: "category", 2: "sub-category", 3: "sub-sub-category", 4: "class"}
_CODE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,39}$")


def normalize_name(text: str) -> str:
    """A class name as compared: NFKC (full-width brackets → ASCII), no spaces."""
    folded = unicodedata.normalize("NFKC", text)
    return "".join(folded.split()).casefold()


@dataclass(frozen=True)
class FoodClass:
    """One node of the tree. `parent` is the parent's code ('' for the root)."""

    code: str
    parent: str
    name: str
    name_en: str = ""
    aliases: tuple[str, ...] = ()
    initials: str = ""
    source: str = ""
    sample_data: bool = False


@dataclass(frozen=True)
class ClassProblem:
    """One thing wrong with a class list; `index` is the class's position (None: global)."""

    index: int | None
    field: str
    message: str


class ClassTreeError(ValidationError):
    """A class list broke one or more rules; `problems` lists them all."""

    def __init__(self, problems: Sequence[ClassProblem]) -> None:
        self.problems = tuple(problems)
        first = self.problems[0]
        more = f" (and {len(self.problems) - 1} more)" if len(self.problems) > 1 else ""
        super().__init__(first.field, "food classes", f"{first.field}: {first.message}{more}")


@dataclass
class _Node:
    cls: FoodClass
    depth: int
    children: list[str] = field(default_factory=list)


class FoodTree:
    """A validated, immutable tree of food classes (one root)."""

    def __init__(self, classes: Iterable[FoodClass]) -> None:
        self._classes = tuple(classes)
        problems = _validate(self._classes)
        if problems:
            raise ClassTreeError(problems)
        self._nodes: dict[str, _Node] = {}
        for cls in self._classes:
            self._nodes[cls.code] = _Node(cls, 0)
        roots = [c.code for c in self._classes if not c.parent]
        self.root = roots[0]
        for cls in self._classes:
            if cls.parent:
                self._nodes[cls.parent].children.append(cls.code)
        # depths by a walk from the root (validation proved it reaches every node)
        stack = [(self.root, 0)]
        while stack:
            code, depth = stack.pop()
            node = self._nodes[code]
            node.depth = depth
            stack.extend((child, depth + 1) for child in node.children)
        self._by_name: dict[str, list[str]] = {}
        for cls in self._classes:
            for name in {normalize_name(n) for n in (cls.name, *cls.aliases)}:
                self._by_name.setdefault(name, []).append(cls.code)

    # -- contents ---------------------------------------------------------------------

    @property
    def classes(self) -> tuple[FoodClass, ...]:
        return self._classes

    def __len__(self) -> int:
        return len(self._classes)

    def __contains__(self, code: object) -> bool:
        return code in self._nodes

    def get(self, code: str) -> FoodClass:
        try:
            return self._nodes[code].cls
        except KeyError:
            raise NotFound(f"food class {code} is not in the classification") from None

    def depth(self, code: str) -> int:
        return self._nodes[code].depth

    def children(self, code: str) -> list[FoodClass]:
        return [self._nodes[c].cls for c in self._nodes[code].children]

    def is_leaf(self, code: str) -> bool:
        return not self._nodes[code].children

    def path(self, code: str) -> list[FoodClass]:
        """Root first, `code` last."""
        if code not in self._nodes:
            raise NotFound(f"food class {code} is not in the classification")
        chain: list[FoodClass] = []
        current = code
        while current:
            cls = self._nodes[current].cls
            chain.append(cls)
            current = cls.parent
        chain.reverse()
        return chain

    def path_text(self, code: str, *, with_root: bool = False) -> str:
        names = [c.name for c in self.path(code)]
        return " / ".join(names if with_root else names[1:] or names)

    def walk(self) -> Iterator[FoodClass]:
        """Depth-first, children in the order given."""
        stack = [self.root]
        while stack:
            code = stack.pop()
            yield self._nodes[code].cls
            stack.extend(reversed(self._nodes[code].children))

    # -- printed names → nodes --------------------------------------------------------

    def resolve(self, name: str) -> list[str]:
        """The nodes a printed class name means (see the module docstring); [] if none.

        Matches a node's name, an alias or its code. Of matches on one branch only the
        shallowest is kept.
        """
        key = normalize_name(name)
        found = list(self._by_name.get(key, ()))
        if not found and name.strip() in self._nodes:
            found = [name.strip()]
        if len(found) < 2:
            return found
        kept = []
        chosen = set(found)
        for code in found:
            ancestors = {c.code for c in self.path(code)[:-1]}
            if not ancestors & chosen:
                kept.append(code)
        return sorted(kept, key=lambda c: (self.depth(c), c))

    def search(self, text: str, limit: int = 50) -> list[FoodClass]:
        """Classes whose name, alias, code or pinyin initials contain `text`.

        Leaves first (a sample is registered against one), then by how early the text
        appears in the name and by depth. Blank text returns nothing.
        """
        needle = normalize_name(text)
        if not needle:
            return []
        scored: list[tuple[int, int, int, int, str, FoodClass]] = []
        for index, cls in enumerate(self._classes):
            name = normalize_name(cls.name)
            if needle in name:
                where = name.index(needle)
            elif cls.initials.startswith(needle):
                where = 0
            elif needle in cls.initials:
                where = 1 + cls.initials.index(needle)
            elif any(needle in normalize_name(a) for a in cls.aliases) or needle in (
                cls.code.casefold()
            ):
                where = 50
            else:
                continue
            leaf = 0 if self.is_leaf(cls.code) else 1
            scored.append((leaf, where, self.depth(cls.code), index, cls.code, cls))
        scored.sort(key=lambda s: s[:4])
        return [s[-1] for s in scored[:limit]]


def _validate(classes: Sequence[FoodClass]) -> list[ClassProblem]:
    problems: list[ClassProblem] = []
    by_code: dict[str, int] = {}
    for index, cls in enumerate(classes):
        if not _CODE.match(cls.code):
            problems.append(
                ClassProblem(
                    index, "code", f"{cls.code!r} is not a class code (letters, digits, . _ -)"
                )
            )
        if not cls.name.strip():
            problems.append(ClassProblem(index, "name", "must not be empty"))
        if cls.code in by_code:
            problems.append(
                ClassProblem(
                    index, "code", f"{cls.code} is listed twice (first at {by_code[cls.code] + 1})"
                )
            )
        else:
            by_code[cls.code] = index
    roots = [i for i, c in enumerate(classes) if not c.parent]
    if not classes:
        problems.append(ClassProblem(None, "code", "no classes"))
    elif len(roots) != 1:
        problems.append(
            ClassProblem(None, "parent", f"the tree needs exactly one root; found {len(roots)}")
        )
    parents = {c.code: c.parent for c in classes}
    for index, cls in enumerate(classes):
        if cls.parent and cls.parent not in by_code:
            problems.append(
                ClassProblem(index, "parent", f"{cls.code}: parent {cls.parent} does not exist")
            )
    if problems:
        return problems
    for index, cls in enumerate(classes):
        seen = {cls.code}
        current = cls.parent
        while current:
            if current in seen:
                problems.append(
                    ClassProblem(index, "parent", f"{cls.code}: its parents form a loop")
                )
                break
            seen.add(current)
            current = parents[current]
    return problems
