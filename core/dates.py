"""Dates of procedures and lessons: «дд.мм.гггг» in the canonical tables, ISO in the store."""

from __future__ import annotations

import datetime as dt
import re

__all__ = ["date_sort_key", "format_date", "parse_date"]

_RU_DATE = re.compile(r"^(\d{1,2})\.(\d{1,2})\.(\d{4})$")


def parse_date(text: str) -> dt.date | None:
    """«15.04.2025» → date(2025, 4, 15); ``None`` for «» or anything that is not a real date."""
    m = _RU_DATE.match(text.strip()) if text else None
    if not m:
        return None
    try:
        return dt.date(int(m.group(3)), int(m.group(2)), int(m.group(1)))
    except ValueError:
        return None


def format_date(value: dt.date | None) -> str:
    """date(2025, 4, 15) → «15.04.2025»; ``None`` → «»."""
    return "" if value is None else f"{value.day:02d}.{value.month:02d}.{value.year:04d}"


def date_sort_key(text: object) -> str:
    """ISO text that sorts «дд.мм.гггг» by time; «» (no date) sorts first."""
    parsed = parse_date(str(text)) if text else None
    return parsed.isoformat() if parsed else ""
