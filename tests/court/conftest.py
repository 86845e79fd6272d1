"""A small real caseload (SQLCipher file) with one known person for court work tests."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

import pytest

from lpt_desktop.services.cases import add_person, add_registration, add_requirement, add_sentence
from lpt_desktop.services.unlock import create_caseload
from lpt_desktop.store.database import Database
from lpt_desktop.store.keyfile import KdfParams
from lpt_desktop.store.models import Address, Contact, Enforcement
from tests.conftest import PASSPHRASE

TODAY = date(2026, 11, 23)
COURT = dict(court="Preston Magistrates' Court", lja="Lancashire")

# A full standard delivery report's sections, as the writer would save them.
FULL = {
    "offence_details": {"main_offence": "Theft from a shop", "offence_date": "14/10/2026",
                        "other_offences": "Failing to surrender", "summary": "Took goods worth £86; admitted it."},
    "offence_analysis": {"analysis": "Stole to buy heroin; accepts responsibility.",
                         "pattern": "Shop theft since 2014, always when using."},
    "offender_assessment": {"issues": ["accommodation", "substance_misuse"], "issues_detail": "Sofa-surfing.",
                            "trauma": "Time in care.", "caring_responsibilities": "None.",
                            "vulnerability": "Low mood; one overdose in 2024."},
    "risk": {"likelihood": "High.", "predictors": "OGRS3 1 year 58%", "rosh_level": "M",
             "rosh_summary": "Shop staff when challenged.", "previous_supervision": "One warning in 2023."},
    "proposal": {"sentence": "CO", "length_months": 18,
                 "requirements": [{"type_code": "UPW", "params": {"hours": 80}},
                                  {"type_code": "DRR", "params": {"months": 6, "testing": True}}],
                 "outline_plan": "Drug treatment; housing referral; risk reviews; GP referral for low mood.",
                 "plan_addresses": ["accommodation", "substance_misuse", "risk", "vulnerability"],
                 "alternatives": "SSO considered.", "equality_considered": True},
    "sources": {"used": ["interview", "cps", "oasys", "domestic_abuse", "childrens_services"]},
    "sign_off": {"author": "Alex Morgan", "role": "Probation officer", "office": "Preston Central"},
}


@dataclass
class Caseload:
    db: Database
    person_id: str
    crn: str


@pytest.fixture
def caseload(tmp_path) -> Caseload:
    db = create_caseload(tmp_path / "court.lptdb", PASSPHRASE, "Alex Morgan", "LPT0042", kdf=KdfParams.fast(),
                         team="Preston Central")
    pid = add_person(db, crn="P123456", first_name="Dale", last_name="Whittaker", date_of_birth=date(1990, 5, 6),
                     pnc="2008/0123456A", gender="Male", ethnicity="White: British", first_language="English",
                     caring_responsibilities="Looks after his mother at weekends", rosh="M", today=TODAY)
    sid = add_sentence(db, pid, order_type="CO", start_date=date(2025, 1, 10), end_date=date(2026, 1, 9),
                       offence="Theft", court="Preston Magistrates' Court", sentence_date=date(2025, 1, 10),
                       length_months=12)
    add_requirement(db, sid, "UPW", {"hours": 100})
    add_registration(db, pid, "ALSH", date(2025, 3, 1))
    add_registration(db, pid, "MAPP", date(2025, 3, 1), category="2", level="1")
    with db.write() as s:
        s.add(Address(person_id=pid, line1="12 Fishergate", town="Preston", postcode="PR1 2AA", status="main",
                      from_date=date(2024, 1, 1)))
        kept = [Contact(person_id=pid, type_code="COAP", starts_at=datetime(2025, m, 5, 10), outcome="ATTC",
                        needs=["accommodation", "drugs"] if m % 2 else ["alcohol"]) for m in range(2, 10)]
        missed = Contact(person_id=pid, type_code="COAP", starts_at=datetime(2025, 10, 6, 10), outcome="UAAB")
        recent = Contact(person_id=pid, type_code="COAP", starts_at=datetime(2026, 6, 1, 10), outcome="ATTC",
                         needs=["ete", "thinking_behaviour"])
        s.add_all([*kept, missed, recent])
        s.flush()
        s.add(Enforcement(contact_id=missed.id, person_id=pid, action="EA02", decided_on=date(2025, 10, 7),
                          required_kind="warning", failure_number=1))
    yield Caseload(db, pid, "P123456")
    db.close()
