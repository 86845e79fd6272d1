"""Requirements are offered only for orders made while they existed (issue 15 item 16).

The Offender Rehabilitation Act 2014 replaced the supervision and activity requirements with the
rehabilitation activity requirement from 1 February 2015; resources/data/requirement_types.json holds each
requirement's from/until dates with their source.
"""

from __future__ import annotations

import copy
from datetime import date

import pytest

from lpt_desktop.domain.court import check_report
from lpt_desktop.domain.reference import load_json, reference, requirement_types_for

EVERY_DAY = {"UPW", "PROG", "PROH", "CUR", "EXC", "RES", "MHT", "DRR", "ATR", "ATC", "EM"}


@pytest.mark.parametrize(("order_date", "offered", "not_offered"), [
    (date(2005, 4, 3), set(), {"UPW", "SUP", "ACT", "RAR"}),  # before the CJA 2003 community order
    (date(2005, 4, 4), EVERY_DAY | {"SUP", "ACT"}, {"RAR"}),
    (date(2014, 6, 30), EVERY_DAY | {"SUP", "ACT"}, {"RAR"}),
    (date(2015, 1, 31), EVERY_DAY | {"SUP", "ACT"}, {"RAR"}),  # the last day of supervision and activity
    (date(2015, 2, 1), EVERY_DAY | {"RAR"}, {"SUP", "ACT"}),  # the rehabilitation activity requirement
    (date(2026, 11, 23), EVERY_DAY | {"RAR"}, {"SUP", "ACT"}),
])
def test_requirements_offered_for_an_order_date(order_date, offered, not_offered):
    codes = {t.code for t in requirement_types_for(order_date)}
    assert offered <= codes
    assert not codes & not_offered
    if offered:
        assert codes == offered


def test_every_requirement_has_its_dates_and_source():
    for entry in load_json("requirement_types.json")["requirement_types"]:
        assert entry.get("from") and entry.get("source"), entry["code"]
        assert "20" in entry["source"], entry["code"]  # names its Act or instrument
    sup = reference().requirement_types["SUP"]
    assert sup.available_until == date(2015, 1, 31) and "Offender Rehabilitation Act 2014" in sup.source
    assert reference().requirement_types["RAR"].available_from == date(2015, 2, 1)


def test_the_list_keeps_the_datas_order():
    assert [t.code for t in requirement_types_for(date(2026, 1, 1))][:2] == ["UPW", "PROG"]


PROPOSAL = {
    "sentencing_court": {"hearing_date": date(2026, 12, 21)},
    "proposal": {"sentence": "CO", "length_months": 12, "outline_plan": "Plan.",
                 "requirements": [{"type_code": "SUP", "params": {"months": 12}}]},
    "sources": {"used": ["domestic_abuse", "childrens_services"]}, "sign_off": {"author": "Alex Morgan"},
}


@pytest.mark.parametrize(("code", "params", "hearing", "ok"), [
    ("SUP", {"months": 12}, date(2026, 12, 21), False),
    ("ACT", {"days": 20}, date(2026, 12, 21), False),
    ("RAR", {"days": 20}, date(2026, 12, 21), True),
    ("SUP", {"months": 12}, date(2014, 12, 1), True),
    ("RAR", {"days": 20}, date(2014, 12, 1), False),
    ("SUP", {"months": 12}, "2026-12-21", False),  # as stored
    ("SUP", {"months": 12}, None, True),  # no hearing date yet: nothing to judge by
])
def test_a_proposal_naming_a_requirement_not_in_force_is_not_ready(code, params, hearing, ok):
    sections = copy.deepcopy(PROPOSAL)
    sections["proposal"]["requirements"] = [{"type_code": code, "params": params}]
    sections["sentencing_court"]["hearing_date"] = hearing
    bad = {c.check_id: c.message for c in check_report(sections, "sdr") if not c.ok}
    assert ("requirements" not in bad) is ok, bad
    if not ok:
        assert "is not available for an order made on" in bad["requirements"]
        if code == "SUP":
            assert "it ended on 31/01/2015" in bad["requirements"]
