"""`lpt contacts add|list` and `lpt enforcement due`, run as real processes with the passphrase in the environment.

The caseload is made in-process (fast KDF) with a community order running 2021-2023, so every contact date used
here is in the past whatever the real date is (the CLI records with the real clock).
"""

from __future__ import annotations

import json
import subprocess
from datetime import date, datetime
from pathlib import Path

import pytest

from lpt_desktop.domain.contacts import ContactInput
from lpt_desktop.services.cases import add_person, add_sentence, person_id_for_crn
from lpt_desktop.services.contacts import amend_contact, list_contacts
from lpt_desktop.services.unlock import create_caseload, unlock
from lpt_desktop.store.keyfile import KdfParams
from tests.cli_process import run_lpt
from tests.conftest import PASSPHRASE

CRN = "C123456"
OTHER_CRN = "D654321"
OPEN_CRN = "E111222"  # an order with no end date


def lpt(*args: str, env: dict[str, str], cwd: Path, timeout: float = 120) -> subprocess.CompletedProcess:
    return run_lpt(args, env=env, cwd=cwd, timeout=timeout)  # a real process, forked with the imports done


def one_line_error(result: subprocess.CompletedProcess, *needles: str) -> str:
    assert result.returncode != 0, result.stdout
    assert "Traceback" not in result.stderr
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    for needle in needles:
        assert needle in lines[0], lines[0]
    assert result.stdout == ""
    return lines[0]


@pytest.fixture
def caseload(tmp_path) -> Path:
    path = tmp_path / "cli-contacts.lptdb"
    db = create_caseload(path, PASSPHRASE, "Alex Morgan", "LPT0042", kdf=KdfParams.fast())
    try:
        for crn, first, last, end in ((CRN, "Jordan", "Ashworth", date(2023, 12, 31)),
                                      (OTHER_CRN, "Casey", "Blake", date(2023, 12, 31)),
                                      (OPEN_CRN, "Robin", "Carter", None)):
            pid = add_person(db, crn=crn, first_name=first, last_name=last, date_of_birth=date(1990, 4, 2),
                             officer_id=db.officer_id, today=date(2021, 1, 1))
            add_sentence(db, pid, order_type="CO", start_date=date(2021, 1, 4), end_date=end)
    finally:
        db.close()
    return path


@pytest.fixture
def run(caseload, isolated_dirs, tmp_path):
    env = isolated_dirs.env(LPT_PASSPHRASE=PASSPHRASE)

    def _run(*args: str) -> subprocess.CompletedProcess:
        return lpt(*args, "--db", str(caseload), env=env, cwd=tmp_path)

    return _run


def add_json(run, *args: str) -> dict:
    result = run("contacts", "add", "--crn", CRN, *args, "--json")
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    return json.loads(result.stdout)


def listed(run, crn: str = CRN, *extra: str) -> list[dict]:
    result = run("contacts", "list", "--crn", crn, "--json", *extra)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


# -- contacts add ----------------------------------------------------------------------------------
def test_add_returns_the_contact_as_json(run):
    c = add_json(run, "--type", "coap", "--outcome", "attc", "--at", "2021-03-01T10:30",
                 "--location", "Preston office", "--notes", "Discussed job search; CV updated.")
    assert c["id"]
    assert (c["at"], c["type"], c["type_label"]) == ("2021-03-01T10:30", "COAP", "Office appointment")
    assert (c["outcome"], c["outcome_label"]) == ("ATTC", "Attended and complied")
    assert (c["location"], c["notes"]) == ("Preston office", "Discussed job search; CV updated.")
    assert (c["absence_reason"], c["evidence"], c["amends"], c["amended_by"]) == (None, None, None, None)
    assert (c["restricted"], c["enforcement"], c["open"]) == (False, [], [])
    assert c["author"] == "LPT0042 Alex Morgan"
    assert [x["id"] for x in listed(run)] == [c["id"]]


def test_add_a_failure_with_its_enforcement_decision(run):
    c = add_json(run, "--type", "COAP", "--outcome", "AFTA", "--at", "2021-03-03T10:00",
                 "--notes", "Did not attend; no phone call.", "--judgement", "unacceptable",
                 "--enforcement", "EA02", "--enforcement-reason", "No reason given.")
    assert c["outcome"] == "AFTA"
    [e] = c["enforcement"]
    assert (e["action"], e["label"]) == ("EA02", "First warning letter")
    assert date.fromisoformat(e["decided_on"])
    assert c["open"] == []


def test_add_an_acceptable_absence_with_its_reason(run):
    c = add_json(run, "--type", "COAP", "--outcome", "AA", "--absence-reason", "aame", "--at", "2021-03-03T10:00",
                 "--notes", "Fit note seen.")
    assert (c["outcome"], c["absence_reason"], c["open"]) == ("AA", "AAME", [])


def test_add_without_json_prints_one_line(run):
    result = run("contacts", "add", "--crn", CRN.lower(), "--type", "COPT", "--outcome", "ATTC",
                 "--at", "2021-03-01T10:30", "--notes", "Phone check-in.")
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [
        f"Recorded phone contact on 01/03/2021 10:30 for {CRN}: attended and complied"]


# -- bad input -------------------------------------------------------------------------------------
@pytest.mark.parametrize(("args", "needles"), [
    (["--type", "COAP", "--outcome", "AFTA", "--at", "2021-03-03T10:00"], ["Notes"]),
    (["--type", "COAP", "--outcome", "AFTA", "--at", "2021-03-03T10:00", "--notes", "   "], ["Notes"]),
    (["--type", "COAP", "--outcome", "ATTC", "--absence-reason", "AAME", "--at", "2021-03-03T10:00",
      "--notes", "Seen."], ["Absence reason"]),
    (["--type", "COAP", "--outcome", "ATTC", "--at", "2020-12-01T10:00", "--notes", "Seen."],
     ["Date and time", "04/01/2021"]),
    (["--type", "COAP", "--outcome", "ATTC", "--at", "2099-01-05T10:00", "--notes", "Seen."], ["Date and time"]),
    (["--type", "COAP", "--outcome", "ATTC", "--at", "2021-03-03T10:00", "--notes", "Seen.", "--enforcement",
      "EA02"], ["Enforcement action"]),
    (["--type", "COAP", "--outcome", "AFTA", "--at", "2021-03-03T10:00", "--notes", "Not seen.",
      "--judgement", "unacceptable", "--enforcement", "NFA"], ["Decision reason"]),
    (["--type", "XXXX", "--outcome", "ATTC", "--at", "2021-03-03T10:00"], ["Contact type", "XXXX"]),
    (["--type", "COAP", "--outcome", "NOPE", "--at", "2021-03-03T10:00"], ["Outcome", "NOPE"]),
    (["--type", "COAP", "--outcome", "ATTC", "--at", "yesterday"], ["--at", "yesterday"]),
    (["--type", "COAP", "--outcome", "ATTC", "--at", "03/03/2021 10:00"], ["--at"]),
])
def test_bad_input_is_one_line_naming_the_field_and_saves_nothing(run, args, needles):
    one_line_error(run("contacts", "add", "--crn", CRN, *args), *needles)
    assert listed(run) == []


def test_an_outcome_for_a_future_contact_is_refused(run):
    """The open-ended order of OPEN_CRN covers 2099, which is in the future whatever the real date (the CLI runs
    in its own process, on the real clock: the suite's frozen today does not reach it)."""
    result = run("contacts", "add", "--crn", OPEN_CRN, "--type", "COAP", "--outcome", "ATTC", "--at",
                 "2099-01-02T10:00", "--notes", "Seen.")
    one_line_error(result, "Outcome", "future")
    assert listed(run, OPEN_CRN) == []
    booked = run("contacts", "add", "--crn", OPEN_CRN, "--type", "COAP", "--at", "2099-01-02T10:00", "--json")
    assert booked.returncode == 0, booked.stderr
    assert json.loads(booked.stdout)["outcome"] is None


def test_an_enforcement_action_that_does_not_fit_the_count(run):
    add_json(run, "--type", "COAP", "--outcome", "AFTA", "--at", "2021-03-03T10:00", "--notes", "Not seen.",
             "--judgement", "unacceptable", "--enforcement", "EA02", "--enforcement-reason", "No reason given.")
    line = one_line_error(run("contacts", "add", "--crn", CRN, "--type", "COAP", "--outcome", "AFTA",
                              "--at", "2021-04-07T10:00", "--notes", "Not seen again.", "--judgement", "unacceptable",
                              "--enforcement", "EA02", "--enforcement-reason", "No reason given."),
                          "Enforcement action")
    assert "breach" in line
    assert len(listed(run)) == 1
    c = add_json(run, "--type", "COAP", "--outcome", "AFTA", "--at", "2021-04-07T10:00", "--notes", "Not seen again.",
                 "--judgement", "unacceptable", "--enforcement", "IBR", "--enforcement-reason", "Second failure.")
    assert [e["action"] for e in c["enforcement"]] == ["IBR"]


def test_a_timezone_in_at_is_accepted_or_named(run):
    """An ISO time with an offset (as scripts often write) must not end in a generic error."""
    result = run("contacts", "add", "--crn", CRN, "--type", "COAP", "--outcome", "ATTC",
                 "--at", "2021-03-01T10:30+00:00", "--notes", "Seen.")
    if result.returncode != 0:
        line = one_line_error(result)
        assert "--at" in line or "Date and time" in line, line
    else:
        assert len(listed(run)) == 1


@pytest.mark.parametrize("command", [["contacts", "add", "--type", "COAP", "--outcome", "ATTC",
                                      "--at", "2021-03-01T10:30", "--notes", "Seen."],
                                     ["contacts", "list", "--json"]])
def test_unknown_crn_is_one_clear_line(run, command):
    line = one_line_error(run(*command[:2], "--crn", "Z999999", *command[2:]), "CRN", "Z999999",
                          "not on this caseload")
    assert line.startswith("lpt: ")


def test_wrong_passphrase_is_one_line(caseload, isolated_dirs, tmp_path):
    result = lpt("contacts", "list", "--db", str(caseload), "--crn", CRN, "--json",
                 env=isolated_dirs.env(LPT_PASSPHRASE="not the passphrase"), cwd=tmp_path)
    one_line_error(result, "Passphrase not accepted")


# -- contacts list ---------------------------------------------------------------------------------
def test_list_is_newest_first_and_per_case(run):
    ids = {}
    for at in ("2021-03-01T10:30", "2021-05-10T09:00", "2021-04-06T14:00"):
        ids[at] = add_json(run, "--type", "COAP", "--outcome", "ATTC", "--at", at, "--notes", f"Seen {at}.")["id"]
    other = run("contacts", "add", "--crn", OTHER_CRN, "--type", "COPT", "--outcome", "ATTC",
                "--at", "2021-06-01T10:00", "--notes", "Other case.")
    assert other.returncode == 0, other.stderr
    items = listed(run)
    assert [c["id"] for c in items] == [ids["2021-05-10T09:00"], ids["2021-04-06T14:00"], ids["2021-03-01T10:30"]]
    assert [c["at"] for c in items] == ["2021-05-10T09:00", "2021-04-06T14:00", "2021-03-01T10:30"]
    assert [c["notes"] for c in listed(run, OTHER_CRN)] == ["Other case."]


def test_list_of_a_case_with_no_contacts_is_an_empty_list(run):
    assert listed(run, OTHER_CRN) == []


def test_list_text_form(run):
    add_json(run, "--type", "COAP", "--outcome", "ATTC", "--at", "2021-03-01T10:30", "--notes", "Seen at office.")
    result = run("contacts", "list", "--crn", CRN)
    assert result.returncode == 0, result.stderr
    [line] = result.stdout.splitlines()
    assert line.startswith("01/03/2021 10:30  Office appointment")
    assert "Attended and complied" in line and "Seen at office." in line


def test_list_shows_amendments_only_with_history(run, caseload):
    original = add_json(run, "--type", "COAP", "--outcome", "ATTC", "--at", "2021-03-01T10:30", "--notes", "Sen.")
    db = unlock(caseload, PASSPHRASE)
    try:
        pid = person_id_for_crn(db, CRN)
        new = amend_contact(db, original["id"], ContactInput(type_code="COAP", starts_at=datetime(2021, 3, 1, 10, 30),
                                                             outcome="ATTC", notes="Seen."), "typo",
                            now=datetime(2021, 3, 1, 12, 0))
        assert [v.id for v in list_contacts(db, pid)] == [new]
    finally:
        db.close()
    current = listed(run)
    assert [(c["id"], c["amends"], c["notes"]) for c in current] == [(new, original["id"], "Seen.")]
    history = listed(run, CRN, "--history")
    assert {c["id"] for c in history} == {new, original["id"]}
    old = next(c for c in history if c["id"] == original["id"])
    assert (old["amended_by"], old["notes"]) == (new, "Sen.")


# -- enforcement due -------------------------------------------------------------------------------
def due_json(run) -> list[dict]:
    result = run("enforcement", "due", "--json")
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_enforcement_due_lists_the_open_decision_with_its_due_date(run):
    assert due_json(run) == []
    # Wednesday 01/06/2022: 2 and 3 June 2022 were bank holidays, so the decision was due Tuesday 07/06/2022.
    c = add_json(run, "--type", "COAP", "--outcome", "AFTA", "--at", "2022-06-01T10:00", "--notes", "Not seen.")
    assert c["open"] == [{"what": "Enforcement decision", "due": "2022-06-07"}]
    [item] = due_json(run)
    assert item == {"crn": CRN, "name": "Ashworth, Jordan", "contact_id": c["id"], "failure_on": "2022-06-01",
                    "outcome": "Failed to attend", "what": "Enforcement decision", "due": "2022-06-07",
                    "overdue": True}  # 2022 is past whatever the real date
    text = run("enforcement", "due")
    assert text.returncode == 0, text.stderr
    assert text.stdout.splitlines() == [
        f"OVERDUE 07/06/2022  {CRN}  {'Ashworth, Jordan':<26} Enforcement decision (failure 01/06/2022)"]


def test_enforcement_due_breach_item_and_order_across_cases(run):
    add_json(run, "--type", "COAP", "--outcome", "AFTA", "--at", "2022-11-01T10:00", "--notes", "Not seen.",
             "--judgement", "unacceptable", "--enforcement", "EA02", "--enforcement-reason", "No reason given.")
    second = add_json(run, "--type", "COAP", "--outcome", "AFTA", "--at", "2022-12-23T10:00", "--notes", "Again.")
    other = run("contacts", "add", "--crn", OTHER_CRN, "--type", "COAP", "--outcome", "UAAB",
                "--at", "2022-12-28T10:00", "--notes", "Said he was busy.", "--json")
    assert other.returncode == 0, other.stderr
    other_id = json.loads(other.stdout)["id"]
    items = [(i["crn"], i["contact_id"], i["what"], i["due"]) for i in due_json(run)]
    assert items == [
        (CRN, second["id"], "Enforcement decision", "2022-12-29"),
        (OTHER_CRN, other_id, "Enforcement decision", "2022-12-30"),
        (CRN, second["id"], "Breach to be initiated", "2023-01-11"),
    ]


def test_warnings_are_printed_but_the_contact_is_saved(run):
    """Issue 15 item 19: an attended contact with no note, and the same type twice in a day, are warned of on
    stderr, not refused."""
    first = run("contacts", "add", "--crn", CRN, "--type", "COAP", "--outcome", "ATTC", "--at", "2021-03-03T10:00",
                "--json")
    assert first.returncode == 0 and json.loads(first.stdout)["outcome"] == "ATTC"
    assert first.stderr.splitlines() == [
        "Warning: Notes: are empty for an attended contact: a contact with no note says nothing to whoever reads "
        "the record next"]
    again = run("contacts", "add", "--crn", CRN, "--type", "COAP", "--outcome", "ATTC", "--at", "2021-03-03T15:00",
                "--notes", "Came back in the afternoon.", "--json")
    assert again.returncode == 0
    assert again.stderr.splitlines() == [
        "Warning: Date and time: there is already an office appointment on 03/03/2021 (at 10:00): check this is "
        "not the same contact twice"]
    assert len([c for c in listed(run) if c["at"].startswith("2021-03-03")]) == 2


def test_a_failure_to_attend_judged_acceptable_from_the_cli(run):
    c = add_json(run, "--type", "COAP", "--outcome", "AFTA", "--judgement", "acceptable", "--absence-reason", "AAME",
                 "--evidence", "received", "--at", "2021-03-03T10:00", "--notes", "In hospital; letter seen.")
    assert (c["outcome"], c["absence_reason"], c["evidence"]) == ("AA", "AAME", "received")
    line = one_line_error(run("contacts", "add", "--crn", CRN, "--type", "COAP", "--outcome", "AFTA", "--at",
                              "2021-04-07T10:00", "--notes", "Not seen.", "--enforcement", "EA02",
                              "--enforcement-reason", "No reason."), "Judgement")
    assert "acceptable or unacceptable" in line


# -- needs worked on (issue 20: the needs assessment's section codes) -------------------------------
def test_add_with_needs_worked_on_takes_the_needs_assessments_codes(run):
    c = add_json(run, "--type", "COAP", "--outcome", "ATTC", "--at", "2021-03-01T10:30", "--notes", "Seen.",
                 "--need", "thinking_behaviour", "--need", "Finance")
    assert c["needs"] == ["thinking_behaviour", "finance"]


def test_an_old_need_code_is_one_line_naming_the_field_and_the_valid_codes(run):
    line = one_line_error(run("contacts", "add", "--crn", CRN, "--type", "COAP", "--outcome", "ATTC", "--at",
                              "2021-03-01T10:30", "--notes", "Seen.", "--need", "thinking"),
                          "Needs worked on", "'thinking' is now 'thinking_behaviour'")
    for code in ("accommodation", "ete", "finance", "thinking_behaviour", "health"):
        assert code in line
    assert listed(run) == []
