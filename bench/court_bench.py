"""Court work: render a full standard delivery report to PDF (goal under 0.3 s, the issue's own target),
and open it in the editor's terms (load_report) without a visible pause.

The report is the demo caseload's full SDR (every section written, ready for countersign), read from a
real SQLCipher file. Baselines in the same run: the warning letter PDF (one page, same house style) and
the pure reportlab build of the same report without the database read. A worst case doubles every free
text field ten times over (a long SDR of several pages).
"""

from __future__ import annotations

import shutil
import tempfile
from dataclasses import replace
from pathlib import Path

from bench.common import BENCH_PASSPHRASE, BENCH_TODAY, Context, Result, fmt_s, goal_line, measure_interleaved, say
from lpt_desktop.reports.court_report import build_report_pdf
from lpt_desktop.reports.warning_letter import warning_letter_pdf
from lpt_desktop.services import court
from lpt_desktop.services.demo import DemoSpec, create_demo
from lpt_desktop.store.keyfile import KdfParams

GOAL_RENDER_S = 0.3
GOAL_OPEN_S = 0.1  # "without a visible pause"
LETTER = dict(name="Jordan O'Neill", crn="L123456", address_lines=["14 Ribble Way", "Preston", "PR2 8AB"],
              order_label="Community order", court="Preston Magistrates' Court", sentence_date=BENCH_TODAY,
              failure_on=BENCH_TODAY, failure_description="failed to attend", letter="first", officer="Alex Morgan",
              office="Preston Central", decided_on=BENCH_TODAY)


def _long(draft: court.ReportDraft) -> court.ReportDraft:
    """The same report with every free-text field ten times as long."""
    sections = {sid: {k: ("\n".join([v] * 10) if isinstance(v, str) and len(v) > 40 else v) for k, v in f.items()}
                for sid, f in draft.sections.items()}
    return replace(draft, sections=sections)


def bench_court_report(ctx: Context) -> None:
    name = "court-report"
    tmp = Path(tempfile.mkdtemp(prefix="lpt-bench-court-"))
    try:
        db = create_demo(tmp / "court.lptdb", BENCH_PASSPHRASE,
                         DemoSpec(cases=60, contacts_per_case=10 if ctx.quick else 20, seed=1, today=BENCH_TODAY),
                         kdf=KdfParams.fast())
        try:
            full = next(v for v in court.list_requests(db, BENCH_TODAY) if v.status == "ready" and v.report_id)
            rid = full.report_id
            draft = court.load_report(db, rid)
            long = _long(draft)
            sizes = {k: len(build_report_pdf(d)) for k, d in (("full", draft), ("long", long))}
            words = sum(len(str(v).split()) for f in draft.sections.values() for v in f.values())
            say(f"  full SDR: {words} words, {sizes['full']:,} bytes; long SDR {sizes['long']:,} bytes")
            t = measure_interleaved({
                "render": lambda: court.render_pdf(db, rid),
                "render_password": lambda: court.render_pdf(db, rid, password="bench"),
                "build_only": lambda: build_report_pdf(draft),
                "long": lambda: build_report_pdf(long),
                "letter": lambda: warning_letter_pdf(**LETTER),
                "open": lambda: court.load_report(db, rid),
            }, ctx.runs)
        finally:
            db.close()
    finally:
        shutil.rmtree(tmp, ignore_errors=True)

    for key, what in (("render", "full SDR render_pdf (read + build)"),
                      ("render_password", "full SDR render_pdf, password-protected"),
                      ("long", "long SDR build (10x text)")):
        med = t[key].median
        met = med < GOAL_RENDER_S
        goal_line(what, f"< {GOAL_RENDER_S * 1000:.0f} ms", met, f"{fmt_s(med)} ({t[key].spread()})")
        ctx.add(Result(name, what, med, baseline="warning letter", ratio=med / t["letter"].median,
                       goal=f"< {GOAL_RENDER_S * 1000:.0f} ms", met=met))
    say(f"  baselines: warning letter {fmt_s(t['letter'].median)}; same report without the read "
        f"{fmt_s(t['build_only'].median)}")
    ctx.add(Result(name, "warning letter (baseline)", t["letter"].median))
    ctx.add(Result(name, "full SDR build only (baseline)", t["build_only"].median))
    med = t["open"].median
    met = med < GOAL_OPEN_S
    goal_line("open the full SDR (load_report)", f"< {GOAL_OPEN_S * 1000:.0f} ms", met,
              f"{fmt_s(med)} ({t['open'].spread()})")
    ctx.add(Result(name, "open full SDR (load_report)", med, goal=f"< {GOAL_OPEN_S * 1000:.0f} ms", met=met))
