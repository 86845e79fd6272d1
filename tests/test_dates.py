"""UK dates: dd/mm/yyyy in and out, ages, calendar months."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import pytest

from lpt_desktop.domain.dates import (
    DateTextError,
    add_months,
    age_on,
    format_date,
    format_datetime,
    full_year,
    parse_date,
    parse_date_text,
    parse_datetime_text,
    parse_time_text,
)

TODAY = date(2026, 11, 23)


@pytest.mark.parametrize(("text", "expected"), [("05/03/2026", date(2026, 3, 5)), (" 29/02/2024 ", date(2024, 2, 29)),
                                                ("31/12/1999", date(1999, 12, 31))])
def test_parse_uk_dates(text, expected):
    assert parse_date(text) == expected


@pytest.mark.parametrize("text", ["2026-03-05", "03/05", "", "5th March", "0503", "5032026"])
def test_bad_dates_say_how_to_write_them(text):
    with pytest.raises(ValueError, match="dd/mm/yyyy"):
        parse_date(text)


@pytest.mark.parametrize(("text", "message"), [
    ("31/02/2026", "31/02/2026 does not exist: February 2026 has 28 days"),
    ("29/02/2023", "29/02/2023 does not exist: February 2023 has 28 days"),
    ("31/04/2026", "31/04/2026 does not exist: April 2026 has 30 days"),
    ("32/01/2026", "32/01/2026 does not exist: January 2026 has 31 days"),
    ("00/01/2026", "00/01/2026 does not exist: there is no day 0"),
    ("31022026", "31/02/2026 does not exist: February 2026 has 28 days"),
])
def test_a_date_that_does_not_exist_says_so(text, message):
    with pytest.raises(DateTextError) as e:
        parse_date_text(text, TODAY)
    assert str(e.value) == message


# Day first always: each of these is 1 December 2026, never 12 January.
@pytest.mark.parametrize("text", ["01/12/2026", "1/12/2026", "1/12/26", "01122026", "011226", "1.12.2026",
                                  "1-12-2026", "1 12 2026", "01/12/26", " 1/12/2026 ", "1 Dec 2026",
                                  "1 december 2026", "1-dec-26", "1.12.26"])
def test_day_first_in_every_spelling(text):
    assert parse_date_text(text, TODAY) == date(2026, 12, 1)


@pytest.mark.parametrize(("text", "expected"), [
    ("12/01/2026", date(2026, 1, 12)), ("13/12/2026", date(2026, 12, 13)), ("29/02/2028", date(2028, 2, 29)),
    ("t", TODAY), ("today", TODAY), ("Today", TODAY), ("tomorrow", TODAY + timedelta(days=1)),
    ("yesterday", TODAY - timedelta(days=1)), ("+3", TODAY + timedelta(days=3)),
    ("-10", TODAY - timedelta(days=10)), ("+0", TODAY), ("", None), ("   ", None),
])
def test_dates_and_shortcuts(text, expected):
    assert parse_date_text(text, TODAY) == expected


@pytest.mark.parametrize("text", ["12/13/2026", "1/13/26", "5/25/2026"])
def test_month_first_is_refused_not_swapped(text):
    with pytest.raises(DateTextError, match="is not a month: type the day first"):
        parse_date_text(text, TODAY)


# The two-digit year rule: 00-69 are 2000-2069, 70-99 are 1970-1999.
@pytest.mark.parametrize(("two", "year"), [(0, 2000), (26, 2026), (69, 2069), (70, 1970), (72, 1972),
                                           (99, 1999)])
def test_two_digit_years(two, year):
    assert full_year(two) == year
    assert parse_date_text(f"4/5/{two:02d}", TODAY) == date(year, 5, 4)
    assert parse_date_text(f"0405{two:02d}", TODAY) == date(year, 5, 4)


@pytest.mark.parametrize("text", ["4/5/202", "4/5/7", "4/5/20266", "1122026", "011220266", "x", "1/2/3/4",
                                  "4/foo/2026", "+", "t+3"])
def test_ambiguous_or_malformed_dates_are_refused(text):
    with pytest.raises(DateTextError):
        parse_date_text(text, TODAY)


@pytest.mark.parametrize(("text", "expected"), [
    ("14:00", time(14, 0)), ("14.00", time(14, 0)), ("1400", time(14, 0)), ("930", time(9, 30)),
    ("0930", time(9, 30)), ("9", time(9, 0)), ("2pm", time(14, 0)), ("2.30pm", time(14, 30)),
    ("2:30 pm", time(14, 30)), ("12pm", time(12, 0)), ("12am", time(0, 0)), ("12.15am", time(0, 15)),
    ("11:59pm", time(23, 59)), ("00:00", time(0, 0)), ("9am", time(9, 0)), ("2PM", time(14, 0)),
])
def test_times(text, expected):
    assert parse_time_text(text) == expected


@pytest.mark.parametrize("text", ["24:00", "14:60", "13pm", "0am", "2:3", "14:000", "noon", "12345", ""])
def test_bad_times_are_refused(text):
    with pytest.raises(DateTextError):
        parse_time_text(text)


@pytest.mark.parametrize(("text", "expected"), [
    ("01/12/2026 14:00", datetime(2026, 12, 1, 14, 0)), ("1/12/26 2pm", datetime(2026, 12, 1, 14, 0)),
    ("1/12/26 2.30pm", datetime(2026, 12, 1, 14, 30)), ("1/12/26 2 pm", datetime(2026, 12, 1, 14, 0)),
    ("01122026 1400", datetime(2026, 12, 1, 14, 0)), ("011220261400", datetime(2026, 12, 1, 14, 0)),
    ("0112261400", datetime(2026, 12, 1, 14, 0)), ("1.12.2026 09:05", datetime(2026, 12, 1, 9, 5)),
    ("1-12-2026 9am", datetime(2026, 12, 1, 9, 0)), ("1 Dec 2026 14:00", datetime(2026, 12, 1, 14, 0)),
    ("t 10:00", datetime(2026, 11, 23, 10, 0)), ("+3 9am", datetime(2026, 11, 26, 9, 0)),
    ("", None),
])
def test_dates_and_times(text, expected):
    assert parse_datetime_text(text, TODAY) == expected


@pytest.mark.parametrize(("text", "message"), [
    ("01/12/2026", "has no time"), ("1 Dec 2026", "has no time"), ("t", "has no time"),
    ("31/02/2026 10:00", "31/02/2026 does not exist: February 2026 has 28 days"),
    ("01/12/2026 25:00", "is not a time"), ("1/12 14:00", "has no year"), ("x 10:00", "is not a date"),
    ("12/13/2026 10:00", "is not a month"), ("01/12/2026 14:0023/11/2026 09:30", "is not"),
    ("01/12/2026 14:00 23/11/2026", "is not"),
])
def test_bad_dates_and_times_say_why(text, message):
    with pytest.raises(DateTextError, match=message):
        parse_datetime_text(text, TODAY)


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


def test_a_report_date_that_does_not_exist_says_so():
    from lpt_desktop.domain.court import FieldSpec, coerce_value

    spec = FieldSpec("offence_date", "Date of offence", "date")
    value, error = coerce_value(spec, "31/02/2026", "Offence")
    assert value is None
    assert str(error) == "Offence: Date of offence: 31/02/2026 does not exist: February 2026 has 28 days"
    assert coerce_value(spec, "1/2/26", "Offence") == ("2026-02-01", None)
