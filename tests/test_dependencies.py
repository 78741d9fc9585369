"""Every dependency declared in pyproject.toml is imported by the package (issue 13)."""

from __future__ import annotations

import ast
import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# Distribution name → the top-level module it provides, where they differ.
_MODULE = {
    "pyside6-essentials": "PySide6",
    "argon2-cffi": "argon2",
    "chinese-calendar": "chinese_calendar",
    "zxing-cpp": "zxingcpp",
}


def _imported_top_levels() -> set[str]:
    names: set[str] = set()
    for path in (ROOT / "labdesk").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names.update(alias.name.split(".")[0] for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names.add(node.module.split(".")[0])
    return names


def test_every_declared_dependency_is_imported() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    imported = _imported_top_levels()
    unused = []
    for spec in project["dependencies"]:
        name = re.split(r"[\s;\[<>=!~]", spec, maxsplit=1)[0].lower()
        module = _MODULE.get(name, name.replace("-", "_"))
        if module not in imported:
            unused.append(name)
    assert unused == [], f"declared but imported nowhere in labdesk/: {unused}"
