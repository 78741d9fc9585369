"""The installer files: one version everywhere, the Linux menu entry and per-user install
script, the Inno Setup script's promises, and the icon set.
"""

from __future__ import annotations

import importlib.metadata
import importlib.util
import json
import os
import re
import shutil
import struct
import subprocess
import sys
import tomllib
from pathlib import Path
from types import ModuleType

import pytest

import labdesk
from labdesk.cli import main
from tests.support import require_tool

ROOT = Path(__file__).resolve().parent.parent
INSTALLER = ROOT / "installer"
ICONS = ROOT / "resources" / "icons"
PNG_SIZES = (16, 24, 32, 48, 64, 128, 256, 512)
ICO_SIZES = (16, 24, 32, 48, 64, 128, 256)


def _load(path: Path) -> ModuleType:
    spec = importlib.util.spec_from_file_location(f"_installer_{path.stem}", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _iss_setup() -> dict[str, str]:
    """The [Setup] section of labdesk.iss as key → value."""
    values: dict[str, str] = {}
    section = ""
    for raw in (INSTALLER / "labdesk.iss").read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line or line.startswith(";"):
            continue
        if line.startswith("["):
            section = line
        elif section == "[Setup]" and "=" in line:
            key, value = line.split("=", 1)
            values[key.strip()] = value.strip()
    return values


# ------------------------------------------------------------------------- one version


def test_every_version_mention_agrees(capsys: pytest.CaptureFixture[str]) -> None:
    version = labdesk.__version__
    assert re.fullmatch(r"\d+\.\d+\.\d+([ab]|rc)?\d*", version), version
    # The reader the spec and the Windows build script use.
    assert _load(INSTALLER / "version.py").read_version(ROOT) == version
    # Package metadata: pyproject takes it from the module; the installed metadata agrees
    # (after a version bump, reinstall: scripts/bootstrap.sh does on a pyproject change).
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert pyproject["project"]["dynamic"] == ["version"]
    assert pyproject["tool"]["setuptools"]["dynamic"]["version"] == {"attr": "labdesk.__version__"}
    assert importlib.metadata.version("labdesk") == version
    # The Inno Setup default (build_windows.ps1 passes the same value as /DAppVersion).
    iss = (INSTALLER / "labdesk.iss").read_text(encoding="utf-8")
    assert re.findall(r'#define AppVersion "([^"]+)"', iss) == [version]
    # The spec has no version of its own: it reads labdesk/__init__.py.
    spec = (INSTALLER / "labdesk.spec").read_text(encoding="utf-8")
    assert "read_version(ROOT)" in spec
    assert version not in spec
    # What the program says about itself.
    with pytest.raises(SystemExit) as stopped:
        main(["--version"])
    assert stopped.value.code == 0
    assert capsys.readouterr().out.strip() == f"LabDesk {version}"


def test_version_helper_prints_the_version() -> None:
    proc = subprocess.run(
        [sys.executable, str(INSTALLER / "version.py")],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    assert proc.stdout.strip() == labdesk.__version__


def test_windows_version_numbers_have_four_parts() -> None:
    windows_version = _load(INSTALLER / "version.py").windows_version
    assert windows_version("0.1.0") == "0.1.0.0"
    assert windows_version("2.10.3") == "2.10.3.0"
    assert windows_version("1.2.0rc1") == "1.2.0.1"


# ------------------------------------------------------------------------ Inno Setup


def test_inno_setup_script_installs_per_user_with_a_fixed_id() -> None:
    setup = _iss_setup()
    assert re.fullmatch(r"\{\{[0-9A-F]{8}-([0-9A-F]{4}-){3}[0-9A-F]{12}\}", setup["AppId"])
    assert setup["PrivilegesRequired"] == "lowest"
    assert setup["DefaultDirName"] in {r"{userpf}\{#AppName}", r"{localappdata}\Programs\LabDesk"}
    assert setup["AppVersion"] == "{#AppVersion}"
    assert (INSTALLER / setup["SetupIconFile"].replace("\\", "/")).resolve() == (
        ICONS / "labdesk.ico"
    )
    iss = (INSTALLER / "labdesk.iss").read_text(encoding="utf-8")
    assert re.search(r'^Name: "\{autoprograms\}\\\{#AppName\}"', iss, re.MULTILINE), (
        "no start-menu entry"
    )
    # The data folder belongs to the user, never to the program folder or the uninstaller.
    assert not re.search(r"^\[UninstallDelete\]", iss, re.MULTILINE)
    assert "{localappdata}\\LabDesk" not in iss.split("[Setup]", 1)[1]


# ------------------------------------------------------------------------------ Linux


def test_desktop_entry_validates() -> None:
    validate = require_tool("desktop-file-validate")
    entry = INSTALLER / "linux" / "labdesk.desktop"
    proc = subprocess.run([validate, str(entry)], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "error" not in (proc.stdout + proc.stderr).lower()
    text = entry.read_text(encoding="utf-8")
    assert "\nIcon=labdesk\n" in text
    assert "\nExec=labdesk\n" in text


@pytest.fixture
def fake_bundle(tmp_path: Path) -> Path:
    """A folder laid out like the Linux bundle (the executable is a tiny script)."""
    bundle = tmp_path / "unpacked" / "labdesk"
    (bundle / "_internal" / "resources").mkdir(parents=True)
    shutil.copytree(ICONS, bundle / "_internal" / "resources" / "icons")
    exe = bundle / "labdesk"
    exe.write_text("#!/bin/sh\necho LabDesk\n", encoding="utf-8")
    exe.chmod(0o755)
    for name in ("labdesk.desktop", "install.sh"):
        shutil.copy2(INSTALLER / "linux" / name, bundle / name)
    return bundle


def test_linux_install_script_installs_and_uninstalls(fake_bundle: Path, tmp_path: Path) -> None:
    validate = require_tool("desktop-file-validate")
    home = tmp_path / "lab home"  # a space, as home folders sometimes have
    home.mkdir()
    env = {"HOME": str(home), "PATH": os.environ.get("PATH", os.defpath)}
    share = home / ".local" / "share"
    data = share / "LabDesk" / "labdesk.sqlite"
    data.parent.mkdir(parents=True)
    data.write_bytes(b"the lab's records")

    subprocess.run(
        ["sh", str(fake_bundle / "install.sh")], env=env, check=True, capture_output=True
    )
    opt = home / ".local" / "opt" / "labdesk"
    assert (opt / "labdesk").is_file()
    link = home / ".local" / "bin" / "labdesk"
    assert link.is_symlink() and link.resolve() == (opt / "labdesk").resolve()
    for size in PNG_SIZES:
        assert (share / "icons" / "hicolor" / f"{size}x{size}" / "apps" / "labdesk.png").is_file()
    assert (share / "icons" / "hicolor" / "scalable" / "apps" / "labdesk.svg").is_file()
    entry = share / "applications" / "labdesk.desktop"
    proc = subprocess.run([validate, str(entry)], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    lines = entry.read_text(encoding="utf-8").splitlines()
    assert f'Exec="{opt}/labdesk"' in lines
    assert f"TryExec={opt}/labdesk" in lines
    # Installing again (an upgrade) works over the first install.
    subprocess.run(
        ["sh", str(fake_bundle / "install.sh")], env=env, check=True, capture_output=True
    )

    subprocess.run(
        ["sh", str(opt / "install.sh"), "--uninstall"], env=env, check=True, capture_output=True
    )
    assert not opt.exists()
    assert not link.exists() and not link.is_symlink()
    assert not entry.exists()
    assert not list((share / "icons").rglob("labdesk.*"))
    assert data.read_bytes() == b"the lab's records"


def test_linux_install_script_refuses_to_run_outside_a_bundle(tmp_path: Path) -> None:
    script = tmp_path / "install.sh"
    shutil.copy2(INSTALLER / "linux" / "install.sh", script)
    proc = subprocess.run(
        ["sh", str(script)],
        env={"HOME": str(tmp_path), "PATH": os.environ.get("PATH", os.defpath)},
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 2
    assert "run me from the LabDesk bundle" in proc.stderr
    assert not (tmp_path / ".local").exists()


# ------------------------------------------------------------------------------ icons


def _png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", data[16:24])
    return width, height


def test_icon_files_match_the_drawing() -> None:
    drawing = _load(INSTALLER / "make_icons.py")
    assert (ICONS / "labdesk.svg").read_text(encoding="utf-8") == drawing.SVG
    assert tuple(drawing.PNG_SIZES) == PNG_SIZES
    for size in PNG_SIZES:
        assert _png_size((ICONS / f"labdesk-{size}.png").read_bytes()) == (size, size)
    ico = (ICONS / "labdesk.ico").read_bytes()
    reserved, kind, count = struct.unpack("<HHH", ico[:6])
    assert (reserved, kind, count) == (0, 1, len(ICO_SIZES))
    for index, size in enumerate(ICO_SIZES):
        width, height, _, _, _, bits, length, offset = struct.unpack(
            "<BBBBHHII", ico[6 + 16 * index : 22 + 16 * index]
        )
        assert (width or 256, height or 256, bits) == (size, size, 32)
        assert _png_size(ico[offset : offset + length]) == (size, size)


def test_icon_builder_writes_the_same_set(
    qapp: object, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # qapp first: the builder must reuse a running QApplication, not make a QGuiApplication.
    drawing = _load(INSTALLER / "make_icons.py")
    monkeypatch.setattr(drawing, "ICON_DIR", tmp_path)
    assert drawing.main() == 0
    written = sorted(p.name for p in tmp_path.iterdir())
    assert written == sorted(p.name for p in ICONS.iterdir())
    assert (tmp_path / "labdesk.svg").read_bytes() == (ICONS / "labdesk.svg").read_bytes()
    for size in PNG_SIZES:
        assert _png_size((tmp_path / f"labdesk-{size}.png").read_bytes()) == (size, size)


# ------------------------------------------------------------------- ICU data trimming


def _package(items: list[tuple[str, bytes]]) -> bytes:
    """A small ICU common-data package (header, table of contents, 16-byte aligned items)."""
    info = struct.pack("<HHBBBB4s4s4s", 20, 0, 0, 0, 2, 0, b"CmnD", b"\1\0\0\0", b"\3\0\0\0")
    header = struct.pack("<HBB", 32, 0xDA, 0x27) + info
    header = header.ljust(32, b"\0")
    return _load(INSTALLER / "icu_data.py").write_package(header, items)


def test_icu_trim_keeps_chinese_english_root_and_everything_not_a_locale() -> None:
    keep = _load(INSTALLER / "icu_data.py").keep_item
    for kept in (
        "icudt73l/root.res",
        "icudt73l/zh.res",
        "icudt73l/zh_Hans_CN.res",
        "icudt73l/en_001.res",
        "icudt73l/coll/zh.res",
        "icudt73l/coll/ucadata.icu",
        "icudt73l/coll/res_index.res",
        "icudt73l/zone/pool.res",
        "icudt73l/zone/root.res",
        "icudt73l/gb18030.cnv",
        "icudt73l/cnvalias.icu",
        "icudt73l/brkitr/cjdict.dict",
        "icudt73l/supplementalData.res",
        "icudt73l/likelySubtags.res",
        "icudt73l/zoneinfo64.res",
    ):
        assert keep(kept), kept
    for dropped in (
        "icudt73l/de.res",
        "icudt73l/es_419.res",
        "icudt73l/coll/ja.res",
        "icudt73l/unit/fil.res",
        "icudt73l/zone/sr_Latn_BA.res",
        "icudt73l/lang/yue_Hans.res",
    ):
        assert not keep(dropped), dropped


def test_icu_package_round_trips_and_trims_to_the_kept_items() -> None:
    icu_data = _load(INSTALLER / "icu_data.py")
    items = [
        ("icudt73l/coll/de.res", b"D" * 37),
        ("icudt73l/coll/zh.res", b"Z" * 100),
        ("icudt73l/de.res", b"d" * 5),
        ("icudt73l/gb18030.cnv", b"G" * 16),
        ("icudt73l/root.res", b"R" * 1),
    ]
    blob = _package(items)
    header, read = icu_data.read_package(blob)
    assert len(header) == 32
    # Items come back padded to 16 bytes (as ICU lays them out), content unchanged.
    assert [name for name, _ in read] == [name for name, _ in items]
    for (_, data), (_, original) in zip(read, items, strict=True):
        assert data.rstrip(b"\0") == original and len(data) % 16 == 0
    trimmed = icu_data.trim_package(blob)
    _, kept = icu_data.read_package(trimmed)
    assert [name for name, _ in kept] == [
        "icudt73l/coll/zh.res",
        "icudt73l/gb18030.cnv",
        "icudt73l/root.res",
    ]
    # Every item starts on a 16-byte boundary of the blob.
    count = struct.unpack_from("<I", trimmed, 32)[0]
    for index in range(count):
        _, offset = struct.unpack_from("<II", trimmed, 32 + 4 + 8 * index)
        assert (32 + offset) % 16 == 0
    assert icu_data.read_package(b"not ICU data at all, just some bytes") is None


def _icu_lib_dir() -> Path:
    if not sys.platform.startswith("linux"):
        pytest.skip("PySide6 bundles ICU on Linux only")
    import PySide6

    lib = Path(PySide6.__file__).parent / "Qt" / "lib"
    if not list(lib.glob("libicudata.so.*")):
        pytest.skip("this PySide6 has no libicudata")
    return lib


def _probe(lib_dir: Path) -> dict[str, object]:
    proc = subprocess.run(
        [sys.executable, str(INSTALLER / "icu_data.py"), "probe", str(lib_dir)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    result: dict[str, object] = json.loads(proc.stdout)
    return result


def _copy_icu(source: Path, target: Path) -> Path:
    target.mkdir()
    for library in source.glob("libicu*.so.*"):
        if library.suffix[1:].isdigit():
            shutil.copyfile(library, target / library.name)
    (data,) = target.glob("libicudata.so.*")
    return data


def test_trimmed_icu_library_still_collates_chinese_and_converts_gb18030(
    tmp_path: Path,
) -> None:
    icu_data = _load(INSTALLER / "icu_data.py")
    source = _icu_lib_dir()
    data = _copy_icu(source, tmp_path / "trimmed")
    sizes = icu_data.trim_library(data)
    assert sizes is not None, "PySide6's libicudata is no longer laid out as icu_data expects"
    old, new = sizes
    assert new == data.stat().st_size and new < old * 0.6
    objdump = shutil.which("objdump")
    if objdump:  # still a well-formed shared library exporting the data symbol
        proc = subprocess.run([objdump, "-T", str(data)], capture_output=True, text=True)
        assert proc.returncode == 0 and re.search(r"icudt\d+_dat", proc.stdout), proc.stderr
    probe = _probe(data.parent)
    assert probe["zh_CN"] == {"locale": "zh_Hans_CN", "pinyin_first": True}
    assert probe["en_US"] == {"locale": "en_US", "pinyin_first": False}
    assert probe["encodings"] == {"GB18030": True, "GBK": True, "Big5": True, "windows-1252": True}

    # The probe tells the difference: without the Chinese collation data, 中 sorts
    # before 啊 (code point order) and the collator falls back to root.
    stripped = _copy_icu(source, tmp_path / "no-zh-collation")
    assert icu_data.trim_library(
        stripped, lambda name: icu_data.keep_item(name) and "/coll/zh" not in name
    )
    probe = _probe(stripped.parent)
    assert probe["zh_CN"] == {"locale": "root", "pinyin_first": False}


def test_icu_trimming_leaves_other_libraries_alone() -> None:
    icu_data = _load(INSTALLER / "icu_data.py")
    lib = _icu_lib_dir()
    (uc,) = [p for p in lib.glob("libicuuc.so.*") if p.suffix[1:].isdigit()]
    assert icu_data.shrink_elf(uc.read_bytes()) is None
    assert icu_data.shrink_elf(b"\x7fELF but not really") is None
