"""The lazy, id-only models: keyset paging, bounded row caches, mode B entry, and the
sampling form's small parsers (hypothesis)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation

import pytest
from hypothesis import given
from hypothesis import strategies as st
from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtWidgets import QHeaderView
from pytestqt.qtbot import QtBot

from labdesk.ui import grid_data, result_grid, samples
from labdesk.ui.entry import ResultEntryScreen
from labdesk.ui.result_grid import ResultGridModel
from labdesk.ui.samples import SampleListModel
from labdesk.ui.sampling_form import decimal_problem, parse_date
from labdesk.ui.session import UiSession
from tests.ui.conftest import sign_in_as


def _all_rows(model: ResultGridModel | SampleListModel) -> None:
    while model.canFetchMore(QModelIndex()):
        model.fetchMore(QModelIndex())


def test_samples_list_pages_by_keyset(session: UiSession, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(grid_data, "PAGE_SIZE", 7)
    model = SampleListModel(session)
    model.set_query(grid_data.SampleQuery())
    assert model.rowCount() == 7 and model.canFetchMore(QModelIndex())
    _all_rows(model)
    expected = [int(r[0]) for r in session.db.query("SELECT id FROM samples ORDER BY id DESC")]
    assert model.loaded_ids() == expected
    # Filtering by state narrows the ids to exactly that state.
    model.set_query(grid_data.SampleQuery(states=("testing",)))
    _all_rows(model)
    testing = [
        int(r[0])
        for r in session.db.query("SELECT id FROM samples WHERE state = 'testing' ORDER BY id DESC")
    ]
    assert model.loaded_ids() == testing


def test_row_cache_is_bounded(session: UiSession, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(samples, "CACHE_ROWS", 5)
    monkeypatch.setattr(samples, "FETCH_BLOCK", 4)
    model = SampleListModel(session)
    model.set_query(grid_data.SampleQuery())
    for row in range(model.rowCount()):
        sample_no = model.index(row, 0).data()
        assert sample_no == session.db.scalar(
            "SELECT sample_no FROM samples WHERE id = ?", (model.sample_id(row),)
        )
        assert len(model._cache) <= 5


def test_mode_b_lists_one_item_across_samples_and_enters(
    session: UiSession, monkeypatch: pytest.MonkeyPatch
) -> None:
    sign_in_as(session, "tech1")
    row = session.db.query_one(
        "SELECT s.category_code, si.name, count(*) AS n FROM sample_items si "
        "JOIN samples s ON s.id = si.sample_id "
        "WHERE s.state IN ('received', 'testing', 'returned') "
        # an item that takes "ND": with an LOD, or qualitative (不得检出)
        "AND (coalesce(si.lod, '') <> '' OR si.limit_text LIKE '%不得检出%') "
        "GROUP BY s.category_code, si.name ORDER BY n DESC, si.name LIMIT 1"
    )
    assert row is not None
    monkeypatch.setattr(grid_data, "PAGE_SIZE", 2)
    model = ResultGridModel(session)
    model.load_item(str(row["name"]), str(row["category_code"]))
    assert model.rowCount() <= 2
    _all_rows(model)
    assert model.rowCount() == row["n"]
    assert model.column_key(0) == "sample"
    assert all(model.row_data(r)["name"] == row["name"] for r in range(model.rowCount()))
    # Enter a value in the first row whose sample belongs to nobody else's review.
    target = (
        next(r for r in range(model.rowCount()) if model.row_data(r).get("result_id") is None)
        if any(model.row_data(r).get("result_id") is None for r in range(model.rowCount()))
        else 0
    )
    index = model.index(target, model.column_of("result"))
    needs = model.needs_reason(index)
    ok = model.enter(index, "ND", "UI test correction" if needs else None)
    assert ok
    assert model.index(target, model.column_of("result")).data() == "ND"
    assert (
        session.db.scalar(
            "SELECT text FROM results WHERE sample_item_id = ? AND superseded_by IS NULL",
            (model.item_id(target),),
        )
        == "ND"
    )


def test_preview_never_writes(session: UiSession) -> None:
    sign_in_as(session, "tech1")
    sample_id = int(
        session.db.scalar(
            "SELECT sample_id FROM sample_items si JOIN samples s ON s.id = si.sample_id "
            "WHERE s.state IN ('received', 'testing') LIMIT 1"
        )
    )
    model = ResultGridModel(session)
    model.load_sample(sample_id)
    before = session.db.scalar("SELECT count(*) FROM audit_log")
    index = model.index(0, model.column_of("result"))
    model.set_preview(index, "12abc")
    verdict = model.index(0, model.column_of("verdict")).data()
    assert verdict == "Invalid"
    assert "12abc" in model.index(0, model.column_of("explanation")).data()
    model.set_preview(index, "<0.001")
    assert model.index(0, model.column_of("verdict")).data() in ("Pass", "Not judged", "Fail")
    assert model.index(0, model.column_of("verdict")).data(Qt.ItemDataRole.FontRole).italic()
    model.clear_preview(index)
    assert model.preview(0) is None
    assert session.db.scalar("SELECT count(*) FROM audit_log") == before


def test_verdict_words_never_colour_alone() -> None:
    for code in ("pass", "fail", "not_judged"):
        assert result_grid.verdict_text(code)
        assert code in result_grid.VERDICT_BRUSHES


@given(st.dates(min_value=date(1900, 1, 1), max_value=date(2100, 12, 31)))
def test_parse_date_round_trips(day: date) -> None:
    assert parse_date(day.isoformat()) == day
    assert parse_date(f"  {day.isoformat()} ") == day


@given(st.text(max_size=12))
def test_parse_date_never_crashes(text: str) -> None:
    try:
        value = parse_date(text)
    except ValueError:
        return
    assert value is None or isinstance(value, date)
    assert value is not None or not text.strip()


@given(st.text(alphabet="0123456789.-+eE ", max_size=10))
def test_decimal_problem_agrees_with_decimal(text: str) -> None:
    problem = decimal_problem(text)
    stripped = text.strip()
    if not stripped:
        assert problem == ""
        return
    try:
        number = Decimal(stripped)
    except InvalidOperation:
        assert problem in ("number", "plain")
        return
    if "e" in stripped.lower() or not number.is_finite():
        assert problem == "plain"
    elif number < 0:
        assert problem == "negative"
    else:
        assert problem == ""


def _widths(screen: ResultEntryScreen) -> list[int]:
    header = screen.view.horizontalHeader()
    return [header.sectionSize(c) for c in range(header.count())]


def test_entry_grid_default_widths_apply_and_user_widths_persist(
    qtbot: QtBot, session: UiSession
) -> None:
    sign_in_as(session, "tech1")
    sample_id = int(session.db.scalar("SELECT min(id) FROM samples WHERE state = 'testing'"))
    screen = ResultEntryScreen(session)
    qtbot.addWidget(screen)
    screen.resize(1400, 700)
    screen.show()
    screen.open_sample(sample_id)
    defaults = [c.width for c in result_grid.ITEM_COLUMNS]
    keys = [c.key for c in result_grid.ITEM_COLUMNS]
    assert keys == [
        "item", "unit", "limit", "method", "result", "rounded", "verdict", "instrument",
        "explanation",
    ]  # fmt: skip
    widths = _widths(screen)
    # Every column but the stretching explanation has its own default (not 100 px each).
    assert widths[:-1] == defaults[:-1]
    assert len(set(widths[:-1])) > 3
    header = screen.view.horizontalHeader()
    assert header.stretchLastSection()
    assert widths[-1] >= defaults[-1]
    modes = {header.sectionResizeMode(c) for c in range(header.count() - 1)}
    assert modes == {QHeaderView.ResizeMode.Interactive}
    # Opening another sample (a model reset) keeps them.
    other = int(session.db.scalar("SELECT max(id) FROM samples WHERE state = 'testing'"))
    screen.open_sample(other)
    assert _widths(screen)[:-1] == defaults[:-1]

    # The user widens the item column: it survives another sample and a restart.
    header.resizeSection(0, 333)
    screen.open_sample(sample_id)
    assert _widths(screen)[0] == 333
    screen.save_layout()
    again = ResultEntryScreen(session)
    qtbot.addWidget(again)
    again.resize(1400, 700)
    again.show()
    again.open_sample(sample_id)
    restored = _widths(again)
    assert restored[0] == 333
    assert restored[1:-1] == defaults[1:-1]
