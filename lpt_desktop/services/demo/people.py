"""One case's person, address, sentence, requirements or licence conditions, and registrations."""

from __future__ import annotations

import random
from datetime import date, datetime, timedelta
from typing import Any

from lpt_desktop.domain.dates import add_months
from lpt_desktop.domain.reference import Reference
from lpt_desktop.services.demo.common import _QuickRandom, _uuid, _weighted
from lpt_desktop.services.demo.contacts import CaseFacts, _contacts
from lpt_desktop.services.demo.record import _case_record
from lpt_desktop.services.demo.standards import _plans_and_reviews
from lpt_desktop.services.demo.tiering import _predictors
from lpt_desktop.standards.calendar import last_working_day_on_or_before
from lpt_desktop.store.models import (
    Address,
    LicenceCondition,
    Person,
    Registration,
    Requirement,
    Sentence,
)

STANDARD_LICENCE_CONDITIONS = (
    "Be of good behaviour and not behave in a way which undermines the purpose of the licence period.",
    "Not commit any offence.",
    "Keep in touch with the supervising officer as instructed.",
    "Receive visits from the supervising officer as instructed.",
    "Reside permanently at an address approved by the supervising officer.",
    "Undertake work only as approved by the supervising officer.",
    "Not travel outside the United Kingdom, the Channel Islands or the Isle of Man without permission.",
)
ADDITIONAL_CONDITIONS = (
    "Not contact or associate with the named victim, directly or indirectly.",
    "Not enter the exclusion zone shown on the attached map without prior approval.",
    "Attend all appointments with the substance misuse service.",
    "Comply with a curfew at the approved address between 19:00 and 07:00.",
    "Notify the supervising officer of any developing intimate relationship.",
)
ETHNICITIES = (("White: British", 78), ("White: Irish", 2), ("White: other", 4), ("Asian: Pakistani", 6),
               ("Asian: Indian", 3), ("Black: Caribbean", 2), ("Black: African", 1), ("Mixed", 3), ("Other", 1))
RELIGIONS = (("No religion", 45), ("Christian", 35), ("Muslim", 12), ("Other", 3), ("Prefer not to say", 5))
DISABILITIES = ("Dyslexia", "Hearing impairment", "Mobility: uses a walking stick", "Anxiety and depression",
                "ADHD", "Learning disability")
NEEDS = ("Needs appointments after 4pm for childcare", "Reading help with letters", "Large-print letters",
         "Prayer times on Fridays", "Avoid home visits before 10am (night shifts)")



def _tier(rng: random.Random, rosh: str, mappa_level: str | None) -> str:
    if rosh == "VH" or mappa_level in ("2", "3"):
        letter = "A"
    elif rosh == "H":
        letter = "B"
    elif rosh == "M":
        letter = "C"
    else:
        letter = "D"
    return f"{letter}{rng.choices('0123', weights=(1, 3, 4, 2))[0]}"



def _one_case(rng: random.Random, today: date, now: datetime, names: dict[str, Any], ref: Reference, owner: str | None,
              crn_number: int, contacts: int, rows: dict[type, list[dict[str, Any]]], author: str = "") -> None:
    stamp = {"created_at": now, "updated_at": now}
    pid = _uuid(rng)
    male = rng.random() < 0.85
    first = rng.choice(names["male"] if male else names["female"])
    last = rng.choice(names["surnames"])
    dob = today - timedelta(days=rng.randint(18 * 365, 62 * 365))
    rosh = rng.choices(["L", "M", "H", "VH"], weights=(35, 45, 17, 3))[0]
    registers: list[tuple[str, str | None, str | None]] = []
    mappa_level = None
    if rng.random() < (0.08 if rosh in ("L", "M") else 0.45):
        category: str | None = rng.choices("123", weights=(5, 4, 1))[0]
        mappa_level = rng.choices("123", weights=(8, 3, 1))[0]
        registers.append(("MAPP", category, mappa_level))
        if category == "1":
            registers.append(("ARSO", None, None))
    for code, rate in (("RCPR", 0.07), ("ADVP", 0.2), ("APPO", 0.04), ("IIOM", 0.05), ("AV2S", 0.04),
                       ("WEAP", 0.05), ("IRMO", 0.02), ("ALSH", 0.08), ("AMHL", 0.1)):
        if rng.random() < rate:
            registers.append((code, None, None))
    interpreter = rng.random() < 0.04
    rows[Person].append({
        "id": pid, **stamp, "crn": f"L{crn_number}", "first_name": first, "last_name": last,
        "preferred_name": None, "date_of_birth": dob,
        "pnc": f"{rng.randint(1995, 2024)}/{rng.randint(0, 9999999):07d}{rng.choice('ABCDEFGHJKLMNPQRTUVWXYZ')}"
        if rng.random() < 0.9 else None,
        "gender": "Male" if male else "Female", "ethnicity": _weighted(rng, ETHNICITIES),
        "religion": _weighted(rng, RELIGIONS),
        "first_language": rng.choice(("Polish", "Urdu", "Romanian", "Punjabi")) if interpreter else "English",
        "interpreter_required": interpreter,
        "disabilities": rng.choice(DISABILITIES) if rng.random() < 0.2 else None,
        "caring_responsibilities": rng.choice(("Two children under 10", "Cares for a parent", "One child"))
        if rng.random() < 0.2 else None,
        "individual_needs": rng.choice(NEEDS) if rng.random() < 0.25 else None,
        "tier": _tier(rng, rosh, mappa_level), "rosh": rosh, "officer_id": owner,
    })
    town_i = rng.randrange(len(names["towns"]))
    rows[Address].append({
        "id": _uuid(rng), **stamp, "person_id": pid,
        "line1": f"{rng.randint(1, 220)} {rng.choice(names['streets'])}", "line2": None,
        "town": names["towns"][town_i],
        "postcode": f"{names['postcode_areas'][town_i]} {rng.randint(1, 9)}{rng.choice('ABDEFGHJLNPQRSTUWXYZ')}"
                    f"{rng.choice('ABDEFGHJLNPQRSTUWXYZ')}",
        "status": "main", "to_date": None,
        "from_date": last_working_day_on_or_before(today - timedelta(days=rng.randint(30, 2000))),
    })
    order = rng.choices(["CO", "SSO", "LIC", "PSS"], weights=(45, 20, 30, 5))[0]
    months = {"CO": rng.choice((12, 12, 18, 24, 36)), "SSO": rng.choice((12, 18, 24)),
              "LIC": rng.choice((6, 9, 12, 18, 24, 36)), "PSS": 12}[order]
    # Orders and licences start on a working day (the court sits, the prison releases), so the first
    # appointments can be on working days too.
    start = last_working_day_on_or_before(today - timedelta(days=rng.randint(1, max(2, months * 30 - 7))))
    end = add_months(start, months)
    sid = _uuid(rng)
    rows[Sentence].append({
        "id": sid, **stamp, "person_id": pid, "order_type": order, "offence": rng.choice(names["offences"]),
        "court": rng.choice(names["courts"]), "sentence_date": start - timedelta(days=rng.randint(0, 2)),
        "start_date": start, "end_date": end, "length_months": months, "terminated_on": None,
    })
    chosen: dict[str, dict[str, Any]] = {}
    if order in ("CO", "SSO"):
        if rng.random() < 0.55:
            chosen["UPW"] = {"hours": rng.randrange(40, 301, 10)}
        if rng.random() < 0.6 or not chosen:
            chosen["RAR"] = {"days": rng.choice((5, 10, 15, 20, 25, 30, 40))}
        for code, rate, params in (
            ("PROG", 0.12, {"programme": rng.choice(("TSP", "ASRO", "CALM", "Building Better Relationships"))}),
            ("CUR", 0.1, {"hours_per_day": rng.choice((8, 10, 12)), "months": rng.randint(1, 6)}),
            ("DRR", 0.07, {"months": rng.choice((6, 9, 12)), "testing": True}),
            ("ATR", 0.07, {"months": rng.choice((6, 9, 12))}),
            ("MHT", 0.03, {"provider": "Lancashire Care community mental health team"}),
            ("EXC", 0.03, {"place": f"{names['towns'][town_i]} town centre", "months": rng.randint(3, 12)}),
        ):
            if rng.random() < rate:
                chosen[code] = params
        if "CUR" in chosen:
            chosen["EM"] = {"monitors": "Curfew"}
        for code, params in chosen.items():
            rows[Requirement].append({"id": _uuid(rng), **stamp, "sentence_id": sid, "type_code": code,
                                      "params": params, "start_date": start, "end_date": None})
    else:
        conditions = list(STANDARD_LICENCE_CONDITIONS)
        if order == "PSS":
            conditions.append("Participate in activities in accordance with any instructions given.")
        extra = rng.sample(ADDITIONAL_CONDITIONS, rng.randint(0, 2))
        for n, text in enumerate(conditions + extra):
            rows[LicenceCondition].append({"id": _uuid(rng), **stamp, "sentence_id": sid, "code": f"C{n + 1:02d}",
                                           "text": text, "standard": text not in extra})
    for code, category, level in registers:
        reg_start = last_working_day_on_or_before(today - timedelta(days=rng.randint(10, 700)))
        review = add_months(reg_start, ref.register_types[code].review_months)
        while review < today - timedelta(days=rng.choice((0, 0, 0, 0, 0, 0, 0, 0, 0, 14))):
            review = add_months(review, ref.register_types[code].review_months)
        rows[Registration].append({
            "id": _uuid(rng), **stamp, "person_id": pid, "type_code": code, "category": category, "level": level,
            "start_date": reg_start, "next_review_date": review, "ended_on": None, "notes": None,
        })
    facts = CaseFacts(order=order, end=end, offence=rows[Sentence][-1]["offence"],
                      requirements=tuple((code, int(params.get("hours", 0))) for code, params in chosen.items()),
                      registers=tuple(code for code, _, _ in registers), rosh=rosh, male=male, author=author)
    # The history has its own generator, seeded from the case: the people do not depend on how many
    # contacts each case has, and each history is reproducible on its own.
    _contacts(_QuickRandom(f"contacts:{pid}"), today, stamp, pid, start, contacts, rows, facts)
    _plans_and_reviews(_QuickRandom(f"records:{pid}"), today, stamp, pid, start, end, rows)
    # The rest of the record (other names, contacts, circumstances, the timeline), seeded from the case too.
    _case_record(_QuickRandom(f"record:{pid}"), today, stamp, names, ref, rows)
    # Predictor scores from the case's assessments (issue 17), seeded from the case too.
    _predictors(random.Random(f"predictors:{pid}"), today, stamp, pid, rosh, facts.registers, facts.offence, rows)
