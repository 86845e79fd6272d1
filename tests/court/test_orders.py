"""Current orders are current: the fast delivery report's prefill, and an offence committed during an order.

Issue 15 item 17: the prefill called a current suspended sentence order a "previous order" and did not flag
that the new offence fell inside it.
"""

from __future__ import annotations

import copy
from datetime import date

import pytest

from lpt_desktop.domain.court import check_report
from lpt_desktop.domain.court_views import OrderPeriod, current_orders, orders_during, previous_orders
from lpt_desktop.services import court
from lpt_desktop.services.cases import add_sentence
from tests.court.conftest import COURT, FULL, TODAY

SSO = OrderPeriod(label="Suspended sentence order", start=date(2026, 3, 2), end=date(2027, 3, 1))
OLD_CO = OrderPeriod(label="Community order", start=date(2025, 1, 10), end=date(2026, 1, 9))
CUT_SHORT = OrderPeriod(label="Community order", start=date(2026, 1, 5), end=date(2027, 1, 4),
                        terminated_on=date(2026, 6, 30))
OPEN_ENDED = OrderPeriod(label="Licence", start=date(2026, 8, 1), end=None)


@pytest.mark.parametrize(("order", "day", "current"), [
    (SSO, TODAY, True),  # ends after the report date: current
    (SSO, date(2026, 3, 2), True),  # its first day
    (SSO, date(2027, 3, 1), True),  # its last day
    (SSO, date(2027, 3, 2), False),  # the day after it ended
    (SSO, date(2026, 3, 1), False),  # before it began
    (OLD_CO, TODAY, False),  # ended in January: previous
    (CUT_SHORT, TODAY, False),  # terminated early: no longer current, whatever its planned end
    (CUT_SHORT, date(2026, 6, 30), True),
    (OPEN_ENDED, TODAY, True),  # no end known: running
])
def test_an_order_is_current_while_it_runs(order, day, current):
    assert (order in current_orders([order], day)) is current
    assert order.covers(day) is current


def test_current_and_previous_split_the_case_and_an_offence_during_an_order_is_found():
    orders = [SSO, OLD_CO, CUT_SHORT]
    assert current_orders(orders, TODAY) == [SSO]
    assert previous_orders(orders, TODAY) == [OLD_CO, CUT_SHORT]
    assert orders_during(orders, date(2026, 10, 14)) == [SSO]
    assert orders_during(orders, date(2026, 4, 1)) == [SSO, CUT_SHORT]
    assert orders_during(orders, date(2024, 12, 1)) == []
    assert orders_during(orders, None) == []


@pytest.mark.parametrize("report_type", ["oral", "fdr", "sdr"])
def test_an_offence_during_an_order_is_flagged_until_the_writer_ticks_it(report_type):
    sections = copy.deepcopy(FULL)  # offence on 14/10/2026, inside the SSO
    bad = {c.check_id: c.message for c in check_report(sections, report_type, [SSO, OLD_CO]) if not c.ok}
    assert list(bad) == ["offence_during_order"]
    assert "14/10/2026" in bad["offence_during_order"]
    assert "suspended sentence order from 02/03/2026 to 01/03/2027" in bad["offence_during_order"]
    sections["offence_details"]["during_order"] = True
    assert all(c.ok for c in check_report(sections, report_type, [SSO, OLD_CO]))
    # No order running on the offence date: no such check at all.
    assert "offence_during_order" not in {c.check_id for c in check_report(FULL, report_type, [OLD_CO])}


def _fdr_with_current_sso(caseload) -> court.ReportDraft:
    add_sentence(caseload.db, caseload.person_id, order_type="SSO", start_date=date(2026, 3, 2),
                 end_date=date(2027, 3, 1), offence="Assault by beating", court="Preston Crown Court",
                 sentence_date=date(2026, 3, 2), length_months=12)
    req = court.create_request(caseload.db, person_id=caseload.person_id, hearing_date=date(2026, 11, 27),
                               report_type="fdr", requested_on=TODAY, **COURT)
    return court.load_report(caseload.db, court.start_report(caseload.db, req, today=TODAY))


def test_fdr_prefill_calls_a_current_sso_current_and_tells_the_writer_to_check(caseload):
    draft = _fdr_with_current_sso(caseload)
    pattern = draft.sections["offence_analysis"]["pattern"]
    current, note, previous = pattern.split("\n")
    assert current.startswith("Current order: 02/03/2026 Suspended sentence order for Assault by beating")
    assert "runs to 01/03/2027" in current
    assert note.startswith("CHECK: the new offence may have been committed during the current order")
    assert previous.startswith("Previous orders: 10/01/2025 Community order for Theft")
    assert "Suspended sentence order" not in previous, "a current order is never called previous"
    supervision = draft.sections["risk"]["previous_supervision"].split("\n")
    assert supervision[0].startswith("Current suspended sentence order from 02/03/2026")
    assert supervision[1].startswith("Previous community order from 10/01/2025")
    assert draft.orders and {o.label for o in draft.orders} == {"Suspended sentence order", "Community order"}


def test_marking_ready_refuses_an_offence_during_the_sso_until_flagged(caseload):
    draft = _fdr_with_current_sso(caseload)
    for section, fields in FULL.items():
        court.save_section(caseload.db, draft.id, section, fields)
    with pytest.raises(court.ValidationError) as err:
        court.mark_ready(caseload.db, draft.id, today=TODAY)
    assert [e.field for e in err.value.errors] == ["offence_during_order"]
    court.save_section(caseload.db, draft.id, "offence_details", {"during_order": True})
    court.mark_ready(caseload.db, draft.id, today=TODAY)
    assert court.load_report(caseload.db, draft.id).status == "ready"


def test_no_current_order_means_no_note(caseload):
    req = court.create_request(caseload.db, person_id=caseload.person_id, hearing_date=date(2026, 11, 27),
                               report_type="fdr", requested_on=TODAY, **COURT)
    draft = court.load_report(caseload.db, court.start_report(caseload.db, req, today=TODAY))
    pattern = draft.sections["offence_analysis"]["pattern"]
    assert pattern.startswith("Previous orders: ") and "CHECK" not in pattern and "Current" not in pattern
