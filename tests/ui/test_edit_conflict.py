"""Result entry when someone else saved first (issue 18.2): the grid says who and when,
writes nothing, and shows the value that is there now."""

from __future__ import annotations

from labdesk.services import auth, results
from labdesk.ui.result_grid import ResultGridModel
from labdesk.ui.session import UiSession
from tests.ui.conftest import password_of, sign_in_as


def test_the_grid_refuses_an_edit_of_a_result_changed_meanwhile(session: UiSession) -> None:
    sign_in_as(session, "tech1")
    row = session.db.query_one(
        "SELECT si.sample_id, si.id FROM sample_items si JOIN samples s ON s.id = si.sample_id "
        "WHERE s.state IN ('received', 'testing') AND NOT EXISTS "
        "(SELECT 1 FROM results r WHERE r.sample_item_id = si.id) ORDER BY si.id LIMIT 1"
    )
    assert row is not None
    model = ResultGridModel(session)
    model.load_sample(int(row[0]))
    target = next(r for r in range(model.rowCount()) if model.item_id(r) == int(row[1]))
    assert model.row_data(target).get("result_id") is None  # the screen shows no result
    messages: list[tuple[str, bool]] = []
    model.message.connect(lambda text, error: messages.append((text, error)))
    # Meanwhile the other technician saves a value for the same item.
    other = auth.sign_in(session.db, "tech2", password_of(session.db, "tech2"))
    results.enter_result(other, int(row[1]), "0.020", seen_result_id=None)
    index = model.index(target, model.column_of("result"))
    assert not model.enter(index, "0.030", None)
    text, is_error = messages[-1]
    assert is_error and "李检验（演示）" in text and "reload" in text
    current = results.current_result(session.db, int(row[1]))
    assert current is not None and current["text"] == "0.020"  # nothing overwritten
    assert model.index(target, model.column_of("result")).data() == "0.020"  # shown now
