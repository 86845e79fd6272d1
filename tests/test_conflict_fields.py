"""Conflicts at the grain a person edits (services/conflict_fields.py): a court report field by field, in its
labels; internal columns hidden; a merge of a report assembled from per-field picks."""

from __future__ import annotations

from lpt_desktop.services import conflict_fields as cf

MINE = {
    "id": "r1", "request_id": "q1", "person_id": "p1", "report_type": "fdr", "created_at": "2026-11-20T09:00:00",
    "sections": {
        "offence_analysis": {"analysis": "Accepts responsibility.", "pattern": "Drinking."},
        "risk": {"rosh_level": "M", "rosh_summary": "Medium risk to a known adult."},
        "proposal": {"sentence": "community", "length_months": 12},
    },
    "prefilled": {"risk": ["rosh_level"], "offender_details": ["name"]},
    "signed_by": None,
}
THEIRS = {
    **MINE,
    "sections": {
        "offence_analysis": {"analysis": "Accepts responsibility.", "pattern": "Drinking, and debts."},
        "risk": {"rosh_level": "H", "rosh_summary": "Medium risk to a known adult."},
        "proposal": {"sentence": "community"},
        "sources": {"used": ["oasys"]},
    },
    "prefilled": {"offender_details": ["name"]},
}


def _by_key(fields: list[cf.ConflictField]) -> dict[str, cf.ConflictField]:
    return {f.key: f for f in fields}


def test_a_report_is_compared_field_by_field_in_the_editors_labels():
    fields = cf.conflict_fields("court_report", MINE, THEIRS, ["sections", "prefilled"])
    keys = [f.key for f in fields]
    # One row per report field, not one for all nine sections; the bookkeeping is not listed.
    assert "sections" not in keys and "prefilled" not in keys
    assert not {"id", "request_id", "person_id", "created_at", "report_type"} & set(keys)
    by = _by_key(fields)
    rosh = by["sections.risk.rosh_level"]
    assert rosh.label == "6. Risk assessment › Risk of serious harm level"
    assert (rosh.mine, rosh.theirs, rosh.differs) == ("M", "H", True)
    assert rosh.theirs_text != "H" and rosh.theirs_text  # the choice's label, not its code
    assert by["sections.offence_analysis.pattern"].differs
    assert by["sections.proposal.length_months"].theirs_text == "(empty)"
    assert not by["sections.offence_analysis.analysis"].differs
    assert not by["sections.risk.rosh_summary"].differs
    # Differing fields first, each group in the editor's section order; fields empty on both are left out.
    differing = [f.key for f in fields if f.differs]
    assert differing == ["sections.offence_analysis.pattern", "sections.risk.rosh_level",
                         "sections.proposal.length_months", "sections.sources.used"]
    assert keys[:len(differing)] == differing
    assert "sections.offender_details.name" not in keys
    assert by["sections.sources.used"].label.startswith("8. Sources of information › ")


def test_other_records_hide_ids_timestamps_versions_and_foreign_keys():
    mine = {"id": "a1", "person_id": "p1", "created_at": "2026-11-20T09:00:00", "version": 3,
            "line1": "14 Fishergate", "town": "Preston", "start_date": "2026-01-05"}
    theirs = {**mine, "line1": "2 Church Street", "version": 4}
    fields = cf.conflict_fields("address", mine, theirs, ["line1"])
    assert [(f.key, f.label, f.differs) for f in fields] == [
        ("line1", "Line1", True), ("start_date", "Start date", False), ("town", "Town", False)]
    assert fields[1].mine_text == "05/01/2026"
    person = cf.conflict_fields("person", {"rosh": "H", "crn": "X1"}, {"rosh": "L", "crn": "X1"}, ["rosh"])
    assert [f.label for f in person] == ["RoSH level", "CRN"]
    # Empty on both sides: nothing to compare.
    assert [f.key for f in cf.conflict_fields("person", {"tier": "A1", "pnc": None}, {"tier": "D0", "pnc": ""},
                                              ["tier"])] == ["tier"]


def test_a_deleted_side_makes_every_field_differ():
    fields = cf.conflict_fields("court_report", MINE, None, ["sections"])
    assert fields and all(f.differs for f in fields)
    assert all(f.key.startswith("sections.") or f.key == "signed_by" for f in fields)
    assert "signed_by" in [f.key for f in fields]  # a side deleted: every field differs, empty or not


def test_merged_sections_are_assembled_from_per_field_picks():
    picks: dict[str, cf.Side] = {
        "sections.offence_analysis.pattern": "theirs",
        "sections.risk.rosh_level": "mine",
        "sections.proposal.length_months": "theirs",  # empty there: the field goes
        "sections.sources.used": "theirs",  # a section only they had
        "sections.offence_analysis.analysis": "mine",
    }
    merged = cf.merged_sections(MINE, THEIRS, picks)
    assert merged == {
        "offence_analysis": {"analysis": "Accepts responsibility.", "pattern": "Drinking, and debts."},
        "risk": {"rosh_level": "M", "rosh_summary": "Medium risk to a known adult."},
        "proposal": {"sentence": "community"},
        "sources": {"used": ["oasys"]},
    }
    # Neither side's record is changed by the merge.
    assert MINE["sections"]["proposal"] == {"sentence": "community", "length_months": 12}
    assert "sources" not in MINE["sections"]


def test_merged_values_are_what_resolve_conflict_takes():
    picks: dict[str, cf.Side] = {"sections.risk.rosh_level": "theirs", "sections.offence_analysis.pattern": "mine",
                                 "signed_by": "theirs"}
    values = cf.merged_values("court_report", MINE, THEIRS, picks)
    assert set(values) == {"sections", "prefilled", "signed_by"}
    assert values["sections"]["risk"]["rosh_level"] == "H"
    assert values["sections"]["offence_analysis"]["pattern"] == "Drinking."
    assert values["sections"]["proposal"]["length_months"] == 12  # not picked: stays as it is here
    # The prefill mark follows the side a field was taken from (their RoSH level was confirmed there).
    assert values["prefilled"] == {"offender_details": ["name"], "risk": []}
    # A conflict carries only the columns that clashed: without the prefill marks, they are not touched.
    only_sections = cf.merged_values("court_report", {"sections": MINE["sections"]}, {"sections": THEIRS["sections"]},
                                     {"sections.risk.rosh_level": "theirs"})
    assert set(only_sections) == {"sections"} and only_sections["sections"]["risk"]["rosh_level"] == "H"
    # Plain records: column -> the picked side's value; internal columns never travel in a merge.
    plain = cf.merged_values("person", {"id": "p1", "tier": "D0", "rosh": "H"}, {"id": "p1", "tier": "A1", "rosh": "L"},
                             {"tier": "mine", "rosh": "theirs", "id": "theirs"})
    assert plain == {"tier": "D0", "rosh": "L"}


def test_values_read_in_the_reports_words():
    spec = next(f for s in cf.rules.sections() if s.id == "proposal" for f in s.fields if f.id == "requirements")
    text = cf.report_value_text(spec, [{"type_code": "UPW", "params": {"hours": 120}}])
    assert "120" in text and "UPW" not in text
    assert cf.show_value([]) == "(empty)" and cf.show_value("2026-11-23") == "23/11/2026"
