"""A damaged -wal (issue 14, item 6): real logs left by a real writer killed part way, then one byte flipped.

SQLite's recovery keeps the frames up to the first that does not check out, silently drops the rest and deletes
the log at the next clean close. The check (store/walcheck.py) reads the frames first; the open keeps a copy of a
log that would lose committed saves beside the database and tells the officer, in words, where it is.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import signal
import struct
import subprocess
import sys
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest

from lpt_desktop.services.unlock import create_caseload, unlock
from lpt_desktop.store.errors import DatabaseDamaged
from lpt_desktop.store.keyfile import KdfParams, key_path_for
from lpt_desktop.store.walcheck import FRAME_HEADER_BYTES, WAL_HEADER_BYTES, check_wal, check_wal_file, wal_path_for
from tests.conftest import PASSPHRASE

CONTACTS = 4


def _writer(path: Path, contacts: int) -> None:
    """Run in a child process: add a case and contacts, say each save once it is committed, then wait to be
    killed with them still in the -wal (no checkpoint, no clean close)."""
    import time

    from lpt_desktop.domain.contacts import ContactInput
    from lpt_desktop.services.cases import add_person, add_sentence
    from lpt_desktop.services.contacts import record_contact

    db = unlock(path, PASSPHRASE)
    pid = add_person(db, crn="Z999999", first_name="Wal", last_name="Frame", date_of_birth=date(1990, 1, 1),
                     tier="C2", rosh="M")
    add_sentence(db, pid, order_type="CO", start_date=date(2026, 1, 5), end_date=date(2027, 1, 5))
    print("case", pid, flush=True)
    for i in range(contacts):
        record_contact(db, pid, ContactInput("COAP", datetime(2026, 2, 2, 10, 30) + timedelta(days=i),
                                             outcome="ATTC", notes=f"contact {i}"),
                       now=datetime(2026, 3, 2, 9, 0))
        print("saved", i, flush=True)
    time.sleep(120)


@pytest.fixture(scope="module")
def killed_writer(tmp_path_factory) -> tuple[Path, str]:
    """A caseload folder as a writer killed mid-way left it: database, key file, -wal and -shm."""
    folder = tmp_path_factory.mktemp("killed")
    home = tmp_path_factory.mktemp("killed_home")  # module-wide: the per-test isolated folders are not made yet
    xdg = ("XDG_DATA_HOME", "XDG_CONFIG_HOME", "XDG_CACHE_HOME", "XDG_STATE_HOME")
    env = {**os.environ, "HOME": str(home), **{var: str(home / var) for var in xdg}}
    path = folder / "c.lptdb"
    with pytest.MonkeyPatch.context() as mp:
        for var, value in env.items():
            if var == "HOME" or var.startswith("XDG_"):
                mp.setenv(var, value)
        create_caseload(path, PASSPHRASE, "Sam Jones", "LPT0007", kdf=KdfParams.fast()).close()
    child = subprocess.Popen([sys.executable, __file__, str(path), str(CONTACTS)], stdout=subprocess.PIPE,
                             text=True, cwd=Path(__file__).resolve().parent.parent, env=env)
    assert child.stdout is not None
    pid = ""
    for line in child.stdout:
        if line.startswith("case"):
            pid = line.split()[1]
        if line.strip() == f"saved {CONTACTS - 1}":
            break
    child.send_signal(signal.SIGKILL)
    child.wait(30)
    assert wal_path_for(path).stat().st_size > WAL_HEADER_BYTES  # the saves are in the log, not yet in the file
    return folder, pid


def _copy(killed: tuple[Path, str], to: Path) -> tuple[Path, str]:
    folder, pid = killed
    shutil.copytree(folder, to)
    return to / "c.lptdb", pid


def _frames(wal: bytes) -> tuple[int, list[int]]:
    """Frame size and the indexes of the commit frames."""
    page_size = struct.unpack(">I", wal[8:12])[0]
    size = FRAME_HEADER_BYTES + page_size
    n = (len(wal) - WAL_HEADER_BYTES) // size
    commits = [i for i in range(n) if struct.unpack(">I", wal[WAL_HEADER_BYTES + i * size + 4:][:4])[0]]
    return size, commits


def _contacts(path: Path, pid: str) -> int:
    from lpt_desktop.services.contacts import list_contacts

    db = unlock(path, PASSPHRASE)
    try:
        return len(list_contacts(db, pid)) if pid else 0
    finally:
        db.close()


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_the_log_of_a_killed_writer_checks_out_and_replays_every_save(killed_writer, tmp_path):
    path, pid = _copy(killed_writer, tmp_path / "c")
    report = check_wal_file(wal_path_for(path))
    assert report is not None and not report.damaged
    assert report.frames > 10 and report.valid_frames == report.frames
    assert report.committed_frames == report.frames  # the writer stopped between saves
    # The headers and checksums are plain under SQLCipher (only the page images are encrypted): they check out.
    db = unlock(path, PASSPHRASE)
    assert db.notices == []
    db.close()
    assert _contacts(path, pid) == CONTACTS
    assert not list(path.parent.glob("*.damaged-*"))


FIELDS = {"page number": 0, "commit size": 5, "salt-1": 9, "salt-2": 14, "checksum-1": 16, "checksum-2": 23,
          "page start": FRAME_HEADER_BYTES, "page middle": FRAME_HEADER_BYTES + 2000, "page end": -1}


@pytest.mark.parametrize("field", FIELDS)
def test_a_flipped_byte_in_any_frame_before_the_last_commit_is_damage(killed_writer, field):
    wal = wal_path_for(killed_writer[0] / "c.lptdb").read_bytes()
    size, commits = _frames(wal)
    frames = (len(wal) - WAL_HEADER_BYTES) // size
    for i in range(frames):
        at = WAL_HEADER_BYTES + i * size + (FIELDS[field] % size)
        flipped = bytearray(wal)
        flipped[at] ^= 0xFF
        report = check_wal(bytes(flipped))
        # Every frame up to the last commit holds acknowledged saves that SQLite would drop.
        assert report.damaged == (i <= commits[-1]), (field, i)
        if report.damaged:
            assert report.first_bad_frame == i and report.lost_commits >= 1
            assert "cannot be replayed" in report.problem


@pytest.mark.parametrize("offset", range(WAL_HEADER_BYTES))
def test_a_flipped_byte_in_the_log_header_is_damage(killed_writer, offset):
    # SQLite ignores a whole log whose header does not check out: every save in it is lost.
    wal = bytearray(wal_path_for(killed_writer[0] / "c.lptdb").read_bytes())
    wal[offset] ^= 0x01
    assert check_wal(bytes(wal)).damaged


def test_what_sqlite_drops_anyway_is_not_damage(killed_writer):
    wal = wal_path_for(killed_writer[0] / "c.lptdb").read_bytes()
    size, commits = _frames(wal)
    # A frame cut off part way at the end (a write stopped mid-frame), at every length.
    for cut in (1, FRAME_HEADER_BYTES, size // 2, size - 1):
        assert not check_wal(wal + wal[WAL_HEADER_BYTES:WAL_HEADER_BYTES + cut]).damaged
    # Frames of a transaction that never committed, after the last commit.
    uncommitted = bytearray(wal[:WAL_HEADER_BYTES + (commits[-1] + 1) * size])
    uncommitted += wal[WAL_HEADER_BYTES:WAL_HEADER_BYTES + size]  # a copy of frame 1: its checksum cannot chain
    uncommitted[-size + 4:-size + 8] = b"\0\0\0\0"
    assert not check_wal(bytes(uncommitted)).damaged
    # Frames left from before the log was restarted: both salts differ, even on a commit frame.
    stale = bytearray(wal + wal[WAL_HEADER_BYTES + commits[0] * size:WAL_HEADER_BYTES + (commits[0] + 1) * size])
    stale[-size + 8:-size + 16] = bytes(b ^ 0x5A for b in stale[-size + 8:-size + 16])
    assert not check_wal(bytes(stale)).damaged
    # No log, an empty one, a bare header.
    assert not check_wal(b"").damaged and not check_wal(wal[:WAL_HEADER_BYTES]).damaged


def test_opening_with_a_damaged_log_keeps_a_copy_and_says_so(killed_writer, tmp_path):
    """The issue's case, end to end: the saves SQLite drops are gone, but not without a word, and the log is kept."""
    path, pid = _copy(killed_writer, tmp_path / "c")
    wal = wal_path_for(path)
    data = bytearray(wal.read_bytes())
    size, commits = _frames(bytes(data))
    data[WAL_HEADER_BYTES + commits[-3] * size + 3000] ^= 0xFF  # the page image of the third save from the end
    wal.write_bytes(bytes(data))
    damaged_sha, key_sha = _sha(wal), _sha(key_path_for(path))
    db = unlock(path, PASSPHRASE)
    db.close()
    copies = list(tmp_path.glob("c/c.lptdb-wal.damaged-*"))
    assert len(copies) == 1 and _sha(copies[0]) == damaged_sha  # byte for byte what was found
    assert copies[0].name.startswith("c.lptdb-wal.damaged-20")
    [notice] = db.notices
    assert "recent changes could not be recovered" in notice.lower()
    assert str(copies[0]) in notice and "do not delete it" in notice
    assert _sha(key_path_for(path)) == key_sha
    assert _contacts(path, pid) < CONTACTS  # SQLite did drop acknowledged saves: the officer had to be told
    db = unlock(path, PASSPHRASE)  # the log is gone now: a second open says nothing more, and keeps the copy
    assert db.notices == []
    db.close()
    assert list(tmp_path.glob("c/c.lptdb-wal.damaged-*")) == copies


def test_a_damaged_log_that_cannot_be_copied_is_not_let_go(killed_writer, tmp_path, monkeypatch):
    path, _pid = _copy(killed_writer, tmp_path / "c")
    wal = wal_path_for(path)
    data = bytearray(wal.read_bytes())
    data[WAL_HEADER_BYTES + 100] ^= 0xFF
    wal.write_bytes(bytes(data))
    before = {p.name: _sha(p) for p in path.parent.iterdir() if not p.name.endswith("-shm")}

    def full_disk(*_args, **_kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(shutil, "copyfile", full_disk)
    with pytest.raises(DatabaseDamaged, match="could not be kept"):
        unlock(path, PASSPHRASE)
    assert {p.name: _sha(p) for p in path.parent.iterdir() if not p.name.endswith("-shm")} == before


def test_a_flip_in_each_frame_through_the_whole_open(killed_writer, tmp_path):
    """Every frame the killed writer left, through unlock: damage before the last commit is kept and told; the
    copy is the log. (One test walking the frames the log has, rather than a fixed 64 skipping the missing.)"""
    path, _pid = _copy(killed_writer, tmp_path / "probe")
    sample = wal_path_for(path).read_bytes()
    size, commits = _frames(sample)
    frames = (len(sample) - WAL_HEADER_BYTES) // size
    assert frames > commits[-1] >= 1
    for frame in range(frames):
        path, _pid = _copy(killed_writer, tmp_path / f"c{frame}")
        wal = wal_path_for(path)
        data = bytearray(wal.read_bytes())
        data[WAL_HEADER_BYTES + frame * size + FRAME_HEADER_BYTES + 77] ^= 0x10
        wal.write_bytes(bytes(data))
        damaged_sha, key_sha = _sha(wal), _sha(key_path_for(path))
        db = unlock(path, PASSPHRASE)
        db.close()
        copies = list(path.parent.glob(f"{path.name}-wal.damaged-*"))
        assert bool(db.notices) == bool(copies) == (frame <= commits[-1]), frame
        if copies:
            assert _sha(copies[0]) == damaged_sha, frame
        assert _sha(key_path_for(path)) == key_sha, frame


def test_lpt_check_and_lpt_caseload_say_when_a_damaged_log_was_kept(killed_writer, tmp_path, monkeypatch, capsys):
    from lpt_desktop.cli import main

    path, _pid = _copy(killed_writer, tmp_path / "c")
    wal = wal_path_for(path)
    data = bytearray(wal.read_bytes())
    data[WAL_HEADER_BYTES + 500] ^= 0xFF
    wal.write_bytes(bytes(data))
    monkeypatch.setenv("LPT_PASSPHRASE", PASSPHRASE)
    assert main(["check", "--db", str(path)]) == 1
    err = capsys.readouterr().err
    assert "recent changes could not be recovered" in err and ".damaged-" in err
    wal.write_bytes(bytes(data))  # the same damage again, now for an everyday command
    assert main(["caseload", "--db", str(path)]) == 0
    assert "recent changes could not be recovered" in capsys.readouterr().err
    assert len(list(path.parent.glob("c.lptdb-wal.damaged-*"))) == 2


if __name__ == "__main__":
    _writer(Path(sys.argv[1]), int(sys.argv[2]))
