"""HTTP client of the central store (httpx, with timeouts). Holds the access token in memory only.

Errors: `Offline` (no answer: network down, timeout, 5xx; retry later), `AuthFailed` (sign in again),
`Refused` (4xx the server will keep refusing, or 429: too many failed sign-ins, with the wait in its words).

The refresh token rotates: each refresh answers a new one and the server retires the old. `on_tokens` saves
the new one (in the laptop's encrypted file) before the client adopts it, so a crash never leaves the laptop
holding only a retired token; if saving fails, the server still gives the same new token for the old one within
its grace period, so the next sync recovers.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

import httpx
from pydantic import ValidationError

from lpt_desktop.sync.protocol import (
    Change,
    FetchResponse,
    IdsResponse,
    Item,
    PullResponse,
    PushResponse,
    Tokens,
    VerifyRequest,
    VerifyResponse,
)

DEFAULT_TIMEOUT = httpx.Timeout(20.0, connect=5.0)


class SyncError(Exception):
    """Base of the client's errors; str() is a sentence an officer can read."""


class Offline(SyncError):
    pass


class AuthFailed(SyncError):
    pass


class Refused(SyncError):
    def __init__(self, status: int, message: str, retry_after: int | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.retry_after = retry_after  # seconds, when the server said (429)


class SyncClient:
    """One server. refresh_token comes from (and changes go back to) the encrypted database via on_tokens."""

    def __init__(self, base_url: str, refresh_token: str | None = None, *,
                 timeout: httpx.Timeout | float = DEFAULT_TIMEOUT, transport: httpx.BaseTransport | None = None,
                 on_tokens: Callable[[Tokens], None] | None = None) -> None:
        self.base_url = base_url.rstrip("/")
        self.refresh_token = refresh_token
        self.access_token: str | None = None
        self.on_tokens = on_tokens
        self._expires = 0.0  # monotonic time the access token runs out
        # ...and by the wall clock: a laptop asleep (a home visit) stops the monotonic clock on Linux and macOS, so a
        # kept client would otherwise think a long-expired token good and meet a 401 on a page fetched ahead.
        self._expires_wall = 0.0
        self._refreshing = threading.RLock()  # two threads needing a token refresh once, not twice
        self._http = httpx.Client(base_url=self.base_url, timeout=timeout, transport=transport,
                                  headers={"User-Agent": "lpt-desktop-sync/1"})

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> SyncClient:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    # -- plumbing ----------------------------------------------------------------------------------
    def _send(self, method: str, path: str, *, auth: bool = True, raw: bool = False, **kw: Any) -> Any:
        """The answer's JSON, or with raw=True its body bytes (for a model to parse in one pass)."""
        for attempt in (0, 1):
            headers = {}
            used = self.access_token
            if auth:
                if used is None:
                    self._renew(None)
                    used = self.access_token
                headers["Authorization"] = f"Bearer {used}"
            r = self._request(method, path, headers, retry=auth, **kw)
            if r.status_code == 401 and auth and attempt == 0 and self.refresh_token:
                self._renew(used)  # expired: refresh once and retry
                continue
            return self._result(r, raw)
        raise AuthFailed("Sign in to the central store again.")

    def _request(self, method: str, path: str, headers: dict[str, str], *, retry: bool, **kw: Any) -> httpx.Response:
        """One request; once more on a fresh connection when a kept-alive one was closed under it (the server or a
        proxy let it go idle just as this was sent: a keep-alive timeout's race). Only the signed-in requests
        retry: each is a read or a push, which the server applies once by its outbox numbers. Signing in and
        refreshing never do (a refresh the server took but whose answer was lost has already rotated the token)."""
        for attempt in (0, 1):
            try:
                return self._http.request(method, path, headers=headers, **kw)
            except httpx.TimeoutException:
                raise Offline("The central store did not answer in time.") from None
            except (httpx.RemoteProtocolError, httpx.ReadError, httpx.WriteError):
                if not retry or attempt == 1:
                    raise Offline("The central store cannot be reached.") from None
            except httpx.TransportError:
                raise Offline("The central store cannot be reached.") from None
        raise AssertionError("unreachable")

    @staticmethod
    def _result(r: httpx.Response, raw: bool = False) -> Any:
        if r.status_code >= 500:
            raise Offline(f"The central store had a problem ({r.status_code}); sync will try again.")
        if r.status_code == 401:
            raise AuthFailed(_detail(r) or "Sign in to the central store again.")
        if r.status_code >= 400:
            wait = r.headers.get("Retry-After", "")
            raise Refused(r.status_code, _detail(r) or f"The central store refused this ({r.status_code}).",
                          int(wait) if wait.isdigit() else None)
        if raw:
            return r.content
        try:
            return r.json()
        except ValueError:
            raise Offline("The central store sent an answer that could not be read.") from None

    # -- auth --------------------------------------------------------------------------------------
    def sign_in(self, username: str, password: str, laptop_id: str) -> Tokens:
        data = self._send("POST", "/auth/token", auth=False,
                          json={"username": username, "password": password, "laptop_id": laptop_id})
        return self._took(Tokens.model_validate(data))

    def refresh(self) -> Tokens:
        if not self.refresh_token:
            raise AuthFailed("This laptop is not signed in to the central store.")
        with self._refreshing:
            data = self._send("POST", "/auth/refresh", auth=False, json={"refresh_token": self.refresh_token})
            return self._took(Tokens.model_validate(data))

    def _renew(self, stale: str | None) -> None:
        """Refresh because the access token `stale` is missing or was refused, unless another thread has
        already replaced it (two threads finding it expired rotate the refresh token once, not twice)."""
        with self._refreshing:
            if self.access_token is not None and self.access_token != stale:
                return
            self.access_token = None
            self.refresh()

    def ensure_fresh(self, margin: float = 120.0) -> None:
        """Refresh now if the access token has less than `margin` seconds left: called between requests on the
        thread that may write to the caseload, so a request made on another thread (a page fetched ahead) never
        needs to refresh, and so never needs to save a new refresh token from there."""
        if self.refresh_token and (self.access_token is None or time.monotonic() + margin >= self._expires
                                   or time.time() + margin >= self._expires_wall):
            self.refresh()

    def _took(self, tokens: Tokens) -> Tokens:
        # Saved first: the server has already retired the token this client holds.
        if tokens.refresh_token != self.refresh_token and self.on_tokens is not None:
            self.on_tokens(tokens)
        self.refresh_token = tokens.refresh_token
        self.access_token = tokens.access_token
        self._expires = time.monotonic() + tokens.expires_in
        self._expires_wall = time.time() + tokens.expires_in
        return tokens

    # -- sync --------------------------------------------------------------------------------------
    def push(self, laptop_id: str, cursor: int, changes: list[Change]) -> PushResponse:
        body = {"laptop_id": laptop_id, "cursor": cursor, "changes": [c.model_dump() for c in changes]}
        return PushResponse.model_validate(self._send("POST", "/sync/push", json=body))

    def pull(self, after: int, limit: int = 500, count: bool = False, seen: int | None = None) -> PullResponse:
        """seen: the cursor this laptop has committed, when it asks `after` a page it is still applying."""
        params: dict[str, Any] = {"after": after, "limit": limit}
        if count:
            params["count"] = "true"
        if seen is not None and seen < after:
            params["seen"] = seen
        body = self._send("GET", "/sync/pull", params=params, raw=True)
        try:
            return PullResponse.model_validate_json(body)  # pages are large: parse and check in one pass
        except ValidationError as exc:
            if any(e["type"] == "json_invalid" for e in exc.errors()):
                raise Offline("The central store sent an answer that could not be read.") from None
            raise

    def verify(self, request: VerifyRequest) -> VerifyResponse:
        return VerifyResponse.model_validate(self._send("POST", "/sync/verify", json=request.model_dump()))

    def ids(self, kind: str) -> IdsResponse:
        return IdsResponse.model_validate(self._send("GET", "/sync/ids", params={"kind": kind}))

    def fetch(self, kind: str, record_ids: list[str]) -> list[Item]:
        out: list[Item] = []
        for i in range(0, len(record_ids), 1000):
            data = self._send("POST", "/sync/fetch", json={"kind": kind, "record_ids": record_ids[i:i + 1000]})
            out.extend(FetchResponse.model_validate(data).items)
        return out

    def cases(self) -> list[dict[str, Any]]:
        cases: list[dict[str, Any]] = self._send("GET", "/cases")
        return cases


def _detail(r: httpx.Response) -> str | None:
    try:
        detail = r.json().get("detail")
    except (ValueError, AttributeError):
        return None
    return detail if isinstance(detail, str) else None
