"""User settings kept in the store (so that every session and page sees them)."""

from __future__ import annotations

from dataclasses import dataclass

from core.workbook import DEFAULT_MAX_BYTES, DEFAULT_MAX_CELLS
from dashboard import services

__all__ = ["TIME_ZONES", "Settings", "current", "save"]

# The school's clock for times on screen (stored in UTC). Russian zones, west to east.
TIME_ZONES = {
    "Europe/Kaliningrad": "Калининград (МСК−1)", "Europe/Moscow": "Москва (МСК)",
    "Europe/Samara": "Самара (МСК+1)", "Asia/Yekaterinburg": "Екатеринбург (МСК+2)",
    "Asia/Omsk": "Омск (МСК+3)", "Asia/Krasnoyarsk": "Красноярск (МСК+4)",
    "Asia/Irkutsk": "Иркутск (МСК+5)", "Asia/Yakutsk": "Якутск (МСК+6)",
    "Asia/Vladivostok": "Владивосток (МСК+7)", "Asia/Magadan": "Магадан (МСК+8)",
    "Asia/Kamchatka": "Камчатка (МСК+9)",
}


@dataclass(frozen=True)
class Settings:
    school: str = ""  # default school for files that do not name one
    max_mb: int = DEFAULT_MAX_BYTES // (1024 * 1024)
    # the largest filled area of a sheet, in millions of cells (core.workbook)
    max_mcells: int = DEFAULT_MAX_CELLS // 1_000_000
    timezone: str = services.DEFAULT_TIME_ZONE

    @property
    def max_bytes(self) -> int:
        return self.max_mb * 1024 * 1024

    @property
    def max_cells(self) -> int:
        return self.max_mcells * 1_000_000


def current() -> Settings:
    default = Settings()
    zone = str(services.get_setting("timezone", default.timezone))
    return Settings(
        school=str(services.get_setting("school", "")),
        max_mb=int(services.get_setting("max_mb", default.max_mb)),
        max_mcells=int(services.get_setting("max_mcells", default.max_mcells)),
        timezone=zone if zone in TIME_ZONES else default.timezone,
    )


def save(value: Settings) -> None:
    services.set_settings({"school": value.school.strip(), "max_mb": int(value.max_mb),
                           "max_mcells": int(value.max_mcells), "timezone": value.timezone})
