"""Check a caseload's write-ahead log (`<db>-wal`) frame by frame before SQLite opens it (pure: bytes in, a
verdict out; no SQLite, no Qt).

Why: when SQLite recovers a log left by a writer that stopped (a crash, a power cut, a killed process) it keeps
the frames up to the first one that does not check out and silently drops every frame from there on, then
deletes the log at the next clean close. If a byte of a frame was damaged, saves the officer was told were made
vanish without a word. So before opening we read the log ourselves: a committed transaction that SQLite would
drop means the log is damaged, and the caller keeps a copy and says so.

The format (https://www.sqlite.org/fileformat2.html#walformat), which SQLCipher leaves in plain text (only the
page images in the frames are encrypted):
- a 32-byte header: magic 0x377f0682 or 0x377f0683 (its last bit: checksums read the words big-endian), format
  version, page size, checkpoint sequence, salt-1, salt-2, and a checksum of the first 24 bytes;
- frames of a 24-byte header (page number, database size in pages after a commit else 0, salt-1, salt-2,
  checksum-1, checksum-2) and a page image. Each frame's checksum runs over its first 8 header bytes and its
  page, seeded with the checksum before it (the header's for the first frame).

What is not damage: frames after the last commit (a transaction that never committed was never acknowledged);
a partial frame at the end (a write cut off by the stop); frames left from before the log was last restarted
(their salts differ: SQLite changes salt-1 on every restart and draws salt-2 at random).
"""

from __future__ import annotations

import struct
from dataclasses import dataclass
from pathlib import Path

WAL_HEADER_BYTES = 32
FRAME_HEADER_BYTES = 24
MAGICS = (0x377F0682, 0x377F0683)
WAL_VERSION = 3007000


@dataclass(frozen=True)
class WalReport:
    """What SQLite's recovery would make of a log, and whether that loses committed work."""

    size: int
    page_size: int = 0
    frames: int = 0  # whole frames in the file
    valid_frames: int = 0  # frames SQLite's recovery accepts (checksums chain, salts match)
    committed_frames: int = 0  # of those, up to the last commit: what recovery keeps
    first_bad_frame: int | None = None  # 0-based index of the frame where recovery stops, if it stops early
    lost_commits: int = 0  # commit frames of this log's current run beyond the stop: transactions SQLite drops
    problem: str = ""  # why the log counts as damaged, in words for the log and the service desk

    @property
    def damaged(self) -> bool:
        return bool(self.problem)


def wal_path_for(db_path: Path) -> Path:
    return db_path.with_name(db_path.name + "-wal")


def _checksum(data: bytes, big_endian: bool, s1: int, s2: int) -> tuple[int, int]:
    """sqlite3's walChecksumBytes: Fletcher-like sums over pairs of 32-bit words, modulo 2**32."""
    words = struct.unpack((">" if big_endian else "<") + f"{len(data) // 4}I", data)
    for i in range(0, len(words), 2):
        s1 = (s1 + words[i] + s2) & 0xFFFFFFFF
        s2 = (s2 + words[i + 1] + s1) & 0xFFFFFFFF
    return s1, s2


def check_wal(data: bytes) -> WalReport:
    """Read a whole `-wal` file's bytes and say whether SQLite's recovery would drop committed transactions."""
    size = len(data)
    if size < WAL_HEADER_BYTES:
        # A log cut off before its header was whole has never held a commit (the header is written and synced
        # with the first frame); SQLite treats it as empty.
        return WalReport(size=size)
    magic, version, page_size, _seq, salt1, salt2, c1, c2 = struct.unpack(">8I", data[:WAL_HEADER_BYTES])
    header_ok = magic in MAGICS and version == WAL_VERSION and 512 <= page_size <= 65536 \
        and page_size & (page_size - 1) == 0
    big_endian = bool(magic & 1)
    if header_ok:
        header_ok = _checksum(data[:24], big_endian, 0, 0) == (c1, c2)
    frame_size = FRAME_HEADER_BYTES + (page_size if header_ok else 0)
    if not header_ok:
        # SQLite ignores the whole log when its header does not check out. Whether frames follow cannot be
        # told from a broken page size, so any bytes past the header count: a bare header loses nothing.
        if size > WAL_HEADER_BYTES:
            return WalReport(size=size, first_bad_frame=0,
                             problem="the log's header is damaged, so none of the changes in it can be replayed")
        return WalReport(size=size)
    frames = (size - WAL_HEADER_BYTES) // frame_size
    s1, s2 = c1, c2
    valid = committed = 0
    first_bad: int | None = None
    for i in range(frames):
        at = WAL_HEADER_BYTES + i * frame_size
        header = data[at:at + FRAME_HEADER_BYTES]
        pgno, commit_size, f_salt1, f_salt2, f_c1, f_c2 = struct.unpack(">6I", header)
        if pgno == 0 or (f_salt1, f_salt2) != (salt1, salt2):
            first_bad = i
            break
        s1, s2 = _checksum(header[:8], big_endian, s1, s2)
        s1, s2 = _checksum(data[at + FRAME_HEADER_BYTES:at + frame_size], big_endian, s1, s2)
        if (s1, s2) != (f_c1, f_c2):
            first_bad = i
            break
        valid += 1
        if commit_size:
            committed = valid
    lost = 0
    if first_bad is not None:
        # Beyond the stop, a frame of this run of the log (either salt matching: one damaged byte changes only
        # one) that ends a transaction is a commit SQLite will drop. A leftover from an earlier run has both
        # salts different and is not a loss; nor are frames of a transaction that never committed.
        for i in range(first_bad, frames):
            at = WAL_HEADER_BYTES + i * frame_size
            _pgno, commit_size, f_salt1, f_salt2 = struct.unpack(">4I", data[at:at + 16])
            if commit_size and (f_salt1 == salt1 or f_salt2 == salt2):
                lost += 1
    problem = ""
    if lost:
        saves = "1 save" if lost == 1 else f"{lost} saves"
        problem = (f"part {first_bad + 1 if first_bad is not None else 0} of its {frames} parts does not check out, "
                   f"so {saves} from there on cannot be replayed")
    return WalReport(size=size, page_size=page_size, frames=frames, valid_frames=valid,
                     committed_frames=committed, first_bad_frame=first_bad, lost_commits=lost, problem=problem)


def check_wal_file(path: Path) -> WalReport | None:
    """The report for a `-wal` file, or None when there is none (a caseload closed cleanly has no log)."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return None
    return check_wal(data)
