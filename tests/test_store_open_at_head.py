"""Opening a caseload already at the newest schema does not start Alembic (every migration script loaded, then
PRAGMA foreign_key_check over the whole file: seconds at Trust scale); an older one is still migrated."""

from __future__ import annotations

import pytest

from lpt_desktop.store import migrations
from lpt_desktop.store.database import Database, head_revision
from lpt_desktop.store.keyfile import KdfParams
from tests.conftest import PASSPHRASE


def _refuse(*_args: object, **_kwargs: object) -> None:
    raise AssertionError("Alembic was started for a file already at the newest schema")


def test_a_file_at_head_opens_without_alembic(tmp_path, monkeypatch):
    path = tmp_path / "caseload.lptdb"
    Database.create(path, PASSPHRASE, KdfParams.fast()).close()
    monkeypatch.setattr(migrations, "upgrade", _refuse)
    db = Database.open(path, PASSPHRASE)
    try:
        assert migrations.current_revision(db.engine) == head_revision() == migrations.head_revision()
    finally:
        db.close()


@pytest.mark.parametrize("revision", ["0001", "0019"])
def test_an_older_file_is_still_migrated(tmp_path, revision):
    path = tmp_path / "caseload.lptdb"
    Database.create(path, PASSPHRASE, KdfParams.fast(), revision=revision).close()
    db = Database.open(path, PASSPHRASE)
    try:
        assert migrations.current_revision(db.engine) == head_revision()
    finally:
        db.close()
