"""Court work on the demo caseload: report requests, drafts, a report ready for countersign, two sent."""

from __future__ import annotations

import random
from datetime import date, timedelta
from typing import Any

from lpt_desktop.domain.court_views import ReportDraft, orders_during
from lpt_desktop.services.demo.common import DemoSpec
from lpt_desktop.store.database import Database
from lpt_desktop.store.models import (
    Person,
)


def _court_work(db: Database, spec: DemoSpec) -> None:
    """A handful of report requests: two due today, one remanded, one for a pre-sentence person, one full
    standard delivery report ready for countersign and two sent earlier (one on time, one late)."""
    from sqlalchemy import select

    from lpt_desktop.services import court
    from lpt_desktop.standards.calendar import is_working_day

    today = spec.today or date.today()

    def back(days: int) -> date:  # `days` working days before today
        d = today
        while days:
            d -= timedelta(days=1)
            days -= is_working_day(d)
        return d

    with db.read() as s:
        people = list(dict.fromkeys(s.scalars(select(Person.id).order_by(Person.crn))))
    if not people:
        return
    rng = random.Random(spec.seed * 7919 + 6)
    picks = rng.sample(people, min(6, len(people)))
    pid = [picks[i % len(picks)] for i in range(6)]
    preston, blackburn = "Preston Magistrates' Court", "Blackburn Magistrates' Court"
    court.create_request(db, person_id=pid[0], court=preston, lja="Lancashire", hearing_date=today,
                         report_type="oral", requested_on=today)
    due_today = court.create_request(db, person_id=pid[1], court=blackburn, lja="Lancashire",
                                     hearing_date=today + timedelta(days=14), report_type="fdr",
                                     requested_on=back(5))
    court.start_report(db, due_today, today=today)
    court.create_request(db, person_id=pid[2], court="Preston Crown Court", lja="Lancashire",
                         hearing_date=today + timedelta(days=21), report_type="sdr", remanded=True,
                         requested_on=back(3))
    stranger = court.create_pre_sentence(db, first_name="Kieran", last_name="Tattersall",
                                         date_of_birth=date(1998, 6, 14), pnc="2016/0412377K",
                                         address="41 Larkhill Street, Preston, PR1 5XL", today=today)
    court.create_request(db, pre_sentence_id=stranger, court=preston, lja="Lancashire",
                         hearing_date=today + timedelta(days=10), report_type="fdr", requested_on=today)
    full = court.create_request(db, person_id=pid[3], court=preston, lja="Lancashire",
                                hearing_date=today + timedelta(days=28), report_type="sdr", requested_on=back(8))
    report = court.start_report(db, full, today=today)
    for section, fields in _full_report(court.load_report(db, report)).items():
        court.save_section(db, report, section, fields)
    court.mark_ready(db, report, today=today)
    for n, (kind, late) in enumerate((("sdr", False), ("fdr", True))):
        asked = back(25 + 5 * n)
        rid = court.create_request(db, person_id=pid[4 + n], court=blackburn, lja="Lancashire",
                                   hearing_date=asked + timedelta(days=28), report_type=kind, requested_on=asked)
        report = court.start_report(db, rid, today=asked)
        for section, fields in _full_report(court.load_report(db, report)).items():
            court.save_section(db, report, section, fields)
        due = court.load_report(db, report).due_by or asked
        court.mark_ready(db, report, today=due)
        court.mark_sent(db, report, today=due + timedelta(days=2) if late else due)


def _full_report(draft: ReportDraft) -> dict[str, dict[str, Any]]:
    """Every section written, as an officer would for a theft with drug misuse behind it."""
    issues = sorted(set(draft.sections.get("offender_assessment", {}).get("issues", [])) | {"substance_misuse",
                                                                                          "accommodation"})
    rosh = draft.sections.get("risk", {}).get("rosh_level") or "M"
    offence_on = (draft.hearing_date or date.today()) - timedelta(days=40)
    return {
        "offence_details": {
            "main_offence": "Theft from a shop (Theft Act 1968 s.1)",
            "offence_date": offence_on,
            # The writer flags an offence committed during an order on the case (the ready check asks).
            "during_order": True if orders_during(draft.orders, offence_on) else None,
            "other_offences": "Failing to surrender to custody (Bail Act 1976 s.6).",
            "summary": "Took £86 of meat and toiletries from a supermarket in Preston city centre and was stopped by "
                       "security staff at the door. Admitted the offence in interview and pleaded guilty at the "
                       "first hearing."},
        "offence_analysis": {
            "analysis": "The defendant says he stole to sell the goods and buy heroin. He accepts full "
                        "responsibility and recognises the effect on shop staff, who he pushed past when stopped. "
                        "The offence was opportunistic but followed a familiar pattern of acquisitive offending "
                        "when using drugs.",
            "pattern": "Twelve previous convictions since 2014, mostly shop theft, all linked to drug use. "
                       "No offending during a 14-month period of stable treatment in 2022-23."},
        "offender_assessment": {
            "issues": issues,
            "issues_detail": "Sofa-surfing since losing his tenancy in the summer. Uses heroin daily and is on the "
                             "waiting list for the local drug service. Not working; receives Universal Credit.",
            "trauma": "Describes a chaotic childhood and time in care from the age of 12.",
            "caring_responsibilities": "None: his daughter lives with her mother and he sees her at weekends.",
            "vulnerability": "Low mood and one overdose in 2024; no current thoughts of self-harm."},
        "risk": {
            "likelihood": "High likelihood of further acquisitive offending while he uses drugs.",
            "predictors": "OGRS3: 1 year 58%, 2 years 74%. OVP: 1 year 9%.",
            "rosh_level": rosh,
            "rosh_summary": "Low: no current indicators of serious harm; he pushed past shop staff but made no "
                            "threats and caused no injury." if rosh == "L" else
                            "Serious harm to the public (shop staff) through pushing or threats when challenged; "
                            "greatest when he is withdrawing from heroin.",
            "previous_supervision": draft.sections.get("risk", {}).get("previous_supervision")
            or "Completed a community order in 2023 with one warning."},
        "proposal": {
            "sentence": "CO", "length_months": 18,
            "requirements": [{"type_code": "DRR", "params": {"months": 6, "testing": True}},
                             {"type_code": "RAR", "params": {"days": 20}},
                             {"type_code": "UPW", "params": {"hours": 80}}],
            "outline_plan": "1. Drug rehabilitation requirement with testing: start treatment within a week.\n"
                            "2. Housing referral on the first appointment; rehabilitation activity days on "
                            "accommodation and managing money.\n3. Risk: monthly review of behaviour towards shop "
                            "staff; victim awareness work.\n4. Vulnerability: GP and mental health referral for low "
                            "mood; overdose awareness.",
            "plan_addresses": issues + ["risk", "vulnerability"],
            "alternatives": "A suspended sentence order was considered but the offence does not cross the custody "
                            "threshold.",
            "equality_considered": True},
        "sources": {"used": ["interview", "service_records", "cps", "oasys", "previous_convictions", "police",
                             "domestic_abuse", "childrens_services", "guidelines", "equality_form"]},
        "sign_off": {"role": "Probation officer", "office": "Preston Central"},
    }
