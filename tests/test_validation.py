"""Domain validation: limits from resources/data, and messages that name the field and say a fix."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lpt_desktop.domain.reference import reference
from lpt_desktop.domain.validation import (
    FieldError,
    ValidationError,
    require,
    validate_person,
    validate_registration,
    validate_requirement,
    validate_sentence,
)
from lpt_desktop.services.registers import add_months
from tests.conftest import TEST_TODAY

TODAY = date(2026, 11, 23)
FIX = re.compile(r"\b(use|choose|enter|check|remove|add|leave|write|give|name|describe|must be)\b", re.I)
HYPOTHESIS = settings(suppress_health_check=[HealthCheck.function_scoped_fixture], deadline=None,
                      max_examples=300)

# One valid parameter set per requirement type (the table must cover every type in the data file).
VALID_PARAMS = {
    "UPW": {"hours": 120},
    "ACT": {"days": 10},
    "PROG": {"programme": "Building Better Relationships", "sessions": 24},
    "PROH": {"activity": "Not attend any football match at Deepdale"},
    "CUR": {"hours_per_day": 8, "months": 3},
    "EXC": {"place": "Preston city centre", "months": 6},
    "RES": {"address": "Approved premises, 5 Fishergate Hill, Preston"},
    "MHT": {"provider": "Lancashire Care community mental health team"},
    "DRR": {"months": 6, "testing": True},
    "ATR": {"months": 6},
    "SUP": {"months": 12},
    "RAR": {"days": 20},
    "ATC": {"hours": 12},
    "EM": {"monitors": "Curfew"},
}


def _help_texts() -> set[str]:
    return {p.help for r in reference().requirement_types.values() for p in r.params}


def assert_actionable(errors: list[FieldError], *fields: str) -> None:
    """The errors are for exactly these fields, and each message says how to put it right."""
    assert [e.field for e in errors] == list(fields)
    helps = _help_texts()
    for e in errors:
        assert e.field.strip()
        assert str(e).startswith(f"{e.field}: ")
        message = e.message
        assert FIX.search(message) or any(h in message for h in helps), f"no fix in {str(e)!r}"


def ok_person(**kw) -> list[FieldError]:
    args = {"crn": "X123456", "first_name": "Ann", "last_name": "Example", "date_of_birth": date(1985, 4, 2),
            "today": TODAY} | kw
    return validate_person(**args)


# -- requirements ---------------------------------------------------------------------------------

def test_valid_params_table_covers_every_requirement_type():
    assert set(VALID_PARAMS) == set(reference().requirement_types)


@pytest.mark.parametrize("order", ["CO", "SSO"])
@pytest.mark.parametrize("code", sorted(VALID_PARAMS))
def test_valid_requirements_pass_on_orders_with_requirements(code, order):
    assert validate_requirement(code, VALID_PARAMS[code], order) == []


@pytest.mark.parametrize("order", ["LIC", "PSS"])
@pytest.mark.parametrize("code", ["UPW", "CUR", "RAR"])
def test_requirements_are_refused_on_licences(code, order):
    errors = validate_requirement(code, VALID_PARAMS[code], order)
    assert_actionable(errors, "Requirement type")
    assert "licence condition" in errors[0].message


@pytest.mark.parametrize(
    ("hours", "ok"),
    [(39, False), (40, True), (41, True), (120, True), (299, True), (300, True), (301, False), (0, False),
     (-40, False), ("120", True), (" 200 ", True), ("40", True), ("39", False), ("301", False)],
)
def test_unpaid_work_hours_limits(hours, ok):
    errors = validate_requirement("UPW", {"hours": hours})
    if ok:
        assert errors == []
    else:
        assert_actionable(errors, "Unpaid work: Hours")
        assert "out of range" in errors[0].message
        assert "between 40 and 300" in errors[0].message


@pytest.mark.parametrize("hours", ["abc", "12O", "1e2", "120.0", 120.5, 120.0, True, False, [120], "forty"])
def test_unpaid_work_hours_must_be_a_whole_number(hours):
    errors = validate_requirement("UPW", {"hours": hours})
    assert_actionable(errors, "Unpaid work: Hours")
    assert "not a whole number" in errors[0].message


@pytest.mark.parametrize("params", [{}, {"hours": None}, {"hours": ""}])
def test_required_param_missing(params):
    errors = validate_requirement("UPW", params)
    assert_actionable(errors, "Unpaid work: Hours")
    assert "is empty" in errors[0].message


def test_every_missing_required_param_is_reported():
    errors = validate_requirement("CUR", {})
    assert_actionable(errors, "Curfew: Hours per day", "Curfew: Months")


def test_unknown_param_is_named_and_removal_suggested():
    errors = validate_requirement("UPW", {"hours": 100, "minutes": 30})
    assert_actionable(errors, "minutes")
    assert "remove it" in errors[0].message
    assert "unpaid work" in errors[0].message


def test_unknown_requirement_type():
    errors = validate_requirement("XYZ", {})
    assert_actionable(errors, "Requirement type")
    assert "'XYZ'" in errors[0].message


@pytest.mark.parametrize(("programme", "ok"), [("TSP", True), ("Other", True), ("i-SOTP", True),
                                               ("tsp", False), ("Thinking Skills", False), (3, False)])
def test_programme_is_a_choice(programme, ok):
    errors = validate_requirement("PROG", {"programme": programme})
    if ok:
        assert errors == []
    else:
        assert_actionable(errors, "Programme: Programme")
        assert "not one of the choices" in errors[0].message


@pytest.mark.parametrize("monitors", ["GPS", "curfew", ""])
def test_electronic_monitoring_choice(monitors):
    errors = validate_requirement("EM", {"monitors": monitors})
    assert_actionable(errors, "Electronic monitoring: Monitors")


def test_optional_param_may_be_left_out_but_is_checked_when_given():
    assert validate_requirement("PROG", {"programme": "TSP"}) == []
    assert_actionable(validate_requirement("PROG", {"programme": "TSP", "sessions": 0}), "Programme: Sessions")
    assert_actionable(validate_requirement("PROG", {"programme": "TSP", "sessions": 201}), "Programme: Sessions")
    assert validate_requirement("PROG", {"programme": "TSP", "sessions": 200}) == []


@pytest.mark.parametrize("testing", ["yes", 1, 0, "true"])
def test_bool_param_must_be_yes_or_no(testing):
    errors = validate_requirement("DRR", {"months": 6, "testing": testing})
    assert_actionable(errors, "Drug rehabilitation: Testing")
    assert "yes or no" in errors[0].message


@pytest.mark.parametrize("activity", ["   ", "\t\n"])
def test_text_param_must_not_be_blank(activity):
    errors = validate_requirement("PROH", {"activity": activity})
    assert_actionable(errors, "Prohibited activity: Prohibited activity")


@pytest.mark.parametrize(
    ("code", "param", "low", "high"),
    [("ACT", "days", 1, 60), ("CUR", "hours_per_day", 2, 16), ("DRR", "months", 6, 36),
     ("ATC", "hours", 12, 36), ("RAR", "days", 1, 200)],
)
def test_int_limits_come_from_the_data_file(code, param, low, high):
    spec = next(p for p in reference().requirement_types[code].params if p.name == param)
    assert (spec.min, spec.max) == (low, high)
    base = dict(VALID_PARAMS[code])
    for value, ok in ((low - 1, False), (low, True), (high, True), (high + 1, False)):
        errors = validate_requirement(code, base | {param: value})
        assert (errors == []) is ok, (value, errors)


@HYPOTHESIS
@given(hours=st.integers(min_value=-10**12, max_value=10**12) | st.integers(min_value=0, max_value=400))
def test_property_unpaid_work_accepts_exactly_40_to_300(hours):
    errors = validate_requirement("UPW", {"hours": hours})
    assert (errors == []) == (40 <= hours <= 300)
    # The same number typed as text is judged the same way.
    assert (validate_requirement("UPW", {"hours": str(hours)}) == []) == (40 <= hours <= 300)


@HYPOTHESIS
@given(code=st.sampled_from(sorted(VALID_PARAMS)), data=st.data())
def test_property_every_int_param_accepts_exactly_its_range(code, data):
    rtype = reference().requirement_types[code]
    ints = [p for p in rtype.params if p.kind == "int"]
    if not ints:
        assert validate_requirement(code, VALID_PARAMS[code]) == []
        return
    spec = data.draw(st.sampled_from(ints))
    value = data.draw(st.integers(min_value=spec.min - 50, max_value=spec.max + 50))
    errors = validate_requirement(code, VALID_PARAMS[code] | {spec.name: value})
    assert (errors == []) == (spec.min <= value <= spec.max)
    if errors:
        assert_actionable(errors, f"{rtype.label}: {spec.label}")


# -- people ---------------------------------------------------------------------------------------

def test_valid_person():
    assert ok_person() == []
    assert ok_person(pnc="2011/0123456A", tier="B2", rosh="VH") == []


@pytest.mark.parametrize("crn", ["X123456", "A000000", "Z999999"])
def test_good_crns(crn):
    assert ok_person(crn=crn) == []


@pytest.mark.parametrize("crn", ["x123456", "X12345", "X1234567", "XX12345", "123456X", "1234567", "", "X 123456",
                                 " X123456", "X12345A", "É123456"])
def test_bad_crns(crn):
    errors = ok_person(crn=crn)
    assert_actionable(errors, "CRN")
    assert "capital letter then six digits" in errors[0].message


@pytest.mark.parametrize("pnc", ["2011/0123456A", "11/0123456A", "2011/1A", "99/12Z", None, ""])
def test_good_pncs(pnc):
    assert ok_person(pnc=pnc) == []


@pytest.mark.parametrize("pnc", ["2011-0123456A", "2011/0123456", "2011/01234567A", "201/0123456A",
                                 "2011/0123456a", "2011/A", "0123456A", "2011/ 0123456A"])
def test_bad_pncs(pnc):
    errors = ok_person(pnc=pnc)
    assert_actionable(errors, "PNC number")


# A 2026 tier is a letter A-G; the earlier scheme's is A-D with a change level 0-3 (issue 17).
@pytest.mark.parametrize(("tier", "ok"), [("A0", True), ("D3", True), ("B2S", True), ("E1", False),
                                          ("B4", False), ("b2", False), ("B", True), ("G", True), ("H", False),
                                          ("GS", False), ("c", False), ("B22", False)])
def test_tiers(tier, ok):
    errors = ok_person(tier=tier)
    if ok:
        assert errors == []
    else:
        assert_actionable(errors, "Tier")


@pytest.mark.parametrize(("rosh", "ok"), [("L", True), ("M", True), ("H", True), ("VH", True),
                                          ("X", False), ("low", False), ("V", False)])
def test_rosh_levels(rosh, ok):
    errors = ok_person(rosh=rosh)
    if ok:
        assert errors == []
    else:
        assert_actionable(errors, "RoSH level")


@pytest.mark.parametrize("dob", [TODAY + timedelta(days=1), date(2030, 1, 1)])
def test_future_date_of_birth(dob):
    errors = ok_person(date_of_birth=dob)
    assert_actionable(errors, "Date of birth")
    assert "future" in errors[0].message


def test_missing_date_of_birth():
    assert_actionable(ok_person(date_of_birth=None), "Date of birth")


def test_date_of_birth_today_is_too_young():
    assert_actionable(ok_person(date_of_birth=TODAY), "Date of birth")


def test_tenth_birthday_is_old_enough():
    assert ok_person(date_of_birth=date(2016, 11, 23)) == []


def test_day_before_tenth_birthday_is_too_young():
    """Nine years and 364 days old is under 10 (the check must use the birthday, not just the year)."""
    errors = ok_person(date_of_birth=date(2016, 11, 24))
    assert_actionable(errors, "Date of birth")
    assert "under 10" in errors[0].message


@pytest.mark.parametrize("name", ["", "   ", None, "\t"])
def test_empty_first_name(name):
    assert_actionable(ok_person(first_name=name), "First name")


@pytest.mark.parametrize("name", ["", "  ", None])
def test_empty_last_name(name):
    assert_actionable(ok_person(last_name=name), "Last name")


def test_every_problem_is_reported_at_once():
    errors = validate_person("bad", "", "", None, pnc="nope", tier="Z9", rosh="Q", today=TODAY)
    assert_actionable(errors, "CRN", "PNC number", "Tier", "RoSH level", "First name", "Last name",
                      "Date of birth")


def test_default_today_is_the_clocks_today(frozen_today):
    # The suite's clock is frozen at TEST_TODAY (tests/conftest.py): the default reads it.
    assert frozen_today == TEST_TODAY
    [error] = validate_person("X123456", "Ann", "Example", TEST_TODAY + timedelta(days=1))
    assert (error.field, error.message) == ("Date of birth", "is in the future: check the year")
    [error] = validate_person("X123456", "Ann", "Example", TEST_TODAY)
    assert (error.field, error.message) == ("Date of birth", "makes the person under 10: check the year")


# -- sentences ------------------------------------------------------------------------------------

def test_valid_sentences():
    assert validate_sentence("CO", date(2026, 1, 5), date(2027, 1, 4)) == []
    assert validate_sentence("SSO", date(2026, 1, 5), None) == []
    assert validate_sentence("LIC", date(2026, 1, 5), date(2036, 1, 5)) == []  # licences have no maximum here
    assert validate_sentence("PSS", date(2026, 1, 5), date(2027, 1, 5)) == []


def test_unknown_order_type_lists_the_choices():
    errors = validate_sentence("XX", date(2026, 1, 5), None)
    assert_actionable(errors, "Order type")
    for label in ("Community order", "Suspended sentence order", "Licence", "Post-sentence supervision"):
        assert label in errors[0].message


def test_missing_start_date():
    assert_actionable(validate_sentence("CO", None, date(2027, 1, 1)), "Start date")


def test_end_before_start():
    assert_actionable(validate_sentence("CO", date(2026, 5, 1), date(2026, 4, 30)), "End date")


@pytest.mark.parametrize(("order", "months"), [("CO", 36), ("SSO", 24), ("PSS", 12)])
def test_order_of_exactly_its_maximum_is_accepted(order, months):
    start = date(2026, 1, 31)
    assert validate_sentence(order, start, add_months(start, months)) == []


@pytest.mark.parametrize(("order", "months"), [("CO", 36), ("SSO", 24), ("PSS", 12)])
def test_order_a_month_longer_than_its_maximum_is_refused(order, months):
    start = date(2026, 1, 5)
    errors = validate_sentence(order, start, add_months(start, months + 1))
    assert_actionable(errors, "End date")


@pytest.mark.parametrize(("order", "months"), [("CO", 36), ("SSO", 24), ("PSS", 12)])
def test_order_longer_than_its_maximum_by_days_is_refused(order, months):
    """A community order ends within 3 years: 3 years and a week is too long, not 'about right'."""
    start = date(2026, 1, 5)
    errors = validate_sentence(order, start, add_months(start, months) + timedelta(days=7))
    assert [e.field for e in errors] == ["End date"]


# -- registers ------------------------------------------------------------------------------------

def test_mappa_with_category_and_level():
    for category in "123":
        for level in "123":
            assert validate_registration("MAPP", category, level) == []


def test_mappa_needs_a_category():
    assert_actionable(validate_registration("MAPP", None, "1"), "MAPPA category")


def test_mappa_needs_a_level():
    assert_actionable(validate_registration("MAPP", "2", None), "MAPPA level")


def test_mappa_needs_both():
    assert_actionable(validate_registration("MAPP", None, None), "MAPPA category", "MAPPA level")


@pytest.mark.parametrize(("category", "level"), [("4", "1"), ("0", "1"), ("1", "4"), ("one", "1")])
def test_mappa_category_and_level_are_1_to_3(category, level):
    errors = validate_registration("MAPP", category, level)
    assert len(errors) == 1
    assert errors[0].field in ("MAPPA category", "MAPPA level")
    assert_actionable(errors, errors[0].field)


@pytest.mark.parametrize("code", sorted(c for c in ("RCPR", "ADVP", "APPO", "IIOM", "WEAP", "AV2S", "IRMO")))
def test_other_registers_need_no_category(code):
    assert validate_registration(code, None, None) == []


def test_other_registers_refuse_a_category():
    errors = validate_registration("ADVP", "1", None)
    assert_actionable(errors, "Category")
    assert "Domestic abuse perpetrator" in errors[0].message


def test_unknown_register():
    assert_actionable(validate_registration("NOPE", None, None), "Register")


def test_every_register_type_validates_without_extras():
    for code, rtype in reference().register_types.items():
        errors = validate_registration(code, "1" if rtype.has_category else None, "1" if rtype.has_level else None)
        assert errors == [], code


# -- the error type -------------------------------------------------------------------------------

def test_require_raises_with_every_error():
    errors = [FieldError("CRN", "is wrong: fix it"), FieldError("Tier", "is wrong: use B2")]
    with pytest.raises(ValidationError) as info:
        require(errors)
    assert info.value.errors == errors
    assert str(info.value) == "CRN: is wrong: fix it; Tier: is wrong: use B2"
    assert isinstance(info.value, ValueError)
    require([])  # nothing to report: no exception
