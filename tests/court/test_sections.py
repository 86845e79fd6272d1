"""The nine report sections as data, field values and their coercion, the oral report's compact form."""

from __future__ import annotations

from datetime import date

import pytest

from lpt_desktop.domain import court as rules
from lpt_desktop.services.court import SECTIONS


def test_nine_sections_numbered_in_order_with_guidance():
    assert [s.number for s in SECTIONS] == list(range(1, 10))
    assert [s.id for s in SECTIONS] == ["offender_details", "sentencing_court", "offence_details",
                                        "offence_analysis", "offender_assessment", "risk", "proposal", "sources",
                                        "sign_off"]
    for s in SECTIONS:
        assert len(s.guidance) > 60, s.id
        assert s.fields and all(f.kind in rules.KINDS for f in s.fields)
        assert len({f.id for f in s.fields}) == len(s.fields)


def test_choice_fields_have_their_lists():
    for s in SECTIONS:
        for f in s.fields:
            assert bool(f.choices) == (f.kind in ("choice", "multi")), (s.id, f.id)
    sources = dict(rules.section("sources").field("used").choices)
    for code in ("interview", "service_records", "cps", "oasys", "previous_convictions", "victim_statement",
                 "childrens_services", "police", "domestic_abuse", "guidelines", "equality_form", "other"):
        assert code in sources
    issues = [c for c, _ in rules.section("offender_assessment").field("issues").choices]
    assert issues == ["accommodation", "ete", "finance", "relationships", "substance_misuse", "health", "thinking",
                      "other"]


def test_every_contact_need_maps_to_a_report_issue():
    needs = {n["code"] for n in rules.load_json("contact_types.json")["needs"]}
    assert needs == set(rules.issue_for_need())


def test_oral_reports_use_the_same_sections_in_compact_form():
    for s in SECTIONS:
        oral, full = s.fields_for("oral"), s.fields_for("sdr")
        assert set(oral) <= set(full)
        assert oral, s.id
    assert len(sum((s.fields_for("oral") for s in SECTIONS), ())) < len(sum((s.fields for s in SECTIONS), ()))
    assert rules.section("proposal").field("outline_plan") in rules.section("proposal").fields_for("oral")


@pytest.mark.parametrize(("field", "value", "stored"), [
    ("offence_date", "05/03/2026", "2026-03-05"),
    ("offence_date", date(2026, 3, 5), "2026-03-05"),
    ("offence_date", "2026-03-05", "2026-03-05"),
    ("offence_date", "", None),
    ("main_offence", "Theft", "Theft"),
])
def test_values_are_stored_as_json(field, value, stored):
    spec = rules.section("offence_details").field(field)
    assert rules.coerce_value(spec, value, "Offence details") == (stored, None)


@pytest.mark.parametrize(("section", "field", "value", "words"), [
    ("offence_details", "offence_date", "31/02/2026", "dd/mm/yyyy"),
    ("proposal", "length_months", "a year", "whole number"),
    ("proposal", "sentence", "hanging", "not one of the choices"),
    ("sources", "used", ["cps", "tea leaves"], "tea leaves"),
    ("proposal", "equality_considered", "maybe", "yes or no"),
    ("proposal", "requirements", "UPW 100", "list of requirements"),
])
def test_bad_values_name_the_field_and_the_fix(section, field, value, words):
    spec = rules.section(section).field(field)
    stored, error = rules.coerce_value(spec, value, rules.section(section).title)
    assert stored is None and error is not None
    assert spec.label in error.field and words in error.message


def test_multi_values_keep_the_list_order_and_drop_repeats():
    spec = rules.section("sources").field("used")
    assert rules.coerce_value(spec, ["police", "interview", "police"], "Sources") == (["interview", "police"], None)


def test_requirement_descriptions_and_word_count():
    assert rules.describe_requirement({"type_code": "UPW", "params": {"hours": 120}}) == "Unpaid work (hours 120)"
    assert rules.describe_requirement({"type_code": "DRR", "params": {"months": 6, "testing": True}}) == \
        "Drug rehabilitation (months 6, testing yes)"
    assert rules.word_count({"a": "one two  three\nfour", "b": 5, "c": ["x y"]}) == 4
