"""The rest of a case's record (issue 16): phone and email, other names, disabilities with their adjustments,
personal contacts, circumstances and their changes, sentence events, and the timeline of case events the
write services would have left (services/case_events.py, the same kinds and wording).

Every date is a working day on or before yesterday. A significant change under the current sentence owes a RoSH
and a plan review (the standards engine reads the timeline): most are reviewed within the timescale, as an
officer would; a few recent ones are still due and a few older ones were missed, so the reviews show a handful
due or overdue without swamping the caseload's count.
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from typing import Any

from lpt_desktop.domain.case_codes import case_codes
from lpt_desktop.domain.dates import format_date
from lpt_desktop.domain.reference import Reference
from lpt_desktop.services.demo.common import _uuid
from lpt_desktop.standards.calendar import add_working_days, last_working_day_on_or_before
from lpt_desktop.store.case_record_models import (
    Alias,
    CaseEvent,
    Circumstance,
    Disability,
    PersonalContact,
    SentenceEvent,
)
from lpt_desktop.store.models import Address, Person, Registration, Sentence
from lpt_desktop.store.schedule_models import StandardsRecord

REVIEWED = 0.9  # a significant change reviewed in time; the rest are missed (overdue once past the timescale)
RECENT, RECENT_REVIEWED = 0.12, 0.4  # cases with a change in the last 30 days, and how many are reviewed yet
ORDER_LABELS = {"CO": "Community order", "SSO": "Suspended sentence order", "LIC": "Licence",
                "PSS": "Post-sentence supervision"}
ADJUSTMENTS = {
    "Dyslexia": "Letters read through at appointments; easy-read appointment cards",
    "Hearing impairment": "Quiet interview room; hearing loop at the office",
    "Mobility: uses a walking stick": "Ground-floor interview room; home visits when the office is not reachable",
    "Anxiety and depression": "Appointments at quieter times; a named duty officer",
    "ADHD": "Short appointments with breaks; reminders by text the day before",
    "Learning disability": "Easy-read letters; a support worker may attend",
}
GP_PRACTICES = ("Fishergate Medical Centre", "Ribbleton Medical Centre", "Avenham Health Centre",
                "Moor Park Surgery", "Ashton Health Centre", "Lostock Hall Medical Centre")
NICKNAMES = {"James": "Jim", "Michael": "Mick", "Daniel": "Danny", "Christopher": "Chris", "Robert": "Rob",
             "Thomas": "Tom", "Joseph": "Joe", "Anthony": "Tony", "William": "Billy", "Matthew": "Matt",
             "Jonathan": "Jon", "Samuel": "Sam", "Benjamin": "Ben", "Nicholas": "Nick", "Steven": "Steve",
             "Elizabeth": "Liz", "Jennifer": "Jen", "Rebecca": "Becky", "Samantha": "Sam", "Katherine": "Kate",
             "Victoria": "Vicky", "Jessica": "Jess", "Stephanie": "Steph"}
SOLICITORS = ("Forbes Solicitors", "Harrison Bundey", "Ahmed & Co", "Cartmell Shepherd", "Tranters Criminal Defence")
AGENCIES = (("Inspire drug and alcohol service", "Recovery worker"), ("Lancashire Women", "Key worker"),
            ("Preston City Council housing options", "Housing officer"), ("Jobcentre Plus", "Work coach"),
            ("Minds Matter", "Therapist"))
# The circumstances a case starts with, and what they may change to during supervision.
STARTING = {"accommodation": (("settled", 70), ("unsettled", 22), ("approved_premises", 5), ("nfa", 3)),
            "ete": (("unemployed", 45), ("full_time", 18), ("part_time", 14), ("training", 6), ("unable", 12),
                    ("self_employed", 5)),
            "relationship": (("single", 50), ("partner", 18), ("cohabiting", 17), ("married", 7), ("separated", 8)),
            "income": (("universal_credit", 55), ("wages", 35), ("disability_benefit", 8), ("none", 2))}
CHANGES = {"accommodation": ("settled", "unsettled"), "ete": ("part_time", "full_time", "unemployed", "training"),
           "relationship": ("single", "partner", "cohabiting", "separated"),
           "children": ("own", "visiting", "contact_restricted"), "health": ("mental", "substance", "physical")}


def _pick(rng: random.Random, pairs: tuple[tuple[str, int], ...]) -> str:
    return rng.choices([p[0] for p in pairs], weights=[p[1] for p in pairs])[0]


def _day_between(rng: random.Random, first: date, last: date) -> date:
    """A working day from first to last (last when the span is empty), never after last."""
    span = max(0, (last - first).days)
    day = last_working_day_on_or_before(first + timedelta(days=rng.randint(0, span)))
    if day < first:  # first is not a working day: the next one
        day = add_working_days(first - timedelta(days=1), 1)
    return min(last, day)


def _phone(rng: random.Random) -> str:
    return f"07700 900{rng.randint(0, 999):03d}"  # Ofcom's range for drama: never a real number


def _case_record(rng: random.Random, today: date, stamp: dict[str, Any], names: dict[str, Any], ref: Reference,
                 rows: dict[type, list[dict[str, Any]]]) -> None:
    """The record of the case just added to `rows` (its person, main address, sentence and registrations)."""
    codes = case_codes()
    person, address, sentence = rows[Person][-1], rows[Address][-1], rows[Sentence][-1]
    pid, start = person["id"], sentence["start_date"]
    yesterday = last_working_day_on_or_before(today - timedelta(days=1))
    events = rows.setdefault(CaseEvent, [])
    significant: list[date] = []

    def event(kind: str, on: date, summary: str, table: str | None = None, source: str | None = None) -> None:
        # Written one after another, as the services would have: the timeline orders a day's events by when
        # they were written (the case's creation first, the contacts added with it after).
        written = stamp["created_at"] + timedelta(microseconds=len(events))
        events.append({"id": _uuid(rng), **stamp, "created_at": written, "updated_at": written, "person_id": pid,
                       "kind": kind, "on_date": on, "summary": summary, "source_table": table,
                       "source_id": source})
        if kind in codes.significant() and start <= on:
            significant.append(on)

    person["mobile"] = _phone(rng) if rng.random() < 0.85 else None
    person["phone"] = f"01772 {rng.randint(200000, 899999)}" if rng.random() < 0.15 else None
    person["email"] = (f"{person['first_name'][0]}.{person['last_name']}{rng.randint(1, 99)}@example.com".lower()
                       if rng.random() < 0.35 else None)
    ends = f" to {format_date(sentence['end_date'])}" if sentence["end_date"] else ""
    label = ORDER_LABELS.get(sentence["order_type"], sentence["order_type"])
    event("case_created", start, f"New case {person['crn']}: {label} from {format_date(start)}{ends}", "person", pid)
    kind = "released" if sentence["order_type"] in ("LIC", "PSS") else "made"
    rows.setdefault(SentenceEvent, []).append({
        "id": _uuid(rng), **stamp, "sentence_id": sentence["id"], "person_id": pid, "kind": kind,
        "on_date": start, "details": {"hdc": False, "hdc_end_date": None} if kind == "released" else {}})

    # Other names: an alias or a name the person is known by; a married woman's birth name.
    if rng.random() < 0.25:
        nickname = NICKNAMES.get(person["first_name"])
        if person["gender"] == "Female" and rng.random() < 0.5:
            alias_kind, first, last = "birth", person["first_name"], rng.choice(names["surnames"])
        elif nickname and rng.random() < 0.5:
            alias_kind, first, last = "nickname", nickname, person["last_name"]
        else:
            alias_kind = "alias"
            first = rng.choice(names["male"] if person["gender"] == "Male" else names["female"])
            last = rng.choice(names["surnames"])
        aid = _uuid(rng)
        rows.setdefault(Alias, []).append({"id": aid, **stamp, "person_id": pid, "first_name": first, "last_name": last,
                                           "kind": alias_kind, "notes": "Used on the PNC" if alias_kind == "alias"
                                           else None})
        event("alias_added", _day_between(rng, start, yesterday),
              f"{codes.alias_kinds[alias_kind]}: {first} {last}", "alias", aid)

    # A disability noted on the person is recorded with its adjustment, from the start of supervision.
    if person["disabilities"]:
        did, adjustment = _uuid(rng), ADJUSTMENTS.get(person["disabilities"])
        rows.setdefault(Disability, []).append({"id": did, **stamp, "person_id": pid,
                                                "description": person["disabilities"], "adjustment": adjustment,
                                                "from_date": start, "to_date": None})
        adj = f" (adjustment: {adjustment})" if adjustment else " (no adjustment recorded)"
        event("disability_added", start, person["disabilities"] + adj, "disability", did)

    # Personal contacts: next of kin for most, a GP for many, a solicitor or another agency's worker for some.
    contacts: list[tuple[str, str, str | None, str | None]] = []
    if rng.random() < 0.75:
        relation = rng.choice(("Mother", "Father", "Sister", "Brother", "Partner", "Aunt"))
        female = relation in ("Mother", "Sister", "Partner", "Aunt") if relation != "Partner" else rng.random() < 0.8
        kin = f"{rng.choice(names['female'] if female else names['male'])} {person['last_name']}"
        contacts.append(("next_of_kin", kin, None, f"{relation}; {address['line1']}, {address['town']}"))
    if rng.random() < 0.55:
        practice = rng.choice(GP_PRACTICES)
        contacts.append(("gp", f"Dr {rng.choice(names['surnames'])}", practice, None))
    if rng.random() < 0.2:
        contacts.append(("solicitor", f"{rng.choice(names['male'] + names['female'])} {rng.choice(names['surnames'])}",
                         rng.choice(SOLICITORS), None))
    if rng.random() < 0.2:
        org, role = rng.choice(AGENCIES)
        contacts.append(("agency", f"{rng.choice(names['female'] + names['male'])} {rng.choice(names['surnames'])}",
                         org, role))
    for relationship, name, organisation, notes in contacts:
        cid = _uuid(rng)
        rows.setdefault(PersonalContact, []).append({
            "id": cid, **stamp, "person_id": pid, "relationship": relationship, "name": name,
            "organisation": organisation, "email": None,
            # Family on a mobile; a surgery, a firm or an agency on its office line.
            "phone": _phone(rng) if relationship == "next_of_kin" else f"01772 {rng.randint(200000, 899999)}",
            "address": notes.split("; ", 1)[1] if relationship == "next_of_kin" and notes else None,
            "notes": notes.split("; ", 1)[0] if relationship == "next_of_kin" and notes else notes})
        event("personal_contact", start, f"{codes.relationships[relationship]} added: {name}", "personal_contact", cid)

    # Circumstances at the start (before it: not on the timeline), then perhaps a change or two during supervision.
    circumstances = rows.setdefault(Circumstance, [])
    current: dict[str, dict[str, Any]] = {}
    for ckind, pairs in STARTING.items():
        if rng.random() < 0.9:
            current[ckind] = {"id": _uuid(rng), **stamp, "person_id": pid, "kind": ckind, "value": _pick(rng, pairs),
                              "details": None, "from_date": start - timedelta(days=rng.randint(20, 400)),
                              "to_date": None}
            circumstances.append(current[ckind])
    first_change = add_working_days(start, 15)
    changes = [first_change] * rng.choices((0, 1, 2), weights=(58, 32, 10))[0]
    if rng.random() < RECENT:  # one in the last few weeks: its reviews may still be due
        changes.append(max(first_change, today - timedelta(days=30)))
    for earliest in changes:
        if earliest > yesterday:
            break
        ckind = rng.choice(tuple(CHANGES))
        old = current.get(ckind)
        value = rng.choice([v for v in CHANGES[ckind] if old is None or v != old["value"]])
        on = _day_between(rng, max(earliest, old["from_date"] + timedelta(days=1) if old else earliest), yesterday)
        if old is not None:
            if on <= old["from_date"]:
                continue
            old["to_date"] = on - timedelta(days=1)
        ctype = codes.circumstances[ckind]
        row = {"id": _uuid(rng), **stamp, "person_id": pid, "kind": ckind, "value": value, "details": None,
               "from_date": on, "to_date": None}
        circumstances.append(row)
        current[ckind] = row
        event(ctype.event, on, f"{ctype.label}: {ctype.values[value]} from {format_date(on)}", "circumstance",
              row["id"])

    # The main address, if the person moved to it during supervision, and the registers added.
    if address["from_date"] >= start:
        # Where the person lived before: the address history shows the move, not a main address out of nowhere.
        moved = address["from_date"]
        town_i = rng.randrange(len(names["towns"]))
        rows[Address].append({
            "id": _uuid(rng), **stamp, "person_id": pid,
            "line1": f"{rng.randint(1, 220)} {rng.choice(names['streets'])}", "line2": None,
            "town": names["towns"][town_i], "postcode": f"{names['postcode_areas'][town_i]} {rng.randint(1, 9)}"
                                                      f"{rng.choice('ABDEFGHJLNPQRSTUWXYZ')}"
                                                      f"{rng.choice('ABDEFGHJLNPQRSTUWXYZ')}",
            "status": "previous", "to_date": moved - timedelta(days=1),
            "from_date": last_working_day_on_or_before(start - timedelta(days=rng.randint(60, 1500)))})
        text = f"{address['line1']}, {address['town']}, {address['postcode']}"
        event("change_of_address", address["from_date"],
              f"Main address: {text} from {format_date(address['from_date'])}", "address", address["id"])
    for r in (r for r in rows.get(Registration, []) if r["person_id"] == pid):
        level = f" (category {r['category']}, level {r['level']})" if r["category"] or r["level"] else ""
        event("register_added", r["start_date"],
              f"{ref.register_types[r['type_code']].label}{level} from {format_date(r['start_date'])}",
              "registration", r["id"])

    # Reviews after the significant changes: one pair a day of change, most done in time.
    records = rows.setdefault(StandardsRecord, [])
    for on in sorted(set(significant)):
        if rng.random() >= (RECENT_REVIEWED if on >= today - timedelta(days=30) else REVIEWED):
            continue
        done = add_working_days(on, rng.randint(2, 8))
        if done <= yesterday:
            for kind in ("rosh_review", "plan_review"):
                records.append({"id": _uuid(rng), **stamp, "person_id": pid, "kind": kind, "done_on": done,
                                "note": None})


