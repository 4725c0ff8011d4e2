"""ВПР score → mark scales, stored as versioned data (METHODOLOGY.md §4.2), never as code.

The shipped file ``core/data/vpr_scales.csv`` holds the official 2021 scales (ФИОКО «Описание
проверочной работы» 2021); users add other years in settings (passed in as extra rows).
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from itertools import pairwise

from core.names import canonical_subject

__all__ = [
    "DEFAULT_FORM",
    "MARKS",
    "SCALE_FIELDS",
    "Scale",
    "academic_year",
    "find_scale",
    "load_scales",
    "parse_band",
    "scale_from_form",
    "scale_rows",
    "scales_from_rows",
    "vpr_academic_year",
    "vpr_year",
]

# The columns of core/data/vpr_scales.csv (METHODOLOGY §4.2 «scale record»): user scales are
# kept as rows of the same schema.
SCALE_FIELDS = ("year", "subject", "grade", "work_form", "variant_set", "mark", "min_score",
                "max_score", "max_total", "source_document", "source_url", "verified")
DEFAULT_FORM = "традиционная"
MARKS = (2, 3, 4, 5)
# ВПР have been written since 2015/2016 (spring 2016); a later year than this is a typo.
FIRST_YEAR, LAST_YEAR = 2016, 2100


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
    source_url: str = ""
    user: bool = False  # entered by the user in settings (else shipped with the product)

    @property
    def key(self) -> tuple[int, str, int, str]:
        """The lookup key (year, subject, grade, form)."""
        return (self.year, self.subject, self.grade, self.work_form)

    @property
    def title(self) -> str:
        """«ВПР 2022, Математика, 5 класс, традиционная»."""
        return f"ВПР {self.year}, {self.subject}, {self.grade} класс, {self.work_form}"

    @property
    def label(self) -> str:
        """What a derived mark records as its scale (``results.mark_scale``): the title, whose
        scale it is and its source, so that the page can say which scale was used."""
        whose = "своя шкала" if self.user else "официальная шкала"
        source = f", источник: {self.source}" if self.source else ""
        return f"{self.title} ({whose}{source})"

    @property
    def bands_text(self) -> str:
        """«2: 0–6, 3: 7–10, 4: 11–14, 5: 15–20»."""
        return ", ".join(f"{m}: {_number(low)}–{_number(high)}" for m, low, high in self.bands)

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


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else str(value).replace(".", ",")


def scales_from_rows(rows: Iterable[Mapping[str, object]], *, user: bool = False
                     ) -> tuple[Scale, ...]:
    """Scales from rows of the CSV schema (:data:`SCALE_FIELDS`, one row per mark band)."""
    groups: dict[tuple[int, str, int, str], list[Mapping[str, object]]] = {}
    for row in rows:
        key = (int(str(row["year"])), str(row["subject"]).strip(), int(str(row["grade"])),
               str(row.get("work_form", "") or "").strip() or DEFAULT_FORM)
        groups.setdefault(key, []).append(row)
    scales = []
    for (year, subject, grade, form), group in groups.items():
        bands = tuple(sorted((int(str(r["mark"])), float(str(r["min_score"])),
                              float(str(r["max_score"]))) for r in group))
        first = group[0]
        scales.append(Scale(year, subject, grade, form, bands, float(str(first["max_total"])),
                            str(first.get("source_document", "") or ""),
                            all(str(r.get("verified", "yes") or "yes").strip() == "yes"
                                for r in group),
                            source_url=str(first.get("source_url", "") or ""), user=user))
    return tuple(scales)


def scale_rows(scale: Scale) -> list[dict[str, str]]:
    """The rows of ``scale`` in the CSV schema (the inverse of :func:`scales_from_rows`)."""
    return [{"year": str(scale.year), "subject": scale.subject, "grade": str(scale.grade),
             "work_form": scale.work_form, "variant_set": "", "mark": str(mark),
             "min_score": _number(low).replace(",", "."),
             "max_score": _number(high).replace(",", "."),
             "max_total": _number(scale.max_total).replace(",", "."),
             "source_document": scale.source, "source_url": scale.source_url,
             "verified": "yes" if scale.verified else "no"}
            for mark, low, high in scale.bands]


@lru_cache(maxsize=1)
def load_scales() -> tuple[Scale, ...]:
    text = resources.files("core.data").joinpath("vpr_scales.csv").read_text(encoding="utf-8")
    return scales_from_rows(csv.DictReader(io.StringIO(text)))


def vpr_year(academic_year: str) -> int | None:
    """ВПР are written in spring: academic year «2020/2021» → 2021."""
    try:
        return int(academic_year.split("/")[1])
    except (IndexError, ValueError):
        return None


def academic_year(year: int) -> str:
    """The inverse of :func:`vpr_year`: ВПР 2022 → «2021/2022»."""
    return f"{year - 1}/{year}"


_BARE_YEAR = re.compile(r"^\s*(20\d\d)\s*(?:г\.?|год)?\s*$")
_ACADEMIC = re.compile(r"^\s*(20\d\d)\s*[/\-–—]\s*(20\d\d|\d\d)\s*$")


def vpr_academic_year(text: str) -> str | None:
    """A year typed for a ВПР: «2022» (the spring the work was written) → «2021/2022»;
    «2021/2022», «2021-22» as written; ``None`` when it is neither."""
    m = _ACADEMIC.match(text or "")
    if m:
        first, second = int(m.group(1)), m.group(2)
        last = int(second) if len(second) == 4 else 2000 + int(second)
        return f"{first}/{last}" if last == first + 1 else None
    m = _BARE_YEAR.match(text or "")
    return academic_year(int(m.group(1))) if m else None


_BAND = re.compile(r"^\s*(\d+(?:[.,]\d+)?)\s*(?:[-–—]|\.\.)\s*(\d+(?:[.,]\d+)?)\s*$")


def parse_band(text: str) -> tuple[float, float] | None:
    """«7–10», «7-10», «7 — 10» → (7.0, 10.0); a single «20» → (20.0, 20.0); else ``None``."""
    m = _BAND.match(text or "")
    if m:
        return float(m.group(1).replace(",", ".")), float(m.group(2).replace(",", "."))
    single = (text or "").strip().replace(",", ".")
    if re.fullmatch(r"\d+(?:\.\d+)?", single):
        return float(single), float(single)
    return None


def scale_from_form(*, year: int | None, subject: str, grade: int | None,
                    bands: Mapping[int, str], max_total: float | None, source: str,
                    source_url: str = "", work_form: str = DEFAULT_FORM
                    ) -> tuple[Scale | None, list[str]]:
    """A user's scale from what was typed, or ``None`` and the reasons in Russian.

    Rules (METHODOLOGY §4.2): marks «2»–«5», each a range of primary scores; the ranges are
    contiguous from 0 (the «3» starts right after the end of the «2» …); the top of «5» is
    the maximum of the work; subject from the dictionary; year of the spring the work was
    written; grade 2–11; the source document is required (a scale is never guessed).
    """
    errors: list[str] = []
    if year is None or not FIRST_YEAR <= year <= LAST_YEAR:
        errors.append(f"Год ВПР — год проведения работы, от {FIRST_YEAR} до {LAST_YEAR} "
                      f"(например, 2022 для 2021/2022 учебного года).")
    name, known = canonical_subject(subject) if subject.strip() else ("", False)
    if not known:
        errors.append("Предмет не найден в справочнике: выберите его из списка.")
    if grade is None or not 2 <= grade <= 11:
        errors.append("Класс (параллель) — от 2 до 11.")
    parsed: list[tuple[int, float, float]] = []
    for mark in MARKS:
        text = str(bands.get(mark, "") or "").strip()
        band = parse_band(text)
        if not text:
            errors.append(f"Не указан диапазон баллов для отметки «{mark}».")
        elif band is None:
            errors.append(f"Диапазон для отметки «{mark}» не понят: «{text}»; "
                          f"пишите «от–до», например 7–10.")
        elif band[0] > band[1]:
            errors.append(f"Для отметки «{mark}» начало диапазона ({_number(band[0])}) "
                          f"больше конца ({_number(band[1])}).")
        else:
            parsed.append((mark, *band))
    if len(parsed) == len(MARKS):
        if parsed[0][1] != 0:
            errors.append(f"Диапазон отметки «2» должен начинаться с 0, а не с "
                          f"{_number(parsed[0][1])}.")
        for (mark, _low, high), (nxt, low, _high) in pairwise(parsed):
            if low != high + 1:
                errors.append(f"Диапазоны должны идти подряд: отметка «{nxt}» начинается "
                              f"с {_number(high + 1)} — сразу после конца «{mark}» "
                              f"({_number(high)}), а указано {_number(low)}.")
        if max_total is not None and parsed[-1][2] != max_total:
            errors.append(f"Верхняя граница отметки «5» ({_number(parsed[-1][2])}) должна "
                          f"быть равна максимальному баллу работы ({_number(max_total)}).")
    if max_total is None or max_total <= 0:
        errors.append("Укажите максимальный первичный балл работы.")
    if not source.strip():
        errors.append("Укажите источник шкалы (документ ФИОКО, письмо, приказ): без "
                      "источника шкалу не сохранить.")
    if errors:
        return None, errors
    assert year is not None and grade is not None and max_total is not None
    return Scale(year, name, grade, work_form or DEFAULT_FORM, tuple(parsed),
                 float(max_total), source.strip(), True,
                 source_url=source_url.strip(), user=True), []


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
