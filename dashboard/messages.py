"""What the pages and the command line say about a file's fate (the core's intake decision
carries facts; the words are here)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING

from core.intake import IntakeStatus, Overlap

if TYPE_CHECKING:
    from dashboard.services import SaveOutcome

__all__ = ["FIELD_NAMES", "save_message"]

# What a file may lack, as the user reads it.
FIELD_NAMES = {"school": "школа", "year": "учебный год", "subject": "предмет",
               "grade": "параллель (класс)", "period": "период"}


def _files(overlaps: tuple[Overlap, ...]) -> str:
    return ", ".join(f"«{o.upload.file_name}»" for o in overlaps)


def save_message(outcome: SaveOutcome,
                 to_local: Callable[[datetime], datetime] | None = None) -> tuple[str, str]:
    """(level, text) for one file's fate; level is «success», «info», «warning» or «error»
    (the kind of Streamlit message to show)."""
    name = outcome.file_name
    decision = outcome.decision
    if outcome.failed or decision is None:
        why = outcome.reason or "ошибка базы данных (подробности — в журнале сервера)."
        return ("error", f"Файл «{name}» не сохранён: {why} Ранее загруженные данные не "
                         f"изменены.")
    status = decision.status
    if status in (IntakeStatus.READY, IntakeStatus.REPLACES):
        text = f"Файл «{name}» сохранён."
        if status is IntakeStatus.REPLACES:
            text += f" Заменены данные из: {_files(decision.conflicts)}."
        if decision.subgroups:
            text += (f" Добавлен к данным тех же классов и предметов из {_files(decision.subgroups)}"
                     f" как другая подгруппа (обучающиеся не совпадают).")
        return ("success", text)
    if status is IntakeStatus.DUPLICATE:
        first = decision.duplicate_of
        if first is None or not first.file_name:  # another school's upload: say nothing of it
            return ("info", f"Файл «{name}» с таким же содержимым уже загружен: ничего не "
                            f"добавлено.")
        at = first.uploaded_at
        if at is not None and to_local is not None:
            at = to_local(at)
        when = f" {at:%d.%m.%Y %H:%M}" if at else ""
        alias = f" (как «{first.file_name}»)"
        return ("info", f"Файл «{name}» уже загружен{when}{alias}: ничего не добавлено.")
    if status is IntakeStatus.CONFLICT and all(c.reason == "catalog" for c in decision.conflicts):
        return ("warning", "Описание работы за тот же год ВПР, предмет и параллель уже загружено "
                           f"из: {_files(decision.conflicts)}. Подтвердите замену, чтобы заменить "
                           "его этим файлом.")
    if status is IntakeStatus.CONFLICT and all(c.reason == "reference"
                                               for c in decision.conflicts):
        return ("warning", "Справочные строки той же работы (учебный год, процедура, предмет, "
                           "параллель) и того же уровня уже загружены из: "
                           f"{_files(decision.conflicts)}. Подтвердите замену, чтобы заменить "
                           "их строками этого файла.")
    if status is IntakeStatus.CONFLICT:
        return ("warning", "Данные за те же классы, предметы и периоды уже загружены из: "
                           f"{_files(decision.conflicts)}. Подтвердите замену, чтобы заменить их "
                           "исправленным файлом.")
    if status is IntakeStatus.EMPTY:
        return ("info", f"В файле «{name}» нет данных для сохранения.")
    if status is IntakeStatus.INCOMPLETE:
        lacking = ", ".join(FIELD_NAMES.get(f, f) for f in decision.missing)
        return ("error", f"Файл «{name}» не сохранён: не указаны {lacking}.")
    return ("error", f"Файл «{name}» не сохранён: в нём есть ошибки (см. замечания).")
