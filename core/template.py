"""The templates offered for download, built as XLSX bytes: the canonical long template
(FORMATS.md §12) and the reference rows of a work (FORMATS.md §9)."""

from __future__ import annotations

import io
from collections.abc import Sequence

__all__ = ["REFERENCE_COLUMNS", "REFERENCE_EXAMPLE_ROWS", "TEMPLATE_COLUMNS",
           "TEMPLATE_EXAMPLE_ROWS", "reference_template_xlsx", "template_xlsx"]

TEMPLATE_COLUMNS = (
    "Учебный год", "Период", "Процедура", "Класс", "ФИО или код", "Предмет", "Учитель",
    "Отметка", "Первичный балл", "Максимальный балл", "Отметка по журналу",
)

TEMPLATE_EXAMPLE_ROWS = (
    ("2024/2025", "1 четверть", "Четвертная", "8А", "Ученик 01", "Алгебра", "Иванова И.И.", "3",
     None, None, None),
    ("2024/2025", "16.09.2024", "Входная КР", "8А", "Ученик 01", "Алгебра", "Иванова И.И.", "4",
     None, None, None),
    ("2024/2025", "15.04.2025", "ВПР", "8А", "40001", "Математика", "Иванова И.И.", "3", 14, 25,
     "3"),
)

_LEGEND = (
    ("Учебный год", "да", "2024/2025 (допускается 2024-2025)"),
    ("Период", "да", "1 четверть … 4 четверть, 1 полугодие, 2 полугодие, 1 триместр … 3 триместр, "
                     "год, итог; для процедуры — дата её проведения дд.мм.гггг"),
    ("Процедура", "да", "отметки за период: Четвертная, Полугодовая, Триместровая, Годовая, "
                        "Итоговая; независимые процедуры: ВПР, ОГЭ, ЕГЭ, Входная КР, "
                        "Административная КР, Рубежная КР, Итоговая КР, Контрольная работа, "
                        "Региональная ДР или своё название (сохранится как написано)"),
    ("Класс", "да", "8А (допускается 8 А, 8а, 8-А)"),
    ("ФИО или код", "да", "ФИО или код участника; коды с ведущими нулями вводите как текст"),
    ("Предмет", "да", "название из справочника (Алгебра, Русский язык …)"),
    ("Учитель", "нет", "Фамилия И.О.; если пусто — берётся из таблицы нагрузки"),
    ("Отметка", "Отметка или Первичный балл", "2–5, н/а, осв, зач, незач или пусто"),
    ("Первичный балл", "—", "число ≥ 0, не больше максимального"),
    ("Максимальный балл", "с первичным баллом", "число > 0"),
    ("Отметка по журналу", "нет", "2–5, «нет отметки» или пусто (для сравнения с ВПР)"),
    ("Задание N (Mб)", "нет", "баллы за задания ВПР, например столбец «Задание 3 (2б)»"),
)

_INSTRUCTION = (
    "Строки на листе «Данные» — примеры: замените их своими данными.",
    "Одна строка — один обучающийся × предмет × период (или процедура).",
    "Отметки за четверть, полугодие, триместр и год: Процедура «Четвертная» / «Годовая» и т. п., "
    "Период — «1 четверть» … «год».",
    "Независимые процедуры (ВПР, ОГЭ, ЕГЭ, КР): Процедура — её название, Период — дата.",
    "Каждая контрольная работа — отдельная строка сводки: вид работы («Входная КР», «Рубежная КР», "
    "«Итоговая КР» …) и дата различают работы одного класса и предмета за год.",
    "Если у обучающегося несколько результатов одной процедуры (например, пересдача ОГЭ), в "
    "показателях учитывается последний по дате.",
    "Для ВПР можно указать первичный и максимальный балл; отметка будет выведена по официальной "
    "шкале, если она известна.",
    "Лишние столбцы допускаются и не мешают загрузке.",
)


def template_xlsx() -> bytes:
    """Sheets «Данные» (header + example rows), «Справочник» (legend), «Инструкция»."""
    return _workbook(TEMPLATE_COLUMNS, TEMPLATE_EXAMPLE_ROWS, width=18, legend=_LEGEND,
                     instruction=_INSTRUCTION)


def _workbook(columns: Sequence[str], rows: Sequence[Sequence[object]], *, width: int,
              legend: Sequence[Sequence[str]] = (), instruction: Sequence[str]) -> bytes:
    """«Данные» (bold header, example rows, text cells kept as text), «Справочник» when a
    legend is given, «Инструкция»."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    wb = Workbook()
    data = wb.active
    data.title = "Данные"
    data.append(list(columns))
    for row in rows:
        data.append(list(row))
    for cell in data[1]:
        cell.font = Font(bold=True)
    for column in data.columns:
        data.column_dimensions[column[0].column_letter].width = width
    # Codes and classes as text so that Excel keeps leading zeros.
    for cells in data.iter_rows(min_row=2):
        for cell in cells:
            if isinstance(cell.value, str):
                cell.number_format = "@"
    data.freeze_panes = "A2"
    if legend:
        sheet = wb.create_sheet("Справочник")
        sheet.append(["Столбец", "Обязательный", "Допустимые значения"])
        for item in legend:
            sheet.append(list(item))
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        sheet.column_dimensions["A"].width = 22
        sheet.column_dimensions["B"].width = 24
        sheet.column_dimensions["C"].width = 100
    notes = wb.create_sheet("Инструкция")
    for line in instruction:
        notes.append([line])
    notes.column_dimensions["A"].width = 120
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


# FORMATS §9: one row per level; the task columns «Задание N, %» are as many as the work has.
REFERENCE_COLUMNS = (
    "Учебный год", "Процедура", "Предмет", "Параллель", "Уровень", "Участников",
    "Средний первичный балл", "SD", "%«2»", "%«3»", "%«4»", "%«5»", "% понизили",
    "% подтвердили", "% повысили", "Задание 1, %", "Задание 2, %", "Задание 3, %",
)

# Made-up example figures, one row per level.
REFERENCE_EXAMPLE_ROWS = (
    ("2024/2025", "ВПР", "Математика", 4, "РФ", 1350000, 12.1, 4.3, 4.2, 27.5, 44.1, 24.2,
     14.8, 78.3, 6.9, 88.5, 71.2, 40.3),
    ("2024/2025", "ВПР", "Математика", 4, "регион", 15200, 11.8, 4.4, 5.1, 29.3, 43.0, 22.6,
     32.3, 62.1, 5.6, 86.9, 69.8, 37.5),
    ("2024/2025", "ВПР", "Математика", 4, "муниципалитет", 1240, 11.5, 4.6, 6.0, 30.2, 42.4,
     21.4, 35.0, 59.7, 5.3, 85.1, 68.0, 36.2),
)

_REFERENCE_INSTRUCTION = (
    "Справочные строки — показатели работы по России, региону и муниципалитету из отчётов "
    "ФИС ОКО «Аналитика» («Статистика по отметкам», «Выполнение заданий», «Сравнение отметок "
    "с отметками по журналу»). Строки на листе «Данные» — примеры: замените их своими данными.",
    "Одна строка — одна работа (учебный год, процедура, предмет, параллель) на одном уровне: "
    "РФ, регион или муниципалитет.",
    "Проценты вводите числами от 0 до 100 (знак % и десятичная запятая допускаются).",
    "Столбцы «Задание N, %» — процент выполнения задания N; добавьте столько, сколько заданий в "
    "работе. Пустые ячейки допускаются.",
    "С этими строками проверки объективности сравнивают школу с регионом (или муниципалитетом, "
    "или РФ): «понизили» (O1), трудные и лёгкие задания (O5), завышенный средний балл (O7).",
)


def reference_template_xlsx() -> bytes:
    """Sheets «Данные» (header + one example row per level) and «Инструкция»."""
    return _workbook(REFERENCE_COLUMNS, REFERENCE_EXAMPLE_ROWS, width=14,
                     instruction=_REFERENCE_INSTRUCTION)
