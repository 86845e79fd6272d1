"""Application log: rotating file in the user log directory. Never log case data, only ids and events."""

from __future__ import annotations

import logging
import logging.handlers

from lpt_desktop.paths import log_dir


def setup_logging(level: int = logging.INFO) -> None:
    root = logging.getLogger()
    if any(getattr(h, "_lpt", False) for h in root.handlers):
        return
    d = log_dir()
    d.mkdir(parents=True, exist_ok=True)
    handler = logging.handlers.RotatingFileHandler(d / "lpt-desktop.log", maxBytes=1_000_000, backupCount=3,
                                                   encoding="utf-8")
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    handler._lpt = True  # type: ignore[attr-defined]
    root.addHandler(handler)
    root.setLevel(level)
