"""The retry schedule (pure): grows from seconds to a cap, with jitter, and the quiet period when all is well."""

from __future__ import annotations

import random

import pytest

from lpt_desktop.sync import backoff


def test_no_failures_means_the_normal_period():
    assert backoff.delay(0) == backoff.PERIOD_SECONDS


@pytest.mark.parametrize("failures", range(1, 12))
def test_each_delay_lies_in_its_jitter_band_and_under_the_cap(failures):
    d = min(backoff.CAP_SECONDS, backoff.BASE_SECONDS * 2 ** (failures - 1))
    for seed in range(20):
        x = backoff.delay(failures, rng=random.Random(seed))
        assert d / 2 <= x <= d <= backoff.CAP_SECONDS


def test_the_schedule_grows_then_levels_off():
    s = backoff.schedule(12)
    assert s[0] < 5.01 and s[-1] >= backoff.CAP_SECONDS / 2
    assert all(b >= a / 2 for a, b in zip(s, s[1:], strict=False))
    assert backoff.delay(10_000, rng=random.Random(1)) <= backoff.CAP_SECONDS
