"""Text carried forward into a review (pure): which sections are still the previous assessment's text, how old
that text is, and which carried sections the officer has not yet confirmed.

A review starts from the previous assessment's sections (stable section keys: summary fields, analysis
fields, plan sections, as the services choose). Whether a section is still carried is decided by its content
alone: the text now, whitespace-normalised, against the text carried in. So text edited and then put back
as it was still counts as carried (inspectors found assessments "pulled through" for years). Each carried
section is confirmed on its own, by name and date; there is deliberately no way to confirm them all at once.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import date
from typing import Any, Literal

from lpt_desktop.assessment.rosh_summary import assessment_data
from lpt_desktop.domain.dates import add_months, format_date
from lpt_desktop.domain.words import plural

CarriedState = Literal["carried", "rewritten"]
Sections = Mapping[str, "SectionText"]  # section key -> its text


@dataclass(frozen=True)
class SectionText:
    text: str
    origin: date  # the day this text was first written (kept while it is carried forward)
    confirmed_by: str | None = None  # who confirmed it still holds, in this assessment
    confirmed_on: date | None = None

    @property
    def confirmed(self) -> bool:
        return bool(self.confirmed_by) and self.confirmed_on is not None


def normalise(text: str | None) -> str:
    """The content that counts: runs of spaces, tabs and line breaks are one space, ends trimmed."""
    return " ".join((text or "").split())


def carry_forward(previous_sections: Sections) -> dict[str, SectionText]:
    """A review's starting sections: the previous assessment's texts with their origin dates, every
    confirmation cleared (each must be confirmed again in this review)."""
    return {key: SectionText(s.text, s.origin) for key, s in previous_sections.items()}


def carried_state(section_now: SectionText | str, carried_from: SectionText | None) -> CarriedState:
    """carried when the text now has the same content as the text carried in (whitespace aside), however it
    got there; rewritten otherwise, and for a section nothing was carried into."""
    if carried_from is None or not normalise(carried_from.text):
        return "rewritten"
    now = section_now.text if isinstance(section_now, SectionText) else section_now
    return "carried" if normalise(now) == normalise(carried_from.text) else "rewritten"


def edit(section_now: SectionText | None, carried_from: SectionText | None, new_text: str, on: date) -> SectionText:
    """The section after the officer types `new_text` on `on`. The same content as now changes nothing (the
    confirmation stands); content back to the carried text is carried again, with its old origin and
    unconfirmed (a confirmation of other text does not carry over); anything else is new text of `on`."""
    if section_now is not None and normalise(new_text) == normalise(section_now.text):
        return replace(section_now, text=new_text)
    if carried_from is not None and normalise(carried_from.text) and \
            normalise(new_text) == normalise(carried_from.text):
        return SectionText(new_text, carried_from.origin)
    return SectionText(new_text, on)


def confirm(sections_now: Sections, section_key: str, by: str, on: date) -> dict[str, SectionText]:
    """The sections with one section confirmed by `by` on `on` (one section per call, by design)."""
    if section_key not in sections_now:
        raise KeyError(section_key)
    if not (by or "").strip():
        raise ValueError("Confirmed by: is empty: say who confirmed the section")
    out = dict(sections_now)
    out[section_key] = replace(sections_now[section_key], confirmed_by=by.strip(), confirmed_on=on)
    return out


def _carried_keys(sections_now: Sections, carried: Sections) -> list[str]:
    return [key for key, s in sections_now.items() if carried_state(s, carried.get(key)) == "carried"]


def unconfirmed_carried(sections_now: Sections, carried: Sections) -> list[str]:
    """The keys of sections still carried and not confirmed: what blocks completing the review."""
    return [key for key in _carried_keys(sections_now, carried) if not sections_now[key].confirmed]


def carried_share(sections_now: Sections, carried: Sections) -> float:
    """The share of the assessment's text (characters, whitespace-normalised) still carried, 0.0 to 1.0
    (0.0 for an assessment with no text)."""
    total = sum(len(normalise(s.text)) for s in sections_now.values())
    if total == 0:
        return 0.0
    kept = sum(len(normalise(sections_now[k].text)) for k in _carried_keys(sections_now, carried))
    return kept / total


def oldest_carried(sections_now: Sections, carried: Sections) -> date | None:
    """The origin of the oldest text still carried, or None when nothing is."""
    origins = [carried[k].origin for k in _carried_keys(sections_now, carried)]
    return min(origins) if origins else None


def months_between(earlier: date, later: date) -> int:
    """Whole months from `earlier` to `later` (0 when later is not a month on)."""
    months = (later.year - earlier.year) * 12 + later.month - earlier.month
    if add_months(earlier, months) > later:
        months -= 1
    return max(months, 0)


def stale_carried(sections_now: Sections, carried: Sections, as_of: date,
                  threshold_months: int | None = None) -> list[tuple[str, date]]:
    """(section key, origin) for carried text `threshold_months` or more old on `as_of` (the data's 12 by
    default), oldest first: for the practice audit."""
    if threshold_months is None:
        threshold_months = assessment_data().stale_after_months
    found = [(k, carried[k].origin) for k in _carried_keys(sections_now, carried)
             if months_between(carried[k].origin, as_of) >= threshold_months]
    return sorted(found, key=lambda kv: (kv[1], kv[0]))


def age_in_words(origin: date, as_of: date) -> str:
    """'2 years 10 months old', '1 month old', '12 days old', 'written today'."""
    months = months_between(origin, as_of)
    years, rest = divmod(months, 12)
    if months == 0:
        days = (as_of - origin).days
        return plural(days, "day") + " old" if days > 0 else "written today"
    parts = ([plural(years, "year")] if years else []) + ([plural(rest, "month")] if rest else [])
    return " ".join(parts) + " old"


def carried_label(origin: date, as_of: date) -> str:
    """'carried forward from 03/02/2024, 2 years 9 months old': shown beside a carried section."""
    return f"carried forward from {format_date(origin)}, {age_in_words(origin, as_of)}"


@dataclass(frozen=True)
class ReviewText:
    """A review's sections with what was carried into them: the calls above as methods, for the services."""

    carried: Mapping[str, SectionText]
    now: Mapping[str, SectionText]

    @staticmethod
    def start(previous_sections: Sections) -> ReviewText:
        started = carry_forward(previous_sections)
        return ReviewText(started, started)

    def edit(self, section_key: str, new_text: str, on: date) -> ReviewText:
        section = edit(self.now.get(section_key), self.carried.get(section_key), new_text, on)
        return ReviewText(self.carried, {**self.now, section_key: section})

    def write(self, texts: Mapping[str, str | None], on: date) -> ReviewText:
        """The review after the officer writes several sections at once: each as `edit` says, and a section
        left blank is no longer a section (nothing of it is carried, confirmed or compared)."""
        review = self
        for key, text in texts.items():
            if (text or "").strip():
                review = review.edit(key, text or "", on)
            elif key in review.now:
                review = ReviewText(review.carried, {k: v for k, v in review.now.items() if k != key})
        return review

    def confirm(self, section_key: str, by: str, on: date) -> ReviewText:
        return ReviewText(self.carried, confirm(self.now, section_key, by, on))

    def state(self, section_key: str) -> CarriedState:
        return carried_state(self.now[section_key], self.carried.get(section_key))

    def unconfirmed(self) -> list[str]:
        return unconfirmed_carried(self.now, self.carried)

    def share(self) -> float:
        return carried_share(self.now, self.carried)

    def oldest(self) -> date | None:
        return oldest_carried(self.now, self.carried)


# -- as stored: an assessment's `carried` JSON column ------------------------------------------------------------
# {"in": {key: {"text", "origin"}}: what was carried in, and "now": {key: {"origin", "confirmed_by",
# "confirmed_on"}}: each section's origin and confirmation now (its text is the assessment's own field)}; dates
# ISO. The RoSH and needs services read and write it through these.

def _day(value: object) -> date | None:
    if isinstance(value, date):
        return value
    return date.fromisoformat(value) if isinstance(value, str) and value else None


def from_json(stored: Mapping[str, Any] | None, texts_now: Mapping[str, str], started_on: date) -> ReviewText:
    """The review as stored, with the assessment's texts now (key -> text, empty ones left out): a date missing
    from the record is the day the assessment started."""
    stored = stored or {}
    carried_in = {k: SectionText(v.get("text") or "", _day(v.get("origin")) or started_on)
                  for k, v in (stored.get("in") or {}).items()}
    meta = stored.get("now") or {}
    now = {}
    for key, text in texts_now.items():
        m = meta.get(key) or {}
        now[key] = SectionText(text, _day(m.get("origin")) or started_on, m.get("confirmed_by") or None,
                               _day(m.get("confirmed_on")))
    return ReviewText(carried_in, now)


def now_to_json(review: ReviewText) -> dict[str, Any]:
    """The "now" part: each section's origin and confirmation (its text is kept in the assessment's fields)."""
    return {k: {"origin": s.origin.isoformat(), "confirmed_by": s.confirmed_by,
                "confirmed_on": s.confirmed_on.isoformat() if s.confirmed_on else None}
            for k, s in review.now.items()}


def to_json(review: ReviewText) -> dict[str, Any]:
    """The whole review as stored: what was carried in (text and origin) and each section now."""
    return {"in": {k: {"text": v.text, "origin": v.origin.isoformat()} for k, v in review.carried.items()},
            "now": now_to_json(review)}


def with_now(stored: Mapping[str, Any] | None, review: ReviewText) -> dict[str, Any]:
    """The stored record with its "now" part replaced by the review's (what was carried in is kept as stored)."""
    out = dict(stored or {})
    out["now"] = now_to_json(review)
    return out
