"""The practice audit at Trust scale (issue 21): every case checked against the inspection's criteria, and the
team manager's view for a 10-officer team.

The database is store_bench's cached Trust-scale caseload (7,500 cases, about a million contacts). Goals from the
issue: the whole caseload audited under 5 s (services/practice.audit: the bulk reads, the standards engine and the
checks; split into the facts and the checks so a goal not met says where the time goes); the team view under 1 s
for a 10-officer team (the 750-case caseload as a manager's laptop holds the team's cases, shared between ten
officers: this period and the previous month's audits, then the figures per check and officer).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import replace

from bench.common import BENCH_PASSPHRASE, BENCH_TODAY, Context, Result, fmt_s, goal_line, measure, say
from bench.store_bench import QUICK, TRUST, ensure_database
from lpt_desktop.domain.dates import add_months
from lpt_desktop.practice.score import audit_case
from lpt_desktop.practice.team import team_audit
from lpt_desktop.services.obligations import set_frequency_override
from lpt_desktop.services.practice import audit, cached_audit, load_case_facts, settings_for
from lpt_desktop.store.database import Database

ALL_GOAL_S = 5.0
TEAM_GOAL_S = 1.0
TEAM_OFFICERS = 10


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
        t_facts = measure(lambda: load_case_facts(db, BENCH_TODAY, settings=settings), runs)
        t_checks = measure(lambda: [audit_case(f, settings) for f in facts], runs)
        t_all = measure(lambda: audit(db, BENCH_TODAY), runs)
        say(f"  facts (bulk reads and the standards engine):      {fmt_s(t_facts.median):>9}  ({t_facts.spread()})")
        say(f"  checks and scores, every case:                     {fmt_s(t_checks.median):>9}  ({t_checks.spread()})")
        say(f"  audit end to end:                                  {fmt_s(t_all.median):>9}  ({t_all.spread()})")
        met_all = t_all.median < ALL_GOAL_S
        goal_line(f"audit of all {len(facts):,} cases", f"< {ALL_GOAL_S:.0f} s", met_all,
                  f"{fmt_s(t_all.median)} = facts {fmt_s(t_facts.median)} + checks {fmt_s(t_checks.median)}")
    finally:
        db.close()

    # A 10-officer team: a manager's laptop holds the team's cases only, so the team is store_bench's smaller
    # caseload (750 cases), shared round-robin between ten officers; this period and a month before.
    team_db = Database.open(ensure_database(QUICK).path, BENCH_PASSPHRASE, migrate=False)
    try:
        ids = [f.person_id for f in load_case_facts(team_db, BENCH_TODAY)]
        officer = {pid: f"Officer {n % TEAM_OFFICERS + 1}" for n, pid in enumerate(ids)}
        before = add_months(BENCH_TODAY, -1)

        def team() -> None:
            now = [replace(a, officer=officer[a.person_id]) for a in audit(team_db, BENCH_TODAY)]
            then = [replace(a, officer=officer[a.person_id]) for a in audit(team_db, before)]
            team_audit(now, then)

        t_team = measure(team, ctx.runs)
        say(f"  team view, {TEAM_OFFICERS} officers, {len(ids)} cases (two periods, cold): {fmt_s(t_team.median):>9}"
            f"  ({t_team.spread()})")

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
    ctx.add(Result(name, f"team view, {TEAM_OFFICERS} officers, cold", t_team.median))
    ctx.add(Result(name, f"team view, {TEAM_OFFICERS} officers, reload", per_reload, goal=f"< {TEAM_GOAL_S:.0f} s",
                   met=met_team))
