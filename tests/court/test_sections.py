"""The nine report sections as data, field values and their coercion, the oral report's compact form."""

from __future__ import annotations

import re
from datetime import date

import pytest

from lpt_desktop.domain import court as rules
from lpt_desktop.domain.contacts import contact_codes
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
    needs = set(contact_codes().needs)  # the needs assessment's sections
    assert needs == set(rules.issue_for_need())


def test_oral_reports_have_their_own_compact_form():
    oral = rules.form_for("oral")
    assert [s.title for s in oral] == ["Offence", "Relevant background", "Risk", "Proposal", "Sources"]
    assert [s.number for s in oral] == [1, 2, 3, 4, 5]
    fields = {(sid, f.id) for s in oral for sid, f in s.fields}
    # What a court hears: the offence and why, the background, the risk, the proposal and its plan.
    for key in [("offence_details", "main_offence"), ("offence_details", "summary"), ("offence_analysis", "analysis"),
                ("offender_assessment", "issues"), ("risk", "likelihood"), ("risk", "rosh_level"),
                ("proposal", "sentence"), ("proposal", "outline_plan"), ("sources", "used"), ("sign_off", "author")]:
        assert key in fields, key
    # The long form's detail stays out: a compact form, not the nine sections again.
    for key in [("offender_details", "gender"), ("offender_assessment", "trauma"), ("proposal", "alternatives"),
                ("risk", "registers")]:
        assert key not in fields, key
    every = sum(len(s.fields) for s in SECTIONS)
    assert len(fields) < every * 0.6
    # Each field is a field of the full report, so the record is stored like any other.
    for s in oral:
        for sid, f in s.fields:
            assert rules.section(sid).field(f.id) == f


@pytest.mark.parametrize("kind", ["fdr", "sdr", "addendum"])
def test_written_reports_use_the_nine_sections(kind):
    form = rules.form_for(kind)
    assert [s.title for s in form] == [s.title for s in SECTIONS]
    assert all(tuple(f for _sid, f in fs.fields) == s.fields for fs, s in zip(form, SECTIONS, strict=True))


def test_shown_guidance_speaks_to_the_writer_only():
    """Where guidance comes from is kept for developers under "source"; the writer sees only the guidance."""
    provenance = re.compile(r"seed|\(\s*(source|see|DOMAIN|issue)|\d+ of \d+|\.md|\.json", re.IGNORECASE)
    shown = [s.guidance for s in SECTIONS] + [s.guidance for kind in rules.report_types()
                                              for s in rules.form_for(kind)]
    for text in shown:
        assert not provenance.search(text), text
    data = rules.load_json("court_reports.json")
    assert all("seed" not in s["guidance"].lower() for s in data["sections"])
    assert sum("source" in s for s in data["sections"]) >= 3, "the provenance is kept, not lost"


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
    ("offence_details", "offence_date", "31/02/2026", "does not exist: February 2026 has 28 days"),
    ("offence_details", "offence_date", "soon", "dd/mm/yyyy"),
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
