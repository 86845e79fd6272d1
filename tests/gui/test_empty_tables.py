"""An empty list says so ("None recorded") instead of a bare grid; a list with rows does not."""

from __future__ import annotations

from lpt_desktop.gui.table_model import Column, RecordTableModel, record_table

COLUMNS = [Column("Name", lambda r: r)]


def _image(qtbot, rows: list[str], empty_text: str):
    model = RecordTableModel(COLUMNS)
    model.set_rows(rows)
    view = record_table(model, "Other names", sortable=False, empty_text=empty_text)
    qtbot.addWidget(view)
    view.resize(300, 120)
    view.show()
    qtbot.waitExposed(view)
    return view.grab().toImage()


def test_an_empty_table_says_none_recorded(qtbot):
    assert _image(qtbot, [], "None recorded") != _image(qtbot, [], "")  # the words are painted


def test_a_table_with_rows_shows_only_its_rows(qtbot):
    assert _image(qtbot, ["Gaz"], "None recorded") == _image(qtbot, ["Gaz"], "")
