"""A realistic synthetic caseload for demos and benchmarks (fictional people only).

Rates are plausible, not official: about 45% community orders, 20% SSOs, 30% licences and 5% PSS;
RoSH mostly low and medium; registers at the rates a generic caseload shows. Deterministic for a
given seed and `today`.

Each case has a contact history up to yesterday (see _contacts): short notes with the risk of harm
and needs they address, absences with reasons and evidence, failures with the enforcement
decisions lpt_desktop.domain.enforcement asks for (a few recent ones still open), unpaid work
sessions paced on or behind track, and restricted victim liaison contacts on violent or sexual
licence cases; then one or two appointments still to come.
"""

from __future__ import annotations

import bisect
import contextlib
import math
import random
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from pathlib import Path

from sqlalchemy import Connection, insert
from sqlalchemy.exc import DBAPIError

from lpt_desktop.domain.dates import add_months
from lpt_desktop.domain.enforcement import Requirement as Need
from lpt_desktop.domain.enforcement import failure_number, is_licence, required, warned_within_window
from lpt_desktop.domain.reference import load_json, reference
from lpt_desktop.services.obligations import offence_category
from lpt_desktop.services.unlock import create_caseload, officer_id
from lpt_desktop.standards.calendar import add_working_days, last_working_day_on_or_before
from lpt_desktop.store.database import Database
from lpt_desktop.store.keyfile import KdfParams
from lpt_desktop.store.models import (
    Address,
    Audit,
    Contact,
    Enforcement,
    LicenceCondition,
    Person,
    Registration,
    Requirement,
    Sentence,
    utcnow,
)
from lpt_desktop.store.schedule_models import StandardsRecord

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
    """str(uuid.UUID(int=rng.getrandbits(128), version=4)), without building the UUID object."""
    n = (rng.getrandbits(128) & _UUID_CLEAR) | _UUID_SET
    h = f"{n:032x}"
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


_UUID_CLEAR = ~((0xC000 << 48) | (0xF000 << 64))  # the variant and version bits
_UUID_SET = (0x8000 << 48) | (4 << 76)  # RFC 4122 variant, version 4


class _QuickRandom(random.Random):
    """Random with a cheaper choice and randint (one random() call each), for the contact hot path."""

    def choice(self, seq):  # noqa: ANN001 - as random.Random.choice
        return seq[int(self.random() * len(seq))]

    def randint(self, a: int, b: int) -> int:
        return a + int(self.random() * (b - a + 1))


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
    """Fill an empty caseload with spec.cases people: Core bulk inserts in batches, one transaction."""
    check_spec(spec)
    rng = random.Random(spec.seed)
    today = spec.today or date.today()
    names = load_json("demo_names.json")
    ref = reference()
    owner = officer_id(db)
    now = utcnow()
    crn_numbers = rng.sample(range(100000, 999999), spec.cases)
    batch = 500
    # One transaction: a demo is all there or not at all, and one connection keeps a warm cache.
    with db.write() as s:
        conn = s.connection()  # Core executemany: one statement per table, no ORM bookkeeping
        s.add(Audit(actor=s.info["actor"], action="create", table_name="demo", record_id="demo",
                    detail=f"demo caseload: {spec.cases} cases, seed {spec.seed}"))
        with _bulk_cache(conn):
            for start in range(0, spec.cases, batch):
                rows: dict[type, list[dict]] = {m: [] for m in (Person, Address, Sentence, Requirement,
                                                                LicenceCondition, Registration, Contact,
                                                                Enforcement, StandardsRecord)}
                for i in range(start, min(start + batch, spec.cases)):
                    _one_case(rng, today, now, names, ref, owner, crn_numbers[i], spec.contacts_per_case, rows,
                              author=db.actor)
                with _fts_filled_in_bulk(conn):
                    for model, items in rows.items():
                        if items:
                            conn.execute(insert(model), items)
                if progress:
                    progress(min(start + batch, spec.cases), spec.cases)


BULK_CACHE_KIB = 262_144


@contextlib.contextmanager
def _bulk_cache(conn: Connection) -> Iterator[None]:
    """A bigger page cache on this connection while the demo is written, then its own again.

    The contact table's UUID key and the note index take inserts all over their B-trees; at Trust
    scale they outgrow the store's cache, and every miss is a page decrypted again (about 13% of
    the generation time at 7,500 cases).
    """
    before = conn.exec_driver_sql("PRAGMA cache_size").scalar()
    conn.exec_driver_sql(f"PRAGMA cache_size = -{BULK_CACHE_KIB}")
    try:
        yield
    finally:
        with contextlib.suppress(DBAPIError):  # after a failed write the caller closes the database anyway
            conn.exec_driver_sql(f"PRAGMA cache_size = {int(before)}")


@contextlib.contextmanager
def _fts_filled_in_bulk(conn: Connection) -> Iterator[None]:
    """Index the notes of the rows inserted in this block in one statement, not one trigger call a row.

    Indexing through migration 0003's insert trigger, one FTS5 insert per row, costs two to three
    times as much as one INSERT ... SELECT over the batch (measured on 100,000 demo notes). Inside
    the caller's transaction the trigger is dropped, the new rows are indexed with the trigger's
    own statement for many rows, and the trigger is recreated from its stored SQL.
    """
    trigger = conn.exec_driver_sql("SELECT sql FROM sqlite_master WHERE type = 'trigger' "
                                   "AND name = 'contact_fts_insert'").scalar()
    if trigger is None:  # an older schema without the index: nothing to do
        yield
        return
    last = conn.exec_driver_sql("SELECT coalesce(max(rowid), 0) FROM contact").scalar()
    conn.exec_driver_sql("DROP TRIGGER contact_fts_insert")
    yield
    conn.exec_driver_sql("INSERT INTO contact_fts (notes, contact_id) SELECT notes, id FROM contact "
                         "WHERE rowid > ? AND notes IS NOT NULL ORDER BY rowid", (last,))
    conn.exec_driver_sql(trigger)


def _one_case(rng: random.Random, today: date, now: datetime, names: dict, ref, owner: str | None,  # noqa: ANN001
              crn_number: int, contacts: int, rows: dict[type, list[dict]], author: str = "") -> None:
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
    chosen: dict[str, dict] = {}
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
        reg_start = today - timedelta(days=rng.randint(10, 700))
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


# -- plans and reviews -------------------------------------------------------------------------------
# Mostly good practice with a realistic minority of lapses (the standards engine's plan and review
# obligations read these rows; see services/obligations.record_done). The 'current' policy's terms:
# a sentence plan within 15 working days, plan and RoSH reviews every 6 months.
ON_TIME, LATE = 0.88, 0.95  # the rest are not done at all
REVIEW_MONTHS = 6


def _plans_and_reviews(rng: random.Random, today: date, stamp: dict, pid: str, start: date, end: date,
                       rows: dict[type, list[dict]]) -> None:
    yesterday = today - timedelta(days=1)
    records = rows.setdefault(StandardsRecord, [])

    def add(kind: str, on: date) -> None:
        if on <= yesterday:  # not done yet: the engine shows it as due (or upcoming)
            records.append({"id": _uuid(rng), **stamp, "person_id": pid, "kind": kind, "done_on": on, "note": None})

    roll = rng.random()
    if roll < ON_TIME:
        add("sentence_plan", add_working_days(start, rng.randint(3, 14)))
    elif roll < LATE:
        add("sentence_plan", add_working_days(start, rng.randint(17, 35)))
    k = 1
    while (due := add_months(start, k * REVIEW_MONTHS)) <= end and due - timedelta(days=14) <= yesterday:
        roll = rng.random()
        for kind in ("plan_review", "rosh_review"):  # usually done together (one OASys review)
            if kind == "rosh_review" and rng.random() < 0.15:
                roll = rng.random()
            if roll < ON_TIME:
                add(kind, last_working_day_on_or_before(due - timedelta(days=rng.randint(0, 12))))
            elif roll < LATE:
                add(kind, add_working_days(due, rng.randint(3, 25)))
        k += 1


# -- contact histories ---------------------------------------------------------------------------
# Short case notes composed from fragments (fictional; British English). {he}/{his}/{him}/{He}/{His}
# are filled in once at import for men and women, so the hot path only picks and joins strings.
OFFICE = "Preston office"
VIOLENT_OR_SEXUAL = ("Assault occasioning actual bodily harm", "Common assault", "Affray", "Robbery", "Harassment",
                     "Breach of a restraining order", "Wounding with intent (s.18)", "Sexual assault", "Arson")
VICTIM_SCHEME = ("Assault occasioning actual bodily harm", "Robbery", "Harassment", "Breach of a restraining order",
                 "Wounding with intent (s.18)", "Sexual assault", "Arson")
APPOINTMENT_TYPES = ("COAP", "COAP", "COAP", "COAP", "COPT", "CHVS", "COVC", "C084")
# Regular contacts between the planned ones (unpaid work, programmes, victim liaison, MAPPA, MARAC).
REGULAR_TYPES = (("COAP", 560), ("COPT", 120), ("CHVS", 80), ("COVC", 60), ("C084", 50), ("COOO", 40),
                 ("CODC", 20), ("CPOL", 25), ("CLET", 25), ("MO1", 20))
# Outcomes of a past appointment by how well the person complies (per mille).
OUTCOMES = {
    "good": (("ATTC", 930), ("AA", 40), ("RSSR", 8), ("RSOF", 10), ("AFTA", 5), ("UAAB", 4), ("AFTC", 2),
             ("ATSH", 1)),
    "mixed": (("ATTC", 850), ("AA", 60), ("RSSR", 12), ("RSOF", 20), ("AFTA", 25), ("UAAB", 20), ("AFTC", 8),
              ("ATSH", 5)),
    "poor": (("ATTC", 720), ("AA", 80), ("RSSR", 15), ("RSOF", 35), ("AFTA", 80), ("UAAB", 45), ("AFTC", 15),
             ("ATSH", 10)),
}
COMPLIANCE = (("good", 70), ("mixed", 22), ("poor", 8))
FAILURES = frozenset(("AFTA", "UAAB", "AFTC", "ATSH"))
REMOTE = frozenset(("COPT", "COVC", "CHVS", "COHV", "CODC"))  # cannot fail to comply or be sent home
NOT_APPOINTMENTS = frozenset(("CCMM", "C005", "CPOL", "CVIC", "MO1", "CCRT", "CLET"))
OFFICE_HOURS = frozenset(("COAP", "COAI", "C084", "COOO", "CPRG", "MO1", "CCMM", "C005"))
LOCATIONS = {
    "COAP": (OFFICE,), "COAI": (OFFICE,), "COPT": ("Telephone",), "COVC": ("Video call",),
    "CHVS": ("Home address",), "COHV": ("Home address",), "CODC": ("Home address",),
    "C084": (OFFICE, "Housing Options, Preston", "Inspire drug and alcohol service, Preston",
             "Jobcentre Plus, Preston"),
    "COOO": ("Jobcentre Plus, Preston", "Preston library", "Café near the home address", "GP surgery",
             "Magistrates' court reception"),
    "CPRG": ("Preston office, group room",), "CVIC": ("Telephone (victim liaison unit)",),
    "CCMM": ("Preston police station", "Video call (MAPPA panel)"), "C005": ("Video call (MARAC)",),
    "CPOL": ("Telephone",), "MO1": (OFFICE,), "CLET": ("Post",),
}
NEED_WEIGHTS = (("accommodation", 0.35), ("ete", 0.5), ("finance", 0.35), ("relationships", 0.3),
                ("lifestyle", 0.35), ("drugs", 0.3), ("alcohol", 0.3), ("emotional", 0.35), ("thinking", 0.45),
                ("attitudes", 0.2))

_OPENERS = {
    "office": (
        "Attended on time and engaged well.", "Reported to the office as instructed.",
        "Attended ten minutes late; apologised and said the bus was delayed.",
        "Presented as calm and settled today.", "Appeared tired and a little flat in mood but engaged.",
        "Good engagement; open and honest about the past fortnight.",
        "Attended with {his} support worker's letter as asked.", "Arrived early and was keen to talk.",
        "Engaged reasonably well, although {he} gave short answers at first.",
    ),
    "COPT": ("Phone contact as agreed; {he} answered first time.", "Telephone check-in; a short call.",
             "Phoned at the agreed time; took two attempts to get through."),
    "COVC": ("Video call held as planned; the connection was good.",
             "Video contact from {his} phone; spoke in a quiet room on {his} own."),
    "home": ("Home visit completed. Property clean and tidy; no concerns about the home conditions.",
             "Home visit: flat sparsely furnished but adequate; food in the cupboards.",
             "Home visit. Room was untidy; discussed looking after the tenancy.",
             "Home visit completed; met {his} partner briefly, who was polite and welcoming."),
    "CODC": ("Doorstep visit: {he} answered the door and confirmed {he} is still living there.",
             "Doorstep visit; spoke briefly at the door as {he} was about to leave for work."),
    "C084": ("Three-way meeting held to agree who does what.", "Three-way meeting with the partner agency.",
             "Joint appointment to review progress with the other service."),
    "COOO": ("Met at the agreed location.", "Appointment held away from the office to fit around work."),
}
_NEEDS = {
    "accommodation": (
        "Still sofa-surfing at a friend's address; referred to Housing Options.",
        "Accommodation remains stable at the approved address.",
        "Has been offered a one-bedroom flat through the council; moving date to be confirmed.",
        "Rent arrears are building; agreed to speak to the landlord this week.",
        "Discussed the supported housing application; awaiting a response.",
        "Worried about being asked to leave {his} mother's house; explored options.",
    ),
    "ete": (
        "Started work at a local warehouse on a zero-hours contract.",
        "Attending a CSCS card course at the college on Tuesdays.",
        "Still unemployed; completed two job applications in the session.",
        "Referred to the ETE worker for help with a CV.",
        "Working full time as a labourer; appointments moved to late afternoon to fit.",
        "Has an interview for a kitchen porter job next week; practised answers.",
    ),
    "finance": (
        "Universal Credit payment delayed; food bank voucher provided.",
        "Budgeting discussed; has set up a payment plan for the court fines.",
        "Reports debts to a payday lender; referred to Citizens Advice.",
        "Money is tight but bills are paid; no new debts reported.",
    ),
    "relationships": (
        "Relationship with {his} partner reported as settled.",
        "Has re-established contact with {his} mother, which {he} described as a positive step.",
        "Contact with {his} children is supervised through the family centre.",
        "Reports arguments at home; discussed the safety plan and time-out.",
        "Split from {his} partner last week; talked through how {he} is coping.",
    ),
    "lifestyle": (
        "Says {he} is avoiding old associates from the estate.",
        "Spends most evenings at home; has joined a local boxing gym.",
        "Admitted meeting a known associate at the weekend; discussed the risks this brings.",
        "Has started volunteering at the community centre on Saturdays.",
    ),
    "drugs": (
        "Reports no illicit drug use since the last appointment.",
        "Disclosed cannabis use at the weekend; discussed the link to offending.",
        "Attending the drug service weekly; test results negative.",
        "Script from the drug service is stable; no on-top use reported.",
        "Lapsed on cocaine after a night out; relapse prevention plan reviewed.",
    ),
    "alcohol": (
        "Says alcohol use is down to weekends only.",
        "Smelt of alcohol at the start of the session; discussed the impact.",
        "Completed an AUDIT screening; score in the increasing-risk range.",
        "Attending the alcohol service group on Thursdays.",
        "Has been alcohol-free for three weeks and is proud of it.",
    ),
    "emotional": (
        "Low mood discussed; encouraged to see the GP about medication.",
        "Reports sleeping better since starting counselling.",
        "Anxiety about money and the future remains high; coping strategies discussed.",
        "Referred to the mental health practitioner in the office.",
    ),
    "thinking": (
        "Completed a consequential thinking exercise on the index offence.",
        "Worked through a problem-solving worksheet on handling conflict.",
        "Session on triggers and early warning signs; identified boredom and money worries.",
        "Used the thinking skills toolkit on a recent argument at the shop.",
    ),
    "attitudes": (
        "Continues to minimise responsibility for the offence; challenged this.",
        "Showed more victim awareness than at previous sessions.",
        "Expressed frustration with the order but accepted the need to comply.",
        "Spoke about the offence with more honesty than before.",
    ),
}
_RISKS = {
    "victim": ("No reported contact with the victim; reminded of the licence condition.",
               "Victim safety discussed; no indication of contact or approaches.",
               "Asked about the exclusion zone; {he} says {he} has kept out of it."),
    "children": ("Discussed the child protection plan; the next core group meeting is in two weeks.",
                 "Checked who is living at the address; no children present.",
                 "Social worker confirms contact with the children is going well."),
    "domestic": ("Police call-out information checked; no new incidents recorded.",
                 "Discussed the domestic abuse safety plan and warning signs.",
                 "Partner not present; no current concerns from the IDVA."),
    "other": ("No new information to suggest an increase in risk of harm.",
              "Risk of harm reviewed; remains as assessed.",
              "No police intelligence of concern since the last contact."),
}
_ACTIONS = (
    "Next appointment booked for the same time in two weeks.", "Agreed to bring proof of address next time.",
    "To contact the drug service before the next appointment.", "Officer to chase the housing referral.",
    "Agreed to complete two job applications before the next session.",
    "Reminded of the requirement to attend all appointments.", "Next appointment given in writing.",
    "Officer to update the sentence plan.", "Agreed to phone if anything changes at home.",
)
_INDUCTION = ("Induction completed. The order, its requirements and what happens on a failure to comply were "
              "explained; compliance letter signed.",
              "Induction appointment. Licence conditions read through and explained; {he} said {he} understood "
              "them and signed.")
_FAILURE = {
    "AFTA": ("Did not attend. No contact before or after; phoned twice and left voicemails.",
             "Failed to attend the appointment. No explanation received; letter sent asking {him} to make contact.",
             "Did not attend and did not answer the phone. Checked with the police: no arrest."),
    "UAAB": ("Phoned an hour before to say {he} could not attend because {he} was 'too tired'. Explanation not "
             "accepted as reasonable.",
             "Said {he} missed the appointment because {he} overslept. Not an acceptable reason.",
             "Claimed to be unwell but has provided no evidence after two requests. Absence treated as "
             "unacceptable."),
    "AFTC": ("Attended but refused to take part and left after ten minutes.",
             "Attended under the influence of alcohol and could not engage; asked to leave and rebooked.",
             "Attended but would not give an address for the past week as instructed."),
    "AFTA-home": ("Not at home for the planned visit; card left asking {him} to make contact.",
                  "No answer at the address at the agreed time; neighbour had not seen {him} today."),
    "AFTA-remote": ("Did not answer the planned call; two further attempts, no answer.",
                    "Missed the planned call and did not ring back as asked."),
    "ATSH": ("Sent home for abusive language towards staff after a warning.",
             "Sent home: aggressive towards another person in the waiting area.",
             "Sent home for repeatedly using a phone after being told to stop."),
}
_ABSENCE = {
    "AAME": ("Phoned in the morning: unwell with flu. Fit note requested.",
             "Hospital appointment clashed; appointment letter to be shown."),
    "AAEM": ("Could not attend because of a shift at work; rota provided.",
             "Called in for an extra shift at short notice; employer's letter requested."),
    "AAFC": ("Child taken ill and no other childcare available.",
             "School called {him} to collect {his} son; no one else could go."),
    "AACL": ("Attending court as a witness; letter seen.", "Solicitor's appointment about the family court case."),
    "AAHO": ("On a holiday agreed in advance.",),
    "AARE": ("Religious festival; agreed in advance.",),
    "AARC": ("Remanded in custody overnight on a new matter; released the next day.",),
    "CO05": ("Professional judgement: bereavement in the family this week.",
             "Professional judgement: attending a job interview arranged by the ETE worker."),
}
ABSENCE_REASONS = (("AAME", 40), ("AAEM", 20), ("AAFC", 15), ("AACL", 8), ("AAHO", 5), ("AARE", 3),
                   ("AARC", 2), ("CO05", 7))
_RESCHEDULED = {"RSSR": ("Rescheduled by staff: officer on training.", "Rescheduled by staff: office closed "
                                                                       "(fire alarm)."),
                "RSOF": ("Asked to rebook for a hospital appointment; rebooked to later in the week.",
                         "Rebooked at {his} request to fit around a job interview.")}
_PRESENT_HOME = ("Person on probation only.", "Person on probation and {his} partner.",
                 "Person on probation and {his} mother.", "Person on probation, {his} partner and two children.",
                 "Person on probation and a housemate.")
_PRESENT_3WAY = ("Person on probation; housing support worker.", "Person on probation; drug service key worker.",
                 "Person on probation; ETE worker.", "Person on probation; mental health practitioner.",
                 "Person on probation; children's social worker.")
PLACEMENTS = (
    ("Avenham Park, Preston: grounds maintenance", ("Horticulture: pruning and clearing borders",
     "Used a strimmer safely after a toolbox talk", "Planting bulbs; worked as part of a team")),
    ("St Mary's church hall: painting and decorating", ("Painting and decorating; used a roller safely",
     "Prepared walls: filling and sanding", "Cutting in neatly around skirting boards")),
    ("Community Payback workshop: joinery", ("Joinery: built planters for a primary school",
     "Measured and cut timber accurately", "Used a cordless drill safely")),
    ("Charity shop, Friargate: retail", ("Retail: sorted and priced donated stock",
     "Customer service on the shop floor", "Cash handling under supervision")),
    ("Canal towpath clearance, Lancaster", ("Litter picking and clearing vegetation; worked as part of a team",
     "Manual handling: lifted and carried safely", "Followed the risk assessment near water")),
    ("Food bank warehouse, Blackburn", ("Warehouse: sorted donations and packed parcels",
     "Stock rotation and date checking", "Worked to a deadline with a team")),
)
_UPW = ("Attended the placement and worked steadily; no concerns from the supervisor.",
        "Punctual; completed the day's tasks and helped a new starter.",
        "Worked well with the group. Supervisor reports a good attitude.",
        "Quiet at first but settled into the work.",
        "Good effort today; asked about similar paid work.")
_ETE_CREDIT = (("ETE activity approved by the officer: employability course at the college.",
                "Employability: wrote a CV and a cover letter"),
               ("ETE activity approved by the officer: English and maths functional skills class.",
                "Functional skills: maths level 1 practice"))
_PROGRAMMES = ("Attended the group session; participated in role plays on managing conflict.",
               "Programme session on thinking before acting; completed the homework.",
               "Group session on relationships; quiet but engaged when asked.")
_VICTIM = (
    ("Victim liaison officer spoke with the victim about the licence.",
     "The victim asked for an exclusion zone covering the street where they live and their place of work."),
    ("Update from the victim liaison officer after a call with the victim.",
     "Does not want any contact, directly or through others; content with the non-contact condition."),
    ("Victim liaison contact: licence conditions reviewed with the victim.",
     "Worried about meeting {him} in the town centre; asked that the exclusion zone be kept."),
    ("Victim liaison officer visited the victim.",
     "Has asked to be told if {his} address changes or if {he} is recalled."),
)
_MAPPA = ("MAPPA meeting held. Risk management plan reviewed; police to complete a home visit; officer to review "
          "the licence conditions.",
          "MAPPA review: no new concerns from the agencies; level to stay the same until the next review.",
          "MAPPA meeting: intelligence shared about a new address; officer to verify it this week.")
_PRESENT_MAPPA = ("Police (MOSOVO); housing; probation.", "Police; children's services; probation; mental health.")
_MARAC = ("Case discussed at MARAC. The partner is supported by an IDVA; officer to share any change of address.",
          "MARAC: repeat referral discussed; actions agreed with police and children's services.")
_POLICE = ("Police liaison: checked with the neighbourhood team; no new intelligence.",
           "Police liaison: intelligence that {he} was seen with known associates; to discuss at the next "
           "appointment.",
           "Police liaison: no call-outs to the address since the last check.")
_LETTER = ("Letter sent confirming the next appointment.", "Appointment letter posted with a map of the office.",
           "Email to the housing provider about the tenancy, with consent.")
_OVERSIGHT = ("Management oversight: case discussed in supervision with the SPO. Sentence plan to be reviewed "
              "within 10 working days.",
              "Management oversight: enforcement decisions reviewed and agreed.",
              "Management oversight: risk assessment countersigned; no further actions.")
_ENFORCEMENT_REASONS = {
    "EA02": ("First failure in 12 months without an acceptable explanation. First warning letter sent.",
             "Missed appointment not explained; first warning letter issued."),
    "EA03": ("Second failure on licence in 12 months. Final warning letter sent and the consequences explained.",),
    "IBR": ("A further unacceptable failure within 12 months of a warning. Breach papers prepared for court.",
            "Second unacceptable failure in 12 months. Breach initiated."),
    "EA11": ("Third failure on licence in 12 months; engagement has broken down. Recall requested.",
             "Failure on licence with risk increasing. Recall requested."),
    "NFA": ("Evidence received afterwards (hospital letter). No further action.",
            "Professional judgement: first missed appointment after a bereavement. No further action."),
    "ROM": ("Referred to the SPO: the circumstances need a second opinion before a decision.",),
}
_PRONOUNS = {True: {"he": "he", "He": "He", "his": "his", "His": "His", "him": "him"},
             False: {"he": "she", "He": "She", "his": "her", "His": "Her", "him": "her"}}


def _gendered(value: object, words: dict[str, str]) -> object:
    """value (a string, or tuples and dicts of them) with the pronoun placeholders filled in."""
    if isinstance(value, str):
        return value.format(**words)
    if isinstance(value, dict):
        return {k: _gendered(x, words) for k, x in value.items()}
    return tuple(_gendered(x, words) for x in value)  # type: ignore[attr-defined]


_TEXT_PARTS = {"openers": _OPENERS, "needs": _NEEDS, "risks": _RISKS, "actions": _ACTIONS,
               "induction": _INDUCTION, "failure": _FAILURE, "absence": _ABSENCE, "rescheduled": _RESCHEDULED,
               "home": _PRESENT_HOME, "upw": _UPW, "police": _POLICE, "victim": _VICTIM}
# TEXT[male][part]: the fragments for a man (True) or a woman (False).
TEXT: dict[bool, dict] = {male: {k: _gendered(v, words) for k, v in _TEXT_PARTS.items()}
                          for male, words in _PRONOUNS.items()}


def _cum(pairs: tuple[tuple[str, float], ...]) -> tuple[tuple[str, ...], list[float]]:
    codes = tuple(p[0] for p in pairs)
    total, cum = 0.0, []
    for _, w in pairs:
        total += w
        cum.append(total)
    return codes, cum


_REGULAR = _cum(REGULAR_TYPES)
_OUTCOME_TABLES = {k: _cum(v) for k, v in OUTCOMES.items()}
_ABSENCE_TABLE = _cum(ABSENCE_REASONS)


def _pick(rng: random.Random, table: tuple[tuple[str, ...], list[float]]) -> str:
    codes, cum = table
    return codes[bisect.bisect(cum, rng.random() * cum[-1])]


@dataclass(frozen=True)
class CaseFacts:
    """What a contact history needs to know about its case (defaults: a plain community order)."""

    order: str = "CO"
    end: date | None = None
    offence: str = ""
    requirements: tuple[tuple[str, int], ...] = ()  # (type code, UPW hours or 0)
    registers: tuple[str, ...] = ()
    rosh: str = "L"
    male: bool = True
    author: str = ""


@dataclass
class _History:
    """The enforcement state of one case as its history unfolds (see lpt_desktop.domain.enforcement)."""

    facts: CaseFacts
    compliance: str
    failures: list[date] = field(default_factory=list)
    warnings: list[date] = field(default_factory=list)
    oversight_due: bool = False


def _decide(rng: random.Random, h: _History, need: Need, on: date, today: date
            ) -> list[tuple[str, date, str]]:
    """The decisions an officer would have made on one failure by `today` (action, decided on, reason)."""
    licence = is_licence(h.facts.order)
    r = rng.random()
    if need.kind == "warning":
        letter = "EA03" if licence and need.number >= 2 else "EA02"
        if licence and h.facts.rosh in ("H", "VH") and r < 0.06:
            steps = ["EA11"]  # recall sooner on risk
        elif r < 0.86:
            steps = [letter]
        elif r < 0.91:
            steps = ["NFA"]
        elif r < 0.97:
            steps = ["ROM", letter]
        else:
            steps = ["EA11" if licence else "IBR"]
    elif need.kind == "breach":
        steps = ["IBR"] if r < 0.85 else ["ROM", "IBR"]
    else:
        steps = ["EA11"] if r < 0.8 else ["ROM", "EA11"]
    # Mostly within the 2 working days; a few late.
    day = add_working_days(on, rng.choices((0, 1, 2, 3, 5), weights=(15, 50, 27, 5, 3))[0])
    out = []
    for i, action in enumerate(steps):
        if i:
            day = add_working_days(day, rng.randint(1, 4))
        if day >= today:
            break  # not decided yet: an open item on the "enforcement due" list
        out.append((action, day, rng.choice(_ENFORCEMENT_REASONS[action])))
    return out


def _case_needs(rng: random.Random, facts: CaseFacts) -> list[str]:
    reqs = {code for code, _ in facts.requirements}
    chosen = [code for code, p in NEED_WEIGHTS if rng.random() < p]
    if "DRR" in reqs or "Possession with intent" in facts.offence:
        chosen.append("drugs")
    if "ATR" in reqs or facts.offence == "Drink driving":
        chosen.append("alcohol")
    for extra in ("thinking", "ete", "accommodation"):
        if len(set(chosen)) >= 2:
            break
        chosen.append(extra)
    return [code for code, _ in NEED_WEIGHTS if code in chosen]  # the reference order, no repeats


def _case_risks(facts: CaseFacts) -> list[str]:
    risks = []
    if facts.offence in VIOLENT_OR_SEXUAL:
        risks.append("victim")
    if "RCPR" in facts.registers:
        risks.append("children")
    if "ADVP" in facts.registers:
        risks.append("domestic")
    risks.append("other")
    return risks


def _home_visit_days(facts: CaseFacts) -> int:
    """The 'current' policy's window for the first home visit, in days from the start."""
    if facts.rosh in ("H", "VH") or "ARSO" in facts.registers or offence_category(facts.offence) == "cse":
        return 15
    return 42 if facts.rosh == "M" else 84


def _plan(rng: random.Random, facts: CaseFacts, past: int, start: date, today: date,
          home_visit: bool = False) -> tuple[list[str], int]:
    """The type of each past contact in order, and the UPW minutes the sessions should reach."""
    types = [""] * past
    types[0] = "COAI"
    free = list(range(1, past))
    if (rng.random() < 0.6 or home_visit) and past >= 2:
        types[1] = "COHV"
        free.remove(1)
    reqs = dict(facts.requirements)
    elapsed = max((today - start).days, 1)
    specials: list[str] = []
    upw_target = 0
    if reqs.get("UPW"):
        ordered = reqs["UPW"] * 60
        pace = rng.choice((0.5, 0.7, 0.85, 1.1, 1.2, 1.35, 1.5, 1.8, 2.2, 2.6))  # 1.0 finishes in 12 months
        upw_target = int(min(ordered, ordered * pace * elapsed / 365))
        specials += ["CUPW"] * min(math.ceil(upw_target / 390), max(len(free) - 2, len(free) // 2))
    if "PROG" in reqs and elapsed > 30:
        specials += ["CPRG"] * min(rng.randint(6, 24), len(free) // 6)
    if facts.order == "LIC" and offence_category(facts.offence) in ("sexual", "violent") and rng.random() < 0.92:
        specials += ["CVIC"] * max(1, len(free) // 40)
    if "MAPP" in facts.registers and len(free) >= 5:
        specials += ["CCMM"] * max(1, len(free) // 30)
    if "ADVP" in facts.registers and len(free) >= 8 and rng.random() < 0.5:
        specials += ["C005"] * (1 + len(free) // 60)
    specials = specials[:len(free)]
    for pos, code in zip(sorted(rng.sample(free, len(specials))), rng.sample(specials, len(specials)),
                         strict=True):
        types[pos] = code
    for i in range(past):
        if not types[i]:
            types[i] = _pick(rng, _REGULAR)
    return types, upw_target


def _contacts(rng: random.Random, today: date, stamp: dict, pid: str, start: date, n: int,
              rows: dict[type, list[dict]], facts: CaseFacts | None = None) -> None:
    """n contacts for one case: a history up to yesterday and one or two appointments still to come.

    The history carries notes, structure (risk of harm, needs, flags), absences and failures with
    the enforcement decisions the rules ask for (rows[Enforcement]), unpaid work sessions and victim
    liaison contacts where the case has them. A few recent failures are left undecided.
    """
    if n <= 0:
        return
    facts = facts or CaseFacts()
    text = TEXT[facts.male]
    author = facts.author or None
    future = 1 if n < 3 else 2
    past = n - future
    end = facts.end or add_months(start, 12)
    days = max((today - start).days, 1)  # past contacts fall on start .. yesterday
    contacts, enforcement = rows[Contact], rows.setdefault(Enforcement, [])
    h = _History(facts, _weighted(rng, COMPLIANCE))
    case_needs = _case_needs(rng, facts)
    case_risks = _case_risks(facts)
    placement, skills = rng.choice(PLACEMENTS)
    upw_ordered = dict(facts.requirements).get("UPW", 0) * 60
    upw_done = 0
    # Good practice for most cases: a home visit and the first victim contact within the policy's window.
    practice = _QuickRandom(f"practice:{pid}")
    visit_roll, victim_roll = practice.random(), practice.random()
    visit_by = _home_visit_days(facts)
    visit_on = start + timedelta(days=practice.randint(1, visit_by - 3) if visit_roll < ON_TIME
                                 else visit_by + practice.randint(3, 25))
    victim_on = start + timedelta(days=practice.randint(2, 45) if victim_roll < 0.9 else 60 + practice.randint(1, 40))
    victim_done = False
    prev_day = start
    types, upw_target = _plan(rng, facts, past, start, today, visit_roll < LATE) if past else ([], 0)
    # A few cases end with a recent failure nobody has decided on yet (some overdue by now).
    force_open = past >= 3 and days >= 10 and rng.random() < 0.09
    last_failure: date | None = None
    yesterday = today - timedelta(days=1)
    for k in range(past):
        type_code = types[k]
        day = start + timedelta(days=k * days // past)
        if force_open and k == past - 1:
            # Some days ago, after the contact before it: about a third still in time for a decision,
            # the rest overdue by now.
            ago = rng.randint(1, 3) if int(pid[-1], 16) % 3 == 0 else rng.randint(5, 12)
            day = max(prev_day, today - timedelta(days=ago))
            if type_code != "CUPW":
                type_code = "COAP"
        elif k == 1 and type_code == "COHV" and visit_roll < LATE:
            day = min(visit_on, yesterday)
        elif type_code == "CVIC" and not victim_done:
            day, victim_done = min(victim_on, yesterday), True
        if type_code == "CUPW" and upw_done >= upw_target:
            type_code = "COAP"  # the hours are done (or the pace is met): an ordinary appointment instead
        if type_code == "MO1" or (h.oversight_due and type_code == "COAP" and not (force_open and k == past - 1)):
            type_code, h.oversight_due = "MO1", False
        if day.weekday() >= 5 and type_code not in ("CUPW", "CVIC"):  # offices are shut at weekends
            for shift in ((-1, 2) if day.weekday() == 5 else (1, -2)):
                if start <= day + timedelta(days=shift) <= yesterday:
                    day += timedelta(days=shift)
                    break
        if type_code == "CUPW":
            at = time(rng.choice((8, 9)), rng.choice((0, 30)))
        elif type_code in OFFICE_HOURS:
            at = time(rng.randint(9, 16), rng.choice((0, 15, 30, 45)))
        else:
            at = time(rng.randint(9, 18), rng.choice((0, 10, 20, 30, 40, 50)))
        when = datetime.combine(day, at)
        prev_day = day
        row = {
            "id": _uuid(rng), **stamp, "person_id": pid, "type_code": type_code, "starts_at": when,
            "outcome": "ATTC", "notes": None,
            "location": placement if type_code == "CUPW" else rng.choice(LOCATIONS.get(type_code, (OFFICE,))),
            "present": None, "absence_reason": None, "evidence": None, "risk_areas": [], "needs": [],
            "sensitive": False, "alert": False, "management_oversight": False, "restricted": False,
            "upw_minutes_worked": 0, "upw_minutes_credited": 0, "upw_skills": None, "victim_views": None,
            "author": author, "amends_id": None, "amendment_reason": None,
        }
        contacts.append(row)
        if type_code in NOT_APPOINTMENTS:
            _event(rng, row, type_code, text, case_risks)
            continue
        if k == 0:
            row["notes"] = f"{rng.choice(text['induction'])} {_needs_text(rng, text, case_needs, row)}"
            row["risk_areas"] = list(case_risks)
            continue
        if force_open and k == past - 1:
            outcome = rng.choice(("AFTA", "UAAB"))
        else:
            outcome = _pick(rng, _OUTCOME_TABLES[h.compliance])
            if outcome in FAILURES and (day == last_failure or type_code == "COHV"):
                outcome = "ATTC"  # one failure a day at most keeps the counting simple
            elif k == 1 and type_code == "COHV" and visit_roll < LATE:
                outcome = "ATTC"  # the planned home visit took place
            elif outcome in ("AFTC", "ATSH") and type_code in REMOTE:
                outcome = "AFTA"
        if type_code == "CUPW" and outcome == "ATTC" and rng.random() < 0.03:
            outcome = "ATSS"  # stood down (weather, no supervisor): some hours credited
        row["outcome"] = outcome
        if outcome in FAILURES:
            _failure(rng, h, row, outcome, day, today, text, enforcement, stamp, pid, author,
                     decide=not (force_open and k == past - 1))
            last_failure = day
            if type_code == "CUPW" and outcome == "ATSH":
                row["upw_minutes_worked"] = rng.choice((60, 90, 120))
                upw_done += row["upw_minutes_worked"]
        elif outcome == "AA":
            reason = _pick(rng, _ABSENCE_TABLE)
            row["absence_reason"] = reason
            row["evidence"] = ("not_needed" if reason in ("AAHO", "AARE", "CO05") else
                               "awaited" if (today - day).days < 14 or rng.random() < 0.15 else "received")
            row["notes"] = rng.choice(text["absence"][reason])
            row["sensitive"] = reason == "AAME" and rng.random() < 0.3
        elif outcome in ("RSSR", "RSOF"):
            row["notes"] = rng.choice(text["rescheduled"][outcome])
        elif type_code == "CUPW":
            upw_done += _upw_session(rng, row, text, placement, skills, upw_ordered - upw_done)
        elif type_code == "CPRG":
            row["notes"] = rng.choice(_PROGRAMMES)
            row["needs"] = ["thinking"]
        else:
            _supervision(rng, row, type_code, text, case_needs, case_risks)
    for k in range(future):
        latest = min(end, today + timedelta(days=42))
        day = min(today + timedelta(days=rng.randint(1, 14) + 14 * k), latest)
        if day.weekday() >= 5 and day + timedelta(days=7 - day.weekday()) <= latest:
            day += timedelta(days=7 - day.weekday())  # the Monday after
        type_code = rng.choice(APPOINTMENT_TYPES)
        contacts.append({
            "id": _uuid(rng), **stamp, "person_id": pid, "type_code": type_code,
            "starts_at": datetime.combine(day, time(rng.randint(9, 16), rng.choice((0, 30)))),
            "outcome": None, "location": LOCATIONS[type_code][0], "notes": None,
            "present": None, "absence_reason": None, "evidence": None, "risk_areas": [], "needs": [],
            "sensitive": False, "alert": False, "management_oversight": False, "restricted": False,
            "upw_minutes_worked": 0, "upw_minutes_credited": 0, "upw_skills": None, "victim_views": None,
            "author": author, "amends_id": None, "amendment_reason": None,
        })


def _needs_text(rng: random.Random, text: dict, needs: list[str], row: dict) -> str:
    i = rng.randint(0, len(needs) - 1)
    if len(needs) > 1 and rng.random() < 0.35:  # two needs, in the reference order
        j = (i + rng.randint(1, len(needs) - 1)) % len(needs)
        first, second = needs[min(i, j)], needs[max(i, j)]
        row["needs"] = [first, second]
        return f"{rng.choice(text['needs'][first])} {rng.choice(text['needs'][second])}"
    row["needs"] = [needs[i]]
    return rng.choice(text["needs"][needs[i]])


def _supervision(rng: random.Random, row: dict, type_code: str, text: dict, needs: list[str],
                 risks: list[str]) -> None:
    openers = text["openers"]
    if type_code in ("CHVS", "COHV"):
        opener = rng.choice(openers["home"])
        row["present"] = rng.choice(text["home"])
    elif type_code == "C084":
        opener = rng.choice(openers["C084"])
        row["present"] = rng.choice(_PRESENT_3WAY)
    else:
        opener = rng.choice(openers.get(type_code) or openers["office"])
    parts = [opener, _needs_text(rng, text, needs, row)]
    if rng.random() < 0.45:
        risk = rng.choice(risks)
        row["risk_areas"] = [risk]
        parts.append(rng.choice(text["risks"][risk]))
        row["alert"] = risk != "other" and rng.random() < 0.04
    parts.append(rng.choice(text["actions"]))
    row["notes"] = " ".join(parts)
    row["sensitive"] = "emotional" in row["needs"] and rng.random() < 0.3


def _event(rng: random.Random, row: dict, type_code: str, text: dict, risks: list[str]) -> None:
    """A contact that is not an appointment (outcome Attended and complied, as check_contact allows)."""
    if type_code == "CVIC":
        notes, views = rng.choice(text["victim"])
        row.update(notes=notes, victim_views=views, restricted=True, risk_areas=["victim"],
                   present="Victim liaison officer; victim", sensitive=True)
    elif type_code == "CCMM":
        row.update(notes=rng.choice(_MAPPA), present=rng.choice(_PRESENT_MAPPA), risk_areas=list(risks),
                   management_oversight=rng.random() < 0.3, alert=rng.random() < 0.15)
    elif type_code == "C005":
        row.update(notes=rng.choice(_MARAC), risk_areas=[r for r in risks if r in ("domestic", "children")],
                   alert=rng.random() < 0.3, sensitive=True)
    elif type_code == "CPOL":
        notes = rng.choice(text["police"])
        row.update(notes=notes, risk_areas=["other"], alert="associates" in notes)
    elif type_code == "MO1":
        row.update(notes=rng.choice(_OVERSIGHT), management_oversight=True)
    else:
        row["notes"] = rng.choice(_LETTER)


def _upw_session(rng: random.Random, row: dict, text: dict, placement: str, skills: tuple[str, ...],
                 remaining: int) -> int:
    """Fill in an unpaid work session; returns the minutes it adds to the hours done."""
    row["location"] = placement
    if row["outcome"] == "ATSS":
        credited = min(60, max(remaining, 15))
        row.update(upw_minutes_credited=credited,
                   notes="Session stood down because of heavy rain; one hour credited.")
        return credited
    if rng.random() < 0.08:
        notes, skill = rng.choice(_ETE_CREDIT)
        credited = min(rng.choice((120, 180, 240)), max(remaining, 15))
        row.update(location="Preston College", upw_minutes_credited=credited, notes=notes, upw_skills=skill,
                   needs=["ete"])
        return credited
    worked = min(rng.choice((360, 375, 390, 405, 420)), max(remaining, 15))
    row.update(upw_minutes_worked=worked, notes=rng.choice(text["upw"]),
               upw_skills=rng.choice(skills) if rng.random() < 0.7 else None)
    return worked


def _failure(rng: random.Random, h: _History, row: dict, outcome: str, day: date, today: date, text: dict,
             enforcement: list[dict], stamp: dict, pid: str, author: str | None, decide: bool) -> None:
    """Notes for a failure, and the enforcement decisions the rules call for (unless still open)."""
    key = outcome
    if outcome == "AFTA" and row["type_code"] in REMOTE:
        key = "AFTA-home" if row["type_code"] in ("CHVS", "COHV", "CODC") else "AFTA-remote"
    row["notes"] = rng.choice(text["failure"][key])
    h.failures.append(day)
    number = failure_number(h.failures, day)
    need = required(h.facts.order, number, warned_within_window([w for w in h.warnings if w < day], day))
    if not decide:
        return
    for action, decided_on, reason in _decide(rng, h, need, day, today):
        enforcement.append({
            "id": _uuid(rng), **stamp, "contact_id": row["id"], "person_id": pid, "action": action,
            "reason": reason, "decided_on": decided_on, "required_kind": need.kind, "failure_number": need.number,
            "author": author,
        })
        if action in ("EA02", "EA03"):
            h.warnings.append(decided_on)
        elif action in ("IBR", "EA11"):
            h.compliance = "good"  # back at court or recalled: later histories settle down
            h.oversight_due = True
        if action in ("IBR", "EA11", "ROM"):
            row["alert"] = True


def create_demo(path: Path, passphrase: str = DEMO_PASSPHRASE, spec: DemoSpec | None = None,
                kdf: KdfParams | None = None,
                progress: Callable[[int, int], None] | None = None) -> Database:
    """A new encrypted file holding a demo caseload (refuses to overwrite an existing file)."""
    spec = spec or DemoSpec()
    check_spec(spec)  # before any file is written
    db = create_caseload(Path(path), passphrase, "Alex Morgan", "LPT0042", kdf=kdf, team="Preston Central")
    try:
        generate(db, spec, progress)
        _court_work(db, spec)
    except BaseException:
        db.close()
        raise
    return db


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


def _full_report(draft) -> dict[str, dict]:  # noqa: ANN001 - a services.court.ReportDraft
    """Every section written, as an officer would for a theft with drug misuse behind it."""
    issues = sorted(set(draft.sections.get("offender_assessment", {}).get("issues", [])) | {"substance_misuse",
                                                                                          "accommodation"})
    rosh = draft.sections.get("risk", {}).get("rosh_level") or "M"
    return {
        "offence_details": {
            "main_offence": "Theft from a shop (Theft Act 1968 s.1)",
            "offence_date": (draft.hearing_date or date.today()) - timedelta(days=40),
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
