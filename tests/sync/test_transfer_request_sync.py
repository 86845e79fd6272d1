"""A transfer out reaches the central store's administrator (issue 16): officer A's request arrives with the
laptop's normal push, `lpt-central transfer list` shows it, `transfer done` moves the case to officer B (B's
laptop pulls it with the request marked done, A's laptop lets it go as any moved case) and `transfer refuse`
leaves the case with A, whose laptop shows why. Only the administrator settles a request: a laptop that sends
one already marked done, or edits one it sent, is refused."""

from __future__ import annotations

from datetime import date, timedelta

from lpt_desktop.central import cli
from lpt_desktop.central.models import Allocation
from lpt_desktop.domain.dates import format_date
from lpt_desktop.services import case_record as cr
from lpt_desktop.services import sync as sync_service
from lpt_desktop.store.case_record_models import TransferRequest
from lpt_desktop.store.models import Person
from tests.sync.cases import edit, get, ids


def _case(db, unique: str, today: date) -> str:
    start = today - timedelta(days=90)
    return cr.create_case(db, cr.NewCase(f"T{int(unique, 16) % 1_000_000:06d}", "Dana", "Walsh", date(1990, 4, 1),
                                         cr.SentenceIn("CO", start, start + timedelta(days=365), requirements=(
                                             cr.RequirementIn("UPW", {"hours": 80}),))))


def _admin(capsys, central, *args: str) -> tuple[int, str, str]:
    """`lpt-central transfer ...` as the administrator runs it, on the server's own database."""
    capsys.readouterr()
    rc = cli.main(["transfer", args[0], "--db", central.db_url, *args[1:]])
    out, err = capsys.readouterr()
    return rc, out, err


def _block(out: str, pid: str) -> str:
    """The listing's four lines about one case's request (other tests' requests share the server)."""
    lines = out.splitlines()
    [start] = [i for i, line in enumerate(lines) if line.startswith(pid)]
    return "\n".join(lines[start:start + 4])


def test_a_transfer_out_reaches_the_administrator_who_moves_the_case(central, laptop_factory, unique, capsys):
    om_a = central.add_user(f"oma-{unique}", team=f"Preston-{unique}")
    om_b = central.add_user(f"omb-{unique}", team=f"Lancaster-{unique}")
    a, b = laptop_factory(om_a), laptop_factory(om_b)
    today = date.today()  # real clock, not time_machine: the server stamps with it (tests/conftest.py)
    pid = _case(a.db, unique, today)
    crn = get(a.db, Person, pid).crn
    cr.transfer_out(a.db, pid, today, f"Lancaster-{unique}", "Moved to Lancaster")
    [req] = ids(a.db, TransferRequest)
    result = a.sync()
    assert (result.rejected, result.waiting) == (0, 0)

    rc, out, _ = _admin(capsys, central, "list", "--status", "requested")
    assert rc == 0
    block = _block(out, pid)
    for words in (crn, "Dana Walsh", f"from {om_a} (held by {om_a}) to Lancaster-{unique}",
                  f"transfer date {format_date(today)}", "reason: Moved to Lancaster", "status: requested"):
        assert words in block, words
    assert b.sync().gained == [] and pid not in ids(b.db, Person)  # not B's until the administrator moves it

    rc, _, err = _admin(capsys, central, "done", "--person", pid, "--officer", f"nobody-{unique}")
    assert rc == 1 and "There is no user" in err and "Nothing has been changed" in err
    rc, out, _ = _admin(capsys, central, "done", "--person", pid, "--officer", om_b)
    assert rc == 0 and f"allocated to {om_b}" in out
    with central.db.read() as s:
        assert s.get(Allocation, pid).officer == om_b
    rc, out, _ = _admin(capsys, central, "list", "--status", "requested")
    assert pid not in out  # nothing left to do for this case
    rc, out, _ = _admin(capsys, central, "list", "--status", "done")
    assert f"status: done {format_date(today)}: moved to {om_b}" in _block(out, pid)
    rc, _, err = _admin(capsys, central, "done", "--person", pid, "--officer", om_b)
    assert rc == 1 and "no open transfer request" in err  # settled once

    result = b.sync()
    assert pid in result.gained and pid in ids(b.db, Person)
    [shown] = cr.case_details(b.db, pid).transfer_requests
    assert (shown.id, shown.status, shown.to_officer, shown.settled_on) == (req, "done", om_b, today)
    result = a.sync()
    assert result.evicted == 1 and pid not in ids(a.db, Person) and ids(a.db, TransferRequest) == set()


def test_a_refused_transfer_leaves_the_case_and_the_laptop_shows_why(central, laptop_factory, unique, capsys):
    om_a = central.add_user(f"oma-{unique}")
    a = laptop_factory(om_a)
    today = date.today()
    pid = _case(a.db, unique, today)
    rc, _, err = _admin(capsys, central, "refuse", "--person", pid, "--reason", "No")
    assert rc == 1 and "no open transfer request" in err  # nothing sent yet
    cr.transfer_out(a.db, pid, today, "Cumbria", "Moved to Carlisle")
    a.sync()
    rc, _, err = _admin(capsys, central, "refuse", "--person", pid, "--reason", "  ")
    assert rc == 1 and "Reason" in err
    rc, out, _ = _admin(capsys, central, "refuse", "--person", pid, "--reason", "Cumbria has not accepted it yet")
    assert rc == 0 and "refused" in out
    result = a.sync()
    assert result.evicted == 0 and pid in ids(a.db, Person)
    [shown] = cr.case_details(a.db, pid).transfer_requests
    assert (shown.status, shown.refusal, shown.settled_on) == ("refused", "Cumbria has not accepted it yet", today)
    with central.db.read() as s:
        assert s.get(Allocation, pid).officer == om_a


def test_only_the_administrator_settles_a_request(central, laptop_factory, unique):
    om_a = central.add_user(f"oma-{unique}")
    a = laptop_factory(om_a)
    today = date.today()
    pid = _case(a.db, unique, today)
    cr.transfer_out(a.db, pid, today, "Cumbria", "Moved to Carlisle")
    assert a.sync().rejected == 0
    [req] = ids(a.db, TransferRequest)
    edit(a.db, TransferRequest, req, status="done", to_officer=om_a)  # a laptop marking its own request done
    assert a.sync().rejected == 1
    with a.db.write() as s:  # or sending one already done
        s.add(TransferRequest(person_id=pid, requested_on=today, to_where="Cumbria", reason="Moved",
                              status="done", settled_on=today))
    assert a.sync().rejected == 1
    reasons = [r.reason for r in sync_service.list_rejections(a.db) if r.kind == "transfer_request"]
    assert len(reasons) == 2 and any("administrator settles" in r for r in reasons)
    with central.db.read() as s:
        assert s.get(Allocation, pid).officer == om_a
