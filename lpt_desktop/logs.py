"""Application log: rotating file in the user log directory. Never log case data, only ids and events."""

from __future__ import annotations

import logging
import logging.handlers
import traceback
from pathlib import Path

from lpt_desktop.paths import log_dir


def frames(exc: BaseException) -> str:
    """Where an error happened, for support: file, line and function of each frame, never the message
    (messages can quote what the officer typed)."""
    tb = traceback.extract_tb(exc.__traceback__)
    return " <- ".join(f"{Path(f.filename).name}:{f.lineno} {f.name}" for f in reversed(tb[-8:]))


def log_exception(logger: logging.Logger, what: str, exc: BaseException) -> None:
    logger.error("%s: %s at %s", what, exc.__class__.__name__, frames(exc))


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
