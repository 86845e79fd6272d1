"""Officer preferences in QSettings. Only layout and behaviour: never case data."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QByteArray, QSettings

DEFAULT_IDLE_MINUTES = 10


class Preferences:
    def __init__(self, settings: QSettings | None = None) -> None:
        self.settings = settings or QSettings()

    @property
    def idle_minutes(self) -> int:
        value: Any = self.settings.value("security/idle_minutes", DEFAULT_IDLE_MINUTES)  # int or its text
        try:
            return max(1, min(60, int(value)))
        except (TypeError, ValueError):
            return DEFAULT_IDLE_MINUTES

    @idle_minutes.setter
    def idle_minutes(self, minutes: int) -> None:
        self.settings.setValue("security/idle_minutes", int(minutes))

    # -- the caseload's order: a column title (indexes move when columns are added) and a direction --
    @property
    def caseload_sort(self) -> tuple[str, bool] | None:
        """(column title, descending) the officer last sorted the caseload by, or None (the default order)."""
        column = self.settings.value("caseload/sort_column", "")
        if not isinstance(column, str) or not column:
            return None
        return column, _truthy(self.settings.value("caseload/sort_descending", False))

    @caseload_sort.setter
    def caseload_sort(self, value: tuple[str, bool] | None) -> None:
        if value is None:
            self.settings.remove("caseload/sort_column")
            self.settings.remove("caseload/sort_descending")
            return
        self.settings.setValue("caseload/sort_column", value[0])
        self.settings.setValue("caseload/sort_descending", bool(value[1]))

    @property
    def last_court(self) -> str:
        """The court of the last report request made: the default for the next one."""
        value = self.settings.value("court/last_court", "")
        return value if isinstance(value, str) else ""

    @last_court.setter
    def last_court(self, name: str) -> None:
        self.settings.setValue("court/last_court", name)

    # -- what the officer sets in Preferences ----------------------------------------------------------
    def _text(self, key: str) -> str:
        value = self.settings.value(key, "")
        return value.strip() if isinstance(value, str) else ""

    @property
    def default_location(self) -> str:
        """Where the officer's contacts usually happen (their office), offered when nothing better is known."""
        return self._text("contacts/default_location")

    @default_location.setter
    def default_location(self, text: str) -> None:
        self.settings.setValue("contacts/default_location", text.strip())

    @property
    def sync_server(self) -> str:
        """The central store's address last used to set up sync (Set up sync starts from it)."""
        return self._text("sync/server")

    @sync_server.setter
    def sync_server(self, address: str) -> None:
        self.settings.setValue("sync/server", address.strip())

    def state(self, key: str) -> QByteArray | None:
        value = self.settings.value(f"layout/{key}")
        return value if isinstance(value, QByteArray) else None

    def save_state(self, key: str, value: QByteArray) -> None:
        self.settings.setValue(f"layout/{key}", value)

    def sync(self) -> None:
        self.settings.sync()


def _truthy(value: Any) -> bool:
    """A QSettings boolean: a bool, or its text ('true') from an INI file."""
    return value is True or str(value).strip().lower() in ("true", "1")
