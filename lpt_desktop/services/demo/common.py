"""What every part of the demo shares: its size and seed (DemoSpec), limits and the seeded helpers."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, TypeVar

if TYPE_CHECKING:
    from _typeshed import SupportsLenAndGetItem

_T = TypeVar("_T")

MAX_CASES = 7_500
MAX_CONTACTS = 1_000_000
DEMO_PASSPHRASE = "demo"


@dataclass
class DemoSpec:
    cases: int = 60
    contacts_per_case: int = 20
    seed: int = 1
    today: date | None = None


def _weighted(rng: random.Random, pairs: tuple[tuple[str, int], ...]) -> str:
    return rng.choices([p[0] for p in pairs], weights=[p[1] for p in pairs])[0]


def _uuid(rng: random.Random) -> str:
    """str(uuid.UUID(int=rng.getrandbits(128), version=4)), without building the UUID object."""
    n = (rng.getrandbits(128) & _UUID_CLEAR) | _UUID_SET
    h = f"{n:032x}"
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


_UUID_CLEAR = ~((0xC000 << 48) | (0xF000 << 64))  # the variant and version bits
_UUID_SET = (0x8000 << 48) | (4 << 76)  # RFC 4122 variant, version 4


class _QuickRandom(random.Random):
    """Random with a cheaper choice and randint (one random() call each), for the contact hot path."""

    def choice(self, seq: SupportsLenAndGetItem[_T]) -> _T:  # as random.Random.choice
        return seq[int(self.random() * len(seq))]

    def randint(self, a: int, b: int) -> int:
        return a + int(self.random() * (b - a + 1))



def check_spec(spec: DemoSpec) -> None:
    if not 1 <= spec.cases <= MAX_CASES:
        raise ValueError(f"Cases: {spec.cases} is out of range: choose 1 to {MAX_CASES}")
    if spec.contacts_per_case < 0 or spec.cases * spec.contacts_per_case > MAX_CONTACTS:
        raise ValueError(f"Contacts per case: choose 0 or more, at most {MAX_CONTACTS:,} in all")
