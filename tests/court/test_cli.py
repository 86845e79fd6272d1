"""`lpt report list` and `lpt report render` as real processes on the demo caseload."""

from __future__ import annotations

import json
import subprocess

from tests.cli_process import run_lpt
from tests.conftest import DEMO_TODAY, PASSPHRASE
from tests.pdftext import pdf_text


def lpt(*args: str, env: dict[str, str], cwd) -> subprocess.CompletedProcess:
    return run_lpt(args, env=env, cwd=cwd)  # a real process, forked with the imports done (tests/cli_process.py)


def test_list_and_render(demo_db, isolated_dirs, tmp_path):
    env = isolated_dirs.env(LPT_PASSPHRASE=PASSPHRASE)
    listed = lpt("report", "list", "--db", str(demo_db), "--json", "--as-of", DEMO_TODAY.isoformat(), env=env,
                 cwd=tmp_path)
    assert listed.returncode == 0, listed.stderr
    rows = json.loads(listed.stdout)
    assert len(rows) == 7
    assert [r["due_today"] for r in rows[:2]] == [True, True] and not any(r["due_today"] for r in rows[2:])
    assert {r["report_type"] for r in rows} == {"oral", "fdr", "sdr"}
    assert any(r["remanded"] for r in rows) and any(r["pre_sentence"] and r["crn"] is None for r in rows)
    assert [r["status"] for r in rows[-2:]] == ["sent", "sent"]
    dues = [r["due_by"] for r in rows[2:-2]]
    assert dues == sorted(dues)
    ready = next(r for r in rows if r["status"] == "ready")

    out = tmp_path / "sdr.pdf"
    rendered = lpt("report", "render", "--db", str(demo_db), "--report", ready["report_id"], "--out", str(out),
                   env=env, cwd=tmp_path)
    assert rendered.returncode == 0, rendered.stderr
    assert "outside the encrypted caseload" in rendered.stdout and "NOT password-protected" in rendered.stdout
    assert out.read_bytes().startswith(b"%PDF")
    text = pdf_text(out)
    assert "Pre-sentence report (standard delivery)" in text and ready["name"] in text

    # The request id works too, and --password encrypts with the password from the environment.
    locked = tmp_path / "locked.pdf"
    env_pw = isolated_dirs.env(LPT_PASSPHRASE=PASSPHRASE, LPT_PDF_PASSWORD="court-pw")
    rendered = lpt("report", "render", "--db", str(demo_db), "--report", ready["id"], "--out", str(locked),
                   "--password", env=env_pw, cwd=tmp_path)
    assert rendered.returncode == 0, rendered.stderr
    assert "protected by the password" in rendered.stdout
    assert b"/Encrypt" in locked.read_bytes()


def test_unknown_report_is_one_line_error(demo_db, isolated_dirs, tmp_path):
    env = isolated_dirs.env(LPT_PASSPHRASE=PASSPHRASE)
    result = lpt("report", "render", "--db", str(demo_db), "--report", "nope", "--out", str(tmp_path / "x.pdf"),
                 env=env, cwd=tmp_path)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr and "lpt report list" in result.stderr
    assert not (tmp_path / "x.pdf").exists()
