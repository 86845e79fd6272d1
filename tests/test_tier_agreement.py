"""The `lpt tier` command and the case's suggested tier agree (issue 17, "Done when"): for every case of a demo
caseload, the case's inputs as `lpt tier` JSON (tiering.tier_inputs_json) given to the command give the same tier,
provisional flag and working as the case screen's suggested tier (tiering.tier_view), under both schemes."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from collections import Counter
from collections.abc import Iterator

import pytest
from sqlalchemy import select

from lpt_desktop import cli
from lpt_desktop.assessment.tier_json import result_to_json
from lpt_desktop.assessment.tier_types import SCHEMES
from lpt_desktop.services import tiering
from lpt_desktop.services.demo import DemoSpec, create_demo
from lpt_desktop.store.database import Database
from lpt_desktop.store.keyfile import KdfParams
from lpt_desktop.store.models import Person
from tests.conftest import DEMO_TODAY, PASSPHRASE, TEST_TODAY

TODAY = TEST_TODAY


@pytest.fixture(scope="module")
def demo(tmp_path_factory) -> Iterator[Database]:
    path = tmp_path_factory.mktemp("agreement") / "demo.lptdb"
    db = create_demo(path, PASSPHRASE, DemoSpec(cases=120, contacts_per_case=2, seed=17, today=DEMO_TODAY),
                     kdf=KdfParams.fast())
    yield db
    db.close()


def _people(db: Database) -> list[str]:
    with db.read() as s:
        return list(s.scalars(select(Person.id).order_by(Person.crn)))


def _lpt_tier(scheme: str, inputs: dict, monkeypatch, capsys) -> dict:
    monkeypatch.setattr(sys, "stdin", io.StringIO(json.dumps(inputs)))
    code = cli.main(["tier", "--scheme", scheme, "--as-of", TODAY.isoformat(), "--json"])
    out = capsys.readouterr()
    assert code == 0, out.err
    result: dict = json.loads(out.out)
    return result


@pytest.mark.parametrize("scheme", SCHEMES)
def test_the_command_and_the_case_agree_on_every_demo_case(demo, scheme, monkeypatch, capsys):
    tiering.set_tier_scheme(demo, scheme)
    try:
        tiers: Counter[str] = Counter()
        for pid in _people(demo):
            view = tiering.tier_view(demo, pid, today=TODAY)
            assert view.scheme == scheme
            from_cli = _lpt_tier(scheme, tiering.tier_inputs_json(demo, pid, today=TODAY), monkeypatch, capsys)
            assert from_cli == result_to_json(view.suggested), pid
            tiers[from_cli["tier"]] += 1
    finally:
        tiering.set_tier_scheme(demo, "2026")
    # The comparison means something only over a spread of tiers (not one tier for every case).
    assert len(tiers) >= 4, tiers


def test_one_case_through_a_real_lpt_process(demo, isolated_dirs, tmp_path):
    pid = next(p for p in _people(demo) if tiering.tier_view(demo, p, today=TODAY).suggested.working)
    inputs = json.dumps(tiering.tier_inputs_json(demo, pid, today=TODAY))
    done = subprocess.run([sys.executable, "-m", "lpt_desktop.cli", "tier", "--scheme", "2026", "--as-of",
                           TODAY.strftime("%d/%m/%Y"), "--json"], input=inputs, capture_output=True, text=True,
                          env=isolated_dirs.env(), cwd=tmp_path, timeout=120)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == result_to_json(tiering.tier_view(demo, pid, today=TODAY).suggested)
