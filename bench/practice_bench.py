"""The practice audit at Trust scale (issue 21): every case checked against the inspection's criteria, and the
team manager's view for a 10-officer team.

The database is store_bench's cached Trust-scale caseload (7,500 cases, about a million contacts). Goals from the
issue: the whole caseload audited under 5 s (services/practice.audit: the bulk reads, the standards engine and the
checks; split into the facts and the checks so a goal not met says where the time goes); the team view under 1 s
for a 10-officer team (the 750-case caseload as a manager's laptop holds the team's cases, shared between ten
officers: this period and the previous month's audits, then the figures per check and officer).
"""

from __future__ import annotations

import gc
import resource
import sys
import time
import types
from collections import Counter
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

from bench.common import BENCH_PASSPHRASE, BENCH_TODAY, Context, Result, fmt_s, goal_line, measure, say
from bench.store_bench import QUICK, TRUST, ensure_database
from lpt_desktop.domain.dates import add_months
from lpt_desktop.practice.score import audit_case
from lpt_desktop.practice.team import team_audit
from lpt_desktop.services.appointments import working_calendar
from lpt_desktop.services.obligations import iter_facts, policy_in_force, set_frequency_override
from lpt_desktop.services.practice import (
    CACHED_DAYS,
    _load_case_facts,
    audit,
    audits_on,
    cached_audit,
    cached_audits,
    load_case_facts,
    month_ends,
    settings_for,
)
from lpt_desktop.standards import obligations as engine
from lpt_desktop.standards.policy import load_policy
from lpt_desktop.store.database import Database

ALL_GOAL_S = 5.0
TEAM_GOAL_S = 1.0
TEAM_OFFICERS = 10


def cpu_seconds(fn: Callable[[], object]) -> float:
    """The process's CPU time for one run (beside the wall-clock medians: on a shared, loaded machine the wall
    clock mostly measures the wait for a CPU, while CPU time stays close to a quiet machine's wall time)."""
    gc.collect()
    started = time.process_time()
    fn()
    return time.process_time() - started


def _paused_collector(fn: Callable[[], object]) -> Callable[[], object]:
    """Run as services/practice.audit runs its checks: with the cyclic collector paused."""
    def run() -> object:
        gc.disable()
        try:
            return fn()
        finally:
            gc.enable()
    return run


_NOT_DATA = (type, types.ModuleType, types.FunctionType, types.BuiltinFunctionType, types.MethodType,
             types.CodeType)


def deep_size(root: object) -> tuple[int, int]:
    """(bytes, objects) held by `root`: every object reachable from it counted once (shared results once), not
    following classes, modules or functions (a check's evaluate function would reach its whole module)."""
    seen: set[int] = set()
    stack = [root]
    total = 0
    while stack:
        obj = stack.pop()
        if id(obj) in seen or isinstance(obj, _NOT_DATA):
            continue
        seen.add(id(obj))
        total += sys.getsizeof(obj)
        stack.extend(gc.get_referents(obj))
    return total, len(seen)


def rss_bytes() -> int:
    """The process's resident memory now (Linux; 0 elsewhere)."""
    try:
        pages = int(Path("/proc/self/statm").read_text().split()[1])
    except (OSError, IndexError, ValueError):
        return 0
    return pages * resource.getpagesize()


def cache_memory(db: Database) -> None:
    """The memory of cached_audit's audits kept per database (CACHED_DAYS of them: today, a month earlier and the
    charts' month-ends), measured two ways: the objects the cache holds, and the resident memory it added."""
    from lpt_desktop.services import practice as practice_service

    days = sorted({*month_ends(BENCH_TODAY, CACHED_DAYS - 1), add_months(BENCH_TODAY, -1)})[-CACHED_DAYS:]
    practice_service._audit_cache.pop(db, None)
    gc.collect()
    before = rss_bytes()
    started = time.perf_counter()
    cached_audits(db, days)  # as the charts fill it: the days audited together
    took = time.perf_counter() - started
    gc.collect()
    grown = rss_bytes() - before
    held, objects = deep_size(practice_service._audit_cache.get(db))
    cases = sum(len(v[2]) for v in practice_service._audit_cache.get(db, {}).values())
    say(f"  cache of {len(days)} audits ({cases:,} case audits, filled in {fmt_s(took)}): "
        f"{held / 2**20:,.1f} MiB in {objects:,} objects held; resident memory grew {grown / 2**20:,.1f} MiB")


def bench_practice(ctx: Context) -> None:
    name = "practice"
    spec = QUICK if ctx.quick else TRUST
    cached = ensure_database(spec)
    runs = min(ctx.runs, 3)  # each whole-caseload run takes seconds
    db = Database.open(cached.path, BENCH_PASSPHRASE, migrate=False)
    try:
        settings = settings_for(BENCH_TODAY)
        facts = load_case_facts(db, BENCH_TODAY, settings=settings)
        audits = [audit_case(f, settings) for f in facts]
        unmet = Counter(min(len(a.unmet), 7) for a in audits)
        say(f"  database: {len(facts):,} cases; checks not met per case: "
            + ", ".join(f"{k}{'+' if k == 7 else ''}: {v:,}" for k, v in sorted(unmet.items())))
        # The split: the engine's facts (contacts and the sentence, as "what is due" reads them), the standards
        # engine over them, the practice's own bulk reads (the rest of the facts), then the checks.
        since = add_months(BENCH_TODAY, -settings.period_months)
        with db.read() as s:
            policy, calendar = load_policy(policy_in_force(db)), working_calendar(s)
            # Every contact under the sentence, as services/practice reads them (the summary needs them all).
            engine_facts = list(iter_facts(s, BENCH_TODAY, policy=policy, calendar=calendar))

        def read_engine_facts() -> None:
            with db.read() as s:
                list(iter_facts(s, BENCH_TODAY, policy=policy, calendar=calendar))

        def run_engine() -> None:
            for f in engine_facts:
                engine.obligations(policy, f, BENCH_TODAY, since=since, calendar=calendar)

        parts: dict[str, Callable[[], object]] = {
            "engine facts": _paused_collector(read_engine_facts),
            "engine": _paused_collector(run_engine),
            "facts": lambda: load_case_facts(db, BENCH_TODAY, settings=settings),
            "checks": _paused_collector(lambda: [audit_case(f, settings) for f in facts]),
            "audit": lambda: audit(db, BENCH_TODAY),
        }
        t = {k: measure(fn, runs) for k, fn in parts.items()}
        cpu = {k: cpu_seconds(fn) for k, fn in parts.items()}
        own_reads = max(0.0, t["facts"].median - t["engine facts"].median - t["engine"].median)
        own_cpu = max(0.0, cpu["facts"] - cpu["engine facts"] - cpu["engine"])
        rows = [("engine facts (contacts, sentences: one bulk read)", t["engine facts"].median, cpu["engine facts"]),
                ("standards engine, every case's obligations", t["engine"].median, cpu["engine"]),
                ("practice reads (RoSH, plans, needs, signings)", own_reads, own_cpu),
                ("facts in all (the three above)", t["facts"].median, cpu["facts"]),
                ("checks and scores, every case", t["checks"].median, cpu["checks"]),
                ("audit end to end", t["audit"].median, cpu["audit"])]
        for label, wall, used in rows:
            say(f"  {label + ':':<52} {fmt_s(wall):>9}  (CPU {fmt_s(used)})")
        t_facts, t_checks, t_all = t["facts"], t["checks"], t["audit"]
        met_all = t_all.median < ALL_GOAL_S
        goal_line(f"audit of all {len(facts):,} cases", f"< {ALL_GOAL_S:.0f} s", met_all,
                  f"{fmt_s(t_all.median)} (CPU {fmt_s(cpu['audit'])}) = engine facts {fmt_s(t['engine facts'].median)}"
                  f" + engine {fmt_s(t['engine'].median)} + practice reads {fmt_s(own_reads)}"
                  f" + checks {fmt_s(t_checks.median)}")
        cache_memory(db)
    finally:
        db.close()

    # A 10-officer team: a manager's laptop holds the team's cases only, so the team is store_bench's smaller
    # caseload (750 cases), shared round-robin between ten officers; this period and a month before.
    team_db = Database.open(ensure_database(QUICK).path, BENCH_PASSPHRASE, migrate=False)
    try:
        ids = [f.person_id for f in load_case_facts(team_db, BENCH_TODAY)]
        officer = {pid: f"Officer {n % TEAM_OFFICERS + 1}" for n, pid in enumerate(ids)}
        before = add_months(BENCH_TODAY, -1)

        def team() -> None:  # as services/practice.team_view opens it: both periods audited cold, read together
            both = audits_on(team_db, [BENCH_TODAY, before])
            now = [replace(a, officer=officer[a.person_id]) for a in both[BENCH_TODAY]]
            then = [replace(a, officer=officer[a.person_id]) for a in both[before]]
            team_audit(now, then)

        t_team = measure(team, ctx.runs)
        cpu_team = cpu_seconds(team)
        # The split: both days' facts (the practice's reads and the engine's facts once, its obligations a day
        # each), then both days' checks.
        both_settings = {day: settings_for(day) for day in (BENCH_TODAY, before)}
        both_facts = list(_load_case_facts(team_db, both_settings, None))
        t_team_facts = measure(_paused_collector(lambda: list(_load_case_facts(team_db, both_settings, None))), runs)
        t_team_checks = measure(_paused_collector(
            lambda: [audit_case(f, both_settings[d]) for by_day in both_facts for d, f in by_day.items()]), runs)
        say(f"  team view, {TEAM_OFFICERS} officers, {len(ids)} cases (two periods, cold): {fmt_s(t_team.median):>9}"
            f"  ({t_team.spread()}; CPU {fmt_s(cpu_team)})")
        met_cold = t_team.median < TEAM_GOAL_S
        goal_line(f"team view for a {TEAM_OFFICERS}-officer team (first open)", f"< {TEAM_GOAL_S:.0f} s", met_cold,
                  f"{fmt_s(t_team.median)} (CPU {fmt_s(cpu_team)}): this period's and the previous month's audits"
                  f" = facts {fmt_s(t_team_facts.median)} + checks {fmt_s(t_team_checks.median)}")

        def kept_team() -> None:  # as the window reloads it: the audits kept, the changed case audited again
            now = [replace(a, officer=officer[a.person_id]) for a in cached_audit(team_db, BENCH_TODAY)]
            then = [replace(a, officer=officer[a.person_id]) for a in cached_audit(team_db, before)]
            team_audit(now, then)

        kept_team()

        def after_one_case_changes() -> None:  # two audited writes naming one case, each followed by a reload
            set_frequency_override(team_db, ids[0], "ns_contacts", 14)
            kept_team()
            set_frequency_override(team_db, ids[0], "ns_contacts", None)
            kept_team()

        t_kept = measure(after_one_case_changes, ctx.runs)
        per_reload = t_kept.median / 2
        say(f"  team view reloaded after a write to one case:      {fmt_s(per_reload):>9}  (write and reload)")
        met_team = per_reload < TEAM_GOAL_S
        goal_line(f"team view for a {TEAM_OFFICERS}-officer team (reload)", f"< {TEAM_GOAL_S:.0f} s", met_team,
                  f"{fmt_s(per_reload)} after a write; {fmt_s(t_team.median)} cold (first open after unlock)")
    finally:
        team_db.close()
    ctx.add(Result(name, f"facts, {len(facts):,} cases", t_facts.median))
    ctx.add(Result(name, f"checks, {len(facts):,} cases", t_checks.median))
    ctx.add(Result(name, f"audit, {len(facts):,} cases", t_all.median, goal=f"< {ALL_GOAL_S:.0f} s", met=met_all))
    ctx.add(Result(name, f"team view, {TEAM_OFFICERS} officers, cold", t_team.median, goal=f"< {TEAM_GOAL_S:.0f} s",
                   met=met_cold))
    ctx.add(Result(name, f"team view, {TEAM_OFFICERS} officers, reload", per_reload, goal=f"< {TEAM_GOAL_S:.0f} s",
                   met=met_team))
