"""The caseload's Tier column and filter (issue 17): the tier in force, marked where the suggested tier differs
(with a tooltip saying what to do), the filter's letters from the scheme in Preferences plus "Suggested tier
differs", and tiers sorted best first in both schemes."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from PySide6.QtCore import Qt

from lpt_desktop.gui.caseload_model import COL_TIER, TIER_DIFFERS, _tier_key
from lpt_desktop.services.demo import DemoSpec, create_demo
from lpt_desktop.store.keyfile import KdfParams
from tests.conftest import DEMO_TODAY, PASSPHRASE
from tests.gui.conftest import unlock
from tests.gui.test_tier_page import make_one_differ

pytestmark = pytest.mark.gui


def _row(tier: str, suggested: str = "", differs: bool = False):
    return SimpleNamespace(tier=tier, suggested_tier=suggested or tier, tier_differs=differs)


def test_tiers_sort_best_first_in_both_schemes():
    tiers_2026 = ["G", "", "A", "NOT_SUPERVISED", "C", "MISSING", "B"]
    assert [t for t in sorted(tiers_2026, key=lambda t: _tier_key(_row(t)))][:4] == ["A", "B", "C", "G"]
    assert [t for t in sorted(["B2", "D0", "A1", "A3", "B3"], key=lambda t: _tier_key(_row(t)))] == \
        ["A3", "A1", "B3", "B2", "D0"]
    # Among equal tiers in force, the case whose suggestion is higher comes first.
    rows = [_row("C", "D", True), _row("C"), _row("C", "A", True)]
    assert [r.suggested_tier for r in sorted(rows, key=_tier_key)] == ["A", "C", "D"]


@pytest.fixture
def caseload(tmp_path):
    path = tmp_path / "tiers" / "caseload.lptdb"
    create_demo(path, PASSPHRASE, DemoSpec(cases=24, contacts_per_case=1, seed=11, today=DEMO_TODAY),
                kdf=KdfParams.fast()).close()
    return path


def _filter_items(view) -> list[str]:
    return [view.tier.itemText(i) for i in range(view.tier.count())]


def test_differing_tiers_are_marked_filtered_and_follow_the_scheme(make_window, qtbot, caseload, prefs):
    from lpt_desktop.gui.dialogs import PreferencesDialog

    window = make_window(caseload)
    unlock(qtbot, window, PASSPHRASE)
    view = window.caseload_view
    qtbot.waitUntil(lambda: view.model.rowCount() > 0, timeout=10000)
    make_one_differ(qtbot, window)
    model = view.model
    flagged = [r for r in model.records if r.tier_differs]
    assert flagged and len(flagged) < model.rowCount(), "the demo has cases whose suggestion differs, and others"
    i = model.records.index(flagged[0])
    cell = model.data(model.index(i, COL_TIER))
    assert cell == f"{flagged[0].tier or '—'} ▸ {flagged[0].suggested_tier}"
    tip = model.data(model.index(i, COL_TIER), Qt.ItemDataRole.ToolTipRole)
    assert f"Suggested tier {flagged[0].suggested_tier} (MoJ 2026" in tip and "Assessments tab" in tip
    plain = next(r for r in model.records if not r.tier_differs)
    assert "▸" not in model.data(model.index(model.records.index(plain), COL_TIER))

    assert _filter_items(view) == ["All tiers", *(f"Tier {t}" for t in "ABCDEFG"), "Suggested tier differs"]
    view.tier.setCurrentIndex(view.tier.findData(TIER_DIFFERS))
    assert view.proxy.rowCount() == len(flagged)
    view.clear_filters()
    assert view.proxy.rowCount() == model.rowCount()

    dialog = PreferencesDialog(prefs, window.ops, window)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(lambda: dialog.tier_scheme.isEnabled(), timeout=10000)
    assert dialog.tier_scheme.currentData() == "2026"
    dialog.tier_scheme.setCurrentIndex(dialog.tier_scheme.findData("ab03"))
    dialog.accept()
    qtbot.waitUntil(lambda: view.tier_scheme == "ab03", timeout=10000)
    assert _filter_items(view) == ["All tiers", *(f"Tier {t}" for t in "ABCD"), "Suggested tier differs"]


def _case(tier: str, scheme: str, differs: bool = True):
    from lpt_desktop.services.caseload import CaseloadRow
    return CaseloadRow(person_id=f"{tier}-{scheme}", crn=f"X{len(tier)}{tier}{scheme}", name="Case, A", order_type="CO",
                       order_label="Community order", tier=tier, rosh="", rosh_label="", rosh_rank=0, flags=(),
                       mappa="", next_due=None, next_due_what="", tier_scheme=scheme if scheme != "typed" else "",
                       suggested_tier="E", suggested_scheme="2026", tier_differs=differs)


@pytest.mark.parametrize(("scheme", "letter", "listed"), [
    ("2026", "D", {"D-2026", "D-typed"}),  # not the A-D scheme's D3
    ("ab03", "D", {"D3-ab03", "D1-typed"}),  # not the 2026 scheme's D
    ("2026", "B", set()),  # B2 is an A-D tier
])
def test_a_tier_letter_lists_only_the_chosen_schemes_tiers(qtbot, scheme, letter, listed):
    from lpt_desktop.gui.caseload_view import CaseloadView

    view = CaseloadView()
    qtbot.addWidget(view)
    rows = [_case("D", "2026", False), _case("D", "typed", False), _case("D3", "ab03"), _case("D1", "typed"),
            _case("B2", "ab03")]
    view.set_rows(rows)
    view.set_tier_scheme(scheme)
    view.tier.setCurrentIndex(view.tier.findData(letter))
    shown = {view.proxy.index(i, 0).data(Qt.ItemDataRole.DisplayRole) for i in range(view.proxy.rowCount())}
    assert shown == {r.crn for r in rows if r.person_id in listed}
    assert "Suggested tier differs" in view.tier.toolTip()
    # What the tooltip says holds: every tier of the other scheme is listed under "Suggested tier differs".
    from lpt_desktop.assessment.tiering import scheme_of_tier, tier_differs
    for r in rows:
        if (r.tier_scheme or scheme_of_tier(r.tier)) != scheme:
            assert tier_differs("E" if scheme == "2026" else "C1", r.tier, r.tier_scheme or None, scheme)


def test_predictor_rows_say_superseded_not_old_and_show_two_decimals():
    from datetime import date

    from lpt_desktop.gui.assessments.tier_models import PREDICTOR_AGE, PREDICTOR_COLUMNS, PredictorModel
    from lpt_desktop.services.tiering import PredictorRow

    rows = [PredictorRow("1", "RSR", 2.0, None, False, date(2026, 5, 18), "6 months", False, True),
            PredictorRow("2", "RSR", 3.08, None, False, date(2025, 8, 22), "1 year 3 months", True, False),
            PredictorRow("3", "CSRP", 1.43, None, False, date(2025, 8, 22), "1 year 3 months", True, True)]
    model = PredictorModel(PREDICTOR_COLUMNS)
    model.set_rows(rows)
    assert [model.data(model.index(i, 1)) for i in range(3)] == ["2.00", "3.08", "1.43"]
    ages = [model.data(model.index(i, PREDICTOR_AGE)) for i in range(3)]
    assert ages == ["6 months", "1 year 3 months (superseded)", "1 year 3 months (old)"]
    assert "still uses" not in model.data(model.index(1, PREDICTOR_AGE), Qt.ItemDataRole.ToolTipRole)
    assert "still uses" in model.data(model.index(2, PREDICTOR_AGE), Qt.ItemDataRole.ToolTipRole)
