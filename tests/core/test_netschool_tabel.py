"""«Сетевой город» Табель reader (FORMATS §1): hand-built sheets for the layout variants, an HTML
export, and the real anonymised Табель of 8А (read in place, aggregate figures only)."""

from __future__ import annotations

import math
from collections import Counter
from pathlib import Path

import pandas as pd
import pytest

from core.model import Metadata
from core.problems import format_problem
from core.readers import detect_layout, parse_file, parse_sheets
from core.readers import netschool_tabel as tabel
from core.summary import count_summary, summary_table
from core.workbook import Sheet, read_workbook
from tests.conftest import real_file

TABEL = "netschool-export/tabel_uspevaemosti_8A_anon.xlsx"
SINGLES = ("Год. оценка", "Экз. оценка", "Гос. экз. оценка", "Итог. оценка")

# A subject row: (name, [(Средний балл, Ср. взв. балл, Итог) per period], [single columns]).
SubjectRow = tuple[str, list[tuple[object, object, object]], list[object]]


def make_tabel(periods: list[str], blocks: list[tuple[str, str, list[SubjectRow]]], *,
               singles: tuple[str, ...] = SINGLES, year: str = "2024/2025",
               merged: bool = True) -> Sheet:
    """A Табель sheet as NetSchool lays it out: school, title, then per pupil the label lines,
    the 4-row header (values in the top-left cell of merged ranges) and the subject rows."""
    width = 2 + 3 * len(periods) + len(singles)
    rows: list[list[object]] = []
    ranges: list[tuple[tuple[int, int], tuple[int, int]]] = []

    def add(cells: dict[int, object]) -> int:
        rows.append([cells.get(c, "") for c in range(width)])
        return len(rows) - 1

    add({0: "Школа № 1 (тест)"})
    add({})
    add({0: "Табель успеваемости учащегося"})
    add({})
    for pupil, class_label, subjects in blocks:
        add({0: f"Учебный год: {year}"})
        add({0: f"Класс: {class_label}"})
        add({0: f"Ученик: {pupil}"})
        add({})
        top = add({1: "Предмет", 2: "Учебные периоды",
                   **{2 + 3 * len(periods) + i: s for i, s in enumerate(singles)}})
        add({0: "№"})
        add({0: "п/п", **{2 + 3 * i: p for i, p in enumerate(periods)}})
        add({c: name for i in range(len(periods))
             for c, name in zip(range(2 + 3 * i, 5 + 3 * i),
                                ("Средний балл", "Ср. взв. балл", "Итог"), strict=True)})
        ranges.append(((top, 1), (top + 2, 1)))
        ranges.append(((top, 2), (top, 1 + 3 * len(periods))))
        for i in range(len(periods)):
            ranges.append(((top + 1, 2 + 3 * i), (top + 2, 4 + 3 * i)))
        for i in range(len(singles)):
            col = 2 + 3 * len(periods) + i
            ranges.append(((top, col), (top + 2, col)))
        for n, (subject, values, single_values) in enumerate(subjects, start=1):
            cells: dict[int, object] = {0: str(n), 1: subject}
            for i, triple in enumerate(values):
                for k, v in enumerate(triple):
                    cells[2 + 3 * i + k] = v
            for i, v in enumerate(single_values):
                cells[2 + 3 * len(periods) + i] = v
            add(cells)
        add({})
    return Sheet("Лист1", rows, ranges if merged else [])


def parse(sheet: Sheet) -> tuple[pd.DataFrame, list[str]]:
    frames, problems = tabel.parse([sheet], file_name="tabel.xlsx", metadata=Metadata())
    return frames["results"], [format_problem(p) for p in problems]


def marks_by_period(results: pd.DataFrame, pupil: str, subject: str) -> dict[str, str]:
    rows = results[(results["pupil"] == pupil) & (results["subject"] == subject)]
    return dict(zip(rows["period"], rows["mark"], strict=True))


@pytest.mark.parametrize(("labels", "expected"), [
    (["1 Полугодие", "2 Полугодие"], ["1 полугодие", "2 полугодие"]),
    (["1 Триместр", "2 Триместр", "3 Триместр"], ["1 триместр", "2 триместр", "3 триместр"]),
    (["1 Четверть", "2 Четверть", "3 Четверть", "4 Четверть"],
     ["1 четверть", "2 четверть", "3 четверть", "4 четверть"]),
])
def test_period_headers_map_to_canonical_periods(labels: list[str], expected: list[str]) -> None:
    values = [(3.4, 3.6, str(4 + i % 2)) for i in range(len(labels))]
    sheet = make_tabel(labels, [("Ученик 01", "8А", [("Алгебра", values, ["4"])])])
    assert tabel.detect([sheet])
    results, problems = parse(sheet)
    assert problems == []
    assert marks_by_period(results, "Ученик 01", "Алгебра") == {
        **{p: str(4 + i % 2) for i, p in enumerate(expected)}, "Год": "4"}
    term = results[results["period"] != "Год"]
    assert term["average"].tolist() == [3.4] * len(labels)
    assert term["weighted_average"].tolist() == [3.6] * len(labels)
    assert set(results["procedure"]) == {"Отметки за период"}


def test_blocks_with_different_subject_counts_are_read_separately() -> None:
    q = [(4.0, 0, "4"), (3.5, 0, "4")]
    sheet = make_tabel(["1 Полугодие", "2 Полугодие"], [
        ("Ученик 01", "8А", [("Алгебра", q, []), ("Биология", q, []), ("Химия", q, [])]),
        ("Ученик 02", "8А", [("Алгебра", q, [])]),
        ("Ученик 03", "8А", [("Химия", q, []), ("Физика", q, [])]),
    ], singles=())
    results, _ = parse(sheet)
    # 3 + 1 + 2 subjects, 2 half-years each
    assert Counter(results["pupil"]) == {"Ученик 01": 6, "Ученик 02": 2, "Ученик 03": 4}
    assert set(results.loc[results["pupil"] == "Ученик 03", "subject"]) == {"Химия", "Физика"}
    # weighted average 0 means "no average"
    assert results["weighted_average"].isna().all()


def test_header_is_found_when_a_block_is_shifted_and_columns_differ() -> None:
    first = make_tabel(["1 Четверть", "2 Четверть"], [
        ("Ученик 01", "8А", [("Алгебра", [(4.0, 0, "4"), (5.0, 0, "5")], ["5"])])])
    second = make_tabel(["1 Полугодие"], [
        ("Ученик 02", "8А", [("Алгебра", [(3.0, 0, "3")], [])])], singles=("Год. оценка",))
    # Second block follows the first with one extra blank row and fewer columns.
    rows = first.rows + [[""]] + [r for r in second.rows[4:]]
    shift = len(first.rows) + 1 - 4
    ranges = first.merged + [((a + shift, b), (c + shift, d)) for (a, b), (c, d) in second.merged]
    results, problems = parse(Sheet("Лист1", rows, ranges))
    assert problems == []
    assert marks_by_period(results, "Ученик 01", "Алгебра") == {
        "1 четверть": "4", "2 четверть": "5", "Год": "5"}
    assert marks_by_period(results, "Ученик 02", "Алгебра") == {"1 полугодие": "3"}


def test_subject_without_marks_or_averages_is_skipped_not_counted_as_no_mark() -> None:
    sheet = make_tabel(["1 Полугодие", "2 Полугодие"], [("Ученик 01", "8А", [
        ("Разговоры о важном", [(0.0, 0.0, ""), (0.0, 0.0, "")], ["", "", "", ""]),
        ("Алгебра", [(3.0, 0.0, "3"), (0.0, 0.0, "")], ["", "", "", ""]),
    ])])
    results, _ = parse(sheet)
    # Алгебра, 2nd half-year: no average and no mark → no row either.
    assert results[["subject", "period", "mark"]].values.tolist() == [
        ["Алгебра", "1 полугодие", "3"]]


def test_average_without_term_mark_is_kept_with_an_empty_mark() -> None:
    sheet = make_tabel(["1 Полугодие"], [("Ученик 01", "8А", [
        ("Алгебра", [(2.4, 2.2, "")], [])])], singles=())
    results, problems = parse(sheet)
    row = results.iloc[0]
    assert (row["mark"], row["average"], row["weighted_average"]) == ("", 2.4, 2.2)
    assert problems == []


def test_zero_term_mark_is_a_placeholder_with_a_located_warning() -> None:
    sheet = make_tabel(["1 Четверть", "2 Четверть"], [("Ученик 01", "8А", [
        ("Алгебра", [(3.2, 0, "3"), (3.1, 0, "0")], [])])], singles=())
    results, problems = parse(sheet)
    assert marks_by_period(results, "Ученик 01", "Алгебра") == {"1 четверть": "3",
                                                                "2 четверть": ""}
    # Data row 13 (1-based): school, blank, title, blank, 3 label lines, blank, 4 header rows.
    # «2 Четверть» spans columns F–H, so its «Итог» is H.
    assert problems == ["файл «tabel.xlsx», лист «Лист1», строка 13, столбец «H (2 Четверть, "
                        "Итог)»: «0» в столбце отметок — заполнитель, не отметка (значение «0»)"]


def test_year_final_and_exam_columns() -> None:
    sheet = make_tabel(["1 Полугодие", "2 Полугодие"], [("Ученик 01", "9Б", [
        ("Алгебра", [(4.0, 0, "4"), (4.4, 0, "4")], ["4", "5", "3", "4"]),
        ("Химия", [(3.0, 0, "3"), (3.0, 0, "3")], ["3", "", "", ""]),
    ])])
    results, problems = parse(sheet)
    assert problems == []
    got = sorted(results[["subject", "procedure", "period", "mark"]].itertuples(index=False,
                                                                                 name=None))
    assert got == sorted([
        ("Алгебра", "Отметки за период", "1 полугодие", "4"),
        ("Алгебра", "Отметки за период", "2 полугодие", "4"),
        ("Алгебра", "Отметки за период", "Год", "4"),
        ("Алгебра", "Экзамен", "", "5"),
        ("Алгебра", "ОГЭ", "", "3"),  # «Гос. экз. оценка» in grade 9
        ("Алгебра", "Отметки за период", "Итоговая", "4"),
        ("Химия", "Отметки за период", "1 полугодие", "3"),
        ("Химия", "Отметки за период", "2 полугодие", "3"),
        ("Химия", "Отметки за период", "Год", "3"),
    ])
    assert set(results["class_label"]) == {"9Б"}
    assert results["grade"].tolist() == [9] * len(results)
    assert set(results["school"]) == {"Школа № 1 (тест)"}
    assert set(results["year"]) == {"2024/2025"}


def test_grid_without_merged_ranges_reads_the_same() -> None:
    spec = [("Ученик 01", "8А", [("Алгебра", [(4.0, 0, "4"), (3.0, 0, "3")], ["4", "", "", ""])])]
    with_merges, _ = parse(make_tabel(["1 Полугодие", "2 Полугодие"], spec))
    without, _ = parse(make_tabel(["1 Полугодие", "2 Полугодие"], spec, merged=False))
    pd.testing.assert_frame_equal(with_merges, without)


def test_unparseable_class_skips_the_block_with_an_error() -> None:
    sheet = make_tabel(["1 Полугодие"], [
        ("Ученик 01", "восьмой", [("Алгебра", [(4.0, 0, "4")], [])]),
        ("Ученик 02", "8А", [("Алгебра", [(4.0, 0, "4")], [])]),
    ], singles=())
    results, problems = parse(sheet)
    assert results["pupil"].tolist() == ["Ученик 02"]
    assert len(problems) == 1 and "не распознан класс" in problems[0]
    assert "строка 6" in problems[0] and "«Класс»" in problems[0]


def _html_tabel() -> bytes:
    """A Табель as «Сетевой город» writes «Excel» (an HTML table with rowspan/colspan)."""
    head = (
        '<tr><td colspan="9">Школа № 2 (тест)</td></tr>'
        '<tr><td colspan="9">Табель успеваемости учащегося</td></tr>'
        '<tr><td colspan="9">Учебный год: 2023-2024</td></tr>'
        '<tr><td colspan="9">Класс: 7 б</td></tr>'
        '<tr><td colspan="9">Ученик: {pupil}</td></tr>'
        '<tr><td rowspan="4">№ п/п</td><td rowspan="4">Предмет</td>'
        '<td colspan="6">Учебные периоды</td><td rowspan="4">Год. оценка</td></tr>'
        '<tr><td colspan="3" rowspan="2">1 Полугодие</td>'
        '<td colspan="3" rowspan="2">2 Полугодие</td></tr>'
        '<tr></tr>'
        '<tr><td>Средний балл</td><td>Ср. взв. балл</td><td>Итог</td>'
        '<td>Средний балл</td><td>Ср. взв. балл</td><td>Итог</td></tr>'
    )
    body = (
        '<tr><td>1</td><td>Русский язык</td><td>3,5</td><td>3,62</td><td>4</td>'
        '<td>2,8</td><td>0</td><td>3</td><td>3</td></tr>'
        '<tr><td>2</td><td>Разговоры о важном</td><td>0</td><td>0</td><td></td>'
        '<td>0</td><td>0</td><td></td><td></td></tr>'
    )
    html = ("<html><head><meta charset='utf-8'></head><body><table>"
            + head.format(pupil="Ученик 01") + body + "</table></body></html>")
    return html.encode("utf-8")


def test_html_export_saved_as_xls_is_parsed() -> None:
    sheets = read_workbook(_html_tabel(), "tabel.xls")
    assert detect_layout(sheets) is tabel
    parsed = parse_sheets(sheets, file_name="tabel.xls")
    got = parsed.results[["year", "class_label", "pupil", "subject", "period", "mark"]]
    assert got.values.tolist() == [
        ["2023/2024", "7Б", "Ученик 01", "Русский язык", "1 полугодие", "4"],
        ["2023/2024", "7Б", "Ученик 01", "Русский язык", "2 полугодие", "3"],
        ["2023/2024", "7Б", "Ученик 01", "Русский язык", "Год", "3"],
    ]
    # «3,5» with a decimal comma; «0» = no average
    assert parsed.results["average"].fillna(-1).tolist() == [3.5, 2.8, -1]
    assert parsed.results["weighted_average"].fillna(-1).tolist() == [3.62, -1, -1]
    assert set(parsed.results["school"]) == {"Школа № 2 (тест)"}
    assert parsed.problems == ()


def test_report_layout_is_not_taken_for_a_tabel() -> None:
    rows: list[list[object]] = [
        ["Отчет об успеваемости и посещаемости ученика", "", "", ""],
        ["Учебный год: 2024/2025", "", "", ""], ["Класс: 8А", "", "", ""],
        ["Ученик: Ученик 01", "", "", ""],
        ["Предмет", "Март", "Средняя оценка", "Итоговая оценка за период"],
        ["", 3, "", ""], ["Алгебра", "4", 4.0, "4"],
    ]
    assert not tabel.detect([Sheet("Лист1", rows)])


# ---- the real Табель (realdata/netschool-export, read in place) ---------------------------------
#
# Expected figures were counted independently of this reader with a one-off openpyxl script
# (data_only=True) over the subject rows (column A holds '1'…'20'): quarter columns C–E, F–H,
# I–K, L–N (Средний балл, Ср. взв. балл, Итог), «Год. оценка» O; a subject is "not studied" when
# all eight averages are 0 and every mark cell is empty.


@pytest.fixture(scope="module")
def real_tabel(realdata: Path) -> tuple[pd.DataFrame, list[str]]:
    path = real_file(realdata, TABEL)
    parsed = parse_file(path.read_bytes(), path.name)
    assert parsed.layout == tabel.LAYOUT
    return parsed.results, [format_problem(p) for p in parsed.problems]


@pytest.mark.realdata
def test_real_tabel_pupils_subjects_and_periods(real_tabel: tuple[pd.DataFrame, list[str]]) -> None:
    results, _ = real_tabel
    # README: 28 pupil blocks × 20 subjects; 3 subjects per pupil have 0 averages and no marks
    # (Профессиональный минимум, Разговоры о важном, the other «Труд» group: 28 + 28 + 17 + 11
    # rows) → 17 studied subjects per pupil.
    assert results["pupil"].nunique() == 28
    assert results.groupby("pupil")["subject"].nunique().eq(17).all()
    assert not results["subject"].isin(["Разговоры о важном", "Профессиональный минимум"]).any()
    # openpyxl: 1 900 quarter slots with a non-empty «Итог» or a positive average; 448 non-empty
    # «Год. оценка» ('3' 209, '4' 192, '5' 30, '2' 17); exam columns all empty.
    counts = results["period"].value_counts()
    assert counts[["1 четверть", "2 четверть", "3 четверть", "4 четверть"]].sum() == 1900
    assert counts["Год"] == 448
    year_marks = results.loc[results["period"] == "Год", "mark"].value_counts().to_dict()
    assert year_marks == {"3": 209, "4": 192, "5": 30, "2": 17}
    assert set(results["procedure"]) == {"Отметки за период"}
    assert set(results["class_label"]) == {"8А"} and set(results["year"]) == {"2024/2025"}
    assert results["school"].str.contains("обезличено").all()


@pytest.mark.realdata
def test_real_tabel_term_mark_vs_average_pairs(real_tabel: tuple[pd.DataFrame, list[str]]) -> None:
    results, _ = real_tabel
    quarters = results[results["period"].str.endswith("четверть")]
    base = quarters["weighted_average"].where(quarters["weighted_average"] > 0,
                                              quarters["average"])
    pairs = quarters[quarters["mark"].isin(["2", "3", "4", "5"]) & (base > 0)]
    expected = [math.floor(b + 0.5) for b in base[pairs.index]]
    diff = Counter("equal" if int(m) == e else "above" if int(m) > e else "below"
                   for m, e in zip(pairs["mark"], expected, strict=True))
    # README / METHODOLOGY §5.4b: 1 854 pairs, 84.2 % equal, 125 above, 168 below. The openpyxl
    # recount shows that those 1 854 include the three '0' «Итог» placeholders as marks (each
    # "below" its positive average): 1 851 real pairs = 1 561 equal + 125 above + 165 below.
    assert diff == {"equal": 1561, "above": 125, "below": 165}
    assert sum(diff.values()) + 3 == 1854
    assert diff["below"] + 3 == 168
    assert round(100 * diff["equal"] / 1854, 1) == 84.2


@pytest.mark.realdata
def test_real_tabel_zero_term_marks_are_reported(
        real_tabel: tuple[pd.DataFrame, list[str]]) -> None:
    results, problems = real_tabel
    # README: 3 «Итог» cells are '0'; openpyxl finds them at sheet rows 321 (1st quarter, E) and
    # 390, 810 (4th quarter, N).
    zero = [p for p in problems if "заполнитель" in p]
    assert len(zero) == 3
    assert [("строка 321" in zero[0]), ("строка 390" in zero[1]), ("строка 810" in zero[2])] == [
        True, True, True]
    assert "E (1 Четверть, Итог)" in zero[0] and "N (4 Четверть, Итог)" in zero[2]
    assert all("tabel_uspevaemosti_8A_anon.xlsx" in p and "лист «Лист1»" in p for p in zero)
    placeholder_rows = results[(results["mark"] == "") & results["period"].str.endswith("четверть")]
    assert len(placeholder_rows) == 3


@pytest.mark.realdata
def test_real_tabel_gives_per_quarter_indicators_for_every_subject_with_marks(
        real_tabel: tuple[pd.DataFrame, list[str]]) -> None:
    results, _ = real_tabel
    table = summary_table(count_summary(results))
    quarters = table[table["period"].str.endswith("четверть")]
    # 18 subject rows have marks in 8А (20 minus the two unmarked courses); the two «Труд»
    # groups (девочки / мальчики) are groups of one subject (FORMATS §0.3), so 17 subjects,
    # each with a row in every quarter; every pupil is in exactly one Труд group.
    assert quarters.groupby("subject")["period"].nunique().eq(4).all()
    assert quarters["subject"].nunique() == 17
    trud = quarters[quarters["subject"] == "Труд (технология)"]
    assert trud["pupils"].tolist() == [28, 28, 28, 28]
    row = quarters[(quarters["subject"] == "Алгебра") & (quarters["period"] == "1 четверть")]
    assert len(row) == 1
    got = row.iloc[0]
    # openpyxl: Алгебра, 1 Четверть «Итог» over the 28 blocks: '4' 4, '3' 12, '2' 12.
    assert (got["pupils"], got["n5"], got["n4"], got["n3"], got["n2"], got["n"]) == (
        28, 0, 4, 12, 12, 28)
    assert got["pass_rate"] == pytest.approx(100 * 16 / 28)  # (4 + 12) / 28
    assert got["quality"] == pytest.approx(100 * 4 / 28)

