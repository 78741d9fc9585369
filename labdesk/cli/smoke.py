"""`labdesk --smoke-test`: does this installation work, end to end?

Run on a freshly installed (or frozen) LabDesk, it checks in order:

1. ``imports``     every labdesk module imports (a frozen bundle that missed one fails here);
2. ``resources``   the icons, fonts, standards library and translations are where
                   `labdesk.paths.resources_dir()` says (inside a PyInstaller bundle too);
3. ``qt``          Qt starts (offscreen unless QT_QPA_PLATFORM says otherwise), this
                   system's native platform plugin is present, Qt's and LabDesk's Chinese
                   translations load and the CJK font registers;
4. ``database``    a new database in a temporary folder opens as the single writer, is
                   migrated (WAL, foreign keys on) and a second writer is refused;
5. ``judgement``   ≤0.5 against 0.549: pass by the rounded value, fail by the full value;
6. ``signing``     an SM2 (SM3, signer ID 1234567812345678) signature over a small manifest
                   verifies, and does not verify once one byte changes;
7. ``batch``       a small demo centre exports one real signed batch that verifies with the
                   centre's public key, and a tampered copy is rejected;
8. ``report``      a 检验报告 PDF of an approved sample renders with the CJK font embedded;
9. ``main_window`` the main window is built and shown with every screen loaded, signed in
                   as the demo manager.

It prints ONE JSON line on stdout — what was checked and the versions of LabDesk, Qt,
PySide6, SQLite and Python — and exits 0. If a check fails the line says which
(``"failed": "<check>"`` and the error) and the exit code is 1. Nothing is written outside
the temporary folder, which is removed afterwards. With ``--db PATH`` the ``database``
check opens that file instead (creating it if missing), so a second LabDesk holding it is
reported like any user error (exit 2); the data-writing checks still use the temporary
folder.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib
import io
import json
import os
import pkgutil
import platform
import re
import shutil
import sqlite3
import sys
import tempfile
import time
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

import labdesk

# A weak passphrase and a cheap KDF are fine for a throwaway key in a temporary folder.
SMOKE_PASSPHRASE = "smoke-test-passphrase"
DEMO_SAMPLES = 12  # the demo generator leaves at least one approved, unexported sample
# The native platform plugin each OS's desktop needs (file name stem inside platforms/).
NATIVE_PLATFORM_PLUGIN = {"linux": "qxcb", "win32": "qwindows", "darwin": "qcocoa"}


class SmokeFailure(Exception):
    """A check found the installation broken; the message says what."""


@dataclass
class SmokeRun:
    """State shared by the checks: the temporary folder, the open database, Qt."""

    workdir: Path
    user_db: Path | None
    user_db_schema: int | None = None
    db: Any = None  # labdesk.store.db.Database of the temporary demo centre
    app: Any = None  # QApplication
    closers: list[Callable[[], None]] = field(default_factory=list)

    def close(self) -> None:
        for closer in reversed(self.closers):
            with contextlib.suppress(Exception):
                closer()
        self.closers.clear()


def _describe(exc: BaseException) -> str:
    """`Type: message`, followed by the causes (`<- Type: message`): an ImportError in a
    bundle usually says only "see the traceback", and the cause is what was missing."""
    parts: list[str] = []
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen and len(parts) < 5:
        seen.add(id(current))
        parts.append(f"{type(current).__name__}: {current}")
        current = current.__cause__ or current.__context__
    return " <- ".join(parts)


def _require(condition: bool, message: str) -> None:
    if not condition:
        raise SmokeFailure(message)


# ----------------------------------------------------------------------------- checks


def check_imports(run: SmokeRun) -> dict[str, Any]:
    """Import every module of the package, as a frozen bundle must have them all."""
    names = sorted(
        info.name
        for info in pkgutil.walk_packages(labdesk.__path__, prefix="labdesk.")
        if not info.name.startswith("labdesk.__main__")
    )
    for name in names:
        try:
            importlib.import_module(name)
        except Exception as exc:
            raise SmokeFailure(f"{name}: {_describe(exc)}") from exc
    # A bundle that lost whole packages would still import what it has: insist on the
    # layers every LabDesk has.
    packages = {name.split(".")[1] for name in names}
    missing = {"core", "store", "services", "signing", "batch", "reports", "ui", "cli"} - packages
    _require(not missing, f"packages missing: {', '.join(sorted(missing))}")
    return {"modules": len(names)}


def check_resources(run: SmokeRun) -> dict[str, Any]:
    from labdesk.core.library_io import sample_library_path
    from labdesk.paths import resources_dir

    root = resources_dir()
    _require(root.is_dir(), f"no resources folder at {root}")
    wanted = [
        root / "icons" / "labdesk.svg",
        root / "icons" / "labdesk-256.png",
        root / "icons" / "labdesk.ico",
        sample_library_path(),
    ]
    missing = [str(p.relative_to(root)) for p in wanted if not p.is_file()]
    _require(not missing, f"missing in {root}: {', '.join(missing)}")
    fonts = sorted(p.name for p in (root / "fonts").glob("*.tt[cf]"))
    _require(bool(fonts), f"no CJK font in {root / 'fonts'}")
    files = sum(1 for p in root.rglob("*") if p.is_file())
    return {"dir": str(root), "files": files, "fonts": fonts}


def _ensure_qt(run: SmokeRun) -> Any:
    if run.app is not None:
        return run.app
    # Offscreen unless told otherwise: the smoke test never shows a window, and works
    # over SSH, in CI and in an installer's post-install step.
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance()
    if app is None:
        app = QApplication([sys.argv[0] if sys.argv else "labdesk"])
    run.app = app
    return app


def check_qt(run: SmokeRun) -> dict[str, Any]:
    from PySide6.QtCore import QLibraryInfo, QLocale
    from PySide6.QtGui import QFontDatabase, QGuiApplication

    from labdesk.reports.fonts import font_path
    from labdesk.ui.i18n import install_translators, remove_translators

    _ensure_qt(run)
    plugins = Path(QLibraryInfo.path(QLibraryInfo.LibraryPath.PluginsPath)) / "platforms"
    native = NATIVE_PLATFORM_PLUGIN.get(sys.platform)
    present = sorted(p.stem.removeprefix("lib") for p in plugins.glob("*") if p.is_file())
    if native is not None:
        _require(native in present, f"the {native} platform plugin is missing from {plugins}")

    saved_locale = QLocale()
    try:
        loaded = install_translators("zh")
    finally:
        remove_translators()
        QLocale.setDefault(saved_locale)
    names = [p.name for p in loaded]
    _require("qtbase_zh_CN.qm" in names, "Qt's own Chinese translation qtbase_zh_CN.qm is missing")

    font_file = font_path()
    font_id = QFontDatabase.addApplicationFont(str(font_file))
    _require(font_id != -1, f"the CJK font {font_file.name} does not load")
    families = QFontDatabase.applicationFontFamilies(font_id)
    return {
        "platform": QGuiApplication.platformName(),
        "platform_plugins": present,
        "translations": names,
        "font": families[0] if families else font_file.name,
    }


def check_database(run: SmokeRun) -> dict[str, Any]:
    from labdesk.store.db import open_database
    from labdesk.store.errors import DatabaseLocked
    from labdesk.store.schema import LATEST_VERSION

    details: dict[str, Any] = {}
    if run.user_db is not None:
        details["user_db"] = {"path": str(run.user_db), "schema": run.user_db_schema}
    path = run.workdir / "smoke.sqlite"
    db = open_database(path)
    run.db = db
    run.closers.append(db.close)
    _require(db.user_version == LATEST_VERSION, f"schema {db.user_version}, not {LATEST_VERSION}")
    journal = str(db.scalar("PRAGMA journal_mode")).lower()
    _require(journal == "wal", f"journal_mode is {journal}, not wal")
    _require(int(db.scalar("PRAGMA foreign_keys")) == 1, "foreign_keys is off")
    try:
        second = open_database(path)
    except DatabaseLocked:
        refused = True
    else:
        second.close()
        refused = False
    _require(refused, "a second writer was allowed on the same database")
    details.update(schema=db.user_version, journal_mode=journal, second_writer="refused")
    return details


def check_judgement(run: SmokeRun) -> dict[str, Any]:
    from labdesk.core.judgement import ItemRule, judge
    from labdesk.core.rounding import round_to_interval

    rounded = judge(ItemRule(limit="≤0.5", method="rounded"), "0.549")
    full = judge(ItemRule(limit="≤0.5", method="full"), "0.549")
    _require(rounded.verdict == "pass", f"0.549 vs ≤0.5 (rounded value): {rounded.verdict}")
    _require(full.verdict == "fail", f"0.549 vs ≤0.5 (full value): {full.verdict}")
    # GB/T 8170 rounding in Decimal: a binary float would give 0.3 here.
    half_even = round_to_interval("0.35", "0.1")
    _require(str(half_even) == "0.4", f"0.35 rounded to 0.1 gave {half_even}, not 0.4")
    return {
        "limit": "≤0.5",
        "value": "0.549",
        "rounded_method": rounded.verdict,
        "full_method": full.verdict,
        "0.35@0.1": str(half_even),
    }


def check_signing(run: SmokeRun) -> dict[str, Any]:
    from labdesk.signing import SIGNATURE_NAMES, Signer, load_public_pem

    signer = Signer.generate("sm2")
    manifest = json.dumps(
        {"format": "labdesk-smoke", "files": [{"path": "a.txt", "size": 3}]},
        sort_keys=True,
        separators=(",", ":"),
    ).encode("utf-8")
    signature = signer.sign(manifest)
    public = load_public_pem(signer.public_key.pem)
    _require(public.key_id == signer.key_id, "the public key's id differs from the signer's")
    _require(public.verify(manifest, signature), "a fresh SM2 signature does not verify")
    tampered = manifest.replace(b'"size":3', b'"size":4')
    _require(not public.verify(tampered, signature), "SM2 verified a tampered manifest")
    return {
        "algorithm": SIGNATURE_NAMES["sm2"],
        "key_id": signer.key_id[:16],
        "verified": True,
        "tamper_rejected": True,
    }


def check_batch(run: SmokeRun) -> dict[str, Any]:
    from labdesk.batch.export import export_batch
    from labdesk.batch.verify import BatchRejected, verify_batch, verify_bytes
    from labdesk.services import auth, demo, keys
    from labdesk.signing import MIN_KDF

    db = run.db
    _require(db is not None, "no database (the database check did not run)")
    made = demo.fill_demo(db, samples=DEMO_SAMPLES)
    manager = auth.sign_in(db, "manager", "manager-demo")
    keys.init_keys(manager, "sm2", SMOKE_PASSPHRASE, kdf=MIN_KDF)
    outbox = run.workdir / "outbox"
    outbox.mkdir()
    result = export_batch(manager, outbox, SMOKE_PASSPHRASE)
    trusted = [keys.public_key(db)]
    verified = verify_batch(result.path, trusted)
    algorithm = verified.manifest["signature"]["algorithm"]
    _require(algorithm == "SM2-with-SM3", f"the batch is signed with {algorithm}, not SM2")

    # A copy with one byte of samples.jsonl changed (manifest and signature kept).
    try:
        verify_bytes(_tampered(result.path.read_bytes(), "samples.jsonl"), trusted)
    except BatchRejected as exc:
        rejected = exc.reason
    else:
        raise SmokeFailure("a batch with a changed samples.jsonl was accepted")
    return {
        "file": result.file_name,
        "samples": result.sample_count,
        "demo_samples": made.samples,
        "algorithm": algorithm,
        "key_id": result.key_id[:16],
        "verified": True,
        "tampered_copy": f"rejected ({rejected})",
    }


def _tampered(archive: bytes, member: str) -> bytes:
    """The same ZIP with the next-to-last byte of `member` changed."""
    source = zipfile.ZipFile(io.BytesIO(archive))
    out = io.BytesIO()
    with source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = source.read(info)
            if info.filename == member:
                _require(len(data) >= 2, f"{member} is empty")
                changed = bytearray(data)
                changed[-2] = ord("0") if changed[-2] != ord("0") else ord("1")
                data = bytes(changed)
            target.writestr(info, data)
    return out.getvalue()


def check_report(run: SmokeRun) -> dict[str, Any]:
    """A 检验报告 PDF of an approved demo sample, with the bundled CJK font embedded."""
    from labdesk.reports.data import report_document
    from labdesk.reports.pdf import render_report_pdf

    db = run.db
    _require(db is not None, "no database (the database check did not run)")
    sample_no = db.scalar(
        "SELECT sample_no FROM samples WHERE state IN ('approved', 'exported') ORDER BY id LIMIT 1"
    )
    _require(sample_no is not None, "the demo centre has no approved sample to report")
    path = run.workdir / "report.pdf"
    pages = render_report_pdf(report_document(db, str(sample_no)), path)
    data = path.read_bytes()
    _require(data.startswith(b"%PDF-"), f"{path.name} is not a PDF")
    fonts = sorted(
        {m.decode("ascii", "replace") for m in re.findall(rb"/BaseFont\s*/([\w+-]+)", data)}
    )
    _require(
        any("WenQuanYi" in font for font in fonts),
        f"the report does not embed the CJK font (fonts: {', '.join(fonts) or 'none'})",
    )
    return {"sample": str(sample_no), "pages": pages, "bytes": len(data), "fonts": fonts}


def check_main_window(run: SmokeRun) -> dict[str, Any]:
    from labdesk.services import auth
    from labdesk.ui.main_window import MainWindow, ScreenLoadError
    from labdesk.ui.screens import SCREENS
    from labdesk.ui.session import UiSession, open_settings
    from labdesk.ui.signin import apply_sign_in

    app = _ensure_qt(run)
    db = run.db
    _require(db is not None, "no database (the database check did not run)")
    settings = open_settings(run.workdir / "settings.ini")
    session = UiSession(db=db, db_path=db.path, settings=settings)
    apply_sign_in(session, auth.sign_in(db, "manager", "manager-demo"))
    window = MainWindow(session)
    run.closers.append(window.deleteLater)
    try:
        window.show()
        window.open_initial_screen()
        app.processEvents()
        _require(window.isVisible(), "the main window did not show")
        broken = []
        for info in SCREENS:
            screen = window.show_screen(info.key)
            app.processEvents()
            if isinstance(screen, ScreenLoadError):
                broken.append(f"{info.key}: {screen.text()}")
        _require(not broken, "screens failed to load: " + "; ".join(broken))
        return {"screens": [info.key for info in SCREENS], "title": window.windowTitle()}
    finally:
        window.close()
        app.processEvents()


CHECKS: tuple[tuple[str, Callable[[SmokeRun], dict[str, Any]]], ...] = (
    ("imports", check_imports),
    ("resources", check_resources),
    ("qt", check_qt),
    ("database", check_database),
    ("judgement", check_judgement),
    ("signing", check_signing),
    ("batch", check_batch),
    ("report", check_report),
    ("main_window", check_main_window),
)


# ----------------------------------------------------------------------------- running


def versions() -> dict[str, str]:
    """LabDesk, Qt (runtime), PySide6, SQLite (the library Python uses) and Python."""
    found = {
        "labdesk": labdesk.__version__,
        "python": platform.python_version(),
        "sqlite": sqlite3.sqlite_version,
    }
    try:
        import PySide6
        from PySide6.QtCore import qVersion

        found["qt"] = qVersion()
        found["pyside6"] = PySide6.__version__
    except ImportError as exc:  # reported, and the qt check then fails by name
        found["qt"] = f"unavailable: {exc}"
    return found


@contextlib.contextmanager
def _output() -> Iterator[IO[str]]:
    """Where the JSON line goes: stdout, or the calling console for a windowed .exe.

    The Windows bundle is built windowed (no console window), so it starts with no
    stdout; attaching to the parent console makes `labdesk.exe --smoke-test` print in
    cmd or PowerShell like any command.
    """
    if sys.stdout is not None:
        yield sys.stdout
        return
    stream: IO[str] | None = None
    if sys.platform == "win32":  # pragma: no cover - the windowed Windows bundle
        import ctypes

        attach_parent_process = -1
        if ctypes.windll.kernel32.AttachConsole(attach_parent_process):
            with contextlib.suppress(OSError):
                stream = open("CONOUT$", "w", encoding="utf-8")  # noqa: SIM115
    if stream is None:
        stream = open(os.devnull, "w", encoding="utf-8")  # noqa: SIM115
    try:
        yield stream
    finally:
        stream.close()


def run_checks(user_db: Path | None = None) -> dict[str, Any]:
    """Run every check; returns the report (``ok`` False and ``failed`` set on failure).

    With `user_db`, that file is opened first, as the application would open it, and held
    for the whole run; a LabDeskError there (another LabDesk has it open, a foreign or
    newer file) propagates, so the CLI reports it politely and exits 2.
    """
    started = time.perf_counter()
    report: dict[str, Any] = {
        "ok": False,
        "versions": versions(),
        "frozen": bool(getattr(sys, "frozen", False)),
        "checks": {},
    }
    timings: dict[str, float] = {}
    workdir = Path(tempfile.mkdtemp(prefix="labdesk-smoke-"))
    run = SmokeRun(workdir=workdir, user_db=user_db)
    try:
        if user_db is not None:
            from labdesk.store.db import open_database

            held = open_database(user_db)
            run.closers.append(held.close)
            run.user_db_schema = held.user_version
        for name, check in CHECKS:
            try:
                begun = time.perf_counter()
                report["checks"][name] = check(run)
                timings[name] = round(time.perf_counter() - begun, 3)
            except Exception as exc:
                report["failed"] = name
                # A SmokeFailure already names what is wrong (and its cause).
                report["error"] = str(exc) if isinstance(exc, SmokeFailure) else _describe(exc)
                break
        else:
            report["ok"] = True
    finally:
        run.close()
        shutil.rmtree(workdir, ignore_errors=True)
        report["seconds"] = round(time.perf_counter() - started, 2)
        report["check_seconds"] = timings
    return report


def run_smoke_test(args: argparse.Namespace) -> int:
    """The `--smoke-test` handler: one JSON line, exit 0 if every check passed, else 1."""
    user_db = Path(args.db) if getattr(args, "db", None) is not None else None
    report = run_checks(user_db)
    with _output() as out:
        out.write(json.dumps(report, ensure_ascii=False, sort_keys=False) + "\n")
        out.flush()
    return 0 if report["ok"] else 1
