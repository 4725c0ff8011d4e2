"""Dates of procedures and lessons: «дд.мм.гггг» in the canonical tables, ISO in the store."""

from __future__ import annotations

import datetime as dt
import re

__all__ = ["academic_year_of", "canonical_date", "date_sort_key", "format_date", "parse_date"]

_RU_DATE = re.compile(r"^(\d{1,2})\.(\d{1,2})\.(\d{4})$")
_ISO_DATE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")


def parse_date(text: str) -> dt.date | None:
    """«15.04.2025», «15.4.2025» or «2025-04-15» → date(2025, 4, 15); ``None`` for «» or
    anything that is not a real date."""
    text = text.strip() if text else ""
    m = _RU_DATE.match(text)
    if m:
        day, month, year = m.group(1), m.group(2), m.group(3)
    else:
        m = _ISO_DATE.match(text)
        if not m:
            return None
        year, month, day = m.group(1), m.group(2), m.group(3)
    try:
        return dt.date(int(year), int(month), int(day))
    except ValueError:
        return None


def canonical_date(text: str) -> str | None:
    """The one spelling of a date in the canonical tables: «15.4.2025» → «15.04.2025»; «» stays
    «»; ``None`` when the text is not a date."""
    if not text or not text.strip():
        return ""
    value = parse_date(text)
    return None if value is None else format_date(value)


def format_date(value: dt.date | None) -> str:
    """date(2025, 4, 15) → «15.04.2025»; ``None`` → «»."""
    return "" if value is None else f"{value.day:02d}.{value.month:02d}.{value.year:04d}"


def date_sort_key(text: object) -> str:
    """ISO text that sorts «дд.мм.гггг» by time; «» (no date) sorts first."""
    parsed = parse_date(str(text)) if text else None
    return parsed.isoformat() if parsed else ""


def academic_year_of(value: dt.date) -> str:
    """The school year a date falls in: September–December → «2021/2022» for 2021, January–August
    → «2021/2022» for 2022 (the school year starts on 1 September)."""
    first = value.year if value.month >= 9 else value.year - 1
    return f"{first}/{first + 1}"
