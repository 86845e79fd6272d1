"""`lpt workdays add`, `lpt standards obligations` and `lpt due`, through lpt_desktop.cli.main."""

from __future__ import annotations

import io
import json

import pytest

from lpt_desktop.cli import main
from tests.conftest import DEMO_TODAY, PASSPHRASE


@pytest.mark.parametrize(("day", "n", "expected"), [
    ("2012-06-01", 2, "2012-06-07"),  # jubilee 4-5 June
    ("2022-09-16", 1, "2022-09-20"),  # the Queen's funeral
    ("2023-05-05", 1, "2023-05-09"),  # the coronation
    ("2022-12-23", 1, "2022-12-28"),  # Christmas substitute days
    ("2024-03-28", 1, "2024-04-02"),  # Easter
    ("2024-03-02", 0, "2024-03-02"),  # day 0 is the event, whatever the day
])
def test_workdays_add(capsys, day, n, expected):
    assert main(["workdays", "add", day, str(n)]) == 0
    assert capsys.readouterr().out.strip() == expected


def test_workdays_add_bad_date(capsys):
    with pytest.raises(SystemExit):
        main(["workdays", "add", "01/06/2012", "2"])
    assert "not a date: use ISO form" in capsys.readouterr().err


CASE = {
    "sentence_type": "LIC", "release": "2022-09-16", "sentence_date": "2021-09-01", "tier": "B2", "rosh": "H",
    "registers": ["MAPP"], "offence_category": "violent", "custody_months": 24, "length_months": 12,
    "contacts": [
        {"id": "c1", "at": "2022-09-20T10:00", "type": "COAI", "outcome": "ATTC"},
        {"id": "c2", "at": "2022-10-04T14:00", "type": "COAP", "outcome": "UAAB"},
        {"id": "c3", "at": "2022-10-11T14:00", "type": "CHVS", "outcome": "ATTC"},
    ],
    "enforcement": [{"contact_id": "c2", "action": "EA02", "on": "2022-10-05"}],
}


def _obligations(monkeypatch, capsys, case, *args):
    monkeypatch.setattr("sys.stdin", io.StringIO(json.dumps(case)))
    code = main(["standards", "obligations", *args])
    out = capsys.readouterr()
    return code, out


@pytest.mark.parametrize("policy", ["ns-2003", "ns-2007", "current"])
def test_obligations_json(monkeypatch, capsys, policy):
    code, out = _obligations(monkeypatch, capsys, CASE, "--policy", policy, "--as-of", "2022-11-01", "--json")
    assert code == 0, out.err
    items = json.loads(out.out)
    assert items and all({"rule", "due_by", "status", "description", "source", "met_by"} <= set(i) for i in items)
    by_rule = {}
    for i in items:
        by_rule.setdefault(i["rule"], []).append(i)
    first = by_rule["first_contact"][0]
    # Released Friday 16/09/2022; Monday 19/09 was the funeral; seen Tuesday 20/09.
    assert (first["status"], first["met_by"], first["met_on"]) == ("met", "c1", "2022-09-20")
    assert by_rule["absence_action"][0] == {**by_rule["absence_action"][0], "status": "met", "due_by": "2022-10-06"}
    assert by_rule["victim_contact"][0]["status"] == "overdue"
    assert all(i["policy"] == policy for i in items)
    assert [i["due_by"] for i in items] == sorted(i["due_by"] for i in items)


def test_obligations_ns2003_first_appointment_within_one_working_day(monkeypatch, capsys):
    code, out = _obligations(monkeypatch, capsys, CASE, "--policy", "ns-2003", "--as-of", "2022-11-01", "--json")
    first = next(i for i in json.loads(out.out) if i["rule"] == "first_contact")
    assert (first["due_by"], first["status"], first["met_on"]) == ("2022-09-20", "met", "2022-09-20")
    home = next(i for i in json.loads(out.out) if i["rule"] == "home_visit")
    assert (home["due_by"], home["status"], home["met_by"]) == ("2022-09-26", "met", "c3")


def test_obligations_text(monkeypatch, capsys):
    code, out = _obligations(monkeypatch, capsys, CASE, "--policy", "current", "--as-of", "2022-11-01")
    assert code == 0
    assert out.out.startswith("Current practice as of 01/11/2022")
    assert "MET" in out.out and "First contact" not in out.out.split("\n")[0]


@pytest.mark.parametrize(("case", "message"), [
    ({**CASE, "sentence_type": "CRO"}, "sentence_type: 'CRO' is not a sentence type"),
    ({k: v for k, v in CASE.items() if k != "release"}, "start: is missing"),
    ({**CASE, "contacts": [{"at": "tuesday", "type": "COAP"}]}, "contacts[0].at"),
    ({**CASE, "contacts": [{"at": "2022-10-01T10:00", "type": "XXXX"}]}, "contacts[0].type"),
    ({**CASE, "rosh": "extreme"}, "rosh: 'extreme' is not a RoSH level"),
    ({**CASE, "overrides": {"ns_contacts": 0}}, "overrides.ns_contacts"),
])
def test_obligations_bad_input_names_the_field(monkeypatch, capsys, case, message):
    code, out = _obligations(monkeypatch, capsys, case, "--json")
    assert code == 2
    assert message in out.err
    assert "Traceback" not in out.err and out.out == ""


def test_obligations_not_json_and_unknown_policy(monkeypatch, capsys):
    monkeypatch.setattr("sys.stdin", io.StringIO("{not json"))
    assert main(["standards", "obligations", "--json"]) == 2
    assert "is not JSON" in capsys.readouterr().err
    code, out = _obligations(monkeypatch, capsys, CASE, "--policy", "ns-1999")
    assert code == 2 and "no standards policy named 'ns-1999'" in out.err


def test_due_lists_due_and_overdue_for_the_caseload(demo_db, monkeypatch, capsys):
    monkeypatch.setenv("LPT_PASSPHRASE", PASSPHRASE)
    assert main(["due", "--db", str(demo_db), "--as-of", DEMO_TODAY.isoformat(), "--json"]) == 0
    items = json.loads(capsys.readouterr().out)
    assert items
    assert {i["status"] for i in items} <= {"due", "overdue"}
    assert {"due", "overdue"} <= {i["status"] for i in items}
    assert all({"crn", "name", "rule", "due_by", "status"} <= set(i) for i in items)
    assert [i["due_by"] for i in items] == sorted(i["due_by"] for i in items)
    assert main(["due", "--db", str(demo_db), "--as-of", DEMO_TODAY.isoformat(), "--upcoming"]) == 0
    text = capsys.readouterr().out
    assert text.startswith("Policy in force: current") and "UPCOMING" in text
