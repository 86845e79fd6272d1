"""Store errors, each with a message an officer or support desk can act on."""

from __future__ import annotations


class StoreError(Exception):
    """Base class: str(error) is a complete, user-facing sentence."""


class WrongPassphrase(StoreError):
    def __init__(self) -> None:
        super().__init__("Passphrase not accepted. Check Caps Lock and try again.")


class KeyFileMissing(StoreError):
    pass


class KeyFileDamaged(StoreError):
    pass


class DatabaseMissing(StoreError):
    pass


class NotAnLptDatabase(StoreError):
    pass


class DatabaseDamaged(StoreError):
    pass


class NewerSchema(StoreError):
    """The file was migrated by a newer version of the app than this one."""


class DatabaseLocked(StoreError):
    """Raised when the vault is used after it has been locked."""

    def __init__(self) -> None:
        super().__init__("The caseload is locked. Unlock it with your passphrase to continue.")


class WrongThread(StoreError):
    """A write from a thread other than the one the caseload's writes are restricted to (a programming error)."""
