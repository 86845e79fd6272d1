"""The standards commands of `lpt`: `lpt workdays`, `lpt standards obligations` and `lpt due` (no Qt)."""

from __future__ import annotations

import argparse


def add_commands(sub: argparse._SubParsersAction) -> None:
    """Register this feature's subcommands on the `lpt` parser."""
