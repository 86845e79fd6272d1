"""Counted words read as English: '1 record', '2 records', never 'record(s)' anywhere an officer reads."""

from __future__ import annotations

import io
import re
import tokenize
from pathlib import Path

from lpt_desktop.domain.words import plural

ROOT = Path(__file__).resolve().parents[1]
HEDGED = re.compile(r"[A-Za-z]\(s\)")


def test_plural():
    assert plural(1, "record") == "1 record"
    assert plural(0, "record") == "0 records"
    assert plural(2, "copy", "copies") == "2 copies"


def _strings(path: Path) -> list[str]:
    tokens = tokenize.generate_tokens(io.StringIO(path.read_text(encoding="utf-8")).readline)
    return [t.string for t in tokens if t.type == tokenize.STRING]


def test_no_hedged_plurals_in_what_the_app_says():
    found = []
    for path in sorted((ROOT / "lpt_desktop").rglob("*.py")) + sorted((ROOT / "ui").glob("*.py")):
        if path.name.endswith("_rc.py") or path.parent.name == "forms":
            continue
        found += [f"{path.relative_to(ROOT)}: {s}" for s in _strings(path) if HEDGED.search(s)
                  and "never" not in s]  # the rule itself, in words.py
    for path in sorted((ROOT / "ui").glob("*.ui")) + sorted((ROOT / "resources").rglob("*.json")):
        found += [f"{path.relative_to(ROOT)}: {m.group(0)}" for m in HEDGED.finditer(path.read_text(encoding="utf-8"))]
    assert found == []


def test_sync_is_not_promised_for_a_later_release():
    # The sync label's tooltip said sync "arrives in a later release" after sync had arrived.
    found = [s for p in (ROOT / "lpt_desktop" / "gui").glob("sync_*.py") for s in _strings(p)
             if "release" in s.lower()]
    assert found == []
