"""Shared helpers for the standards tests: dd/mm/yyyy dates, small cases."""

from __future__ import annotations

from datetime import date, datetime

from lpt_desktop.standards.obligations import CaseFacts, ContactFact, Obligation


def d(text: str) -> date:
    day, month, year = (int(p) for p in text.split("/"))
    return date(year, month, day)


def at(text: str, hour: int = 10) -> datetime:
    return datetime.combine(d(text), datetime.min.time()).replace(hour=hour)


def contact(cid: str, when: str, type_code: str = "COAP", outcome: str | None = "ATTC") -> ContactFact:
    return ContactFact(cid, at(when), type_code, outcome)


def case(sentence_type: str = "CO", start: str = "02/09/2024", **kw) -> CaseFacts:
    kw.setdefault("requirements", ("SUP",) if sentence_type in ("CO", "SSO") else ())
    return CaseFacts(person_id="p-1", sentence_type=sentence_type, start=d(start), **kw)


def only(items: list[Obligation], rule: str) -> Obligation:
    found = [o for o in items if o.rule == rule]
    assert len(found) == 1, (rule, found)
    return found[0]


def of_rule(items: list[Obligation], rule: str) -> list[Obligation]:
    return [o for o in items if o.rule == rule]
