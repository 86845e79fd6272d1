"""The contact note index (migration 0021): FTS5 over contact.notes with external content, each note stored once.

contact_fts holds only the word lists (and each note's length, contact_fts_docsize, for bm25); a snippet reads
the note from the contact row through the view contact_fts_notes (contacts with notes, keyed by rowid). The
index's rowid is the contact's rowid. Triggers on contact keep it in step a row at a time. A bulk writer
(services/demo/build, sync/apply) may drop the insert trigger for a batch, then index the batch's rows in one
statement with index_added().
"""

from __future__ import annotations

from sqlalchemy import Connection

INSERT_TRIGGER = "contact_fts_insert"

# Notes of contacts written after rowid ?1 that the index does not hold yet: a contact added and then changed in
# the same batch was indexed by the update trigger, and indexing it twice would corrupt the index.
_INDEX_ADDED = (
    "INSERT INTO contact_fts (rowid, notes) SELECT contact_rowid, notes FROM contact_fts_notes"
    " WHERE contact_rowid > ?1 AND contact_rowid NOT IN (SELECT id FROM contact_fts_docsize WHERE id > ?1)"
    " ORDER BY contact_rowid")


def last_contact_rowid(conn: Connection) -> int:
    """The highest contact rowid now: rows written after this call have higher ones."""
    return int(conn.exec_driver_sql("SELECT coalesce(max(rowid), 0) FROM contact").scalar_one())


def index_added(conn: Connection, last: int) -> None:
    """Index the notes of the contacts written since last_contact_rowid() returned `last`."""
    conn.exec_driver_sql(_INDEX_ADDED, (last,))


def indexed_notes(conn: Connection) -> int:
    """How many notes the index holds (count(*) on contact_fts itself counts the view's rows, not the index's)."""
    return int(conn.exec_driver_sql("SELECT count(*) FROM contact_fts_docsize").scalar_one())


def check(conn: Connection) -> None:
    """Raise (sqlite 'database disk image is malformed') unless the index holds exactly the contacts' notes."""
    conn.exec_driver_sql("INSERT INTO contact_fts (contact_fts, rank) VALUES ('integrity-check', 1)")
