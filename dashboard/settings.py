"""User settings kept in the store (so that every session and page sees them)."""

from __future__ import annotations

from dataclasses import dataclass

from core.workbook import DEFAULT_MAX_BYTES
from dashboard import state, store

__all__ = ["Settings", "current", "save"]


@dataclass(frozen=True)
class Settings:
    school: str = ""  # default school for files that do not name one
    max_mb: int = DEFAULT_MAX_BYTES // (1024 * 1024)

    @property
    def max_bytes(self) -> int:
        return self.max_mb * 1024 * 1024


def current() -> Settings:
    with state.session() as s:
        return Settings(
            school=str(store.get_setting(session=s, key="school", default="")),
            max_mb=int(store.get_setting(session=s, key="max_mb",
                                         default=Settings().max_mb)),
        )


def save(value: Settings) -> None:
    with state.session() as s:
        store.set_setting(session=s, key="school", value=value.school.strip())
        store.set_setting(session=s, key="max_mb", value=int(value.max_mb))
        s.commit()
