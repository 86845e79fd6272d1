"""Contact notes stored once (issue 22): contact_fts becomes an external-content FTS5 index.

Until now the note index kept its own copy of every note (the hidden contact_fts_content table: 224 MiB of the
1.2 GiB Trust-scale file) beside the contact table's. From here the index holds only its word lists; the text
it shows in a snippet is read from the contact row, through the view contact_fts_notes (the contacts that
have notes, keyed by the contact's rowid). Only contacts with notes are indexed, as before, so bm25 ranks
exactly as it did (its row count and average note length are unchanged).

The triggers keep the index in step with the contact table: an external-content index is told what to
remove, so the delete and update triggers hand it the old note ('delete' command). They remove only a row
the index holds (its contact_fts_docsize entry), so a contact added and changed while a bulk write has the
insert trigger dropped (services/demo/build, sync/apply: store/note_index) cannot unbalance it.

The index is keyed by the contact's rowid. contact has no INTEGER PRIMARY KEY, but VACUUM and sqlcipher_export
keep its rowids (it has an index, its primary key's): tests/test_note_index.py checks it. A later migration
that rebuilds the contact table (batch_alter_table copies rows without their rowids, and drops the triggers)
must recreate the triggers and end with `INSERT INTO contact_fts (contact_fts) VALUES ('rebuild')`; the view
over contact makes SQLite refuse the rebuild's rename until it is dropped, so that cannot be missed.

The file does not shrink on upgrade: the freed pages stay in the file (VACUUM cannot run inside the migration's
transaction) and are reused by later writes. A newly made Trust-scale file is the smaller size (bench/: the
note-search and caseload-query benchmarks print it).

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-07
"""

from alembic import op

revision = "0021"
down_revision = "0020"
branch_labels = None
depends_on = None

TRIGGERS = ("contact_fts_insert", "contact_fts_delete", "contact_fts_update")

# Frozen here (a migration does not read today's app code); store/note_index.py holds the same names.
INDEXED = "EXISTS (SELECT 1 FROM contact_fts_docsize WHERE id = old.rowid)"
UPGRADE = [
    "CREATE VIEW contact_fts_notes (contact_rowid, notes) AS SELECT rowid, notes FROM contact WHERE notes IS NOT NULL",
    "CREATE VIRTUAL TABLE contact_fts USING fts5(notes, content='contact_fts_notes', content_rowid='contact_rowid',"
    " tokenize='porter unicode61')",
    "INSERT INTO contact_fts (contact_fts) VALUES ('rebuild')",
    """CREATE TRIGGER contact_fts_insert AFTER INSERT ON contact WHEN new.notes IS NOT NULL BEGIN
         INSERT INTO contact_fts (rowid, notes) VALUES (new.rowid, new.notes);
       END""",
    f"""CREATE TRIGGER contact_fts_delete AFTER DELETE ON contact WHEN old.notes IS NOT NULL AND {INDEXED} BEGIN
         INSERT INTO contact_fts (contact_fts, rowid, notes) VALUES ('delete', old.rowid, old.notes);
       END""",
    f"""CREATE TRIGGER contact_fts_update AFTER UPDATE OF notes ON contact BEGIN
         INSERT INTO contact_fts (contact_fts, rowid, notes) SELECT 'delete', old.rowid, old.notes
           WHERE old.notes IS NOT NULL AND {INDEXED};
         INSERT INTO contact_fts (rowid, notes) SELECT new.rowid, new.notes WHERE new.notes IS NOT NULL;
       END""",
]

# Migration 0003's index, with its own copy of the text, for a downgrade.
DOWNGRADE = [
    "CREATE VIRTUAL TABLE contact_fts USING fts5(notes, contact_id UNINDEXED, tokenize='porter unicode61')",
    "INSERT INTO contact_fts (notes, contact_id) SELECT notes, id FROM contact WHERE notes IS NOT NULL ORDER BY rowid",
    """CREATE TRIGGER contact_fts_insert AFTER INSERT ON contact WHEN new.notes IS NOT NULL BEGIN
         INSERT INTO contact_fts (notes, contact_id) VALUES (new.notes, new.id);
       END""",
    """CREATE TRIGGER contact_fts_delete AFTER DELETE ON contact WHEN old.notes IS NOT NULL BEGIN
         DELETE FROM contact_fts WHERE contact_id = old.id;
       END""",
    """CREATE TRIGGER contact_fts_update AFTER UPDATE OF notes ON contact BEGIN
         DELETE FROM contact_fts WHERE contact_id = old.id;
         INSERT INTO contact_fts (notes, contact_id) SELECT new.notes, new.id WHERE new.notes IS NOT NULL;
       END""",
]


def _drop() -> None:
    for trigger in TRIGGERS:
        op.execute(f"DROP TRIGGER IF EXISTS {trigger}")
    op.execute("DROP TABLE IF EXISTS contact_fts")


def upgrade() -> None:
    _drop()
    for statement in UPGRADE:
        op.execute(statement)


def downgrade() -> None:
    _drop()
    op.execute("DROP VIEW IF EXISTS contact_fts_notes")
    for statement in DOWNGRADE:
        op.execute(statement)
