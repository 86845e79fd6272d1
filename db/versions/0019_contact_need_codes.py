"""Contact need codes are the needs assessment's section keys (issue 20: one vocabulary of needs). A contact's
"Needs worked on" and a contact draft's payload held 'thinking' where the needs assessment says
'thinking_behaviour'; every other code was already the same. Rows are rewritten in place (no sync mark: a copy
elsewhere with the old code is read through domain.contacts.need_code).

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-07
"""

import json
from typing import Any

import sqlalchemy as sa
from alembic import op

revision = "0019"
down_revision = "0018"
branch_labels = None
depends_on = None

# The old code and its section key, frozen here (a migration does not read today's app code).
NEW = {"thinking": "thinking_behaviour"}
OLD = {v: k for k, v in NEW.items()}


def _mapped(codes: Any, table: dict[str, str]) -> Any:
    if not isinstance(codes, list):
        return codes
    out: list[Any] = []
    for c in codes:
        c = table.get(c, c) if isinstance(c, str) else c
        if c not in out:
            out.append(c)
    return out


def _rewrite(table: dict[str, str]) -> None:
    conn = op.get_bind()
    # Only rows that may hold one of the codes (JSON text, so a LIKE finds them without reading every contact).
    like = " OR ".join(f"needs LIKE '%\"{old}\"%'" for old in table)
    for cid, raw in conn.execute(sa.text(f"SELECT id, needs FROM contact WHERE {like}")).all():
        needs = json.loads(raw) if isinstance(raw, str) else raw
        new = _mapped(needs, table)
        if new != needs:
            conn.execute(sa.text("UPDATE contact SET needs = :n WHERE id = :id"), {"n": json.dumps(new), "id": cid})
    like = " OR ".join(f"payload LIKE '%\"{old}\"%'" for old in table)
    for did, raw in conn.execute(sa.text(f"SELECT id, payload FROM contact_draft WHERE {like}")).all():
        payload = json.loads(raw) if isinstance(raw, str) else raw
        if not isinstance(payload, dict):
            continue
        new = _mapped(payload.get("needs"), table)
        if new != payload.get("needs"):
            conn.execute(sa.text("UPDATE contact_draft SET payload = :p WHERE id = :id"),
                         {"p": json.dumps({**payload, "needs": new}), "id": did})


def upgrade() -> None:
    _rewrite(NEW)


def downgrade() -> None:
    _rewrite(OLD)
