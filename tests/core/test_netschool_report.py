"""«Сетевой город» «Отчет об успеваемости и посещаемости» reader (FORMATS §2): hand-built sheets,
an HTML export, and the real anonymised report of 8А (read in place, aggregate figures only)."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pandas as pd
import pytest

from core.model import LESSON_COLUMNS, Metadata
from core.problems import format_problem
from core.readers import detect_layout, netschool_tabel, parse_file, parse_sheets
from core.readers import netschool_report as report
from core.readers.netschool_blocks import pupil_blocks
from core.workbook import Sheet, read_workbook
from tests.conftest import real_file

REPORT = "netschool-export/otchet_uspevaemost_poseshaemost_8A_anon.xlsx"

# A subject row: (name, {day position: token}, Средняя оценка, Средневзвешенный балл, Итоговая).
SubjectRow = tuple[str, dict[int, object], object, object, object]
Block = tuple[str, list[tuple[str, list[int]]], list[SubjectRow]]


def make_report(blocks: list[Block], *, year: str = "2024/2025",
                period: str = "с 24.03.25 по 24.05.25", class_label: str = "8А") -> Sheet:
    """An Отчёт sheet as NetSchool lays it out; each block is (pupil, [(month, days)], rows).
    Day positions count the day columns of the block from 0."""
    rows: list[list[object]] = []
    ranges: list[tuple[tuple[int, int], tuple[int, int]]] = []

    def add(cells: dict[int, object]) -> int:
        width = max(cells, default=0) + 1
        rows.append([cells.get(c, "") for c in range(width)])
        return len(rows) - 1

    add({0: "Школа № 3 (тест)"})
    add({})
    add({0: "Отчет об успеваемости и посещаемости ученика"})
    add({})
    for pupil, months, subjects in blocks:
        add({0: f"Учебный год: {year}"})
        add({0: f"Класс: {class_label}"})
        add({0: f"Период: {period}"})
        add({0: f"Ученик: {pupil}"})
        add({})
        n_days = sum(len(days) for _, days in months)
        after = 1 + n_days
        header: dict[int, object] = {0: "Предмет", after: "Средняя оценка",
                                     after + 1: "Средневзвешенный \n балл",
                                     after + 2: "Итоговая оценка за период"}
        day_row: dict[int, object] = {}
        col = 1
        for month, days in months:
            header[col] = month
            for d in days:
                day_row[col] = float(d)
                col += 1
        top = add(header)
        add(day_row)
        ranges.append(((top, 0), (top + 1, 0)))
        col = 1
        for _, days in months:
            ranges.append(((top, col), (top, col + len(days) - 1)))
            col += len(days)
        for c in (after, after + 1, after + 2):
            ranges.append(((top, c), (top + 1, c)))
        for name, tokens, avg, wavg, term in subjects:
            add({0: name, **{1 + k: v for k, v in tokens.items()}, after: avg, after + 1: wavg,
                 after + 2: term})
        add({})
        add({})
        for code, text in (("Н", "Неуважительная"), ("О", "Опоздание"), ("Б", "Болезнь"),
                           ("У", "Уважительная")):
            add({0: code, 1: text})
    width = max(len(r) for r in rows)
    return Sheet("Лист1", [r + [""] * (width - len(r)) for r in rows], ranges)


def parse(sheet: Sheet, metadata: Metadata | None = None
          ) -> tuple[pd.DataFrame, pd.DataFrame, list[str]]:
    frames, problems = report.parse([sheet], file_name="otchet.xlsx",
                                    metadata=metadata or Metadata())
    return frames["lessons"], frames["results"], [format_problem(p) for p in problems]


def lesson_tuples(lessons: pd.DataFrame) -> list[tuple[object, ...]]:
    return list(lessons[["subject", "date", "lesson_index", "marks", "attendance"]]
                .itertuples(index=False, name=None))


def test_dates_take_the_year_from_the_school_year_and_repeated_days_are_second_lessons() -> None:
    spec: list[Block] = [("Ученик 01", [("Декабрь", [27]), ("Январь", [9, 9])], [
        ("Алгебра", {0: "5", 1: "4", 2: "3"}, 0, 0, ""),
    ])]
    lessons, _, problems = parse(make_report(spec, period="с 01.12.24 по 31.01.25"))
    # September–December → 2024, January–August → 2025 (school year 2024/2025)
    assert lesson_tuples(lessons) == [("Алгебра", "27.12.2024", 1, "5", ""),
                                      ("Алгебра", "09.01.2025", 1, "4", ""),
                                      ("Алгебра", "09.01.2025", 2, "3", "")]
    assert tuple(lessons.columns) == LESSON_COLUMNS
    assert problems == []


def test_dates_outside_the_report_period_are_flagged_once_per_block() -> None:
    spec: list[Block] = [("Ученик 01", [("Декабрь", [27, 28])], [("Алгебра", {0: "5"}, 0, 0, "")])]
    _, _, problems = parse(make_report(spec, year="2023/2024", period="с 01.12.24 по 31.12.24"))
    # Dates become 27–28.12.2023 from «Учебный год: 2023/2024», outside the 2024 period line.
    assert problems == ["файл «otchet.xlsx», лист «Лист1», строка 11, столбец «B (27.12.2023)»: "
                        "2 дат(ы) уроков вне периода отчёта «с 01.12.24 по 31.12.24», первая — "
                        "27.12.2023: проверьте учебный год (значение «с 01.12.24 по 31.12.24»)"]


def test_each_block_reads_its_own_day_columns() -> None:
    sheet = make_report([
        ("Ученик 01", [("Март", [24, 25]), ("Апрель", [1])], [("Химия", {2: "Н"}, 0, 0, "")]),
        ("Ученик 02", [("Март", [24]), ("Апрель", [1, 1, 2])], [("Химия", {2: "Б"}, 0, 0, "")]),
    ])
    lessons, _, _ = parse(sheet)
    # The third day column is 1 April for pupil 1 and the second lesson of 1 April for pupil 2.
    assert list(lessons[["pupil", "date", "lesson_index", "attendance"]].itertuples(
        index=False, name=None)) == [("Ученик 01", "01.04.2025", 1, "Н"),
                                     ("Ученик 02", "01.04.2025", 2, "Б")]
    assert set(lessons["class_label"]) == {"8А"} and set(lessons["year"]) == {"2024/2025"}
    assert set(lessons["school"]) == {"Школа № 3 (тест)"}


@pytest.mark.parametrize(("token", "marks", "attendance"), [
    ("4", "4", ""),
    ("2/3", "2 3", ""),
    ("2  3", "2 3", ""),  # two spaces
    ("О 2", "2", "О"),
    ("О 3 3", "3 3", "О"),
    ("Н 2/2", "2 2", "Н"),
    ("5 Н", "5", "Н"),
    ("Б", "", "Б"),
    ("У", "", "У"),
    (4.0, "4", ""),  # a number typed into the cell
])
def test_lesson_cell_tokens(token: object, marks: str, attendance: str) -> None:
    sheet = make_report([("Ученик 01", [("Апрель", [7])], [("Физика", {0: token}, 0, 0, "")])])
    lessons, _, _ = parse(sheet)
    assert lesson_tuples(lessons) == [("Физика", "07.04.2025", 1, marks, attendance)]


def test_zero_in_a_lesson_cell_is_a_placeholder_with_a_located_warning() -> None:
    sheet = make_report([("Ученик 01", [("Апрель", [7, 8])], [
        ("Физика", {0: "0", 1: "5"}, 0, 0, "")])])
    lessons, _, problems = parse(sheet)
    assert lesson_tuples(lessons) == [("Физика", "08.04.2025", 1, "5", "")]
    # Subject row 12 (1-based): 4 top rows, 4 label lines, blank, header, day row.
    assert problems == ["файл «otchet.xlsx», лист «Лист1», строка 12, столбец «B (07.04.2025)»: "
                        "«0» в ячейке урока — заполнитель, не отметка (значение «0»)"]


def test_term_marks_need_a_named_period() -> None:
    spec: list[Block] = [("Ученик 01", [("Апрель", [7])], [
        ("Физика", {0: "5"}, 4.5, 4.25, "5"),
        ("Разговоры о важном", {0: "Н"}, 0, 0, ""),
    ])]
    _, results, problems = parse(make_report(spec))
    assert results.empty
    assert len(problems) == 1
    assert "«с 24.03.25 по 24.05.25» не назван учебным периодом" in problems[0]
    assert "строка 7" in problems[0] and "«Период»" in problems[0]

    _, results, problems = parse(make_report(spec, period="2 четверть"))
    assert problems == []
    assert results[["subject", "procedure", "period", "mark", "average",
                    "weighted_average"]].values.tolist() == [
        ["Физика", "Отметки за период", "2 четверть", "5", 4.5, 4.25]]

    _, results, _ = parse(make_report(spec), Metadata(period="IV четверть"))
    assert results["period"].tolist() == ["4 четверть"]


def test_impossible_date_is_an_error_and_the_column_is_skipped() -> None:
    sheet = make_report([("Ученик 01", [("Апрель", [30, 31])], [
        ("Физика", {0: "4", 1: "5"}, 0, 0, "")])])
    lessons, _, problems = parse(sheet)
    assert lesson_tuples(lessons) == [("Физика", "30.04.2025", 1, "4", "")]
    assert any("такой даты нет" in p and "столбец «C»" in p for p in problems)


def test_tabel_is_not_taken_for_a_report_and_back() -> None:
    sheet = make_report([("Ученик 01", [("Апрель", [7])], [("Физика", {0: "5"}, 5.0, 0, "5")])])
    assert report.detect([sheet]) and not netschool_tabel.detect([sheet])


@pytest.mark.parametrize(("text", "number"), [
    ("Март", 3), ("МАЙ", 5), ("сентябрь", 9), ("Сен.", 9), ("мая", 5), ("Итого", None),
    ("Предмет", None), ("", None),
])
def test_month_names(text: str, number: int | None) -> None:
    assert report.month_number(text) == number


def test_html_export_saved_as_xls_is_parsed() -> None:
    html = (
        "<html><body><table>"
        '<tr><td colspan="7">Школа № 4 (тест)</td></tr>'
        '<tr><td colspan="7">Отчет об успеваемости и посещаемости ученика</td></tr>'
        "<tr><td>Учебный год:</td><td>2025/2026</td></tr>"
        "<tr><td>Класс:</td><td>5в</td></tr>"
        "<tr><td>Период:</td><td>1 четверть</td></tr>"
        "<tr><td>Ученик:</td><td>Ученик 07</td></tr>"
        '<tr><td rowspan="2">Предмет</td><td colspan="2">Сентябрь</td><td>Октябрь</td>'
        '<td rowspan="2">Средняя оценка</td><td rowspan="2">Средневзвешенный балл</td>'
        '<td rowspan="2">Итоговая оценка за период</td></tr>'
        "<tr><td>30</td><td>30</td><td>1</td></tr>"
        "<tr><td>Математика</td><td>5</td><td>О 4</td><td>Н</td><td>4,5</td><td>0</td>"
        "<td>5</td></tr>"
        "</table></body></html>"
    ).encode()
    sheets = read_workbook(html, "otchet.xls")
    assert detect_layout(sheets) is report
    parsed = parse_sheets(sheets, file_name="otchet.xls")
    assert lesson_tuples(parsed.lessons) == [("Математика", "30.09.2025", 1, "5", ""),
                                             ("Математика", "30.09.2025", 2, "4", "О"),
                                             ("Математика", "01.10.2025", 1, "", "Н")]
    assert set(parsed.lessons["class_label"]) == {"5В"}
    assert parsed.results[["period", "mark", "average"]].values.tolist() == [
        ["1 четверть", "5", 4.5]]
    assert parsed.results["weighted_average"].isna().all()
    assert parsed.problems == ()


# ---- the real report (realdata/netschool-export, read in place) ---------------------------------
#
# Expected figures were counted independently of this reader with a one-off openpyxl script
# (data_only=True): in each block, the lesson area = columns between «Предмет» and «Средняя
# оценка», rows from the one after the day row to the first empty subject cell (the legend
# Н/О/Б/У lines below are not lesson cells). Non-empty lesson cells: 3 147; exact tokens
# '3' 810, '4' 566, '5' 405, '2' 398, 'Н' 421, 'Б' 219, 'О' 50, 'У' 39, '2/3' 22, '2 3' 5,
# '2  3' 2, 'О 2' 11, 'Н Н' 3, '0' 7. «Итоговая оценка за период» column: '3' 235, '4' 141,
# '5' 56, '2' 42, '0' 2 (476 cells; no row has an average without a term mark). The README's
# whole-sheet counts are the sums: '3' 1 045 = 810 + 235, '4' 707 = 566 + 141, '5' 461 = 405 + 56,
# '2' 440 = 398 + 42, '0' 9 = 7 + 2; 'Н' 421 excludes the 28 legend cells.


@pytest.fixture(scope="module")
def real_report(realdata: Path) -> tuple[bytes, str]:
    path = real_file(realdata, REPORT)
    return path.read_bytes(), path.name


@pytest.mark.realdata
def test_real_report_lessons(real_report: tuple[bytes, str]) -> None:
    data, name = real_report
    parsed = parse_file(data, name)
    assert parsed.layout == report.LAYOUT
    lessons = parsed.lessons
    assert lessons["pupil"].nunique() == 28
    assert len(lessons) == 3147 - 7  # the '0' placeholders give no row
    pairs = Counter(zip(lessons["marks"], lessons["attendance"], strict=True))
    assert pairs[("3", "")] == 810
    assert pairs[("4", "")] == 566
    assert pairs[("5", "")] == 405
    assert pairs[("2", "")] == 398
    assert pairs[("", "Н")] == 421 + 3  # 'Н' and 'Н Н'
    assert pairs[("", "У")] == 39
    assert pairs[("2 3", "")] == 22 + 5 + 2  # '2/3', '2 3', '2  3'
    assert pairs[("2", "О")] == 11
    dates = pd.to_datetime(lessons["date"], format="%d.%m.%Y")
    # «Период: с 24.03.25 по 24.05.25», school year 2024/2025 → spring 2025
    assert dates.min() >= pd.Timestamp("2025-03-24") and dates.max() <= pd.Timestamp("2025-05-24")
    assert set(lessons["lesson_index"]) == {1, 2}


@pytest.mark.realdata
def test_real_report_blocks_have_their_own_day_columns(real_report: tuple[bytes, str]) -> None:
    data, name = real_report
    sheet = read_workbook(data, name)[0]
    blocks = pupil_blocks(sheet)
    assert len(blocks) == 28
    layouts = [report.find_layout(sheet, b.start, b.end) for b in blocks]
    assert all(layout is not None for layout in layouts)
    # README/FORMATS §2: block 1 has its averages in AQ–AS (day columns B…AP = 41), block 2 in
    # AU–AW (B…AT = 45).
    first, second = layouts[0], layouts[1]
    assert first is not None and second is not None
    assert (len(first.days), first.average) == (41, 42)  # AQ = column 42 (0-based)
    assert (len(second.days), second.average) == (45, 46)  # AU
    assert {d.month for d in first.days} == {3, 4, 5}  # Март, Апрель, Май


@pytest.mark.realdata
def test_real_report_warnings(real_report: tuple[bytes, str]) -> None:
    data, name = real_report
    problems = [format_problem(p) for p in parse_file(data, name).problems]
    zero = [p for p in problems if "заполнитель" in p]
    assert len(zero) == 7
    assert all(name in p and "лист «Лист1»" in p and "строка" in p for p in zero)
    unnamed = [p for p in problems if "не назван учебным периодом" in p]
    assert len(unnamed) == 1 and "476 итоговых оценок" in unnamed[0]


@pytest.mark.realdata
def test_real_report_term_marks_with_a_period_from_the_user(real_report: tuple[bytes, str]
                                                            ) -> None:
    data, name = real_report
    parsed = parse_file(data, name, metadata=Metadata(period="4 четверть"))
    results = parsed.results
    assert len(results) == 476
    assert results["mark"].value_counts().to_dict() == {"3": 235, "4": 141, "5": 56, "2": 42,
                                                        "": 2}
    assert set(results["period"]) == {"4 четверть"}
    assert set(results["procedure"]) == {"Отметки за период"}
    zero = [p for p in parsed.problems if "заполнитель" in p.message]
    assert len(zero) == 7 + 2
