"""A real fault-injecting HTTP proxy on 127.0.0.1, between sync clients and `lpt-central`.

    with FaultProxy(server.url, seed=7, plan=FaultPlan.flaky()) as proxy:
        enrol/sync against proxy.url ...
        proxy.heal()                 # no more faults
        proxy.partition()            # every connection dropped at once (the network is gone)
        proxy.partition_after = 3    # ... once 3 more requests have reached the server (the 3rd's answer lost)
        proxy.stats                  # Counter of what was done: "drop_request", "cut_response", ...

It speaks just enough HTTP/1.1 to find message boundaries: it reads each request whole (headers and a
Content-Length body), forwards it upstream on a fresh connection with `Connection: close`, reads the
response until the server closes, and then, under a seeded RNG, may:

- drop the request (close the client's connection, nothing reaches the server);
- cut the request part-way through its body (the server sees a truncated request);
- delay the request or the response (long enough, sometimes, for the client to time out);
- duplicate the request (sent twice, one after the other or both at once; either answer returned);
- drop the response (the server acted; the client hears nothing);
- cut the response part-way (in its headers or mid-body).

A server that is down (killed) shows as a dropped connection. Everything runs on daemon threads.

Given several upstreams (`FaultProxy([server1.url, server2.url])`), it sends each request to the next in turn
(a round-robin load balancer): a laptop's consecutive requests alternate between the servers, and the two
copies of a duplicated request go to different ones. `proxy.per_upstream` counts what each was sent.
"""

from __future__ import annotations

import contextlib
import random
import socket
import socketserver
import threading
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, replace
from urllib.parse import urlsplit

_READ_TIMEOUT = 60.0


@dataclass(frozen=True)
class FaultPlan:
    """Probabilities per request (each checked in turn) and the delay range in seconds."""

    drop_request: float = 0.0
    cut_request: float = 0.0
    delay_request: float = 0.0
    duplicate: float = 0.0
    drop_response: float = 0.0
    cut_response: float = 0.0
    delay_response: float = 0.0
    max_delay: float = 0.2
    hang: float = 0.0  # of the delays, the share that lasts `hang_seconds` (past the client's timeout)
    hang_seconds: float = 1.2

    @staticmethod
    def flaky(level: float = 1.0) -> FaultPlan:
        """A bad court wifi: about a third of requests meet some fault at level 1."""
        return FaultPlan(drop_request=0.05 * level, cut_request=0.05 * level, delay_request=0.08 * level,
                         duplicate=0.08 * level, drop_response=0.07 * level, cut_response=0.07 * level,
                         delay_response=0.08 * level, hang=0.15)

    def scaled(self, level: float) -> FaultPlan:
        return replace(self, **{k: getattr(self, k) * level for k in (
            "drop_request", "cut_request", "delay_request", "duplicate", "drop_response", "cut_response",
            "delay_response")})


HEALTHY = FaultPlan()


class _Closed(Exception):
    pass


def _read_message_head(sock: socket.socket, buf: bytearray) -> bytes:
    while b"\r\n\r\n" not in buf:
        chunk = sock.recv(65536)
        if not chunk:
            raise _Closed
        buf.extend(chunk)
    end = buf.index(b"\r\n\r\n") + 4
    head = bytes(buf[:end])
    del buf[:end]
    return head


def _content_length(head: bytes) -> int:
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            return int(value.strip())
    return 0


def _read_request(sock: socket.socket, buf: bytearray) -> tuple[bytes, bytes]:
    head = _read_message_head(sock, buf)
    need = _content_length(head)
    while len(buf) < need:
        chunk = sock.recv(65536)
        if not chunk:
            raise _Closed
        buf.extend(chunk)
    body = bytes(buf[:need])
    del buf[:need]
    return head, body


def _with_close(head: bytes) -> bytes:
    lines = [ln for ln in head[:-4].split(b"\r\n") if not ln.lower().startswith(b"connection:")]
    return b"\r\n".join([*lines, b"Connection: close"]) + b"\r\n\r\n"


class FaultProxy:
    def __init__(self, upstream: str | Sequence[str], seed: int = 0, plan: FaultPlan = HEALTHY,
                 port: int = 0) -> None:
        urls = [upstream] if isinstance(upstream, str) else list(upstream)
        self.upstreams = [(p.hostname or "127.0.0.1", p.port or 80) for p in map(urlsplit, urls)]
        self.upstream = self.upstreams[0]
        self.per_upstream: Counter[int] = Counter()
        self._turn = 0
        self.plan = plan
        self.rng = random.Random(seed)
        self.stats: Counter[str] = Counter()
        self._lock = threading.Lock()
        self._partitioned = False
        self.partition_after: int | None = None  # forwarded requests; the answer to the last one is lost
        self._conns: set[socket.socket] = set()
        proxy = self

        class Handler(socketserver.BaseRequestHandler):
            def handle(self) -> None:
                proxy._serve(self.request)

        class Server(socketserver.ThreadingTCPServer):
            daemon_threads = True
            allow_reuse_address = True

        self._server = Server(("127.0.0.1", port), Handler)
        self.port = self._server.server_address[1]
        self._thread = threading.Thread(target=self._server.serve_forever, name="fault-proxy", daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> FaultProxy:
        self._thread.start()
        return self

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        with self._lock:
            for c in list(self._conns):
                with contextlib.suppress(OSError):
                    c.close()

    def __enter__(self) -> FaultProxy:
        return self.start()

    def __exit__(self, *_exc: object) -> None:
        self.close()

    # -- control -----------------------------------------------------------------------------------
    def set_plan(self, plan: FaultPlan) -> None:
        with self._lock:
            self.plan = plan
            self._partitioned = False

    def heal(self) -> None:
        self.set_plan(HEALTHY)

    def partition(self) -> None:
        """Drop every connection, including those already open (a cable pulled)."""
        with self._lock:
            self._partitioned = True
            for c in list(self._conns):
                with contextlib.suppress(OSError):
                    c.shutdown(socket.SHUT_RDWR)

    @property
    def faults(self) -> int:
        return sum(n for k, n in self.stats.items() if k != "forwarded")

    # -- the work ----------------------------------------------------------------------------------
    def _roll(self, p: float) -> bool:
        with self._lock:
            return p > 0 and self.rng.random() < p

    def _delay(self, what: str) -> None:
        with self._lock:
            long = self.plan.hang > 0 and self.rng.random() < self.plan.hang
            seconds = self.plan.hang_seconds if long else self.rng.uniform(0.01, self.plan.max_delay)
        self.stats[f"{what}{'_hang' if long else ''}"] += 1
        time.sleep(seconds)

    def _cut_at(self, n: int, low: int = 1) -> int:
        with self._lock:
            return self.rng.randint(min(low, max(n - 1, 0)), max(n - 1, 0))

    def _track(self, sock: socket.socket, on: bool) -> None:
        with self._lock:
            (self._conns.add if on else self._conns.discard)(sock)

    def _exchange(self, request: bytes, cut: int | None = None) -> bytes | None:
        """Send request upstream (only `cut` bytes of it, then hang up, if given); the whole response or None."""
        with self._lock:  # round-robin over the upstreams
            which = self._turn % len(self.upstreams)
            self._turn += 1
            self.per_upstream[which] += 1
        try:
            up = socket.create_connection(self.upstreams[which], timeout=5.0)
        except OSError:
            return None
        self._track(up, True)
        try:
            up.settimeout(_READ_TIMEOUT)
            if cut is not None:
                up.sendall(request[:cut])
                return None
            up.sendall(request)
            out = bytearray()
            while True:
                chunk = up.recv(65536)
                if not chunk:
                    break
                out.extend(chunk)
            return bytes(out) or None
        except OSError:
            return None
        finally:
            self._track(up, False)
            with contextlib.suppress(OSError):
                up.close()

    def _serve(self, client: socket.socket) -> None:
        self._track(client, True)
        buf = bytearray()
        try:
            while True:
                try:
                    head, body = _read_request(client, buf)
                except (_Closed, OSError, ValueError):
                    return
                if self._partitioned:
                    self.stats["partitioned"] += 1
                    return
                if not self._handle(client, _with_close(head), body):
                    return
        finally:
            self._track(client, False)
            with contextlib.suppress(OSError):
                client.close()

    def _handle(self, client: socket.socket, head: bytes, body: bytes) -> bool:
        """One request; False when the client's connection is to be closed."""
        plan = self.plan
        request = head + body
        if self._roll(plan.drop_request):
            self.stats["drop_request"] += 1
            return False
        if body and self._roll(plan.cut_request):
            self.stats["cut_request"] += 1
            self._exchange(request, cut=len(head) + self._cut_at(len(body), 0))
            return False
        if self._roll(plan.delay_request):
            self._delay("delay_request")
        if self._roll(plan.duplicate):
            concurrent = self._roll(0.5)
            self.stats["duplicate_concurrent" if concurrent else "duplicate"] += 1
            answers: list[bytes | None] = [None, None]

            def send(i: int) -> None:
                answers[i] = self._exchange(request)

            if concurrent:
                t = threading.Thread(target=send, args=(1,), daemon=True)
                t.start()
                send(0)
                t.join()
            else:
                send(0)
                send(1)
            with self._lock:
                response = answers[self.rng.randint(0, 1)]
        else:
            response = self._exchange(request)
        self.stats["forwarded"] += 1
        if self.partition_after is not None and self.stats["forwarded"] >= self.partition_after:
            self.partition_after = None
            self.partition()
        if response is None or self._partitioned:
            self.stats["upstream_down" if response is None else "partitioned"] += 1
            return False
        if self._roll(plan.drop_response):
            self.stats["drop_response"] += 1
            return False
        if self._roll(plan.delay_response):
            self._delay("delay_response")
        if self._roll(plan.cut_response):
            split = response.find(b"\r\n\r\n") + 4
            mid_body = split < len(response) and self._roll(0.75)
            at = split + self._cut_at(len(response) - split) if mid_body else self._cut_at(max(split, 2))
            self.stats["cut_response_body" if mid_body else "cut_response_head"] += 1
            with contextlib.suppress(OSError):
                client.sendall(response[:at])
            return False
        try:
            client.sendall(response)
        except OSError:
            return False
        return False  # upstream said Connection: close; the client opens a new connection next time
