"""Metadata proposed from an upload's file name and folders, e.g. «Проведение работы по
математике, 5 класс. ВПР 2021.xlsx» or ``2022/6/Русскому языку.xlsx``.

Only a proposal for the upload page and the CLI: the registry never looks at the name to
choose a reader (FORMATS.md: layouts are recognised by header signature).
"""

from __future__ import annotations

import re

from core.model import Metadata
from core.names import canonical_subject, canonical_year

__all__ = ["propose_metadata"]

_VPR_YEAR = re.compile(r"впр\D{0,3}(20\d\d)", re.IGNORECASE)
_BARE_YEAR = re.compile(r"^(20\d\d)$")
_GRADE = re.compile(r"(?<!\d)(\d{1,2})\s*(?:-?\s*й\s*)?(?:класс|кл\b|кл\.)", re.IGNORECASE)
_FOLDER_GRADE = re.compile(r"^(\d{1,2})$")
_SEGMENT = re.compile(r"[,.;()_]+")
_LEAD = re.compile(r"^(?:проведение\s+работы\s+|результаты\s+|впр\s+)?(?:по\s+)?", re.IGNORECASE)


def _spring_to_academic(year: int) -> str:
    """ВПР are written in spring: ВПР 2021 belongs to the academic year «2020/2021»."""
    return f"{year - 1}/{year}"


def propose_metadata(file_name: str) -> Metadata:
    """Year, subject and grade guessed from the name; empty fields when nothing fits.

    Year: «2020/2021» / «2020-2021» as written; «ВПР 2021» or a folder named «2021» → «2020/2021».
    Grade: «5 класс», «5 кл.»; else a folder named with a number 1–11 holding the file (or
    holding its subject folder: «6/Обществознание/ALL.xlsx»).
    Subject: a segment of the name that the subject dictionary knows («по математике»,
    «Русскому языку», «Математика»); else the folder holding the file.
    """
    parts = [p for p in re.split(r"[\\/]+", file_name.strip()) if p]
    if not parts:
        return Metadata()
    stem = re.sub(r"\.(xlsx|xlsm|xls|ods|csv)$", "", parts[-1], flags=re.IGNORECASE)
    folders = parts[:-1]

    year = canonical_year(stem) or ""
    if not year:
        m = _VPR_YEAR.search(stem)
        if m:
            year = _spring_to_academic(int(m.group(1)))
    if not year:
        for folder in reversed(folders):
            year = canonical_year(folder) or ""
            m = _BARE_YEAR.match(folder.strip())
            if not year and m:
                year = _spring_to_academic(int(m.group(1)))
            if year:
                break

    grade: int | None = None
    m = _GRADE.search(stem)
    if m and 1 <= int(m.group(1)) <= 11:
        grade = int(m.group(1))
    subject = _subject(stem)
    # A work description sits in «<grade>/<Subject>/ALL.xlsx»: a subject folder above the file.
    subject_folder = _subject(folders[-1]) if folders and not subject else ""
    if grade is None and folders:
        fm = _FOLDER_GRADE.match(folders[-2 if subject_folder and len(folders) > 1 else -1]
                                 .strip())
        if fm and 1 <= int(fm.group(1)) <= 11:
            grade = int(fm.group(1))
    return Metadata(year=year, subject=subject or subject_folder, grade=grade)


def _subject(stem: str) -> str:
    """A segment of ``stem`` that the subject dictionary knows, canonical; «» when none."""
    words = stem.split()
    candidates = [stem, *_SEGMENT.split(stem),
                  *(" ".join(words[i:i + 2]) for i in range(len(words) - 1)), *words]
    for text in candidates:
        text = _LEAD.sub("", _GRADE.sub("", _VPR_YEAR.sub("", text))).strip()
        if not text:
            continue
        name, known = canonical_subject(text)
        if known:
            return name
    return ""
