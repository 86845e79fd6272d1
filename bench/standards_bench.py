"""National Standards obligations at Trust scale: every case's obligations, and one case's.

The database is store_bench's cached Trust-scale caseload (7,500 cases, about a million contacts).
Goals from the issue: all cases under 2 s; one case under 5 ms. "All cases" is caseload_due (read the
facts in bulk, run the engine for every case, keep what is due); the time is split into the bulk read
and the pure engine so a goal not met says where the time goes. The caseload reads only what the
engine looks at from "as of" on (recent contacts, failures, the first contact meeting each one-off rule:
services/obligations._recent_facts); the full read of every contact is shown beside it. "One case" is
case_obligations (the case screen: its queries and the engine), beside the engine alone on facts in memory.
"""

from __future__ import annotations

import random

from bench.common import BENCH_PASSPHRASE, BENCH_TODAY, Context, Result, fmt_s, goal_line, measure, say
from bench.store_bench import QUICK, TRUST, ensure_database
from lpt_desktop.services.appointments import working_calendar
from lpt_desktop.services.caseload import load_caseload
from lpt_desktop.services.obligations import (
    all_obligations,
    case_obligations,
    caseload_due,
    load_facts,
    set_frequency_override,
)
from lpt_desktop.standards.obligations import obligations
from lpt_desktop.standards.policy import load_policy, policy_names
from lpt_desktop.store.database import Database

ALL_GOAL_S = 2.0
ONE_GOAL_S = 0.005


def bench_standards(ctx: Context) -> None:
    name = "standards"
    spec = QUICK if ctx.quick else TRUST
    cached = ensure_database(spec)
    runs = min(ctx.runs, 3)  # each "all cases" run takes seconds
    db = Database.open(cached.path, BENCH_PASSPHRASE, migrate=False)
    try:
        with db.read() as s:
            indexed = s.connection().exec_driver_sql(
                "SELECT 1 FROM sqlite_master WHERE type = 'index' AND name = 'ix_contact_standards'").first()
            facts, _who = load_facts(s, BENCH_TODAY)
            calendar = working_calendar(s)  # the office closures: the engine is given them explicitly
        contacts = sum(len(f.contacts) for f in facts.values())
        say(f"  database: {len(facts):,} cases, {contacts:,} recorded contacts under current sentences; "
            f"covering index ix_contact_standards {'present' if indexed else 'MISSING (made before it existed)'}")

        def read_all() -> None:
            with db.read() as s:
                load_facts(s, BENCH_TODAY)

        policy = load_policy("current")
        with db.read() as s:
            recent, _who = load_facts(s, BENCH_TODAY, since=BENCH_TODAY, policy=policy, calendar=calendar)
        n_recent = sum(len(f.contacts) for f in recent.values())

        def read_recent() -> None:
            with db.read() as s:
                load_facts(s, BENCH_TODAY, since=BENCH_TODAY, policy=policy, calendar=calendar)

        t_full_read = measure(read_all, runs)
        t_read = measure(read_recent, runs)
        say(f"  bulk read of every contact (full history):        {fmt_s(t_full_read.median):>9}  "
            f"({t_full_read.spread()})")
        say(f"  read of what 'what is due' needs ({n_recent:,} contacts): {fmt_s(t_read.median):>9}  "
            f"({t_read.spread()})")
        engine_times = {}
        for policy_name in policy_names():
            policy = load_policy(policy_name)
            with db.read() as s:  # what this policy's windows need
                needed, _who = load_facts(s, BENCH_TODAY, since=BENCH_TODAY, policy=policy, calendar=calendar)
            t = measure(lambda policy=policy, needed=needed: [
                obligations(policy, f, BENCH_TODAY, since=BENCH_TODAY, calendar=calendar) for f in needed.values()],
                runs)
            engine_times[policy_name] = t
            label = f"engine, every case, '{policy_name}' (what is due):"
            say(f"  {label:<50} {fmt_s(t.median):>9}  ({t.spread()})")
        policy = load_policy("current")
        del needed
        t_full = measure(lambda: [obligations(policy, f, BENCH_TODAY, calendar=calendar) for f in facts.values()], runs)
        say(f"  engine, every case, 'current', full history:       {fmt_s(t_full.median):>9}  ({t_full.spread()})")
        t_due = measure(lambda: caseload_due(db, BENCH_TODAY), runs)
        n_due = len(caseload_due(db, BENCH_TODAY))
        say(f"  caseload_due end to end ({n_due:,} items listed):     {fmt_s(t_due.median):>9}  ({t_due.spread()})")
        met_all = t_due.median < ALL_GOAL_S
        goal_line(f"all {len(facts):,} cases' obligations (caseload_due)", f"< {ALL_GOAL_S:.0f} s", met_all,
                  f"{fmt_s(t_due.median)} = read {fmt_s(t_read.median)} + engine "
                  f"{fmt_s(engine_times['current'].median)} + listing")

        # One case: the case screen's call, over a sample of cases; and the engine alone.
        sample = random.Random(1).sample(sorted(facts), min(50, len(facts)))
        t_one = measure(lambda: [case_obligations(db, pid, BENCH_TODAY) for pid in sample], ctx.runs)
        t_eng = measure(lambda: [obligations(policy, facts[pid], BENCH_TODAY, calendar=calendar) for pid in sample],
                        ctx.runs)
        per_case = t_one.median / len(sample)
        per_engine = t_eng.median / len(sample)
        say(f"  one case, case_obligations (queries + engine):     {fmt_s(per_case):>9}  "
            f"(median of {ctx.runs} runs over {len(sample)} cases)")
        say(f"  one case, engine alone:                            {fmt_s(per_engine):>9}")
        met_one = per_case < ONE_GOAL_S
        goal_line("one case's obligations (case_obligations)", f"< {ONE_GOAL_S * 1000:.0f} ms", met_one,
                  f"{per_case * 1000:.2f} ms (engine alone {per_engine * 1000:.2f} ms)")

        # The caseload's next-due column: computed after a write, then kept until the next write.
        load_caseload(db, BENCH_TODAY)
        t_warm = measure(lambda: load_caseload(db, BENCH_TODAY), ctx.runs)

        def after_a_write() -> None:
            with db.write() as s:  # a no-op write no audit row names: the whole column is recomputed
                s.connection().exec_driver_sql("UPDATE lpt_meta SET value = value WHERE key = 'standards_policy'")
            load_caseload(db, BENCH_TODAY)

        t_cold = measure(after_a_write, runs)

        def after_one_case_changes() -> None:  # two audited writes naming one case, each followed by a reload
            set_frequency_override(db, sample[0], "ns_contacts", 14)
            load_caseload(db, BENCH_TODAY)
            set_frequency_override(db, sample[0], "ns_contacts", None)
            load_caseload(db, BENCH_TODAY)

        t_one_changed = measure(after_one_case_changes, ctx.runs)
        per_change = t_one_changed.median / 2
        say(f"  load_caseload, next-due column kept:               {fmt_s(t_warm.median):>9}  ({t_warm.spread()})")
        say(f"  load_caseload after a write to one case (that case): {fmt_s(per_change):>7}  "
            f"(write and reload; median of {ctx.runs})")
        say(f"  load_caseload after a write the audit does not name: {fmt_s(t_cold.median):>7}  ({t_cold.spread()})")
        found, _ = all_obligations(db, BENCH_TODAY, since=BENCH_TODAY)
        say(f"  ({sum(map(len, found.values())):,} current obligations across the caseload)")
    finally:
        db.close()

    ctx.add(Result(name, f"bulk read, {len(facts):,} cases, every contact", t_full_read.median))
    full_name = f"bulk read, {len(facts):,} cases, every contact"
    ctx.add(Result(name, f"read for what is due, {n_recent:,} contacts", t_read.median, baseline=full_name,
                   ratio=t_read.median / t_full_read.median))
    for policy_name, t in engine_times.items():
        ctx.add(Result(name, f"engine, all cases, {policy_name}", t.median))
    ctx.add(Result(name, "engine, all cases, full history", t_full.median))
    ctx.add(Result(name, "caseload_due, all cases", t_due.median, goal=f"< {ALL_GOAL_S:.0f} s", met=met_all))
    ctx.add(Result(name, "case_obligations, one case", per_case, goal=f"< {ONE_GOAL_S * 1000:.0f} ms", met=met_one))
    ctx.add(Result(name, "engine, one case", per_engine))
    ctx.add(Result(name, "load_caseload, column kept", t_warm.median))
    ctx.add(Result(name, "write one case + load_caseload", per_change, baseline="load_caseload, column kept",
                   ratio=per_change / t_warm.median))
    ctx.add(Result(name, "load_caseload after unaudited write", t_cold.median, baseline="load_caseload, column kept",
                   ratio=t_cold.median / t_warm.median))
