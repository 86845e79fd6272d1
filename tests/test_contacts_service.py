"""The contact-recording service (issue 4): recording, bad input, enforcement counting and deadlines,
amendments, restricted victim liaison contacts, unpaid work, drafts, templates, defaults and note search.

Every caseload here is hand-made, and every call passes now= / on= / today= so nothing depends on the
real date.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from lpt_desktop.domain.contacts import ContactInput
from lpt_desktop.domain.enforcement import OpenItem
from lpt_desktop.domain.validation import ValidationError
from lpt_desktop.services import contacts as svc
from lpt_desktop.services import rosh, rosh_plan
from lpt_desktop.services.cases import add_person, add_requirement, add_sentence, audit_trail
from lpt_desktop.services.contacts import (
    DEFAULT_TEMPLATES,
    PERSONAL_FORM,
    RESTRICTED_NOTE,
    amend_contact,
    contact_history,
    decide_enforcement,
    defaults_for,
    discard_draft,
    discard_form_draft,
    drafts,
    enforcement_due,
    form_drafts,
    fts_query,
    list_contacts,
    note_templates,
    record_contact,
    save_draft,
    save_form_draft,
    save_note_template,
    search_notes,
    upw_summary,
)
from lpt_desktop.services.rosh_plan import current_plan
from lpt_desktop.services.unlock import create_caseload, unlock
from lpt_desktop.store.keyfile import KdfParams
from lpt_desktop.store.models import (
    Audit,
    Contact,
    ContactDraft,
    ContactPlanLink,
    ContactRmpLink,
    Enforcement,
    Sentence,
)
from tests import rosh_fill
from tests.conftest import PASSPHRASE

ACTOR = "LPT0042 Alex Morgan"
NOW = datetime(2026, 11, 23, 15, 30)
TODAY = NOW.date()
REASON = "No contact and no reason given."
CO_START = date(2026, 1, 5)
CO_END = date(2027, 1, 4)


# -- helpers ---------------------------------------------------------------------------------------
@pytest.fixture
def db_path(tmp_path) -> Path:
    return tmp_path / "caseload.lptdb"


@pytest.fixture
def db(db_path):
    database = create_caseload(db_path, PASSPHRASE, "Alex Morgan", "LPT0042", kdf=KdfParams.fast())
    yield database
    database.close()


_crn_counter = iter(range(100001, 999999))


def make_case(db, order_type: str = "CO", start: date = CO_START, end: date | None = CO_END, *,
              last_name: str = "Ashworth", first_name: str = "Jordan", crn: str | None = None,
              officer: bool = True) -> str:
    crn = crn or f"T{next(_crn_counter)}"
    pid = add_person(db, crn=crn, first_name=first_name, last_name=last_name, date_of_birth=date(1990, 4, 2),
                     officer_id=db.officer_id if officer else None, today=date(2020, 1, 1))
    add_sentence(db, pid, order_type=order_type, start_date=start, end_date=end)
    return pid


def sentence_id(db, pid: str) -> str:
    with db.read() as s:
        return s.scalar(select(Sentence.id).where(Sentence.person_id == pid))


def office(at: datetime, **changes) -> ContactInput:
    base = ContactInput(type_code="COAP", starts_at=at, outcome="ATTC", location="Preston office",
                        notes="Discussed job search; CV updated.", needs=("ete",))
    return replace(base, **changes)


def failure(at: datetime, outcome: str = "AFTA", **changes) -> ContactInput:
    """A failure; a failure to attend judged unacceptable, and any decision with its reason."""
    base = ContactInput(type_code="COAP", starts_at=at, outcome=outcome, location="Preston office",
                        notes="Did not attend and did not phone.",
                        absence_judgement="unacceptable" if outcome == "AFTA" else "")
    if changes.get("enforcement_action") and "enforcement_reason" not in changes:
        changes["enforcement_reason"] = "No contact and no reason given."
    return replace(base, **changes)


def evening(d: date) -> datetime:
    return datetime(d.year, d.month, d.day, 18, 0)


def fail(db, pid: str, d: date, **changes) -> str:
    """Record a failed-to-attend appointment at 10:00 on d, recorded that evening."""
    at = datetime(d.year, d.month, d.day, 10, 0)
    return record_contact(db, pid, failure(at, **changes), now=evening(d))


def view(db, pid: str, cid: str, include_history: bool = False):
    matches = [v for v in list_contacts(db, pid, include_history=include_history) if v.id == cid]
    assert len(matches) == 1, f"{cid} not listed once"
    return matches[0]


def fields_of(exc: pytest.ExceptionInfo) -> list[str]:
    return [e.field for e in exc.value.errors]


def counts(db) -> dict[str, int]:
    with db.read() as s:
        out = {m.__tablename__: s.scalar(select(func.count()).select_from(m))
               for m in (Contact, Enforcement, Audit, ContactPlanLink, ContactRmpLink, ContactDraft)}
        out["contact_fts"] = s.connection().exec_driver_sql("SELECT count(*) FROM contact_fts").scalar()
    return out


def audits(db, table: str, record_id: str) -> list[Audit]:
    with db.read() as s:
        return list(s.scalars(select(Audit).where(Audit.table_name == table, Audit.record_id == record_id)
                              .order_by(Audit.id)))


def enforcement_rows(db, cid: str) -> list[Enforcement]:
    with db.read() as s:
        return list(s.scalars(select(Enforcement).where(Enforcement.contact_id == cid)
                              .order_by(Enforcement.decided_on, Enforcement.created_at)))


def items(v) -> list[tuple[str, date]]:
    return [(i.what, i.due) for i in v.open_items]


def plan_action(db, pid: str) -> str:
    """A risk management plan action on the case (a medium RoSH assessment completed, a plan started)."""
    aid = rosh.start_assessment(db, pid, today=TODAY)
    rosh_fill.full(db, aid, "M", TODAY)
    assert rosh.complete_assessment(db, aid, acknowledge_warnings=True, today=TODAY).completed
    plan = rosh_plan.start_plan(db, pid, TODAY)
    return rosh_plan.add_action(db, plan, rosh_plan.ActionIn("supervision", "Offender manager", "Weekly reporting",
                                                             TODAY + timedelta(days=30)), TODAY)


# -- recording -------------------------------------------------------------------------------------
def test_a_good_contact_round_trips_with_every_field(db):
    pid = make_case(db)
    data = ContactInput(
        type_code="CHVS", starts_at=datetime(2026, 11, 20, 14, 15), outcome="ATTC", location="12 Fishergate",
        present="Jordan, partner Sam", notes="Home visit: tidy, partner present; discussed tenancy arrears.",
        risk_areas=("domestic", "children"), needs=("accommodation", "finance", "relationships"),
        sensitive=True, alert=True, management_oversight=True)
    cid = record_contact(db, pid, data, now=NOW)
    v = view(db, pid, cid)
    assert (v.person_id, v.type_code, v.type_label) == (pid, "CHVS", "Home visit")
    assert v.starts_at == datetime(2026, 11, 20, 14, 15)
    assert (v.outcome, v.outcome_label) == ("ATTC", "Attended and complied")
    assert (v.absence_reason, v.evidence) == ("", "")
    assert v.location == "12 Fishergate"
    assert v.present == "Jordan, partner Sam"
    assert v.notes == "Home visit: tidy, partner present; discussed tenancy arrears."
    assert v.risk_areas == ("domestic", "children")
    assert v.needs == ("accommodation", "finance", "relationships")
    assert (v.sensitive, v.alert, v.management_oversight) == (True, True, True)
    assert v.roh_relevant
    assert (v.restricted, v.hidden, v.is_failure) == (False, False, False)
    assert v.author == ACTOR
    assert (v.amends_id, v.amended_by_id, v.amendment_reason) == (None, None, "")
    assert v.is_current
    assert v.enforcement == () and v.open_items == () and v.requirement is None
    assert isinstance(v.recorded_at, datetime)
    # as_input gives back what was typed (the starting point of an amendment).
    assert v.as_input() == data


def test_an_acceptable_absence_round_trips_with_reason_and_evidence(db):
    pid = make_case(db)
    data = office(datetime(2026, 11, 16, 9, 30), outcome="AA", absence_reason="AAME", evidence="awaited",
                  notes="Phoned in sick; fit note to follow.", needs=())
    cid = record_contact(db, pid, data, now=NOW)
    v = view(db, pid, cid)
    assert (v.outcome, v.absence_reason, v.absence_reason_label, v.evidence) == ("AA", "AAME", "Medical", "awaited")
    assert not v.is_failure and v.open_items == ()


def test_a_future_appointment_without_outcome_is_saved(db):
    pid = make_case(db)
    cid = record_contact(db, pid, office(datetime(2026, 12, 1, 10, 0), outcome="", notes=""), now=NOW)
    v = view(db, pid, cid)
    assert v.outcome == "" and v.notes == ""


def test_contacts_are_listed_newest_first(db):
    pid = make_case(db)
    ids = [record_contact(db, pid, office(datetime(2026, 11, day, 10, 0)), now=NOW) for day in (3, 17, 10)]
    assert [v.id for v in list_contacts(db, pid)] == [ids[1], ids[2], ids[0]]


def test_a_contact_that_fails_validation_writes_nothing(db):
    pid = make_case(db)
    record_contact(db, pid, office(datetime(2026, 11, 2, 10, 0)), now=NOW)
    save_draft(db, pid, office(datetime(2026, 11, 20, 10, 0), notes="typing"))
    before = counts(db)
    bad = failure(datetime(2026, 11, 20, 10, 0), notes="", enforcement_action="EA02",
                  plan_objective_ids=("obj-1",), rmp_action_ids=("rmp-1",))
    with pytest.raises(ValidationError) as exc:
        record_contact(db, pid, bad, now=NOW)
    assert "Notes" in fields_of(exc)
    assert counts(db) == before  # no contact, enforcement, audit, link or FTS row; the draft is kept


def test_a_failure_after_the_contact_is_flushed_rolls_everything_back(db, monkeypatch):
    """One transaction: an error after the contact row went to the database leaves nothing behind."""
    pid = make_case(db)

    def broken(**_kwargs):
        raise RuntimeError("disk trouble")

    action = plan_action(db, pid)
    before = counts(db)
    monkeypatch.setattr(svc, "ContactRmpLink", broken)
    with pytest.raises(RuntimeError):
        record_contact(db, pid, failure(datetime(2026, 11, 20, 10, 0), enforcement_action="EA02",
                                        rmp_action_ids=(action,)), now=NOW)
    assert counts(db) == before


def test_audit_rows_for_the_contact_and_its_enforcement_decision(db):
    pid = make_case(db)
    cid = record_contact(db, pid, failure(datetime(2026, 11, 20, 10, 0), enforcement_action="EA02"), now=NOW)
    [created] = audits(db, "contact", cid)
    assert (created.action, created.actor, created.person_id) == ("create", ACTOR, pid)
    [decision] = enforcement_rows(db, cid)
    assert (decision.action, decision.decided_on, decision.required_kind, decision.failure_number) == (
        "EA02", TODAY, "warning", 1)
    assert decision.author == ACTOR
    [e_audit] = audits(db, "enforcement", decision.id)
    assert (e_audit.action, e_audit.actor, e_audit.person_id) == ("create", ACTOR, pid)
    # and the case's audit trail holds both
    trail = {(a.table_name, a.record_id) for a in audit_trail(db, pid)}
    assert {("contact", cid), ("enforcement", decision.id)} <= trail


def test_a_later_enforcement_decision_is_audited(db):
    pid = make_case(db)
    cid = fail(db, pid, date(2026, 11, 20))
    eid = decide_enforcement(db, cid, "EA02", REASON, on=date(2026, 11, 23))
    [a] = audits(db, "enforcement", eid)
    assert (a.action, a.actor, a.person_id) == ("create", ACTOR, pid)


def test_saving_deletes_that_cases_draft_only(db):
    pid = make_case(db)
    other = make_case(db, last_name="Other")
    save_draft(db, pid, office(datetime(2026, 11, 20, 10, 0), notes="half typed"))
    save_draft(db, other, office(datetime(2026, 11, 20, 11, 0), notes="other case"))
    record_contact(db, pid, office(datetime(2026, 11, 20, 10, 0)), now=NOW)
    assert drafts(db, pid) == []
    assert [d.data.notes for d in drafts(db, other)] == ["other case"]


def test_plan_objective_and_rmp_action_links_are_written(db):
    pid = make_case(db)
    action = plan_action(db, pid)
    from lpt_desktop.services import sentence_plan as sp
    from tests.plan_fill import goal

    draft = sp.start_plan(db, pid, today=NOW.date())
    g1, g2 = (sp.add_goal(db, draft, goal(title), NOW.date()) for title in ("Home", "Work"))
    with pytest.raises(ValidationError) as refused:  # goal ids are checked to be this case's (as steps are)
        record_contact(db, pid, office(datetime(2026, 11, 20, 10, 0), plan_objective_ids=("obj-1",)), now=NOW)
    assert "Sentence plan goals" in fields_of(refused)
    cid = record_contact(db, pid, office(datetime(2026, 11, 20, 10, 0), plan_objective_ids=(g1, g2, g1),
                                         rmp_action_ids=(action,)), now=NOW)
    with db.read() as s:
        plan = set(s.execute(select(ContactPlanLink.contact_id, ContactPlanLink.objective_id)).all())
        rmp = set(s.execute(select(ContactRmpLink.contact_id, ContactRmpLink.action_id)).all())
    assert plan == {(cid, g1), (cid, g2)}  # a goal ticked twice is linked once
    assert rmp == {(cid, action)}


def test_a_risk_plan_action_of_another_case_or_none_is_refused_naming_the_field(db):
    pid = make_case(db)
    other = make_case(db, last_name="Other")
    theirs = plan_action(db, other)
    for ids in ((theirs,), ("no-such-action",)):
        _refused(db, pid, office(datetime(2026, 11, 20, 10, 0), rmp_action_ids=ids), "Risk plan actions",
                 "not an action of this case's plan", "choose again")


def test_an_amendment_keeps_what_the_contact_delivered(db):
    pid = make_case(db)
    action = plan_action(db, pid)
    from lpt_desktop.services import sentence_plan as sp
    from tests.plan_fill import goal

    g = sp.add_goal(db, sp.start_plan(db, pid, today=NOW.date()), goal(), NOW.date())  # a goal of this case
    original = record_contact(db, pid, office(datetime(2026, 11, 20, 10, 0), plan_objective_ids=(g,),
                                              rmp_action_ids=(action,)), now=NOW)
    before = view(db, pid, original)
    assert before.rmp_action_ids == (action,) and before.plan_objective_ids == (g,)
    data = replace(before.as_input(), notes="Discussed housing and debt.")
    corrected = amend_contact(db, original, data, "Missed the debt advice", now=NOW)
    after = view(db, pid, corrected)
    assert after.rmp_action_ids == (action,) and after.plan_objective_ids == (g,)
    assert [v.rmp_action_ids for v in contact_history(db, corrected)] == [(action,), (action,)]


def test_a_plan_action_counts_an_amended_contact_once(db):
    pid = make_case(db)
    action = plan_action(db, pid)
    original = record_contact(db, pid, office(datetime(2026, 11, 20, 10, 0), rmp_action_ids=(action,)), now=NOW)
    corrected = amend_contact(db, original, replace(view(db, pid, original).as_input(), notes="Corrected note."),
                              "Wrong note", now=NOW)
    [shown] = [a for a in current_plan(db, pid).actions if a.id == action]
    assert [e.contact_id for e in shown.evidence] == [corrected]
    assert shown.evidence[0].summary == "Corrected note."


def test_unknown_case_is_refused(db):
    with pytest.raises(ValidationError) as exc:
        record_contact(db, "no-such-person", office(datetime(2026, 11, 20, 10, 0)), now=NOW)
    assert fields_of(exc) == ["Case"]


# -- bad input (issue 4) through record_contact ------------------------------------------------------
def _refused(db, pid: str, data: ContactInput, field: str, *needles: str, now: datetime = NOW) -> None:
    before = counts(db)
    with pytest.raises(ValidationError) as exc:
        record_contact(db, pid, data, now=now)
    assert field in fields_of(exc), exc.value.errors
    message = next(e.message for e in exc.value.errors if e.field == field)
    for needle in needles:
        assert needle in message
    assert counts(db) == before


def test_bad_outcome_on_a_future_contact(db):
    pid = make_case(db)
    _refused(db, pid, office(datetime(2026, 11, 24, 10, 0)), "Outcome", "future")


def test_bad_absence_reason_on_an_attended_contact(db):
    pid = make_case(db)
    _refused(db, pid, office(datetime(2026, 11, 20, 10, 0), absence_reason="AAME"), "Absence reason",
             "acceptable absence")


def test_bad_enforcement_action_that_does_not_fit_the_count(db):
    pid = make_case(db)
    fail(db, pid, date(2026, 11, 2), enforcement_action="EA02")
    _refused(db, pid, failure(datetime(2026, 11, 20, 10, 0), enforcement_action="EA02"), "Enforcement action",
             "breach")


def test_bad_enforcement_action_on_an_attended_contact(db):
    pid = make_case(db)
    _refused(db, pid, office(datetime(2026, 11, 20, 10, 0), enforcement_action="EA02"), "Enforcement action",
             "only for a failure")


def test_bad_no_further_action_without_a_reason(db):
    pid = make_case(db)
    _refused(db, pid, failure(datetime(2026, 11, 20, 10, 0), enforcement_action="NFA", enforcement_reason=""),
             "Decision reason")


@pytest.mark.parametrize("at", [datetime(2026, 1, 4, 10, 0), datetime(2027, 1, 5, 10, 0)])
def test_bad_date_outside_the_sentence(db, at):
    pid = make_case(db)
    _refused(db, pid, office(at, outcome=""), "Date and time", "sentence", now=datetime(2027, 2, 1))


@pytest.mark.parametrize("outcome", ["AFTA", "AFTC", "ATSH", "UAAB"])
@pytest.mark.parametrize("notes", ["", "   \n "])
def test_bad_empty_note_on_a_failure(db, outcome, notes):
    pid = make_case(db)
    _refused(db, pid, failure(datetime(2026, 11, 20, 10, 0), outcome=outcome, notes=notes), "Notes")


# -- enforcement counting, community order ----------------------------------------------------------
def test_community_order_warning_then_breach(db):
    pid = make_case(db, "CO", date(2025, 1, 6), date(2027, 1, 5))

    # Failure 1 (Monday 03/03/2025): a warning is required, the decision is due two working days later.
    f1 = fail(db, pid, date(2025, 3, 3))
    v1 = view(db, pid, f1)
    assert v1.is_failure
    assert (v1.requirement.kind, v1.requirement.number) == ("warning", 1)
    assert v1.open_items == (OpenItem("Enforcement decision", date(2025, 3, 5), date(2025, 3, 3)),)
    decide_enforcement(db, f1, "EA02", REASON, on=date(2025, 3, 4))
    v1 = view(db, pid, f1)
    assert v1.open_items == ()
    assert [(e.action, e.label, e.decided_on, e.author) for e in v1.enforcement] == [
        ("EA02", "First warning letter", date(2025, 3, 4), ACTOR)]

    # Failure 2 (Monday 12/05/2025, within 12 months): breach. Ten working days skips the
    # spring bank holiday on Monday 26/05/2025.
    f2 = fail(db, pid, date(2025, 5, 12))
    v2 = view(db, pid, f2)
    assert (v2.requirement.kind, v2.requirement.number) == ("breach", 2)
    assert items(v2) == [("Enforcement decision", date(2025, 5, 14)), ("Breach to be initiated", date(2025, 5, 27))]
    for refused in ("EA02", "EA03"):
        with pytest.raises(ValidationError) as exc:
            decide_enforcement(db, f2, refused, REASON, on=date(2025, 5, 13))
        assert fields_of(exc) == ["Enforcement action"]
        assert "breach" in exc.value.errors[0].message
    with pytest.raises(ValidationError):
        decide_enforcement(db, f2, "NFA", "he was sorry", on=date(2025, 5, 13))
    assert enforcement_rows(db, f2) == []

    # Referring to the manager answers the decision, but the breach is still owed until IBR.
    decide_enforcement(db, f2, "ROM", REASON, on=date(2025, 5, 13))
    assert items(view(db, pid, f2)) == [("Breach to be initiated", date(2025, 5, 27))]
    decide_enforcement(db, f2, "IBR", REASON, on=date(2025, 5, 15))
    v2 = view(db, pid, f2)
    assert v2.open_items == ()
    assert [e.action for e in v2.enforcement] == ["ROM", "IBR"]
    assert [(e.required_kind, e.failure_number) for e in enforcement_rows(db, f2)] == [("breach", 2), ("breach", 2)]
    # The first failure is still judged as it was: a warning.
    assert view(db, pid, f1).requirement.kind == "warning"


def test_breach_action_can_be_given_when_the_failure_is_recorded(db):
    pid = make_case(db, "CO", date(2025, 1, 6), date(2027, 1, 5))
    fail(db, pid, date(2025, 3, 3), enforcement_action="EA02")
    f2 = fail(db, pid, date(2025, 5, 12), enforcement_action="IBR")
    v2 = view(db, pid, f2)
    assert v2.open_items == () and [e.action for e in v2.enforcement] == ["IBR"]


def test_a_first_failure_with_a_warning_in_the_last_12_months_is_a_breach(db):
    """On an order a warning given in the 12 months before a failure makes it a breach, even when the
    failure the warning was for is itself older than 12 months."""
    pid = make_case(db, "CO", date(2025, 1, 6), date(2027, 1, 5))
    f1 = fail(db, pid, date(2025, 1, 13))
    decide_enforcement(db, f1, "EA02", REASON, on=date(2025, 2, 20))  # decided late
    f2 = fail(db, pid, date(2026, 1, 20))  # over 12 months after the failure, within 12 of the warning
    v2 = view(db, pid, f2)
    assert (v2.requirement.kind, v2.requirement.number) == ("breach", 1)
    assert "20/02/2025" in v2.requirement.why


def test_a_failure_13_months_after_the_first_is_a_warning_again(db):
    pid = make_case(db, "CO", date(2025, 1, 6), date(2027, 1, 5))
    f1 = fail(db, pid, date(2025, 3, 3))
    decide_enforcement(db, f1, "EA02", REASON, on=date(2025, 3, 4))
    f2 = fail(db, pid, date(2026, 4, 6))
    v2 = view(db, pid, f2)
    assert (v2.requirement.kind, v2.requirement.number) == ("warning", 1)
    assert items(v2) == [("Enforcement decision", date(2026, 4, 8))]
    decide_enforcement(db, f2, "EA02", REASON, on=date(2026, 4, 7))
    assert view(db, pid, f2).open_items == ()


def test_an_acceptable_absence_is_not_counted(db):
    pid = make_case(db, "CO", date(2025, 1, 6), date(2027, 1, 5))
    record_contact(db, pid, office(datetime(2025, 3, 3, 10, 0), outcome="AA", absence_reason="AAME",
                                   notes="Sick."), now=datetime(2025, 3, 3, 18, 0))
    f = fail(db, pid, date(2025, 3, 10))
    assert view(db, pid, f).requirement.kind == "warning"


def test_a_same_day_warning_does_not_turn_its_own_failure_into_a_breach(db):
    pid = make_case(db, "CO", date(2025, 1, 6), date(2027, 1, 5))
    on = date(2025, 3, 3)
    f1 = fail(db, pid, on, enforcement_action="EA02")  # warning dated the day of the failure
    [first] = enforcement_rows(db, f1)
    assert (first.decided_on, first.required_kind) == (on, "warning")
    v1 = view(db, pid, f1)
    assert v1.requirement.kind == "warning"
    assert v1.open_items == ()
    # Re-checked for a second decision on the same failure: still warning level.
    decide_enforcement(db, f1, "ROM", REASON, on=on)
    decide_enforcement(db, f1, "NFA", "manager agreed the warning is enough", on=on)  # only allowed at a warning
    assert [(e.action, e.required_kind, e.failure_number) for e in enforcement_rows(db, f1)] == [
        ("EA02", "warning", 1), ("ROM", "warning", 1), ("NFA", "warning", 1)]
    assert view(db, pid, f1).open_items == ()
    assert enforcement_due(db, today=on) == []


def test_decision_on_a_non_failure_is_refused(db):
    pid = make_case(db)
    cid = record_contact(db, pid, office(datetime(2026, 11, 20, 10, 0)), now=NOW)
    with pytest.raises(ValidationError) as exc:
        decide_enforcement(db, cid, "EA02", REASON, on=TODAY)
    assert fields_of(exc) == ["Enforcement action"]


def test_decision_dated_before_the_failure_is_refused(db):
    pid = make_case(db)
    cid = fail(db, pid, date(2026, 11, 20))
    with pytest.raises(ValidationError) as exc:
        decide_enforcement(db, cid, "EA02", REASON, on=date(2026, 11, 19))
    assert fields_of(exc) == ["Decision date"]
    assert enforcement_rows(db, cid) == []


# -- enforcement counting, licence ------------------------------------------------------------------
def test_licence_warnings_then_recall_at_the_third(db):
    pid = make_case(db, "LIC", date(2025, 1, 6), date(2026, 6, 30))
    f1 = fail(db, pid, date(2025, 2, 3))
    assert view(db, pid, f1).requirement.kind == "warning"
    decide_enforcement(db, f1, "EA02", REASON, on=date(2025, 2, 4))
    f2 = fail(db, pid, date(2025, 3, 3))
    v2 = view(db, pid, f2)
    assert (v2.requirement.kind, v2.requirement.number) == ("warning", 2)  # a warning on licence is no breach
    assert items(v2) == [("Enforcement decision", date(2025, 3, 5))]
    with pytest.raises(ValidationError) as exc:
        decide_enforcement(db, f2, "IBR", REASON, on=date(2025, 3, 4))  # licences are recalled, not breached
    assert fields_of(exc) == ["Enforcement action"]
    decide_enforcement(db, f2, "EA03", REASON, on=date(2025, 3, 4))
    f3 = fail(db, pid, date(2025, 4, 7))
    v3 = view(db, pid, f3)
    assert (v3.requirement.kind, v3.requirement.number) == ("recall", 3)
    assert items(v3) == [("Enforcement decision", date(2025, 4, 9))]
    with pytest.raises(ValidationError) as exc:
        decide_enforcement(db, f3, "EA03", REASON, on=date(2025, 4, 8))
    assert fields_of(exc) == ["Enforcement action"]
    assert "recall" in exc.value.errors[0].message
    decide_enforcement(db, f3, "ROM", REASON, on=date(2025, 4, 8))
    assert items(view(db, pid, f3)) == [("Recall decision", date(2025, 4, 9))]
    decide_enforcement(db, f3, "EA11", REASON, on=date(2025, 4, 9))
    assert view(db, pid, f3).open_items == ()


def test_licence_recall_is_allowed_at_the_first_failure(db):
    pid = make_case(db, "LIC", date(2025, 1, 6), date(2026, 6, 30))
    f1 = fail(db, pid, date(2025, 2, 3), enforcement_action="EA11")
    v = view(db, pid, f1)
    assert v.requirement.kind == "warning" and v.open_items == ()
    assert [e.action for e in v.enforcement] == ["EA11"]


def test_order_and_licence_differ_at_the_second_failure(db):
    order = make_case(db, "CO", date(2025, 1, 6), date(2027, 1, 5), last_name="Order")
    licence = make_case(db, "LIC", date(2025, 1, 6), date(2026, 6, 30), last_name="Licence")
    for pid in (order, licence):
        fail(db, pid, date(2025, 2, 3))
    assert view(db, order, fail(db, order, date(2025, 3, 3))).requirement.kind == "breach"
    assert view(db, licence, fail(db, licence, date(2025, 3, 3))).requirement.kind == "warning"


def test_failures_under_an_earlier_terminated_order_do_not_count_on_the_new_order(db):
    """Sch 8 counts warnings and failures under the order being enforced: a new order starts afresh."""
    pid = make_case(db, "CO", date(2025, 1, 6), date(2026, 1, 5))
    old = fail(db, pid, date(2025, 3, 3), enforcement_action="EA02")
    assert enforcement_rows(db, old)
    with db.write() as s:
        s.get(Sentence, sentence_id(db, pid)).terminated_on = date(2025, 4, 30)
    add_sentence(db, pid, order_type="CO", start_date=date(2025, 5, 1), end_date=date(2026, 4, 30))
    f = fail(db, pid, date(2025, 6, 2))
    v = view(db, pid, f)
    assert (v.requirement.kind, v.requirement.number) == ("warning", 1), v.requirement


# -- deadlines across bank holidays -----------------------------------------------------------------
def test_deadlines_over_the_2022_jubilee_holidays(db):
    """Failure on Wednesday 01/06/2022: Thursday 2 and Friday 3 June are bank holidays."""
    pid = make_case(db, "CO", date(2022, 1, 4), date(2023, 1, 3))
    f1 = fail(db, pid, date(2022, 5, 3))  # Tuesday after the early May bank holiday
    assert items(view(db, pid, f1)) == [("Enforcement decision", date(2022, 5, 5))]
    decide_enforcement(db, f1, "EA02", REASON, on=date(2022, 5, 4))
    f2 = fail(db, pid, date(2022, 6, 1))
    assert items(view(db, pid, f2)) == [("Enforcement decision", date(2022, 6, 7)),
                                        ("Breach to be initiated", date(2022, 6, 17))]


def test_a_first_failure_on_wednesday_01_06_2022_is_due_tuesday_07_06_2022(db):
    pid = make_case(db, "LIC", date(2022, 1, 4), date(2023, 1, 3))
    f = fail(db, pid, date(2022, 6, 1))
    assert view(db, pid, f).open_items == (OpenItem("Enforcement decision", date(2022, 6, 7), date(2022, 6, 1)),)


def test_deadlines_over_christmas_2022(db):
    """Failure on Friday 23/12/2022. Christmas and Boxing Day 2022 fall on Sunday and Monday, so Monday 26
    and Tuesday 27 December are holidays; New Year's Day is a Sunday, so Monday 02/01/2023 is one too.
    Two working days: Wed 28, Thu 29 -> 29/12/2022. Ten: 28, 29, 30 Dec, 3, 4, 5, 6, 9, 10, 11 Jan -> 11/01/2023.
    """
    pid = make_case(db, "CO", date(2022, 9, 1), date(2023, 8, 31))
    f1 = fail(db, pid, date(2022, 11, 1), enforcement_action="EA02")
    f2 = fail(db, pid, date(2022, 12, 23))
    assert view(db, pid, f1).open_items == ()
    assert items(view(db, pid, f2)) == [("Enforcement decision", date(2022, 12, 29)),
                                        ("Breach to be initiated", date(2023, 1, 11))]


def test_enforcement_due_across_cases_sorted_with_days_left(db):
    a = make_case(db, "CO", date(2022, 1, 4), date(2023, 1, 3), last_name="Aldridge", first_name="Kim",
                  crn="A100001")
    b = make_case(db, "LIC", date(2022, 1, 4), date(2023, 1, 3), last_name="Brennan", first_name="Lee",
                  crn="B100002")
    fa1 = fail(db, a, date(2022, 5, 3), enforcement_action="EA02")
    fa2 = fail(db, a, date(2022, 6, 1))        # decision 07/06, breach 17/06
    fb = fail(db, b, date(2022, 5, 23))        # decision 25/05: overdue by 06/06
    today = date(2022, 6, 6)
    due = enforcement_due(db, today=today)
    assert [(i.crn, i.name, i.contact_id, i.what, i.due, i.days_left, i.overdue) for i in due] == [
        ("B100002", "Brennan, Lee", fb, "Enforcement decision", date(2022, 5, 25), -12, True),
        ("A100001", "Aldridge, Kim", fa2, "Enforcement decision", date(2022, 6, 7), 1, False),
        ("A100001", "Aldridge, Kim", fa2, "Breach to be initiated", date(2022, 6, 17), 11, False),
    ]
    assert all(i.contact_id != fa1 for i in due)
    assert {i.person_id for i in due} == {a, b}
    assert due[0].failure_on == date(2022, 5, 23) and due[0].outcome_label == "Failed to attend"
    # due today is not overdue; the day after is
    [on_day] = [i for i in enforcement_due(db, today=date(2022, 6, 7)) if i.what == "Enforcement decision"
                and i.crn == "A100001"]
    assert (on_day.days_left, on_day.overdue) == (0, False)
    [late] = [i for i in enforcement_due(db, today=date(2022, 6, 8)) if i.what == "Enforcement decision"
              and i.crn == "A100001"]
    assert (late.days_left, late.overdue) == (-1, True)
    # deciding removes the items
    decide_enforcement(db, fb, "EA02", REASON, on=today)
    decide_enforcement(db, fa2, "IBR", REASON, on=today)
    assert enforcement_due(db, today=today) == []


# -- amendments ------------------------------------------------------------------------------------
def test_amendment_keeps_the_original(db):
    pid = make_case(db)
    original = record_contact(db, pid, office(datetime(2026, 11, 20, 10, 0), notes="Discussed housing."), now=NOW)
    corrected = amend_contact(db, original, office(datetime(2026, 11, 20, 10, 30), notes="Discussed housing and debt."),
                              "Wrong time and missed the debt advice", now=NOW)
    assert corrected != original
    current = list_contacts(db, pid)
    assert [v.id for v in current] == [corrected]
    assert current[0].amends_id == original
    assert current[0].amendment_reason == "Wrong time and missed the debt advice"
    assert current[0].notes == "Discussed housing and debt."
    both = list_contacts(db, pid, include_history=True)
    assert {v.id for v in both} == {original, corrected}
    old = next(v for v in both if v.id == original)
    assert old.amended_by_id == corrected and not old.is_current
    assert old.notes == "Discussed housing."
    history = contact_history(db, original)
    assert [v.id for v in history] == [corrected, original]
    assert history[0].amendment_reason == "Wrong time and missed the debt advice"
    assert history[0].amended_by_id is None and history[1].amended_by_id == corrected
    assert [v.id for v in contact_history(db, corrected)] == [corrected, original]
    # Both creates are audited; nothing was updated in place.
    assert [a.action for a in audits(db, "contact", original)] == ["create"]
    assert [a.action for a in audits(db, "contact", corrected)] == ["create"]


def test_amending_an_already_amended_contact_is_refused(db):
    pid = make_case(db)
    original = record_contact(db, pid, office(datetime(2026, 11, 20, 10, 0)), now=NOW)
    amend_contact(db, original, office(datetime(2026, 11, 20, 10, 0), notes="Fixed."), "typo", now=NOW)
    before = counts(db)
    with pytest.raises(ValidationError) as exc:
        amend_contact(db, original, office(datetime(2026, 11, 20, 10, 0), notes="Again."), "another typo", now=NOW)
    assert fields_of(exc) == ["Amendment"]
    assert "latest" in exc.value.errors[0].message
    assert counts(db) == before


@pytest.mark.parametrize("reason", ["", "   "])
def test_an_empty_amendment_reason_is_refused(db, reason):
    pid = make_case(db)
    original = record_contact(db, pid, office(datetime(2026, 11, 20, 10, 0)), now=NOW)
    before = counts(db)
    with pytest.raises(ValidationError) as exc:
        amend_contact(db, original, office(datetime(2026, 11, 20, 10, 0), notes="Fixed."), reason, now=NOW)
    assert fields_of(exc) == ["Reason for amendment"]
    assert counts(db) == before


def test_an_amendment_is_checked_like_a_new_contact(db):
    pid = make_case(db)
    original = record_contact(db, pid, office(datetime(2026, 11, 20, 10, 0)), now=NOW)
    with pytest.raises(ValidationError) as exc:
        amend_contact(db, original, failure(datetime(2026, 11, 20, 10, 0), notes=""), "it was a failure", now=NOW)
    assert fields_of(exc) == ["Notes"]


def test_amending_a_failure_to_an_acceptable_absence_clears_its_enforcement_items(db):
    pid = make_case(db)
    f = fail(db, pid, date(2026, 11, 20))
    assert [i.contact_id for i in enforcement_due(db, today=TODAY)] == [f]
    fixed = amend_contact(db, f, office(datetime(2026, 11, 20, 10, 0), outcome="AA", absence_reason="AAME",
                                        evidence="received", notes="Hospital letter arrived."),
                          "Was in hospital: evidence received", now=NOW)
    assert enforcement_due(db, today=TODAY) == []
    v = view(db, pid, fixed)
    assert not v.is_failure and v.open_items == () and v.requirement is None
    # A later failure is the first again.
    f2 = fail(db, pid, date(2026, 11, 23))
    assert view(db, pid, f2).requirement.kind == "warning"
    with pytest.raises(ValidationError):
        decide_enforcement(db, f, "EA02", REASON, on=TODAY)  # the original has been amended


def test_an_amended_failure_keeps_its_decisions_and_is_not_counted_twice(db):
    pid = make_case(db, "CO", date(2025, 1, 6), date(2027, 1, 5))
    f1 = fail(db, pid, date(2025, 3, 3))
    decide_enforcement(db, f1, "EA02", REASON, on=date(2025, 3, 4))
    f1b = amend_contact(db, f1, failure(datetime(2025, 3, 3, 10, 0), notes="Did not attend; no reply to calls."),
                        "fuller note", now=datetime(2025, 3, 5, 9, 0))
    v = view(db, pid, f1b)
    assert v.requirement.kind == "warning" and v.open_items == ()
    assert [e.action for e in v.enforcement] == ["EA02"]
    assert enforcement_due(db, today=date(2025, 3, 5)) == []


# -- restricted victim liaison contacts -----------------------------------------------------------
VICTIM_NOTE = "Victim liaison: spoke with Ms Pemberton about the exclusion zone near Lostock."
VICTIM_VIEWS = "Wants the exclusion zone to cover Lostock Hall and no contact conditions."


def _victim_contact(db) -> tuple[str, str]:
    pid = make_case(db, "LIC", date(2026, 1, 5), date(2027, 1, 4))
    cid = record_contact(db, pid, ContactInput(type_code="CVIC", starts_at=datetime(2026, 11, 20, 11, 0),
                                               notes=VICTIM_NOTE, victim_views=VICTIM_VIEWS,
                                               present="VLO Dana Price"), now=NOW)
    return pid, cid


def test_victim_liaison_contact_readable_by_the_cases_officer(db):
    pid, cid = _victim_contact(db)
    v = view(db, pid, cid)
    assert (v.restricted, v.hidden) == (True, False)
    assert (v.notes, v.victim_views, v.present) == (VICTIM_NOTE, VICTIM_VIEWS, "VLO Dana Price")
    assert [h.contact_id for h in search_notes(db, "Pemberton")] == [cid]


def test_victim_liaison_contact_readable_by_a_victim_liaison_officer(db):
    pid, cid = _victim_contact(db)
    db.officer_id, db.role = "another-officer", "VLO"
    v = view(db, pid, cid)
    assert not v.hidden and (v.notes, v.victim_views) == (VICTIM_NOTE, VICTIM_VIEWS)
    assert [h.contact_id for h in search_notes(db, "Pemberton")] == [cid]
    assert contact_history(db, cid)[0].victim_views == VICTIM_VIEWS


def test_victim_liaison_contact_hidden_from_another_officer(db):
    pid, cid = _victim_contact(db)
    ordinary = record_contact(db, pid, office(datetime(2026, 11, 21, 10, 0), notes="Pemberton not discussed."),
                              now=NOW)
    db.officer_id, db.role = "another-officer", "PO"
    v = view(db, pid, cid)
    assert (v.restricted, v.hidden) == (True, True)
    assert v.notes == RESTRICTED_NOTE and VICTIM_NOTE not in v.notes
    assert v.victim_views == "" and v.present == ""
    assert contact_history(db, cid)[0].hidden
    assert contact_history(db, cid)[0].victim_views == ""
    # Search does not reveal it (other notes still found)
    assert [h.contact_id for h in search_notes(db, "Pemberton")] == [ordinary]
    assert search_notes(db, "Lostock") == []
    assert not view(db, pid, ordinary).hidden


def test_a_hidden_victim_liaison_contact_withholds_every_free_text_field(db):
    """hidden means "free text is withheld": the location of a victim liaison contact (often the victim's
    address) and an amendment's reason are free text too, so another officer must not read them."""
    pid = make_case(db, "LIC", date(2026, 1, 5), date(2027, 1, 4))
    cid = record_contact(db, pid, ContactInput(type_code="CVIC", starts_at=datetime(2026, 11, 20, 11, 0),
                                               location="Victim's home, 4 Larch Close", notes=VICTIM_NOTE,
                                               victim_views=VICTIM_VIEWS), now=NOW)
    new = amend_contact(db, cid, ContactInput(type_code="CVIC", starts_at=datetime(2026, 11, 20, 11, 0),
                                              location="Victim's home, 9 Elm Row", notes=VICTIM_NOTE,
                                              victim_views=VICTIM_VIEWS),
                        "Victim moved to 9 Elm Row last week", now=NOW)
    db.officer_id, db.role = "another-officer", "PO"
    for v in [*list_contacts(db, pid, include_history=True), *contact_history(db, new)]:
        assert v.hidden
        text = " ".join([v.location, v.present, v.notes, v.victim_views, v.amendment_reason, v.upw_skills])
        for secret in ("Larch Close", "Elm Row", "Pemberton", "Lostock"):
            assert secret not in text, (v.id, secret)


def test_victim_liaison_with_no_officer_on_either_side_is_hidden_in_list_and_search_alike(db):
    """A case with no officer, opened where the caseload has no officer id: list_contacts hides the restricted
    contact, so note search must not show it either (the two rules must agree)."""
    pid = make_case(db, "LIC", date(2026, 1, 5), date(2027, 1, 4), officer=False)
    cid = record_contact(db, pid, ContactInput(type_code="CVIC", starts_at=datetime(2026, 11, 20, 11, 0),
                                               notes=VICTIM_NOTE, victim_views=VICTIM_VIEWS), now=NOW)
    db.officer_id, db.role = None, "PO"
    assert view(db, pid, cid).hidden
    assert search_notes(db, "Pemberton") == []


def test_victim_views_only_on_a_victim_liaison_contact(db):
    pid = make_case(db)
    _refused(db, pid, office(datetime(2026, 11, 20, 10, 0), victim_views="Wants no contact."), "Victim's views")


# -- unpaid work -----------------------------------------------------------------------------------
def _upw_case(db, hours: int = 100, start: date = date(2026, 1, 5)) -> str:
    pid = make_case(db, "CO", date(2026, 1, 5), date(2027, 7, 4))
    add_requirement(db, sentence_id(db, pid), "UPW", {"hours": hours}, start_date=start)
    return pid


def session(at: datetime, worked: int = 0, credited: int = 0, skills: str = "", outcome: str = "ATTC",
            notes: str = "Worked well.") -> ContactInput:
    return ContactInput(type_code="CUPW", starts_at=at, outcome=outcome, location="Community garden",
                        notes=notes, upw_minutes_worked=worked, upw_minutes_credited=credited, upw_skills=skills)


def test_upw_summary_on_track(db):
    pid = _upw_case(db)
    record_contact(db, pid, session(datetime(2026, 1, 10, 9, 0), worked=7 * 60, skills="Painting and decorating"),
                   now=NOW)
    for day in (17, 24, 31):
        record_contact(db, pid, session(datetime(2026, 1, day, 9, 0), worked=7 * 60), now=NOW)
    record_contact(db, pid, session(datetime(2026, 2, 7, 9, 0), worked=6 * 60, skills="Horticulture, team leading"),
                   now=NOW)
    record_contact(db, pid, session(datetime(2026, 2, 14, 9, 0), worked=6 * 60), now=NOW)
    record_contact(db, pid, session(datetime(2026, 2, 21, 9, 0), credited=2 * 60, notes="Approved ETE course."),
                   now=NOW)
    s = upw_summary(db, pid, today=date(2026, 3, 6))
    assert s.ordered_hours == 100
    assert s.worked_minutes == 40 * 60
    assert s.credited_minutes == 2 * 60
    assert s.done_minutes == 42 * 60
    assert s.remaining_minutes == 58 * 60
    assert s.must_finish_by == date(2027, 1, 5)
    assert s.on_track is True
    assert s.projected_finish is not None and s.projected_finish <= s.must_finish_by
    assert s.skills == ((date(2026, 1, 10), "Painting and decorating"),
                        (date(2026, 2, 7), "Horticulture, team leading"))


def test_upw_summary_behind(db):
    pid = _upw_case(db)
    record_contact(db, pid, session(datetime(2026, 2, 7, 9, 0), worked=4 * 60), now=NOW)
    s = upw_summary(db, pid, today=date(2026, 3, 6))
    assert s.remaining_minutes == 96 * 60
    assert s.on_track is False
    assert s.projected_finish is not None and s.projected_finish > s.must_finish_by


def test_upw_must_finish_by_follows_the_requirement_start(db):
    pid = _upw_case(db, hours=40, start=date(2026, 3, 31))
    s = upw_summary(db, pid, today=date(2026, 4, 1))
    assert s.must_finish_by == date(2027, 3, 31)
    assert (s.ordered_hours, s.worked_minutes, s.remaining_minutes) == (40, 0, 40 * 60)


def test_upw_finished_is_on_track(db):
    pid = _upw_case(db, hours=40)
    for day in (10, 17, 24, 31):
        record_contact(db, pid, session(datetime(2026, 1, day, 9, 0), worked=10 * 60), now=NOW)
    s = upw_summary(db, pid, today=date(2026, 11, 23))
    assert (s.remaining_minutes, s.on_track, s.projected_finish) == (0, True, date(2026, 1, 31))


def test_upw_amended_session_counts_once(db):
    pid = _upw_case(db)
    cid = record_contact(db, pid, session(datetime(2026, 2, 7, 9, 0), worked=5 * 60, skills="Litter picking"),
                         now=NOW)
    amend_contact(db, cid, session(datetime(2026, 2, 7, 9, 0), worked=6 * 60, skills="Litter picking, fencing"),
                  "Supervisor's sheet says six hours", now=NOW)
    s = upw_summary(db, pid, today=date(2026, 3, 6))
    assert s.worked_minutes == 6 * 60
    assert s.skills == ((date(2026, 2, 7), "Litter picking, fencing"),)


@pytest.mark.parametrize(("outcome", "at"), [("AFTA", datetime(2026, 2, 7, 9, 0)), ("UAAB", datetime(2026, 2, 7, 9, 0)),
                                          ("", datetime(2026, 12, 5, 9, 0))])
def test_upw_hours_worked_on_a_session_not_attended_are_refused(db, outcome, at):
    """Hours worked on a session the person did not attend (or that has not happened yet) would count
    towards the order in upw_summary: they must be refused, naming the field."""
    pid = _upw_case(db)
    data = session(at, worked=6 * 60, outcome=outcome, notes="Did not turn up at the minibus pick-up.")
    with pytest.raises(ValidationError) as exc:
        record_contact(db, pid, data, now=NOW)
    assert "Hours worked" in fields_of(exc)
    assert upw_summary(db, pid, today=date(2026, 3, 6)).worked_minutes == 0


def test_no_upw_requirement_gives_no_summary(db):
    pid = make_case(db)
    assert upw_summary(db, pid, today=TODAY) is None


def test_upw_hours_only_on_a_upw_session(db):
    pid = make_case(db)
    _refused(db, pid, office(datetime(2026, 11, 20, 10, 0), upw_minutes_worked=60), "Hours worked")


# -- drafts and templates --------------------------------------------------------------------------
FULL_DRAFT = ContactInput(
    type_code="CHVS", starts_at=datetime(2026, 11, 23, 14, 5), outcome="AFTC", absence_reason="", evidence="",
    location="12 Fishergate", present="Jordan", notes="Half written\nsecond line", risk_areas=("victim", "other"),
    needs=("drugs", "alcohol"), sensitive=True, alert=False, management_oversight=True, enforcement_action="EA02",
    enforcement_reason="", upw_minutes_worked=0, upw_minutes_credited=0, upw_skills="", victim_views="",
    plan_objective_ids=("obj-1",), rmp_action_ids=("rmp-1", "rmp-2"))


def test_draft_round_trips_intact(db):
    pid = make_case(db, first_name="Jordan", last_name="Ashworth", crn="D123456")
    did = save_draft(db, pid, FULL_DRAFT)
    [d] = drafts(db)
    assert (d.id, d.person_id, d.crn, d.name, d.amends_id) == (did, pid, "D123456", "Ashworth, Jordan", None)
    assert d.data == FULL_DRAFT
    assert isinstance(d.data.risk_areas, tuple) and isinstance(d.data.plan_objective_ids, tuple)
    assert isinstance(d.saved_at, datetime)


def test_draft_with_no_date_yet(db):
    pid = make_case(db)
    save_draft(db, pid, ContactInput(type_code="COAP", starts_at=None, notes="just started"))
    assert drafts(db, pid)[0].data == ContactInput(type_code="COAP", starts_at=None, notes="just started")


def test_one_draft_per_case_and_one_per_amended_contact(db):
    pid = make_case(db)
    other = make_case(db, last_name="Other")
    original = record_contact(db, pid, office(datetime(2026, 11, 20, 10, 0)), now=NOW)
    first = save_draft(db, pid, replace(FULL_DRAFT, notes="v1"))
    second = save_draft(db, pid, replace(FULL_DRAFT, notes="v2"))
    assert first == second
    amending = save_draft(db, pid, office(datetime(2026, 11, 20, 10, 0), notes="amend v1"), amends_id=original)
    assert save_draft(db, pid, office(datetime(2026, 11, 20, 10, 0), notes="amend v2"),
                      amends_id=original) == amending
    save_draft(db, other, replace(FULL_DRAFT, notes="other"))
    assert amending != first
    mine = {d.amends_id: d.data.notes for d in drafts(db, pid)}
    assert mine == {None: "v2", original: "amend v2"}
    assert len(drafts(db)) == 3
    # Drafts are not audited; saving the amendment removes only the amendment's draft.
    audit_before = counts(db)["audit"]
    save_draft(db, pid, replace(FULL_DRAFT, notes="v3"))
    assert counts(db)["audit"] == audit_before
    amend_contact(db, original, office(datetime(2026, 11, 20, 10, 0), notes="amended"), "typo", now=NOW)
    assert {d.amends_id: d.data.notes for d in drafts(db, pid)} == {None: "v3"}
    discard_draft(db, first)
    assert drafts(db, pid) == []
    assert [d.data.notes for d in drafts(db)] == ["other"]


def test_drafts_survive_closing_and_reopening(db, db_path):
    pid = make_case(db)
    save_draft(db, pid, FULL_DRAFT)
    db.close()
    again = unlock(db_path, PASSPHRASE)
    try:
        assert [d.data for d in drafts(again, pid)] == [FULL_DRAFT]
    finally:
        again.close()


def test_note_templates_default_then_add_and_update(db):
    assert note_templates(db) == DEFAULT_TEMPLATES
    assert set(DEFAULT_TEMPLATES) == {"Supervision", "Home visit", "Failure to comply"}
    save_note_template(db, "Quick", "Progress:\nNext:\n")
    t = note_templates(db)
    assert set(t) == {"Supervision", "Home visit", "Failure to comply", "Quick"}
    assert t["Quick"] == "Progress:\nNext:\n"
    save_note_template(db, "Quick", "Progress:\nRisk:\nNext:\n")
    save_note_template(db, "Supervision", "Mine instead\n")
    t = note_templates(db)
    assert len(t) == 4
    assert (t["Quick"], t["Supervision"]) == ("Progress:\nRisk:\nNext:\n", "Mine instead\n")
    assert t["Home visit"] == DEFAULT_TEMPLATES["Home visit"]


def test_first_template_edit_replacing_a_default_keeps_the_others(db):
    save_note_template(db, "Home visit", "Who:\nWhat:\n")
    t = note_templates(db)
    assert set(t) == set(DEFAULT_TEMPLATES) and t["Home visit"] == "Who:\nWhat:\n"


@pytest.mark.parametrize(("name", "body", "field"), [("", "x", "Template name"), ("  ", "x", "Template name"),
                                                     ("Mine", "", "Template"), ("Mine", " \n", "Template")])
def test_empty_template_name_or_body_is_refused(db, name, body, field):
    with pytest.raises(ValidationError) as exc:
        save_note_template(db, name, body)
    assert fields_of(exc) == [field]
    assert note_templates(db) == DEFAULT_TEMPLATES


# -- defaults --------------------------------------------------------------------------------------
def test_defaults_for_a_new_case(db):
    pid = make_case(db)
    d = defaults_for(db, pid, now=datetime(2026, 11, 23, 15, 31, 47, 123456))
    assert d.starts_at == datetime(2026, 11, 23, 15, 31)
    assert (d.type_code, d.location, d.outcome, d.notes) == ("COAP", "", "", "")


def test_defaults_use_the_usual_type_and_the_last_location(db):
    pid = make_case(db)
    add_requirement(db, sentence_id(db, pid), "UPW", {"hours": 60})
    for day, kind, place in ((2, "COPT", ""), (5, "COPT", ""), (9, "COAP", "Preston office"),
                             (12, "COPT", ""), (16, "CHVS", "12 Fishergate")):
        record_contact(db, pid, office(datetime(2026, 11, day, 10, 0), type_code=kind, location=place, needs=()),
                       now=NOW)
    for day in (17, 18, 19, 20):  # unpaid work sessions are not the usual appointment
        record_contact(db, pid, session(datetime(2026, 11, day, 9, 0), worked=6 * 60), now=NOW)
    record_contact(db, pid, ContactInput(type_code="CLET", starts_at=datetime(2026, 11, 21, 9, 0),
                                         notes="Letter sent."), now=NOW)
    d = defaults_for(db, pid, now=datetime(2026, 11, 23, 15, 31, 59))
    assert d.type_code == "COPT"
    # Where the usual type (phone) last took place: never, so nothing; not the unpaid work's "Community garden"
    # (issue 15 item 2: a location comes from a past contact of the same type, or the office).
    assert d.location == ""
    assert d.starts_at == datetime(2026, 11, 23, 15, 31)


# -- note search -----------------------------------------------------------------------------------
def _searchable(db) -> dict[str, str]:
    pid = make_case(db, first_name="Jordan", last_name="Ashworth", crn="S100001")
    other = make_case(db, first_name="Casey", last_name="Blake", crn="S100002")
    notes = {
        "housing": (pid, "Discussed accommodation: the hostel place ends in March. Referral to housing options."),
        "drink": (pid, "Alcohol use is down; relapse prevention work continued."),
        "job": (other, "Job interview at the warehouse on Friday. CV updated with the forklift certificate."),
        "order": (other, "Hostel warden reports warehouse shifts (nights) are going well."),
    }
    ids = {}
    for i, (key, (person, text)) in enumerate(notes.items()):
        ids[key] = record_contact(db, person, office(datetime(2026, 11, 10 + i, 10, 0), notes=text), now=NOW)
    return ids


def test_search_finds_words_with_snippets(db):
    ids = _searchable(db)
    hits = search_notes(db, "forklift")
    assert [h.contact_id for h in hits] == [ids["job"]]
    h = hits[0]
    assert (h.crn, h.name, h.type_label) == ("S100002", "Blake, Casey", "Office appointment")
    assert h.starts_at == datetime(2026, 11, 12, 10, 0)
    assert "[forklift]" in h.snippet


def test_search_is_case_insensitive_and_finds_a_prefix_as_typed(db):
    ids = _searchable(db)
    assert [h.contact_id for h in search_notes(db, "accom")] == [ids["housing"]]
    assert [h.contact_id for h in search_notes(db, "ACCOMMODATION")] == [ids["housing"]]
    assert {h.contact_id for h in search_notes(db, "hostel")} == {ids["housing"], ids["order"]}


def test_search_two_words_in_any_order(db):
    ids = _searchable(db)
    assert [h.contact_id for h in search_notes(db, "hostel warehouse")] == [ids["order"]]
    assert [h.contact_id for h in search_notes(db, "warehouse hostel")] == [ids["order"]]
    assert search_notes(db, "forklift alcohol") == []


@pytest.mark.parametrize("text", ['"', "AND OR NOT (", "(", ")", "*", "-", "^", "NEAR(", "notes:", "'", ":",
                                  '"unbalanced', "hostel OR", "a AND", "{x}", "accom*", "col:hostel", "+-*/",
                                  "NOT", "%_", "\\", "\x00"])
def test_search_is_safe_with_fts_syntax_and_punctuation(db, text):
    _searchable(db)
    hits = search_notes(db, text)
    assert isinstance(hits, list)


def test_search_punctuation_is_ignored_around_words(db):
    ids = _searchable(db)
    assert [h.contact_id for h in search_notes(db, '"forklift"')] == [ids["job"]]
    assert [h.contact_id for h in search_notes(db, "(relapse) AND")] == []  # "and" is a word, not an operator
    assert [h.contact_id for h in search_notes(db, "relapse, prevention!")] == [ids["drink"]]
    assert [h.contact_id for h in search_notes(db, "accom*")] == [ids["housing"]]


@pytest.mark.parametrize("text", ["", "   ", '"', "()", "*", "-- ;"])
def test_search_with_no_words_finds_nothing(db, text):
    _searchable(db)
    assert fts_query(text) == ""
    assert search_notes(db, text) == []


def test_fts_query_quotes_every_word_and_prefixes_the_last():
    assert fts_query("hostel warehouse") == '"hostel" "warehouse"*'
    assert fts_query('AND OR NOT (') == '"AND" "OR" "NOT"*'
    assert fts_query('say "hi"') == '"say" "hi"*'


def test_search_follows_an_amendment(db):
    ids = _searchable(db)
    new = amend_contact(db, ids["drink"], office(datetime(2026, 11, 11, 10, 0),
                                                  notes="Alcohol use is down; started the Zanthorpe group."),
                        "added the group", now=NOW)
    assert [h.contact_id for h in search_notes(db, "zanthorpe")] == [new]
    assert [h.contact_id for h in search_notes(db, "zanth")] == [new]


def test_search_after_an_amendment_gives_the_contact_once_as_its_current_version(db):
    """A word in both the original and the correction must not list the contact twice, and a hit must be
    the current version: the contact log (current versions only) cannot select a superseded one."""
    ids = _searchable(db)
    new = amend_contact(db, ids["drink"], office(datetime(2026, 11, 11, 10, 0),
                                                  notes="Alcohol use is down; relapse prevention work continued "
                                                        "weekly."), "added frequency", now=NOW)
    assert [h.contact_id for h in search_notes(db, "relapse")] == [new]


def test_fts_triggers_keep_the_index_in_step(db):
    ids = _searchable(db)
    with db.write() as s:
        s.connection().exec_driver_sql("UPDATE contact SET notes = 'Quillbrook estate visit' WHERE id = ?",
                                       (ids["job"],))
    assert [h.contact_id for h in search_notes(db, "quillbrook")] == [ids["job"]]
    assert search_notes(db, "forklift") == []
    with db.write() as s:
        s.connection().exec_driver_sql("UPDATE contact SET notes = NULL WHERE id = ?", (ids["job"],))
    assert search_notes(db, "quillbrook") == []
    with db.write() as s:
        s.connection().exec_driver_sql("DELETE FROM contact WHERE id = ?", (ids["drink"],))
    assert search_notes(db, "relapse") == []
    with db.read() as s:
        fts = s.connection().exec_driver_sql("SELECT count(*) FROM contact_fts").scalar()
        noted = s.scalar(select(func.count()).select_from(Contact).where(Contact.notes.is_not(None)))
    assert fts == noted == 2


def test_search_limit(db):
    pid = make_case(db)
    for day in range(1, 8):
        record_contact(db, pid, office(datetime(2026, 11, day, 10, 0), notes=f"Bicycle repair session {day}"),
                       now=NOW)
    assert len(search_notes(db, "bicycle")) == 7
    assert len(search_notes(db, "bicycle", limit=3)) == 3


NEEDLE = "Wrexhamptonshire"


def test_the_note_index_is_inside_the_encrypted_file(db, db_path):
    pid = make_case(db)
    cid = record_contact(db, pid, office(datetime(2026, 11, 20, 10, 0),
                                         notes=f"Moved to {NEEDLE} with his aunt; {NEEDLE} probation office told."),
                         now=NOW)
    assert [h.contact_id for h in search_notes(db, NEEDLE.lower())] == [cid]
    patterns = [NEEDLE.encode(), NEEDLE.lower().encode(), NEEDLE.encode("utf-16-le"),
                b"wrexhamptonshir"]  # the porter stem as the index stores it

    def scan(folder: Path = db_path.parent) -> list[str]:
        files = [p for p in folder.iterdir() if p.is_file()]
        return [f"{p.name}: {pat!r}" for p in files for pat in patterns if pat in p.read_bytes()]

    control = db_path.parent / "control"
    control.mkdir()
    (control / "plain.bin").write_bytes(b"\x00" + NEEDLE.lower().encode() + b"\xff")
    assert scan(control) != []  # the scan can fail

    wal = db_path.with_name(db_path.name + "-wal")
    assert wal.exists() and wal.stat().st_size > 0  # recent pages are in the WAL while open
    assert scan() == []
    db.close()
    assert scan() == []
    again = unlock(db_path, PASSPHRASE)
    try:
        assert [h.contact_id for h in search_notes(again, NEEDLE)] == [cid]
    finally:
        again.close()


def test_search_ranks_only_the_newest_matches_when_very_many_match(db, monkeypatch):
    """A word in thousands of notes ranks among the newest RECENT_MATCHES only (the Trust-scale speed trade)."""
    from lpt_desktop.services import contacts as service

    pid = make_case(db)
    ids = [record_contact(db, pid, office(datetime(2026, 3, 2 + i, 10, 0), notes=f"Discussed tenancy {i}"),
                          now=NOW) for i in range(6)]
    assert {h.contact_id for h in search_notes(db, "tenancy")} == set(ids)  # few matches: all ranked
    monkeypatch.setattr(service, "RECENT_MATCHES", 2)
    assert {h.contact_id for h in search_notes(db, "tenancy")} == set(ids[-2:])  # the two recorded last


def test_a_new_order_with_no_hours_yet_is_not_behind(db):
    pid = make_case(db)
    add_requirement(db, sentence_id(db, pid), "UPW", {"hours": 100})
    start = CO_START
    assert upw_summary(db, pid, start + timedelta(days=3)).on_track  # nothing done yet, four weeks' grace
    assert not upw_summary(db, pid, start + timedelta(days=60)).on_track  # two months in, still nothing


# -- issue 15 item 4: every decision has its reason; a failure to attend is judged first; recall on licences only
@pytest.mark.parametrize("action", ["IBR", "EA02", "ROM", "NFA"])
def test_every_enforcement_decision_is_refused_without_its_reason(db, action):
    """Each action where it fits (a breach on a second failure, a warning or no action on a first), so the only
    fault is the missing reason: refused for that alone, naming it."""
    pid = make_case(db)
    if action in ("IBR", "ROM"):
        fail(db, pid, date(2026, 11, 2), enforcement_action="EA02")  # so a breach fits the second
    data = failure(datetime(2026, 11, 20, 10, 0), enforcement_action=action, enforcement_reason="  ")
    _refused(db, pid, data, "Decision reason")
    with pytest.raises(ValidationError) as exc:
        record_contact(db, pid, data, now=NOW)
    assert fields_of(exc) == ["Decision reason"]


def test_breach_initiated_with_no_reason_is_refused_later_too(db):
    pid = make_case(db)
    fail(db, pid, date(2026, 11, 2), enforcement_action="EA02")
    f2 = fail(db, pid, date(2026, 11, 16))
    with pytest.raises(ValidationError) as exc:
        decide_enforcement(db, f2, "IBR", "", on=date(2026, 11, 17))
    assert fields_of(exc) == ["Decision reason"]
    assert enforcement_rows(db, f2) == []


@pytest.mark.parametrize("order_type", ["CO", "SSO", "PSS"])
def test_recall_is_refused_on_an_order_and_on_post_sentence_supervision(db, order_type):
    pid = make_case(db, order_type)
    _refused(db, pid, failure(datetime(2026, 11, 20, 10, 0), enforcement_action="EA11"), "Enforcement action",
             "only a licence is recalled", "magistrates")


def test_recall_is_accepted_on_a_licence(db):
    pid = make_case(db, "LIC", date(2026, 1, 5), date(2027, 6, 30))
    cid = record_contact(db, pid, failure(datetime(2026, 11, 20, 10, 0), enforcement_action="EA11",
                                          enforcement_reason="Whereabouts unknown; risk to partner."), now=NOW)
    assert [e.action for e in enforcement_rows(db, cid)] == ["EA11"]


def test_a_failure_to_attend_is_judged_before_enforcement(db):
    pid = make_case(db)
    _refused(db, pid, failure(datetime(2026, 11, 20, 10, 0), absence_judgement="", enforcement_action="EA02"),
             "Judgement", "acceptable or unacceptable before")
    # Not yet judged and no decision: saved, with the decision owed within 2 working days.
    cid = record_contact(db, pid, failure(datetime(2026, 11, 20, 10, 0), absence_judgement=""), now=NOW)
    assert view(db, pid, cid).outcome == "AFTA"


def test_a_failure_to_attend_judged_acceptable_is_an_acceptable_absence_with_its_reason_and_evidence(db):
    pid = make_case(db)
    at = datetime(2026, 11, 20, 10, 0)
    _refused(db, pid, failure(at, absence_judgement="acceptable"), "Absence reason", "is empty")
    _refused(db, pid, failure(at, absence_judgement="acceptable", absence_reason="AAME", evidence="awaited",
                              enforcement_action="EA02"), "Enforcement action", "judged acceptable")
    cid = record_contact(db, pid, failure(at, absence_judgement="acceptable", absence_reason="AAME",
                                          evidence="awaited"), now=NOW)
    v = view(db, pid, cid)
    assert (v.outcome, v.absence_reason, v.evidence, v.is_failure) == ("AA", "AAME", "awaited", False)
    assert v.open_items == ()


def test_a_judgement_on_another_outcome_is_refused(db):
    pid = make_case(db)
    _refused(db, pid, office(datetime(2026, 11, 20, 10, 0), absence_judgement="unacceptable"), "Judgement",
             "only for a failure to attend")


# -- issue 15 item 19: warnings, not refusals ------------------------------------------------------
def test_an_attended_contact_with_no_note_is_warned_of_and_saved_if_confirmed(db):
    from lpt_desktop.services.contacts import warnings_for

    pid = make_case(db)
    data = office(datetime(2026, 11, 20, 10, 0), notes="  ")
    assert [w.field for w in warnings_for(db, pid, data)] == ["Notes"]
    assert warnings_for(db, pid, replace(data, notes="Seen.")) == []
    assert warnings_for(db, pid, failure(datetime(2026, 11, 20, 10, 0))) == []  # not attended: no such warning
    cid = record_contact(db, pid, data, now=NOW)  # a warning never refuses
    assert view(db, pid, cid).notes == ""


def test_a_second_contact_of_the_same_type_the_same_day_is_warned_of(db):
    from lpt_desktop.services.contacts import warnings_for

    pid = make_case(db)
    first = record_contact(db, pid, office(datetime(2026, 11, 20, 10, 0)), now=NOW)
    again = office(datetime(2026, 11, 20, 15, 30), notes="Seen again.")
    got = warnings_for(db, pid, again)
    assert [w.field for w in got] == ["Date and time"]
    assert "office appointment on 20/11/2026 (at 10:00)" in got[0].message
    assert warnings_for(db, pid, replace(again, type_code="COPT")) == []  # another type
    assert warnings_for(db, pid, replace(again, starts_at=datetime(2026, 11, 21, 10, 0))) == []  # another day
    assert warnings_for(db, pid, again, amends_id=first) == []  # amending the same contact


# -- issue 15 item 2: the default location comes from the past, never from a booking ------------------
def test_defaults_take_the_location_from_a_past_contact_of_the_type_never_a_future_booking(db):
    from lpt_desktop.services.appointments import book_appointment
    from lpt_desktop.services.contacts import default_location_for, defaults_for
    from lpt_desktop.services.offices import OfficeIn, save_office, set_officer_office

    pid = make_case(db)
    record_contact(db, pid, office(datetime(2026, 11, 2, 10, 0), location="Preston office, room 2"), now=NOW)
    book_appointment(db, pid, datetime(2026, 11, 30, 10, 0), "COVC", "Video call", now=NOW)
    d = defaults_for(db, pid, NOW)
    assert (d.type_code, d.location) == ("COAP", "Preston office, room 2")
    assert default_location_for(db, pid, "COVC", NOW) == ""  # the video call is still to come
    assert default_location_for(db, pid, "COAI", NOW) == ""  # no office chosen yet
    set_officer_office(db, save_office(db, OfficeIn("Preston Central", ("14 Lancaster Road", "Preston"), "PR1 2QA",
                                                    "01772 201234")))
    assert default_location_for(db, pid, "COAI", NOW) == "Preston Central"
    assert default_location_for(db, pid, "CHVS", NOW) == ""


def test_a_form_draft_round_trips_and_is_never_a_contact_draft(db):
    pid = make_case(db, first_name="Jordan", last_name="Ashworth", crn="D123456")
    save_draft(db, pid, replace(FULL_DRAFT, notes="a contact"))
    before = {"preferred_name": "", "date_of_birth": date(1990, 1, 2), "interpreter_required": False}
    typed = {**before, "preferred_name": "Jo", "date_of_birth": date(1990, 2, 1)}
    first = save_form_draft(db, pid, PERSONAL_FORM, typed, before)
    assert save_form_draft(db, pid, PERSONAL_FORM, {**typed, "preferred_name": "Jojo"}, before) == first  # one
    [d] = form_drafts(db)
    assert (d.id, d.person_id, d.crn, d.name, d.form) == (first, pid, "D123456", "Ashworth, Jordan", "personal")
    assert d.values == {**typed, "preferred_name": "Jojo"} and d.before == before  # dates come back as dates
    assert [x.data.notes for x in drafts(db)] == ["a contact"]  # the contact drafts leave it out
    discard_form_draft(db, pid, PERSONAL_FORM)
    assert form_drafts(db) == [] and [x.data.notes for x in drafts(db, pid)] == ["a contact"]
