"""`lpt tier`: JSON in on standard input, the tier and its working out; bad input a one-line message, exit 2."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from lpt_desktop.cli import main
from tests.conftest import IsolatedDirs

CASE = {"arp": {"score": 80}, "csrp": {"score": 3.2}, "rosh": "H", "registers": ["INLL"],
        "lifer_ipp_released": "2025-11-23", "sentences": [{"type": "CO", "requirements": ["UPW", "RAR"]}]}


def run(argv: list[str], stdin: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
        ) -> tuple[int, str, str]:
    monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
    code = main(["tier", *argv])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.parametrize(("argv", "tier"), [
    (["--as-of", "23/11/2026"], "B"),  # released exactly a year before: B (the table gives B too)
    (["--as-of", "2026-11-23"], "B"),
    (["--as-of", "24/11/2026"], "B"),  # a year and a day: D, but the table still gives B
    (["--scheme", "2026", "--as-of", "23/11/2026"], "B"),
    ([], "B"),  # today (the suite's frozen 23/11/2026) and the 2026 scheme by default
    (["--scheme", "ab03", "--as-of", "23/11/2026"], "B1"),
])
def test_json_output(argv: list[str], tier: str, monkeypatch: pytest.MonkeyPatch,
                     capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run([*argv, "--json"], json.dumps(CASE), monkeypatch, capsys)
    assert (code, err) == (0, "")
    result = json.loads(out)
    assert result["tier"] == tier
    assert result["provisional"] is False
    assert all(set(s) == {"step", "result", "why"} for s in result["working"])


@pytest.mark.parametrize(("as_of", "lifer"), [("23/11/2026", "B"), ("24/11/2026", "D"), ("2026-11-24", "D"),
                                              (None, "B")])  # None: today, the suite's frozen 23/11/2026
def test_as_of_is_used(as_of: str | None, lifer: str, monkeypatch: pytest.MonkeyPatch,
                       capsys: pytest.CaptureFixture[str]) -> None:
    argv = ["--json"] if as_of is None else ["--as-of", as_of, "--json"]
    _, out, _ = run(argv, json.dumps(CASE), monkeypatch, capsys)
    assert {s["step"]: s["result"] for s in json.loads(out)["working"]}["Lifer or IPP"] == lifer


def test_ab03_output_has_protect_and_change(monkeypatch: pytest.MonkeyPatch,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    _, out, _ = run(["--scheme", "ab03", "--json"], json.dumps({**CASE, "ogrs": 47}), monkeypatch, capsys)
    result = json.loads(out)
    assert result["scheme"] == "ab03"
    assert result["protect"] == {"level": "B", "points": 20}
    assert result["change"] == {"level": 1, "points": 4}


def test_words_output(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    case = {**CASE, "rosh": None, "arp": {"score": 5}, "csrp": {"score": 0.2}, "registers": []}
    code, out, _ = run(["--as-of", "23/11/2026"], json.dumps(case), monkeypatch, capsys)
    assert code == 0
    assert out.splitlines()[0] == "Tier G (provisional) under MoJ 2026 (A-G) on 23/11/2026"
    assert out.splitlines()[1].startswith("Provisional: No RoSH level")
    assert "  Reoffending table: G. CSRP 0.2% (row 0+) and ARP 5% (column 0+) give G" in out.splitlines()
    assert "  MAPPA and RoSH: no result. No MAPPA category; no RoSH level: no result" in out.splitlines()


@pytest.mark.parametrize(("stdin", "needle"), [
    (json.dumps({**CASE, "dc_srp": {"score": 0.5, "band": "M"}}), "dc_srp.score"),
    (json.dumps({**CASE, "sentences": [{"type": "CO", "requirements": ["NOPE"]}]}), "sentences[0].requirements[0]"),
    (json.dumps({**CASE, "colour": "red"}), "colour: unknown key"),
    (json.dumps([CASE]), "JSON object"),
    ("{not json", "not JSON"),
    ("", "not JSON"),
])
def test_bad_input_exits_2_naming_the_key(stdin: str, needle: str, monkeypatch: pytest.MonkeyPatch,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(["--json"], stdin, monkeypatch, capsys)
    assert code == 2
    assert out == ""
    assert len(err.splitlines()) == 1 and needle in err and "Traceback" not in err


@pytest.mark.parametrize("argv", [["--scheme", "ns-2007"], ["--as-of", "31/02/2026"]])
def test_bad_arguments_are_refused(argv: list[str], monkeypatch: pytest.MonkeyPatch,
                                   capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_:
        run(argv, json.dumps(CASE), monkeypatch, capsys)
    assert exit_.value.code == 2


def test_the_installed_command(isolated_dirs: IsolatedDirs, tmp_path: Path) -> None:
    """The one real process: the `lpt` entry point, and exit code 2 with one line for a bad input."""
    lpt = Path(sys.executable).parent / "lpt"
    bad: dict[str, Any] = {**CASE, "dc_srp": {"score": 0.4, "band": "M"}}
    result = subprocess.run([str(lpt), "tier", "--as-of", "23/11/2026", "--json"], input=json.dumps(bad),
                            capture_output=True, text=True, timeout=60, env=isolated_dirs.env(), cwd=tmp_path)
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr.splitlines() == [result.stderr.strip()]
    assert result.stderr.startswith("lpt: dc_srp.score: ")
