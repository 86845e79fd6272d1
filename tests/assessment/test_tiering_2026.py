"""The 2026 A-G scheme, rule by rule (issue 17). Every expected letter is read off the issue's rules by hand."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from lpt_desktop.assessment.tier_types import (
    MISSING,
    NOT_SUPERVISED,
    DcSrp,
    Predictor,
    SentenceInput,
    TierInputError,
    TierInputs,
)
from lpt_desktop.assessment.tiering import best_tier, compute_tier, tier_letters

AS_OF = date(2026, 11, 23)
CO = (SentenceInput("CO", ("RAR",)),)


def case(csrp: float | None = 0.2, arp: float | None = 5, **kw: Any) -> TierInputs:
    """A supervised case whose table gives G (CSRP 0.2, ARP 5) with RoSH low unless told otherwise."""
    kw.setdefault("rosh", "L")
    kw.setdefault("sentences", CO)
    return TierInputs(csrp=None if csrp is None else Predictor(csrp, kw.pop("csrp_static", False)),
                      arp=None if arp is None else Predictor(arp, kw.pop("arp_static", False)), **kw)


def step(result: Any, name: str) -> Any:
    return next(s for s in result.working if s.step == name)


def test_letters_and_best() -> None:
    assert tier_letters("2026") == tuple("ABCDEFG")
    assert tier_letters("ab03") == tuple("ABCD")
    assert best_tier("C", "B") == "B"
    assert best_tier(None, "E") == "E"


# Every cell of the table: representative scores inside each row and column.
CELLS = [
    # CSRP 6.9+: A A B B B B
    (7.5, 95, "A"), (7.5, 80, "A"), (7.5, 60, "B"), (7.5, 30, "B"), (7.5, 20, "B"), (7.5, 5, "B"),
    # CSRP 3.0+: A B C C C C
    (4.0, 95, "A"), (4.0, 80, "B"), (4.0, 60, "C"), (4.0, 30, "C"), (4.0, 20, "C"), (4.0, 5, "C"),
    # CSRP 1.0+: B C D E E E
    (2.0, 95, "B"), (2.0, 80, "C"), (2.0, 60, "D"), (2.0, 30, "E"), (2.0, 20, "E"), (2.0, 5, "E"),
    # CSRP 0.5+: C D E E F F
    (0.7, 95, "C"), (0.7, 80, "D"), (0.7, 60, "E"), (0.7, 30, "E"), (0.7, 20, "F"), (0.7, 5, "F"),
    # CSRP 0+: D D E F F G
    (0.2, 95, "D"), (0.2, 80, "D"), (0.2, 60, "E"), (0.2, 30, "F"), (0.2, 20, "F"), (0.2, 5, "G"),
]


@pytest.mark.parametrize(("csrp", "arp", "letter"), CELLS)
def test_every_cell_of_the_table(csrp: float, arp: float, letter: str) -> None:
    r = compute_tier("2026", case(csrp, arp), AS_OF)
    assert step(r, "Reoffending table").result == letter
    assert r.tier == letter
    assert not r.provisional


# Row edges at ARP 5 (the 0+ column, where every row differs: B C E F G).
@pytest.mark.parametrize(("csrp", "letter"), [
    (10.0, "B"), (6.9, "B"), (6.89, "C"), (3.0, "C"), (2.99, "E"), (1.0, "E"), (0.99, "F"), (0.5, "F"),
    (0.49, "G"), (0.0, "G"),
])
def test_csrp_row_edges(csrp: float, letter: str) -> None:
    assert compute_tier("2026", case(csrp, 5), AS_OF).tier == letter


# Column edges, each at a row where the two columns differ.
@pytest.mark.parametrize(("csrp", "arp", "letter"), [
    (2.0, 100, "B"), (2.0, 90, "B"), (2.0, 89.99, "C"), (2.0, 75, "C"), (2.0, 74.99, "D"), (2.0, 50, "D"),
    (2.0, 49.99, "E"), (0.7, 25, "E"), (0.7, 24.99, "F"), (0.2, 15, "F"), (0.2, 14.99, "G"), (0.2, 0, "G"),
])
def test_arp_column_edges(csrp: float, arp: float, letter: str) -> None:
    assert compute_tier("2026", case(csrp, arp), AS_OF).tier == letter


def test_table_working_names_row_and_column() -> None:
    r = compute_tier("2026", case(3.2, 80), AS_OF)
    assert step(r, "Reoffending table").why == "CSRP 3.2% (row 3.0+) and ARP 80% (column 75+) give B"


@pytest.mark.parametrize(("score", "band", "letter"), [
    (5.0, "VH", "A"), (5.0, "H", "B"), (5.0, "L", "E"), (0.1, "L", "E"),
    (5.0, "M", "C"), (3.36, "M", "C"), (3.35, "M", "D"), (2.11, "M", "D"), (2.10, "M", "C"), (1.12, "M", "C"),
    (1.11, "M", "D"), (0.60, "M", "D"),
    (5.0, None, None), (0.0, "VH", None),
])
def test_dc_srp(score: float, band: str | None, letter: str | None) -> None:
    r = compute_tier("2026", case(dc_srp=DcSrp(score, band)), AS_OF)
    assert step(r, "Sexual reoffending (DC-SRP)").result == letter
    assert r.tier == (letter or "G")


@pytest.mark.parametrize("score", [0.59, 0.3, 0.01])
def test_medium_dc_srp_below_060_is_an_error(score: float) -> None:
    with pytest.raises(TierInputError) as err:
        compute_tier("2026", case(dc_srp=DcSrp(score, "M")), AS_OF)
    assert err.value.key == "dc_srp.score"


def test_medium_band_with_a_zero_score_is_not_counted() -> None:
    # Counted only when the score is above 0: no result, not the error.
    assert step(compute_tier("2026", case(dc_srp=DcSrp(0.0, "M")), AS_OF), "Sexual reoffending (DC-SRP)").result is None


@pytest.mark.parametrize(("category", "level", "rosh", "letter"), [
    (1, 2, "VH", "A"), (2, 1, "H", "C"), (3, 3, "M", "D"), (1, None, "L", "E"), (2, None, None, "E"),
    (None, None, "VH", "C"), (None, None, "H", "D"), (None, None, "M", None), (None, None, "L", None),
    (None, None, None, None), (None, 2, "H", "D"),  # a level without a category is no MAPPA category
])
def test_mappa_with_rosh(category: int | None, level: int | None, rosh: str | None, letter: str | None) -> None:
    r = compute_tier("2026", case(mappa_category=category, mappa_level=level, rosh=rosh), AS_OF)
    assert step(r, "MAPPA and RoSH").result == letter
    assert r.tier == (letter or "G")


def test_mappa_rosh_working() -> None:
    r = compute_tier("2026", case(rosh="H"), AS_OF)
    assert step(r, "MAPPA and RoSH").why == "No MAPPA category; RoSH high gives D"


@pytest.mark.parametrize(("released", "as_of", "letter"), [
    (date(2025, 11, 23), AS_OF, "B"),  # exactly a year
    (date(2025, 11, 22), AS_OF, "D"),  # a year and a day
    (date(2026, 6, 1), AS_OF, "B"),
    (date(2021, 11, 23), AS_OF, "D"),  # exactly five years
    (date(2021, 11, 22), AS_OF, "E"),  # five years and a day
    (date(2010, 1, 1), AS_OF, "E"),
    (date(2026, 11, 23), AS_OF, "B"),  # released today
    (date(2027, 1, 1), AS_OF, "B"),  # a release date still to come counts as within a year
    (date(2024, 2, 29), date(2025, 2, 28), "B"),  # 29 February: a year later is 28/02
    (date(2024, 2, 29), date(2025, 3, 1), "D"),
    (date(2027, 2, 28), date(2028, 2, 29), "B"),
    (date(2027, 2, 27), date(2028, 2, 29), "D"),
    (date(2023, 2, 28), date(2028, 2, 29), "D"),
    (date(2023, 2, 27), date(2028, 2, 29), "E"),
    (None, AS_OF, None),
])
def test_lifer_ipp_anniversaries(released: date | None, as_of: date, letter: str | None) -> None:
    r = compute_tier("2026", case(registers=frozenset({"INLL"}), lifer_ipp_released=released), as_of)
    assert step(r, "Lifer or IPP").result == letter
    assert r.tier == (letter or "G")


def test_lifer_release_date_without_the_register_gives_nothing() -> None:
    r = compute_tier("2026", case(lifer_ipp_released=date(2026, 1, 1)), AS_OF)
    assert step(r, "Lifer or IPP").result is None


def test_lifer_working_in_words() -> None:
    r = compute_tier("2026", case(registers=frozenset({"INLL"}), lifer_ipp_released=date(2025, 6, 1)), AS_OF)
    assert step(r, "Lifer or IPP").why == ("Released on 01/06/2025, 17 months before 23/11/2026: within five "
                                           "years gives D")


@pytest.mark.parametrize(("registers", "sexual", "step_name", "letter"), [
    ({"ADVP"}, False, "Registers", "E"),
    ({"SPO"}, False, "Registers", "F"),
    ({"RCPR"}, False, "Registers", "F"),
    ({"SPO", "ADVP"}, False, "Registers", "E"),
    ({"IIOM", "ALSH", "MAPP"}, False, "Registers", None),
    (set(), True, "Sexual offence", "E"),
    (set(), False, "Sexual offence", None),
])
def test_registers_and_sexual_offence(registers: set[str], sexual: bool, step_name: str,
                                      letter: str | None) -> None:
    r = compute_tier("2026", case(registers=frozenset(registers), ever_sexual_offence=sexual), AS_OF)
    assert step(r, step_name).result == letter
    assert r.tier == (letter or "G")


def test_tier_is_the_best_step() -> None:
    # Table E (CSRP 2, ARP 30), RoSH high D, ADVP E, sexual offence E: D.
    r = compute_tier("2026", case(2.0, 30, rosh="H", registers=frozenset({"ADVP"}), ever_sexual_offence=True),
                     AS_OF)
    assert r.tier == "D"
    assert [s.step for s in r.working] == ["Current sentence", "Reoffending table", "Sexual reoffending (DC-SRP)",
                                           "MAPPA and RoSH", "Lifer or IPP", "Registers", "Sexual offence", "Tier"]


@pytest.mark.parametrize("sentences", [
    (),
    (SentenceInput("LIC", terminated=True),),
    (SentenceInput("CO", ("RAR",), terminated=True), SentenceInput("CUSTODY", terminated=True)),
])
def test_not_supervised_is_checked_first(sentences: tuple[SentenceInput, ...]) -> None:
    # Checked before MISSING, before the table and before the DC-SRP error.
    for arp in (None, 95):
        r = compute_tier("2026", case(7.0, arp, sentences=sentences, rosh="VH", mappa_category=1,
                                      dc_srp=DcSrp(0.3, "M")), AS_OF)
        assert r.tier == NOT_SUPERVISED
        assert not r.provisional


@pytest.mark.parametrize(("csrp", "arp"), [(None, 50), (3.0, None), (None, None)])
def test_missing_without_arp_or_csrp(csrp: float | None, arp: float | None) -> None:
    r = compute_tier("2026", case(csrp, arp, rosh="VH", mappa_category=1, registers=frozenset({"ADVP"})), AS_OF)
    assert r.tier == MISSING
    assert not r.provisional


# (a) a static predictor: provisional unless the steps other than the table reach the best tier the table
# could give as that predictor rises.
@pytest.mark.parametrize(("kw", "tier", "provisional"), [
    # only ARP static (CSRP 3.2 is row 3.0+, whose best is A at ARP 90+)
    (dict(csrp=3.2, arp=80, arp_static=True), "B", True),
    (dict(csrp=3.2, arp=80, arp_static=True, rosh="VH"), "B", True),  # RoSH very high without MAPPA: C
    (dict(csrp=3.2, arp=80, arp_static=True, dc_srp=DcSrp(4, "VH")), "A", False),
    (dict(csrp=3.2, arp=95, arp_static=True), "A", True),  # already A, but nothing else gives A
    (dict(csrp=0.2, arp=5, arp_static=True, dc_srp=DcSrp(4, "M")), "C", False),  # row 0+ at best D; C beats it
    # only CSRP static (ARP 60 is column 50+, whose best is B at CSRP 6.9+)
    (dict(csrp=2.0, arp=60, csrp_static=True), "D", True),
    (dict(csrp=2.0, arp=60, csrp_static=True, dc_srp=DcSrp(4, "H")), "B", False),
    (dict(csrp=2.0, arp=60, csrp_static=True, registers=frozenset({"ADVP"})), "D", True),
    (dict(csrp=2.0, arp=60, csrp_static=True, mappa_category=2, rosh="VH"), "A", False),
    # both static: only A elsewhere settles it
    (dict(csrp=0.2, arp=5, csrp_static=True, arp_static=True), "G", True),
    (dict(csrp=0.2, arp=5, csrp_static=True, arp_static=True, rosh="H"), "D", True),
    (dict(csrp=0.2, arp=5, csrp_static=True, arp_static=True, rosh="VH", mappa_category=1), "A", False),
    # both dynamic: never by rule (a)
    (dict(csrp=0.2, arp=5), "G", False),
])
def test_provisional_static_predictor(kw: dict[str, Any], tier: str, provisional: bool) -> None:
    r = compute_tier("2026", case(**kw), AS_OF)
    assert (r.tier, r.provisional) == (tier, provisional)
    assert bool(r.provisional_why) == provisional


def test_provisional_a_for_csrp_static_uses_the_column() -> None:
    # ARP 5 (column 0+): the best as CSRP rises is B; DC-SRP high gives B, so not provisional.
    assert not compute_tier("2026", case(0.2, 5, csrp_static=True, dc_srp=DcSrp(4, "H")), AS_OF).provisional
    # ...but DC-SRP medium C does not reach B.
    assert compute_tier("2026", case(0.2, 5, csrp_static=True, dc_srp=DcSrp(4, "M")), AS_OF).provisional


def test_provisional_a_for_arp_static_uses_the_row() -> None:
    # CSRP 0.2 (row 0+): the best as ARP rises is D; RoSH high without MAPPA gives D: not provisional.
    assert not compute_tier("2026", case(0.2, 5, arp_static=True, rosh="H"), AS_OF).provisional
    assert compute_tier("2026", case(0.2, 5, arp_static=True, registers=frozenset({"ADVP"})), AS_OF).provisional


# (b) no RoSH level: provisional unless the steps other than MAPPA-with-RoSH (the table only when both
# predictors are dynamic) reach A for a MAPPA case, or C otherwise.
@pytest.mark.parametrize(("kw", "tier", "provisional"), [
    (dict(csrp=0.2, arp=5, rosh=None), "G", True),
    (dict(csrp=3.2, arp=60, rosh=None), "C", False),  # the table gives C
    (dict(csrp=2.0, arp=60, rosh=None), "D", True),
    (dict(csrp=2.0, arp=60, rosh=None, dc_srp=DcSrp(3.5, "M")), "C", False),
    (dict(csrp=2.0, arp=60, rosh=None, registers=frozenset({"INLL"}), lifer_ipp_released=date(2026, 1, 1)),
     "B", False),
    (dict(csrp=3.2, arp=80, rosh=None, mappa_category=1), "B", True),  # a MAPPA case needs A
    (dict(csrp=3.2, arp=80, rosh=None, mappa_category=1, dc_srp=DcSrp(4, "VH")), "A", False),
    (dict(csrp=7.0, arp=95, rosh=None, mappa_category=3), "A", False),
    (dict(csrp=3.2, arp=80, rosh=None, mappa_level=2), "B", False),  # a level alone is not a MAPPA case
    (dict(csrp=3.2, arp=80, rosh="L", mappa_category=1), "B", False),  # RoSH known: rule (b) does not apply
])
def test_provisional_no_rosh(kw: dict[str, Any], tier: str, provisional: bool) -> None:
    r = compute_tier("2026", case(**kw), AS_OF)
    assert (r.tier, r.provisional) == (tier, provisional)
    if provisional:
        assert "No RoSH level" in r.provisional_why


def test_provisional_no_rosh_does_not_count_a_static_table() -> None:
    # CSRP 3.2, ARP 95 static: the table gives A, but with a static predictor it is not counted for (b).
    r = compute_tier("2026", case(3.2, 95, arp_static=True, rosh=None), AS_OF)
    assert (r.tier, r.provisional) == ("A", True)
    assert "No RoSH level" in r.provisional_why and "ARP is static" in r.provisional_why
    # Both dynamic, the same table A settles (b).
    assert not compute_tier("2026", case(3.2, 95, rosh=None), AS_OF).provisional
