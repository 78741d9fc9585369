"""The one version number, read from `labdesk/__init__.py` without importing the package.

Used by installer/labdesk.spec (PyInstaller), installer/build_windows.ps1 (passes it to
Inno Setup as /DAppVersion=…) and the tests. `python installer/version.py` prints it.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
_VERSION_RE = re.compile(r'^__version__\s*=\s*"([^"]+)"', re.MULTILINE)


def read_version(root: Path = ROOT) -> str:
    """`__version__` from labdesk/__init__.py (text, so building needs no install)."""
    text = (root / "labdesk" / "__init__.py").read_text(encoding="utf-8")
    match = _VERSION_RE.search(text)
    if match is None:
        raise SystemExit(f'{root / "labdesk" / "__init__.py"} has no __version__ = "…" line')
    return match.group(1)


def windows_version(version: str) -> str:
    """The four-number form Windows version resources want: 0.1.0 -> 0.1.0.0."""
    numbers = [int(part) for part in re.findall(r"\d+", version)[:4]]
    return ".".join(str(n) for n in [*numbers, 0, 0, 0, 0][:4])


def windows_version_info(version: str) -> object:
    """PyInstaller's VSVersionInfo for labdesk.exe (Properties → Details shows the version).

    Simplified Chinese (0x0804) string table, Unicode code page (1200).
    """
    from PyInstaller.utils.win32.versioninfo import (
        FixedFileInfo,
        StringFileInfo,
        StringStruct,
        StringTable,
        VarFileInfo,
        VarStruct,
        VSVersionInfo,
    )

    numbers = tuple(int(part) for part in windows_version(version).split("."))
    strings = {
        "CompanyName": "LabDesk",
        "FileDescription": "LabDesk — 质检中心实验室信息管理系统",
        "FileVersion": version,
        "InternalName": "labdesk",
        "OriginalFilename": "labdesk.exe",
        "ProductName": "LabDesk",
        "ProductVersion": version,
    }
    return VSVersionInfo(
        ffi=FixedFileInfo(filevers=numbers, prodvers=numbers),
        kids=[
            StringFileInfo(
                [StringTable("080404B0", [StringStruct(k, v) for k, v in strings.items()])]
            ),
            VarFileInfo([VarStruct("Translation", [0x0804, 1200])]),
        ],
    )


if __name__ == "__main__":
    print(read_version())
    sys.exit(0)
