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
    letter="first", officer="Alex Morgan", office="Preston Central", issued_on=date(2026, 11, 23),
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
                     "returned to court", "12 months", "23 November 2027", "Alex Morgan", "Preston Central",
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
        name, pdf = warning_letter(db, cid, date(2026, 11, 23))
    finally:
        db.close()
    assert crn in name and pdf.startswith(b"%PDF")
    text = pdf_text(pdf, tmp_path)
    assert crn in text and f"{when:%d/%m/%Y}" in text and "FIRST WARNING" in text
