"""ВПР score → mark scales, stored as versioned data (METHODOLOGY.md §4.2), never as code.

The shipped file ``core/data/vpr_scales.csv`` holds the official 2021 scales (ФИОКО «Описание
проверочной работы» 2021); users add other years in settings (passed in as extra rows).
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

__all__ = ["Scale", "find_scale", "load_scales", "vpr_year"]


@dataclass(frozen=True)
class Scale:
    year: int
    subject: str
    grade: int
    work_form: str
    bands: tuple[tuple[int, float, float], ...]  # (mark, min_score, max_score)
    max_total: float
    source: str
    verified: bool

    def mark_for(self, score: float) -> int | None:
        """The mark for a primary score; ``None`` when the score is outside every band."""
        for mark, low, high in self.bands:
            if low <= score <= high:
                return mark
        return None

    def minimum(self, mark: int) -> float | None:
        for m, low, _ in self.bands:
            if m == mark:
                return low
        return None


def _parse(text: str) -> list[Scale]:
    groups: dict[tuple[int, str, int, str], list[dict[str, str]]] = {}
    for row in csv.DictReader(io.StringIO(text)):
        key = (int(row["year"]), row["subject"].strip(), int(row["grade"]),
               row.get("work_form", "").strip() or "традиционная")
        groups.setdefault(key, []).append(row)
    scales = []
    for (year, subject, grade, form), rows in groups.items():
        bands = tuple(sorted((int(r["mark"]), float(r["min_score"]), float(r["max_score"]))
                             for r in rows))
        scales.append(Scale(year, subject, grade, form, bands, float(rows[0]["max_total"]),
                            rows[0].get("source_document", ""),
                            all(r.get("verified", "yes").strip() == "yes" for r in rows)))
    return scales


@lru_cache(maxsize=1)
def load_scales() -> tuple[Scale, ...]:
    text = resources.files("core.data").joinpath("vpr_scales.csv").read_text(encoding="utf-8")
    return tuple(_parse(text))


def vpr_year(academic_year: str) -> int | None:
    """ВПР are written in spring: academic year «2020/2021» → 2021."""
    try:
        return int(academic_year.split("/")[1])
    except (IndexError, ValueError):
        return None


def find_scale(*, year: int | None, subject: str, grade: int | None,
               work_form: str = "традиционная", extra: tuple[Scale, ...] = ()) -> Scale | None:
    """The scale for (year, subject, grade, form); ``None`` if not known (then do not derive)."""
    if year is None or grade is None:
        return None
    for scale in (*extra, *load_scales()):
        if (scale.year, scale.subject, scale.grade, scale.work_form) == (year, subject, grade,
                                                                          work_form):
            return scale
    return None
