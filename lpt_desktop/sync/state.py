"""The laptop's sync settings and cursor, kept in sync_state inside the encrypted database."""

from __future__ import annotations

from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.dialects.sqlite import insert

from lpt_desktop.store.sync_models import SyncState

# Keys in sync_state.
LAPTOP_ID = "laptop_id"  # present once enrolled; the outbox hook writes nothing before it exists
SERVER_URL = "server_url"
USERNAME = "username"
DISPLAY_NAME = "display_name"
ROLE = "role"
GRADE = "grade"  # po | pso | trainee, as the central store knows it (empty for other roles); countersigning reads it
REFRESH_TOKEN = "refresh_token"  # a secret: only ever here, inside the encrypted file
CURSOR = "cursor"
LAST_SYNCED_AT = "last_synced_at"
LAST_ERROR = "last_error"
# The last verification the server agreed with: at which cursor, over which local digests (a hash of them), when.
# A sync that sends and receives nothing, with the laptop's digests unchanged, needs no second request to know.
VERIFIED = "verified"


def read_all(conn: Any) -> dict[str, str]:
    return dict(conn.execute(select(SyncState.key, SyncState.value)).tuples().all())


def put(conn: Any, **values: str | int | None) -> None:
    for key, value in values.items():
        if value is None:
            conn.execute(delete(SyncState).where(SyncState.key == key))
            continue
        stmt = insert(SyncState).values(key=key, value=str(value))
        conn.execute(stmt.on_conflict_do_update(index_elements=["key"], set_={"value": stmt.excluded.value}))
