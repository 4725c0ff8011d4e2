"""Names from the domain: header text, class labels, subjects, periods, procedures, years.

Rules from FORMATS.md §0.2–0.3 and §12.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from enum import StrEnum
from functools import lru_cache
from importlib import resources

from core.tokens import cell_text, memoized

__all__ = [
    "CONTROL_WORKS",
    "INDEPENDENT_PROCEDURES",
    "PERIODS",
    "TERM_PROCEDURE",
    "ClassLabel",
    "ProcedureKind",
    "canonical_period",
    "canonical_procedure",
    "canonical_subject",
    "canonical_year",
    "grade_of",
    "is_participant_code",
    "normalize_header",
    "parse_class_label",
    "period_order",
    "procedure_kind",
    "pupil_key",
    "pupil_likeness",
    "teacher_short_name",
]

_WS = re.compile(r"\s+")


@memoized
def normalize_header(value: object) -> str:
    """Lower case, ё→е, whitespace collapsed (incl. newlines), trailing dots/colons stripped."""
    text = cell_text(value).lower().replace("ё", "е")
    text = _WS.sub(" ", text).strip()
    return text.rstrip(".:").strip()


# Latin look-alikes of Cyrillic capitals (FORMATS §0.3).
_LOOKALIKE = str.maketrans({"A": "А", "B": "В", "C": "С", "E": "Е", "K": "К", "M": "М", "H": "Н",
                            "O": "О", "P": "Р", "T": "Т", "X": "Х", "Y": "У"})
# Matched on upper-cased text, hence «КЛАСС»/«КЛ.» in capitals.
_CLASS = re.compile(
    r'^(\d{1,2})\s*[-–\s"«»\']*\s*([А-ЯЁ]{0,2}|\d{0,1})\s*["»\']?\s*(?:КЛАСС|КЛ\.?)?$')
_LETTER_ONLY = re.compile(r"^([А-ЯЁ])$")
_NO_LETTER = {"НЕТ", "-", ""}


@dataclass(frozen=True)
class ClassLabel:
    label: str  # canonical «8А», «11» (no letter), or the raw text when not understood
    grade: int | None
    understood: bool


@memoized
def parse_class_label(value: object, *, grade: int | None = None) -> ClassLabel:
    """Canonical class label from `8А`, `8 а`, `8-А`, `8A`, `11`, `А` (+ grade), `нет` (+ grade);
    numbered classes `5-1`, `5 1` → `5-1`."""
    raw = cell_text(value)
    text = raw.upper().translate(_LOOKALIKE).replace("Ё", "Е")
    text = _WS.sub(" ", text).strip()
    # «8 класс», «8А кл.», «8 кл»: the word is not part of the label.
    text = re.sub(r"(?<=[\dА-ЯЁ\"»'])\s*(КЛАСС|КЛ\.?)$", "", text).strip()
    if text in _NO_LETTER:
        if grade is not None and text:
            return ClassLabel(str(grade), grade, True)
        return ClassLabel(raw, grade, False)
    m = _CLASS.match(text)
    if m:
        g = int(m.group(1))
        if 1 <= g <= 12:
            # A numbered class keeps its hyphen: «5-1» (not «51», read back as grade 51) and
            # «1-1» (not «11», another class altogether).
            suffix = m.group(2)
            return ClassLabel(f"{g}-{suffix}" if suffix.isdigit() else f"{g}{suffix}", g, True)
    m = _LETTER_ONLY.match(text)
    if m and grade is not None:
        return ClassLabel(f"{grade}{m.group(1)}", grade, True)
    return ClassLabel(raw, grade, False)


def grade_of(label: str) -> int | None:
    m = re.match(r"^(\d{1,2})", label or "")
    return int(m.group(1)) if m else None


@lru_cache(maxsize=1)
def _subject_synonyms() -> dict[str, str]:
    text = resources.files("core.data").joinpath("subjects.csv").read_text(encoding="utf-8")
    table: dict[str, str] = {}
    for row in csv.DictReader(text.splitlines()):
        canonical = row["canonical"].strip()
        table[normalize_header(canonical)] = canonical
        table[normalize_header(row["synonym"])] = canonical
    return table


def _compact(key: str) -> str:
    return key.replace(" ", "").rstrip(".")


@lru_cache(maxsize=1)
def _compact_synonyms() -> dict[str, str]:
    """Synonyms keyed without spaces; a key that two subjects share is left out."""
    table: dict[str, str] = {}
    clash: set[str] = set()
    for key, canonical in _subject_synonyms().items():
        c = _compact(key)
        if table.get(c, canonical) != canonical:
            clash.add(c)
        table[c] = canonical
    return {k: v for k, v in table.items() if k not in clash}


_GROUP_WORDS = re.compile(r"\s*[,(]?\s*(девочки|мальчики|девушки|юноши|\d+\s*(?:-?я\s*)?(?:под)?группа"
                          r"|(?:под)?группа\s*\d*)\s*\)?")


def known_subjects() -> set[str]:
    return set(_subject_synonyms().values())


@memoized
def canonical_subject(value: object) -> tuple[str, bool]:
    """(canonical name, known). Unknown names are kept as written (trimmed) for the user to map."""
    raw = _WS.sub(" ", cell_text(value)).strip()
    key = normalize_header(raw)
    table = _subject_synonyms()
    if key in table:
        return table[key], True
    # Abbreviations typed with or without spaces after the dots: «Англ.яз.» = «Англ. яз.».
    compact = _compact_synonyms().get(_compact(key))
    if compact is not None:
        return compact, True
    # Groups of one subject: «Труд (Технология девочки)», «Английский язык (1 группа)».
    grouped = _GROUP_WORDS.sub("", key).replace("()", "").strip(" ()")
    if grouped != key:
        inner = re.search(r"\(([^()]*)\)", key)
        for variant in (grouped, _GROUP_WORDS.sub("", inner.group(1)).strip() if inner else ""):
            if variant in table:
                return table[variant], True
    # «Русскому языку», «по математике»: strip a leading «по» and try dative/prepositional endings.
    key2 = re.sub(r"^по\s+", "", key)
    for variant in (key2, re.sub(r"ому языку$", "ий язык", key2), re.sub(r"е$", "а", key2),
                    re.sub(r"и$", "я", key2), re.sub(r"ии$", "ия", key2)):
        if variant in table:
            return table[variant], True
    return raw, False


# Canonical periods in display order (summary.csv «Период»).
PERIODS = (
    "1 четверть", "2 четверть", "3 четверть", "4 четверть",
    "1 полугодие", "2 полугодие",
    "1 триместр", "2 триместр", "3 триместр",
    "Год", "Итоговая",
)
_ROMAN = {"i": "1", "ii": "2", "iii": "3", "iv": "4"}
_PERIOD_RE = re.compile(
    r"^(i{1,3}|iv|[1-4])\s*-?\s*(?:я|й|ая|ое)?\s*(четв|ч|полуг|пол|п/г|трим|тр)[а-я.]*$"
)


@memoized
def canonical_period(value: object) -> str | None:
    """«1 Четверть», «I полугодие», «1ч», «год», «Год. оценка», «итог» → canonical period;
    ``None`` when not a period."""
    key = normalize_header(value)
    if not key:
        return None
    if key in {"год", "годовая", "годовая отметка", "год. оценка", "год оценка", "годовая оценка"}:
        return "Год"
    if key in {"итог", "итоговая", "итоговая отметка", "итог. оценка", "итог оценка",
               "итоговая оценка"}:
        return "Итоговая"
    m = _PERIOD_RE.match(key)
    if m:
        number = _ROMAN.get(m.group(1), m.group(1))
        kind = m.group(2)
        if kind.startswith("ч"):
            name = f"{number} четверть"
        elif kind.startswith("п"):
            name = f"{number} полугодие"
        else:
            name = f"{number} триместр"
        return name if name in PERIODS else None
    return None


def period_order(period: str) -> int:
    return PERIODS.index(period) if period in PERIODS else len(PERIODS)


TERM_PROCEDURE = "Отметки за период"


class ProcedureKind(StrEnum):
    """What a procedure is, for the rules that differ by kind (the summary key, the store)."""

    TERM = "term"  # marks for a period
    VPR = "vpr"
    OGE = "oge"
    EGE = "ege"
    WORK = "work"  # a school's or region's own control work, written on a date


# Independent procedures known by name; any other text is kept as written (kind WORK).
CONTROL_WORKS = ("Входная КР", "Административная КР", "Рубежная КР", "Итоговая КР",
                 "Контрольная работа", "Региональная ДР")
INDEPENDENT_PROCEDURES = ("ВПР", "ОГЭ", "ЕГЭ", *CONTROL_WORKS)
_NATIONAL = {"ВПР": ProcedureKind.VPR, "ОГЭ": ProcedureKind.OGE, "ЕГЭ": ProcedureKind.EGE}
_TERM_KINDS = {"четвертная", "полугодовая", "триместровая", "годовая", "итоговая",
               "отметки за период", "отметка за период", "промежуточная аттестация"}
_KR = r"(кр|к/р|контрольная работа|контрольная)"
_WORK_PATTERNS = (
    (re.compile(rf"^(входная|входящая|стартовая)\s*{_KR}$"), "Входная КР"),
    (re.compile(rf"^(административная|адм\.?)\s*{_KR}$|^акр$"), "Административная КР"),
    (re.compile(rf"^(рубежная|промежуточная|полугодовая)\s*{_KR}$"), "Рубежная КР"),
    (re.compile(rf"^(итоговая|годовая)\s*{_KR}$"), "Итоговая КР"),
    (re.compile(rf"^{_KR}$"), "Контрольная работа"),
    (re.compile(r"^(региональная|рег\.?)\s*(др|диагностическая работа)$|^рдр$"),
     "Региональная ДР"),
)


@memoized
def canonical_procedure(value: object) -> str:
    """Term-mark kinds → «Отметки за период»; ВПР/ОГЭ/ЕГЭ; each kind of control work keeps its
    kind («Входная КР», «Рубежная КР», «Итоговая КР», «Региональная ДР» …); anything else is
    kept as written."""
    raw = _WS.sub(" ", cell_text(value)).strip()
    key = normalize_header(raw)
    if key in _TERM_KINDS:
        return TERM_PROCEDURE
    for name in _NATIONAL:
        if key == name.lower() or key.startswith(name.lower() + " "):
            return name
    for pattern, name in _WORK_PATTERNS:
        if pattern.match(key):
            return name
    return raw


def procedure_kind(procedure: str) -> ProcedureKind:
    """The kind of a canonical procedure name (anything not term or national is a work)."""
    if procedure == TERM_PROCEDURE:
        return ProcedureKind.TERM
    return _NATIONAL.get(procedure, ProcedureKind.WORK)


_YEAR = re.compile(r"(20\d\d)\s*[/\-–—]\s*(20\d\d|\d\d)")


@memoized
def canonical_year(value: object) -> str | None:
    """«2024/2025», «2024-2025», «2024–25» → «2024/2025»; ``None`` when absent or inconsistent."""
    m = _YEAR.search(cell_text(value))
    if not m:
        return None
    first = int(m.group(1))
    second_raw = m.group(2)
    second = int(second_raw) if len(second_raw) == 4 else 2000 + int(second_raw)
    if second != first + 1:
        return None
    return f"{first}/{second}"


_INITIAL = re.compile(r"^[А-ЯЁA-Z]\.$")


@memoized
def teacher_short_name(value: object) -> str:
    """«Иванова Ирина Ивановна» → «Иванова И.И.»; «Иванова И. И.» and «И.И. Иванова» →
    «Иванова И.И.»."""
    text = _WS.sub(" ", cell_text(value)).strip()
    if not text:
        return ""
    parts = text.replace(".", ". ").split()
    # «И.И. Иванова»: initials first, surname last.
    if len(parts) > 1 and _INITIAL.match(parts[0]) and not _INITIAL.match(parts[-1]):
        parts = [parts[-1], *parts[:-1]]
    surname, rest = parts[0], parts[1:]
    initials = "".join(p[0].upper() + "." for p in rest if p.strip("."))
    return f"{surname} {initials}".strip()


_CODE = re.compile(r"^\S*\d\S*$")


def is_participant_code(pupil: str) -> bool:
    """«50001», «0012», «ЛО-5001»: a participant code (one word with a digit), not a name. A
    code belongs to its school year (ВПР codes are reissued every year); a name to its class."""
    return bool(_CODE.match(pupil))


def pupil_key(pupil: str) -> str:
    """The form in which two spellings of one pupil's name compare equal: case, «ё»/«е», spaces
    and an added patronymic do not matter («ИВАНОВ  Иван Петрович» ~ «Иванов Иван»). A
    participant code compares as written (without surrounding spaces)."""
    text = _WS.sub(" ", pupil).strip()
    if is_participant_code(text):
        return text
    words = text.lower().replace("ё", "е").split(" ")
    return " ".join(words[:2])


def pupil_likeness(pupil: str) -> str:
    """A looser form: surname and the first letter of the given name («Иванов И.» ~ «Иванов
    Иван»), to notice a list that repeats another in a different spelling."""
    words = pupil_key(pupil).replace(".", " ").split()
    if len(words) < 2 or is_participant_code(pupil.strip()) or not words[1][0].isalpha():
        return pupil_key(pupil)  # «Ученик 01»: a numbered placeholder, not a name
    return f"{words[0]} {words[1][0]}"
