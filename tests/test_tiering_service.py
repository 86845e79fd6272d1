"""Tiering on the case (issue 17): the engine's inputs built from real cases on a real SQLCipher file, predictor
scores and their checks, accepting and overriding the suggested tier with its history and timeline, the
caseload's differing flag, the scheme in preferences, migration 0012 and the export round trip."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select, text

from lpt_desktop.assessment.tier_types import MISSING, NOT_SUPERVISED, DcSrp, Predictor
from lpt_desktop.domain.contacts import ContactInput
from lpt_desktop.domain.validation import ValidationError
from lpt_desktop.services import case_events, case_record, case_transfer, cases, contacts, registers, tiering
from lpt_desktop.services.caseload import load_caseload
from lpt_desktop.services.unlock import create_caseload
from lpt_desktop.store.database import Database
from lpt_desktop.store.keyfile import KdfParams
from lpt_desktop.store.migrations import current_revision, head_revision
from lpt_desktop.store.models import Person
from lpt_desktop.store.tiering_models import PredictorScore, TierDecision
from tests.conftest import PASSPHRASE, TEST_TODAY

TODAY = TEST_TODAY
_crns = iter(range(400001, 499999))


@pytest.fixture
def db(tmp_path: Path):
    database = create_caseload(tmp_path / "tiering.lptdb", PASSPHRASE, "Alex Morgan", "LPT0042",
                               kdf=KdfParams.fast())
    yield database
    database.close()


def new_case(db: Database, order: str | None = "CO", *, gender: str = "Male", rosh: str | None = "M",
             offence: str | None = "Theft from a shop", start: date = TODAY - timedelta(days=100)) -> str:
    pid = cases.add_person(db, crn=f"T{next(_crns)}", first_name="Sam", last_name="Tier",
                           date_of_birth=date(1990, 5, 6), officer_id=db.officer_id, today=TODAY, gender=gender,
                           rosh=rosh)
    if order:
        cases.add_sentence(db, pid, order_type=order, start_date=start, end_date=start + timedelta(days=365),
                           offence=offence)
    return pid


def inputs(db: Database, pid: str, as_of: date = TODAY):
    with db.read() as s:
        return tiering.tier_inputs(s, pid, as_of)


def scores(db: Database, pid: str, arp: float = 60.0, csrp: float = 2.0, **kw: Any) -> list[str]:
    return tiering.record_predictors(db, pid, TODAY - timedelta(days=20), arp=Predictor(arp), csrp=Predictor(csrp),
                                     today=TODAY, **kw)


# -- inputs, one source at a time ---------------------------------------------------------------------
def test_a_bare_case_gives_its_gender_rosh_and_sentence_and_no_assessment(db):
    pid = new_case(db, gender="Female", rosh="H")
    got = inputs(db, pid)
    assert (got.gender, got.rosh) == ("female", "H")
    assert [(x.type, x.terminated) for x in got.sentences] == [("CO", False)]
    assert got.needs is None  # no valid assessment until the needs assessment exists
    assert (got.arp, got.csrp, got.registers, got.ever_sexual_offence) == (None, None, frozenset(), False)
    other = new_case(db, gender="Non-binary/other", rosh=None)
    assert (inputs(db, other).gender, inputs(db, other).rosh) == (None, None)


def test_the_latest_score_of_each_kind_counts(db):
    pid = new_case(db)
    tiering.record_predictors(db, pid, TODAY - timedelta(days=400), ogrs3=50, rsr=3.5, arp=Predictor(70),
                              csrp=Predictor(3.1, static=True), today=TODAY)
    tiering.record_predictors(db, pid, TODAY - timedelta(days=10), arp=Predictor(40), today=TODAY)
    got = inputs(db, pid)
    assert got.arp == Predictor(40, False)
    assert got.csrp == Predictor(3.1, True)
    assert (got.ogrs, got.rsr) == (50, 3.5)
    # On a day before the newer assessment, the older scores were the latest.
    assert inputs(db, pid, TODAY - timedelta(days=30)).arp == Predictor(70, False)


def test_registers_mappa_and_a_past_arso_register(db):
    pid = new_case(db)
    registers.add_register(db, pid, "MAPP", TODAY - timedelta(days=30), category="2", level="3", today=TODAY)
    registers.add_register(db, pid, "ADVP", TODAY - timedelta(days=30), today=TODAY)
    arso = registers.add_register(db, pid, "ARSO", TODAY - timedelta(days=300), today=TODAY)
    registers.end_register(db, arso, TODAY - timedelta(days=5), "Notification period ended", today=TODAY)
    got = inputs(db, pid)
    assert got.registers == {"MAPP", "ADVP"}
    assert (got.mappa_category, got.mappa_level) == (2, 3)
    assert got.ever_sexual_offence  # an ended ARSO register still says so


def test_a_sexual_offence_in_any_sentence(db):
    assert inputs(db, new_case(db, offence="Sexual assault")).ever_sexual_offence
    assert not inputs(db, new_case(db, offence="Burglary (dwelling)")).ever_sexual_offence


def test_lifer_release_is_the_latest_licence_start_with_inll(db):
    pid = new_case(db, "LIC", start=TODAY - timedelta(days=200))
    assert inputs(db, pid).lifer_ipp_released is None  # no INLL register: not a lifer
    registers.add_register(db, pid, "INLL", TODAY - timedelta(days=200), today=TODAY)
    assert inputs(db, pid).lifer_ipp_released == TODAY - timedelta(days=200)


def test_requirements_and_terminated_sentences(db):
    pid = new_case(db, start=TODAY - timedelta(days=500))  # ended 135 days ago
    [sid] = [x.id for x in _sentences(db, pid)]
    cases.add_requirement(db, sid, "UPW", {"hours": 100}, TODAY - timedelta(days=500))
    got = inputs(db, pid)
    assert [(x.type, x.requirements, x.terminated) for x in got.sentences] == [("CO", ("UPW",), True)]
    assert tiering.tier_view(db, pid, today=TODAY).suggested.tier == NOT_SUPERVISED


def _sentences(db: Database, pid: str):
    from lpt_desktop.store.models import Sentence

    with db.read() as s:
        return list(s.scalars(select(Sentence).where(Sentence.person_id == pid)))


def test_women_parenting_from_children_in_the_household(db):
    pid = new_case(db, gender="Female")
    assert not inputs(db, pid).women.parenting
    case_record.record_circumstance(db, pid, "children", "contact_restricted", TODAY - timedelta(days=60))
    assert not inputs(db, pid).women.parenting
    case_record.record_circumstance(db, pid, "children", "own", TODAY - timedelta(days=10))
    assert inputs(db, pid).women.parenting
    assert not inputs(db, pid, TODAY - timedelta(days=20)).women.parenting  # not yet on that day


def test_breach_or_recall_in_the_last_12_months(db):
    lic = new_case(db, "LIC", gender="Female", start=TODAY - timedelta(days=300))
    [sid] = [x.id for x in _sentences(db, lic)]
    assert not inputs(db, lic).women.breach_or_recall_12m
    case_record.recall(db, sid, TODAY - timedelta(days=40), "Failed to reside at the approved address.", "standard")
    assert inputs(db, lic).women.breach_or_recall_12m
    assert not inputs(db, lic, TODAY + timedelta(days=400)).women.breach_or_recall_12m  # over a year on
    co = new_case(db, gender="Female")
    when = datetime.combine(TODAY - timedelta(days=14), time(10, 0))
    contacts.record_contact(db, co, ContactInput(
        type_code="COAP", starts_at=when, outcome="AFTA", location="Preston office", notes="Did not attend.",
        absence_judgement="unacceptable", enforcement_action="IBR", enforcement_reason="Third failure."),
        now=datetime.combine(TODAY, time(9, 0)))
    assert inputs(db, co).women.breach_or_recall_12m


def test_bulk_inputs_are_the_single_cases_inputs(db):
    pids = [new_case(db, rosh=r) for r in ("L", "M", "H")]
    scores(db, pids[0])
    registers.add_register(db, pids[1], "RCPR", TODAY - timedelta(days=3), today=TODAY)
    with db.read() as s:
        bulk = tiering.tier_inputs_bulk(s, None, TODAY)
        assert all(bulk[p] == tiering.tier_inputs(s, p, TODAY) for p in pids)
        assert tiering.tier_inputs_bulk(s, pids[:1], TODAY).keys() == {pids[0]}


# -- predictor scores -----------------------------------------------------------------------------------
@pytest.mark.parametrize(("kw", "field"), [
    ({"assessed_on": None}, "Assessment date"),
    ({"assessed_on": TODAY + timedelta(days=1)}, "Assessment date"),
    ({"arp": None, "csrp": None}, "Scores"),
    ({"ogrs3": 101.0}, "OGRS3"),
    ({"rsr": -1.0}, "RSR"),
    ({"arp": Predictor(150)}, "ARP"),
    ({"csrp": Predictor(-0.5)}, "CSRP"),
    ({"dc_srp": DcSrp(1.0, "X")}, "DC-SRP band"),
    ({"dc_srp": DcSrp(1.0, None)}, "DC-SRP band"),
    ({"dc_srp": DcSrp(0.4, "M")}, "DC-SRP score"),
])
def test_scores_are_checked_and_nothing_half_saved(db, kw, field):
    pid = new_case(db)
    args: dict[str, Any] = {"assessed_on": TODAY - timedelta(days=1), "arp": Predictor(50), "csrp": Predictor(1),
                            **kw}
    with pytest.raises(ValidationError) as err:
        tiering.record_predictors(db, pid, args.pop("assessed_on"), today=TODAY, **args)
    assert [e.field for e in err.value.errors] == [field]
    assert ":" in err.value.errors[0].message  # what is wrong, then the fix
    with db.read() as s:
        assert s.scalars(select(PredictorScore)).all() == []


def test_scores_are_shown_latest_first_with_their_age_and_old_flag(db):
    pid = new_case(db)
    tiering.record_predictors(db, pid, TODAY - timedelta(weeks=60), arp=Predictor(70), csrp=Predictor(3),
                              today=TODAY)
    ids = tiering.record_predictors(db, pid, TODAY - timedelta(days=92), arp=Predictor(55, static=True),
                                    dc_srp=DcSrp(2.5, "M"), today=TODAY)
    view = tiering.tier_view(db, pid, today=TODAY)
    kinds = [(p.kind, p.assessed_on) for p in view.predictors]
    assert kinds[:3] == [("ARP", TODAY - timedelta(days=92)), ("CSRP", TODAY - timedelta(weeks=60)),
                         ("DCSRP", TODAY - timedelta(days=92))]
    assert kinds[3] == ("ARP", TODAY - timedelta(weeks=60))
    latest_arp = view.predictors[0]
    assert latest_arp.id in ids and latest_arp.static and not latest_arp.old and latest_arp.age_text == "3 months"
    assert view.predictors[1].old and view.predictors[1].age_text == "1 year 1 month"
    assert view.predictors[2].band == "M"
    [event] = [e for e in case_events.timeline(db, pid) if e.kind == "predictors_recorded"][:1]
    assert "DC-SRP 2.5% (M)" in event.summary and "ARP 55% static" in event.summary


# -- accepting and overriding ------------------------------------------------------------------------------
def test_accept_puts_the_suggested_tier_in_force_with_its_working(db):
    pid = new_case(db, rosh="H")
    scores(db, pid, arp=80, csrp=3.5)  # table: CSRP 3.0+ row, ARP 75+ column: B
    view = tiering.tier_view(db, pid, today=TODAY)
    assert (view.scheme, view.in_force, view.suggested.tier, view.differs) == ("2026", None, "B", True)
    did = tiering.accept_tier(db, pid, today=TODAY)
    view = tiering.tier_view(db, pid, today=TODAY)
    assert (view.in_force, view.in_force_scheme, view.differs) == ("B", "2026", False)
    [h] = view.history
    assert (h.id, h.action, h.tier, h.suggested, h.reason, h.decided_on) == (did, "accepted", "B", "B", None, TODAY)
    assert h.working == view.suggested.working and "Alex Morgan" in h.officer
    assert any(e.kind == "tier_accepted" and "Tier B accepted" in e.summary for e in case_events.timeline(db, pid))


@pytest.mark.parametrize(("order", "message"), [(None, "no current order"), ("CO", "ARP and CSRP")])
def test_accept_refuses_when_there_is_nothing_to_accept(db, order, message):
    pid = new_case(db, order)
    expected = NOT_SUPERVISED if order is None else MISSING
    assert tiering.tier_view(db, pid, today=TODAY).suggested.tier == expected
    assert not tiering.tier_view(db, pid, today=TODAY).differs  # nothing the officer could accept
    with pytest.raises(ValidationError, match=message) as err:
        tiering.accept_tier(db, pid, today=TODAY)
    assert err.value.errors[0].field == "Tier"
    with db.read() as s:
        assert s.scalars(select(TierDecision)).all() == []


def test_override_keeps_the_suggestion_and_the_reason_beside_it(db):
    pid = new_case(db)
    scores(db, pid, arp=30, csrp=0.7)  # E
    reason = "Police intelligence shows contact with a known gang this month."
    tiering.accept_tier(db, pid, today=TODAY - timedelta(days=5))
    tiering.override_tier(db, pid, " c ", reason, today=TODAY)
    view = tiering.tier_view(db, pid, today=TODAY)
    assert (view.in_force, view.suggested.tier) == ("C", "E")
    assert not view.differs  # the officer overrode this very suggestion
    assert [(h.action, h.tier, h.suggested) for h in view.history] == [("overridden", "C", "E"),
                                                                         ("accepted", "E", "E")]
    assert view.history[0].reason == reason and view.history[0].working == view.suggested.working
    assert any(e.kind == "tier_overridden" and reason in e.summary for e in case_events.timeline(db, pid))
    # A new suggestion after the override differs again.
    registers.add_register(db, pid, "MAPP", TODAY, category="1", level="1", today=TODAY)
    assert tiering.tier_view(db, pid, today=TODAY).differs


@pytest.mark.parametrize(("tier", "reason", "fields"), [
    ("H", "Police intelligence shows gang contact.", ["Tier"]),
    ("B2", "Police intelligence shows gang contact.", ["Tier"]),  # an A-D tier under the 2026 scheme
    ("", "Police intelligence shows gang contact.", ["Tier"]),
    ("B", "Gang contact.", ["Reason"]),
    ("B", "Intelligence-shows-gang-contact-now", ["Reason"]),  # long enough but not a sentence
    ("Z", "", ["Tier", "Reason"]),
])
def test_override_is_checked(db, tier, reason, fields):
    pid = new_case(db)
    scores(db, pid)
    with pytest.raises(ValidationError) as err:
        tiering.override_tier(db, pid, tier, reason, today=TODAY)
    assert [e.field for e in err.value.errors] == fields
    assert tiering.tier_view(db, pid, today=TODAY).in_force is None


def test_the_earlier_scheme_in_preferences(db):
    assert tiering.tier_scheme(db) == "2026"
    with pytest.raises(ValidationError, match="Tier scheme"):
        tiering.set_tier_scheme(db, "2030")
    tiering.set_tier_scheme(db, "ab03")
    assert tiering.tier_scheme(db) == "ab03"
    pid = new_case(db, rosh="H")
    scores(db, pid, rsr=7.5)
    view = tiering.tier_view(db, pid, today=TODAY)
    assert view.scheme_label.startswith("MoJ A-D")
    assert view.suggested.tier == "B0"  # a community order with no requirement: no mandate for change
    [sid] = [x.id for x in _sentences(db, pid)]
    cases.add_requirement(db, sid, "RAR", {"days": 10}, TODAY - timedelta(days=100))
    view = tiering.tier_view(db, pid, today=TODAY)
    # Protect: RoSH high 20 (RSR 7+ also 20; the larger counts); change: no valid assessment, level 2.
    assert view.suggested.tier == "B2"
    tiering.accept_tier(db, pid, today=TODAY)
    assert tiering.tier_view(db, pid, today=TODAY).in_force_scheme == "ab03"
    tiering.override_tier(db, pid, "a3", "Manager agreed the higher tier at supervision today.", today=TODAY)
    assert tiering.tier_view(db, pid, today=TODAY).in_force == "A3"
    # Back to the 2026 scheme: a tier of the other scheme differs.
    tiering.set_tier_scheme(db, "2026")
    assert tiering.tier_view(db, pid, today=TODAY).differs


# -- the caseload ---------------------------------------------------------------------------------------------
def test_the_caseload_flags_a_differing_suggestion(db):
    accepted, changed, typed, bare = (new_case(db) for _ in range(4))
    for pid in (accepted, changed, typed):
        scores(db, pid, arp=30, csrp=0.7)  # E
    tiering.accept_tier(db, accepted, today=TODAY)
    tiering.accept_tier(db, changed, today=TODAY)
    registers.add_register(db, changed, "MAPP", TODAY, category="1", level="1", today=TODAY)  # now D
    cases.update_person(db, typed, tier="C2")  # typed: an A-D tier by its form
    rows = {r.person_id: r for r in load_caseload(db, TODAY)}
    got = {pid: (rows[pid].tier, rows[pid].tier_scheme, rows[pid].suggested_tier, rows[pid].tier_differs)
           for pid in (accepted, changed, typed, bare)}
    assert got == {accepted: ("E", "2026", "E", False), changed: ("E", "2026", "D", True),
                   typed: ("C2", "ab03", "E", True), bare: ("", "", MISSING, False)}
    # A tier typed without a scheme is read by its form: a letter alone is a 2026 tier.
    assert not tiering.tier_differs("E", "E", None, "2026") and tiering.tier_differs("E", "E", None, "ab03")
    assert not tiering.tier_differs("C2", "C2", None, "ab03") and tiering.tier_differs("C2", "C2S", None, "2026")
    assert tiering.scheme_of_tier("B1S") == "ab03" and tiering.scheme_of_tier("Q") is None
    # The suggestions are kept between loads and looked at again after a write, for the cases written.
    tiering.accept_tier(db, changed, today=TODAY)
    scores(db, bare, arp=95, csrp=8)
    rows = {r.person_id: r for r in load_caseload(db, TODAY)}
    assert (rows[changed].tier, rows[changed].tier_differs) == ("D", False)
    assert (rows[bare].suggested_tier, rows[bare].tier_differs) == ("A", True)
    tiering.set_tier_scheme(db, "ab03")  # another scheme: every suggestion again
    # RoSH medium: protect C; orders with no requirement: no mandate for change.
    assert {r.suggested_tier for r in load_caseload(db, TODAY)} == {"C0"}


# -- the store -------------------------------------------------------------------------------------------------
def test_migration_0012_marks_typed_a_to_d_tiers(tmp_path):
    path = tmp_path / "old.lptdb"
    old = Database.create(path, PASSPHRASE, KdfParams.fast(), revision="0011")
    try:
        with old.engine.begin() as conn:
            for i, tier in enumerate(("B2", "A0S", "C", None)):
                conn.execute(text(
                    "INSERT INTO person (id, created_at, updated_at, crn, first_name, last_name, date_of_birth, "
                    "tier, interpreter_required) VALUES (:id, '2025-06-01 10:00:00', '2025-06-01 10:00:00', :crn, "
                    "'Old', 'Tier', '1980-01-01', :tier, 0)"), {"id": f"p-{i}", "crn": f"A12345{i}", "tier": tier})
    finally:
        old.close()
    db = Database.open(path, PASSPHRASE, migrate=True)
    try:
        assert current_revision(db.engine) == head_revision()
        with db.read() as s:
            got = dict(s.execute(select(Person.tier, Person.tier_scheme).order_by(Person.crn)).all())
        assert got == {"B2": "ab03", "A0S": "ab03", "C": None, None: None}
    finally:
        db.close()


def test_export_and_import_carry_scores_and_decisions(db, tmp_path):
    pid = new_case(db)
    scores(db, pid, arp=30, csrp=0.7, dc_srp=DcSrp(2.25, "M"))
    tiering.accept_tier(db, pid, today=TODAY - timedelta(days=2))
    tiering.override_tier(db, pid, "D", "Manager agreed the higher tier at supervision today.", today=TODAY)
    data = case_transfer.export_cases(db)
    [case] = data["cases"]
    assert {p["kind"] for p in case["predictor_scores"]} == {"ARP", "CSRP", "DCSRP"}
    assert [d["action"] for d in case["tier_decisions"]] == ["accepted", "overridden"]
    other = create_caseload(tmp_path / "other.lptdb", PASSPHRASE, "Jo Other", "LPT0043", kdf=KdfParams.fast())
    try:
        case_transfer.import_cases(other, data)
        assert tiering.tier_view(other, pid, today=TODAY) == tiering.tier_view(db, pid, today=TODAY)
        assert case_transfer.export_cases(other)["cases"] == data["cases"]
    finally:
        other.close()


# -- a bad predictor row: refused on import, and never stops the caseload --------------------------------
def _bad_row(db: Database, pid: str, score: float, band: str) -> None:
    with db.write() as s:  # as a row put in before the import checked it (or by an older version)
        s.add(PredictorScore(person_id=pid, kind="DCSRP", score=score, band=band, static=False,
                             assessed_on=TODAY - timedelta(days=5)))


@pytest.mark.parametrize(("score", "band", "field", "said"), [
    (0.3, "M", "score", "below 0.60"), (2.0, "ZZ", "band", "not a band"), (150.0, "H", "score", "0 to 100")])
def test_import_checks_predictor_rows_as_record_predictors_does(db, tmp_path, score, band, field, said):
    pid = new_case(db)
    scores(db, pid, dc_srp=DcSrp(2.5, "H"))
    data = case_transfer.export_cases(db)
    row = next(p for p in data["cases"][0]["predictor_scores"] if p["kind"] == "DCSRP")
    row.update(score=score, band=band)
    problems = case_transfer.check_file(data)
    assert any(".predictor_scores[" in e.field and e.field.endswith(f".{field}") and said in e.message
               for e in problems), problems
    other = create_caseload(tmp_path / "other.lptdb", PASSPHRASE, "Jo Other", "LPT0043", kdf=KdfParams.fast())
    try:
        with pytest.raises(ValidationError):
            case_transfer.import_cases(other, data)
    finally:
        other.close()


def test_a_bad_stored_score_shows_cannot_tier_on_its_case_and_the_caseload_still_loads(db):
    bad, good = new_case(db), new_case(db)
    scores(db, bad)
    scores(db, good)
    tiering.accept_tier(db, bad, today=TODAY)
    _bad_row(db, bad, 0.3, "M")
    rows = {r.person_id: r for r in load_caseload(db, TODAY)}
    assert rows[bad].suggested_tier == "CANNOT_TIER" and rows[bad].tier_differs
    assert rows[good].suggested_tier not in ("", "CANNOT_TIER")
    view = tiering.tier_view(db, bad, today=TODAY)
    assert view.suggested.tier == "CANNOT_TIER"
    assert view.suggested.working[0].why.startswith("Cannot tier: DC-SRP score ")
    assert "check the score and band in OASys" in view.suggested.working[0].why
    with pytest.raises(ValidationError, match="Cannot tier"):
        tiering.accept_tier(db, bad, today=TODAY)
    tiering.override_tier(db, bad, "C", "The DC-SRP was mistyped; OASys gives a high band, C meanwhile.",
                          today=TODAY)


@pytest.mark.parametrize(("typed", "scheme"), [("B2", "ab03"), ("C", "2026"), ("", None)])
def test_a_tier_typed_on_the_personal_details_takes_the_scheme_of_its_form(db, typed, scheme):
    pid = new_case(db)
    scores(db, pid)
    tiering.accept_tier(db, pid, today=TODAY)  # a 2026 tier in force
    cases.update_person(db, pid, tier=typed or None)
    with db.read() as s:
        p = s.get(Person, pid)
        assert (p.tier or "", p.tier_scheme) == (typed, scheme)


def test_import_refuses_a_tier_whose_scheme_is_not_its_forms(db, tmp_path):
    pid = new_case(db)
    scores(db, pid)
    tiering.accept_tier(db, pid, today=TODAY)
    data = case_transfer.export_cases(db)
    data["cases"][0]["person"]["tier"] = "B2"  # the tier_scheme stays 2026
    assert any(e.field == "cases[0].person.tier_scheme" for e in case_transfer.check_file(data))


def test_only_the_scores_in_use_are_flagged_old_and_superseded_ones_are_not(db):
    pid = new_case(db)
    tiering.record_predictors(db, pid, TODAY - timedelta(weeks=70), rsr=3.08, arp=Predictor(70), csrp=Predictor(3),
                              today=TODAY)
    tiering.record_predictors(db, pid, TODAY - timedelta(weeks=60), rsr=2.0, today=TODAY)  # old, still in use
    tiering.record_predictors(db, pid, TODAY - timedelta(days=30), arp=Predictor(40), today=TODAY)
    view = tiering.tier_view(db, pid, today=TODAY)
    used = {(p.kind, p.score) for p in view.predictors if p.in_use}
    assert used == {("RSR", 2.0), ("ARP", 40), ("CSRP", 3)}
    assert {(p.kind, p.score) for p in view.predictors if not p.in_use} == {("ARP", 70), ("RSR", 3.08)}
    assert next(p for p in view.predictors if p.in_use and p.kind == "RSR").old
