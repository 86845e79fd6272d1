"""Tiering inputs and results as JSON (the `lpt tier` command's input and output).

Strict: an unknown key or value, or a value of the wrong type, raises TierInputError naming it
(e.g. "sentences[0].type") with the values allowed, so a typo never silently means "none".
"""

from __future__ import annotations

from datetime import date
from typing import Any

from lpt_desktop.assessment.tier_types import (
    NEED_KEYS,
    ROSH_LEVELS,
    SENTENCE_TYPES,
    SEVERITIES,
    DcSrp,
    Predictor,
    SentenceInput,
    TierInputError,
    TierInputs,
    TierResult,
    WomenFactors,
)
from lpt_desktop.assessment.tiering import score_problem
from lpt_desktop.domain.reference import reference

GENDERS = ("male", "female")
TOP_KEYS = ("gender", "rosh", "rsr", "ogrs", "arp", "csrp", "dc_srp", "mappa", "registers", "lifer_ipp_released",
            "ever_sexual_offence", "sentences", "needs", "women")
MAPPA_NUMBERS = (1, 2, 3)


def _object(value: Any, key: str, allowed: tuple[str, ...]) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise TierInputError(key or "input", f"must be a JSON object, not {_kind(value)}")
    for k in value:
        if k not in allowed:
            where = f"{key}.{k}" if key else str(k)
            raise TierInputError(where, f"unknown key: use {', '.join(allowed)}")
    return value


def _kind(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, str):
        return f"'{value}'"
    if isinstance(value, list):
        return "a list"
    return "an object"


def _number(value: Any, key: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise TierInputError(key, f"must be a number, not {_kind(value)}")
    return value


def _score(value: Any, key: str) -> float:
    """A predictor score: a number, and a finite percentage (Python's json reads NaN and Infinity)."""
    number = _number(value, key)
    problem = score_problem(number)
    if problem:
        raise TierInputError(key, problem)
    return number


def _bool(value: Any, key: str) -> bool:
    if not isinstance(value, bool):
        raise TierInputError(key, f"must be true or false, not {_kind(value)}")
    return value


def _choice(value: Any, key: str, allowed: tuple[Any, ...]) -> Any:
    if isinstance(value, bool) or value not in allowed:
        raise TierInputError(key, f"{_kind(value)} is not allowed: use {', '.join(str(a) for a in allowed)}")
    return value


def _list(value: Any, key: str) -> list[Any]:
    if not isinstance(value, list):
        raise TierInputError(key, f"must be a list, not {_kind(value)}")
    return value


def _date(value: Any, key: str) -> date:
    if not isinstance(value, str):
        raise TierInputError(key, f"must be a date as yyyy-mm-dd, not {_kind(value)}")
    try:
        return date.fromisoformat(value) if len(value) == 10 else date.fromisoformat("x")
    except ValueError:
        raise TierInputError(key, f"'{value}' is not a date: use yyyy-mm-dd, e.g. 2025-06-01") from None


def _predictor(value: Any, key: str) -> Predictor | None:
    if value is None:
        return None
    obj = _object(value, key, ("score", "static"))
    if "score" not in obj:
        raise TierInputError(f"{key}.score", "missing: give the score as a number")
    static = _bool(obj["static"], f"{key}.static") if "static" in obj else False
    return Predictor(_score(obj["score"], f"{key}.score"), static)


def _dc_srp(value: Any) -> DcSrp | None:
    if value is None:
        return None
    obj = _object(value, "dc_srp", ("score", "band"))
    if "score" not in obj:
        raise TierInputError("dc_srp.score", "missing: give the score as a number")
    band = obj.get("band")
    return DcSrp(_score(obj["score"], "dc_srp.score"),
                 None if band is None else _choice(band, "dc_srp.band", ROSH_LEVELS))


def _sentence(value: Any, key: str, requirement_codes: tuple[str, ...]) -> SentenceInput:
    obj = _object(value, key, ("type", "requirements", "terminated"))
    if "type" not in obj:
        raise TierInputError(f"{key}.type", f"missing: use {', '.join(SENTENCE_TYPES)}")
    reqs = _list(obj.get("requirements", []), f"{key}.requirements")
    return SentenceInput(
        type=_choice(obj["type"], f"{key}.type", SENTENCE_TYPES),
        requirements=tuple(_choice(r, f"{key}.requirements[{i}]", requirement_codes) for i, r in enumerate(reqs)),
        terminated=_bool(obj.get("terminated", False), f"{key}.terminated"))


def inputs_from_json(obj: Any) -> TierInputs:
    """The case's tiering inputs from the `lpt tier` JSON object (see README); raises TierInputError."""
    data = _object(obj, "", TOP_KEYS)
    ref = reference()
    register_codes = tuple(ref.register_types)
    requirement_codes = tuple(ref.requirement_types)
    mappa = data.get("mappa")
    category = level = None
    if mappa is not None:
        m = _object(mappa, "mappa", ("category", "level"))
        category = _choice(m["category"], "mappa.category", MAPPA_NUMBERS) if m.get("category") is not None else None
        level = _choice(m["level"], "mappa.level", MAPPA_NUMBERS) if m.get("level") is not None else None
    needs: dict[str, str] | None = {}
    if "needs" in data:
        if data["needs"] is None:
            needs = None  # no valid assessment
        else:
            n = _object(data["needs"], "needs", NEED_KEYS)
            needs = {k: _choice(v, f"needs.{k}", SEVERITIES) for k, v in n.items()}
    women = _object(data.get("women", {}), "women", ("parenting", "impulsivity_or_temper", "breach_or_recall_12m"))
    released = data.get("lifer_ipp_released")
    gender, rosh = data.get("gender"), data.get("rosh")
    return TierInputs(
        gender=None if gender is None else _choice(gender, "gender", GENDERS),
        rosh=None if rosh is None else _choice(rosh, "rosh", ROSH_LEVELS),
        rsr=None if data.get("rsr") is None else _score(data["rsr"], "rsr"),
        ogrs=None if data.get("ogrs") is None else _score(data["ogrs"], "ogrs"),
        arp=_predictor(data.get("arp"), "arp"),
        csrp=_predictor(data.get("csrp"), "csrp"),
        dc_srp=_dc_srp(data.get("dc_srp")),
        mappa_category=category,
        mappa_level=level,
        registers=frozenset(_choice(r, f"registers[{i}]", register_codes)
                            for i, r in enumerate(_list(data.get("registers", []), "registers"))),
        lifer_ipp_released=None if released is None else _date(released, "lifer_ipp_released"),
        ever_sexual_offence=_bool(data.get("ever_sexual_offence", False), "ever_sexual_offence"),
        sentences=tuple(_sentence(s, f"sentences[{i}]", requirement_codes)
                        for i, s in enumerate(_list(data.get("sentences", []), "sentences"))),
        needs=needs,
        women=WomenFactors(**{k: _bool(v, f"women.{k}") for k, v in women.items()}),
    )


def inputs_to_json(inputs: TierInputs) -> dict[str, Any]:
    """The inverse of inputs_from_json: every key, so a case's inputs can be given to `lpt tier`."""
    return {
        "gender": inputs.gender,
        "rosh": inputs.rosh,
        "rsr": inputs.rsr,
        "ogrs": inputs.ogrs,
        "arp": None if inputs.arp is None else {"score": inputs.arp.score, "static": inputs.arp.static},
        "csrp": None if inputs.csrp is None else {"score": inputs.csrp.score, "static": inputs.csrp.static},
        "dc_srp": None if inputs.dc_srp is None else {"score": inputs.dc_srp.score, "band": inputs.dc_srp.band},
        "mappa": None if inputs.mappa_category is None and inputs.mappa_level is None else {
            "category": inputs.mappa_category, "level": inputs.mappa_level},
        "registers": sorted(inputs.registers),
        "lifer_ipp_released": inputs.lifer_ipp_released.isoformat() if inputs.lifer_ipp_released else None,
        "ever_sexual_offence": inputs.ever_sexual_offence,
        "sentences": [{"type": s.type, "requirements": list(s.requirements), "terminated": s.terminated}
                      for s in inputs.sentences],
        "needs": None if inputs.needs is None else dict(inputs.needs),
        "women": {"parenting": inputs.women.parenting, "impulsivity_or_temper": inputs.women.impulsivity_or_temper,
                  "breach_or_recall_12m": inputs.women.breach_or_recall_12m},
    }


def result_to_json(result: TierResult) -> dict[str, Any]:
    """The `lpt tier` output: scheme, tier, provisional (with provisional_why when true), working, and for
    the A-D scheme protect and change (levels and points as numbers, letters as strings)."""
    out: dict[str, Any] = {"scheme": result.scheme, "tier": result.tier, "provisional": result.provisional}
    if result.provisional:
        out["provisional_why"] = result.provisional_why
    out["working"] = [{"step": s.step, "result": s.result, "why": s.why} for s in result.working]
    if result.protect is not None:
        out["protect"] = {"level": result.protect.level, "points": result.protect.points}
    if result.change is not None:
        out["change"] = {"level": result.change.level, "points": result.change.points}
    return out
