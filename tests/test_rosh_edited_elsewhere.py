"""A RoSH draft edited on two laptops (review of issue 18): the form sends only the fields it changed, each with
the value it last showed; a field whose stored value is no longer that base is refused as edited elsewhere,
naming the section, and nothing of that save is kept, so one officer's text never silently replaces another's."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest

from lpt_desktop.services import case_record as cr
from lpt_desktop.services import rosh
from lpt_desktop.services.unlock import create_caseload
from lpt_desktop.store.database import Database
from lpt_desktop.store.keyfile import KdfParams
from tests.conftest import PASSPHRASE, TEST_TODAY

TODAY = TEST_TODAY


@pytest.fixture(scope="module")
def db(tmp_path_factory) -> Iterator[Database]:
    database = create_caseload(tmp_path_factory.mktemp("rosh_ee") / "r.lptdb", PASSPHRASE, "Alex Morgan", "LPT0042",
                               kdf=KdfParams.fast())
    yield database
    database.close()


def _draft(db: Database, crn: str) -> str:
    start = TODAY - timedelta(days=60)
    pid = cr.create_case(db, cr.NewCase(crn, "Dana", "Walsh", TODAY.replace(year=1990),
                                        cr.SentenceIn("CO", start, start + timedelta(days=365), requirements=(
                                            cr.RequirementIn("UPW", {"hours": 80}),))))
    return rosh.start_assessment(db, pid, today=TODAY)


def test_flat_fields_round_trip() -> None:
    d = rosh.AssessmentDraft(answers={"q1": {"current": "yes"}}, sources_checked=["interview"],
                             source_reasons={"cps": "not yet"}, gate_reason="r", not_doing_full_analysis=True,
                             analysis={"current": {"what": "w"}},
                             summary=rosh.SummaryDraft(texts={"nature": "n"}, community={"public": "H"}))
    assert rosh.draft_fields(rosh.draft_of(rosh.draft_fields(d))) == rosh.draft_fields(d)


def test_a_field_changed_elsewhere_is_refused_and_nothing_of_the_save_kept(db: Database) -> None:
    aid = _draft(db, "E100001")
    rosh.save_summary(db, aid, rosh.SummaryDraft(texts={"who_at_risk": "Ex-partner", "nature": "N1"}), TODAY)
    shown = rosh.draft_fields(rosh.AssessmentDraft(summary=rosh.SummaryDraft(texts={"who_at_risk": "Ex-partner",
                                                                                     "nature": "N1"})))
    # Another laptop's text arrives (as a sync would write it).
    rosh.save_summary(db, aid, rosh.SummaryDraft(texts={"nature": "A's long text"}), TODAY)
    mine = {"summary.who_at_risk": "Ex-partner and her children", "summary.nature": "B's text"}
    with pytest.raises(rosh.EditedElsewhere) as refused:
        rosh.save_draft(db, aid, rosh.draft_of(mine), TODAY, before=rosh.draft_of({k: shown[k] for k in mine}))
    assert refused.value.now == {"summary.nature": "A's long text"}
    assert "Nature of the risk" in str(refused.value) or "nature" in str(refused.value).lower()
    texts = rosh.assessment_view(db, aid, TODAY).summary_texts
    assert texts == {"who_at_risk": "Ex-partner", "nature": "A's long text"}  # nothing of the refused call


def test_only_the_changed_field_is_sent_so_the_other_laptops_text_stays(db: Database) -> None:
    aid = _draft(db, "E100002")
    rosh.save_summary(db, aid, rosh.SummaryDraft(texts={"who_at_risk": "Ex-partner", "nature": "N1"}), TODAY)
    rosh.save_summary(db, aid, rosh.SummaryDraft(texts={"nature": "A's long text"}), TODAY)
    rosh.save_draft(db, aid, rosh.draft_of({"summary.who_at_risk": "Ex-partner and her children"}), TODAY,
                    before=rosh.draft_of({"summary.who_at_risk": "Ex-partner"}))
    texts = rosh.assessment_view(db, aid, TODAY).summary_texts
    assert texts == {"who_at_risk": "Ex-partner and her children", "nature": "A's long text"}


def test_the_same_change_on_both_sides_is_no_clash(db: Database) -> None:
    aid = _draft(db, "E100003")
    rosh.save_analysis(db, aid, "current", "what", "Old", TODAY)
    rosh.save_analysis(db, aid, "current", "what", "New", TODAY)
    rosh.save_draft(db, aid, rosh.draft_of({"analysis.current.what": "New"}), TODAY,
                    before=rosh.draft_of({"analysis.current.what": "Old"}))
    levels_before = rosh.draft_of({"community.public": None})
    rosh.save_summary(db, aid, rosh.SummaryDraft(community={"public": "M"}), TODAY)
    with pytest.raises(rosh.EditedElsewhere) as refused:
        rosh.save_draft(db, aid, rosh.draft_of({"community.public": "H"}), TODAY, before=levels_before)
    assert "Levels in the community" in str(refused.value)
    assert rosh.assessment_view(db, aid, TODAY).community["public"] == "M"
