"""The text of a PDF, page by page, with pypdf (a PyPI package, so a fresh machine needs no poppler)."""

from __future__ import annotations

import io
import re
from pathlib import Path

from pypdf import PdfReader


def pdf_pages(pdf: bytes | Path, password: str | None = None) -> list[str]:
    """Each page's text with runs of spaces squeezed; raises if the PDF is encrypted and the password is wrong."""
    data = pdf.read_bytes() if isinstance(pdf, Path) else pdf
    reader = PdfReader(io.BytesIO(data))
    if reader.is_encrypted and not reader.decrypt(password or ""):
        raise PermissionError("the PDF did not open with that password")
    return [re.sub(r"[ \t]+", " ", page.extract_text() or "") for page in reader.pages]


def pdf_text(pdf: bytes | Path, password: str | None = None) -> str:
    return "\n".join(pdf_pages(pdf, password))
