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

    def state(self, key: str) -> QByteArray | None:
        value = self.settings.value(f"layout/{key}")
        return value if isinstance(value, QByteArray) else None

    def save_state(self, key: str, value: QByteArray) -> None:
        self.settings.setValue(f"layout/{key}", value)

    def sync(self) -> None:
        self.settings.sync()
