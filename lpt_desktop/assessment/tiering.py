"""The tiering engine: a case's tier under the MoJ's 2026 A-G scheme or its earlier A-D/0-3 scheme, with
the working (each step, its result and why, in words).

Pure: TierInputs in, TierResult out (assessment/tier_types.py). Every number lives in
resources/data/tier_schemes.json, which cites its source (the MoJ's hmpps-tier service); the rules here
are the shape of each scheme, not its numbers.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Mapping
from datetime import date
from functools import cache
from typing import Any

from lpt_desktop.assessment.tier_types import (
    CANNOT_TIER,
    MISSING,
    NEED_KEYS,
    NOT_SUPERVISED,
    SCHEME_2026,
    SCHEME_AB03,
    SCHEMES,
    Band,
    SentenceInput,
    Step,
    TierInputError,
    TierInputs,
    TierResult,
    WomenFactors,
)
from lpt_desktop.domain.dates import add_months, format_date
from lpt_desktop.domain.reference import load_json
from lpt_desktop.domain.tier_forms import scheme_of_tier, valid_tier

__all__ = ["check_scores", "compute_or_explain", "compute_tier", "dc_srp_medium_floor", "predictor_problems",
           "scheme_of_tier", "scheme_rules", "score_problem", "tier_differs", "tier_letters", "valid_tier",
           "women_from_needs"]

ROSH_WORDS = {"L": "low", "M": "medium", "H": "high", "VH": "very high"}
SENTENCE_WORDS = {"CO": "community order", "SSO": "suspended sentence order", "LIC": "licence",
                  "PSS": "post-sentence supervision", "CUSTODY": "custodial sentence"}


@cache
def _all_rules() -> dict[str, Any]:
    return load_json("tier_schemes.json")


def scheme_rules(scheme: str) -> dict[str, Any]:
    """The scheme's numbers as the data file holds them (a dict; read, do not change)."""
    if scheme not in SCHEMES:
        raise TierInputError("scheme", f"'{scheme}' is not a tiering scheme: use {' or '.join(SCHEMES)}")
    rules: dict[str, Any] = _all_rules()[scheme]
    return rules


def tiering_source() -> str:
    """Where the schemes' numbers come from, to show beside a tier."""
    return str(_all_rules()["source"])


def predictor_old_after_weeks() -> int:
    """Predictor scores older than this many weeks are flagged old on the case."""
    return int(_all_rules()["predictor_old_after_weeks"])


def tier_letters(scheme: str) -> tuple[str, ...]:
    """The letters a scheme's tiers start with, best first: 2026 A-G, ab03 A-D."""
    return tuple(scheme_rules(scheme)["letters"])


def dc_srp_medium_floor() -> float:
    """The lowest score a medium DC-SRP band may have in the 2026 scheme (below it is an error)."""
    return float(scheme_rules(SCHEME_2026)["dc_srp"]["medium_cutoffs"][-1][0])


def score_problem(score: object) -> str | None:
    """Why a predictor score cannot be used, or None: every score (OGRS3, RSR, ARP, CSRP, DC-SRP) is a finite
    percentage from 0 to 100."""
    if isinstance(score, bool) or not isinstance(score, (int, float)) or not math.isfinite(score) \
            or not 0 <= score <= 100:
        shown = f"{score:g}" if isinstance(score, (int, float)) and not isinstance(score, bool) else repr(score)
        return f"must be a percentage from 0 to 100, not {shown}: enter the score as OASys gives it"
    return None


def predictor_problems(kind: str, score: object, band: object = None, *,
                       band_required: bool = True) -> list[tuple[str, str]]:
    """The problems of one predictor score as (field, message), field "score" or "band": the one check for
    scores typed on the case, imported from a file and given to the engine. `kind` is OGRS3, RSR, ARP, CSRP or
    DCSRP; only a DC-SRP has a band (required on the case; the engine takes none as "not counted")."""
    out: list[tuple[str, str]] = []
    problem = score_problem(score)
    if problem:
        out.append(("score", problem))
    if kind != "DCSRP":
        return out
    if band is None and not band_required:
        return out
    if band not in ROSH_WORDS:
        out.append(("band", f"'{band or ''}' is not a band: use L, M, H or VH (low, medium, high, very high)"))
    elif band == scheme_rules(SCHEME_2026)["dc_srp"]["medium_band"] and problem is None:
        assert isinstance(score, (int, float))
        floor = dc_srp_medium_floor()
        if 0 < score < floor:
            out.append(("score", f"{_num(score)} is below {floor:.2f}, which a medium band cannot have: check the "
                                 "score and band in OASys"))
    return out


def check_scores(inputs: TierInputs) -> None:
    """Refuse scores no scheme can use (not a finite percentage), naming the key; raises TierInputError."""
    for key, value in (("rsr", inputs.rsr), ("ogrs", inputs.ogrs),
                       ("arp.score", inputs.arp.score if inputs.arp else None),
                       ("csrp.score", inputs.csrp.score if inputs.csrp else None),
                       ("dc_srp.score", inputs.dc_srp.score if inputs.dc_srp else None)):
        problem = None if value is None else score_problem(value)
        if problem:
            raise TierInputError(key, problem)


def tier_differs(suggested: str, in_force: str | None, in_force_scheme: str | None, scheme: str,
                 overridden_from: str | None = None) -> bool:
    """Whether the case's suggested tier is not the tier in force: another tier, a tier of another scheme, or no
    tier in force. Two cases do not differ: one with nothing to suggest (not supervised, or scores missing)
    and no tier in force, as there is nothing the officer could accept; and one whose tier in force is an
    override of this same suggestion (`overridden_from`: the suggestion the latest decision overrode), as the
    officer has already weighed it. A new suggestion after an override differs again."""
    if not in_force:
        return suggested not in (NOT_SUPERVISED, MISSING, CANNOT_TIER)
    tier = in_force.strip().upper()
    if (in_force_scheme or scheme_of_tier(tier)) != scheme:
        return True
    return tier != suggested and overridden_from != suggested


def best_tier(a: str | None, b: str | None) -> str | None:
    """The better (closer to A) of two tier letters; None counts as no result."""
    if a is None:
        return b
    if b is None:
        return a
    return min(a, b)


def best_of(letters: list[str | None]) -> str | None:
    best: str | None = None
    for letter in letters:
        best = best_tier(best, letter)
    return best


def reaches(letter: str | None, target: str) -> bool:
    """Whether a step's result is at least as good as `target`."""
    return letter is not None and letter <= target


def current_sentences(inputs: TierInputs) -> tuple[SentenceInput, ...]:
    return tuple(s for s in inputs.sentences if not s.terminated)


def _num(x: float) -> str:
    """A score as typed: 3.2, 80, 0.6 (no trailing zeros)."""
    return f"{x:g}"


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def _row(threshold: float) -> str:
    """A CSRP row as the table names it: 6.9, 3.0, 1.0, 0.5, 0."""
    return f"{threshold:.1f}" if threshold else "0"


def _months_between(earlier: date, later: date) -> int:
    return (later.year - earlier.year) * 12 + later.month - earlier.month - (later.day < earlier.day)


def _ago(earlier: date, later: date) -> str:
    months = _months_between(earlier, later)
    if months < 1:
        days = (later - earlier).days
        return "the same day" if days == 0 else f"{days} day{'s' if days != 1 else ''}"
    if months < 24:
        return f"{months} month{'s' if months != 1 else ''}"
    years, rest = divmod(months, 12)
    return f"{years} years" + (f" and {rest} month{'s' if rest != 1 else ''}" if rest else "")


# -- the 2026 scheme ----------------------------------------------------------------------------------------
def _first_reached(score: float, thresholds: list[float]) -> int:
    """The index of the first threshold the score reaches (thresholds are highest first, the last is 0)."""
    for i, t in enumerate(thresholds):
        if score >= t:
            return i
    return len(thresholds) - 1  # a negative score sits in the bottom row or column


def table_letter(csrp: float, arp: float) -> tuple[str, int, int]:
    """The reoffending table's letter for these scores, with its row and column."""
    table = scheme_rules(SCHEME_2026)["table"]
    row = _first_reached(csrp, table["csrp_rows"])
    col = _first_reached(arp, table["arp_columns"])
    return table["letters"][row][col], row, col


def _table_step(inputs: TierInputs) -> Step:
    assert inputs.arp is not None and inputs.csrp is not None
    table = scheme_rules(SCHEME_2026)["table"]
    letter, row, col = table_letter(inputs.csrp.score, inputs.arp.score)
    why = (f"CSRP {_num(inputs.csrp.score)}% (row {_row(table['csrp_rows'][row])}+) and "
           f"ARP {_num(inputs.arp.score)}% (column {_num(table['arp_columns'][col])}+) give {letter}")
    static = [n for n, p in (("ARP", inputs.arp), ("CSRP", inputs.csrp)) if p.static]
    if static:
        why += f" ({' and '.join(static)} static)"
    return Step("Reoffending table", letter, why)


def _dc_srp_step(inputs: TierInputs) -> Step:
    rules = scheme_rules(SCHEME_2026)["dc_srp"]
    name = "Sexual reoffending (DC-SRP)"
    d = inputs.dc_srp
    if d is None:
        return Step(name, None, "No DC-SRP score: no result")
    if d.band is None:
        return Step(name, None, f"DC-SRP {_num(d.score)}% has no band: not counted")
    if d.score <= 0:
        return Step(name, None, f"DC-SRP score {_num(d.score)}: only a score above 0 counts, no result")
    band_words = ROSH_WORDS.get(d.band, d.band)
    if d.band == rules["medium_band"]:
        for cutoff, letter in rules["medium_cutoffs"]:
            if d.score >= cutoff:
                return Step(name, letter, f"DC-SRP {_num(d.score)}%, band medium, at or above "
                                          f"{cutoff:.2f} gives {letter}")
        raise TierInputError("dc_srp.score", f"a medium DC-SRP band needs a score of {dc_srp_medium_floor():.2f} "
                                             f"or more, not {_num(d.score)}: check the score and band in OASys")
    letter = rules["bands"][d.band]
    return Step(name, letter, f"DC-SRP {_num(d.score)}%, band {band_words}, gives {letter}")


def _mappa_rosh_step(inputs: TierInputs) -> Step:
    rules = scheme_rules(SCHEME_2026)["mappa_rosh"]
    name = "MAPPA and RoSH"
    rosh = f"RoSH {ROSH_WORDS[inputs.rosh]}" if inputs.rosh else "no RoSH level"
    if inputs.mappa_category is not None:
        letter = rules["with_category"][inputs.rosh or "none"]
        return Step(name, letter, f"MAPPA category {inputs.mappa_category}; {rosh} gives {letter}")
    letter = rules["without_category"].get(inputs.rosh or "none")
    if letter is None:
        return Step(name, None, f"No MAPPA category; {rosh}: no result")
    return Step(name, letter, f"No MAPPA category; {rosh} gives {letter}")


def _lifer_step(inputs: TierInputs, as_of: date) -> Step:
    rules = scheme_rules(SCHEME_2026)["lifer_ipp"]
    name = "Lifer or IPP"
    if rules["register"] not in inputs.registers:
        return Step(name, None, f"Not on the lifer or IPP register ({rules['register']}): no result")
    released = inputs.lifer_ipp_released
    if released is None:
        return Step(name, None, "Lifer or IPP with no release date: no result")
    when = f"Released on {format_date(released)}"
    if released > as_of:
        letter = rules["within_years"][0][1]
        return Step(name, letter, f"{when}, after {format_date(as_of)}: counted as within a year, gives {letter}")
    for years, letter in rules["within_years"]:
        # Calendar years, the anniversary itself inclusive; add_months keeps 29/02 to 28/02 in other years.
        if released >= add_months(as_of, -12 * years):
            span = "within a year" if years == 1 else f"within {_YEARS_WORDS.get(years, str(years))} years"
            return Step(name, letter, f"{when}, {_ago(released, as_of)} before {format_date(as_of)}: "
                                      f"{span} gives {letter}")
    letter = rules["earlier"]
    longest = rules["within_years"][-1][0]
    return Step(name, letter, f"{when}, {_ago(released, as_of)} before {format_date(as_of)}: more than "
                              f"{_YEARS_WORDS.get(longest, str(longest))} years ago gives {letter}")


_YEARS_WORDS = {2: "two", 3: "three", 4: "four", 5: "five", 10: "ten"}
_REGISTER_WORDS = {"ADVP": "domestic abuse perpetrator (ADVP)", "SPO": "stalking protection order (SPO)",
                   "RCPR": "child protection (RCPR)"}


def _registers_step(inputs: TierInputs) -> Step:
    rules: dict[str, str] = scheme_rules(SCHEME_2026)["registers"]
    held = [code for code in rules if code in inputs.registers]
    if not held:
        return Step("Registers", None, "None of the tiering registers (ADVP, SPO, RCPR): no result")
    letter = best_of([rules[c] for c in held])
    parts = "; ".join(f"{_REGISTER_WORDS.get(c, c)} gives {rules[c]}" for c in held)
    return Step("Registers", letter, _capital(parts))


def _sexual_offence_step(inputs: TierInputs) -> Step:
    letter = scheme_rules(SCHEME_2026)["sexual_offence"]
    if inputs.ever_sexual_offence:
        return Step("Sexual offence", letter, f"Has committed a sexual offence: gives {letter}")
    return Step("Sexual offence", None, "No sexual offence recorded: no result")


def _not_supervised_step(scheme: str, inputs: TierInputs) -> Step:
    current = current_sentences(inputs)
    if not current:
        ended = " (every sentence has ended)" if inputs.sentences else ""
        return Step("Current sentence", NOT_SUPERVISED if scheme == SCHEME_2026 else None,
                    f"No current sentence{ended}")
    words = ", ".join(SENTENCE_WORDS.get(s.type, s.type) for s in current)
    return Step("Current sentence", None, f"Current: {words}")


def _compute_2026(inputs: TierInputs, as_of: date) -> TierResult:
    sentence = _not_supervised_step(SCHEME_2026, inputs)
    if sentence.result == NOT_SUPERVISED:
        return TierResult(SCHEME_2026, NOT_SUPERVISED, False,
                          (Step(sentence.step, NOT_SUPERVISED, sentence.why + ": not supervised"),))
    dc_srp = _dc_srp_step(inputs)  # raises on a medium band below its lowest cut-off, whatever else is missing
    if inputs.arp is None or inputs.csrp is None:
        missing = " and ".join(n for n, p in (("ARP", inputs.arp), ("CSRP", inputs.csrp)) if p is None)
        return TierResult(SCHEME_2026, MISSING, False, (
            sentence, Step("Reoffending table", MISSING, f"No {missing} score: the tier cannot be worked out "
                                                          "until OASys gives one")))
    table = _table_step(inputs)
    others = [dc_srp, _mappa_rosh_step(inputs), _lifer_step(inputs, as_of), _registers_step(inputs),
              _sexual_offence_step(inputs)]
    steps = [table, *others]
    tier = best_of([s.result for s in steps])
    assert tier is not None  # the table always gives a letter
    whys = _provisional_2026(inputs, table, others)
    working = (sentence, *steps, Step("Tier", tier, f"The best of the steps above is {tier}"))
    return TierResult(SCHEME_2026, tier, bool(whys), working, provisional_why="; ".join(whys))


def _provisional_2026(inputs: TierInputs, table: Step, others: list[Step]) -> list[str]:
    assert inputs.arp is not None and inputs.csrp is not None
    rules = scheme_rules(SCHEME_2026)
    letters = rules["table"]["letters"]
    whys: list[str] = []
    besides_table = best_of([s.result for s in others])
    # (a) a static predictor could rise once OASys has its dynamic factors.
    _, row, col = table_letter(inputs.csrp.score, inputs.arp.score)
    if inputs.arp.static and inputs.csrp.static:
        target, which = letters[0][0], "ARP and CSRP are static"
    elif inputs.arp.static:
        target, which = letters[row][0], "ARP is static"
    elif inputs.csrp.static:
        target, which = letters[0][col], "CSRP is static"
    else:
        target, which = "", ""
    if target and not reaches(besides_table, target):
        whys.append(f"{which}: as it rises the table could give {target}, and the other steps "
                    f"{'give ' + besides_table if besides_table else 'give no result'}")
    # (b) no RoSH level: MAPPA with RoSH could give more once RoSH is assessed.
    if inputs.rosh is None:
        mappa_case = inputs.mappa_category is not None
        target = rules["provisional_no_rosh_target"]["mappa" if mappa_case else "other"]
        counted = [s.result for s in others if s.step != "MAPPA and RoSH"]
        both_dynamic = not inputs.arp.static and not inputs.csrp.static
        if both_dynamic:
            counted.append(table.result)
        best = best_of(counted)
        if not reaches(best, target):
            case = "a MAPPA case" if mappa_case else "a case"
            whys.append(f"No RoSH level: for {case} a RoSH assessment could give {target}, and the other steps"
                        f"{'' if both_dynamic else ' (not counting the table, as a predictor is static)'} "
                        f"{'give ' + best if best else 'give no result'}")
    return whys


# -- the A-D with change 0-3 scheme -------------------------------------------------------------------------
def has_mandate(inputs: TierInputs) -> tuple[bool, str]:
    """Whether the case has a mandate for change (ab03), and why in words."""
    rules = scheme_rules(SCHEME_AB03)["change"]
    current = current_sentences(inputs)
    if not current:
        return False, "No current sentence: no mandate for change"
    for s in current:
        if s.type in rules["mandate_sentence_types"]:
            return True, f"A current {SENTENCE_WORDS.get(s.type, s.type)} is a mandate for change"
    not_mandate = {c for codes in rules["no_mandate_requirements"].values() for c in codes}
    for s in current:
        others = [r for r in s.requirements if r not in not_mandate]
        if others:
            return True, (f"The {SENTENCE_WORDS.get(s.type, s.type)} has a requirement other than unpaid work "
                          f"and the restrictive ones ({', '.join(others)}): a mandate for change")
    held = sorted({r for s in current for r in s.requirements})
    held_words = f" ({', '.join(held)})" if held else ""
    return False, ("No custodial sentence, licence or post-sentence supervision, and no requirement other than "
                   f"unpaid work and the restrictive ones{held_words}: no mandate for change")


def _band(points: int, bands: list[list[Any]]) -> Any:
    for floor, level in bands:
        if points >= floor:
            return level
    return bands[-1][1]


def _protect_ab03(inputs: TierInputs) -> tuple[Band, list[Step]]:
    rules = scheme_rules(SCHEME_AB03)["protect"]
    steps: list[Step] = []
    rsr_points = 0
    if inputs.rsr is not None:
        rsr_points = next((p for floor, p in rules["rsr"] if inputs.rsr >= floor), 0)
        rsr_why = f"RSR {inputs.rsr:.2f}% gives {rsr_points} points"
    else:
        rsr_why = "No RSR score: 0 points"
    rosh_points = rules["rosh"][inputs.rosh] if inputs.rosh else 0
    rosh_why = f"RoSH {ROSH_WORDS[inputs.rosh]} gives {rosh_points}" if inputs.rosh else "no RoSH level gives 0"
    larger = max(rsr_points, rosh_points)
    which = "RSR" if rsr_points > rosh_points else "RoSH" if rosh_points > rsr_points else "either"
    steps.append(Step("RSR or RoSH", str(larger),
                      f"{rsr_why}; {rosh_why}; only the larger counts ({which}): {larger} points"))
    mappa_points = rules["mappa_level"].get(str(inputs.mappa_level), 0) if inputs.mappa_level else 0
    steps.append(Step("MAPPA", str(mappa_points),
                      f"MAPPA level {inputs.mappa_level} gives {mappa_points} points" if inputs.mappa_level
                      else "No MAPPA level: 0 points"))
    complexity = [c for c in rules["complexity_registers"] if c in inputs.registers]
    each = rules["complexity_points"]
    steps.append(Step("Complexity registers", str(each * len(complexity)),
                      f"{len(complexity)} complexity register{'s' if len(complexity) != 1 else ''} "
                      f"({', '.join(complexity)}) at {each} points each: {each * len(complexity)} points"
                      if complexity else "No complexity registers: 0 points"))
    points = larger + mappa_points + each * len(complexity)
    if inputs.gender == "female":
        women = rules["women"]
        w = inputs.women
        counted = [(name + _from_needs(key, inputs.needs), women[key]) for key, name, on in (
            ("parenting", "parenting responsibilities", w.parenting),
            ("impulsivity_or_temper", "impulsivity or temper control", w.impulsivity_or_temper),
            ("breach_or_recall_12m", "a breach or recall in the last 12 months", w.breach_or_recall_12m)) if on]
        women_points = sum(p for _, p in counted)
        steps.append(Step("Women's factors", str(women_points),
                          _capital("; ".join(f"{n} {p}" for n, p in counted)) + f": {women_points} points"
                          if counted
                          else "None of the women's factors: 0 points"))
        points += women_points
    else:
        steps.append(Step("Women's factors", None, "Counted for women only"))
    level = _band(points, rules["bands"])
    steps.append(Step("Protect level", level, f"{points} points gives {level} (A 150 and above, B 20-149, "
                                              "C 10-19, D under 10)"))
    return Band(level, points), steps


def _change_ab03(inputs: TierInputs) -> tuple[Band, list[Step]]:
    rules = scheme_rules(SCHEME_AB03)["change"]
    mandate, mandate_why = has_mandate(inputs)
    steps = [Step("Mandate for change", None, mandate_why)]
    if not mandate:
        level = rules["no_mandate_level"]
        steps.append(Step("Change level", str(level), f"No mandate for change gives change level {level}"))
        return Band(level, 0), steps
    if inputs.needs is None:
        level = rules["no_assessment_level"]
        steps.append(Step("Change level", str(level),
                          f"No valid needs assessment: change level {level} with 0 points (needs, OGRS and IOM "
                          "are not counted until there is one)"))
        return Band(level, 0), steps
    needs = inputs.needs
    parts = []
    need_points = 0
    for key in NEED_KEYS:
        severity = needs.get(key, "none")
        if severity not in rules["severities"]:
            raise TierInputError(f"needs.{key}", f"'{severity}' is not a severity: use "
                                                 f"{', '.join(rules['severities'])}")
        p = rules["severities"][severity] * rules["weights"][key]
        need_points += p
        if p:
            parts.append(f"{_NEED_WORDS[key]} {severity} {p}")
    steps.append(Step("Needs", str(need_points),
                      _capital("; ".join(parts)) + f": {need_points} points" if parts
                      else "No scoring needs: 0 points"))
    divisor = rules["ogrs_divisor"]
    ogrs_points = math.floor(inputs.ogrs / divisor) if inputs.ogrs is not None else 0
    steps.append(Step("OGRS", str(ogrs_points),
                      f"OGRS {_num(inputs.ogrs)}% divided by {divisor}, rounded down: {ogrs_points} points"
                      if inputs.ogrs is not None else "No OGRS score: 0 points"))
    iom = rules["iom_register"] in inputs.registers
    iom_points = rules["iom_points"] if iom else 0
    steps.append(Step("IOM", str(iom_points), f"On the IOM register ({rules['iom_register']}): {iom_points} points"
                      if iom else "Not on the IOM register: 0 points"))
    points = need_points + ogrs_points + iom_points
    level = _band(points, rules["bands"])
    steps.append(Step("Change level", str(level), f"{points} points gives change level {level} (3 at 20 and "
                                                  "above, 2 at 10-19, else 1)"))
    return Band(level, points), steps


_NEED_WORDS = {"accommodation": "accommodation", "ete": "education, training and employment",
               "relationships": "relationships", "lifestyle": "lifestyle", "drugs": "drugs", "alcohol": "alcohol",
               "thinking_behaviour": "thinking and behaviour", "attitudes": "attitudes", "finance": "finance",
               "emotional": "emotional well-being"}


def women_from_needs(women: WomenFactors, gender: str | None, needs: Mapping[str, str] | None) -> WomenFactors:
    """The women's factors with what a valid needs assessment adds, as hmpps-tier's additional factors for women
    read OASys: impulsivity or temper control, from a standard or severe thinking and behaviour need (the data's
    ab03 protect "women_from_needs"). For women only (gender "female"), and only from a valid assessment (needs
    None: nothing to read); a factor already set stays set, a need never clears one."""
    if gender != "female" or needs is None:
        return women
    rules: dict[str, dict[str, Any]] = scheme_rules(SCHEME_AB03)["protect"].get("women_from_needs", {})
    found = {factor: True for factor, rule in rules.items()
             if needs.get(str(rule["need"]), "none") in rule["severities"] and not getattr(women, factor)}
    return dataclasses.replace(women, **found) if found else women


def _from_needs(factor: str, needs: Mapping[str, str] | None) -> str:
    """Where a women's factor the needs give comes from, in words (" (a standard thinking and behaviour
    need)"), or "" when the needs do not give it."""
    rule = scheme_rules(SCHEME_AB03)["protect"].get("women_from_needs", {}).get(factor)
    severity = (needs or {}).get(str(rule["need"]), "none") if rule else "none"
    if rule is None or severity not in rule["severities"]:
        return ""
    return f" (a {severity} {_NEED_WORDS.get(rule['need'], rule['need'])} need)"


def _compute_ab03(inputs: TierInputs) -> TierResult:
    protect, protect_steps = _protect_ab03(inputs)
    change, change_steps = _change_ab03(inputs)
    tier = f"{protect.level}{change.level}"
    working = (*protect_steps, *change_steps,
               Step("Tier", tier, f"Protect level {protect.level} and change level {change.level} give {tier}"))
    return TierResult(SCHEME_AB03, tier, False, working, protect=protect, change=change)


def compute_tier(scheme: str, inputs: TierInputs, as_of: date) -> TierResult:
    """The case's tier under `scheme` on `as_of`, with its working. Raises TierInputError for input the
    scheme cannot use (naming the key)."""
    scheme_rules(scheme)  # refuses an unknown scheme
    check_scores(inputs)  # NaN, infinity or a score outside 0-100 from any caller, named
    if scheme == SCHEME_2026:
        return _compute_2026(inputs, as_of)
    return _compute_ab03(inputs)


# The case's words for the keys TierInputError names.
_KEY_WORDS = {"rsr": "RSR", "ogrs": "OGRS3", "arp.score": "ARP", "csrp.score": "CSRP", "dc_srp.score": "DC-SRP score",
              "dc_srp.band": "DC-SRP band"}


def compute_or_explain(scheme: str, inputs: TierInputs, as_of: date) -> TierResult:
    """compute_tier for a stored case: input the engine refuses (a score put in before it was checked) gives
    the tier CANNOT_TIER with the field and the fix as its working, so one bad case never stops a caseload."""
    try:
        return compute_tier(scheme, inputs, as_of)
    except TierInputError as err:
        why = f"Cannot tier: {_KEY_WORDS.get(err.key, err.key)} {err.message}"
        return TierResult(scheme, CANNOT_TIER, False, (Step("Cannot tier", CANNOT_TIER, why),))
