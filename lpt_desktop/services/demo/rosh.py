"""The demo's Risk of Serious Harm (issue 18): every case gets a current RoSH summary at its level, with a history.

Most histories are sound: a screening, then reviews about every six months, each drawing on the police domestic
abuse and children's services checks, text rewritten or confirmed section by section, and (at medium and above)
a complete risk management plan with who, what and by when, shared with the police. Some keep the failings the
2011 inspection found, so the screens and the practice audit have something to show: previous behaviour passed
over in a line, the domestic abuse and child-protection checks not made (the warning acknowledged), a plan left
in draft with actions that have no timescale, and text carried forward unchanged for years.

Many community orders and suspended sentence orders start with the court report writer's screening, made for the
pre-sentence report: the offender manager confirms it within the standard's working days of the start (most), or
never does, and the next review revises it late, or nothing does (a few, chosen by rank: the 2011 inspection
found report writers' screenings never re-checked). Confirmations are rows of their own, as
services/rosh.confirm_screening and complete_assessment write them.

Rows are written in bulk, in the shapes services/rosh.py and services/rosh_plan.py write; the level of the
latest assessment is the case's own (person.rosh), and its RoSH register is on the case from that day.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import insert, select

from lpt_desktop.assessment.rosh_screening import screening, source_warnings
from lpt_desktop.assessment.rosh_summary import assessment_data, overall_level, rosh_register_for
from lpt_desktop.domain.dates import add_months, format_date
from lpt_desktop.domain.reference import reference, rosh_rank
from lpt_desktop.services.demo.common import DemoSpec, _uuid
from lpt_desktop.services.registers import first_review_date
from lpt_desktop.standards.calendar import add_working_days, last_working_day_on_or_before
from lpt_desktop.store.case_record_models import CaseEvent
from lpt_desktop.store.database import Database
from lpt_desktop.store.models import Meta, Officer, Person, Registration, Sentence, utcnow
from lpt_desktop.store.rosh_models import RiskPlan, RiskPlanAction, RoshAssessment, RoshConfirmation

# Shares of the cases with each failing (the rest are sound).
NO_CHECKS, THIN_PREVIOUS, PLAN_LEFT_IN_DRAFT, PULLED_THROUGH = 0.12, 0.1, 0.12, 0.1
# The share whose latest review is overdue (5 of 60): chosen by rank, not by chance, so a caseload is mostly on
# time with a handful late whatever the seed (drawn one by one, a seed could give 8 or more of 60).
OVERDUE = 0.08
# A report writer's screening (court work before sentence) on community orders and SSOs whose history reaches back
# to the start: the share of those cases that have one, and the share of those past the deadline that the officer
# never confirmed (chosen by rank, at least one where any is past it).
WRITER_ORDERS = ("CO", "SSO")
REPORT_WRITER, NOT_CONFIRMED = 0.6, 0.25
REPORT_WRITER_NAME = "Jo Whittaker (court team)"
CONFIRM_WITHIN = 15  # working days of the start (rosh_screening.json report_writer_confirmation; the standard's)
LEVEL_WORDS = {"L": "low", "M": "medium", "H": "high", "VH": "very high"}
GOOD_SOURCES = ["interview", "cps", "police_domestic_abuse", "childrens_services", "previous_convictions",
                "previous_oasys"]
WHO = {"L": "No identifiable person or group beyond the general public.",
       "M": "A former partner, and the public in the town centre at night.",
       "H": "His former partner and her two children; any new partner.",
       "VH": "His former partner, named in the restraining order, and her children."}
NATURE = {"L": "Low-level harm from shoplifting and disorder.",
          "M": "Physical harm from assaults when drinking; threats and intimidation.",
          "H": "Serious physical and psychological harm: assaults, strangulation, threats to kill.",
          "VH": "Serious physical harm, possibly fatal, with controlling and stalking behaviour."}


def _sections(rng: random.Random, level: str, on: date, thin_previous: bool) -> dict[str, dict[str, str]]:
    when = format_date(on - timedelta(days=rng.randint(60, 400)))
    current = {"what": f"Assault on a partner at home on {when}, after an argument about money; she called the "
                       "police.",
               "where_when": "At the shared flat, late evening, both had been drinking.",
               "how": "Punches to the face; held her against the wall.",
               "victims": "His then partner, 29.", "others_involved": "None.",
               "why": "Jealousy and alcohol; he says he 'lost it' when she wanted to leave.",
               "sources": "CPS papers, police call-out log, interview."}
    previous = {"what": "Nothing further known." if thin_previous else
                "Two earlier call-outs to the same address (2021, 2022), no charge; a caution for common assault "
                "on a previous partner in 2018.",
                "sources": "Police domestic abuse call-outs, previous convictions." if not thin_previous else
                "Interview."}
    if level == "L":
        current = {"what": "Theft from shops, no violence or threats.", "sources": "CPS papers, interview."}
    return {"current": current, "previous": previous}


def _summary(rng: random.Random, level: str, screened_out: bool) -> dict[str, Any]:
    data = assessment_data()
    lower = [lv for lv in ("L", "M", "H", "VH") if rosh_rank(lv) <= rosh_rank(level)]
    community = {g.code: rng.choice(lower) for g in data.community_groups}
    community[rng.choice(["known_adult", "children"] if level != "L" else ["public"])] = level
    out: dict[str, Any] = {"community": community, "custody": {}, "in_custody": False}
    if screened_out:
        out["texts"] = {}
        out["no_analysis_reason"] = "Nothing of concern in the offence, the record or the checks made: no " \
                                    "violence, no domestic abuse and no concerns about children."
    else:
        out["texts"] = {"who_at_risk": WHO[level], "nature": NATURE[level],
                        "imminence": "When drinking, and if the relationship resumes or ends again.",
                        "increases": "Alcohol, jealousy, loss of accommodation.",
                        "reduces": "Work, his mother's support, engagement with the programme.",
                        "analysis": f"The {LEVEL_WORDS[level]} levels follow the pattern of violence to partners."}
    return out


def _answers(level: str, registers: set[str]) -> dict[str, dict[str, str]]:
    answers = {q.id: {p: "no" for p in q.periods} for q in screening().questions}
    if level != "L":
        answers["domestic_abuse"] = {"current": "yes", "previous": "yes" if level in ("H", "VH") else "no"}
        answers["wounding_gbh"] = {"current": "yes" if level in ("H", "VH") else "no", "previous": "no"}
    if "RCPR" in registers:
        answers["child_concerns"] = {"current": "yes"}
    if level == "VH":
        answers["stalking"] = {"current": "yes", "previous": "dont_know"}
    return answers


def _texts(analysis: dict[str, dict[str, str]], summary: dict[str, Any]) -> dict[str, str]:
    out = {f"analysis.{p}.{k}": v for p, fields in analysis.items() for k, v in fields.items() if v}
    out.update({f"summary.{k}": v for k, v in summary.get("texts", {}).items() if v})
    if summary.get("no_analysis_reason"):
        out["summary.no_analysis_reason"] = summary["no_analysis_reason"]
    return out


def add_rosh(db: Database, spec: DemoSpec) -> None:
    """A RoSH history for every demo case (see the module docstring), in one transaction."""
    today = spec.today or date.today()
    now = utcnow()
    stamp = {"created_at": now, "updated_at": now}
    rows: dict[type, list[dict[str, Any]]] = {RoshAssessment: [], RiskPlan: [], RiskPlanAction: [], Registration: [],
                                              CaseEvent: [], RoshConfirmation: []}
    with db.write() as s:
        conn = s.connection()
        people = conn.execute(select(Person.id, Person.rosh).where(Person.rosh.is_not(None))).all()
        regs: dict[str, set[str]] = {}
        for pid, code in conn.execute(select(Registration.person_id, Registration.type_code)
                                      .where(Registration.ended_on.is_(None))):
            regs.setdefault(pid, set()).add(code)
        starts: dict[str, date] = {}
        courts: dict[str, date] = {}  # sentence day of an order a report writer's screening may precede
        for pid, start, sentenced, order in conn.execute(
                select(Sentence.person_id, Sentence.start_date, Sentence.sentence_date, Sentence.order_type)
                .where(Sentence.terminated_on.is_(None)).order_by(Sentence.start_date)):
            starts[pid] = start  # the latest start wins, as the standards engine reads the current sentence
            courts.pop(pid, None)
            if order in WRITER_ORDERS and sentenced is not None:
                courts[pid] = sentenced
        writers: list[_Writer] = []
        assessed = sorted(pid for pid, level in people if level in reference().rosh_levels)
        ranked = sorted(assessed, key=lambda p: random.Random(f"rosh-late:{spec.seed}:{p}").random())
        late = set(ranked[:round(len(ranked) * OVERDUE)])
        levels: dict[str, str] = {pid: str(level) for pid, level in people}
        for pid in assessed:
            rng = random.Random(f"rosh:{spec.seed}:{pid}")
            sentenced = courts.get(pid) if random.Random(f"rosh-writer:{spec.seed}:{pid}").random() < REPORT_WRITER \
                else None
            _history(rng, today, stamp, pid, levels[pid], regs.get(pid, set()), starts.get(pid), rows, pid in late,
                     sentenced, writers)
        oid = db.officer_id or conn.execute(select(Meta.value).where(Meta.key == "officer_id")).scalar()
        name = conn.execute(select(Officer.name).where(Officer.id == oid)).scalar() if oid else None
        _confirmations(spec.seed, today, stamp, writers, oid, name or "Alex Morgan", rows)
        for model, items in rows.items():
            if items:
                conn.execute(insert(model), items)


@dataclass(frozen=True)
class _Writer:
    """A report writer's screening in a history: whose, its id and day, the sentence's start, and the
    assessment after it (its id and day), if any."""

    person_id: str
    id: str
    on: date
    start: date
    next_id: str | None
    next_on: date | None


def _confirmations(seed: int, today: date, stamp: dict[str, datetime], writers: list[_Writer], oid: str | None,
                   name: str, rows: dict[type, list[dict[str, Any]]]) -> None:
    """The officer's word on each report writer's screening: confirmed a few working days into the sentence, or
    (a few past the deadline, by rank) never: the next review, if any, revised it when it was completed."""
    due = {w.id: add_working_days(w.start, CONFIRM_WITHIN) for w in writers}
    past = sorted((w for w in writers if due[w.id] < today),
                  key=lambda w: random.Random(f"rosh-unconfirmed:{seed}:{w.person_id}").random())
    missed = {w.id for w in past[:max(1, round(len(past) * NOT_CONFIRMED)) if past else 0]}
    for w in writers:
        rng = random.Random(f"rosh-confirm:{seed}:{w.person_id}")
        on = add_working_days(max(w.start, w.on), rng.randint(1, 8))
        if w.id in missed or (w.next_on is not None and w.next_on <= on):
            if w.next_id is not None and w.next_on is not None:  # completing the review revised it
                rows[RoshConfirmation].append({"id": w.id, **stamp, "person_id": w.person_id, "assessment_id": w.id,
                                               "action": "revised", "review_id": w.next_id, "on_date": w.next_on,
                                               "by_officer": oid, "by_name": name})
            continue
        if on > today:
            continue  # not yet confirmed, and not yet due
        rows[RoshConfirmation].append({"id": w.id, **stamp, "person_id": w.person_id, "assessment_id": w.id,
                                       "action": "confirmed", "review_id": None, "on_date": on, "by_officer": oid,
                                       "by_name": name})
        rows[CaseEvent].append({"id": _uuid(rng), **stamp, "person_id": w.person_id, "kind": "rosh_confirmed",
                                "on_date": on, "summary": f"Report writer's RoSH screening of {format_date(w.on)} "
                                                         f"confirmed by {name}",
                                "source_table": "rosh_assessment", "source_id": w.id})


def _history(rng: random.Random, today: date, stamp: dict[str, datetime], pid: str, level: str,
             registers: set[str], start: date | None, rows: dict[type, list[dict[str, Any]]], late: bool,
             sentenced: date | None = None, writers: list[_Writer] | None = None) -> None:
    """One case's assessments. With `sentenced` (the sentence day of an order a report writer's screening may
    precede), a history reaching back to the start begins with the report writer's screening for court: the
    first one itself when it was made before the sentence, else one a few weeks before it (the officer's first
    then reviews it); it is added to `writers`."""
    pulled = rng.random() < PULLED_THROUGH
    no_checks = rng.random() < NO_CHECKS
    thin = rng.random() < THIN_PREVIOUS
    # The latest well within the six months for most (some falling due now); the late few weeks or two months
    # past it. (A draw is still made where the chance used to be, so the rest of each history stays as it was.)
    rng.random()
    latest = last_working_day_on_or_before(today - timedelta(days=rng.randint(200, 245) if late
                                                             else rng.randint(3, 165)))
    count = 4 if pulled else rng.choice((1, 2, 2, 3))
    dates = sorted(last_working_day_on_or_before(add_months(latest, -6 * n)) for n in range(count))
    if start is not None and not pulled:
        dates = [d for d in dates if d >= start - timedelta(days=30)] or [latest]
    writer_on: date | None = None
    if sentenced is not None and start is not None and not pulled and writers is not None:
        if sentenced - timedelta(days=42) <= dates[0] < sentenced:
            writer_on = dates[0]
        elif sentenced <= dates[0] <= sentenced + timedelta(days=150):
            # Its own draws: the rest of the history is drawn as it was.
            days_before = random.Random(f"rosh-writer-day:{pid}:{sentenced}").randint(4, 20)
            writer_on = last_working_day_on_or_before(sentenced - timedelta(days=days_before))
            dates = [writer_on, *dates]
    previous: dict[str, Any] | None = None
    first_level = level if rng.random() < 0.7 or level == "L" else {"M": "L", "H": "M", "VH": "H"}[level]
    ended_level: str | None = None
    for n, on in enumerate(dates):
        lv = level if n == len(dates) - 1 else first_level
        screened_out = lv == "L"
        analysis = {} if screened_out else _sections(rng, lv, on, thin)
        summary = _summary(rng, lv, screened_out)
        checked = ["interview", "cps"] if no_checks else GOOD_SOURCES
        warnings = source_warnings(checked, {})
        texts = _texts(analysis, summary)
        carried: dict[str, Any] = {}
        if previous is not None:
            before = previous["texts"]
            origins = previous["origins"]
            if pulled:  # pulled through unchanged, every section confirmed with a click
                analysis, summary = previous["analysis"], {**previous["summary"], "community": summary["community"]}
                texts = _texts(analysis, summary)
            carried_in = {k: {"text": v, "origin": origins[k].isoformat()} for k, v in before.items()}
            now_meta: dict[str, dict[str, str | None]] = {}
            for key, text in texts.items():
                same = key in before and before[key] == text
                keep = same and (pulled or rng.random() < 0.6)
                if same and not keep:
                    text = text + " Reviewed: no change."
                    texts[key] = text
                    _put(analysis, summary, key, text)
                origin = origins[key] if keep else on
                now_meta[key] = {"origin": origin.isoformat(), "confirmed_by": "Alex Morgan" if keep else None,
                                 "confirmed_on": on.isoformat() if keep else None}
            carried = {"in": carried_in, "now": now_meta}
            origins = {k: date.fromisoformat(str(m["origin"])) for k, m in now_meta.items()}
        else:
            origins = {k: on for k in texts}
            carried = {"now": {k: {"origin": on.isoformat(), "confirmed_by": None, "confirmed_on": None}
                               for k in texts}}
        overall = overall_level(summary["community"], {}, False)
        aid = _uuid(rng)
        by_writer = n == 0 and writer_on is not None
        if by_writer and writers is not None and start is not None:
            later = dates[1] if len(dates) > 1 else None
            writers.append(_Writer(pid, aid, on, start, None, later))
        elif n == 1 and writers and writers[-1].person_id == pid:  # the review after the writer's screening
            writers[-1] = replace(writers[-1], next_id=aid)
        rows[RoshAssessment].append({
            "id": aid, **stamp, "person_id": pid, "kind": "screening" if previous is None else "review",
            "status": "complete", "started_on": on - timedelta(days=rng.randint(0, 7)), "completed_on": on,
            "completed_by": None, "completed_by_name": REPORT_WRITER_NAME if by_writer else "Alex Morgan",
            "by_report_writer": by_writer,
            "confirmation": None, "confirmed_on": None, "confirmed_by": None, "confirmed_by_name": None,
            "previous_id": previous["id"] if previous else None, "answers": _answers(lv, registers),
            "sources_checked": checked, "source_reasons": {},
            "full_analysis": None if screened_out else "done", "gate_reason": None, "analysis": analysis,
            "summary": summary, "carried": carried, "overall_level": overall,
            "warnings_acknowledged": warnings, "countersign_status": "unsigned"})
        rows[CaseEvent].append({"id": _uuid(rng), **stamp, "person_id": pid, "kind": "rosh_completed", "on_date": on,
                                "summary": f"RoSH {'screening' if previous is None else 'review'} completed: "
                                           f"{LEVEL_WORDS[overall or lv]} risk of serious harm",
                                "source_table": "rosh_assessment", "source_id": aid})
        if overall != ended_level:
            _register(rng, stamp, pid, overall or lv, on, rows, ended_level)
            ended_level = overall
        else:  # the assessment reviewed the register already on
            for r in rows[Registration]:
                if r["person_id"] == pid and r["ended_on"] is None:
                    r.update(reviewed_on=on, next_review_date=first_review_date(r["type_code"], on))
        previous = {"id": aid, "texts": texts, "origins": origins, "analysis": analysis, "summary": summary}
        if n == len(dates) - 1 and rosh_rank(lv) >= rosh_rank("M"):
            _plan(rng, stamp, pid, aid, on, today, registers, rows)


def _put(analysis: dict[str, dict[str, str]], summary: dict[str, Any], key: str, text: str) -> None:
    part = key.split(".")
    if part[0] == "analysis":
        analysis[part[1]][part[2]] = text
    elif key == "summary.no_analysis_reason":
        summary["no_analysis_reason"] = text
    else:
        summary["texts"][part[1]] = text


def _register(rng: random.Random, stamp: dict[str, datetime], pid: str, level: str, on: date,
              rows: dict[type, list[dict[str, Any]]], ended: str | None) -> None:
    if ended is not None:
        code = rosh_register_for(ended)
        for r in rows[Registration]:
            if r["person_id"] == pid and r["type_code"] == code and r["ended_on"] is None:
                r.update(ended_on=on, end_reason=f"RoSH level now {level}", next_review_date=None)
    code = rosh_register_for(level)
    rows[Registration].append({"id": _uuid(rng), **stamp, "person_id": pid, "type_code": code, "category": None,
                               "level": None, "start_date": on, "next_review_date": first_review_date(code, on),
                               "ended_on": None, "end_reason": None, "reviewed_on": None,
                               "notes": f"From the RoSH assessment completed {format_date(on)}"})


def _plan(rng: random.Random, stamp: dict[str, datetime], pid: str, aid: str, on: date, today: date,
          registers: set[str], rows: dict[type, list[dict[str, Any]]]) -> None:
    draft = rng.random() < PLAN_LEFT_IN_DRAFT
    plan_id = _uuid(rng)
    shared = [] if draft else [{"with": "police", "detail": "", "on": (on + timedelta(days=2)).isoformat()}]
    if "MAPP" in registers and not draft:
        shared.append({"with": "mappa", "detail": "", "on": (on + timedelta(days=9)).isoformat()})
    rows[RiskPlan].append({"id": plan_id, **stamp, "person_id": pid, "assessment_id": aid,
                           "status": "draft" if draft else "complete", "started_on": on,
                           "completed_on": None if draft else on, "completed_by_name": None if draft else "Alex Morgan",
                           "shared": shared, "countersign_status": "unsigned"})
    actions = [("supervision", "Offender manager", "Weekly reporting, reviewing alcohol use and relationships", 90),
               ("monitoring_control", "Police public protection unit", "Share call-outs to his address", 30),
               ("interventions", "Programmes team", "Start Building Better Relationships", 120),
               ("contingency", "Offender manager", "Breach or recall on any contact with the victim", 365)]
    if "ADVP" in registers or rng.random() < 0.5:
        actions.append(("victim_safety", "Victim liaison officer", "Safety plan with the former partner", 14))
    for n, (section, who, what, days) in enumerate(actions):
        by_when = None if draft and n % 2 == 0 else min(on + timedelta(days=days), today + timedelta(days=days))
        rows[RiskPlanAction].append({"id": _uuid(rng), **stamp, "plan_id": plan_id, "person_id": pid,
                                     "section": section, "who": who, "what": what, "by_when": by_when,
                                     "position": n, "done_on": None})
