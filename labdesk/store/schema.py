"""The database schema and its migrations (versioned in `PRAGMA user_version`).

`MIGRATIONS[i]` takes a database from version i to i+1; it runs inside the caller's
transaction, so a migration is all-or-nothing. Never edit a released migration: append
a new one. docs/record-api.md describes every table and column for the other layers.

Conventions: every table is STRICT; dates are ISO `YYYY-MM-DD` TEXT, instants ISO
UTC TEXT (`2026-11-26T08:30:00.123456Z`); anything measured, limited or priced is the
decimal TEXT the user typed (never REAL); booleans are INTEGER 0/1 with a CHECK;
lists (samplers, failing items) are JSON arrays in TEXT. Rows are never deleted:
cancellation is a state, supersession a pointer.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable

# 'LDSK' — identifies a LabDesk database in the SQLite header (PRAGMA application_id).
APPLICATION_ID = 0x4C44534B

SAMPLE_STATES = (
    "draft",
    "registered",
    "received",
    "testing",
    "submitted",
    "reviewed",
    "approved",
    "exported",
    "returned",
    "cancelled",
)
ROLES = ("technician", "reviewer", "manager", "admin")
TASK_CATEGORIES = ("监督抽检", "风险监测", "专项")
PACKAGING = ("散装", "预包装")
# 检验目的: the four purposes of the national food sampling system (domain.md).
TASK_PURPOSES = ("监督抽检", "抽检监测", "风险监测", "评价性抽检")
# The organising level of a supervision task: the province's three-level pass rates
# (省、市、县三级产品质量监督抽查合格率) count by it; 国家级 for national tasks.
TASK_LEVELS = ("国家级", "省级", "市级", "县级")
REPORT_STATES = ("current", "superseded", "withdrawn")
REPORT_KINDS = ("original", "correction")
# The centre's marks on a report: the CMA 资质认定标志 and the 检验检测专用章.
MARK_KINDS = ("cma", "seal")


def _in(values: tuple[str, ...]) -> str:
    return "(" + ", ".join(f"'{v}'" for v in values) + ")"


_V1 = f"""
-- Unaudited bookkeeping: audit chain head, last automatic backup, hash algorithm.
CREATE TABLE meta (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
) STRICT;

CREATE TABLE centre (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    name TEXT NOT NULL,
    code TEXT NOT NULL,
    region_code TEXT NOT NULL,
    outbox_dir TEXT NOT NULL DEFAULT '',
    demo INTEGER NOT NULL DEFAULT 0 CHECK (demo IN (0, 1)),
    created_at TEXT NOT NULL
) STRICT;

CREATE TABLE users (
    id INTEGER PRIMARY KEY,
    username TEXT NOT NULL UNIQUE COLLATE NOCASE,
    display_name TEXT NOT NULL,
    role TEXT NOT NULL CHECK (role IN {_in(ROLES)}),
    password_hash TEXT NOT NULL,
    failed_attempts INTEGER NOT NULL DEFAULT 0,
    locked_until TEXT,
    active INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
    created_at TEXT NOT NULL
) STRICT;

CREATE TABLE enterprises (
    id INTEGER PRIMARY KEY,
    uscc TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    address TEXT NOT NULL DEFAULT '',
    legal_rep TEXT NOT NULL DEFAULT '',
    contact TEXT NOT NULL DEFAULT '',
    phone TEXT NOT NULL DEFAULT '',
    region_code TEXT NOT NULL,
    created_at TEXT NOT NULL
) STRICT;
CREATE INDEX enterprises_name ON enterprises (name);

-- The standards library, flattened: one row per (standard version, category, item).
-- A category's items on a date are the rows whose standard is in force that day.
CREATE TABLE lib_categories (
    id INTEGER PRIMARY KEY,
    code TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    name_en TEXT NOT NULL DEFAULT '',
    standard TEXT NOT NULL DEFAULT '',
    sample_data INTEGER NOT NULL DEFAULT 0 CHECK (sample_data IN (0, 1))
) STRICT;

CREATE TABLE lib_items (
    id INTEGER PRIMARY KEY,
    category_code TEXT NOT NULL REFERENCES lib_categories (code),
    seq INTEGER NOT NULL,
    code TEXT NOT NULL,
    name TEXT NOT NULL,
    name_en TEXT NOT NULL DEFAULT '',
    unit TEXT NOT NULL DEFAULT '',
    limit_text TEXT NOT NULL,
    method TEXT NOT NULL DEFAULT 'full' CHECK (method IN ('full', 'rounded')),
    interval TEXT,
    decimals INTEGER,
    lod TEXT,
    loq TEXT,
    test_method TEXT NOT NULL DEFAULT '',
    standard_no TEXT NOT NULL,
    standard_year TEXT NOT NULL DEFAULT '',
    standard_title TEXT NOT NULL DEFAULT '',
    effective_from TEXT,
    abolished_from TEXT,
    note TEXT NOT NULL DEFAULT '',
    sample_data INTEGER NOT NULL DEFAULT 0 CHECK (sample_data IN (0, 1)),
    active INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1))
) STRICT;
CREATE INDEX lib_items_category ON lib_items (category_code, effective_from);

CREATE TABLE tasks (
    id INTEGER PRIMARY KEY,
    task_no TEXT NOT NULL UNIQUE,
    source TEXT NOT NULL,
    category TEXT NOT NULL CHECK (category IN {_in(TASK_CATEGORIES)}),
    plan TEXT NOT NULL DEFAULT '',
    deadline TEXT,
    created_by INTEGER REFERENCES users (id),
    created_at TEXT NOT NULL
) STRICT;

CREATE TABLE samples (
    id INTEGER PRIMARY KEY,
    sample_no TEXT NOT NULL UNIQUE,
    task_id INTEGER REFERENCES tasks (id),
    enterprise_id INTEGER REFERENCES enterprises (id),
    region_type TEXT NOT NULL DEFAULT '',
    place_type TEXT NOT NULL DEFAULT '',
    producer_name TEXT NOT NULL DEFAULT '',
    producer_address TEXT NOT NULL DEFAULT '',
    producer_phone TEXT NOT NULL DEFAULT '',
    sample_name TEXT NOT NULL DEFAULT '',
    brand TEXT NOT NULL DEFAULT '',
    spec_model TEXT NOT NULL DEFAULT '',
    batch_no TEXT NOT NULL DEFAULT '',
    production_date TEXT,
    shelf_life TEXT NOT NULL DEFAULT '',
    executive_standard TEXT NOT NULL DEFAULT '',
    quality_grade TEXT NOT NULL DEFAULT '',
    licence_no TEXT NOT NULL DEFAULT '',
    lot_size TEXT NOT NULL DEFAULT '',
    sample_qty TEXT NOT NULL DEFAULT '',
    reserve_qty TEXT NOT NULL DEFAULT '',
    qty_unit TEXT NOT NULL DEFAULT '',
    packaging TEXT NOT NULL DEFAULT '' CHECK (packaging IN ('', '散装', '预包装')),
    unit_price TEXT NOT NULL DEFAULT '',
    sampling_date TEXT,
    samplers TEXT NOT NULL DEFAULT '[]',
    sampling_org TEXT NOT NULL DEFAULT '',
    sealed INTEGER NOT NULL DEFAULT 0 CHECK (sealed IN (0, 1)),
    unit_acknowledged INTEGER NOT NULL DEFAULT 0 CHECK (unit_acknowledged IN (0, 1)),
    category_code TEXT NOT NULL DEFAULT '',
    state TEXT NOT NULL CHECK (state IN {_in(SAMPLE_STATES)}),
    conclusion_code TEXT NOT NULL DEFAULT '',
    conclusion_label TEXT NOT NULL DEFAULT '',
    conclusion_zh TEXT NOT NULL DEFAULT '',
    conclusion_en TEXT NOT NULL DEFAULT '',
    failing_items TEXT NOT NULL DEFAULT '[]',
    received_date TEXT,
    report_due_date TEXT,
    export_batch_id INTEGER REFERENCES export_batches (id),
    created_by INTEGER REFERENCES users (id),
    created_at TEXT NOT NULL
) STRICT;
CREATE INDEX samples_state ON samples (state, id);
CREATE INDEX samples_enterprise ON samples (enterprise_id);
CREATE INDEX samples_task ON samples (task_id);
CREATE INDEX samples_sampling_date ON samples (sampling_date);

-- Test items frozen onto the sample from the library in force on the sampling date:
-- a later library change never alters an existing sample's limits.
CREATE TABLE sample_items (
    id INTEGER PRIMARY KEY,
    sample_id INTEGER NOT NULL REFERENCES samples (id),
    seq INTEGER NOT NULL,
    code TEXT NOT NULL DEFAULT '',
    name TEXT NOT NULL,
    name_en TEXT NOT NULL DEFAULT '',
    unit TEXT NOT NULL DEFAULT '',
    limit_text TEXT NOT NULL,
    method TEXT NOT NULL DEFAULT 'full' CHECK (method IN ('full', 'rounded')),
    interval TEXT,
    decimals INTEGER,
    lod TEXT,
    loq TEXT,
    test_method TEXT NOT NULL DEFAULT '',
    standard_no TEXT NOT NULL DEFAULT '',
    standard_year TEXT NOT NULL DEFAULT '',
    sample_data INTEGER NOT NULL DEFAULT 0 CHECK (sample_data IN (0, 1)),
    lib_item_id INTEGER REFERENCES lib_items (id),
    UNIQUE (sample_id, seq)
) STRICT;

-- Results are append-only: a correction or a retest is a new row and the row it
-- replaces gets superseded_by. attempt counts retests (1 = first test).
CREATE TABLE results (
    id INTEGER PRIMARY KEY,
    sample_item_id INTEGER NOT NULL REFERENCES sample_items (id),
    attempt INTEGER NOT NULL DEFAULT 1 CHECK (attempt >= 1),
    kind TEXT NOT NULL DEFAULT 'entry' CHECK (kind IN ('entry', 'correction', 'retest')),
    text TEXT NOT NULL,
    verdict TEXT NOT NULL CHECK (verdict IN ('pass', 'fail', 'not_judged')),
    compared TEXT,
    rounded TEXT,
    display TEXT NOT NULL DEFAULT '',
    explanation_zh TEXT NOT NULL DEFAULT '',
    explanation_en TEXT NOT NULL DEFAULT '',
    report_only INTEGER NOT NULL DEFAULT 0 CHECK (report_only IN (0, 1)),
    instrument TEXT NOT NULL DEFAULT '',
    method TEXT NOT NULL DEFAULT '',
    entered_by INTEGER NOT NULL REFERENCES users (id),
    entered_at TEXT NOT NULL,
    reason TEXT NOT NULL DEFAULT '',
    superseded_by INTEGER REFERENCES results (id)
) STRICT;
CREATE INDEX results_item ON results (sample_item_id, superseded_by);

-- Workflow history: every transition, review, return and approval with who/when/why.
CREATE TABLE sample_events (
    id INTEGER PRIMARY KEY,
    sample_id INTEGER NOT NULL REFERENCES samples (id),
    action TEXT NOT NULL,
    from_state TEXT NOT NULL,
    to_state TEXT NOT NULL,
    user_id INTEGER REFERENCES users (id),
    at_utc TEXT NOT NULL,
    reason TEXT NOT NULL DEFAULT ''
) STRICT;
CREATE INDEX sample_events_sample ON sample_events (sample_id, id);

CREATE TABLE export_batches (
    id INTEGER PRIMARY KEY,
    sequence INTEGER NOT NULL UNIQUE,
    batch_uuid TEXT NOT NULL UNIQUE,
    file_name TEXT NOT NULL,
    manifest_sha256 TEXT NOT NULL,
    content BLOB NOT NULL,
    sample_count INTEGER NOT NULL,
    key_fingerprint TEXT NOT NULL DEFAULT '',
    created_by INTEGER NOT NULL REFERENCES users (id),
    created_at TEXT NOT NULL
) STRICT;

CREATE TABLE signing_keys (
    id INTEGER PRIMARY KEY,
    algorithm TEXT NOT NULL,
    public_pem TEXT NOT NULL,
    private_blob BLOB NOT NULL,
    fingerprint TEXT NOT NULL UNIQUE,
    created_at TEXT NOT NULL,
    active INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1))
) STRICT;

-- The hash-chained audit trail. old_value/new_value are JSON (so NULL, '' and 0 differ);
-- an insert has field NULL and new_value = JSON object of the whole row.
CREATE TABLE audit_log (
    seq INTEGER PRIMARY KEY,
    at_utc TEXT NOT NULL,
    at_offset TEXT NOT NULL,
    user_id INTEGER,
    username TEXT NOT NULL,
    action TEXT NOT NULL,
    table_name TEXT NOT NULL,
    record_id INTEGER NOT NULL,
    field TEXT,
    old_value TEXT,
    new_value TEXT,
    reason TEXT NOT NULL DEFAULT '',
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL
) STRICT;
CREATE INDEX audit_log_record ON audit_log (table_name, record_id);

CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;

-- The chain head kept apart from the rows, to notice a truncated log.
CREATE TABLE audit_head (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    seq INTEGER NOT NULL,
    hash TEXT NOT NULL
) STRICT;
INSERT INTO audit_head (id, seq, hash) VALUES (1, 0, '{"0" * 64}');
CREATE TRIGGER audit_head_no_delete BEFORE DELETE ON audit_head
BEGIN SELECT RAISE(ABORT, 'audit_head cannot be deleted'); END;
CREATE TRIGGER audit_head_forward_only BEFORE UPDATE ON audit_head
WHEN NEW.seq < OLD.seq
BEGIN SELECT RAISE(ABORT, 'audit_head only moves forward'); END;

INSERT INTO meta (key, value) VALUES ('audit_hash', 'sha256');
"""


def _migrate_1(conn: sqlite3.Connection) -> None:
    for statement in _split(_V1):
        conn.execute(statement)


def _split(script: str) -> list[str]:
    """Splits a script into statements (executescript would COMMIT our transaction)."""
    statements: list[str] = []
    buffer = ""
    for line in script.splitlines(keepends=True):
        if line.lstrip().startswith("--") and not buffer.strip():
            continue
        buffer += line
        if sqlite3.complete_statement(buffer):
            statements.append(buffer.strip())
            buffer = ""
    if buffer.strip():
        raise ValueError(f"incomplete SQL statement: {buffer!r}")
    return statements


# Version 2: batch summaries look samples up by export batch (a full scan without the
# index); the report number (检验报告编号) allocated at approval, unique when set. The
# new column defaults to NULL, so rows logged before it replay unchanged (verify_audit).
_V2 = """
CREATE INDEX samples_export_batch ON samples (export_batch_id);
ALTER TABLE samples ADD COLUMN report_no TEXT DEFAULT NULL;
CREATE UNIQUE INDEX samples_report_no ON samples (report_no) WHERE report_no IS NOT NULL;
"""


def _migrate_2(conn: sqlite3.Connection) -> None:
    for statement in _split(_V2):
        conn.execute(statement)


# Version 3: the values behind one result. A result row stays one reported `text` per
# item; what it was made from goes here, one row per value, written in the same audited
# transaction as its result (so a correction or retest, being a new result row, has its
# own values and the old ones stay with the old row):
#   unit          the n units of a sampling plan (1#…n#; position = unit number)
#   component     the components of a residue defined as a sum (name = the substance)
#   replicate     parallel determinations (平行测定), position = 1..n
#   reading       a formula input (name = the variable: rho, V, m …)
#   intermediate  a value computed on the way (name = what it is)
_V3 = """
CREATE TABLE result_values (
    id INTEGER PRIMARY KEY,
    result_id INTEGER NOT NULL REFERENCES results (id),
    kind TEXT NOT NULL
        CHECK (kind IN ('unit', 'component', 'replicate', 'reading', 'intermediate')),
    position INTEGER NOT NULL CHECK (position >= 1),
    name TEXT NOT NULL DEFAULT '',
    text TEXT NOT NULL,
    unit TEXT NOT NULL DEFAULT '',
    UNIQUE (result_id, kind, position)
) STRICT;
"""


def _migrate_3(conn: sqlite3.Connection) -> None:
    for statement in _split(_V3):
        conn.execute(statement)


# Version 4: what the law's clocks, the province's rates and verifiable reports need.
# tasks: 检验目的 (purpose), the organising level, and whether the task samples food
# (which law's clocks apply; '' / 0 on older tasks = general products, as before).
# reports: every issue of a sample's test report (检验报告). The original is version 1;
# a correction (更正) is a new row with the next version that `supersedes` the old one,
# which is kept (state superseded, its PDF bytes unchanged); a withdrawal (作废) marks a
# row withdrawn. `payload`/`signature` hold the signed report payload that makes the
# paper verifiable; `pdf` the bytes of the PDF as issued (NULL until rendered).
_V4 = f"""
ALTER TABLE tasks ADD COLUMN purpose TEXT NOT NULL DEFAULT ''
    CHECK (purpose IN ('', {", ".join(f"'{v}'" for v in TASK_PURPOSES)}));
ALTER TABLE tasks ADD COLUMN org_level TEXT NOT NULL DEFAULT ''
    CHECK (org_level IN ('', {", ".join(f"'{v}'" for v in TASK_LEVELS)}));
ALTER TABLE tasks ADD COLUMN food INTEGER NOT NULL DEFAULT 0 CHECK (food IN (0, 1));
CREATE TABLE reports (
    id INTEGER PRIMARY KEY,
    sample_id INTEGER NOT NULL REFERENCES samples (id),
    report_no TEXT NOT NULL,
    version INTEGER NOT NULL DEFAULT 1 CHECK (version >= 1),
    kind TEXT NOT NULL DEFAULT 'original' CHECK (kind IN {_in(REPORT_KINDS)}),
    state TEXT NOT NULL DEFAULT 'current' CHECK (state IN {_in(REPORT_STATES)}),
    supersedes INTEGER REFERENCES reports (id),
    reason TEXT NOT NULL DEFAULT '',
    report_class TEXT NOT NULL DEFAULT '',
    issued_by INTEGER REFERENCES users (id),
    issued_at TEXT NOT NULL,
    payload TEXT NOT NULL DEFAULT '',
    signature TEXT NOT NULL DEFAULT '',
    pdf BLOB,
    pdf_sha256 TEXT NOT NULL DEFAULT '',
    UNIQUE (report_no, version)
) STRICT;
CREATE INDEX reports_sample ON reports (sample_id, version);
"""


def _migrate_4(conn: sqlite3.Connection) -> None:
    for statement in _split(_V4):
        conn.execute(statement)


# The clocks migration (version 5 on this branch): the law's clocks and what follows a
# report (issue 17).
# calendar_years / calendar_days: year calendars imported from the State Council's notice
# (a re-import marks the old one replaced, nothing is deleted). samples: the clocks stored
# as dates when their event happens (so dashboards count them with one comparison), the
# day the conclusion was made (approval) and the day the sampled unit received it; the
# year whose calendar a clock still waits for. backup_samples: the register of sealed
# backup samples (复检备份样品); a release needs a second person. reinspection_cases:
# 复检 applications and 异议 linked to the sample and its report, and their outcome.
BACKUP_STATES = ("kept", "release_requested", "released", "disposed")
CASE_KINDS = ("reinspection", "objection")
CASE_OUTCOMES = ("upheld", "overturned")
_CLOCKS_DDL = f"""
CREATE TABLE calendar_years (
    id INTEGER PRIMARY KEY,
    year INTEGER NOT NULL,
    source TEXT NOT NULL DEFAULT '',
    file_name TEXT NOT NULL DEFAULT '',
    file_sha256 TEXT NOT NULL,
    holidays INTEGER NOT NULL,
    workdays INTEGER NOT NULL,
    state TEXT NOT NULL DEFAULT 'current' CHECK (state IN ('current', 'replaced')),
    replaced_by INTEGER REFERENCES calendar_years (id),
    imported_by INTEGER REFERENCES users (id),
    imported_at TEXT NOT NULL
) STRICT;
CREATE UNIQUE INDEX calendar_years_current ON calendar_years (year) WHERE state = 'current';
CREATE TABLE calendar_days (
    id INTEGER PRIMARY KEY,
    calendar_year_id INTEGER NOT NULL REFERENCES calendar_years (id),
    day TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('holiday', 'workday')),
    name TEXT NOT NULL DEFAULT '',
    UNIQUE (calendar_year_id, day)
) STRICT;
ALTER TABLE samples ADD COLUMN delivery_due TEXT DEFAULT NULL;
ALTER TABLE samples ADD COLUMN concluded_on TEXT DEFAULT NULL;
ALTER TABLE samples ADD COLUMN notified_on TEXT DEFAULT NULL;
ALTER TABLE samples ADD COLUMN reinspection_due TEXT DEFAULT NULL;
ALTER TABLE samples ADD COLUMN objection_due TEXT DEFAULT NULL;
ALTER TABLE samples ADD COLUMN sampling_objection_due TEXT DEFAULT NULL;
ALTER TABLE samples ADD COLUMN urgent_due TEXT DEFAULT NULL;
ALTER TABLE samples ADD COLUMN clock_missing_year INTEGER DEFAULT NULL;
CREATE INDEX samples_report_due ON samples (report_due_date);
CREATE INDEX samples_clock_missing ON samples (clock_missing_year)
    WHERE clock_missing_year IS NOT NULL;
CREATE TABLE backup_samples (
    id INTEGER PRIMARY KEY,
    sample_id INTEGER NOT NULL REFERENCES samples (id),
    location TEXT NOT NULL,
    seal_no TEXT NOT NULL UNIQUE,
    quantity TEXT NOT NULL,
    qty_unit TEXT NOT NULL DEFAULT '',
    shelf_life_end TEXT,
    retain_until TEXT,
    state TEXT NOT NULL DEFAULT 'kept' CHECK (state IN {_in(BACKUP_STATES)}),
    release_purpose TEXT NOT NULL DEFAULT ''
        CHECK (release_purpose IN ('', 'reinspection', 'disposal')),
    requested_by INTEGER REFERENCES users (id),
    requested_at TEXT,
    released_by INTEGER REFERENCES users (id),
    released_at TEXT,
    note TEXT NOT NULL DEFAULT '',
    registered_by INTEGER REFERENCES users (id),
    registered_at TEXT NOT NULL
) STRICT;
CREATE INDEX backup_samples_sample ON backup_samples (sample_id);
CREATE TABLE reinspection_cases (
    id INTEGER PRIMARY KEY,
    sample_id INTEGER NOT NULL REFERENCES samples (id),
    report_id INTEGER REFERENCES reports (id),
    kind TEXT NOT NULL CHECK (kind IN {_in(CASE_KINDS)}),
    about TEXT NOT NULL DEFAULT '' CHECK (about IN ('', 'sampling', 'result')),
    applicant TEXT NOT NULL,
    applied_on TEXT NOT NULL,
    received_on TEXT,
    window_end TEXT,
    backup_sample_id INTEGER REFERENCES backup_samples (id),
    lab TEXT NOT NULL DEFAULT '',
    result TEXT NOT NULL DEFAULT '',
    outcome TEXT NOT NULL DEFAULT '' CHECK (outcome IN ('', 'upheld', 'overturned')),
    state TEXT NOT NULL DEFAULT 'open' CHECK (state IN ('open', 'closed')),
    note TEXT NOT NULL DEFAULT '',
    created_by INTEGER REFERENCES users (id),
    created_at TEXT NOT NULL,
    closed_by INTEGER REFERENCES users (id),
    closed_at TEXT
) STRICT;
CREATE INDEX reinspection_cases_sample ON reinspection_cases (sample_id);
"""


def _migrate_clocks(conn: sqlite3.Connection) -> None:
    for statement in _split(_CLOCKS_DDL):
        conn.execute(statement)


# The first-use migration (issue 20): imports of result files and the sampling form's
# acknowledgement.
# import_mappings: a column mapping for result files (which column holds the sample
#   number, the item, the result …), saved by name; `fields` is JSON {field: title}.
# result_imports: one row per imported result file — its name, SHA-256, size, the text
#   encoding read (CSV) and the mapping used — written in the same audited transaction
#   as the results it brought.
# samples: the sampled unit refused to sign the form (被抽样单位拒绝签字), and the witness
#   named for it; the new columns default to 0 / '' so rows logged before replay unchanged.
_FIRST_USE_DDL = """
CREATE TABLE import_mappings (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    fields TEXT NOT NULL,
    saved_by INTEGER REFERENCES users (id),
    saved_at TEXT NOT NULL
) STRICT;
CREATE TABLE result_imports (
    id INTEGER PRIMARY KEY,
    file_name TEXT NOT NULL,
    sha256 TEXT NOT NULL,
    size INTEGER NOT NULL CHECK (size >= 0),
    encoding TEXT NOT NULL DEFAULT '',
    mapping TEXT NOT NULL DEFAULT '',
    rows INTEGER NOT NULL CHECK (rows >= 0),
    imported_by INTEGER REFERENCES users (id),
    imported_at TEXT NOT NULL
) STRICT;
ALTER TABLE samples ADD COLUMN unit_refused_sign INTEGER NOT NULL DEFAULT 0
    CHECK (unit_refused_sign IN (0, 1));
ALTER TABLE samples ADD COLUMN refusal_witness TEXT NOT NULL DEFAULT '';
"""


def _migrate_first_use(conn: sqlite3.Connection) -> None:
    for statement in _split(_FIRST_USE_DDL):
        conn.execute(statement)


# The food-library migration ("food classification and limits", issue 15): the standards
# library a food laboratory needs (docs/standards-library.md, "Foods"). food_classes is
# the classification tree (parent_code NULL at the root); lib_versions one row per
# standard version with its dates and the digest of what was imported (so re-importing
# the same file writes nothing); lib_limits one row per (version, class node, item),
# excluded = JSON array of the class codes of its "…除外" — a content table of
# lib_versions (CONTENT_TABLES). food_templates: the items a plan tests per class.
# lab_settings: the lab's rules (which date picks the versions in force). A food sample
# names its leaf class in samples.food_class_code (category_code stays for the flat
# library of non-food products); its frozen items keep where each limit came from.
LIMIT_KINDS = (
    "contaminant",
    "mycotoxin",
    "pesticide",
    "vet_drug",
    "additive",
    "pathogen",
    "product",
)
_FOOD_LIBRARY_DDL = f"""
CREATE TABLE food_classes (
    id INTEGER PRIMARY KEY,
    code TEXT NOT NULL UNIQUE,
    parent_code TEXT REFERENCES food_classes (code),
    depth INTEGER NOT NULL DEFAULT 0 CHECK (depth >= 0),
    seq INTEGER NOT NULL DEFAULT 0,
    name TEXT NOT NULL,
    name_en TEXT NOT NULL DEFAULT '',
    aliases TEXT NOT NULL DEFAULT '[]',
    initials TEXT NOT NULL DEFAULT '',
    source TEXT NOT NULL DEFAULT '',
    sample_data INTEGER NOT NULL DEFAULT 0 CHECK (sample_data IN (0, 1))
) STRICT;
CREATE INDEX food_classes_parent ON food_classes (parent_code);
CREATE TABLE lib_versions (
    id INTEGER PRIMARY KEY,
    standard_no TEXT NOT NULL,
    standard_year TEXT NOT NULL,
    title TEXT NOT NULL DEFAULT '',
    kind TEXT NOT NULL DEFAULT 'product' CHECK (kind IN {_in(LIMIT_KINDS)}),
    effective_from TEXT,
    abolished_from TEXT,
    replaces TEXT NOT NULL DEFAULT '[]',
    sample_data INTEGER NOT NULL DEFAULT 0 CHECK (sample_data IN (0, 1)),
    digest TEXT NOT NULL DEFAULT '',
    row_count INTEGER NOT NULL DEFAULT 0,
    rows_digest TEXT NOT NULL DEFAULT '',
    file_name TEXT NOT NULL DEFAULT '',
    active INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1))
) STRICT;
CREATE UNIQUE INDEX lib_versions_key ON lib_versions (standard_no, standard_year)
    WHERE active = 1;
CREATE TABLE lib_limits (
    id INTEGER PRIMARY KEY,
    version_id INTEGER NOT NULL REFERENCES lib_versions (id),
    class_code TEXT NOT NULL REFERENCES food_classes (code),
    class_name TEXT NOT NULL,
    excluded TEXT NOT NULL DEFAULT '[]',
    excluded_names TEXT NOT NULL DEFAULT '[]',
    seq INTEGER NOT NULL,
    table_ref TEXT NOT NULL DEFAULT '',
    code TEXT NOT NULL,
    name TEXT NOT NULL,
    name_en TEXT NOT NULL DEFAULT '',
    unit TEXT NOT NULL DEFAULT '',
    limit_text TEXT NOT NULL,
    method TEXT NOT NULL DEFAULT 'full' CHECK (method IN ('full', 'rounded')),
    interval TEXT,
    decimals INTEGER,
    lod TEXT,
    loq TEXT,
    test_method TEXT NOT NULL DEFAULT '',
    mark TEXT NOT NULL DEFAULT '',
    mark_meaning TEXT NOT NULL DEFAULT '',
    grade TEXT NOT NULL DEFAULT '',
    note TEXT NOT NULL DEFAULT '',
    source TEXT NOT NULL DEFAULT '',
    sample_data INTEGER NOT NULL DEFAULT 0 CHECK (sample_data IN (0, 1))
) STRICT;
CREATE INDEX lib_limits_class ON lib_limits (class_code, version_id);
CREATE INDEX lib_limits_version ON lib_limits (version_id);
CREATE TABLE food_templates (
    id INTEGER PRIMARY KEY,
    class_code TEXT NOT NULL REFERENCES food_classes (code),
    seq INTEGER NOT NULL,
    standard_no TEXT NOT NULL,
    item_code TEXT NOT NULL,
    test_method TEXT NOT NULL DEFAULT '',
    source TEXT NOT NULL DEFAULT '',
    active INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1))
) STRICT;
CREATE UNIQUE INDEX food_templates_item ON food_templates (class_code, standard_no, item_code)
    WHERE active = 1;
CREATE TABLE lab_settings (
    id INTEGER PRIMARY KEY,
    key TEXT NOT NULL UNIQUE,
    value TEXT NOT NULL
) STRICT;
ALTER TABLE samples ADD COLUMN food_class_code TEXT NOT NULL DEFAULT '';
ALTER TABLE samples ADD COLUMN items_basis TEXT NOT NULL DEFAULT '';
ALTER TABLE samples ADD COLUMN items_on TEXT DEFAULT NULL;
ALTER TABLE sample_items ADD COLUMN source TEXT NOT NULL DEFAULT '';
ALTER TABLE sample_items ADD COLUMN mark TEXT NOT NULL DEFAULT '';
ALTER TABLE sample_items ADD COLUMN mark_meaning TEXT NOT NULL DEFAULT '';
ALTER TABLE sample_items ADD COLUMN lib_limit_id INTEGER DEFAULT NULL REFERENCES lib_limits (id);
"""


def _migrate_food_library(conn: sqlite3.Connection) -> None:
    for statement in _split(_FOOD_LIBRARY_DDL):
        conn.execute(statement)


# The report-versions migration, "reports content, sent state; centre marks" (issue 22).
# A report issue keeps `content`, the canonical report content its payload's SM3 digest
# covers (report class, items, results, units, limits, verdicts as printed), so a
# verifier's digest can be recomputed and an old version re-read as issued; `sent_state`
# is the state the last export batch carried for it ('' = never sent): a withdrawal or
# supersession of a report that already left the lab goes out in the next batch; a
# withdrawal (作废) records why, when and by whom (the issue's own `reason` stays the
# correction's). `centre_marks`: the centre's CMA mark and its 检验检测专用章 as images the
# centre provides (never shipped with LabDesk), with where they go on the report;
# clearing one sets `active` 0.
_REPORT_VERSIONS_DDL = f"""
ALTER TABLE reports ADD COLUMN content TEXT NOT NULL DEFAULT '';
ALTER TABLE reports ADD COLUMN sent_state TEXT NOT NULL DEFAULT ''
    CHECK (sent_state IN ('', {", ".join(f"'{v}'" for v in REPORT_STATES)}));
ALTER TABLE reports ADD COLUMN withdrawn_reason TEXT NOT NULL DEFAULT '';
ALTER TABLE reports ADD COLUMN withdrawn_at TEXT NOT NULL DEFAULT '';
ALTER TABLE reports ADD COLUMN withdrawn_by INTEGER REFERENCES users (id);
CREATE INDEX reports_unsent ON reports (sample_id) WHERE sent_state <> state;
CREATE TABLE centre_marks (
    id INTEGER PRIMARY KEY,
    kind TEXT NOT NULL UNIQUE CHECK (kind IN {_in(MARK_KINDS)}),
    image BLOB NOT NULL,
    image_sha256 TEXT NOT NULL,
    position TEXT NOT NULL,
    size_mm TEXT NOT NULL,
    active INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
    updated_at TEXT NOT NULL
) STRICT;
"""


def _migrate_report_versions(conn: sqlite3.Connection) -> None:
    for statement in _split(_REPORT_VERSIONS_DDL):
        conn.execute(statement)


# The analytical-runs migration (issue 16): methods and their versions, the equipment
# register, per-method authorization of people, QC materials, runs (检测批) with their items
# and the raw instrument files. A method version is never changed: a new formula is a new
# version, and a sample item records the method code and version it was measured by (set
# when it joins a run) beside the food library's columns, and the decision rule that judges
# it. A run item is a routine sample item or a QC sample; a QC sample's readings are JSON
# in `readings` (it has no result row), a routine item's are result_values of its result.
RUN_STATES = ("open", "submitted", "held", "released", "cancelled")
RUN_ITEM_KINDS = ("sample", "blank", "duplicate", "spike", "crm", "control")
DECISION_RULES = ("simple", "guard_band")
_ANALYTICAL_RUNS_DDL = f"""
CREATE TABLE methods (
    id INTEGER PRIMARY KEY,
    code TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    name_en TEXT NOT NULL DEFAULT '',
    item_code TEXT NOT NULL DEFAULT '',
    test_method TEXT NOT NULL DEFAULT '',
    sample_data INTEGER NOT NULL DEFAULT 0 CHECK (sample_data IN (0, 1)),
    active INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
    created_by INTEGER REFERENCES users (id),
    created_at TEXT NOT NULL
) STRICT;
CREATE TABLE method_versions (
    id INTEGER PRIMARY KEY,
    method_id INTEGER NOT NULL REFERENCES methods (id),
    version INTEGER NOT NULL CHECK (version >= 1),
    formula TEXT NOT NULL,
    inputs TEXT NOT NULL DEFAULT '[]',
    unit TEXT NOT NULL DEFAULT '',
    places INTEGER CHECK (places IS NULL OR (places >= 0 AND places <= 20)),
    interval TEXT,
    replicates INTEGER NOT NULL DEFAULT 2 CHECK (replicates >= 1 AND replicates <= 20),
    max_rel_diff TEXT,
    lod TEXT,
    loq TEXT,
    uncertainty TEXT NOT NULL DEFAULT '',
    spike_low TEXT,
    spike_high TEXT,
    analyte TEXT NOT NULL DEFAULT '',
    note TEXT NOT NULL DEFAULT '',
    reason TEXT NOT NULL DEFAULT '',
    created_by INTEGER REFERENCES users (id),
    created_at TEXT NOT NULL,
    UNIQUE (method_id, version)
) STRICT;
CREATE TABLE instruments (
    id INTEGER PRIMARY KEY,
    code TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    model TEXT NOT NULL DEFAULT '',
    serial_no TEXT NOT NULL DEFAULT '',
    location TEXT NOT NULL DEFAULT '',
    calibration_due TEXT,
    verification_due TEXT,
    check_due TEXT,
    status TEXT NOT NULL DEFAULT 'in_service' CHECK (status IN ('in_service', 'out_of_service')),
    override_until TEXT,
    override_reason TEXT NOT NULL DEFAULT '',
    override_by INTEGER REFERENCES users (id),
    import_mapping TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL
) STRICT;
CREATE TABLE authorizations (
    id INTEGER PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users (id),
    method_id INTEGER NOT NULL REFERENCES methods (id),
    kind TEXT NOT NULL CHECK (kind IN ('test', 'sign')),
    granted_by INTEGER REFERENCES users (id),
    granted_at TEXT NOT NULL,
    revoked_at TEXT,
    revoked_by INTEGER REFERENCES users (id),
    reason TEXT NOT NULL DEFAULT ''
) STRICT;
CREATE UNIQUE INDEX authorizations_current ON authorizations (user_id, method_id, kind)
    WHERE revoked_at IS NULL;
CREATE TABLE qc_materials (
    id INTEGER PRIMARY KEY,
    code TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    method_id INTEGER NOT NULL REFERENCES methods (id),
    kind TEXT NOT NULL CHECK (kind IN ('crm', 'control')),
    certified TEXT,
    certified_u TEXT,
    mean TEXT,
    sd TEXT,
    unit TEXT NOT NULL DEFAULT '',
    lot TEXT NOT NULL DEFAULT '',
    expires TEXT,
    sample_data INTEGER NOT NULL DEFAULT 0 CHECK (sample_data IN (0, 1)),
    active INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1))
) STRICT;
CREATE TABLE runs (
    id INTEGER PRIMARY KEY,
    run_no TEXT NOT NULL UNIQUE,
    method_version_id INTEGER NOT NULL REFERENCES method_versions (id),
    instrument_id INTEGER NOT NULL REFERENCES instruments (id),
    technician_id INTEGER NOT NULL REFERENCES users (id),
    state TEXT NOT NULL DEFAULT 'open' CHECK (state IN {_in(RUN_STATES)}),
    qc_passed INTEGER CHECK (qc_passed IS NULL OR qc_passed IN (0, 1)),
    instrument_override TEXT NOT NULL DEFAULT '',
    override_by INTEGER REFERENCES users (id),
    release_reason TEXT NOT NULL DEFAULT '',
    released_by INTEGER REFERENCES users (id),
    created_at TEXT NOT NULL,
    submitted_at TEXT
) STRICT;
CREATE INDEX runs_state ON runs (state, id);
CREATE TABLE run_items (
    id INTEGER PRIMARY KEY,
    run_id INTEGER NOT NULL REFERENCES runs (id),
    position INTEGER NOT NULL CHECK (position >= 1),
    kind TEXT NOT NULL CHECK (kind IN {_in(RUN_ITEM_KINDS)}),
    label TEXT NOT NULL,
    sample_item_id INTEGER REFERENCES sample_items (id),
    of_item INTEGER REFERENCES run_items (id),
    qc_material_id INTEGER REFERENCES qc_materials (id),
    spike_added TEXT,
    readings TEXT NOT NULL DEFAULT '',
    value TEXT,
    qc_passed INTEGER CHECK (qc_passed IS NULL OR qc_passed IN (0, 1)),
    qc_detail TEXT NOT NULL DEFAULT '',
    result_id INTEGER REFERENCES results (id),
    replicate_reason TEXT NOT NULL DEFAULT '',
    UNIQUE (run_id, position),
    UNIQUE (run_id, label)
) STRICT;
CREATE INDEX run_items_sample_item ON run_items (sample_item_id);
CREATE TABLE run_files (
    id INTEGER PRIMARY KEY,
    run_id INTEGER NOT NULL REFERENCES runs (id),
    file_name TEXT NOT NULL,
    sha256 TEXT NOT NULL,
    content BLOB NOT NULL,
    encoding TEXT NOT NULL DEFAULT '',
    mapping TEXT NOT NULL DEFAULT '',
    imported_by INTEGER NOT NULL REFERENCES users (id),
    imported_at TEXT NOT NULL
) STRICT;
ALTER TABLE sample_items ADD COLUMN method_code TEXT NOT NULL DEFAULT '';
ALTER TABLE sample_items ADD COLUMN method_version INTEGER DEFAULT NULL;
ALTER TABLE sample_items ADD COLUMN decision_rule TEXT NOT NULL DEFAULT 'simple'
    CHECK (decision_rule IN {_in(DECISION_RULES)});
"""


def migrate_analytical_runs(conn: sqlite3.Connection) -> None:
    for statement in _split(_ANALYTICAL_RUNS_DDL):
        conn.execute(statement)


# Issue 14: the item kinds beyond one value against one limit. A sample item's rule gains
# the 以…计 factor, the rounding rule (GB/T 8170, or GB 4789.2 for colony counts) and the
# screening flag (core.judgement.ItemRule); a result keeps what its conversion was
# ("850 mg/kg → 0.850 g/kg") and whether it waits for a confirmatory test. A plan's unit
# values and a sum's components are result_values (kinds 'unit' and 'component', v3).
_ITEM_KINDS_DDL = """
ALTER TABLE sample_items ADD COLUMN factor TEXT DEFAULT NULL;
ALTER TABLE sample_items ADD COLUMN rounding TEXT NOT NULL DEFAULT 'gb8170'
    CHECK (rounding IN ('gb8170', 'gb4789.2'));
ALTER TABLE sample_items ADD COLUMN screening INTEGER NOT NULL DEFAULT 0
    CHECK (screening IN (0, 1));
ALTER TABLE results ADD COLUMN converted TEXT NOT NULL DEFAULT '';
ALTER TABLE results ADD COLUMN pending TEXT NOT NULL DEFAULT '';
"""


def migrate_item_kinds(conn: sqlite3.Connection) -> None:
    for statement in _split(_ITEM_KINDS_DDL):
        conn.execute(statement)


# Issue 15: a test item taken off a registered sample with a reason. Rows are never
# deleted, so the item stays (and stays in the batch and the audit) with when, by whom
# and why it was withdrawn; every reader that lists what is tested skips it through
# `live_item` below — the one place that says what a withdrawn item is.
_WITHDRAWN_ITEMS_DDL = """
ALTER TABLE sample_items ADD COLUMN withdrawn_at TEXT DEFAULT NULL;
ALTER TABLE sample_items ADD COLUMN withdrawn_by INTEGER DEFAULT NULL REFERENCES users (id);
ALTER TABLE sample_items ADD COLUMN withdrawn_reason TEXT NOT NULL DEFAULT '';
"""


def migrate_withdrawn_items(conn: sqlite3.Connection) -> None:
    for statement in _split(_WITHDRAWN_ITEMS_DDL):
        conn.execute(statement)


# `{p}` is the table alias and a dot, or nothing. (Tests that run today's services on a
# database of an older schema, before the column existed, set it to "1 = 1".)
LIVE_ITEM_SQL = "{p}withdrawn_at IS NULL"


def live_item(alias: str = "") -> str:
    """The SQL condition that a sample item (`alias`, e.g. "si") is still to be tested:
    not withdrawn from its sample (issue 15)."""
    return LIVE_ITEM_SQL.format(p=f"{alias}." if alias else "")


# Issue 14 follow-up: a library row carries the item's rule (its 以…计 factor, the
# rounding rule, the screening flag), frozen onto the sample item at registration like
# its limit. A flat library item has the columns; a food-library version has one row per
# item code that states a rule (lib_limits are content rows whose stored digest names
# their columns, so the rule sits beside them, audited, not in them).
_LIBRARY_RULES_DDL = """
ALTER TABLE lib_items ADD COLUMN factor TEXT DEFAULT NULL;
ALTER TABLE lib_items ADD COLUMN rounding TEXT NOT NULL DEFAULT 'gb8170'
    CHECK (rounding IN ('gb8170', 'gb4789.2'));
ALTER TABLE lib_items ADD COLUMN screening INTEGER NOT NULL DEFAULT 0
    CHECK (screening IN (0, 1));
CREATE TABLE lib_item_rules (
    id INTEGER PRIMARY KEY,
    version_id INTEGER NOT NULL REFERENCES lib_versions (id),
    code TEXT NOT NULL,
    factor TEXT DEFAULT NULL,
    rounding TEXT NOT NULL DEFAULT 'gb8170' CHECK (rounding IN ('gb8170', 'gb4789.2')),
    screening INTEGER NOT NULL DEFAULT 0 CHECK (screening IN (0, 1)),
    UNIQUE (version_id, code)
) STRICT;
"""


def migrate_library_rules(conn: sqlite3.Connection) -> None:
    for statement in _split(_LIBRARY_RULES_DDL):
        conn.execute(statement)


# Issue 15.2: a standard can give an item another rule for one food class (GB 2762-2022
# limits nitrite 以NaNO2计 in most foods but 以NO2⁻计 in 饮用天然矿泉水): a rule for a class
# and the classes under it, the most specific one on a sample's path winning over the
# version's own (lib_item_rules), as the most specific limit row does. Withdrawn rows are
# kept (`active = 0`): a write is never a delete.
_CLASS_RULES_DDL = """
CREATE TABLE lib_class_rules (
    id INTEGER PRIMARY KEY,
    version_id INTEGER NOT NULL REFERENCES lib_versions (id),
    code TEXT NOT NULL,
    class_code TEXT NOT NULL REFERENCES food_classes (code),
    factor TEXT DEFAULT NULL,
    rounding TEXT NOT NULL DEFAULT 'gb8170' CHECK (rounding IN ('gb8170', 'gb4789.2')),
    screening INTEGER NOT NULL DEFAULT 0 CHECK (screening IN (0, 1)),
    active INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1))
) STRICT;
CREATE UNIQUE INDEX lib_class_rules_key ON lib_class_rules (version_id, code, class_code)
    WHERE active = 1;
CREATE INDEX lib_class_rules_class ON lib_class_rules (class_code) WHERE active = 1;
"""


def migrate_class_rules(conn: sqlite3.Connection) -> None:
    for statement in _split(_CLASS_RULES_DDL):
        conn.execute(statement)


# Issue 14 follow-up: the units of a sampling-plan item typed so far (1#…n#, the plan not
# complete), kept at once so a crash or a closed window loses none (store/drafts.py).
# A draft is not a result: nothing judges, reports, exports or counts it; it is deleted
# when the item's result is written. Unaudited working state, like `meta`: the audited
# record is the result its n units become (with who entered it), and a draft is
# replaced and deleted as units are typed and cleared, which the append-only chain
# (no delete) is not for. Who typed each unit and when are kept beside its value.
_UNIT_DRAFTS_DDL = """
CREATE TABLE unit_drafts (
    sample_item_id INTEGER NOT NULL REFERENCES sample_items (id),
    unit INTEGER NOT NULL CHECK (unit >= 1),
    value TEXT NOT NULL CHECK (value <> ''),
    typed_by INTEGER REFERENCES users (id),
    typed_at TEXT NOT NULL,
    PRIMARY KEY (sample_item_id, unit)
) STRICT;
"""


def migrate_unit_drafts(conn: sqlite3.Connection) -> None:
    for statement in _split(_UNIT_DRAFTS_DDL):
        conn.execute(statement)


# Issue 18: how many writes that run alone (audit.write, not shared) have begun on a
# server; each such write moves it first, in its own transaction (engine.begin_write). A result
# entered on a server decides on rows it read before its one write statement
# (store/first_result.py); that statement runs only if this count is what it was at the
# read, which proves no write that runs alone — the only kind that changes a sample's
# items, a technician's authorizations or the runs — came in between. Bookkeeping, not
# the record: unaudited, and never copied between databases (its value means nothing
# elsewhere).
_WRITE_EPOCH_DDL = """
CREATE TABLE write_epoch (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    n INTEGER NOT NULL
) STRICT;
INSERT INTO write_epoch (id, n) VALUES (1, 0);
"""


def migrate_write_epoch(conn: sqlite3.Connection) -> None:
    for statement in _split(_WRITE_EPOCH_DDL):
        conn.execute(statement)


Migration = Callable[[sqlite3.Connection], None]
MIGRATIONS: list[Migration] = [
    _migrate_1,
    _migrate_2,
    _migrate_3,
    _migrate_4,
    _migrate_clocks,
    _migrate_first_use,
    _migrate_food_library,
    _migrate_report_versions,
    migrate_analytical_runs,
    migrate_item_kinds,
    migrate_withdrawn_items,
    migrate_library_rules,
    migrate_class_rules,
    migrate_unit_drafts,
    migrate_write_epoch,
]
LATEST_VERSION = len(MIGRATIONS)

# The tables whose every write goes through the audited primitive (store/audit.py) and
# that `verify_audit` rebuilds by replaying the log: those of version 1, then those each
# later migration creates (declared beside the migration's name, so a renumbering when
# branches merge needs no other edit).
_V1_AUDITED = (
    "centre",
    "users",
    "enterprises",
    "lib_categories",
    "lib_items",
    "tasks",
    "samples",
    "sample_items",
    "results",
    "sample_events",
    "export_batches",
    "signing_keys",
)
_NEW_AUDITED: dict[Migration, tuple[str, ...]] = {
    _migrate_3: ("result_values",),
    _migrate_4: ("reports",),
    _migrate_clocks: ("calendar_years", "calendar_days", "backup_samples", "reinspection_cases"),
    _migrate_first_use: ("import_mappings", "result_imports"),
    _migrate_food_library: ("food_classes", "lib_versions", "food_templates", "lab_settings"),
    _migrate_report_versions: ("centre_marks",),
    migrate_analytical_runs: (
        "methods",
        "method_versions",
        "instruments",
        "authorizations",
        "qc_materials",
        "runs",
        "run_items",
        "run_files",
    ),
    migrate_library_rules: ("lib_item_rules",),
    migrate_class_rules: ("lib_class_rules",),
}
AUDITED_TABLES = _V1_AUDITED + tuple(
    table for migration in MIGRATIONS for table in _NEW_AUDITED.get(migration, ())
)
# The schema version that created each audited table added after version 1: a file of an
# older version (a backup taken before a migration) is verified against its own tables.
_AUDITED_FROM = {
    table: MIGRATIONS.index(migration) + 1
    for migration, tables in _NEW_AUDITED.items()
    for table in tables
}


# Content tables: rows written in bulk as the content of one audited parent row and never
# changed afterwards (a standard version's 10,000 limit rows). They get no audit entry
# each; the parent row records the SHA-256 of its rows as stored (`core.content`)
# in its audited digest column, and `verify_audit` recomputes it — as BLOB columns are
# logged by their digest. child table → (parent table, foreign key, digest column).
CONTENT_TABLES: dict[str, tuple[str, str, str]] = {
    "lib_limits": ("lib_versions", "version_id", "rows_digest"),
}
_CONTENT_FROM = {"lib_limits": MIGRATIONS.index(_migrate_food_library) + 1}


def content_tables(version: int) -> dict[str, tuple[str, str, str]]:
    """The content tables a database of schema `version` has."""
    return {t: spec for t, spec in CONTENT_TABLES.items() if _CONTENT_FROM.get(t, 1) <= version}


def audited_tables(version: int) -> tuple[str, ...]:
    """The audited tables a database of schema `version` has."""
    return tuple(t for t in AUDITED_TABLES if _AUDITED_FROM.get(t, 1) <= version)


# BLOB columns are logged by their SHA-256 ({"$sha256": hex}) rather than their bytes.
BLOB_COLUMNS = {
    ("export_batches", "content"),
    ("signing_keys", "private_blob"),
    ("reports", "pdf"),
    ("centre_marks", "image"),
    ("run_files", "content"),
}
