"""Writing an export the officer asked for (a report's PDF, the audit's CSV or PDF, rejected changes as JSON):
the whole file or none, so a full disk or a crash never leaves a half-written copy under the chosen name."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


def write_atomically(path: str | Path, data: bytes) -> Path:
    """A temporary file in the same folder, flushed to disk, then renamed over the target (removed on failure)."""
    path = Path(path)
    fd, tmp = tempfile.mkstemp(prefix=".lpt-", suffix=".part", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path
