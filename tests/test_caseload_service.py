"""The caseload list: one row per person, with order, tier, RoSH, flags and the next thing due."""

from __future__ import annotations

import re
from datetime import date, datetime, time

import pytest
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from lpt_desktop.domain.reference import reference
from lpt_desktop.services.caseload import FLAG_ORDER, caseload_json, load_caseload
from lpt_desktop.services.cases import add_person, add_registration, add_sentence
from lpt_desktop.services.obligations import case_obligations, next_due
from lpt_desktop.services.unlock import create_caseload, unlock
from lpt_desktop.standards.obligations import RULE_LABELS
from lpt_desktop.store.keyfile import KdfParams
from lpt_desktop.store.models import Contact, Person, Registration, Sentence
from tests.conftest import DEMO_TODAY, PASSPHRASE

TODAY = date(2026, 11, 23)


def is_review(what: str, register_label: str) -> bool:
    """A register review is named generically or by its register ("MAPPA review")."""
    return what in ("Register review", f"{register_label} review")


# -- the 60-case demo caseload --------------------------------------------------------------------

@pytest.fixture
def demo(demo_db):
    db = unlock(demo_db, PASSPHRASE)
    yield db
    db.close()


def test_demo_caseload_rows(demo):
    rows = load_caseload(demo, DEMO_TODAY)
    assert len(rows) == 60
    assert len({r.person_id for r in rows}) == 60
    assert len({r.crn for r in rows}) == 60
    ref = reference()
    rosh_labels = {lvl.label for lvl in ref.rosh_levels.values()}
    for r in rows:
        assert re.fullmatch(r"L\d{6}", r.crn), r.crn
        assert re.fullmatch(r"[^,]+, [^,]+", r.name), r.name
        assert r.order_type in ref.order_types
        assert r.order_label == ref.order_types[r.order_type].label
        # A tier put in force under the 2026 scheme, or a few still typed under the earlier A-D one (issue 17).
        assert re.fullmatch(r"[A-G]" if r.tier_scheme == "2026" else r"[A-D][0-3]", r.tier), r
        assert r.tier_scheme in ("2026", "ab03") and re.fullmatch(r"[A-G]", r.suggested_tier)
        assert r.rosh in ref.rosh_levels
        assert r.rosh_label in rosh_labels
        assert r.rosh_label == ref.rosh_levels[r.rosh].label
        assert r.rosh_rank == ref.rosh_levels[r.rosh].rank
        assert set(r.flags) <= {"MAPPA", "CP", "DA", "PPO"}
        assert list(r.flags) == [f for f in FLAG_ORDER if f in r.flags]  # fixed order, no repeats
        assert bool(r.mappa) == ("MAPPA" in r.flags)
        if r.mappa:
            assert re.fullmatch(r"Cat [123] Level [123]", r.mappa)
        # A case with nothing due, overdue or opening soon (all met, contact past the two-thirds point)
        # has an empty column; most demo cases have something next.
        if r.next_due is None:
            assert (r.next_due_what, r.next_due_status) == ("", "")
            continue
        assert r.next_due_what in RULE_LABELS.values() or r.next_due_what.endswith(" review")
        assert r.next_due_status in ("overdue", "due", "upcoming")
        if r.next_due_status == "overdue":
            assert r.next_due < DEMO_TODAY
        if r.next_due_status == "upcoming":
            assert r.next_due >= DEMO_TODAY
    assert sum(r.next_due is not None for r in rows) >= 50
    for r in rows:
        if r.next_appointment is not None:
            assert r.next_appointment.date() >= DEMO_TODAY


def test_demo_caseload_is_sorted_by_surname_then_forename(demo):
    rows = load_caseload(demo, DEMO_TODAY)
    keys = [tuple(r.name.split(", ", 1)) for r in rows]
    assert keys == sorted(keys)
    assert len({k[0] for k in keys}) > 10  # a real spread of surnames, so the order means something


def test_demo_caseload_matches_the_records(demo):
    """next_due is the case screen's; the next appointment, flags and order agree with each person's rows."""
    ref = reference()
    rows = {r.person_id: r for r in load_caseload(demo, DEMO_TODAY)}
    start_of_today = datetime.combine(DEMO_TODAY, time.min)
    with demo.read() as s:
        people = s.scalars(select(Person).options(selectinload(Person.registrations),
                                                  selectinload(Person.sentences))).all()
        contacts: dict[str, list[Contact]] = {}
        for c in s.scalars(select(Contact)):
            contacts.setdefault(c.person_id, []).append(c)
    assert {p.id for p in people} == set(rows)
    for p in people:
        row = rows[p.id]
        active = [g for g in p.registrations if g.ended_on is None]
        first = next_due(case_obligations(demo, p.id, DEMO_TODAY))  # one definition of due everywhere
        assert (row.next_due, row.next_due_what, row.next_due_status) == (
            (first.due_by, first.label, first.status) if first else (None, "", "")), row.crn
        appts = [c.starts_at for c in contacts.get(p.id, []) if c.outcome is None and c.starts_at >= start_of_today]
        assert row.next_appointment == min(appts, default=None), row.crn
        flags = {ref.register_types[g.type_code].flag for g in active} - {None}
        assert set(row.flags) == flags
        current = [x for x in p.sentences if x.terminated_on is None]
        assert row.order_type == max(current, key=lambda x: x.start_date).order_type
        assert (row.tier, row.rosh) == (p.tier, p.rosh)


def test_demo_caseload_has_some_of_everything(demo):
    """A 60-case demo shows the variety the window needs (orders, flags, RoSH levels)."""
    rows = load_caseload(demo, DEMO_TODAY)
    assert {r.order_type for r in rows} >= {"CO", "LIC"}
    assert any(r.flags for r in rows)
    assert any(not r.flags for r in rows)
    assert any(r.next_appointment for r in rows)
    assert len({r.next_due_status for r in rows}) >= 2
    assert len({r.rosh for r in rows}) >= 3


def test_json_items(demo):
    rows = load_caseload(demo, DEMO_TODAY)
    items = caseload_json(rows)
    assert len(items) == 60
    for item, row in zip(items, rows, strict=True):
        assert {"crn", "name", "order_type", "tier", "rosh", "next_due"} <= set(item)
        assert item["crn"] == row.crn
        assert item["name"] == row.name
        assert item["order_type"] == row.order_type
        assert item["rosh"] == row.rosh_label
        assert item["next_due"] == (row.next_due.isoformat() if row.next_due else None)
        assert (item["tier_scheme"], item["suggested_tier"], item["tier_differs"]) == (
            row.tier_scheme or None, row.suggested_tier or None, row.tier_differs)
        assert item["flags"] == list(row.flags)


# -- a small hand-made caseload with known dates ----------------------------------------------------

def _contact(s, person_id: str, when: datetime, outcome: str | None = None, type_code: str = "COAP") -> None:
    s.add(Contact(person_id=person_id, type_code=type_code, starts_at=when, outcome=outcome,
                  location="Preston office"))


@pytest.fixture
def handmade(tmp_path):
    db = create_caseload(tmp_path / "hand.lptdb", PASSPHRASE, "Alex Morgan", "LPT0042", kdf=KdfParams.fast())
    ids: dict[str, str] = {}

    def person(key: str, crn: str, first: str, last: str, **kw) -> str:
        ids[key] = add_person(db, crn=crn, first_name=first, last_name=last, date_of_birth=date(1988, 5, 17),
                              today=TODAY, **kw)
        return ids[key]

    # Adams: MAPPA review due 28/11/2026 beats an appointment on 01/12/2026.
    a = person("adams", "A100001", "Zoe", "Adams", tier="A2", rosh="VH")
    add_sentence(db, a, order_type="CO", start_date=date(2026, 6, 1), end_date=date(2027, 6, 1))
    add_registration(db, a, "MAPP", date(2026, 8, 28), category="2", level="1")
    # Brown: a missed appointment in the past and a future one already given an outcome do not count.
    b = person("brown", "B100002", "Yusuf", "Brown", tier="C1", rosh="M")
    add_sentence(db, b, order_type="LIC", start_date=date(2026, 3, 1), end_date=date(2027, 3, 1))
    add_registration(db, b, "ADVP", date(2026, 10, 1))  # review 01/01/2027
    # Clarke: nothing at all.
    person("clarke", "C100003", "Xavier", "Clarke")
    # Davies: CP and PPO flags, a flagless register, an ended MAPPA entry; appointment today at 08:00.
    d = person("davies", "D100004", "Wendy", "Davies", tier="B3", rosh="H")
    add_sentence(db, d, order_type="SSO", start_date=date(2026, 2, 1), end_date=date(2027, 8, 1))
    add_registration(db, d, "RCPR", date(2026, 9, 10))  # review 10/12/2026
    add_registration(db, d, "IIOM", date(2026, 7, 1))  # review 01/01/2027
    add_registration(db, d, "WEAP", date(2026, 10, 1))
    ended = add_registration(db, d, "MAPP", date(2026, 6, 1), category="1", level="2")  # review 01/09/2026
    # Evans, Victor: an overdue register review (01/11/2026) still shows as what is due.
    e = person("evans_v", "E100005", "Victor", "Evans", tier="C2", rosh="L")
    add_sentence(db, e, order_type="PSS", start_date=date(2026, 5, 1), end_date=date(2027, 5, 1))
    add_registration(db, e, "ADVP", date(2026, 8, 1))
    # Evans, Alice: every flag; sorts before Victor.
    f = person("evans_a", "E100006", "Alice", "Evans", tier="A1", rosh="H")
    for code in ("APPO", "ADVP", "RCPR"):
        add_registration(db, f, code, date(2026, 11, 1))
    add_registration(db, f, "MAPP", date(2026, 11, 1), category="3", level="3")
    # Fisher: an older active CO and a newer licence: the newest current sentence is shown.
    g = person("fisher", "F100007", "Uma", "Fisher")
    add_sentence(db, g, order_type="CO", start_date=date(2025, 1, 1), end_date=date(2027, 1, 1))
    add_sentence(db, g, order_type="LIC", start_date=date(2026, 2, 1), end_date=date(2027, 2, 1))
    # Green: a newer SSO that was terminated; the older active CO is current.
    h = person("green", "G100008", "Tom", "Green")
    add_sentence(db, h, order_type="CO", start_date=date(2025, 9, 1), end_date=date(2027, 9, 1))
    newer = add_sentence(db, h, order_type="SSO", start_date=date(2026, 4, 1), end_date=date(2027, 4, 1))

    with db.write() as s:
        _contact(s, a, datetime(2026, 12, 1, 10, 0))
        _contact(s, a, datetime(2026, 11, 10, 10, 0), outcome="ATTC")
        _contact(s, b, datetime(2026, 11, 20, 9, 30))  # in the past, no outcome recorded
        _contact(s, b, datetime(2026, 11, 25, 11, 0), outcome="RSOF")  # future, already has an outcome
        _contact(s, b, datetime(2026, 12, 5, 14, 0))
        _contact(s, b, datetime(2026, 12, 19, 14, 0))
        _contact(s, d, datetime(2026, 11, 23, 8, 0))
        _contact(s, d, datetime(2026, 11, 22, 23, 59))  # yesterday: does not count
        _contact(s, e, datetime(2026, 11, 30, 9, 0))
        s.get(Registration, ended).ended_on = date(2026, 10, 15)
        s.get(Sentence, newer).terminated_on = date(2026, 8, 1)
    yield db, ids
    db.close()


def _by_crn(db, today: date = TODAY) -> dict[str, object]:
    return {r.crn: r for r in load_caseload(db, today)}


def test_handmade_order_of_rows(handmade):
    db, _ids = handmade
    assert [r.name for r in load_caseload(db, TODAY)] == [
        "Adams, Zoe", "Brown, Yusuf", "Clarke, Xavier", "Davies, Wendy", "Evans, Alice", "Evans, Victor",
        "Fisher, Uma", "Green, Tom",
    ]


def test_overdue_home_visit_comes_before_reviews_and_appointments(handmade):
    """Adams (VH, order from 01/06/2026) was first seen on 10/11/2026, late; no home visit in 15 days."""
    db, ids = handmade
    row = _by_crn(db)["A100001"]
    assert row.person_id == ids["adams"]
    assert (row.next_due, row.next_due_what, row.next_due_status) == (date(2026, 6, 16), "Home visit", "overdue")
    assert row.next_appointment == datetime(2026, 12, 1, 10, 0)
    assert row.flags == ("MAPPA",)
    assert row.mappa == "Cat 2 Level 1"
    assert (row.order_type, row.order_label) == ("CO", "Community order")
    assert (row.tier, row.rosh, row.rosh_label, row.rosh_rank) == ("A2", "VH", "Very high", 4)


def test_recording_a_contact_moves_next_due_on(handmade):
    """The column is recomputed after a write: with the home visit done, the MAPPA review (28/11) is next."""
    db, ids = handmade
    assert _by_crn(db)["A100001"].next_due == date(2026, 6, 16)
    with db.write() as s:
        # Very high RoSH: management oversight is owed too (the first by 29/06, then every 3 months); a manager
        # recorded it, so it is not what comes next.
        for seen in (datetime(2026, 6, 20, 10, 0), datetime(2026, 10, 20, 10, 0)):
            _contact(s, ids["adams"], seen, outcome="ATTC", type_code="MO1")
    assert _by_crn(db)["A100001"].next_due == date(2026, 6, 16)  # the home visit still comes first
    with db.write() as s:
        _contact(s, ids["adams"], datetime(2026, 6, 12, 15, 0), outcome="ATTC", type_code="CHVS")
    row = _by_crn(db)["A100001"]
    assert (row.next_due, row.next_due_status) == (date(2026, 11, 28), "due")
    assert is_review(row.next_due_what, "MAPPA")


def test_appointment_with_outcome_or_in_the_past_does_not_count(handmade):
    db, _ids = handmade
    row = _by_crn(db)["B100002"]
    assert row.next_appointment == datetime(2026, 12, 5, 14, 0)
    # A past appointment with no outcome meets nothing: the licence's first contact (by 06/03/2026) is overdue.
    assert (row.next_due, row.next_due_what, row.next_due_status) == (date(2026, 3, 6), "First contact", "overdue")
    assert row.flags == ("DA",)
    assert row.mappa == ""
    assert (row.order_type, row.order_label) == ("LIC", "Licence")


def test_nothing_due_and_no_sentence(handmade):
    db, _ids = handmade
    row = _by_crn(db)["C100003"]
    assert (row.next_due, row.next_due_what, row.next_due_status, row.next_appointment) == (None, "", "", None)
    assert row.flags == ()
    assert row.mappa == ""
    assert (row.order_type, row.order_label) == ("", "No current order")
    assert (row.tier, row.rosh, row.rosh_label, row.rosh_rank) == ("", "", "Not assessed", 0)


def test_appointment_today_counts_and_ended_register_does_not(handmade):
    db, _ids = handmade
    row = _by_crn(db)["D100004"]
    assert row.next_appointment == datetime(2026, 11, 23, 8, 0)
    assert (row.next_due, row.next_due_what) == (date(2026, 2, 6), "First contact")  # SSO from Sunday 01/02
    assert row.flags == ("CP", "PPO")
    assert row.mappa == ""  # the MAPPA entry ended
    assert row.order_type == "SSO"


def test_ended_register_review_is_not_due(handmade):
    """Davies' ended MAPPA entry had a review on 01/09/2026; only the live registers' reviews are owed."""
    db, ids = handmade
    reviews = {(o.label, o.due_by, o.status) for o in case_obligations(db, ids["davies"], date(2026, 11, 24))
               if o.rule == "register_review"}
    assert reviews == {("Child protection review", date(2026, 12, 10), "upcoming"),  # due from 26/11
                       ("Integrated offender management (IOM) review", date(2027, 1, 1), "upcoming"),
                       ("Weapons review", date(2027, 1, 1), "upcoming")}


def test_overdue_register_review_is_shown(handmade):
    db, ids = handmade
    row = _by_crn(db)["E100005"]
    # PSS from 01/05/2026: first contact within 5 working days, over the early May bank holiday (04/05).
    assert (row.next_due, row.next_due_what, row.next_due_status) == (date(2026, 5, 11), "First contact", "overdue")
    [review] = [o for o in case_obligations(db, ids["evans_v"], TODAY) if o.rule == "register_review"]
    assert (review.due_by, review.status) == (date(2026, 11, 1), "overdue")
    assert is_review(review.label, "Domestic abuse perpetrator")
    assert row.order_type == "PSS"


def test_all_flags_in_fixed_order(handmade):
    db, _ids = handmade
    row = _by_crn(db)["E100006"]
    assert row.flags == ("MAPPA", "CP", "DA", "PPO")
    assert row.mappa == "Cat 3 Level 3"
    assert row.next_due == date(2027, 2, 1)  # every register reviewed 3 months after 01/11/2026


def test_newest_current_sentence_is_shown(handmade):
    db, _ids = handmade
    rows = _by_crn(db)
    assert rows["F100007"].order_type == "LIC"
    assert rows["G100008"].order_type == "CO"


def test_next_due_follows_today(handmade):
    db, _ids = handmade
    # Before Adams' order starts, the first contact is upcoming; in its five working days it is due.
    assert _by_crn(db, date(2026, 5, 25))["A100001"].next_due_status == "upcoming"
    row = _by_crn(db, date(2026, 6, 3))["A100001"]
    assert (row.next_due, row.next_due_what, row.next_due_status) == (date(2026, 6, 8), "First contact", "due")
    row = _by_crn(db, date(2026, 6, 9))["A100001"]
    assert (row.next_due, row.next_due_status) == (date(2026, 6, 8), "overdue")
    # Evans, Alice has no sentence: only her register reviews, due from two weeks before 01/02/2027.
    assert _by_crn(db, date(2027, 1, 10))["E100006"].next_due_status == "upcoming"
    assert _by_crn(db, date(2027, 1, 20))["E100006"].next_due_status == "due"


def test_handmade_json(handmade):
    db, _ids = handmade
    items = {i["crn"]: i for i in caseload_json(load_caseload(db, TODAY))}
    a = items["A100001"]
    assert (a["name"], a["order_type"], a["tier"], a["rosh"], a["next_due"]) == (
        "Adams, Zoe", "CO", "A2", "Very high", "2026-06-16")
    assert a["flags"] == ["MAPPA"]
    assert a["mappa"] == "Cat 2 Level 1"
    c = items["C100003"]
    assert (c["tier"], c["rosh"], c["next_due"], c["mappa"], c["flags"]) == (None, "Not assessed", None, None, [])


def test_search_key_is_crn_and_name_casefolded(handmade):
    db, _ids = handmade
    row = _by_crn(db)["A100001"]
    assert row.search_key == "a100001 adams, zoe"


def test_one_definition_of_overdue_for_the_red_rows_and_the_count(demo):
    """A case is overdue when anything of it is; the caseload's rows and the due items' case counts agree."""
    from lpt_desktop.services.caseload import case_standing, count_cases, due_order, is_overdue
    from lpt_desktop.services.obligations import caseload_due

    assert case_standing(["upcoming", "overdue", "due"]) == "overdue"
    assert case_standing(["upcoming", "due"]) == "due"
    assert case_standing([]) == ""
    assert count_cases([("a", "overdue"), ("a", "overdue"), ("a", "due"), ("b", "due"), ("c", "upcoming")]) == {
        "overdue": 1, "due": 1, "upcoming": 1}
    rows = load_caseload(demo, DEMO_TODAY)
    overdue_rows = {r.person_id for r in rows if is_overdue(r)}
    items = caseload_due(demo, DEMO_TODAY, 7)
    overdue_items = [i for i in items if i.obligation.status == "overdue"]
    assert overdue_rows and len(overdue_items) > len(overdue_rows), "some case owes more than one thing"
    assert {i.person_id for i in overdue_items} == overdue_rows
    assert count_cases((i.person_id, i.obligation.status) for i in items)["overdue"] == len(overdue_rows)
    # The default order puts them first.
    ordered = sorted(rows, key=due_order)
    assert {r.person_id for r in ordered[: len(overdue_rows)]} == overdue_rows


def test_the_kept_awaiting_column_is_read_again_after_any_write(tmp_path, monkeypatch):
    """load_caseload keeps the awaiting-countersignature column until a write (write_count); a write makes it read
    again (the cases the write names), and what it keeps is what a fresh read says."""
    from lpt_desktop.services import caseload as module
    from lpt_desktop.services.countersign import awaiting_by_person
    from lpt_desktop.services.demo import DemoSpec, create_demo
    from lpt_desktop.store.keyfile import KdfParams
    from tests.conftest import DEMO_TODAY, PASSPHRASE

    path = tmp_path / "c.lptdb"
    db = create_demo(path, PASSPHRASE, DemoSpec(cases=12, contacts_per_case=4, seed=3, today=DEMO_TODAY),
                     kdf=KdfParams.fast())
    calls: list[object] = []
    real = module.awaiting_of

    def counted(s, person_ids, refused):  # noqa: ANN001, ANN202
        calls.append(person_ids)
        return real(s, person_ids, refused)

    monkeypatch.setattr(module, "awaiting_of", counted)
    try:
        first = module.load_caseload(db, DEMO_TODAY)
        again = module.load_caseload(db, DEMO_TODAY)
        assert calls == [None] and first == again
        assert {r.person_id: r.rosh_signing for r in again if r.rosh_signing} == awaiting_by_person(db)
        with db.write() as s:  # any write: the next load reads again, the case it names
            person = s.execute(module.select(module.Person).limit(1)).scalar_one()
            person.tier = "B2"
            pid = person.id
        module.load_caseload(db, DEMO_TODAY)
        assert calls == [None, {pid}]
    finally:
        db.close()
