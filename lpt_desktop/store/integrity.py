"""Check every page of an open caseload, not only the first: damage beyond page 1 is otherwise found only when
(and if) a screen happens to read that page, and saves carry on around it as if nothing had happened.

Two passes on one read connection: `PRAGMA cipher_integrity_check` verifies each page's HMAC (a flipped byte,
a page from another file, a page cut short), then, if every page is sound, `PRAGMA quick_check` checks the
structure the pages make (a b-tree that points nowhere, a missing page). Both only read; a lock interrupts them
(Database.close interrupts every connection in use) and the report is simply never delivered.
"""

from __future__ import annotations

import logging
import re
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING

import sqlcipher3
from sqlalchemy.exc import DBAPIError

from lpt_desktop.domain.words import plural

if TYPE_CHECKING:
    from lpt_desktop.store.database import Database

log = logging.getLogger(__name__)

_PAGE = re.compile(r"page (\d+)", re.IGNORECASE)
MAX_PROBLEMS = 100  # quick_check's own default: enough to say what is wrong, never a flood


@dataclass(frozen=True)
class IntegrityReport:
    file_name: str
    pages: int  # pages in the file
    problems: tuple[str, ...]  # SQLCipher's and SQLite's own words, one a line (for the log and support)
    seconds: float

    @property
    def whole(self) -> bool:
        return not self.problems

    @property
    def bad_pages(self) -> tuple[int, ...]:
        return tuple(sorted({int(m.group(1)) for p in self.problems for m in _PAGE.finditer(p)}))

    def what_is_damaged(self) -> str:
        """One sentence naming the damage (no case data: page numbers only)."""
        pages = self.bad_pages
        if pages:
            shown = ", ".join(str(p) for p in pages[:10]) + (" and more" if len(pages) > 10 else "")
            noun = "page" if len(pages) == 1 else "pages"
            return f"{len(pages)} of its {self.pages:,} pages could not be read back as saved ({noun} {shown})"
        return "its internal structure is damaged (the index of what is where does not add up)"

    def officer_message(self) -> str:
        """What the officer is told: what is damaged, what it means, what to do."""
        return (f"Your caseload file ({self.file_name}) is damaged: {self.what_is_damaged()}. Some cases, contacts "
                "or notes may be missing or wrong on screen, and saving may fail. Do not delete the file. Ask the "
                "service desk to restore your caseload from the central store (sync) or from your latest backup; "
                "until then, check anything important against the central store before acting on it.")


def check_integrity(db: Database) -> IntegrityReport:
    """Read the whole file and say what is damaged (problems is empty when it is whole). Only reads."""
    started = time.perf_counter()
    problems: list[str] = []
    with db.engine.connect() as conn:
        pages = int(conn.exec_driver_sql("PRAGMA page_count").scalar() or 0)
        try:
            problems += [str(r[0]) for r in conn.exec_driver_sql("PRAGMA cipher_integrity_check").fetchall()]
            if not problems:
                rows = conn.exec_driver_sql(f"PRAGMA quick_check({MAX_PROBLEMS})").fetchall()
                problems += [str(r[0]) for r in rows if str(r[0]) != "ok"]
        except (DBAPIError, sqlcipher3.DatabaseError) as exc:
            orig = getattr(exc, "orig", None) or exc
            if "interrupt" in str(orig).lower():
                raise  # locked part way: not a finding
            problems.append(str(orig))
    report = IntegrityReport(db.path.name, pages, tuple(problems[:MAX_PROBLEMS]), time.perf_counter() - started)
    if problems:
        log.error("integrity check of %s: %s: %s", db.path.name, plural(len(problems), "problem"),
                  "; ".join(problems[:10]))
    else:
        log.info("integrity check of %s: whole (%d pages, %.2f s)", db.path.name, pages, report.seconds)
    return report
