"""The canonical long template offered for download (FORMATS.md §12), built as XLSX bytes."""

from __future__ import annotations

import io

__all__ = ["TEMPLATE_COLUMNS", "TEMPLATE_EXAMPLE_ROWS", "template_xlsx"]

TEMPLATE_COLUMNS = (
    "Учебный год", "Период", "Процедура", "Класс", "ФИО или код", "Предмет", "Учитель",
    "Отметка", "Первичный балл", "Максимальный балл", "Отметка по журналу",
)

TEMPLATE_EXAMPLE_ROWS = (
    ("2024/2025", "1 четверть", "Четвертная", "8А", "Ученик 01", "Алгебра", "Иванова И.И.", "3",
     None, None, None),
    ("2024/2025", "15.04.2025", "ВПР", "8А", "40001", "Математика", "Иванова И.И.", "3", 14, 25,
     "3"),
)

_LEGEND = (
    ("Учебный год", "да", "2024/2025 (допускается 2024-2025)"),
    ("Период", "да", "1 четверть … 4 четверть, 1 полугодие, 2 полугодие, 1 триместр … 3 триместр, "
                     "год, итог; для процедуры — дата дд.мм.гггг"),
    ("Процедура", "да", "Четвертная, Полугодовая, Триместровая, Годовая, Итоговая, ВПР, ОГЭ, ЕГЭ, "
                        "Входная КР, Административная КР, Итоговая КР, Региональная ДР или своё"),
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
    "Для ВПР можно указать первичный и максимальный балл; отметка будет выведена по официальной "
    "шкале, если она известна.",
    "Лишние столбцы допускаются и не мешают загрузке.",
)


def template_xlsx() -> bytes:
    """Sheets «Данные» (header + example rows), «Справочник» (legend), «Инструкция»."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    wb = Workbook()
    data = wb.active
    data.title = "Данные"
    data.append(list(TEMPLATE_COLUMNS))
    for row in TEMPLATE_EXAMPLE_ROWS:
        data.append(list(row))
    for cell in data[1]:
        cell.font = Font(bold=True)
    for column in data.columns:
        data.column_dimensions[column[0].column_letter].width = 18
    # Codes and classes as text so that Excel keeps leading zeros.
    for row in data.iter_rows(min_row=2):
        for cell in row:
            if isinstance(cell.value, str):
                cell.number_format = "@"
    data.freeze_panes = "A2"
    legend = wb.create_sheet("Справочник")
    legend.append(["Столбец", "Обязательный", "Допустимые значения"])
    for item in _LEGEND:
        legend.append(list(item))
    for cell in legend[1]:
        cell.font = Font(bold=True)
    legend.column_dimensions["A"].width = 22
    legend.column_dimensions["B"].width = 24
    legend.column_dimensions["C"].width = 100
    instruction = wb.create_sheet("Инструкция")
    for line in _INSTRUCTION:
        instruction.append([line])
    instruction.column_dimensions["A"].width = 120
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
