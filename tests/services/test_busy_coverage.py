"""Every service that writes is tried again when the server is busy, or says why not
(issue 18.5): a new service cannot be added that shows "busy" at once without a reason.

Read from the source: a function writes if it opens a transaction on a store
(`….db.write(…)`, `db.transaction(…)`) or calls, inside labdesk.services, a function that
does and is neither wrapped in `retried_when_busy` nor marked "Not retried when busy:"
with its reason on the lines just above its `def`."""

from __future__ import annotations

import ast
from dataclasses import dataclass, field
from pathlib import Path

import labdesk.services

SERVICES = Path(labdesk.services.__file__).parent
PACKAGE = "labdesk.services"
MARK = "Not retried when busy:"

# Writers in modules this task may not change (the lead's result entry), with why they
# are left as they are; each must still be found writing, so the list cannot go stale.
ELSEWHERE = {
    # a helper of set_item_lod and item_rules.set_item_rule, which are retried whole
    "results.change_item": "called inside retried services",
    # the batch file was signed over the records as they were before the call
    # (batch/export.py checks the audit head outside it): recorded again after a wait,
    # it could claim records changed meanwhile
    "workflow.record_export": "signed outside the transaction",
}


@dataclass
class Function:
    module: str
    node: ast.FunctionDef
    marked: bool
    calls: set[str] = field(default_factory=set)
    opens: bool = False

    @property
    def name(self) -> str:
        return f"{self.module}.{self.node.name}"

    @property
    def retried(self) -> bool:
        return any(
            (isinstance(d, ast.Name) and d.id == "retried_when_busy")
            or (isinstance(d, ast.Attribute) and d.attr == "retried_when_busy")
            for d in self.node.decorator_list
        )


def _store_receiver(node: ast.expr) -> bool:
    text = ast.unparse(node)
    return text == "db" or text.endswith(".db")


def _imports(tree: ast.Module) -> tuple[dict[str, str], dict[str, str]]:
    """(alias → services module, name → "module.function") of the module's imports."""
    modules: dict[str, str] = {}
    names: dict[str, str] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module == PACKAGE:
            for alias in node.names:
                modules[alias.asname or alias.name] = alias.name
        elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith(PACKAGE + "."):
            module = (node.module or "").removeprefix(PACKAGE + ".")
            for alias in node.names:
                names[alias.asname or alias.name] = f"{module}.{alias.name}"
    return modules, names


def _functions() -> dict[str, Function]:
    found: dict[str, Function] = {}
    for path in sorted(SERVICES.glob("*.py")):
        module = path.stem
        source = path.read_text(encoding="utf-8")
        lines = source.splitlines()
        tree = ast.parse(source)
        modules, names = _imports(tree)
        local = {n.name for n in tree.body if isinstance(n, ast.FunctionDef)}
        for node in tree.body:
            if not isinstance(node, ast.FunctionDef):
                continue
            first = min([node.lineno, *(d.lineno for d in node.decorator_list)])
            above = "\n".join(lines[max(0, first - 6) : first - 1])
            function = Function(module, node, MARK in above)
            for call in ast.walk(node):
                if not isinstance(call, ast.Call):
                    continue
                target = call.func
                if isinstance(target, ast.Attribute):
                    if target.attr in ("write", "transaction") and _store_receiver(target.value):
                        function.opens = True
                    elif isinstance(target.value, ast.Name) and target.value.id in modules:
                        function.calls.add(f"{modules[target.value.id]}.{target.attr}")
                elif isinstance(target, ast.Name):
                    if target.id in local:
                        function.calls.add(f"{module}.{target.id}")
                    elif target.id in names:
                        function.calls.add(names[target.id])
            found[function.name] = function
    return found


def _unretried_writers(functions: dict[str, Function]) -> set[str]:
    """Functions whose call may write on the server without being tried again."""
    exposed = {f.name for f in functions.values() if f.opens and not (f.retried or f.marked)}
    while True:
        more = {
            f.name
            for f in functions.values()
            if f.name not in exposed
            and not (f.retried or f.marked)
            and any(c in exposed for c in f.calls)
        }
        if not more:
            return exposed
        exposed |= more


def test_every_writing_service_is_retried_when_busy_or_says_why_not() -> None:
    functions = _functions()
    exposed = _unretried_writers(functions)
    public = sorted(n for n in exposed if not functions[n].node.name.startswith("_"))
    assert [n for n in public if n not in ELSEWHERE] == []
    assert sorted(ELSEWHERE) == sorted(n for n in public if n in ELSEWHERE)


def test_the_reading_finds_the_writers_it_must() -> None:
    """The check itself: it sees a direct write, a write through a private helper, a
    write through another module, and stops at a retried or marked function."""
    functions = _functions()
    assert functions["samples.register_sample"].opens
    assert functions["samples.register_sample"].retried
    assert functions["auth._count_failure"].opens
    assert "auth._count_failure" in functions["auth.sign_in"].calls
    assert "results.change_item" in functions["item_rules.set_item_rule"].calls
    assert "result_bulk.enter_results_bulk" in functions["excel_import.commit_import"].calls
    exposed = _unretried_writers(functions)
    assert "results.change_item" in exposed
    assert "samples.register_sample" not in exposed
    assert "excel_import.commit_import" not in exposed
