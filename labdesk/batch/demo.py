"""A demo centre whose exported samples left in real, signed batches.

`services.demo.fill_demo` makes the users, enterprises, samples and results but cannot
sign anything (the batch layer sits above it). `build_demo` first creates the demo
centre's SM2 signing key under the published demo passphrase `DEMO_KEY_PASSPHRASE` (so
every demo approval signs its report payload), then runs it with an exporter that
exports each chosen group of samples with
the ordinary `export_batch` into an outbox folder beside the database. The batches chain
(sequence 1, 2, … with each manifest naming its predecessor) exactly like a real
centre's, so HQ can ingest the folder with the public key written next to them
(`<CODE>-public-key.pem`) and find no gaps.

DEMO ONLY: the passphrase is printed with the demo passwords and stored nowhere else; a
key whose passphrase is public protects nothing. For the same reason the key is wrapped
with the cheapest argon2id setting a key may have (`DEMO_KDF` = `MIN_KDF`, the users'
passwords' cost): more would buy no security and be paid once per demo batch.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from labdesk.batch.demo_passphrase import DEMO_KEY_PASSPHRASE
from labdesk.batch.export import ExportResult, export_batch
from labdesk.core.errors import WorkflowError
from labdesk.paths import make_private_folder
from labdesk.services import auth, keys
from labdesk.services.context import ServiceContext
from labdesk.services.demo import DemoPlan, DemoSummary, fill_demo
from labdesk.signing import MIN_KDF, Signer, WrongPassphrase
from labdesk.store.db import Database, open_database

DEMO_KEY_ALGORITHM = "sm2"
# The cheapest a key may be (the users' passwords' cost): quick, and never a weak example.
DEMO_KDF = MIN_KDF


@dataclass
class DemoBuild:
    """What `build_demo` made: the generator's summary and the signed batches."""

    summary: DemoSummary
    outbox: Path
    public_key_file: Path | None = None  # None when nothing was exported
    key_fingerprint: str = ""
    passphrase: str = DEMO_KEY_PASSPHRASE
    batches: list[ExportResult] = field(default_factory=list)
    report_pdfs: int = 0  # issued report PDFs rendered and kept


def _manager_password() -> str:
    return next(a[3] for a in auth.DEMO_ACCOUNTS if a[0] == "manager")


def demo_outbox(db_path: Path) -> Path:
    """`<db dir>/<db name>-outbox`: one folder per demo database, so two demo databases
    in one folder never overwrite each other's DEMO34-00000N.labbatch files."""
    return db_path.parent / f"{db_path.stem}-outbox"


def _check_existing_key(db: Database) -> None:
    """Before adding anything to a demo database: its key (if any) opens with the demo
    passphrase, else the new samples could never be signed (refused up front)."""
    centre = auth.centre(db)
    if centre is None or not centre["demo"] or keys.active_key(db) is None:
        return  # new database, or a real centre (fill_demo refuses that itself)
    try:
        keys.load_signer(db, DEMO_KEY_PASSPHRASE)
    except WrongPassphrase:
        raise WorkflowError(
            "this demo database's signing key is not under the demo passphrase "
            f"{DEMO_KEY_PASSPHRASE!r}; demo batches cannot be signed with it (演示密钥口令不符)"
        ) from None


def _demo_signing_key(ctx: ServiceContext) -> keys.KeyInfo:
    """The active key (a demo database being extended) or a new demo key."""
    current = keys.active_key(ctx.db)
    if current is None:
        return keys.init_keys(ctx, DEMO_KEY_ALGORITHM, DEMO_KEY_PASSPHRASE, kdf=DEMO_KDF)
    return current


def build_demo(
    db_or_path: Database | Path | str,
    samples: int = 200,
    seed: int = 1,
    *,
    outbox: Path | None = None,
    progress: Callable[[int, int], None] | None = None,
    today: date | None = None,
    render_reports: Callable[[ServiceContext, Signer], int] | None = None,
    plan: DemoPlan | None = None,
) -> DemoBuild:
    """Fills (or extends) a demo database and exports its exported samples as signed batches.

    Takes an open `Database` (left open) or a path (opened and closed here). The batches
    go to `outbox` (default `demo_outbox(db path)`, created if needed), which also
    becomes a new demo centre's outbox folder. Refuses a real centre's database.
    `render_reports(manager, signer)` (the reports layer's `issue_missing_pdfs`, which
    this layer cannot import) renders and keeps the issued report PDFs afterwards.
    """
    if isinstance(db_or_path, Database):
        db, owned = db_or_path, False
    else:
        db, owned = open_database(Path(db_or_path)), True
    try:
        _check_existing_key(db)
        folder = Path(outbox) if outbox is not None else demo_outbox(Path(db.path))
        made: list[ExportResult] = []
        key: list[keys.KeyInfo] = []

        def open_signer(ctx: ServiceContext) -> Signer:
            # Before any sample: every approval signs its report with this key.
            key.append(_demo_signing_key(ctx))
            return keys.load_signer(ctx.db, DEMO_KEY_PASSPHRASE)

        def exporter(ctx: ServiceContext, sample_ids: list[int]) -> None:
            make_private_folder(folder)
            made.append(export_batch(ctx, folder, DEMO_KEY_PASSPHRASE, sample_ids=sample_ids))

        summary = fill_demo(
            db,
            samples=samples,
            seed=seed,
            progress=progress,
            exporter=exporter,
            today=today,
            outbox_dir=str(folder.resolve()),
            open_signer=open_signer,
            plan=plan,
        )
        build = DemoBuild(summary=summary, outbox=folder, batches=made)
        if render_reports is not None:
            manager = auth.sign_in(db, "manager", _manager_password())
            build.report_pdfs = render_reports(manager, keys.load_signer(db, DEMO_KEY_PASSPHRASE))
        if key:
            make_private_folder(folder)
            code = str(db.scalar("SELECT code FROM centre WHERE id = 1"))
            pem = folder / f"{code}-public-key.pem"
            pem.write_text(key[0].public_pem, encoding="ascii")
            build.public_key_file = pem
            build.key_fingerprint = key[0].fingerprint
        return build
    finally:
        if owned:
            db.close()
