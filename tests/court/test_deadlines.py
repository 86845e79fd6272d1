"""Report due dates: same day, 5 working days, 15 (10 if remanded), across bank holidays; day 0 is the request."""

from __future__ import annotations

from datetime import date

import pytest

from lpt_desktop.services.court import due_date_for
from lpt_desktop.standards.calendar import ENGLAND_AND_WALES, WorkingCalendar
from lpt_desktop.standards.report_deadlines import report_due_date

CAL = ENGLAND_AND_WALES  # bank holidays in England and Wales, no office closures

THU_23_DEC_2021 = date(2021, 12, 23)  # then Christmas and New Year substitute days: 27, 28 Dec and 3 Jan
MAUNDY_THU_2026 = date(2026, 4, 2)  # Good Friday 03/04/2026, Easter Monday 06/04/2026


@pytest.mark.parametrize(("kind", "asked", "remanded", "due"), [
    ("oral", THU_23_DEC_2021, False, date(2021, 12, 23)),
    ("oral", THU_23_DEC_2021, True, date(2021, 12, 23)),
    ("fdr", THU_23_DEC_2021, False, date(2022, 1, 4)),
    ("fdr", THU_23_DEC_2021, True, date(2022, 1, 4)),
    ("sdr", THU_23_DEC_2021, True, date(2022, 1, 11)),
    ("sdr", THU_23_DEC_2021, False, date(2022, 1, 18)),
    ("addendum", THU_23_DEC_2021, False, date(2022, 1, 4)),
    ("oral", MAUNDY_THU_2026, False, date(2026, 4, 2)),
    ("fdr", MAUNDY_THU_2026, False, date(2026, 4, 13)),
    ("sdr", MAUNDY_THU_2026, True, date(2026, 4, 20)),
    ("sdr", MAUNDY_THU_2026, False, date(2026, 4, 27)),
    # An ordinary fortnight: Monday 16/11/2026.
    ("fdr", date(2026, 11, 16), False, date(2026, 11, 23)),
    ("sdr", date(2026, 11, 16), False, date(2026, 12, 7)),
    ("sdr", date(2026, 11, 16), True, date(2026, 11, 30)),
    # Asked on a Friday: the weekend does not count.
    ("fdr", date(2026, 11, 20), False, date(2026, 11, 27)),
    # Early May bank holiday 04/05/2026 and spring bank holiday 25/05/2026.
    ("fdr", date(2026, 4, 30), False, date(2026, 5, 8)),
    ("sdr", date(2026, 5, 15), True, date(2026, 6, 1)),
    # One-off bank holidays: 19/09/2022 (state funeral), 08/05/2023 (coronation).
    ("fdr", date(2022, 9, 15), False, date(2022, 9, 23)),
    ("fdr", date(2023, 5, 4), False, date(2023, 5, 12)),
])
def test_due_dates(kind, asked, remanded, due):
    assert report_due_date(kind, asked, remanded, CAL) == due


def test_oral_on_a_saturday_court_is_due_that_day():
    assert report_due_date("oral", date(2026, 11, 21), False, CAL) == date(2026, 11, 21)


def test_remand_shortens_only_standard_delivery():
    asked = date(2026, 11, 16)
    for kind in ("oral", "fdr", "addendum"):
        assert report_due_date(kind, asked, True, CAL) == report_due_date(kind, asked, False, CAL)
    assert report_due_date("sdr", asked, True, CAL) < report_due_date("sdr", asked, False, CAL)


def test_unknown_report_type_is_refused_with_the_choices():
    with pytest.raises(ValueError, match="oral, fdr, sdr, addendum"):
        report_due_date("psr", date(2026, 11, 16), False, CAL)


def test_a_report_is_never_due_after_its_hearing():
    asked = date(2026, 11, 16)
    assert due_date_for("sdr", asked, False, hearing_date=date(2026, 11, 30)) == date(2026, 11, 30)
    assert due_date_for("sdr", asked, False, hearing_date=date(2026, 12, 21)) == date(2026, 12, 7)
    assert due_date_for("oral", asked, False, hearing_date=asked) == asked


def test_office_closures_move_the_due_date():
    closed = WorkingCalendar.of({date(2026, 11, 18)})
    assert report_due_date("fdr", date(2026, 11, 16), False, closed) == date(2026, 11, 24)
    assert due_date_for("fdr", date(2026, 11, 16), False, date(2026, 12, 21), closed) == date(2026, 11, 24)
    assert due_date_for("fdr", date(2026, 11, 16), False, date(2026, 12, 21)) == date(2026, 11, 23)
