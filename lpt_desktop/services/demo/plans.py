"""The demo's needs assessments and sentence plans (issue 20): every case on an order gets its needs and a plan.

Most are sound: a needs assessment a few days before the plan, rated by the OASys sections with evidence, the
Skills for Life screening and the barriers with their adjustments; a plan made on the day the standards history
says it was, its goals led by risk of harm work, each with what will be different and steps naming who (a
commissioned service where the needs call for one), the order's programmes placed under the goals, the person's
own words and agreement, and a review on each day the history records one, every goal rated. Some keep the
failings the 2011 inspection found, so the screens and the practice audit have something to show: outcomes that
only name an activity ("Attend the drug service"), none of the person's words and no record of how they took
part, risk of harm work put last without a reason, diversity needs not assessed, and no review at all.

The history's bare sentence_plan and plan_review records stay (services/obligations.py counts them only from
before the first completed plan); the plans and reviews written here take their dates, so the standards engine
sees the same history. Rows are written in bulk, in the shapes services/needs.py and sentence_plan.py write.
"""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import insert, select

from lpt_desktop.assessment import countersign as cs
from lpt_desktop.assessment.needs import needs_data
from lpt_desktop.assessment.sentence_plan import intervention_for
from lpt_desktop.domain.dates import add_months
from lpt_desktop.services.demo.common import DemoSpec, _uuid
from lpt_desktop.services.demo.pronouns import for_gender
from lpt_desktop.standards.calendar import add_working_days, last_working_day_on_or_before
from lpt_desktop.store.case_record_models import CaseEvent, Disability
from lpt_desktop.store.countersign_models import Countersignature
from lpt_desktop.store.database import Database
from lpt_desktop.store.models import (
    Contact,
    ContactPlanLink,
    Meta,
    Officer,
    Person,
    Registration,
    Requirement,
    Sentence,
    utcnow,
)
from lpt_desktop.store.plan_models import (
    ContactStepLink,
    NeedsAssessment,
    PlanAgreement,
    PlanGoal,
    PlanGoalStatus,
    PlanReview,
    PlanStep,
    SentencePlan,
)
from lpt_desktop.store.schedule_models import StandardsRecord

# Shares of the cases with each failing (the rest are sound).
ACTIVITY_ONLY, NO_WORDS, RISK_LAST, NO_REVIEW, UNASSESSED_BARRIERS = 0.15, 0.12, 0.1, 0.1, 0.15
LITERACY_NEED = 0.2
OFFICER = "Alex Morgan"

# area -> (title, outcome stating the change, outcome naming only an activity, risk of harm work, steps)
# each step: (what, who, partner)
GOALS: dict[str, tuple[str, str, str, bool, tuple[tuple[str, str, str | None], ...]]] = {
    "accommodation": ("A settled home", "Has a settled home with a tenancy in their own name",
                      "Attend the housing options appointment", False,
                      (("Register with the council's housing options team", "person", None),
                       ("Referral for tenancy support", "partnership_agency", "accommodation_provider"))),
    "ete": ("Into work", "Is in paid work and keeps the job", "Engage with the employment provider", False,
            (("Plan a CSCS card course with the employment provider", "crs_provider", "ete_provider"),
             ("Apply for three jobs a week and bring the list to supervision", "person", None))),
    "finance": ("Money under control", "Pays the rent and bills on time without borrowing",
                "Complete a budgeting course", False,
                (("Book a debt advice appointment at Citizens Advice", "person", None),
                 ("Check benefit entitlement together", "practitioner", None))),
    "relationships": ("Safe relationships", "Is in relationships free from abuse and controlling behaviour",
                      "Complete Building Better Relationships", True,
                      (("Start the Building Better Relationships programme", "programme_staff", "programme_team"),
                       ("Talk through any new relationship at each appointment", "practitioner", None))),
    "lifestyle": ("New company", "Spends free time with people who do not offend", "Attend a sports group", False,
                  (("Join the Saturday football group at the leisure centre", "person", None),)),
    "drugs": ("Free from heroin", "No longer uses heroin and stays on a stable script",
              "Engage with the drug service", False,
              (("Assessment and prescribing at the drug and alcohol service", "partnership_agency",
                "drug_alcohol_service"),
               ("Weekly keywork sessions", "partnership_agency", "drug_alcohol_service"))),
    "alcohol": ("Drinking less", "Drinks within safe limits and never before driving", "Attend the alcohol service",
                False,
                (("Alcohol assessment at the drug and alcohol service", "partnership_agency", "drug_alcohol_service"),
                 ("Keep a drink diary and bring it to supervision", "person", None))),
    "emotional": ("Coping better", "Feels able to cope and knows where to get help", "Attend the GP", False,
                  (("Book a GP appointment about low mood", "person", None),
                   ("Referral to talking therapies", "practitioner", None))),
    "thinking_behaviour": ("Staying calm", "Stays calm and walks away when angry",
                           "Complete the Thinking Skills Programme", True,
                           (("Thinking Skills Programme sessions", "programme_staff", "programme_team"),
                            ("Practise the stop-and-think plan between sessions", "person", None))),
    "attitudes": ("Understanding the harm", "Understands the harm caused to the victim and takes responsibility",
                  "Do victim awareness work", True,
                  (("Victim awareness sessions in supervision", "practitioner", None),)),
}
EVIDENCE = {
    "accommodation": "Sofa surfing with friends since leaving his last tenancy; no fixed address for two months.",
    "ete": "Unemployed for over a year; no qualifications; says he wants to work on building sites.",
    "finance": "Rent arrears of about £900 and a payday loan; benefits sanctioned in the summer.",
    "relationships": "Police call-outs to the home; the offence was against a partner.",
    "lifestyle": "Spends most days with friends who offend; little structure to the week.",
    "drugs": "Uses heroin daily; says the offence paid for it; wants a script.",
    "alcohol": "Drinks most days, more at weekends; was drinking at the time of the offence.",
    "emotional": "Low mood since a bereavement; not seeing the GP.",
    "thinking_behaviour": "Acts on impulse and loses his temper quickly; fights when challenged.",
    "attitudes": "Blames the victim for what happened; sees supervision as something to get through.",
    "health": "Asthma, managed with inhalers.",
}
WORDS = ("I want my own place so my kids can stay at weekends.",
         "I want to get a job and stop wasting my days.",
         "I don't want to end up back inside. I want to sort my head out.",
         "I want to get off the gear for good.",
         "I want to stop drinking so much and keep my licence when I get it back.")
NO_CHANGE = ("Progress is steady and the goals still fit.", "Still waiting for a housing offer: the plan stands.",
             "The steps are under way; nothing needs to change yet.")
ACHIEVED = {
    "accommodation": "Signed for a council flat; tenancy support in place.",
    "ete": "Started work with a groundworks firm; still there at the review.",
    "finance": "Debt relief order granted; rent paid on time for three months.",
    "relationships": "Finished the programme; no call-outs since.",
    "lifestyle": "Plays football every Saturday; sees less of his old friends.",
    "drugs": "Stable on a script; drug tests clear for three months.",
    "alcohol": "Drink diary shows safe limits for two months.",
    "emotional": "Seeing the GP and on a waiting list for talking therapies; says he is coping.",
    "thinking_behaviour": "Completed the programme; uses the stop-and-think plan.",
    "attitudes": "Wrote a letter (not sent) to the victim; talks about the harm done.",
}
BARRIER_ADJUSTMENTS = {"literacy": "Letters read through at each appointment; plain language in the plan.",
                       "childcare": "Appointments in school hours.",
                       "travel": "Travel warrant for appointments in Preston.",
                       "health": "Appointments around hospital treatment."}


def add_plans(db: Database, spec: DemoSpec) -> None:
    """Needs and plans for every demo case on an order (see the module docstring), in one transaction."""
    today = spec.today or date.today()
    now = utcnow()
    stamp = {"created_at": now, "updated_at": now}
    models = (NeedsAssessment, SentencePlan, PlanAgreement, PlanGoal, PlanGoalStatus, PlanStep, PlanReview,
              ContactPlanLink, ContactStepLink, Countersignature, CaseEvent)
    rows: dict[type, list[dict[str, Any]]] = {m: [] for m in models}
    with db.write() as s:
        conn = s.connection()
        starts: dict[str, date] = {}
        for pid, start in conn.execute(select(Sentence.person_id, Sentence.start_date)
                                       .where(Sentence.terminated_on.is_(None)).order_by(Sentence.start_date)):
            starts[pid] = start  # the latest start: the current sentence
        genders = dict(conn.execute(select(Person.id, Person.gender)).tuples().all())
        on_record = _record_barriers(conn)
        oid = db.officer_id or s.scalar(select(Meta.value).where(Meta.key == "officer_id"))
        officer = s.get(Officer, oid) if oid else None
        signer = (officer.staff_code, officer.name, cs.normal_grade(officer.role)) if officer else None
        # Whose completed plan needs a countersignature, read as services/countersign.py and the central store read
        # it (the case's RoSH level and open child-protection registers now, the officer's grade): a self-signed
        # plan that needs one is refused when the laptop enrols.
        levels = dict(conn.execute(select(Person.id, Person.rosh)).tuples().all())
        registers: dict[str, list[str]] = {}
        for pid, code in conn.execute(select(Registration.person_id, Registration.type_code)
                                      .where(Registration.ended_on.is_(None))).tuples():
            registers.setdefault(pid, []).append(code)
        submit = {pid for pid in levels if signer is not None and cs.needs_countersignature(
            levels[pid], cs.child_protection_concerns(None, registers.get(pid, [])), signer[2],
            cs.SENTENCE_PLAN).needed}
        reqs: dict[str, list[tuple[str, str, str | None]]] = {}
        for rid, pid, code, params in conn.execute(
                select(Requirement.id, Sentence.person_id, Requirement.type_code, Requirement.params)
                .join(Sentence, Sentence.id == Requirement.sentence_id).where(Sentence.terminated_on.is_(None))
                .order_by(Requirement.id)):
            reqs.setdefault(pid, []).append((rid, code, (params or {}).get("programme")))
        records: dict[str, dict[str, list[date]]] = {}
        for pid, kind, on in conn.execute(select(StandardsRecord.person_id, StandardsRecord.kind,
                                                 StandardsRecord.done_on)
                                          .where(StandardsRecord.kind.in_(["sentence_plan", "plan_review"]))
                                          .order_by(StandardsRecord.done_on)):
            records.setdefault(pid, {}).setdefault(kind, []).append(on)
        contacts: dict[str, list[tuple[str, datetime]]] = {}
        for cid, pid, at in conn.execute(select(Contact.id, Contact.person_id, Contact.starts_at)
                                         .where(Contact.outcome == "ATTC", Contact.type_code == "COAP",
                                                Contact.amends_id.is_(None)).order_by(Contact.starts_at, Contact.id)):
            contacts.setdefault(pid, []).append((cid, at))
        for pid in sorted(starts):
            if starts[pid] > today:
                continue
            rng = random.Random(f"plans:{spec.seed}:{pid}")
            _case(rng, today, stamp, pid, starts[pid], genders.get(pid), reqs.get(pid, []), records.get(pid, {}),
                  contacts.get(pid, []), rows, signer, on_record.get(pid), submit=pid in submit)
        for model in models:
            if rows[model]:
                conn.execute(insert(model), rows[model])


def _record_barriers(conn: Any) -> dict[str, dict[str, str]]:
    """The barriers each case's record shows, with the adjustment a sound assessment records (person id ->
    barrier key -> adjustment): a current disability with the record's own adjustment, caring
    responsibilities. No random draws, so the rest of the demo is as it was."""
    out: dict[str, dict[str, str]] = {}
    for pid, description, adjustment in conn.execute(
            select(Disability.person_id, Disability.description, Disability.adjustment)
            .where(Disability.to_date.is_(None)).order_by(Disability.person_id, Disability.id)):
        held = out.setdefault(pid, {})
        line = adjustment or f"{description}: adjustments agreed at the first appointment"
        held["disability"] = f"{held['disability']}; {line}" if "disability" in held else line
    for pid, caring in conn.execute(select(Person.id, Person.caring_responsibilities)
                                    .where(Person.caring_responsibilities.is_not(None))):
        if (caring or "").strip():
            out.setdefault(pid, {})["childcare"] = ("Appointments in school hours." if "child" in caring.lower()
                                                    else "Appointments arranged around caring for them.")
    return out


def _needs(rng: random.Random, on: date, areas: list[str], literacy: bool, unassessed: bool,
           gender: str | None = None) -> tuple[dict[str, Any], dict[str, Any], dict[str, Any]]:
    sections: dict[str, Any] = {}
    for sec in needs_data().sections:
        if sec.key in areas:
            severity = rng.choice(("standard", "severe"))
            sections[sec.key] = {"severity": severity, "risk_of_harm": sec.key in ("relationships",
                                                                                   "thinking_behaviour", "alcohol"),
                                 "reoffending": True, "evidence": for_gender(EVIDENCE[sec.key], gender)}
        else:
            sections[sec.key] = {"severity": "none", "risk_of_harm": False, "reoffending": False, "evidence": ""}
    skills: dict[str, Any] = {"results": {"literacy": "need_identified" if literacy else "no_need",
                                          "numeracy": "no_need", "language": "no_need"}}
    if literacy:
        skills["referred_on"] = on.isoformat()
    barriers: dict[str, Any] = {}
    present = rng.sample(sorted(BARRIER_ADJUSTMENTS), rng.choice((0, 1, 1, 2)))
    if literacy and "literacy" not in present:
        present.append("literacy")
    for b in needs_data().barriers:
        if unassessed and b.key not in present and rng.random() < 0.6:
            continue  # never answered: diversity needs not assessed
        barriers[b.key] = {"present": b.key in present, "adjustment": BARRIER_ADJUSTMENTS.get(b.key, "")
                           if b.key in present else ""}
    return sections, skills, barriers


def _case(rng: random.Random, today: date, stamp: dict[str, Any], pid: str, start: date, gender: str | None,
          requirements: list[tuple[str, str, str | None]], history: dict[str, list[date]],
          contacts: list[tuple[str, datetime]], rows: dict[type, list[dict[str, Any]]],
          signer: tuple[str, str, str | None] | None = None,
          on_record: dict[str, str] | None = None, submit: bool = False) -> None:
    """One case's needs and plan. signer: the file's officer (staff code, name, grade), who signs a completed plan
    as completing one does: self-signed, or submitted for countersignature when the Trust's rule needs one
    (submit: a high or very high RoSH case, child-protection registers, a PSO's or trainee's work)."""
    activity_only = rng.random() < ACTIVITY_ONLY
    no_words = rng.random() < NO_WORDS
    risk_last = rng.random() < RISK_LAST
    no_review = rng.random() < NO_REVIEW
    unassessed = rng.random() < UNASSESSED_BARRIERS
    literacy = rng.random() < LITERACY_NEED
    areas = rng.sample(sorted(GOALS), rng.randint(2, 4))
    planned = min(history["sentence_plan"]) if history.get("sentence_plan") else None
    assessed = (planned - timedelta(days=rng.randint(1, 5))) if planned else add_working_days(start, 3)
    assessed = last_working_day_on_or_before(max(assessed, start))
    if assessed > today - timedelta(days=1):
        return
    sections, skills, barriers = _needs(rng, assessed, areas, literacy, unassessed, gender)
    for key, adjustment in (on_record or {}).items():
        if key in barriers:  # answered: the barrier the case record shows is there (a never-answered one stays so)
            barriers[key] = {"present": True, "adjustment": barriers[key]["adjustment"] or adjustment}
    needs_id = _uuid(rng)
    rows[NeedsAssessment].append({"id": needs_id, **stamp, "person_id": pid, "status": "complete",
                                  "started_on": assessed, "completed_on": assessed, "completed_by_name": OFFICER,
                                  "previous_id": None, "sections": sections, "skills": skills, "barriers": barriers,
                                  "carried": {}})
    rows[CaseEvent].append(_event(rng, stamp, pid, "needs_completed", assessed, "Needs assessment completed",
                                  "needs_assessment", needs_id))
    plan_id = _uuid(rng)
    done = planned is not None
    plan_day = planned or assessed
    rows[SentencePlan].append({
        "id": plan_id, **stamp, "person_id": pid, "plan_type": "initial", "status": "complete" if done else "draft",
        "started_on": plan_day, "completed_on": plan_day if done else None,
        "completed_by_name": OFFICER if done else None, "previous_id": None, "needs_assessment_id": needs_id,
        "persons_words": None if no_words else rng.choice(WORDS),
        "involvement": None if no_words else for_gender("Made the plan together at the office; goals in his own "
                                                        "words.", gender),
        "sequence_reason": None, "warnings_acknowledged": []})
    if done:
        rows[CaseEvent].append(_event(rng, stamp, pid, "sentence_plan_completed", plan_day, "Sentence plan completed",
                                      "sentence_plan", plan_id))
        if signer is not None:  # signed on completion, as services/countersign.record_completion does
            action, status_after, event, words = (
                (cs.SUBMITTED, cs.AWAITING, "countersign_submitted", "submitted for countersignature") if submit
                else (cs.SELF_SIGN, cs.SELF_SIGNED, "countersign_self_signed", "self-signed"))
            rows[Countersignature].append({
                "id": _uuid(rng), **stamp, "person_id": pid, "target_kind": "sentence_plan", "target_id": plan_id,
                "action": action, "status_after": status_after, "author": signer[0],
                "author_name": signer[1], "author_role": cs.OFFENDER_MANAGER, "author_grade": signer[2],
                "on_date": plan_day, "comment": None, "follows_id": None})
            rows[CaseEvent].append(_event(rng, stamp, pid, event, plan_day,
                                          f"{cs.kind_label('sentence_plan')} {words}", "sentence_plan", plan_id))
    # Risk of harm work first (unless this is a case that puts it last without saying why).
    ordered = sorted(areas, key=lambda a: (not GOALS[a][3]) != risk_last)
    if literacy:
        ordered.append("learning")
    steps_of: list[tuple[str, list[str]]] = []
    placed: set[str] = set()
    for n, area in enumerate(ordered):
        goal_id = _uuid(rng)
        steps: tuple[tuple[str, str, str | None], ...]
        if area == "learning":
            title, outcome, activity, rosh, steps = ("Reading and writing",
                                                     "Is able to read letters and fill in forms without help",
                                                     "Attend the literacy course", False,
                                                     (("Start the literacy course at the college",
                                                       "partnership_agency", "ete_provider"),))
            key = "ete"
        else:
            title, outcome, activity, rosh, steps = GOALS[area]
            key = area
        if n == 0 and (gender or "").lower() == "female":
            steps = (*steps, ("Weekly sessions at the women's centre", "partnership_agency", "womens_centre"))
        months = rng.choice((3, 6, 6, 12))
        target = add_months(plan_day, months)  # as target_choice says (the service counts months the same way)
        achieved = done and target < today and rng.random() < 0.6
        interventions = []
        for rid, code, programme in requirements:
            found = intervention_for(code, programme)
            if found is not None and rid not in placed and (found.area == key or (found.area is None and n == 0)):
                interventions.append(rid)
                placed.add(rid)
        rows[PlanGoal].append({
            "id": goal_id, **stamp, "plan_id": plan_id, "person_id": pid, "title": title, "area": key,
            "related_areas": [], "outcome": activity if activity_only else outcome,
            "target_choice": f"{months}_months", "target_date": target, "status": "achieved" if achieved else "active",
            "position": n, "need_links": [key], "rosh_link": rosh, "requirement_ids": interventions,
            "learning_plan": area == "learning", "carried_from": None})
        if achieved:
            rows[PlanGoalStatus].append({"id": _uuid(rng), **stamp, "goal_id": goal_id, "person_id": pid,
                                         "status": "achieved", "note": for_gender(ACHIEVED[key], gender),
                                         "on_date": target, "by_name": OFFICER})
        step_ids = []
        for k, (what, who, partner) in enumerate(steps):
            by = plan_day + timedelta(days=rng.randint(14, 90))
            status = "completed" if achieved or (by < today - timedelta(days=30) and k == 0) else \
                "in_progress" if by < today else "not_started"
            step_id = _uuid(rng)
            step_ids.append(step_id)
            rows[PlanStep].append({"id": step_id, **stamp, "goal_id": goal_id, "person_id": pid, "what": what,
                                   "who": who, "partner": partner, "who_name": None, "by_when": by,
                                   "status": status, "position": k})
        steps_of.append((goal_id, step_ids))
    if not no_words:
        rows[PlanAgreement].append({"id": _uuid(rng), **stamp, "plan_id": plan_id, "person_id": pid,
                                    "agreement": "yes" if rng.random() < 0.9 else "no",
                                    "reason": None, "persons_words": None, "on_date": plan_day, "by_name": OFFICER,
                                    "updated": False})
        if rows[PlanAgreement][-1]["agreement"] == "no":
            rows[PlanAgreement][-1]["reason"] = "Does not accept the alcohol goal: says drink is not a problem."
    if not done:
        return
    if not no_review:
        for on in history.get("plan_review", []):
            if on <= plan_day:
                continue
            ratings = {gid: {"rating": rng.choice(("met", "partly_met", "partly_met", "not_met")), "note": ""}
                       for gid, _ in steps_of}
            review_id = _uuid(rng)
            rows[PlanReview].append({
                "id": review_id, **stamp, "plan_id": plan_id, "person_id": pid, "status": "complete",
                "started_on": on, "completed_on": on, "completed_by_name": OFFICER, "reason": "interval",
                "ratings": ratings, "before": [], "changed": False, "no_change_reason": rng.choice(NO_CHANGE),
                "notes": None})
            rows[CaseEvent].append(_event(rng, stamp, pid, "plan_review_completed", on,
                                          "Sentence plan reviewed (no change)", "plan_review", review_id))
    # The plan's evidence: a few of the attended appointments after it delivered its first goals' steps.
    after = [c for c in contacts if c[1] >= datetime.combine(plan_day, time.min)]
    for (cid, _at), (goal_id, step_ids) in zip(after[:3], steps_of, strict=False):
        rows[ContactPlanLink].append({"contact_id": cid, "objective_id": goal_id})
        if step_ids:
            rows[ContactStepLink].append({"contact_id": cid, "step_id": step_ids[0]})


def _event(rng: random.Random, stamp: dict[str, Any], pid: str, kind: str, on: date, summary: str, table: str,
           source: str) -> dict[str, Any]:
    return {"id": _uuid(rng), **stamp, "person_id": pid, "kind": kind, "on_date": on, "summary": summary,
            "source_table": table, "source_id": source}
