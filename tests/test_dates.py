"""UK dates: dd/mm/yyyy in and out, ages, calendar months."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from lpt_desktop.domain.dates import add_months, age_on, format_date, format_datetime, parse_date


@pytest.mark.parametrize(("text", "expected"), [("05/03/2026", date(2026, 3, 5)), (" 29/02/2024 ", date(2024, 2, 29)),
                                                ("31/12/1999", date(1999, 12, 31))])
def test_parse_uk_dates(text, expected):
    assert parse_date(text) == expected


@pytest.mark.parametrize("text", ["2026-03-05", "03/05", "29/02/2023", "32/01/2026", "", "5th March"])
def test_bad_dates_say_how_to_write_them(text):
    with pytest.raises(ValueError, match="dd/mm/yyyy"):
        parse_date(text)


def test_formatting_is_day_first():
    assert format_date(date(2026, 3, 5)) == "05/03/2026"
    assert format_datetime(datetime(2026, 3, 5, 9, 7)) == "05/03/2026 09:07"
    assert format_date(None) == ""


@pytest.mark.parametrize(("born", "on", "age"), [(date(2000, 3, 5), date(2026, 3, 4), 25),
                                                 (date(2000, 3, 5), date(2026, 3, 5), 26),
                                                 (date(2004, 2, 29), date(2026, 2, 28), 21)])
def test_age(born, on, age):
    assert age_on(born, on) == age


@pytest.mark.parametrize(("start", "months", "expected"), [(date(2026, 1, 31), 1, date(2026, 2, 28)),
                                                           (date(2024, 1, 31), 1, date(2024, 2, 29)),
                                                           (date(2026, 11, 23), 12, date(2027, 11, 23)),
                                                           (date(2026, 3, 31), -1, date(2026, 2, 28))])
def test_add_months_clamps_to_the_month_end(start, months, expected):
    assert add_months(start, months) == expected
