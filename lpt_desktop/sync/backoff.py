"""When to try again after a failed sync (pure): exponential backoff with jitter, capped.

The GUI's timer asks `delay(failures)` after each failure and syncs at once when the network returns.
"""

from __future__ import annotations

import random

BASE_SECONDS = 5.0
CAP_SECONDS = 300.0
PERIOD_SECONDS = 120.0  # the quiet-time sync period when everything works


def delay(failures: int, *, base: float = BASE_SECONDS, cap: float = CAP_SECONDS,
          rng: random.Random | None = None) -> float:
    """Seconds to wait after `failures` consecutive failures (0: the normal period).

    Full jitter in [d/2, d] keeps 600 laptops from retrying in step after an outage.
    """
    if failures <= 0:
        return PERIOD_SECONDS
    d = min(cap, base * (2.0 ** min(failures - 1, 30)))
    r = rng.random() if rng is not None else random.random()
    return d / 2 + r * d / 2


def schedule(n: int, **kw: float) -> list[float]:
    """The first n delays (for tests and the status bar's 'next try in …')."""
    rng = random.Random(0)
    return [delay(i, rng=rng, **kw) for i in range(1, n + 1)]
