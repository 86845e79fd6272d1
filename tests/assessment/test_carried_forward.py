"""Text carried forward into a review: marking by content (edited then reverted still counts), per-section
confirmation, the share carried, the oldest text, stale text and ages in words."""

from __future__ import annotations

from datetime import date

import pytest

from lpt_desktop.assessment import carried_forward as cf
from lpt_desktop.assessment.carried_forward import ReviewText, SectionText

OLD = date(2024, 2, 3)
MID = date(2025, 6, 1)
TODAY = date(2026, 11, 23)
PREVIOUS = {
    "who_at_risk": SectionText("His former partner, Ms A.", OLD, "J Smith", date(2025, 6, 1)),
    "nature": SectionText("Physical and psychological harm.", MID, "J Smith", date(2025, 6, 1)),
    "increases": SectionText("Alcohol.", OLD),
    "reduces": SectionText("", OLD),
}


def test_carry_forward_keeps_texts_and_origins_and_clears_confirmations():
    started = cf.carry_forward(PREVIOUS)
    assert started == {"who_at_risk": SectionText("His former partner, Ms A.", OLD),
                       "nature": SectionText("Physical and psychological harm.", MID),
                       "increases": SectionText("Alcohol.", OLD), "reduces": SectionText("", OLD)}
    assert not any(s.confirmed for s in started.values())


CARRIED = SectionText("His former partner,  Ms A.\n", OLD)


@pytest.mark.parametrize(("now", "state"), [
    ("His former partner,  Ms A.\n", "carried"),  # unchanged
    ("His former partner, Ms A.", "carried"),  # whitespace only
    ("  His former\tpartner,\n\nMs A.  ", "carried"),
    ("His former partner, Ms A. and her son.", "rewritten"),
    ("his former partner, Ms A.", "rewritten"),  # case is content
    ("", "rewritten"),  # deleted
    ("Her new partner.", "rewritten"),
])
def test_carried_state_by_content(now, state):
    assert cf.carried_state(now, CARRIED) == state
    assert cf.carried_state(SectionText(now, TODAY), CARRIED) == state


@pytest.mark.parametrize("carried_from", [None, SectionText("", OLD), SectionText(" \n", OLD)])
def test_a_section_nothing_was_carried_into_is_new_writing(carried_from):
    assert cf.carried_state("Anything", carried_from) == "rewritten"
    assert cf.carried_state("", carried_from) == "rewritten"


def test_edited_then_reverted_still_counts_as_carried():
    r = ReviewText.start(PREVIOUS)
    assert r.state("who_at_risk") == "carried"
    r = r.edit("who_at_risk", "His former partner, Ms A., and her son.", TODAY)
    assert r.state("who_at_risk") == "rewritten"
    assert r.now["who_at_risk"].origin == TODAY
    r = r.edit("who_at_risk", "His former partner,   Ms A.", TODAY)  # put back, spacing aside
    assert r.state("who_at_risk") == "carried"
    assert r.now["who_at_risk"].origin == OLD  # the text is as old as it ever was
    assert "who_at_risk" in r.unconfirmed()


def test_confirmation_is_per_section_and_kept_with_who_and_when():
    r = ReviewText.start(PREVIOUS)
    assert r.unconfirmed() == ["who_at_risk", "nature", "increases"]  # an empty section carries nothing
    r = r.confirm("nature", "P Patel", TODAY)
    assert r.unconfirmed() == ["who_at_risk", "increases"]
    assert (r.now["nature"].confirmed_by, r.now["nature"].confirmed_on) == ("P Patel", TODAY)
    r = r.edit("increases", "Alcohol and the loss of his flat.", TODAY)  # rewriting needs no confirmation
    assert r.unconfirmed() == ["who_at_risk"]
    r = r.confirm("who_at_risk", "P Patel", date(2026, 11, 24))
    assert r.unconfirmed() == []
    assert not hasattr(r, "confirm_all") and not hasattr(cf, "confirm_all")


def test_editing_a_confirmed_section_and_putting_it_back_needs_confirming_again():
    r = ReviewText.start(PREVIOUS).confirm("nature", "P Patel", TODAY)
    r = r.edit("nature", "Physical and psychological harm.  ", TODAY)  # the same content: confirmation stands
    assert r.unconfirmed() == ["who_at_risk", "increases"]
    r = r.edit("nature", "Physical harm.", TODAY).edit("nature", "Physical and psychological harm.", TODAY)
    assert r.unconfirmed() == ["who_at_risk", "nature", "increases"]


@pytest.mark.parametrize(("by", "error"), [("", ValueError), ("  ", ValueError)])
def test_confirm_needs_a_name(by, error):
    with pytest.raises(error, match="Confirmed by"):
        cf.confirm(cf.carry_forward(PREVIOUS), "nature", by, TODAY)


def test_confirm_an_unknown_section():
    with pytest.raises(KeyError):
        cf.confirm(cf.carry_forward(PREVIOUS), "analysis", "P Patel", TODAY)


def test_share_and_oldest():
    r = ReviewText.start(PREVIOUS)
    # 25 + 32 + 8 characters, all carried
    assert r.share() == 1.0
    assert r.oldest() == OLD
    r = r.edit("who_at_risk", "Ms A.", TODAY)  # 5 new characters
    assert r.share() == pytest.approx(40 / 45)
    assert r.oldest() == OLD  # "increases" is still from 2024
    r = r.edit("increases", "Drink.", TODAY)
    assert r.share() == pytest.approx(32 / 43)
    assert r.oldest() == MID
    r = r.edit("nature", "Physical.", TODAY)
    assert (r.share(), r.oldest()) == (0.0, None)


def test_share_of_an_empty_assessment():
    assert cf.carried_share({}, {}) == 0.0
    assert cf.carried_share({"a": SectionText(" ", OLD)}, {"a": SectionText(" ", OLD)}) == 0.0
    assert cf.oldest_carried({}, {}) is None


@pytest.mark.parametrize(("as_of", "threshold", "expected"), [
    (TODAY, 12, [("increases", OLD), ("who_at_risk", OLD), ("nature", MID)]),
    (TODAY, 18, [("increases", OLD), ("who_at_risk", OLD)]),  # MID is 17 months old
    (date(2025, 2, 2), 12, []),  # a day short of a year
    (date(2025, 2, 3), 12, [("increases", OLD), ("who_at_risk", OLD)]),  # a year to the day
    (TODAY, 36, []),
])
def test_stale_carried(as_of, threshold, expected):
    r = ReviewText.start(PREVIOUS)
    assert cf.stale_carried(r.now, r.carried, as_of, threshold) == expected


def test_stale_by_the_datas_threshold():
    r = ReviewText.start(PREVIOUS)
    assert cf.stale_carried(r.now, r.carried, date(2026, 6, 1)) == [("increases", OLD), ("who_at_risk", OLD),
                                                                     ("nature", MID)]
    assert cf.stale_carried(r.now, r.carried, date(2026, 5, 31)) == [("increases", OLD), ("who_at_risk", OLD)]


def test_stale_leaves_rewritten_text_out():
    r = ReviewText.start(PREVIOUS).edit("increases", "Drink.", TODAY)
    assert cf.stale_carried(r.now, r.carried, TODAY) == [("who_at_risk", OLD), ("nature", MID)]


@pytest.mark.parametrize(("origin", "as_of", "words"), [
    (date(2024, 2, 3), date(2026, 12, 3), "2 years 10 months old"),
    (date(2024, 2, 3), date(2026, 12, 2), "2 years 9 months old"),
    (date(2024, 2, 3), date(2025, 2, 3), "1 year old"),
    (date(2024, 2, 3), date(2024, 3, 3), "1 month old"),
    (date(2024, 1, 31), date(2024, 2, 29), "1 month old"),  # the month's last day
    (date(2024, 2, 3), date(2024, 3, 2), "28 days old"),
    (date(2024, 2, 3), date(2024, 2, 4), "1 day old"),
    (date(2024, 2, 3), date(2024, 2, 3), "written today"),
    (date(2023, 1, 1), date(2026, 3, 1), "3 years 2 months old"),
])
def test_age_in_words(origin, as_of, words):
    assert cf.age_in_words(origin, as_of) == words


def test_carried_label():
    assert cf.carried_label(date(2024, 2, 3), date(2026, 12, 3)) == \
        "carried forward from 03/02/2024, 2 years 10 months old"


def test_write_edits_each_section_and_drops_one_left_blank():
    r = ReviewText.start(PREVIOUS).confirm("nature", "J Smith", TODAY)
    after = r.write({"who_at_risk": "His former partner and her son.", "nature": " Physical and psychological "
                     "harm. ", "increases": "   ", "new": "", "reduces": None}, TODAY)
    assert after.now["who_at_risk"] == SectionText("His former partner and her son.", TODAY)
    assert after.now["nature"].confirmed and after.now["nature"].origin == MID  # same content: nothing changes
    assert "increases" not in after.now and "reduces" not in after.now and "new" not in after.now
    assert after.carried == r.carried  # what was carried in never changes
    assert r.write({}, TODAY) == r


def test_the_stored_json_round_trips():
    r = ReviewText.start(PREVIOUS).edit("increases", "Drink.", TODAY).confirm("nature", "J Smith", TODAY)
    stored = cf.to_json(r)
    assert stored == {
        "in": {"who_at_risk": {"text": "His former partner, Ms A.", "origin": "2024-02-03"},
               "nature": {"text": "Physical and psychological harm.", "origin": "2025-06-01"},
               "increases": {"text": "Alcohol.", "origin": "2024-02-03"},
               "reduces": {"text": "", "origin": "2024-02-03"}},
        "now": {"who_at_risk": {"origin": "2024-02-03", "confirmed_by": None, "confirmed_on": None},
                "nature": {"origin": "2025-06-01", "confirmed_by": "J Smith", "confirmed_on": "2026-11-23"},
                "increases": {"origin": "2026-11-23", "confirmed_by": None, "confirmed_on": None},
                "reduces": {"origin": "2024-02-03", "confirmed_by": None, "confirmed_on": None}}}
    texts = {k: s.text for k, s in r.now.items()}
    assert cf.from_json(stored, texts, TODAY) == r


def test_from_json_takes_the_texts_now_and_the_start_day_for_what_the_record_lacks():
    stored = {"in": {"nature": {"text": None, "origin": ""}}, "now": {"nature": {"confirmed_by": ""}}}
    r = cf.from_json(stored, {"nature": "Harm.", "extra": "Written since."}, TODAY)
    assert r.carried == {"nature": SectionText("", TODAY)}
    assert r.now == {"nature": SectionText("Harm.", TODAY), "extra": SectionText("Written since.", TODAY)}
    assert cf.from_json(None, {}, TODAY) == ReviewText({}, {})


def test_with_now_replaces_only_the_sections_now():
    stored = {"in": {"nature": {"text": "Harm.", "origin": "2025-06-01"}}, "now": {"gone": {}}, "other": 1}
    r = ReviewText({}, {"nature": SectionText("Harm.", MID, "J Smith", TODAY)})
    out = cf.with_now(stored, r)
    assert out == {"in": stored["in"], "other": 1, "now": {"nature": {
        "origin": "2025-06-01", "confirmed_by": "J Smith", "confirmed_on": "2026-11-23"}}}
    assert stored["now"] == {"gone": {}}  # the stored record is not changed in place
    assert cf.with_now(None, ReviewText({}, {})) == {"now": {}}
