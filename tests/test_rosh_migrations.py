"""Migrations 0015 and 0016 move what a completed (now sealed) RoSH record held after completion into rows of
their own: a report writer's screening's confirmation into rosh_confirmation, a plan's sharing list into
risk_plan_sharing; the services read them once each (review of issue 18)."""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, select, text

from lpt_desktop.services import rosh, rosh_plan
from lpt_desktop.store.database import Database
from lpt_desktop.store.keyfile import KdfParams
from lpt_desktop.store.migrations import current_revision, head_revision
from lpt_desktop.store.rosh_models import RiskPlanSharing, RoshConfirmation
from tests.conftest import PASSPHRASE
from tests.test_migrations import STAMP, _insert_0001_case

TODAY = date(2026, 11, 23)


def test_confirmations_and_sharing_move_into_rows(tmp_path) -> None:
    path = tmp_path / "at14.lptdb"
    db = Database.create(path, PASSPHRASE, KdfParams.fast(), revision="0014")
    try:
        with db.engine.begin() as conn:
            _insert_0001_case(conn)
            conn.execute(text(
                "INSERT INTO rosh_assessment (id, created_at, updated_at, person_id, kind, status, started_on, "
                "completed_on, completed_by_name, by_report_writer, confirmation, confirmed_on, confirmed_by_name, "
                "answers, sources_checked, source_reasons, analysis, summary, carried, overall_level, "
                "warnings_acknowledged, countersign_status) VALUES ('ra-1', :s, :s, 'p-1', 'screening', 'complete', "
                "'2026-01-05', '2026-01-05', 'Court Officer', 1, 'confirmed', '2026-01-20', 'Alex Morgan', '{}', "
                "'[]', '{}', '{}', '{}', '{}', 'M', '[]', 'unsigned')"), {"s": STAMP})
            conn.execute(text(
                "INSERT INTO risk_plan (id, created_at, updated_at, person_id, assessment_id, status, started_on, "
                "completed_on, shared, countersign_status) VALUES ('rp-1', :s, :s, 'p-1', 'ra-1', 'complete', "
                "'2026-01-21', '2026-01-21', :shared, 'unsigned')"),
                {"s": STAMP, "shared": '[{"with": "police", "detail": "", "on": "2026-01-22"}]'})
    finally:
        db.close()
    db = Database.open(path, PASSPHRASE)
    try:
        assert current_revision(db.engine) == head_revision()
        with db.read() as s:
            conf = s.get(RoshConfirmation, "ra-1")
            assert conf is not None and (conf.action, conf.on_date, conf.by_name) == (
                "confirmed", date(2026, 1, 20), "Alex Morgan")
            assert s.scalar(select(func.count()).select_from(RiskPlanSharing)) == 1
        assert rosh.assessment_view(db, "ra-1", TODAY).confirmation == "confirmed"
        plan = rosh_plan.current_plan(db, "p-1")
        assert plan is not None and plan.shared == [{"with": "police", "detail": "", "on": "2026-01-22"}]
    finally:
        db.close()
