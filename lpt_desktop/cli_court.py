"""The court commands of `lpt`: `lpt report render` and `lpt report list` (no Qt)."""

from __future__ import annotations

import argparse


def add_commands(sub: argparse._SubParsersAction) -> None:
    """Register this feature's subcommands on the `lpt` parser."""
