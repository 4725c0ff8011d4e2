"""Property: whatever the cells or bytes, readers either return a ParsedFile or raise a
ParseError subclass — never another exception."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.model import Metadata, ParsedFile
from core.problems import ParseError
from core.readers import parse_file, parse_sheets
from core.workbook import Sheet

# Header words of every layout, so random sheets often pass a detector and reach the parsers.
HEADER_WORDS = [
    # template / teacher load
    "Учебный год", "Период", "Процедура", "Класс", "ФИО или код", "Предмет", "Учитель", "Отметка",
    "Первичный балл", "Максимальный балл", "Отметка по журналу", "Дата", "Вариант", "Пол",
    "Задание 1 (2б)", "Задание 2", "Группа", "Часов в неделю",
    # wide sheet
    "ФИО", "Ученик", "Фамилия, имя", "Обучающийся", "Русский язык", "Математика", "Алгебра",
    "Геометрия", "Физика", "История", "Рус. яз.", "Англ. яз.", "Пропущено уроков", "Поведение",
    "Средний балл", "Всего", "Успеваемость, %", "СОУ", "1ч", "2ч", "год", "I", "II", "экз",
    "Класс: 5А", "Период: 1 четверть", "Учебный год 2024-2025", '5 "А" класс',
    # exam protocol
    "Код МСУ", "Код ОО", "Код ППЭ", "Аудитория", "Фамилия", "Имя", "Отчество",
    "Задания с кратким ответом", "Задания с развёрнутым ответом", "Балл",
    "ОГЭ Математика 03.06.2025", "ЕГЭ Русский язык", "ГВЭ-11",
    # destinations
    "Год выпуска", "Направление", "Учреждение", "Основа", "Соответствует профилю",
]
TOKENS = ["н/а", "на", "Н/А", "X", "x", "Х", "отсутствовал", "осв", "зач", "незач", "·", ".",
          "4/5", "5-", "4+", "0", "-", "—", "нет отметки", "Н", "Б", "++-1+", "2(2)1(3)0(2)",
          "2(2", "(", "1e400", "nan", "inf", "-1", "٣", "11А", "9", "нет", "А", "2024/2025",
          "2025", "2024-25", "10 класс", "вуз", "да", " ", "\n", "ЕГЭ", "ОГЭ"]
# Plausible values, so that rows often pass validation and reach the output tables.
VALID = ["5", "4", "3", "2", 5, 4.0, "9А", "11Б", "5А", "2024/2025", "1 четверть", "год",
         "Четвертная", "Годовая", "ВПР", "ОГЭ", "ЕГЭ", "Математика", "Русский язык", "Иванов Иван",
         "Иванова Ирина Ивановна", "14", "25", 14, "++-1+", "2(2)1(3)", "вуз", "СПО", "бюджет",
         "да", "03.06.2025", "00123", "А"]

COLUMN_VALUES: dict[str, list[object]] = {
    "Класс": ["9А", "11Б", "5А", "А", "нет", 11, "9 а", "8-Б"],
    "Учебный год": ["2024/2025", "2024-2025", "2025"], "Год выпуска": [2025, "2024/2025"],
    "Период": ["1 четверть", "год", "2 полугодие", "I", "итог", "15.04.2025"],
    "Процедура": ["Четвертная", "ВПР", "ОГЭ", "Итоговая КР"],
    "Предмет": ["Математика", "Русский язык", "Химия", "Неведомый"],
    "Фамилия": ["Иванов", "Петрова"], "Имя": ["Иван", "Анна"], "Отчество": ["", "Ильич"],
    "Задания с кратким ответом": ["++-1+", "+-x", "", "12+"],
    "Задания с развёрнутым ответом": ["2(2)1(3)", "X(2)", "9(1)", "2(2"],
    "Первичный балл": [5, "14", -1, "", 3.5], "Балл": [3, 2, 5, 61, 100, 101, "н/а"],
    "Направление": ["вуз", "СПО", "армия", "?"], "Основа": ["бюджет", "платно", "?"],
    "Соответствует профилю": ["да", "нет", "может"],
}

cell = st.one_of(
    st.sampled_from(VALID),
    st.sampled_from(HEADER_WORDS),
    st.sampled_from(TOKENS),
    st.text(alphabet=st.characters(codec="utf-8", categories=("L", "N", "P", "S", "Zs")),
            max_size=12),
    st.integers(min_value=-10, max_value=3000),
    st.floats(allow_nan=True, allow_infinity=True),
    st.booleans(),
    st.just(""),
)
row = st.lists(cell, min_size=0, max_size=9)
sheet = st.builds(
    lambda name, rows, merged: Sheet(name=name, rows=rows, merged=merged),
    st.one_of(st.sampled_from(["Лист1", "5А", "5А 1 четв", "Протокол", "CSV", ""]),
              st.text(max_size=10)),
    st.lists(row, min_size=0, max_size=12),
    st.lists(st.tuples(st.tuples(st.integers(0, 12), st.integers(0, 9)),
                       st.tuples(st.integers(0, 12), st.integers(0, 9))), max_size=3),
)
# Header rows of every layout: random sheets built on them reach the parsers, not only detect().
LAYOUT_HEADERS = [
    ["Учебный год", "Период", "Процедура", "Класс", "ФИО или код", "Предмет", "Учитель",
     "Отметка", "Первичный балл", "Максимальный балл", "Отметка по журналу", "Задание 1 (2б)",
     "Задание 2"],
    ["Класс", "Предмет", "Учитель", "Группа", "Часов в неделю"],
    ["№", "ФИО", "Русский язык", "Математика", "Физика", "История", "Черчение", "Поведение"],
    ["Класс", "Период", "Обучающийся", "Алгебра", "", "Геометрия", "", "Химия", ""],
    ["Код МСУ", "Код ОО", "Класс", "Код ППЭ", "Аудитория", "Фамилия", "Имя", "Отчество",
     "Серия", "Задания с кратким ответом", "Задания с развёрнутым ответом", "Первичный балл",
     "Балл"],
    ["Год выпуска", "Класс", "ФИО или код", "Направление", "Учреждение", "Основа",
     "Соответствует профилю"],
    ["Предмет", "Иванов", "Петров", "Сидоров"],
]
title = st.lists(st.one_of(st.sampled_from(HEADER_WORDS + TOKENS + VALID), st.just("")),
                 max_size=3)


@st.composite
def layout_sheet(draw: st.DrawFn) -> Sheet:
    header = list(draw(st.sampled_from(LAYOUT_HEADERS)))
    if draw(st.booleans()):
        header = draw(st.permutations(header))
    titles = draw(st.lists(title, max_size=3))
    width = len(header) + draw(st.integers(-2, 1))
    body = [[draw(st.one_of(st.sampled_from(COLUMN_VALUES.get(h, VALID)), cell))
             for h in ([*header, ""])[:width]] for _ in range(draw(st.integers(0, 8)))]
    if header[0] == "Предмет":  # transposed: subjects down the first column
        body = [[draw(st.sampled_from(HEADER_WORDS)), *r] for r in body]
    merged = draw(st.lists(st.tuples(st.tuples(st.integers(0, 6), st.integers(0, 8)),
                                     st.tuples(st.integers(0, 8), st.integers(0, 10))),
                           max_size=3))
    name = draw(st.sampled_from(["Лист1", "5А", "5А 1 четв", "11Б год", "Протокол", ""]))
    return Sheet(name=name, rows=[*titles, header, *body], merged=merged)


metadata = st.builds(
    Metadata,
    year=st.sampled_from(["", "2024/2025", "мусор"]),
    period=st.sampled_from(["", "1 четверть", "Год", "мусор"]),
    grade=st.one_of(st.none(), st.integers(0, 12)),
    subject=st.sampled_from(["", "Химия", "Неизвестный"]),
    procedure=st.sampled_from(["", "ВПР", "ОГЭ"]),
)

SETTINGS = settings(max_examples=150, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


@SETTINGS
@given(st.lists(st.one_of(layout_sheet(), sheet), min_size=1, max_size=2), metadata)
def test_random_sheets_raise_only_parse_errors(sheets: list[Sheet], meta: Metadata) -> None:
    try:
        parsed = parse_sheets(sheets, file_name="случайный.xlsx", metadata=meta)
    except ParseError as err:
        assert "случайный.xlsx" in str(err)
        return
    assert isinstance(parsed, ParsedFile)


@SETTINGS
@given(st.binary(max_size=4096))
def test_random_bytes_raise_only_parse_errors(data: bytes) -> None:
    try:
        parse_file(data, "случайный.bin")
    except ParseError as err:
        assert "случайный.bin" in str(err)


@SETTINGS
@given(st.lists(st.lists(st.one_of(st.sampled_from(HEADER_WORDS + TOKENS), st.text(max_size=8)),
                         max_size=8), max_size=10),
       st.sampled_from([";", ",", "\t"]), st.sampled_from(["utf-8-sig", "cp1251", "utf-8"]))
def test_random_csv_text_raises_only_parse_errors(rows: list[list[str]], sep: str,
                                                   encoding: str) -> None:
    text = "\n".join(sep.join(r) for r in rows)
    try:
        data = text.encode(encoding)
    except UnicodeEncodeError:
        data = text.encode("utf-8")
    try:
        parse_file(data, "случайный.csv")
    except ParseError as err:
        assert "случайный.csv" in str(err)


def _wide_xlsx() -> bytes:
    from tests.core.readers_builders import xlsx_bytes

    return xlsx_bytes({"5А": [["Учебный год 2024/2025, период: 1 четверть"],
                              ["ФИО", "Русский язык", "Математика", "Биология"],
                              ["Орлов Олег", 5, 4, 3], ["Юдин Юрий", "н/а", "4/5", "осв"]]})


WIDE_XLSX = _wide_xlsx()


@SETTINGS
@given(st.lists(st.tuples(st.integers(0, len(WIDE_XLSX) - 1), st.integers(0, 255)),
                min_size=1, max_size=6),
       st.one_of(st.none(), st.integers(100, len(WIDE_XLSX))))
def test_damaged_xlsx_raises_only_parse_errors(flips: list[tuple[int, int]],
                                               cut: int | None) -> None:
    data = bytearray(WIDE_XLSX)
    for pos, byte in flips:
        data[pos] = byte
    if cut is not None:
        del data[cut:]
    try:
        parse_file(bytes(data), "повреждённый.xlsx")
    except ParseError as err:
        assert "повреждённый.xlsx" in str(err)
