"""The caseload painted before what is due and the suggested tiers are worked out: those columns say so (never a
blank that reads as "nothing due"), then are filled in place and the rows sorted again."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from lpt_desktop.gui.caseload_model import COL_DUE, WORKING_OUT
from lpt_desktop.gui.caseload_view import CaseloadView
from lpt_desktop.services.caseload import caseload_columns, due_order, load_caseload
from lpt_desktop.services.demo import DemoSpec, create_demo
from lpt_desktop.store.database import Database
from lpt_desktop.store.keyfile import KdfParams
from tests.conftest import DEMO_TODAY, PASSPHRASE
from tests.gui.conftest import unlock

pytestmark = pytest.mark.gui


def test_the_columns_say_they_are_worked_out_then_fill_and_resort(qtbot, demo_db):
    db = Database.open(demo_db, PASSPHRASE)
    try:
        first = load_caseload(db, DEMO_TODAY, worked_out=False)
        columns = caseload_columns(db, DEMO_TODAY)
        whole = load_caseload(db, DEMO_TODAY)
    finally:
        db.close()
    view = CaseloadView()
    qtbot.addWidget(view)
    view.model.today = DEMO_TODAY
    view.set_rows(first)  # sorted by Next due (the default order)
    model = view.model
    assert view.property("lptColumnsPending") is True and model.columns_pending
    assert {model.data(model.index(i, COL_DUE)) for i in range(model.rowCount())} == {WORKING_OUT}
    assert "being worked out" in model.data(model.index(0, COL_DUE), Qt.ItemDataRole.ToolTipRole)
    held = model.records[5].person_id
    view.table.selectRow(view.proxy.mapFromSource(model.index(5, 0)).row())
    view.fill_columns(columns)
    assert view.property("lptColumnsPending") is False and not model.columns_pending
    assert model.records == sorted(whole, key=due_order)  # filled as the whole load, sorted by what is due again
    selected = view.table.selectionModel().selectedRows()
    assert [model.record(view.proxy.mapToSource(i).row()).person_id for i in selected] == [held]
    assert WORKING_OUT not in {model.data(model.index(i, COL_DUE)) for i in range(model.rowCount())}
    view.set_rows(whole)
    assert model.fill_columns(columns) is False  # rows loaded since carry their own columns


@pytest.fixture
def caseload(tmp_path):
    path = tmp_path / "filled" / "caseload.lptdb"
    create_demo(path, PASSPHRASE, DemoSpec(cases=24, contacts_per_case=2, seed=5, today=DEMO_TODAY),
                kdf=KdfParams.fast()).close()
    return path


def test_an_unlock_paints_the_rows_then_fills_the_columns(make_window, qtbot, caseload):
    window = make_window(caseload)
    unlock(qtbot, window, PASSPHRASE)
    view = window.caseload_view
    qtbot.waitUntil(lambda: view.model.rowCount() > 0 and not view.model.columns_pending, timeout=20000)
    assert view.property("lptColumnsPending") is False
    assert any(r.next_due for r in view.model.records) and all(r.suggested_scheme for r in view.model.records)
