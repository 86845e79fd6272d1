"""A requirement met after its due date reads "Met late" in words, amber not green, and is not on time in
compliance (the officer's walk: a RoSH review due 15/06/2026 met by a review recorded 14/07/2026)."""

from __future__ import annotations

from datetime import date

import pytest
from PySide6.QtCore import Qt

from lpt_desktop.gui import standards_common as common
from lpt_desktop.gui.obligations_view import COL_STATUS, ObligationTableModel
from lpt_desktop.services.obligations import _tally
from lpt_desktop.standards.obligations import Obligation

DUE = date(2026, 6, 15)


def _ob(status: str, met_on: date | None) -> Obligation:
    return Obligation(rule="rosh_review", kind="review", description="RoSH review", source="National Standards",
                      due_from=date(2026, 6, 1), due_by=DUE, status=status, met_by="r1" if met_on else None,
                      met_on=met_on)


CASES = [
    # (name, status, met on, shown status, words)
    ("met late: the walk", "met", date(2026, 7, 14), "met_late", "Met late"),
    ("met on the due day", "met", DUE, "met", "Met"),
    ("met early", "met", date(2026, 6, 2), "met", "Met"),
    ("overdue", "overdue", None, "overdue", "Overdue"),
    ("missed", "missed", None, "missed", "Missed"),
]


@pytest.mark.parametrize(("status", "met_on", "shown", "words"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_the_obligations_tab_says_met_late_in_words_and_not_green(qapp, status, met_on, shown, words):
    o = _ob(status, met_on)
    assert o.shown_status == shown
    model = ObligationTableModel()
    model.set_rows([o])
    index = model.index(0, COL_STATUS)
    assert model.data(index).split(" ", 1)[1] == words
    green = common.status_brush("met").color().name()
    colour = model.data(index, Qt.ItemDataRole.ForegroundRole).color().name()
    assert (colour == green) == (shown == "met")


def test_met_late_is_counted_as_not_on_time():
    c = _tally(date(2026, 6, 1), date(2026, 6, 30), date(2026, 7, 20),
               [_ob("met", date(2026, 7, 14)), _ob("met", DUE)])
    assert (c.met_on_time, c.total) == (1, 2)
