"""The caseload model's short cuts (CaseloadTableModel.data skipping roles it never answers, index with one bounds
test) answer exactly as the general model does, for every cell and role."""

from __future__ import annotations

from PySide6.QtCore import QAbstractTableModel, QModelIndex

from lpt_desktop.gui.caseload_model import CaseloadTableModel
from lpt_desktop.gui.table_model import RecordTableModel
from lpt_desktop.services.caseload import load_caseload
from lpt_desktop.store.database import Database
from tests.conftest import PASSPHRASE, TEST_TODAY


def _same(a: object, b: object) -> bool:
    return a == b or (a is not None and b is not None and type(a) is type(b) and repr(a) == repr(b))


def test_every_cell_and_role_answers_as_the_general_model(qtbot, demo_db):
    db = Database.open(demo_db, PASSPHRASE)
    try:
        rows = load_caseload(db, TEST_TODAY)
    finally:
        db.close()
    model = CaseloadTableModel()
    model.today = TEST_TODAY
    RecordTableModel.set_rows(model, rows)
    assert any(r.tier_differs or r.rosh in ("H", "VH") for r in rows)  # the coloured and bold cells are there
    answered = 0
    for row in range(model.rowCount()):
        for column in range(model.columnCount()):
            index = model.index(row, column)
            assert index == QAbstractTableModel.index(model, row, column)
            for role in range(0, 300):
                fast, general = model.data(index, role), RecordTableModel.data(model, index, role)
                assert _same(fast, general), (row, column, role, fast, general)
                answered += general is not None
    assert answered > model.rowCount() * model.columnCount() * 3
    for row, column in ((-1, 0), (0, -1), (len(rows), 0), (0, model.columnCount())):
        assert not model.index(row, column).isValid() and not QAbstractTableModel.index(model, row, column).isValid()
    assert not model.index(0, 0, model.index(0, 0)).isValid()
    assert model.data(QModelIndex()) is None
