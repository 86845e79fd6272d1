"""The errors the window may show as they are: the store's and the services' own, each a whole sentence.

The window imports this module, never the store: a store error reaches it as one of the services' errors.
"""

from __future__ import annotations

from lpt_desktop.domain.validation import ValidationError
from lpt_desktop.store.errors import DatabaseLocked, StoreError, WrongPassphrase, WrongThread

__all__ = ["DatabaseLocked", "StoreError", "ValidationError", "WrongPassphrase", "WrongThread", "user_message"]

# Errors whose text is written for the officer (a sentence naming what is wrong and what to do).
_SAYABLE: tuple[type[BaseException], ...] = (StoreError, ValidationError, LookupError)


def user_message(exc: BaseException) -> str:
    """What to tell the officer about a failed operation: the error's own words where they were written for
    them, else a plain sentence naming the kind of failure (the log has the details)."""
    if isinstance(exc, _SAYABLE) and str(exc):
        return str(exc).strip("'\"") if isinstance(exc, LookupError) else str(exc)
    return (f"That did not work ({exc.__class__.__name__}). Nothing has been half-saved: the change was not made. "
            "The log has the details for the service desk.")
