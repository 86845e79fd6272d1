"""Who a risk management plan was shared with becomes rows (risk_plan_sharing), one per sharing, so two laptops
adding different ones both keep theirs and a completed plan (sealed) is shared without being written (review of
issue 18). Existing entries of risk_plan.shared are copied over with ids the reads know (services/rosh_plan.
legacy_sharing_id); the column stays, unwritten.

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-07
"""

import json
import uuid
from datetime import datetime

import sqlalchemy as sa
from alembic import op

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "risk_plan_sharing",
        sa.Column("id", sa.String(36), primary_key=True), sa.Column("created_at", sa.DateTime, nullable=False),
        sa.Column("updated_at", sa.DateTime, nullable=False),
        sa.Column("plan_id", sa.String(36), sa.ForeignKey("risk_plan.id", ondelete="CASCADE"), nullable=False),
        sa.Column("person_id", sa.String(36), sa.ForeignKey("person.id", ondelete="CASCADE"), nullable=False),
        sa.Column("agency", sa.String(40), nullable=False), sa.Column("detail", sa.String(200)),
        sa.Column("on_date", sa.Date, nullable=False),
    )
    op.create_index("ix_risk_plan_sharing_plan_id", "risk_plan_sharing", ["plan_id"])
    op.create_index("ix_risk_plan_sharing_person_id", "risk_plan_sharing", ["person_id"])
    conn = op.get_bind()
    now = datetime.now()
    for plan_id, person_id, shared in conn.execute(sa.text("SELECT id, person_id, shared FROM risk_plan")).all():
        entries = json.loads(shared) if isinstance(shared, str) else (shared or [])
        for n, entry in enumerate(entries if isinstance(entries, list) else []):
            if not isinstance(entry, dict) or not entry.get("with") or not entry.get("on"):
                continue
            # The same id on every laptop, so two laptops migrating make one row each, not two.
            conn.execute(sa.text("INSERT INTO risk_plan_sharing (id, created_at, updated_at, plan_id, person_id, "
                                 "agency, detail, on_date) VALUES (:id, :now, :now, :plan, :person, :agency, :detail, "
                                 ":on)"),
                         {"id": str(uuid.uuid5(uuid.NAMESPACE_URL, f"risk_plan_sharing/{plan_id}/{n}")),
                          "now": now, "plan": plan_id, "person": person_id, "agency": str(entry["with"])[:40],
                          "detail": str(entry.get("detail") or "")[:200], "on": str(entry["on"])})
    # The list is left as it was: emptying it would write a completed (sealed) plan; reads skip copied entries.


def downgrade() -> None:
    op.drop_table("risk_plan_sharing")
