"""Readers: each recognises its layout by content (header signature) and turns sheets into
canonical tables. :func:`parse_file` is the single entry point: bytes → :class:`ParsedFile`.

A reader module provides ``LAYOUT``, ``TITLE``, ``detect(sheets) -> bool`` and
``parse(sheets, *, file_name, metadata) -> (dict of canonical frames, problems)``.
"""

from __future__ import annotations

import hashlib
from dataclasses import replace
from types import ModuleType
from typing import cast

import pandas as pd

from core.dates import canonical_date
from core.model import TABLES, Metadata, ParsedFile, empty_frame, normalise_table
from core.names import canonical_subject, known_subjects, normalize_header, parse_class_label
from core.problems import Problem, Severity, UnknownLayoutError
from core.readers import (
    destinations,
    exam_protocol,
    load,
    netschool_report,
    netschool_tabel,
    reference,
    template,
    vpr_description,
    vpr_dump,
    vpr_protocol,
    vpr_report,
    wide_sheet,
)
from core.scales import Scale, find_scale, vpr_year
from core.summary import repeated_results
from core.workbook import DEFAULT_MAX_BYTES, DEFAULT_MAX_CELLS, Sheet, read_workbook

__all__ = [
    "READERS", "apply_metadata", "derive_vpr_marks", "detect_layout", "missing_metadata",
    "parse_file",
    "parse_sheets",
]

# Order matters: the most specific signatures first; the generic ones last.
READERS: list[ModuleType] = [
    netschool_tabel, netschool_report, vpr_report, vpr_protocol, vpr_dump, vpr_description,
    exam_protocol, destinations, reference, template, load, wide_sheet,
]


def detect_layout(sheets: list[Sheet]) -> ModuleType | None:
    for reader in READERS:
        if reader.detect(sheets):
            return reader
    return None


def parse_sheets(sheets: list[Sheet], *, file_name: str, sha256: str = "",
                 metadata: Metadata = Metadata(), scales: tuple[Scale, ...] = ()) -> ParsedFile:
    reader = detect_layout(sheets)
    if reader is None:
        raise UnknownLayoutError(
            file_name, "формат файла не распознан: " + _layout_hint(sheets)
            + "; сопоставьте столбцы вручную")
    frames, problems = reader.parse(sheets, file_name=file_name, metadata=metadata)
    tables = {name: normalise_table(name, frames.get(name, empty_frame(())))
              for name in TABLES}
    tables["tasks"] = _with_positions(frames.get("tasks", empty_frame(())), tables["tasks"])
    parsed = ParsedFile(
        file_name=file_name, sha256=sha256, layout=reader.LAYOUT, layout_title=reader.TITLE,
        **tables, problems=tuple(problems), metadata=metadata,
    )
    return apply_metadata(parsed, metadata, scales=scales)


def _with_positions(raw: pd.DataFrame, tasks: pd.DataFrame) -> pd.DataFrame:
    """Task order in the file (1, 2, …) where the reader did not give it: readers list a
    pupil's tasks in column order, so the first appearance of each task is its place."""
    if tasks.empty or ("position" in raw.columns and raw["position"].notna().all()):
        return tasks
    codes, _uniques = pd.factorize(tasks["task"])
    return tasks.assign(position=codes + 1)


def _layout_hint(sheets: list[Sheet]) -> str:
    """What the file resembles, to make «не распознан» useful."""
    if not any(sheet.height for sheet in sheets):
        return "в файле нет заполненных ячеек"
    names = {normalize_header(s.name) for s in sheets}
    firsts = {normalize_header(sheet.text(r, 0)).split(":")[0]
              for sheet in sheets for r in range(min(sheet.height, 60))}
    if {"ученик", "учебный год", "класс"} <= firsts:
        return ("похоже на отчёт «Сетевого города» (есть строки «Учебный год:», «Класс:», "
                "«Ученик:»), но шапка таблицы с предметами и периодами не найдена")
    if "протокол" in names:
        return ("похоже на протокол ФИС ОКО (есть лист «Протокол»), но не найдены столбцы "
                "«Код», «Вариант» и баллы за задания вида «1 (1б)»")
    return ("не найдена строка заголовков ни одного известного макета (шаблон ВСОКО, "
            "«Сетевой город», ФИС ОКО, протоколы ОГЭ/ЕГЭ, ведомость отметок, нагрузка учителей)")


def parse_file(data: bytes, file_name: str, *, metadata: Metadata = Metadata(),
               max_bytes: int = DEFAULT_MAX_BYTES, max_cells: int = DEFAULT_MAX_CELLS,
               scales: tuple[Scale, ...] = ()) -> ParsedFile:
    """Bytes of one upload → canonical tables and problems.

    Raises :class:`~core.problems.ParseError` (with a Russian message naming the file) when the
    file cannot be read at all or its layout is not recognised.
    """
    sheets = read_workbook(data, file_name, max_bytes=max_bytes, max_cells=max_cells)
    return parse_sheets(sheets, file_name=file_name, sha256=hashlib.sha256(data).hexdigest(),
                        metadata=metadata, scales=scales)


def missing_metadata(parsed: ParsedFile) -> list[str]:
    """Fields («year», «subject», «grade», «period») that the user (or a CLI option) must supply:
    some result rows lack them, or an error says the file could not be read without them."""
    r = parsed.results
    lacking = {p.needs for p in parsed.problems if p.needs and p.severity is Severity.ERROR}
    if not r.empty:
        lacking |= {name for name, empty in (("year", (r["year"] == "").any()),
                                             ("subject", (r["subject"] == "").any()),
                                             ("grade", r["grade"].isna().any())) if empty}
    return [f for f in ("year", "subject", "grade", "period") if f in lacking]


def apply_metadata(parsed: ParsedFile, metadata: Metadata, *,
                   scales: tuple[Scale, ...] = ()) -> ParsedFile:
    """Fill what the file lacks from ``metadata``, derive ВПР marks from a known scale, and note
    unknown subjects. Values present in the file are never overwritten."""
    results = parsed.results.copy()
    problems: list[Problem] = []
    if not results.empty:
        for col, value in (("school", metadata.school), ("year", metadata.year),
                           ("subject", metadata.subject), ("procedure", metadata.procedure),
                           ("date", metadata.date)):
            if value:
                results.loc[results[col] == "", col] = value
        if metadata.grade is not None:
            no_grade = results["grade"].isna()
            fixed = [parse_class_label(v, grade=metadata.grade)
                     for v in results.loc[no_grade, "class_label"]]
            results.loc[no_grade, "class_label"] = [f.label for f in fixed]
            results.loc[no_grade, "grade"] = [f.grade for f in fixed]
        results["subject"] = [canonical_subject(s)[0] if s else s for s in results["subject"]]
        _canonical_dates(results, parsed.file_name, problems)
        _derive_vpr_marks(results, parsed, scales, problems)
        problems.extend(repeated_results(results, file_name=parsed.file_name))
        known = known_subjects()
        for subject in sorted({s for s in results["subject"] if s and s not in known}):
            problems.append(Problem(file=parsed.file_name, column="Предмет", value=subject,
                                    message="предмет не найден в справочнике; он сохранится "
                                            "под этим названием"))
    others: dict[str, pd.DataFrame] = {}
    if metadata.school:  # every table belongs to a school
        for name in ("lessons", "teacher_load", "destinations"):
            frame: pd.DataFrame = getattr(parsed, name)
            if not frame.empty and (frame["school"] == "").any():
                frame = frame.copy()
                frame.loc[frame["school"] == "", "school"] = metadata.school
                others[name] = frame
    return replace(parsed, results=results, metadata=metadata,
                   problems=parsed.problems + tuple(problems),
                   **others)  # type: ignore[arg-type]


def _canonical_dates(results: pd.DataFrame, file_name: str, problems: list[Problem]) -> None:
    """One spelling of every date («15.4.2025» and «2025-04-15» are «15.04.2025»), so that the
    CLI, the store and the intake rules compare the same text; a date that is not one is an
    error on its row (it would otherwise be lost)."""
    texts = results["date"].astype(str)
    fixed = {t: canonical_date(t) for t in set(texts)}
    bad = results[[fixed[t] is None for t in texts]]
    for text, sheet, row in zip(bad["date"], bad["source_sheet"], bad["source_row"], strict=True):
        problems.append(Problem(
            file=file_name, sheet=str(sheet), row=None if pd.isna(row) else int(row),
            column="Дата", value=str(text),
            severity=Severity.ERROR,
            message="дата не распознана (ожидается дд.мм.гггг, например 15.04.2025)"))
    results["date"] = [fixed[t] or "" for t in texts]


def _derive_vpr_marks(results: pd.DataFrame, parsed: ParsedFile, scales: tuple[Scale, ...],
                      problems: list[Problem]) -> None:
    need = (results["procedure"] == "ВПР") & (results["mark"] == "") & results[
        "primary_score"].notna()
    if not need.any():
        return
    groups = results[need].groupby(["year", "subject", "grade"], dropna=False).groups
    for group_key, idx in groups.items():
        year, subject, grade = cast("tuple[str, str, float]", group_key)
        scale = find_scale(year=vpr_year(str(year)), subject=str(subject),
                           grade=None if pd.isna(grade) else int(grade), extra=scales)
        if scale is None:
            problems.append(Problem(
                file=parsed.file_name, severity=Severity.WARNING, column="Отметка",
                message=f"нет шкалы перевода баллов ВПР для «{subject}», {grade} класс, "
                        f"{year}: отметки не выведены, показаны только первичные баллы; "
                        f"заполните столбец «Отметка» или загрузите отчёт ФИС ОКО с отметками"))
            continue
        if not scale.verified:
            problems.append(Problem(
                file=parsed.file_name, severity=Severity.WARNING, column="Отметка",
                message=f"отметки ВПР «{subject}», {grade} класс, {year} выведены по шкале, не "
                        f"сверенной с документом ФИОКО ({scale.source}); проверьте границы "
                        f"в «Настройках» или загрузите отчёт ФИС ОКО с отметками"))
        marks = [scale.mark_for(float(s)) for s in results.loc[idx, "primary_score"]]
        results.loc[idx, "mark"] = [str(m) if m is not None else "" for m in marks]
        # which scale gave each mark: the store re-derives these when a scale changes
        results.loc[idx, "mark_scale"] = [scale.label if m is not None else "" for m in marks]


def derive_vpr_marks(parsed: ParsedFile, scales: tuple[Scale, ...]) -> ParsedFile:
    """``parsed`` with the ВПР marks that ``scales`` (and the shipped scales) give where the
    file left them empty; marks already there (the file's, or derived before) are kept. Used
    when saving a file read before the user added a scale."""
    results = parsed.results.copy()
    before = results["mark"].copy()
    _derive_vpr_marks(results, parsed, scales, [])
    if results["mark"].equals(before):
        return parsed
    return replace(parsed, results=results)
