"""Every PDF the app makes prints any European name as typed: one embedded font (DejaVu Sans), no standard font.

Each builder is called as the app calls it, with a name carrying Welsh, Polish, Irish and other European
letters; the name must come back out of the PDF's text, and no page may list one of reportlab's standard
14 fonts (they cover Latin-1 only: "Ł" printed as a black box).
"""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime

import pytest
from pypdf import PdfReader

from lpt_desktop.domain.court_views import ReportDraft
from lpt_desktop.reports.caseload_report import caseload_pdf
from lpt_desktop.reports.court_report import build_report_pdf
from lpt_desktop.reports.rosh_pdf import (
    LevelRow,
    PlanAction,
    PlanSection,
    RiskPlan,
    RoshDocument,
    RoshPerson,
    SummarySection,
    build_rosh_pdf,
)
from lpt_desktop.reports.warning_letter import warning_letter_pdf
from tests.pdftext import pdf_text
from tests.test_warning_letter import BASE as LETTER

# Welsh ŵ ŷ, Polish Ł ń ż, Irish Ó Á, German ß, Danish/Norwegian ø å, French é ç, Turkish ğ ş, Hungarian ő.
WORDS = ("Ŵyn-Llŷr", "Łukasz", "Kańżak", "Ó Briain", "Áine", "Weiß", "Bjørn", "Ångström", "Éloïse",
         "François", "Doğan", "Şahin", "Erdős", "Zoë O'Brien")
NAME = " ".join(WORDS)
STANDARD_14 = {"Courier", "Courier-Bold", "Courier-Oblique", "Courier-BoldOblique", "Helvetica",
               "Helvetica-Bold", "Helvetica-Oblique", "Helvetica-BoldOblique", "Times-Roman", "Times-Bold",
               "Times-Italic", "Times-BoldItalic", "Symbol", "ZapfDingbats"}


@dataclass(frozen=True)
class Line:
    """One caseload row, as services.caseload.CaseloadRow gives it to the summary."""

    crn: str = "L123456"
    name: str = NAME
    order_label: str = "Suspended sentence order"
    tier: str = "B2"
    rosh: str = "H"
    rosh_label: str = "High"
    flags: tuple[str, ...] = ("MAPPA",)
    next_due: date | None = date(2026, 11, 30)
    next_due_what: str = f"Home visit to {NAME}"


def _court_report(report_type: str, status: str) -> bytes:
    draft = ReportDraft(
        id="r1", request_id="q1", report_type=report_type, status=status, signed_by=NAME if status == "ready" else None,
        signed_on=date(2026, 11, 23) if status == "ready" else None, countersigned_by=None, name=NAME,
        court="Preston Magistrates' Court", hearing_date=date(2026, 12, 21),
        prefilled={"offender_details": {"address"}},  # printed with its (italic) note while a draft
        sections={
            "offender_details": {"name": NAME, "crn": "L123456", "address": "1 Heol Ŵyn, Caernarfon"},
            "sentencing_court": {"court": "Preston Magistrates' Court", "lja": "Lancashire"},
            "offence_details": {"main_offence": "Theft from a shop", "summary": f"{NAME} took goods worth £86."},
            "offence_analysis": {"analysis": f"{NAME} accepts responsibility."},
            "risk": {"likelihood": "Medium.", "rosh_level": "M"},
            "proposal": {"sentence": "CO", "requirements": [{"type_code": "UPW", "params": {"hours": 80}}]},
            "sources": {"used": ["interview", "cps"]},
            "sign_off": {"author": NAME, "office": "Preston Central"},
        })
    return build_report_pdf(draft)


BUILDERS: dict[str, Callable[[], bytes]] = {
    "court report (draft, fast delivery)": lambda: _court_report("fdr", "draft"),
    "court report (ready, oral)": lambda: _court_report("oral", "ready"),
    "court report (ready, standard, encrypted)": lambda: build_report_pdf(
        ReportDraft(id="r", request_id="q", report_type="sdr", sections={"offender_details": {"name": NAME}},
                    prefilled={}, status="ready", signed_by=NAME, signed_on=date(2026, 11, 23),
                    countersigned_by=None), password="pw"),
    "warning letter": lambda: warning_letter_pdf(**{**LETTER, "name": NAME, "officer": NAME}),
    "caseload summary": lambda: caseload_pdf([Line(), Line(crn="L654321")], NAME, datetime(2026, 11, 23, 9, 30)),
    "RoSH summary and plan": lambda: build_rosh_pdf(RoshDocument(
        person=RoshPerson(name=NAME, crn="L123456"), officer=NAME, office="Preston", assessed_on=date(2026, 11, 23),
        status="Complete", countersign="Unsigned", overall="H",
        summary=(SummarySection("Who is at risk", f"Known adult: {NAME}"),),
        levels=(LevelRow("Known adult", "H", "M"),),
        plan=RiskPlan(sections=(PlanSection("Supervision", (PlanAction("Offender manager", f"See {NAME} weekly",
                                                                        date(2026, 12, 1)),)),)))),
}


def fonts_used(pdf: bytes, password: str | None = None) -> set[str]:
    """The base font of every font resource on every page (subset prefixes 'ABCDEF+' removed)."""
    reader = PdfReader(io.BytesIO(pdf))
    if reader.is_encrypted:
        reader.decrypt(password or "")
    names: set[str] = set()
    for page in reader.pages:
        resources = page.get("/Resources")
        fonts = resources.get_object().get("/Font") if resources is not None else None
        for ref in (fonts.get_object().values() if fonts is not None else ()):
            base = str(ref.get_object()["/BaseFont"]).lstrip("/")
            names.add(base.split("+", 1)[-1])
    return names


@pytest.mark.parametrize("which", BUILDERS)
def test_every_pdf_embeds_dejavu_and_no_standard_font(which):
    pdf = BUILDERS[which]()
    password = "pw" if "encrypted" in which else None
    used = fonts_used(pdf, password)
    assert used, "the PDF lists its fonts"
    assert not used & STANDARD_14, f"{which} still uses {sorted(used & STANDARD_14)}"
    assert used <= {"DejaVuSans", "DejaVuSans-Bold", "DejaVuSans-Oblique"}, used


@pytest.mark.parametrize("which", BUILDERS)
def test_a_european_name_round_trips_into_the_pdf_text(which):
    pdf = BUILDERS[which]()
    text = pdf_text(pdf, "pw" if "encrypted" in which else None)
    for word in WORDS:
        assert word in text, f"{which}: {word!r} missing from {text[:300]!r}"
    assert "&#" not in text and "&amp;" not in text, "no HTML escapes in print"
    assert text.count("OFFICIAL-SENSITIVE") >= 2, "the marking prints in the embedded font too"


def test_standard_fonts_would_fail_this_test():
    """The check itself can fail: a PDF drawn in Helvetica is caught."""
    from reportlab.pdfgen.canvas import Canvas

    buf = io.BytesIO()
    canvas = Canvas(buf)
    canvas.setFont("Helvetica", 10)
    canvas.drawString(72, 72, "Lukasz")
    canvas.save()
    assert fonts_used(buf.getvalue()) & STANDARD_14


def test_no_builder_names_a_standard_font():
    """A new table or heading in any builder reaching for Helvetica is caught before it prints a black box."""
    from pathlib import Path

    import lpt_desktop.reports as reports

    folder = Path(reports.__file__).parent
    for source in folder.glob("*.py"):
        if source.name == "fonts.py":
            continue  # the one place that names them, to say why it replaces them
        text = source.read_text(encoding="utf-8")
        for name in ("Helvetica", "Times-", "Courier", "getSampleStyleSheet()"):
            assert name not in text, f"{source.name} uses {name}"


def test_the_fonts_ship_with_their_licence():
    from lpt_desktop.paths import resources_dir

    folder = resources_dir() / "fonts"
    for name in ("DejaVuSans.ttf", "DejaVuSans-Bold.ttf", "DejaVuSans-Oblique.ttf"):
        assert (folder / name).stat().st_size > 100_000, name
    assert "Bitstream" in (folder / "LICENSE").read_text(encoding="utf-8")
