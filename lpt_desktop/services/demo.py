"""A realistic synthetic caseload for demos and benchmarks (fictional people only).

Rates are plausible, not official: about 45% community orders, 20% SSOs, 30% licences and 5% PSS;
RoSH mostly low and medium; registers at the rates a generic caseload shows. Deterministic for a
given seed and `today`.
"""

from __future__ import annotations

import random
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path

from sqlalchemy import insert

from lpt_desktop.domain.dates import add_months
from lpt_desktop.domain.reference import load_json, reference
from lpt_desktop.services.unlock import create_caseload, officer_id
from lpt_desktop.store.database import Database
from lpt_desktop.store.keyfile import KdfParams
from lpt_desktop.store.models import (
    Address,
    Audit,
    Contact,
    LicenceCondition,
    Person,
    Registration,
    Requirement,
    Sentence,
    utcnow,
)

MAX_CASES = 7_500
MAX_CONTACTS = 1_000_000
DEMO_PASSPHRASE = "demo"

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


@dataclass
class DemoSpec:
    cases: int = 60
    contacts_per_case: int = 20
    seed: int = 1
    today: date | None = None


def _weighted(rng: random.Random, pairs: tuple[tuple[str, int], ...]) -> str:
    return rng.choices([p[0] for p in pairs], weights=[p[1] for p in pairs])[0]


def _uuid(rng: random.Random) -> str:
    return str(uuid.UUID(int=rng.getrandbits(128), version=4))


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


def check_spec(spec: DemoSpec) -> None:
    if not 1 <= spec.cases <= MAX_CASES:
        raise ValueError(f"Cases: {spec.cases} is out of range: choose 1 to {MAX_CASES}")
    if spec.contacts_per_case < 0 or spec.cases * spec.contacts_per_case > MAX_CONTACTS:
        raise ValueError(f"Contacts per case: choose 0 or more, at most {MAX_CONTACTS:,} in all")


def generate(db: Database, spec: DemoSpec, progress: Callable[[int, int], None] | None = None) -> None:
    """Fill an empty caseload with spec.cases people; bulk inserts in a few transactions."""
    check_spec(spec)
    rng = random.Random(spec.seed)
    today = spec.today or date.today()
    names = load_json("demo_names.json")
    ref = reference()
    owner = officer_id(db)
    now = utcnow()
    crn_numbers = rng.sample(range(100000, 999999), spec.cases)
    batch = 500
    for start in range(0, spec.cases, batch):
        rows: dict[type, list[dict]] = {m: [] for m in (Person, Address, Sentence, Requirement, LicenceCondition,
                                                        Registration, Contact)}
        for i in range(start, min(start + batch, spec.cases)):
            _one_case(rng, today, now, names, ref, owner, crn_numbers[i], spec.contacts_per_case, rows)
        with db.write() as s:
            for model, items in rows.items():
                if items:
                    s.execute(insert(model), items)
            if start == 0:
                s.add(Audit(actor=s.info["actor"], action="create", table_name="demo", record_id="demo",
                            detail=f"demo caseload: {spec.cases} cases, seed {spec.seed}"))
        if progress:
            progress(min(start + batch, spec.cases), spec.cases)


def _one_case(rng: random.Random, today: date, now: datetime, names: dict, ref, owner: str | None,  # noqa: ANN001
              crn_number: int, contacts: int, rows: dict[type, list[dict]]) -> None:
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
        category = rng.choices("123", weights=(5, 4, 1))[0]
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
        "status": "main", "from_date": today - timedelta(days=rng.randint(30, 2000)), "to_date": None,
    })
    order = rng.choices(["CO", "SSO", "LIC", "PSS"], weights=(45, 20, 30, 5))[0]
    months = {"CO": rng.choice((12, 12, 18, 24, 36)), "SSO": rng.choice((12, 18, 24)),
              "LIC": rng.choice((6, 9, 12, 18, 24, 36)), "PSS": 12}[order]
    start = today - timedelta(days=rng.randint(1, max(2, months * 30 - 7)))
    end = add_months(start, months)
    sid = _uuid(rng)
    rows[Sentence].append({
        "id": sid, **stamp, "person_id": pid, "order_type": order, "offence": rng.choice(names["offences"]),
        "court": rng.choice(names["courts"]), "sentence_date": start - timedelta(days=rng.randint(0, 2)),
        "start_date": start, "end_date": end, "length_months": months, "terminated_on": None,
    })
    if order in ("CO", "SSO"):
        chosen: dict[str, dict] = {}
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
        reg_start = today - timedelta(days=rng.randint(10, 700))
        review = add_months(reg_start, ref.register_types[code].review_months)
        while review < today - timedelta(days=rng.choice((0, 0, 0, 0, 0, 0, 0, 0, 0, 14))):
            review = add_months(review, ref.register_types[code].review_months)
        rows[Registration].append({
            "id": _uuid(rng), **stamp, "person_id": pid, "type_code": code, "category": category, "level": level,
            "start_date": reg_start, "next_review_date": review, "ended_on": None, "notes": None,
        })
    _contacts(rng, today, stamp, pid, start, contacts, rows)


APPOINTMENT_TYPES = ("COAP", "COAP", "COAP", "COAP", "COPT", "CHVS", "COVC", "C084")
PAST_OUTCOMES = (("ATTC", 86), ("AFTA", 3), ("UAAB", 3), ("AA", 7), ("AFTC", 1))


def _contacts(rng: random.Random, today: date, stamp: dict, pid: str, start: date, n: int,
              rows: dict[type, list[dict]]) -> None:
    if n <= 0:
        return
    future = 1 if n < 3 else 2
    past = n - future
    span = max((today - start).days, past)
    for k in range(past):
        day = start + timedelta(days=int(k * span / max(past, 1)))
        rows[Contact].append({
            "id": _uuid(rng), **stamp, "person_id": pid,
            "type_code": "COAI" if k == 0 else rng.choice(APPOINTMENT_TYPES),
            "starts_at": datetime.combine(day, time(rng.randint(9, 16), rng.choice((0, 15, 30, 45)))),
            "outcome": "ATTC" if k == 0 else _weighted(rng, PAST_OUTCOMES),
            "location": "Preston office", "notes": None,
        })
    for k in range(future):
        day = today + timedelta(days=rng.randint(1, 14) + 14 * k)
        rows[Contact].append({
            "id": _uuid(rng), **stamp, "person_id": pid, "type_code": rng.choice(APPOINTMENT_TYPES),
            "starts_at": datetime.combine(day, time(rng.randint(9, 16), rng.choice((0, 30)))),
            "outcome": None, "location": "Preston office", "notes": None,
        })


def create_demo(path: Path, passphrase: str = DEMO_PASSPHRASE, spec: DemoSpec | None = None,
                kdf: KdfParams | None = None,
                progress: Callable[[int, int], None] | None = None) -> Database:
    """A new encrypted file holding a demo caseload (refuses to overwrite an existing file)."""
    spec = spec or DemoSpec()
    check_spec(spec)  # before any file is written
    db = create_caseload(Path(path), passphrase, "Alex Morgan", "LPT0042", kdf=kdf, team="Preston Central")
    try:
        generate(db, spec, progress)
    except BaseException:
        db.close()
        raise
    return db
