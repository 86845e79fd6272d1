"""Run the date-sensitive suites on other days than the one every test is frozen at (part of `make test`).

The pure suites (standards, court deadlines, enforcement, the practice checks, the demo) run at each of five days
chosen for what they catch (the slowest three at the two of them that matter to them: SOME_DAYS); the calendar
and booking window tests at two of them. Each run is a separate pytest process with LPT_TEST_TODAY set
(tests/conftest.py travels to it) and TZ=Europe/London.

    python tests/date_matrix.py            # every day
    python tests/date_matrix.py 2028-02-29 # one day
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor

DAYS = {
    "2026-08-28": "a Friday before a bank holiday Monday (31/08/2026)",
    "2026-12-23": "23 December: Christmas and Boxing Day (a Saturday: substitute Monday 28th) ahead",
    "2026-12-31": "31 December: the year turns and 1 January is a bank holiday",
    "2028-02-29": "a leap day",
    "2027-03-27": "the Saturday before the clocks go forward (28/03/2027)",
}
PURE = [
    "tests/standards",
    "tests/court/test_deadlines.py",
    "tests/court/test_service.py",
    "tests/test_enforcement_rules.py",
    "tests/test_calendar.py",
    "tests/practice",
    "tests/test_demo.py",
    "tests/test_demo_histories.py",
]
# The slowest suites (a third of a day's run) on the two days that test what they depend on, not all five: the
# engine's fast path against the full computation around a bank holiday and the clocks changing; the demo, built
# back from today, across the year's turn and a leap day. The main run covers them on the frozen day too.
SOME_DAYS = {
    "tests/standards/test_since_fast_path.py": ("2026-08-28", "2027-03-27"),
    "tests/test_demo.py": ("2026-12-31", "2028-02-29"),
    "tests/test_demo_histories.py": ("2026-12-31", "2028-02-29"),
}
GUI_DAYS = ("2026-12-23", "2027-03-27")
GUI = [
    "tests/gui/test_standards_gui.py::test_booking_from_a_due_window_warns_of_overlaps_before_saving",
    "tests/gui/test_standards_gui.py::test_a_single_appointment_booked_over_a_clash_needs_a_second_press",
    "tests/gui/test_standards_gui.py::test_calendar_shows_a_booking_made_outside_the_visible_week",
]


def _run_day(day: str) -> tuple[str, int, str, float]:
    suites = [s for s in PURE if day in SOME_DAYS.get(s, (day,))] + (GUI if day in GUI_DAYS else [])
    suites += [f"--ignore={s}" for s, days in SOME_DAYS.items() if day not in days and s not in PURE]
    env = dict(os.environ, LPT_TEST_TODAY=day, TZ="Europe/London", QT_QPA_PLATFORM="offscreen")
    started = time.monotonic()
    done = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-x", *suites],
                          env=env, capture_output=True, text=True)
    return day, done.returncode, done.stdout + done.stderr, time.monotonic() - started


def main(argv: list[str]) -> int:
    days = argv or list(DAYS)
    failed = []
    # Three days at a time on two cores: five days two at a time left the last one running alone on one core.
    with ThreadPoolExecutor(max_workers=3) as pool:
        for day, code, output, seconds in pool.map(_run_day, days):
            print(f"\n== {day}: {DAYS.get(day, 'a day given')} ==", flush=True)
            print(output.rstrip() if code else output.strip().splitlines()[-1], flush=True)
            print(f"== {day}: {'passed' if code == 0 else 'FAILED'} in {seconds:.0f} s ==", flush=True)
            if code != 0:
                failed.append(day)
    if failed:
        print(f"\nThe date-sensitive suites failed on: {', '.join(failed)}")
        return 1
    print(f"\nThe date-sensitive suites passed on every day: {', '.join(days)}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
