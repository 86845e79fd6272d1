"""Court work service on a real encrypted file: requests, the work list, prefill, drafting, ready, sent."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from lpt_desktop.domain.validation import ValidationError
from lpt_desktop.services import court
from lpt_desktop.services.cases import open_case
from lpt_desktop.store.models import Audit, Person
from tests.court.conftest import COURT, FULL, TODAY


def _request(cl, kind="sdr", **kw) -> str:
    args = dict(person_id=cl.person_id, hearing_date=date(2026, 12, 21), report_type=kind, remanded=False,
                requested_on=TODAY) | COURT | kw
    return court.create_request(cl.db, **args)


def _fill(db, report_id, sections=FULL) -> None:
    for section, fields in sections.items():
        court.save_section(db, report_id, section, fields)


def test_request_due_dates_and_work_list_order(caseload):
    db = caseload.db
    sdr = _request(caseload, "sdr", requested_on=date(2026, 11, 2))  # due 23/11 (today)
    remanded = _request(caseload, "sdr", remanded=True, requested_on=date(2026, 11, 20))  # due 04/12
    oral = _request(caseload, "oral", hearing_date=TODAY)  # due today
    fdr = _request(caseload, "fdr", requested_on=date(2026, 11, 20))  # due 27/11
    views = court.list_requests(db, TODAY)
    assert {v.id for v in views[:2]} == {sdr, oral}
    assert [v.id for v in views[2:]] == [fdr, remanded]
    by_id = {v.id: v for v in views}
    assert by_id[remanded].due_by == date(2026, 12, 4) and by_id[remanded].remanded
    assert by_id[fdr].due_by == date(2026, 11, 27)
    assert by_id[oral].due_by == TODAY
    v = by_id[sdr]
    assert (v.name, v.crn, v.court, v.lja, v.status, v.report_id, v.author) == (
        "Dale Whittaker", "P123456", "Preston Magistrates' Court", "Lancashire", "requested", None, "Alex Morgan")
    assert v.status_label == "Requested" and v.report_type_label == "Standard delivery report"
    assert not v.overdue(TODAY) and v.overdue(date(2026, 11, 24))


def test_sent_requests_sink_to_the_bottom(caseload):
    db = caseload.db
    first = _request(caseload, "oral", hearing_date=TODAY)
    rid = court.start_report(db, first, today=TODAY)
    _fill(db, rid)
    court.mark_ready(db, rid, today=TODAY)
    court.mark_sent(db, rid, today=TODAY)
    later = _request(caseload, "sdr")
    assert [v.id for v in court.list_requests(db, TODAY)] == [later, first]


@pytest.mark.parametrize(("changes", "field"), [
    (dict(court=" "), "Court"),
    (dict(lja="", court="Chorley Magistrates' Court"), "Local justice area"),  # a listed court brings its own
    (dict(hearing_date=None), "Hearing date"),
    (dict(hearing_date=date(2026, 11, 1)), "Hearing date"),
    (dict(report_type="psr"), "Report type"),
    (dict(person_id=None), "Person"),
    (dict(person_id="no-such-id"), "Person"),
])
def test_bad_requests_are_refused_naming_the_field(caseload, changes, field):
    with pytest.raises(ValidationError) as err:
        _request(caseload, **changes)
    assert field in [e.field for e in err.value.errors]
    assert court.list_requests(caseload.db, TODAY) == []


def test_prefill_from_the_case_is_marked_until_confirmed(caseload):
    db = caseload.db
    rid = court.start_report(db, _request(caseload), today=TODAY)
    d = court.load_report(db, rid)
    details = d.sections["offender_details"]
    assert details["name"] == "Dale Whittaker" and details["crn"] == "P123456"
    assert details["date_of_birth"] == date(1990, 5, 6) and details["pnc"] == "2008/0123456A"
    assert details["address"] == "12 Fishergate, Preston, PR1 2AA"
    assert d.sections["risk"]["rosh_level"] == "M"
    assert "MAPPA" in d.sections["risk"]["registers"] and "category 2, level 1" in d.sections["risk"]["registers"]
    assert "Previous community order from 10/01/2025: 8 appointments kept, 1 failure (first warning letter)" in \
        d.sections["risk"]["previous_supervision"]
    assert "Community order for Theft at Preston Magistrates' Court (12 months)" in \
        d.sections["offence_analysis"]["pattern"]
    # Needs from the last 12 months' contacts only (alcohol was in 2025).
    assert d.sections["offender_assessment"]["issues"] == ["ete", "thinking"]
    assert d.sections["offender_assessment"]["caring_responsibilities"] == "Looks after his mother at weekends"
    assert "suicide" in d.sections["offender_assessment"]["vulnerability"].lower()
    # The court section comes from the request, the sign-off from the officer: not marked.
    assert d.sections["sentencing_court"] == {"court": "Preston Magistrates' Court", "lja": "Lancashire",
                                              "hearing_date": date(2026, 12, 21)}
    assert d.sections["sign_off"]["author"] == "Alex Morgan" and d.sections["sign_off"]["office"] == "Preston Central"
    assert "sentencing_court" not in d.prefilled and "sign_off" not in d.prefilled
    assert {"name", "date_of_birth", "crn", "pnc", "address"} <= d.prefilled["offender_details"]
    assert d.is_prefilled("risk", "rosh_level")

    court.confirm_prefill(db, rid, "offender_details", "name")
    court.save_section(db, rid, "risk", {"rosh_level": "H", "registers": d.sections["risk"]["registers"]})
    d2 = court.load_report(db, rid)
    assert not d2.is_prefilled("offender_details", "name") and d2.is_prefilled("offender_details", "crn")
    assert not d2.is_prefilled("risk", "rosh_level")  # changed by the writer: confirmed
    assert d2.is_prefilled("risk", "registers")  # saved unchanged: still to be checked
    court.confirm_prefill(db, rid, "offender_details")  # the whole section at once
    assert not court.load_report(db, rid).prefilled.get("offender_details")


def test_starting_twice_gives_the_same_report_and_moves_to_drafting(caseload):
    req = _request(caseload)
    a = court.start_report(caseload.db, req, today=TODAY)
    assert court.start_report(caseload.db, req, today=TODAY) == a
    (view,) = court.list_requests(caseload.db, TODAY)
    assert (view.status, view.report_id) == ("drafting", a)


def test_save_section_round_trip_and_bad_input_saves_nothing(caseload):
    db = caseload.db
    rid = court.start_report(db, _request(caseload), today=TODAY)
    court.save_section(db, rid, "offence_details", {"main_offence": "Theft", "offence_date": "14/10/2026"})
    assert court.load_report(db, rid).sections["offence_details"] == {"main_offence": "Theft",
                                                                      "offence_date": date(2026, 10, 14)}
    with pytest.raises(ValidationError) as err:
        court.save_section(db, rid, "offence_details", {"main_offence": "Burglary", "offence_date": "31/02/2026",
                                                        "colour": "red"})
    assert {e.field for e in err.value.errors} == {"colour", "Offence details: Date of offence"}
    assert court.load_report(db, rid).sections["offence_details"]["main_offence"] == "Theft"
    with pytest.raises(ValidationError):
        court.save_section(db, rid, "epilogue", {"x": 1})
    court.save_section(db, rid, "offence_details", {"main_offence": ""})  # clearing a field
    assert "main_offence" not in court.load_report(db, rid).sections["offence_details"]


def test_autosave_of_unchanged_fields_writes_no_audit_rows(caseload):
    db = caseload.db
    rid = court.start_report(db, _request(caseload), today=TODAY)
    court.save_section(db, rid, "offence_details", {"summary": "Took goods."})
    with db.read() as s:
        before = len(s.scalars(select(Audit).where(Audit.record_id == rid)).all())
    for _ in range(3):
        court.save_section(db, rid, "offence_details", {"summary": "Took goods."})
    with db.read() as s:
        rows = s.scalars(select(Audit).where(Audit.record_id == rid)).all()
    assert len(rows) == before
    assert all(r.person_id == caseload.person_id for r in rows)
    assert all("Took goods" not in (r.detail or "") for r in rows)  # audit names fields, never their text


def test_mark_ready_lists_what_to_add_then_signs(caseload):
    db = caseload.db
    rid = court.start_report(db, _request(caseload), today=TODAY)
    court.save_section(db, rid, "sign_off", {"author": ""})
    with pytest.raises(ValidationError) as err:
        court.mark_ready(db, rid, today=TODAY)
    assert {e.field for e in err.value.errors} == {"proposal", "safeguarding_checks", "sign_off"}
    assert court.load_report(db, rid).status == "drafting"
    _fill(db, rid)
    court.mark_ready(db, rid, today=TODAY)
    d = court.load_report(db, rid)
    assert (d.status, d.signed_by, d.signed_on) == ("ready", "Alex Morgan", TODAY)
    assert d.prefilled == {}  # signing confirms what came from the case
    # Editing a ready report takes it back to drafting: the signature covered the old text.
    court.save_section(db, rid, "offence_details", {"summary": "Changed after signing."})
    d = court.load_report(db, rid)
    assert (d.status, d.signed_by) == ("drafting", None)


def test_countersignature_and_sending(caseload):
    db = caseload.db
    rid = court.start_report(db, _request(caseload), today=TODAY)
    _fill(db, rid)
    court.save_section(db, rid, "sign_off", {"countersignature_required": True})
    with pytest.raises(ValidationError, match="not ready"):
        court.mark_sent(db, rid, today=TODAY)
    court.mark_ready(db, rid, today=TODAY)
    with pytest.raises(ValidationError, match="Countersignature"):
        court.mark_sent(db, rid, today=TODAY)
    with pytest.raises(ValidationError):
        court.countersign(db, rid, "  ")
    court.countersign(db, rid, "Sam Patel", today=TODAY)
    court.mark_sent(db, rid, today=TODAY)
    d = court.load_report(db, rid)
    assert (d.status, d.countersigned_by, d.countersigned_on) == ("sent", "Sam Patel", TODAY)
    with pytest.raises(ValidationError, match="addendum"):
        court.save_section(db, rid, "offence_details", {"summary": "Too late."})


def test_pre_sentence_record_becomes_a_case_without_retyping(caseload):
    db = caseload.db
    with pytest.raises(ValidationError) as err:
        court.create_pre_sentence(db, first_name="", last_name="Holt", date_of_birth=date(1999, 1, 1),
                                  pnc="nonsense", today=TODAY)
    assert {e.field for e in err.value.errors} == {"First name", "PNC number"}
    xid = court.create_pre_sentence(db, first_name="Kieran", last_name="Holt", date_of_birth=date(1999, 7, 4),
                                    pnc="2017/0044556B", address="3 Moor Lane, Lancaster, LA1 1QD", today=TODAY)
    req = court.create_request(db, pre_sentence_id=xid, hearing_date=date(2026, 11, 30), report_type="fdr",
                               requested_on=TODAY, **COURT)
    (view,) = court.list_requests(db, TODAY)
    assert (view.name, view.crn, view.person_id, view.pre_sentence_id) == ("Kieran Holt", None, None, xid)
    rid = court.start_report(db, req, today=TODAY)
    d = court.load_report(db, rid)
    assert d.sections["offender_details"]["pnc"] == "2017/0044556B" and d.prefilled == {}

    pid = court.promote_to_case(db, xid, crn="K765432", today=TODAY)
    case = open_case(db, pid)
    assert (case.crn, case.name, case.date_of_birth, case.pnc) == ("K765432", "Kieran Holt", date(1999, 7, 4),
                                                                   "2017/0044556B")
    assert case.addresses == ("Main: 3 Moor Lane, Lancaster, LA1 1QD (since 23/11/2026)",)
    (view,) = court.list_requests(db, TODAY)
    assert (view.person_id, view.crn, view.name, view.report_id) == (pid, "K765432", "Kieran Holt", rid)
    d = court.load_report(db, rid)
    assert d.person_id == pid and d.sections["offender_details"]["crn"] == "K765432"
    with pytest.raises(ValidationError, match="already a case"):
        court.promote_to_case(db, xid)


def test_promotion_without_a_crn_gives_a_local_one_and_refuses_a_taken_one(caseload):
    db = caseload.db
    xid = court.create_pre_sentence(db, first_name="Amy", last_name="Lord", date_of_birth=date(2001, 2, 3),
                                    today=TODAY)
    with pytest.raises(ValidationError, match="already on this caseload"):
        court.promote_to_case(db, xid, crn="P123456", today=TODAY)
    pid = court.promote_to_case(db, xid, today=TODAY)
    with db.read() as s:
        crn = s.scalar(select(Person.crn).where(Person.id == pid))
    assert crn.startswith("L") and len(crn) == 7


def test_timeliness_against_the_target(caseload):
    db = caseload.db

    def sent(requested_on, sent_on, kind="fdr"):
        req = _request(caseload, kind, requested_on=requested_on, hearing_date=date(2026, 12, 31))
        rid = court.start_report(db, req, today=requested_on)
        _fill(db, rid)
        court.mark_ready(db, rid, today=requested_on)
        court.mark_sent(db, rid, today=sent_on)

    sent(date(2026, 11, 2), date(2026, 11, 9))  # due 09/11: on time
    sent(date(2026, 11, 3), date(2026, 11, 5))  # due 10/11: early
    sent(date(2026, 11, 4), date(2026, 11, 12))  # due 11/11: late
    _request(caseload, "fdr", requested_on=date(2026, 11, 9))  # due 16/11, never sent: late
    _request(caseload, "fdr", requested_on=date(2026, 11, 20))  # due 27/11: not yet counted
    t = court.timeliness(db, date(2026, 11, 15), as_of=TODAY)
    assert (t.month, t.on_time, t.total, t.target) == (date(2026, 11, 1), 2, 4, 0.95)
    assert t.share == 0.5 and not t.met
    empty = court.timeliness(db, date(2026, 1, 1), as_of=TODAY)
    assert (empty.total, empty.share, empty.met) == (0, 1.0, True)


def test_open_requests_are_report_due_obligations_on_the_case(caseload):
    from lpt_desktop.services.obligations import case_obligations

    db = caseload.db
    req = _request(caseload, "fdr", requested_on=date(2026, 11, 16), remanded=True)
    due = [o for o in case_obligations(db, caseload.person_id, TODAY) if o.rule == "report_due"]
    assert len(due) == 1
    o = due[0]
    assert (o.kind, o.due_from, o.due_by, o.status) == ("report", date(2026, 11, 16), date(2026, 11, 23), "due")
    assert "Fast delivery report for Preston Magistrates' Court" in o.description and "remanded" in o.description
    late = [o for o in case_obligations(db, caseload.person_id, date(2026, 11, 24)) if o.rule == "report_due"]
    assert late[0].status == "overdue"
    rid = court.start_report(db, req, today=TODAY)
    _fill(db, rid)
    court.mark_ready(db, rid, today=TODAY)
    court.mark_sent(db, rid, today=TODAY)
    assert not [o for o in case_obligations(db, caseload.person_id, TODAY) if o.rule == "report_due"]


def test_correcting_the_hearing_in_the_report_moves_the_request(caseload):
    db = caseload.db
    req = _request(caseload, "sdr", requested_on=date(2026, 11, 16), hearing_date=date(2026, 12, 21))
    rid = court.start_report(db, req, today=TODAY)
    assert court.list_requests(db, TODAY)[0].due_by == date(2026, 12, 7)
    court.save_section(db, rid, "sentencing_court", {"court": "Lancaster Magistrates' Court",
                                                     "hearing_date": "01/12/2026"})
    (v,) = court.list_requests(db, TODAY)
    assert (v.court, v.lja, v.hearing_date, v.due_by) == ("Lancaster Magistrates' Court", "Lancashire",
                                                          date(2026, 12, 1), date(2026, 12, 1))


def test_pre_sentence_records_are_listed_until_they_become_cases(caseload):
    db = caseload.db
    a = court.create_pre_sentence(db, first_name="Zoe", last_name="Ainsworth", date_of_birth=date(2000, 1, 2),
                                  today=TODAY)
    b = court.create_pre_sentence(db, first_name="Ben", last_name="Yates", date_of_birth=date(1985, 3, 4),
                                  address="1 Church St, Preston", today=TODAY)
    assert [(x.id, x.name) for x in court.list_pre_sentence(db)] == [(a, "Zoe Ainsworth"), (b, "Ben Yates")]
    pid = court.promote_to_case(db, a, crn="Z111111", today=TODAY)
    assert [x.id for x in court.list_pre_sentence(db)] == [b]
    promoted = court.list_pre_sentence(db, include_promoted=True)[0]
    assert (promoted.person_id, promoted.promoted_on) == (pid, TODAY)


def test_a_community_order_longer_than_three_years_is_refused():
    from lpt_desktop.domain.court import check_report
    from tests.court.conftest import FULL

    long = {**FULL, "proposal": {**FULL["proposal"], "length_months": 40}}
    (bad,) = [c for c in check_report(long) if not c.ok]
    assert bad.check_id == "requirements" and "1 to 36 months" in bad.message


def test_no_pre_sentence_record_for_someone_already_on_the_caseload(caseload):
    db = caseload.db
    with pytest.raises(ValidationError) as err:
        court.create_pre_sentence(db, first_name="Dale", last_name="Whittaker", date_of_birth=date(1990, 5, 6),
                                  pnc="2008/0123456a", today=TODAY)
    (e,) = err.value.errors
    assert e.field == "PNC number" and "P123456" in e.message
    assert court.list_pre_sentence(db, include_promoted=True) == []


def test_withdrawing_a_request_removes_it_and_its_draft_but_not_a_sent_report(caseload):
    db = caseload.db
    req = _request(caseload)
    rid = court.start_report(db, req, today=TODAY)
    court.withdraw_request(db, req)
    assert court.list_requests(db, TODAY) == []
    with pytest.raises(court.ReportNotFound):
        court.load_report(db, rid)
    with db.read() as s:
        deleted = {r.table_name for r in s.scalars(select(Audit).where(Audit.action == "delete"))}
    assert deleted == {"report_request", "court_report"}

    sent = _request(caseload, "oral", hearing_date=TODAY)
    rid = court.start_report(db, sent, today=TODAY)
    for section, fields in FULL.items():
        court.save_section(db, rid, section, fields)
    court.mark_ready(db, rid, today=TODAY)
    court.mark_sent(db, rid, today=TODAY)
    with pytest.raises(ValidationError, match="kept as the record"):
        court.withdraw_request(db, sent)
    assert [v.id for v in court.list_requests(db, TODAY)] == [sent]
