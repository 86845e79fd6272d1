"""The warning letter PDF: pure data in, bytes out; what it says for first and final warnings."""

from __future__ import annotations

import re
from datetime import date

import pytest

from lpt_desktop.reports.warning_letter import both_dates, long_date, warning_letter_pdf
from tests.pdftext import pdf_text as read_pdf_text

BASE = dict(
    name="Jordan O'Neill", crn="L123456", address_lines=["14 Ribble Way", "Fulwood", "Preston", "PR2 8AB"],
    order_label="Community order", court="Preston Magistrates' Court", sentence_date=date(2026, 3, 4),
    failure_on=date(2026, 11, 16), failure_description="failed to attend (office appointment at 10:30)",
    letter="first", officer="Alex Morgan", office="Preston Central", decided_on=date(2026, 11, 23),
    office_lines=["14 Lancaster Road", "Preston", "PR1 2QA"], office_phone="01772 201234",
)


def pdf_text(pdf: bytes, _tmp_path=None) -> str:  # noqa: ANN001
    return re.sub(r"\s+", " ", read_pdf_text(pdf))


def page_count(pdf: bytes) -> int:
    return len(re.findall(rb"/Type /Page\b", pdf))


def test_long_dates_have_no_leading_zero_and_do_not_depend_on_the_locale():
    assert long_date(date(2026, 11, 23)) == "23 November 2026"
    assert long_date(date(2026, 3, 4)) == "4 March 2026"
    assert long_date(date(2026, 11, 16), weekday=True) == "Monday 16 November 2026"
    assert both_dates(date(2026, 3, 4)) == "4 March 2026 (04/03/2026)"


def test_first_warning_on_an_order(tmp_path):
    pdf = warning_letter_pdf(**BASE)
    assert pdf.startswith(b"%PDF")
    assert page_count(pdf) == 1
    text = pdf_text(pdf, tmp_path)
    assert text.count("OFFICIAL-SENSITIVE") == 2  # top and bottom
    for expected in ("Jordan O'Neill", "L123456", "14 Ribble Way", "PR2 8AB",
                     "16/11/2026", "Monday 16 November 2026",  # the failure, both ways
                     "23 November 2026", "23/11/2026",  # the letter's date, both ways
                     "4 March 2026", "Preston Magistrates' Court", "community order",
                     "FIRST WARNING", "Failed to attend (office appointment at 10:30)", "not acceptable",
                     "returned to court", "12 months", "22 November 2027", "Alex Morgan", "Preston Central",
                     "14 Lancaster Road", "PR1 2QA", "01772 201234",
                     "Yours sincerely"):
        assert expected in text, expected
    assert "FINAL WARNING" not in text and "recall" not in text


def test_final_warning_on_a_licence_speaks_of_recall(tmp_path):
    pdf = warning_letter_pdf(**{**BASE, "letter": "second", "order_label": "Licence"})
    assert page_count(pdf) == 1
    text = pdf_text(pdf, tmp_path)
    for expected in ("FINAL WARNING", "final warning", "licence conditions", "recall to prison", "L123456",
                     "16/11/2026"):
        assert expected in text, expected
    assert "FIRST WARNING" not in text and "returned to court" not in text


def test_final_warning_on_an_order(tmp_path):
    text = pdf_text(warning_letter_pdf(**{**BASE, "letter": "second", "order_label": "Suspended sentence order"}),
                    tmp_path)
    assert "FINAL WARNING" in text and "suspended sentence order" in text and "returned to court" in text


def test_names_with_markup_characters_and_missing_details(tmp_path):
    pdf = warning_letter_pdf(**{**BASE, "name": "Sam <Smith> & Co", "address_lines": [], "court": "",
                                "sentence_date": None, "failure_description": ""})
    text = pdf_text(pdf, tmp_path)
    assert "Sam<Smith>&Co" in text.replace(" ", "")  # escaped for reportlab, shown as typed
    assert "community order." in text  # no court, no date: the sentence still reads


def test_the_same_data_gives_the_same_bytes():
    assert warning_letter_pdf(**BASE) == warning_letter_pdf(**BASE)


def test_an_unknown_letter_kind_is_refused():
    with pytest.raises(ValueError, match="Letter"):
        warning_letter_pdf(**{**BASE, "letter": "third"})


def test_a_letter_for_a_warning_in_the_demo_caseload(tmp_path):
    """The letter the app makes (services.letters) for a warning decided in the demo data."""
    from sqlalchemy import select

    from lpt_desktop.services.demo import DemoSpec, create_demo
    from lpt_desktop.services.letters import warning_letter
    from lpt_desktop.store.keyfile import KdfParams
    from lpt_desktop.store.models import Contact, Enforcement, Person
    from tests.conftest import PASSPHRASE

    db = create_demo(tmp_path / "d.lptdb", PASSPHRASE, DemoSpec(cases=40, contacts_per_case=20, seed=2,
                                                                today=date(2026, 11, 23)), kdf=KdfParams.fast())
    try:
        with db.read() as s:
            cid, crn, when = s.execute(
                select(Enforcement.contact_id, Person.crn, Contact.starts_at)
                .join(Contact, Contact.id == Enforcement.contact_id).join(Person, Person.id == Contact.person_id)
                .where(Enforcement.action == "EA02").order_by(Contact.starts_at).limit(1)).one()
        name, pdf = warning_letter(db, cid)
    finally:
        db.close()
    assert crn in name and pdf.startswith(b"%PDF")
    text = pdf_text(pdf, tmp_path)
    assert crn in text and f"{when:%d/%m/%Y}" in text and "FIRST WARNING" in text
    # The demo officer works from Preston Central: its address and phone are on the letter.
    assert "14 Lancaster Road" in text and "PR1 2QA" in text and "01632 960 142" in text


# -- issue 15 item 3: the letter's dates are the decision's, and the period is the breach rule's ----------
def test_the_issue_case_a_warning_decided_on_17_07_2026_runs_to_july_2027(tmp_path):
    from lpt_desktop.domain.enforcement import warning_period

    decided = date(2026, 7, 17)
    text = pdf_text(warning_letter_pdf(**{**BASE, "failure_on": date(2026, 7, 15), "decided_on": decided}))
    assert "Date: 17 July 2026 (17/07/2026)" in text
    assert "(up to 16 July 2027)" in text
    assert long_date(warning_period(decided)[1]) == "16 July 2027"  # the same function the breach rule uses
    assert "December 2027" not in text and "23 November" not in text


def test_without_an_office_phone_the_letter_points_to_the_appointment_card():
    text = pdf_text(warning_letter_pdf(**{**BASE, "office_lines": [], "office_phone": ""}))
    assert "the number on your appointment card" in text and "Phone:" not in text


def _caseload_with_a_warning(tmp_path, decided_on: date):
    """A caseload with one community order, a failure to attend on 15/07/2026 and a warning decided then."""
    from datetime import datetime

    from lpt_desktop.domain.contacts import ContactInput
    from lpt_desktop.services.cases import add_person, add_sentence
    from lpt_desktop.services.contacts import decide_enforcement, record_contact
    from lpt_desktop.services.unlock import create_caseload
    from lpt_desktop.store.keyfile import KdfParams
    from tests.conftest import PASSPHRASE

    db = create_caseload(tmp_path / "w.lptdb", PASSPHRASE, "Alex Morgan", "LPT0042", kdf=KdfParams.fast(),
                         team="Preston Central")
    pid = add_person(db, crn="L654321", first_name="Zoë", last_name="O'Brien", date_of_birth=date(1990, 4, 2),
                     officer_id=db.officer_id, today=date(2020, 1, 1))
    add_sentence(db, pid, order_type="CO", start_date=date(2026, 3, 2), end_date=date(2028, 3, 1))
    cid = record_contact(db, pid, ContactInput(type_code="COAP", starts_at=datetime(2026, 7, 15, 10, 30),
                                               outcome="AFTA", absence_judgement="unacceptable",
                                               notes="Did not attend."), now=datetime(2026, 7, 15, 17, 0))
    decide_enforcement(db, cid, "EA02", "No reason given.", on=decided_on)
    return db, pid, cid


def test_a_reprinted_letter_carries_the_decision_date_and_the_office(tmp_path):
    """Reprinted on 23/11/2026 (the frozen today), the letter is still dated 17/07/2026 and runs to July 2027;
    the breach rule treats a failure on 16/07/2027 as within the warning and one on 17/07/2027 as not."""
    from lpt_desktop.services.letters import warning_letter
    from lpt_desktop.services.offices import OfficeIn, save_office, set_officer_office

    db, _pid, cid = _caseload_with_a_warning(tmp_path, date(2026, 7, 17))
    try:
        set_officer_office(db, save_office(db, OfficeIn("Preston Central", ("14 Lancaster Road", "Preston"),
                                                        "pr1 2qa", "01772 201234")))
        _name, pdf = warning_letter(db, cid)
    finally:
        db.close()
    text = pdf_text(pdf)
    assert "17 July 2026 (17/07/2026)" in text and f"{date.today():%d/%m/%Y}" not in text  # not today (time_machine)
    assert "(up to 16 July 2027)" in text
    assert "14 Lancaster Road" in text and "PR1 2QA" in text and "01772 201234" in text


@pytest.mark.parametrize(("second_failure", "kind"), [(date(2027, 7, 16), "breach"), (date(2027, 7, 17), "warning")])
def test_the_breach_rule_agrees_with_the_letter_about_the_period(tmp_path, second_failure, kind):
    """The first failure (15/07/2026) is out of the 12-month count by then: only the warning decides."""
    from datetime import datetime

    from lpt_desktop.domain.contacts import ContactInput
    from lpt_desktop.services.contacts import list_contacts, record_contact

    db, pid, _cid = _caseload_with_a_warning(tmp_path, date(2026, 7, 17))
    try:
        at = datetime.combine(second_failure, datetime.min.time()).replace(hour=10)
        f2 = record_contact(db, pid, ContactInput(type_code="COAP", starts_at=at, outcome="UAAB", notes="Absent."),
                            now=at.replace(hour=17))
        need = next(v for v in list_contacts(db, pid) if v.id == f2).requirement
    finally:
        db.close()
    assert need is not None and (need.kind, need.number) == (kind, 1)
    assert ("17/07/2026" in need.why) is (kind == "breach")
