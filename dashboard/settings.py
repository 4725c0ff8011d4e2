"""User settings kept in the store (so that every session and page sees them)."""

from __future__ import annotations

from dataclasses import dataclass

from core.workbook import DEFAULT_MAX_BYTES
from dashboard import services

__all__ = ["Settings", "current", "save"]


@dataclass(frozen=True)
class Settings:
    school: str = ""  # default school for files that do not name one
    max_mb: int = DEFAULT_MAX_BYTES // (1024 * 1024)

    @property
    def max_bytes(self) -> int:
        return self.max_mb * 1024 * 1024


def current() -> Settings:
    return Settings(
        school=str(services.get_setting("school", "")),
        max_mb=int(services.get_setting("max_mb", Settings().max_mb)),
    )


def save(value: Settings) -> None:
    services.set_settings({"school": value.school.strip(), "max_mb": int(value.max_mb)})
