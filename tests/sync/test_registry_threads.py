"""The kinds registry fills itself on first use; threads that ask at once (FastAPI runs sync endpoints on a
thread pool, so the first requests after a server start do) must all see every kind, never a partial list.

Found by bench/soak.py: after a restart, half of 30 simultaneous first requests to /kinds answered [] (and a
push arriving then would be rejected as an unknown kind).
"""

from __future__ import annotations

import threading

from lpt_desktop.sync import kinds


def test_first_use_from_many_threads_sees_every_kind(monkeypatch):
    full = kinds.names()
    for _ in range(20):
        monkeypatch.setattr(kinds, "_KINDS", {})
        monkeypatch.setattr(kinds, "_BY_MODEL", {})
        monkeypatch.setattr(kinds, "_done", False)
        start = threading.Barrier(8)
        seen: list[list[str]] = []

        def ask(start: threading.Barrier, seen: list[list[str]]) -> None:
            start.wait()
            seen.append(kinds.names())

        threads = [threading.Thread(target=ask, args=(start, seen)) for _ in range(8)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert all(s == full for s in seen), [len(s) for s in seen]
