"""schemathesis (its OpenAPI strategies) against a live lpt-central's /openapi.json: no 5xx for any
generated input (valid and invalid), signed in as an officer, as an administrator, and not signed in,
on SQLite and PostgreSQL.

LPT_FUZZ_EXAMPLES sets the examples per operation and identity (default 10; `make soak` uses more).
"""

from __future__ import annotations

import os
import uuid

import httpx
import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode

from tests.sync.server import PASSWORD

EXAMPLES = int(os.environ.get("LPT_FUZZ_EXAMPLES", "10"))


@pytest.fixture(scope="module")
def identities(central) -> dict[str, dict[str, str]]:
    """Authorization headers per identity; the officer holds one case so scoped endpoints have data."""
    u = uuid.uuid4().hex[:6]
    om = central.add_user(f"fuzz-om-{u}", team=f"fuzz-{u}")
    admin = central.add_user(f"fuzz-admin-{u}", role="administrator", team=None)
    central.allocate(str(uuid.uuid4()), om)
    out: dict[str, dict[str, str]] = {"anonymous": {}}
    for name, user in (("officer", om), ("administrator", admin)):
        r = httpx.post(f"{central.url}/auth/token", json={"username": user, "password": PASSWORD,
                                                           "laptop_id": f"fuzz-{name}-{u}"})
        r.raise_for_status()
        out[name] = {"Authorization": f"Bearer {r.json()['access_token']}"}
    return out


def _operations(url: str) -> list:
    schema = schemathesis.openapi.from_url(f"{url}/openapi.json")
    ops = [result.ok() for result in schema.get_all_operations()]
    assert len(ops) >= 12, "the schema lists fewer operations than the server has"
    return ops


# schemathesis's own pytest integration (from_fixture/parametrize) fails under pytest 9 ("'Function' object has
# no attribute '_nodeid'"), so each operation's hypothesis strategy (valid and invalid inputs) is driven here.
@pytest.mark.timeout(900)
def test_no_server_error_for_any_generated_input(central, identities, capsys):
    calls: dict[str, int] = {}
    for op in _operations(central.url):
        label = op.label
        strategy = st.one_of(op.as_strategy(GenerationMode.POSITIVE), op.as_strategy(GenerationMode.NEGATIVE))

        @settings(max_examples=EXAMPLES, deadline=None, database=None, derandomize=True,
                  suppress_health_check=list(HealthCheck))
        @given(case=strategy)
        def fuzz(case) -> None:
            for name, headers in identities.items():
                response = case.call(base_url=central.url, headers=headers, timeout=30)
                calls[label] = calls.get(label, 0) + 1  # noqa: B023 - fuzz() runs within this iteration
                assert response.status_code < 500, (f"{case.method} {case.formatted_path} as {name} answered "
                                                    f"{response.status_code}: {response.text[:300]}")

        fuzz()
    with capsys.disabled():
        print(f"\nschema fuzz ({central.db_url.split(':')[0]}): {sum(calls.values())} requests over "
              f"{len(calls)} operations, no 5xx")
