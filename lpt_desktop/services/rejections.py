"""The "Not accepted" list in words: which case, what kind of record, its fields in their labels, why the
central store refused it and what the officer can do. Also the export file that sets rejections aside.

Reads only; sending again and setting aside are services.sync.retry_rejected and export_rejected.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select

from lpt_desktop.services.cases import case_labels
from lpt_desktop.services.conflict_fields import conflict_fields, humanise, is_internal
from lpt_desktop.store.database import Database
from lpt_desktop.store.models import Person
from lpt_desktop.sync import rejections as core
from lpt_desktop.sync import state

UNPROTECTED = ("This file is NOT encrypted: it holds case details outside the protection of the caseload. "
               "Keep it only on an encrypted drive, and delete it once the changes are dealt with.")

# What the officer can do, by what the server said (its reasons are fixed sentences in central/service.py).
ADVICE = (
    ("moved to another officer", "The case was moved to another officer before this change reached the central "
                                 "store, so it was not applied. Tell the case's officer what it holds (or export "
                                 "it and give them the file); export it here to set it aside."),
    ("cannot keep this value", "A value is too long or not of the kind its field holds (the reason names the "
                               "field). Correct it, then export this change to set it aside."),
    ("not allocated to you", "The central store says this case is not yours, or it is restricted. Ask your team "
                             "manager to allocate it to you: the change is sent again by itself once they have. "
                             "Or press Try again later, or export it to keep it outside the caseload."),
    ("never edited", "A saved record cannot be changed. Add an amendment with what you changed, then export this "
                     "change to set it aside."),
    ("never deleted", "A saved record cannot be deleted. Add an amendment instead, then export this change to "
                      "set it aside."),
    ("not valid Unicode", "Some text could not be stored. Enter it again, then export this change to set it aside."),
    ("does not know records", "The central store is older than this laptop. Ask the service desk to update it, "
                              "then press Try again."),
    ("Unknown fields", "The central store is older than this laptop. Ask the service desk to update it, then "
                       "press Try again."),
    ("already holds CRN", "The central store already has a case with this CRN. Check the CRN: if it is the same "
                          "person, ask your team manager to allocate that case to you and export this one to set "
                          "it aside; if the CRN was mistyped, correct it on the case, then press Try again."),
    ("does not hold this record's case", "The case itself was not accepted (it is on this list too). Once it is, "
                                         "press Try again."),
    ("first save was not accepted", "The case's first save was not accepted (it is on this list too). Once it is, "
                                    "press Try again."),
    ("belongs to another officer", "This record is another officer's. Export this change to keep it and give it "
                                   "to them or your team manager."),
)
DEFAULT_ADVICE = ("Press Try again. If it is refused again, export it to keep it, and tell the service desk what "
                  "the reason says.")


def advice_for(message: str) -> str:
    for words, advice in ADVICE:
        if words.casefold() in message.casefold():
            return advice
    return DEFAULT_ADVICE


@dataclass(frozen=True)
class RejectedField:
    name: str  # the column (or "sections.<section>.<field>" for a report)
    label: str
    text: str  # the value as an officer reads it


@dataclass(frozen=True)
class RejectionView:
    """One change the central store did not accept, as the list and the export show it."""

    id: str
    kind: str
    record_id: str
    person_id: str | None
    case: str  # "Walsh, Dana (X123456)", "Case not on this laptop" or "Your own record"
    name: str | None  # "Dana Walsh"
    crn: str | None
    what: str  # "Contact", "Person details" …
    action: str  # "New record" | "Edited" | "Deleted"
    reason: str  # the server's reason, in words
    advice: str
    fields: list[RejectedField]
    data: dict[str, Any] | None  # the refused values, JSON form, by column (None: a delete)
    rejected_at: datetime  # UTC, naive


# A contact's codes in the words the contact screens use.
CONTACT_LABELS = {"type_code": "Contact type", "absence_reason": "Reason for absence", "risk_areas": "Risk areas",
                  "needs": "Needs", "upw_minutes_worked": "Unpaid work minutes worked",
                  "upw_minutes_credited": "Unpaid work minutes credited"}


def _contact_words(name: str, value: Any) -> str | None:
    from lpt_desktop.domain.contacts import contact_codes

    codes = contact_codes()
    tables: dict[str, dict[str, Any]] = {"type_code": codes.kinds, "outcome": codes.outcomes,
                                         "absence_reason": codes.absence_reasons, "evidence": codes.evidence,
                                         "risk_areas": codes.risk_areas, "needs": codes.needs}
    table = tables.get(name)
    if table is None:
        return None
    values = value if isinstance(value, list) else [value]
    return ", ".join(table[v].label if v in table else str(v) for v in values)


def _empty(value: Any, new: bool) -> bool:
    """Nothing worth showing: an empty value; for a new record, also a default (No, 0) nobody typed."""
    return value is None or value == "" or value == [] or value == {} or (new and (value is False or value == 0))


def _fields(kind: str, data: dict[str, Any] | None, new: bool) -> list[RejectedField]:
    if not data:
        return []
    from lpt_desktop.sync import kinds as registry

    known = registry.get(kind)
    order = {c: i for i, c in enumerate(known.columns)} if known is not None else {}
    # In the record's own order (the form's), not alphabetical; a report's fields stay in the editor's order.
    shown = sorted(conflict_fields(kind, data, None), key=lambda f: order.get(f.key.split(".")[0], len(order)))
    out = []
    for f in shown:
        if _empty(f.mine, new) or is_internal(kind, f.key):
            continue
        label, text = f.label, f.mine_text
        if kind == "contact":
            label = CONTACT_LABELS.get(f.key, label)
            text = _contact_words(f.key, f.mine) or text
        out.append(RejectedField(f.key, label, text))
    return out


def list_rejections(db: Database) -> list[RejectionView]:
    """On a reader: this officer's changes the central store did not accept, oldest first."""
    found = core.list_open(db)
    people = {r.person_id for r in found if r.person_id}
    labels = case_labels(db, people)
    with db.read() as s:
        named = {p.id: (f"{p.first_name} {p.last_name}", p.crn)
                 for p in s.scalars(select(Person).where(Person.id.in_(people)))} if people else {}
    out = []
    for r in found:
        name, crn = named.get(r.person_id or "", (None, None))
        if r.person_id is None:
            case = "Your own record"
        elif r.person_id in labels:
            case = labels[r.person_id]
        elif r.kind == "person" and r.fields and r.fields.get("crn"):
            d = r.fields
            name, crn = f"{d.get('first_name') or ''} {d.get('last_name') or ''}".strip() or None, d.get("crn")
            case = f"{d.get('last_name') or ''}, {d.get('first_name') or ''} ({crn})"
        else:
            case = "Case not on this laptop"
        out.append(RejectionView(r.id, r.kind, r.record_id, r.person_id, case, name, crn, humanise(r.kind),
                                 "Deleted" if r.op == "delete" else "New record" if r.new else "Edited", r.message,
                                 advice_for(r.message), _fields(r.kind, r.fields, r.new), r.fields, r.created_at))
    return out


def export_document(db: Database, views: list[RejectionView]) -> dict[str, Any]:
    """The export file's content: every rejected change with its case, kind, fields and reason."""
    with db.read() as s:
        st = state.read_all(s)
    return {
        "warning": UNPROTECTED,
        "exported_at": datetime.now().astimezone().isoformat(timespec="seconds"),
        "officer": st.get(state.USERNAME),
        "central_store": st.get(state.SERVER_URL),
        "rejected": [{
            "case": v.case, "person_id": v.person_id, "name": v.name, "crn": v.crn,
            "kind": v.kind, "record": v.what, "record_id": v.record_id, "action": v.action,
            "fields": v.data, "fields_in_words": {f.label: f.text for f in v.fields},
            "reason": v.reason, "what_you_can_do": v.advice,
            "rejected_at": v.rejected_at.isoformat(timespec="seconds") + "Z",
        } for v in views],
    }
