"""A realistic synthetic caseload for demos and benchmarks (fictional people only).

Rates are plausible, not official: about 45% community orders, 20% SSOs, 30% licences and 5% PSS;
RoSH mostly low and medium; registers at the rates a generic caseload shows. Deterministic for a
given seed and `today`.

Each case has a contact history up to yesterday (see contacts._contacts): short notes with the risk of harm
and needs they address, absences with reasons and evidence, failures with the enforcement
decisions lpt_desktop.domain.enforcement asks for (a few recent ones still open), unpaid work
sessions paced on or behind track, and restricted victim liaison contacts on violent or sexual
licence cases; then one or two appointments still to come.

One module for each thing it generates: common (DemoSpec, limits, seeded helpers), people (the person,
address, sentence, requirements or licence conditions and registrations of a case), contacts (its
contact history and enforcement, with the note text from notes), record (other names, disabilities, personal
contacts, circumstances, sentence events and the timeline, with the reviews after its significant changes),
standards (plans and reviews done),
court (report requests and reports), holders (which cases the officer holds: a full-time load, the rest two
colleagues') and build (generate and create_demo: the bulk writes).
"""

from lpt_desktop.services.demo.build import create_demo, generate
from lpt_desktop.services.demo.common import DEMO_PASSPHRASE, MAX_CASES, MAX_CONTACTS, DemoSpec, check_spec

__all__ = ["DEMO_PASSPHRASE", "MAX_CASES", "MAX_CONTACTS", "DemoSpec", "check_spec", "create_demo", "generate"]
