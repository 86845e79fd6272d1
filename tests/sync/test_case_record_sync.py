"""The editable case record's tables sync by registration alone (issue 16): what one laptop records reaches the
other, the timeline too, and the same field edited on both is a visible conflict, never a silent overwrite."""

from __future__ import annotations

from datetime import date, timedelta

from lpt_desktop.services import case_record as cr
from lpt_desktop.services import registers
from lpt_desktop.services import sync as sync_service
from lpt_desktop.store.case_record_models import Alias, CaseEvent, Circumstance, PersonalContact, SentenceEvent
from lpt_desktop.store.models import Address, Person, Registration, Sentence
from tests.sync.cases import get, ids, snapshot

RECORD = (Person, Address, Sentence, Registration, Alias, Circumstance, PersonalContact, SentenceEvent, CaseEvent)
GP = cr.PersonalContactIn("gp", "Dr Patel", "Fishergate Surgery", "01772 111222")


def test_the_case_record_reaches_the_other_laptop_and_same_field_edits_conflict(central, laptop_factory, unique):
    om = central.add_user(f"om-{unique}", team=f"team-{unique}")
    a, b = laptop_factory(om), laptop_factory(om)  # a team manager writes no case records (issue 19)
    today = date.today()  # real clock, not time_machine: the server stamps with it (tests/conftest.py)
    start = today - timedelta(days=90)
    pid = cr.create_case(a.db, cr.NewCase(f"Y{int(unique, 16) % 1_000_000:06d}", "Dana", "Walsh", date(1990, 4, 1),
                                          cr.SentenceIn("CO", start, start + timedelta(days=365), requirements=(
                                              cr.RequirementIn("UPW", {"hours": 80}),)),
                                          address=cr.AddressIn("12 Fishergate", "", "Preston", "PR1 2AA")))
    cr.add_alias(a.db, pid, "Dana", "Smith", "birth")
    cr.record_circumstance(a.db, pid, "ete", "full_time", today - timedelta(days=3))
    cr.new_main_address(a.db, pid, cr.AddressIn("3 Moor Lane", "", "Lancaster", "LA1 1QD"), today)
    registers.add_register(a.db, pid, "ADVP", today - timedelta(days=1))
    contact = cr.add_personal_contact(a.db, pid, GP)
    a.sync()
    b.sync()
    for model in RECORD:
        assert ids(a.db, model) == ids(b.db, model), model.__tablename__
    assert len(ids(b.db, CaseEvent)) >= 6 and get(b.db, PersonalContact, contact).name == "Dr Patel"
    assert snapshot(a.db, RECORD) == snapshot(b.db, RECORD)
    # The same field changed on both laptops: a conflict both see, the server's value shown meanwhile.
    cr.update_personal_contact(a.db, contact, cr.PersonalContactIn("gp", "Dr Patel", phone="01772 333444"))
    cr.update_personal_contact(b.db, contact, cr.PersonalContactIn("gp", "Dr Patel", phone="01772 555666"))
    a.sync()
    assert b.sync().conflicts == 1
    [c] = sync_service.list_conflicts(b.db)
    assert (c.kind, c.record_id, c.fields) == ("personal_contact", contact, ["phone"])
    assert get(b.db, PersonalContact, contact).phone == "01772 333444"
