"""The PySide6 desktop application. It calls the services; nothing calls up into it.

Importing this package first makes PySide's import hook cheaper (`_fast_feature_scan`):
every module imported once PySide6 is loaded is searched for the word "PySide6" (to
know whether `from __feature__ import …` switching applies to it) through
`inspect.getsource`, which fills `linecache` with each module's whole source. LabDesk's
start-up imports ~100 modules after PySide6: ~13 ms of the sign-in window's start
(docs/performance.md). The same question is answered by reading the file's bytes.
"""

from __future__ import annotations

import sys
from types import ModuleType


def _fast_feature_scan() -> None:
    import PySide6  # loads shibokensupport.feature; QtCore (the first scan) not yet

    feature = sys.modules.get("shibokensupport.feature")
    slow = getattr(feature, "_mod_uses_pyside", None)
    if feature is None or slow is None or getattr(slow, "labdesk_fast", False):
        return  # another PySide6 than the pinned one: leave it as it is
    del PySide6

    def mod_uses_pyside(module: ModuleType) -> bool:
        path = getattr(module, "__file__", None)
        if isinstance(path, str) and path.endswith(".py"):
            try:
                with open(path, "rb") as source:
                    return b"PySide6" in source.read()
            except OSError:
                pass
        return bool(slow(module))  # no plain source file: PySide's own answer

    mod_uses_pyside.labdesk_fast = True  # type: ignore[attr-defined]
    feature._mod_uses_pyside = mod_uses_pyside  # type: ignore[attr-defined]


_fast_feature_scan()
