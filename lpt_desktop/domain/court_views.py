"""The court views both services.court (which makes them) and reports.court_report (which prints them) use.

Plain values, below both: a PDF builder takes a ReportDraft without knowing the service that loads it.
services.court re-exports ReportDraft, so `from lpt_desktop.services.court import ReportDraft` still works.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any


@dataclass
class ReportDraft:
    id: str
    request_id: str
    report_type: str
    sections: dict[str, dict[str, Any]]
    prefilled: dict[str, set[str]]  # section -> field names still marked prefilled
    status: str
    signed_by: str | None
    signed_on: date | None
    countersigned_by: str | None
    countersigned_on: date | None = None
    person_id: str | None = None
    name: str = ""
    court: str = ""
    hearing_date: date | None = None
    due_by: date | None = None

    def is_prefilled(self, section: str, field_id: str) -> bool:
        return field_id in self.prefilled.get(section, set())
