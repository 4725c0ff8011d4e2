"""ВПР work descriptions (FORMATS.md §10, «Описание работы») → the ``task_catalog`` table.

* ALL.xlsx — one row per task × КЭС × КТ pair: a task spans several rows (``6/Обществознание``:
  1 031 rows, 17 tasks). The task's number, level, maximum and skill text come from its first
  row, never a sum over rows; its КЭС and КТ codes are gathered from all its rows. The number is
  taken from «№ КИМ» / «№ по КИМу» and spelled as the result files spell it («1.0» → «1»,
  «5K1» with a Latin K → «5К1»); the «№» column is only a running count and is not read.
* KS.xlsx / KT.xlsx — code dictionaries («Код» | text), kept as rows without a task (``part``
  «ks» / «kt»), so that the codes of ALL rows get their texts whichever file came first.

Subject, grade and year are not in the files: they come from the metadata (the upload form, CLI
options, or the folders ``<grade>/<Subject>/ALL.xlsx`` through :mod:`core.readers.filename`).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import replace

import pandas as pd

from core.model import CATALOG_COLUMNS, Metadata
from core.names import canonical_subject, normalize_header
from core.problems import Problem, Severity
from core.readers.common import column_letter
from core.scales import find_scale
from core.tokens import parse_number
from core.workbook import Sheet

__all__ = ["LAYOUT", "TITLE", "catalog_year", "detect", "parse", "task_number"]

LAYOUT = "vpr_description"
TITLE = "Описание работы ВПР (уровни, КЭС, КТ, максимальные баллы)"

_TASK_NUMBER = {"№ ким", "№ по киму", "№ по ким", "номер задания"}
_CODE = {"код", "код требования", "код кэс", "код кт", "код элемента", "код умения"}
_DICTIONARY = ("проверяемые ", "элементы содержания", "основные умения", "описание требований",
               "требования к уровню подготовки")
_LEVELS = {"б": "Б", "п": "П", "в": "В", "b": "В", "p": "П"}  # Latin look-alikes too
_NUMBER = re.compile(r"^\d+(\.\d+)?(\(\d+\))?(К\d+)?$")

# ALL.xlsx columns: canonical field → predicate on the normalised header.
_FIELDS: dict[str, Callable[[str], bool]] = {
    "task": lambda t: t in _TASK_NUMBER,
    "skill": lambda t: t.startswith("умения"),
    "level": lambda t: t == "уровень сложности",
    "kes": lambda t: t == "код кэс",
    "kt": lambda t: t == "код кт",
    "max_score": lambda t: t.startswith("максимальный балл"),
}


def _is_all(texts: set[str]) -> bool:
    return bool(texts & _TASK_NUMBER) and "уровень сложности" in texts and bool(
        texts & {"код кэс", "код кт"})


def _is_dictionary(texts: list[str]) -> bool:
    filled = [t for t in texts if t]
    return (len(filled) == 2 and filled[0] in _CODE
            and filled[1].startswith(_DICTIONARY))


def _kind(sheet: Sheet) -> tuple[str, int] | None:
    """(«ALL» or «KS/KT», header row) of a description sheet."""
    for r in range(min(5, sheet.height)):
        texts = [normalize_header(v) for v in sheet.rows[r]]
        if _is_all(set(texts)):
            return "ALL", r
        if _is_dictionary(texts):
            return "KS/KT", r
    return None


def detect(sheets: list[Sheet]) -> bool:
    return any(_kind(s) is not None for s in sheets)


def task_number(text: str) -> str:
    """«1.0» → «1», «5K1» → «5К1», «10.2 К2» → «10.2К2» (as result files write the task)."""
    name = re.sub(r"\s+", "", text).replace("K", "К").replace("k", "К").replace("к", "К")
    return re.sub(r"^(\d+)\.0$", r"\1", name)


def catalog_year(year: str) -> str:
    """The ВПР year of a description: «2020/2021» (an academic year) or «2021» → «2021»."""
    text = year.strip()
    return text.split("/")[-1].strip() if text else ""


def parse(sheets: list[Sheet], *, file_name: str, metadata: Metadata
          ) -> tuple[dict[str, pd.DataFrame], list[Problem]]:
    rows: list[dict[str, object]] = []
    problems: list[Problem] = []
    for sheet in sheets:
        found = _kind(sheet)
        if found is None:
            continue
        kind, header = found
        if kind == "ALL":
            rows += _parse_tasks(sheet, header, file_name, problems)
        else:
            rows += _parse_dictionary(sheet, header, file_name, problems)
    subject = canonical_subject(metadata.subject)[0] if metadata.subject else ""
    metadata = replace(metadata, subject=subject)
    frame = pd.DataFrame(rows, columns=list(CATALOG_COLUMNS))
    frame["year"] = catalog_year(metadata.year)
    frame["subject"] = subject
    frame["grade"] = metadata.grade
    problems += _total_check(frame, file_name, metadata)
    return {"task_catalog": frame}, problems


def _problem(file_name: str, sheet: Sheet, row: int | None, column: str, value: str,
             message: str, severity: Severity = Severity.WARNING) -> Problem:
    return Problem(file=file_name, sheet=sheet.name, row=row, column=column, value=value,
                   message=message, severity=severity)


def _parse_tasks(sheet: Sheet, header: int, file_name: str, problems: list[Problem]
                 ) -> list[dict[str, object]]:
    columns: dict[str, int] = {}
    for c, text in enumerate(normalize_header(v) for v in sheet.rows[header]):
        for name, matches in _FIELDS.items():
            if name not in columns and text and matches(text):
                columns[name] = c  # the first column of a name (5/Русский язык repeats them)
    titles = {name: sheet.text(header, c) or column_letter(c) for name, c in columns.items()}
    tasks: dict[str, dict[str, object]] = {}
    codes: dict[str, dict[str, list[str]]] = {}
    first_row: dict[str, int] = {}
    for r in range(header + 1, sheet.height):
        cells = {name: sheet.text(r, c) for name, c in columns.items()}
        if not any(cells.values()):
            continue
        raw = cells.get("task", "")
        if not raw:
            problems.append(_problem(file_name, sheet, r + 1, titles["task"], "",
                                     "не указан номер задания по КИМ: строка пропущена"))
            continue
        task = task_number(raw)
        if task not in tasks:
            if not _NUMBER.match(task):
                problems.append(_problem(
                    file_name, sheet, r + 1, titles["task"], raw,
                    "номер задания не похож на номера в протоколах («1», «5.1», «10К1»): "
                    "баллы за него найдутся, только если протокол пишет его так же"))
            tasks[task] = _task_row(task, len(tasks) + 1, cells, sheet, r, titles, file_name,
                                    problems)
            codes[task] = {"kes": [], "kt": []}
            first_row[task] = r + 1
        else:
            _compare(tasks[task], cells, first_row[task], sheet, r, titles, file_name, problems)
        for name in ("kes", "kt"):
            code = cells.get(name, "")
            if code and code not in codes[task][name]:
                codes[task][name].append(code)
    for task, row in tasks.items():
        row["kes"] = ";".join(codes[task]["kes"])
        row["kt"] = ";".join(codes[task]["kt"])
    return list(tasks.values())


def _level(raw: str) -> str | None:
    return "" if not raw else _LEVELS.get(raw.strip().lower())


def _task_row(task: str, position: int, cells: dict[str, str], sheet: Sheet, r: int,
              titles: dict[str, str], file_name: str, problems: list[Problem]
              ) -> dict[str, object]:
    level = _level(cells.get("level", ""))
    if level is None:
        problems.append(_problem(file_name, sheet, r + 1, titles["level"], cells["level"],
                                 f"уровень сложности задания {task} не распознан (ожидается "
                                 f"«Б», «П» или «В»): статус освоения не определяется"))
        level = ""
    raw_max = cells.get("max_score", "")
    maximum = parse_number(raw_max) if raw_max else None
    if maximum is None or maximum <= 0:
        column = titles.get("max_score", "Максимальный балл за выполнение задания")
        problems.append(_problem(file_name, sheet, r + 1, column, raw_max,
                                 f"не указан или не распознан максимальный балл задания {task}: "
                                 f"он будет взят из файлов результатов"))
        maximum = None
    return {"part": "tasks", "task": task, "position": position, "max_score": maximum,
            "level": level, "skill": " ".join(cells.get("skill", "").split())}


def _compare(first: dict[str, object], cells: dict[str, str], first_row: int, sheet: Sheet,
             r: int, titles: dict[str, str], file_name: str, problems: list[Problem]) -> None:
    """A later row of a task that already has one: level and maximum must agree (the first row
    is kept either way)."""
    task = str(first["task"])
    level = _level(cells.get("level", ""))
    if "level" in cells and level is not None and level != first["level"]:
        problems.append(_problem(file_name, sheet, r + 1, titles["level"], cells["level"],
                                 f"у задания {task} другой уровень, чем в строке {first_row} "
                                 f"(«{first['level']}»): взят уровень из строки {first_row}"))
    raw_max = cells.get("max_score", "")
    maximum = parse_number(raw_max) if raw_max else None
    if maximum is not None and first["max_score"] is not None and maximum != first["max_score"]:
        problems.append(_problem(file_name, sheet, r + 1, titles.get("max_score", ""), raw_max,
                                 f"у задания {task} другой максимальный балл, чем в строке "
                                 f"{first_row}: взят балл из строки {first_row} (баллы строк "
                                 f"одного задания не складываются)"))


def _parse_dictionary(sheet: Sheet, header: int, file_name: str, problems: list[Problem]
                      ) -> list[dict[str, object]]:
    texts = [normalize_header(v) for v in sheet.rows[header]]
    code_col, text_col = [c for c, t in enumerate(texts) if t][:2]
    title = texts[text_col]
    # Which dictionary: by its header; the file name KS/KT wins, as two real KT files
    # (8/Физика, 8/Химия) are headed «Проверяемые элементы содержания».
    part = "ks" if "элементы содержания" in title else "kt"
    stem = re.sub(r"\.\w+$", "", file_name.replace("\\", "/").split("/")[-1]).strip().lower()
    part = {"ks": "ks", "kt": "kt"}.get(stem, part)
    out: list[dict[str, object]] = []
    seen: dict[str, int] = {}
    for r in range(header + 1, sheet.height):
        code, text = sheet.text(r, code_col), sheet.text(r, text_col)
        if not code and not text:
            continue
        if not code:
            problems.append(_problem(file_name, sheet, r + 1, sheet.text(header, code_col), "",
                                     "у текста не указан код: строка пропущена"))
            continue
        if code in seen:
            problems.append(_problem(file_name, sheet, r + 1, sheet.text(header, code_col), code,
                                     f"код {code} уже был в строке {seen[code]}: взят текст "
                                     f"из строки {seen[code]}"))
            continue
        seen[code] = r + 1
        out.append({"part": part, "task": "", "position": 0, "max_score": None, "level": "",
                    "kes": code if part == "ks" else "", "kt": code if part == "kt" else "",
                    "skill": " ".join(text.split())})
    return out


def _total_check(frame: pd.DataFrame, file_name: str, metadata: Metadata) -> list[Problem]:
    """Σ of the task maxima against the work's maximum in the shipped scale of that year: they
    differ when the description is of another year (FORMATS §10: the result files win)."""
    tasks = frame[frame["part"] == "tasks"]
    year = catalog_year(metadata.year)
    if tasks.empty or not year.isdigit() or not metadata.subject or metadata.grade is None:
        return []
    scale = find_scale(year=int(year), subject=metadata.subject, grade=metadata.grade)
    total = float(pd.to_numeric(tasks["max_score"]).sum())
    if scale is None or total == scale.max_total:
        return []
    return [Problem(
        file=file_name, column="Максимальный балл за выполнение задания",
        value=f"{total:g}", severity=Severity.WARNING,
        message=f"сумма максимальных баллов заданий ({total:g}) не равна максимуму работы "
                f"«{metadata.subject}», {metadata.grade} класс, ВПР {year} по шкале перевода "
                f"({scale.max_total:g}): описание может быть другого года; для расчётов баллы "
                f"из файлов результатов важнее")]
