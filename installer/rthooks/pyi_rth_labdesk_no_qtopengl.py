"""PyInstaller runtime hook: stand in for PySide6.QtOpenGL, which the bundle leaves out.

pyqtgraph 0.14 imports `PySide6.QtOpenGL` when its plot items are imported, but uses it
only when OpenGL rendering is switched on (`pyqtgraph.setConfigOptions(useOpenGL=True)`),
which LabDesk never does. The binding alone is 8.5 MB of the Linux bundle, so
installer/labdesk.spec excludes it and this hook answers the import with a module whose
every attribute raises ImportError naming the cause: if a future chart does enable
OpenGL, it fails loudly at that point (and `labdesk --smoke-test` builds every screen),
never with wrong drawing.
"""

import importlib.abc
import importlib.machinery
import sys
import types
from collections.abc import Sequence

_NAME = "PySide6.QtOpenGL"


class _MissingQtOpenGL(types.ModuleType):
    def __getattr__(self, attribute: str) -> object:
        if attribute.startswith("__"):
            raise AttributeError(attribute)
        raise ImportError(
            f"{_NAME}.{attribute}: this LabDesk bundle leaves out Qt OpenGL "
            "(installer/labdesk.spec); pyqtgraph's OpenGL rendering is not available"
        )


class _Finder(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    def find_spec(
        self,
        fullname: str,
        path: Sequence[str] | None = None,
        target: types.ModuleType | None = None,
    ) -> importlib.machinery.ModuleSpec | None:
        if fullname != _NAME:
            return None
        return importlib.machinery.ModuleSpec(fullname, self)

    def create_module(self, spec: importlib.machinery.ModuleSpec) -> types.ModuleType:
        return _MissingQtOpenGL(spec.name)

    def exec_module(self, module: types.ModuleType) -> None:
        return None


# Last on the path: a real PySide6.QtOpenGL, if one is ever bundled, still wins.
sys.meta_path.append(_Finder())
