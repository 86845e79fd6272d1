"""With Qt's X libraries missing, `lpt-desktop` says why and which package to install, on the terminal.

A real missing library is simulated with LD_LIBRARY_PATH pointing at a broken stub of libxcb-cursor.so.0:
the dynamic loader then cannot load it, exactly as when the package is not installed."""

from __future__ import annotations

import ctypes
import os
import subprocess
import sys
from pathlib import Path

import pytest

from lpt_desktop.gui import platform_check

ROOT = Path(__file__).resolve().parents[2]


def _env(tmp_path: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("QT_QPA_PLATFORM", "WAYLAND_DISPLAY", "DISPLAY",
                                                             "LD_LIBRARY_PATH")}
    env.update(HOME=str(tmp_path / "home"), XDG_DATA_HOME=str(tmp_path / "data"),
               XDG_CONFIG_HOME=str(tmp_path / "config"), PYTHONPATH=str(ROOT), **extra)
    return env


def _broken_stub(tmp_path: Path) -> Path:
    stub = tmp_path / "stub"
    stub.mkdir()
    (stub / "libxcb-cursor.so.0").write_bytes(b"not a library" * 20)
    return stub


def _run(tmp_path: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "lpt_desktop.gui.app", "--db", str(tmp_path / "c.lptdb")],
                          env=env, capture_output=True, text=True, timeout=60, cwd=ROOT)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the xcb plugin is Linux's")
def test_a_missing_x_library_is_named_on_the_terminal_with_the_package_that_fixes_it(tmp_path):
    stub = _broken_stub(tmp_path)
    done = _run(tmp_path, _env(tmp_path, DISPLAY=":0", LD_LIBRARY_PATH=str(stub)))
    assert done.returncode == 1
    assert "cannot open its window" in done.stderr
    assert "libxcb-cursor.so.0" in done.stderr
    assert "sudo apt install libxcb-cursor0" in done.stderr
    assert not (tmp_path / "c.lptdb").exists()  # nothing was opened or made


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the xcb plugin is Linux's")
def test_no_display_is_said_on_the_terminal(tmp_path):
    done = _run(tmp_path, _env(tmp_path))
    assert done.returncode == 1
    assert "there is no display (DISPLAY is not set)" in done.stderr


def test_the_probe_reads_what_the_loader_says(tmp_path, monkeypatch):
    # Whatever this machine lacks (a fresh machine may have none of the X libraries), each library named is one
    # the dynamic loader itself cannot load, and the broken stub is named (ldd stops at a library that is there
    # but will not load, so the others may go unnamed then).
    if not platform_check._plugin_files():
        pytest.skip("no xcb plugin in this Qt")
    monkeypatch.delenv("LD_LIBRARY_PATH", raising=False)
    here = platform_check.missing_libraries()
    for name in here:
        with pytest.raises(OSError):
            ctypes.CDLL(name)
    monkeypatch.setenv("LD_LIBRARY_PATH", str(_broken_stub(tmp_path)))
    broken = platform_check.missing_libraries()
    assert "libxcb-cursor.so.0" in broken
    assert set(broken) <= {*here, "libxcb-cursor.so.0"}


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the xcb plugin is Linux's")
def test_no_display_and_missing_libraries_are_both_said(tmp_path):
    stub = _broken_stub(tmp_path)
    done = _run(tmp_path, _env(tmp_path, LD_LIBRARY_PATH=str(stub)))
    assert done.returncode == 1
    first, _, rest = done.stderr.partition("there is no display (DISPLAY is not set)")
    assert "libxcb-cursor.so.0" not in first and "sudo apt install" in rest and "libxcb-cursor0" in rest


def test_the_message_names_every_package_and_unknown_libraries():
    text = platform_check.problem_text(["libxkbcommon-x11.so.0", "libEGL.so.1", "libmystery.so.2"])
    assert "sudo apt install libegl1 libxkbcommon-x11-0" in text
    assert "libmystery.so.2" in text and "apt-file search libmystery.so.2" in text


def test_no_other_platform_without_a_wayland_session(monkeypatch):
    monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)
    assert platform_check.other_platform() is None


# Run in its own process: main() runs and quits a whole application, after which this test process's Qt
# delivered no more work from other threads (every later window test in the same worker timed out at unlock).
_DIALOG_PROBE = """
import sys
from PySide6.QtWidgets import QMessageBox
from lpt_desktop.gui import app

app.startup_problem = lambda: "LPT Desktop cannot open its window: libxcb-cursor.so.0"
app.other_platform = lambda: "offscreen"
app.setup_logging = lambda: None
QMessageBox.warning = lambda _parent, _title, text: print("SHOWN:" + text.replace(chr(10), " "), flush=True)
sys.exit(app.main(["--db", sys.argv[1]]))
"""


def test_where_another_platform_works_the_reason_is_also_shown_in_a_dialog(tmp_path):
    env = _env(tmp_path, QT_QPA_PLATFORM="offscreen", LPT_REPORT_READY="1")  # quit once the window is up
    done = subprocess.run([sys.executable, "-c", _DIALOG_PROBE, str(tmp_path / "c.lptdb")], env=env,
                          capture_output=True, text=True, timeout=60, cwd=ROOT)
    assert done.returncode == 0, done.stderr[-2000:]
    assert "libxcb-cursor.so.0" in done.stderr
    shown = [line for line in done.stdout.splitlines() if line.startswith("SHOWN:")]
    assert len(shown) == 1 and "libxcb-cursor.so.0" in shown[0] and "Wayland" in shown[0]
