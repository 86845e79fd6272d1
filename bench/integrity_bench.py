"""The cost of the whole-file check the window runs after the caseload is painted (issue 14, item 7).

On the cached Trust-scale caseload (bench/store_bench.py makes it): check_integrity (every page's HMAC, then
quick_check) beside two baselines measured in the same run: reading the file's bytes (the floor: the check must
read every page once) and load_caseload (what painting the caseload costs, which the check follows). The check
runs on the read pool, so it never blocks the window; the figure says how long a reader is busy with it.
"""

from __future__ import annotations

from bench.common import BENCH_PASSPHRASE, BENCH_TODAY, Context, Result, fmt_s, measure_interleaved, say
from bench.store_bench import QUICK, TRUST, ensure_database
from lpt_desktop.services.caseload import load_caseload
from lpt_desktop.store.database import Database
from lpt_desktop.store.integrity import check_integrity


def bench_integrity(ctx: Context) -> None:
    name = "integrity"
    spec = QUICK if ctx.quick else TRUST
    cached = ensure_database(spec)
    size = cached.path.stat().st_size
    db = Database.open(cached.path, BENCH_PASSPHRASE, migrate=False)

    def hmac_only() -> object:
        with db.engine.connect() as conn:
            return conn.exec_driver_sql("PRAGMA cipher_integrity_check").fetchall()

    try:
        report = check_integrity(db)
        if not report.whole:
            say(f"  WARNING: the cached database is damaged: {report.problems[:3]}")
        t = measure_interleaved({
            "read": lambda: cached.path.read_bytes(),
            "caseload": lambda: load_caseload(db, BENCH_TODAY),
            "hmac": hmac_only,
            "check": lambda: check_integrity(db),
        }, max(3, ctx.runs // 3))
    finally:
        db.close()
    say(f"  {spec.cases:,} cases, {report.pages:,} pages, {size / 2**20:.0f} MiB")
    for k, text in (("read", "read the file's bytes (floor)"), ("caseload", "load_caseload (the painted caseload)"),
                    ("hmac", "PRAGMA cipher_integrity_check alone"), ("check", "check_integrity (HMAC + quick_check)")):
        say(f"  {text + ':':<44} {fmt_s(t[k].median):>9}  ({t[k].spread()})")
    check = t["check"].median
    say(f"  the check reads {size / 2**20 / check:.0f} MiB/s; {check / t['caseload'].median:.1f}x the caseload "
        "query, on a reader thread after the paint (cancelled at lock)")
    ctx.add(Result(name, f"read the file's bytes, {spec.cases:,} cases", t["read"].median))
    ctx.add(Result(name, "load_caseload (paint)", t["caseload"].median, baseline="read the file's bytes",
                   ratio=t["caseload"].median / t["read"].median))
    ctx.add(Result(name, "cipher_integrity_check alone", t["hmac"].median, baseline="read the file's bytes",
                   ratio=t["hmac"].median / t["read"].median))
    ctx.add(Result(name, "check_integrity, background", check, baseline="load_caseload (paint)",
                   ratio=check / t["caseload"].median))
