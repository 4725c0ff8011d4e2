"""Layout variants of the real files: what another school, region or year would upload.

Each test reads a real file from ../shared/realdata in place, changes it IN MEMORY the way a
different export would (column order, extra columns, header spelling, renamed sheets, title
lines, half-years instead of quarters …) and checks that the reader still recognises the layout
and gives the same counts as the unchanged file — or a precise Russian problem when the variant
genuinely lacks data. Nothing of the real files is written into the repository.

Expected numbers are counted independently of the readers, straight from the raw grid (plain
Python over ``Sheet.rows``), or taken from the unchanged file's parse when the point of the test
is "the variant reads the same as the original".
"""

from __future__ import annotations

import io
import random
from collections import Counter
from pathlib import Path

import openpyxl
import pytest

from core.model import Metadata, ParsedFile
from core.names import normalize_header
from core.problems import Severity, UnknownLayoutError
from core.readers import parse_file, parse_sheets
from core.workbook import Sheet, read_workbook
from tests.conftest import real_file

PROTOCOL = "altai-vpr/2022/4/Математика.xlsx"  # 53 data rows, 2 schools, 1 absent, «4А»/«А»
DUMP = "altai-vpr/2021/11/Проведение работы по физике, 11 класс. ВПР 2021.xlsx"
TABEL = "netschool-export/tabel_uspevaemosti_8A_anon.xlsx"
REPORT = "netschool-export/otchet_uspevaemost_poseshaemost_8A_anon.xlsx"
DUMP_ROWS = 400  # the first rows of the 10 269-row dump are enough for layout variants

PROTOCOL_META = Metadata(year="2021/2022", subject="Математика", grade=4)
DUMP_META = Metadata(year="2020/2021", subject="Физика", grade=11)


# ---------------------------------------------------------------- grid helpers


def _copy(sheet: Sheet, *, name: str | None = None, rows: list[list[object]] | None = None,
          merged: list | None = None) -> Sheet:
    return Sheet(name=sheet.name if name is None else name,
                 rows=[list(r) for r in (sheet.rows if rows is None else rows)],
                 merged=list(sheet.merged if merged is None else merged))


def _pad(sheet: Sheet) -> list[list[object]]:
    width = sheet.width
    return [list(r) + [""] * (width - len(r)) for r in sheet.rows]


def _take_cols(sheet: Sheet, order: list[int], *, name: str | None = None) -> Sheet:
    """Columns ``order`` (old indices) of a padded grid; merged ranges of kept columns that stay
    contiguous are remapped, the others dropped."""
    rows = [[r[c] for c in order] for r in _pad(sheet)]
    new = {old: i for i, old in enumerate(order)}
    merged = []
    for (r1, c1), (r2, c2) in sheet.merged:
        if all(c in new for c in range(c1, c2 + 1)):
            cols = [new[c] for c in range(c1, c2 + 1)]
            if cols == list(range(cols[0], cols[0] + len(cols))):
                merged.append(((r1, cols[0]), (r2, cols[-1])))
    return _copy(sheet, name=name, rows=rows, merged=merged)


def _delete_cols(sheet: Sheet, cols: set[int]) -> Sheet:
    return _take_cols(sheet, [c for c in range(sheet.width) if c not in cols])


def _insert_col(sheet: Sheet, at: int, header_row: int, header: str, fill: str) -> Sheet:
    rows = _pad(sheet)
    for r, row in enumerate(rows):
        row.insert(at, header if r == header_row else (fill if r > header_row and any(
            v != "" for v in row) else ""))
    merged = [((r1, c1 + (c1 >= at)), (r2, c2 + (c2 >= at))) for (r1, c1), (r2, c2)
              in sheet.merged]
    return _copy(sheet, rows=rows, merged=merged)


def _col(sheet: Sheet, header_row: int, header: str) -> int:
    texts = [normalize_header(v) for v in sheet.rows[header_row]]
    return texts.index(normalize_header(header))


def _sheet(sheets: list[Sheet], name: str) -> Sheet:
    return next(s for s in sheets if s.name == name)


def _read(realdata: Path, relative: str) -> list[Sheet]:
    return read_workbook(real_file(realdata, relative).read_bytes(), Path(relative).name)


def _errors(parsed: ParsedFile) -> list[str]:
    return [p.message for p in parsed.problems if p.severity is Severity.ERROR]


# ---------------------------------------------------------------- ФИС ОКО 2022 protocol


@pytest.fixture(scope="module")
def protocol(realdata: Path) -> list[Sheet]:
    return _read(realdata, PROTOCOL)


@pytest.fixture(scope="module")
def protocol_base(protocol: list[Sheet]) -> ParsedFile:
    return parse_sheets(protocol, file_name="Математика.xlsx", metadata=PROTOCOL_META)


def _vpr_key(parsed: ParsedFile, *, school: bool = True) -> list[tuple[object, ...]]:
    """What a protocol gives per pupil, order-independent."""
    r = parsed.results
    cols = ["pupil", "class_label", "grade", "primary_score", "journal_mark", "gender", "variant"]
    if school:
        cols.insert(0, "school")
    return sorted(tuple(str(v) for v in row) for row in r[cols].itertuples(index=False))


def _raw_protocol_counts(sheet: Sheet) -> tuple[int, int]:
    """(written, absent) straight from the grid: a row with a code and a variant; absent when
    the variant is «отсутствовал»."""
    code = _col(sheet, 0, "Код")
    var = _col(sheet, 0, "Вариант")
    rows = [r for r in sheet.rows[1:] if str(r[code]).strip() and str(r[var]).strip()]
    absent = sum(1 for r in rows if str(r[var]).strip().lower() == "отсутствовал")
    return len(rows) - absent, absent


def test_protocol_baseline_counts(protocol: list[Sheet], protocol_base: ParsedFile) -> None:
    written, absent = _raw_protocol_counts(_sheet(protocol, "Протокол"))
    assert protocol_base.layout == "fisoko_vpr_protocol"
    assert len(protocol_base.results) == written
    assert absent >= 1  # the file has an absentee: the variants keep excluding it
    assert not _errors(protocol_base)


def _protocol_variant(protocol: list[Sheet], change) -> ParsedFile:  # type: ignore[no-untyped-def]
    sheets = [change(s) if s.name == "Протокол" else s for s in protocol]
    return parse_sheets(sheets, file_name="Математика.xlsx", metadata=PROTOCOL_META)


def test_protocol_columns_in_another_order(protocol: list[Sheet],
                                           protocol_base: ParsedFile) -> None:
    order = list(range(_sheet(protocol, "Протокол").width))
    random.Random(7).shuffle(order)
    parsed = _protocol_variant(protocol, lambda s: _take_cols(s, order))
    assert parsed.layout == "fisoko_vpr_protocol"
    assert _vpr_key(parsed) == _vpr_key(protocol_base)
    assert len(parsed.tasks) == len(protocol_base.tasks)


def test_protocol_extra_unknown_columns(protocol: list[Sheet], protocol_base: ParsedFile) -> None:
    def change(s: Sheet) -> Sheet:
        s = _insert_col(s, _col(s, 0, "Пол"), 0, "Примечание", "перевёлся")
        return _insert_col(s, s.width, 0, "Дата проведения", "15.03.2022")

    parsed = _protocol_variant(protocol, change)
    assert _vpr_key(parsed) == _vpr_key(protocol_base)


def test_protocol_without_identity_block(protocol: list[Sheet],
                                         protocol_base: ParsedFile) -> None:
    """A school's own upload: the same columns without «Пользователь» … «Дата загрузки»."""
    def change(s: Sheet) -> Sheet:
        return _delete_cols(s, set(range(_col(s, 0, "Код"))))

    parsed = _protocol_variant(protocol, change)
    assert _vpr_key(parsed, school=False) == _vpr_key(protocol_base, school=False)
    assert set(parsed.results["school"]) == {""}


@pytest.mark.parametrize("renames", [
    {"Итого баллов": "Итого баллов ", "Код": " Код ", "Пол": "Пол "},
    {"Отметка за предыдущий триместр/ четверть/полугодие":
     "Отметка за предыдущий триместр / четверть / полугодие"},
    {"Отметка за предыдущий триместр/ четверть/полугодие": "Отметка за предыдущую четверть"},
    {"Итого баллов": "Итого"},
    {"Итого баллов": "ИТОГО БАЛЛОВ", "Наименование класса": "Класс", "Вариант": "ВАРИАНТ"},
    {"Итого баллов": "Сумма баллов"},
    {"Итого баллов": "Первичный балл"},
], ids=["trailing-spaces", "slash-spacing", "quarter-only", "itogo", "caps-klass", "summa",
        "pervichny"])
def test_protocol_header_spelling(protocol: list[Sheet], protocol_base: ParsedFile,
                                  renames: dict[str, str]) -> None:
    def change(s: Sheet) -> Sheet:
        rows = [list(r) for r in s.rows]
        for old, new in renames.items():
            rows[0][_col(s, 0, old)] = new
        return _copy(s, rows=rows)

    parsed = _protocol_variant(protocol, change)
    assert parsed.layout == "fisoko_vpr_protocol"
    assert _vpr_key(parsed) == _vpr_key(protocol_base)
    # The total is still compared with Σ tasks: the same number of mismatching rows.

    def mismatch(p: ParsedFile) -> list[str]:
        return [x.message.split("«")[-1].split("»", 1)[1] for x in p.problems
                if "не совпадает с суммой" in x.message]
    assert mismatch(protocol_base)  # one school has «Итого баллов» = 0 for every pupil
    assert mismatch(parsed) == mismatch(protocol_base)


def test_protocol_task_headers_with_spacing(protocol: list[Sheet],
                                            protocol_base: ParsedFile) -> None:
    """«5(1) (1б)» → «5 (1)(1б)», «1 (1б)» → «1(1 б)», trailing spaces (all seen in §4.2)."""
    def change(s: Sheet) -> Sheet:
        rows = [list(r) for r in s.rows]
        for c, v in enumerate(rows[0]):
            text = str(v)
            if "б)" in text:
                rows[0][c] = text.replace(" (", "(").replace("б)", " б) ").replace(
                    ")(", ") (")
        return _copy(s, rows=rows)

    parsed = _protocol_variant(protocol, change)
    assert _vpr_key(parsed) == _vpr_key(protocol_base)
    assert sorted(parsed.tasks["task"].unique()) == sorted(protocol_base.tasks["task"].unique())


def test_protocol_codes_as_text_with_leading_zeros(protocol: list[Sheet]) -> None:
    def change(s: Sheet) -> Sheet:
        code = _col(s, 0, "Код")
        rows = [list(r) for r in s.rows]
        for r in rows[1:]:
            if r[code] != "":
                r[code] = f"{int(float(r[code])):07d}"
        return _copy(s, rows=rows)

    parsed = _protocol_variant(protocol, change)
    written, _ = _raw_protocol_counts(_sheet(protocol, "Протокол"))
    assert len(parsed.results) == written
    assert all(len(p) == 7 and p.startswith("00") for p in parsed.results["pupil"])


def test_protocol_sheet_renamed_and_classes_sheet_absent(protocol: list[Sheet],
                                                         protocol_base: ParsedFile) -> None:
    sheets = [_copy(s, name="Лист1") for s in protocol if s.name == "Протокол"]
    parsed = parse_sheets(sheets, file_name="Математика.xlsx", metadata=PROTOCOL_META)
    assert parsed.layout == "fisoko_vpr_protocol"
    assert _vpr_key(parsed) == _vpr_key(protocol_base)


def test_protocol_empty_rows_and_title_above(protocol: list[Sheet],
                                             protocol_base: ParsedFile) -> None:
    def change(s: Sheet) -> Sheet:
        width = s.width
        blank = [""] * width
        title = ["Протокол проверки ВПР, 4 класс, математика"] + [""] * (width - 1)
        rows = [title, list(blank), *[list(r) for r in s.rows]]
        rows.insert(2 + 10, list(blank))  # an empty row inside the data
        rows.insert(2 + 30, list(blank))
        rows.append(list(blank))
        return _copy(s, rows=rows, merged=[])

    parsed = _protocol_variant(protocol, change)
    assert _vpr_key(parsed) == _vpr_key(protocol_base)
    # Source rows point at the rows of the changed sheet: the first pupil is 2 rows lower.
    assert parsed.results["source_row"].min() == protocol_base.results["source_row"].min() + 2


def test_protocol_all_numbers_as_text(protocol: list[Sheet], protocol_base: ParsedFile) -> None:
    def change(s: Sheet) -> Sheet:
        rows = [[(str(int(v)) if isinstance(v, float) and v.is_integer() else v) for v in r]
                for r in s.rows]
        return _copy(s, rows=rows)

    parsed = _protocol_variant(protocol, change)
    assert _vpr_key(parsed) == _vpr_key(protocol_base)


def test_protocol_school_upload_written_by_openpyxl(realdata: Path,
                                                   protocol_base: ParsedFile) -> None:
    """The whole chain from bytes: a school's own upload re-saved by Excel — sheet «Лист1», no
    «Классы» sheet, no identity block, a title row, «Примечание» column."""
    wb = openpyxl.load_workbook(io.BytesIO(real_file(realdata, PROTOCOL).read_bytes()))
    del wb["Классы"]
    ws = wb["Протокол"]
    ws.title = "Лист1"
    ws.delete_cols(1, 6)
    ws.insert_rows(1)
    ws["A1"] = "Результаты ВПР"
    ws.cell(row=2, column=ws.max_column + 1, value="Примечание")
    buf = io.BytesIO()
    wb.save(buf)
    parsed = parse_file(buf.getvalue(), "ВПР 4 класс.xlsx", metadata=PROTOCOL_META)
    assert parsed.layout == "fisoko_vpr_protocol"
    assert _vpr_key(parsed, school=False) == _vpr_key(protocol_base, school=False)


# ---------------------------------------------------------------- ФИС ОКО 2021 dump


@pytest.fixture(scope="module")
def dump(realdata: Path) -> Sheet:
    sheet = _read(realdata, DUMP)[0]
    return _copy(sheet, rows=sheet.rows[:DUMP_ROWS + 1])


@pytest.fixture(scope="module")
def dump_base(dump: Sheet) -> ParsedFile:
    return parse_sheets([dump], file_name="dump.xlsx", metadata=DUMP_META)


def test_dump_baseline_counts(dump: Sheet, dump_base: ParsedFile) -> None:
    code = _col(dump, 0, "код обучающегося")
    var = _col(dump, 0, "вариант")
    rows = [r for r in dump.rows[1:] if r[code] != ""]
    written = sum(1 for r in rows if str(r[var]).lower() != "отсутствовал")
    assert dump_base.layout == "fisoko_vpr_dump"
    assert len(dump_base.results) == written
    assert written < len(rows)  # some absentees among the first rows


def _dump_variant(sheet: Sheet) -> ParsedFile:
    return parse_sheets([sheet], file_name="dump.xlsx", metadata=DUMP_META)


def test_dump_columns_shuffled(dump: Sheet, dump_base: ParsedFile) -> None:
    order = list(range(dump.width))
    random.Random(11).shuffle(order)
    parsed = _dump_variant(_take_cols(dump, order))
    assert _vpr_key(parsed) == _vpr_key(dump_base)


def test_dump_header_case(dump: Sheet, dump_base: ParsedFile) -> None:
    rows = [list(r) for r in dump.rows]
    rows[0] = [str(v)[:1].upper() + str(v)[1:] for v in rows[0]]  # «Логин школы», «Балл за 1»
    parsed = _dump_variant(_copy(dump, rows=rows))
    assert _vpr_key(parsed) == _vpr_key(dump_base)


def test_dump_other_task_count_and_empty_trailing_columns(dump: Sheet,
                                                          dump_base: ParsedFile) -> None:
    """Another work: tasks up to 16 only; two unnamed empty columns at the end (математика 5)."""
    last = [_col(dump, 0, f"балл за {n}") for n in (17, 18)]
    sheet = _delete_cols(dump, set(last))
    rows = [list(r) + ["", ""] for r in sheet.rows]
    parsed = _dump_variant(_copy(sheet, rows=rows))
    tasks = sorted(parsed.tasks["task"].unique(), key=float)
    assert tasks == [str(n) for n in range(1, 17)]
    assert len(parsed.results) == len(dump_base.results)


def test_dump_numeric_values(dump: Sheet, dump_base: ParsedFile) -> None:
    def num(v: object) -> object:
        text = str(v)
        return int(text) if text.isdigit() and not text.startswith("0") else v

    rows = [list(dump.rows[0])] + [[num(v) for v in r] for r in dump.rows[1:]]
    parsed = _dump_variant(_copy(dump, rows=rows))
    assert _vpr_key(parsed) == _vpr_key(dump_base)


def test_protocol_without_total_column(protocol: list[Sheet], protocol_base: ParsedFile) -> None:
    """A form without «Итого баллов»: the primary score is Σ tasks, nothing to compare."""
    parsed = _protocol_variant(protocol, lambda s: _delete_cols(s, {_col(s, 0, "Итого баллов")}))
    assert _vpr_key(parsed) == _vpr_key(protocol_base)
    assert not [p for p in parsed.problems if "не совпадает с суммой" in p.message]


# ---------------------------------------------------------------- NetSchool Табель


@pytest.fixture(scope="module")
def tabel(realdata: Path) -> Sheet:
    (sheet,) = _read(realdata, TABEL)
    return sheet


@pytest.fixture(scope="module")
def tabel_base(tabel: Sheet) -> ParsedFile:
    return parse_sheets([tabel], file_name="tabel.xlsx")


def _term_key(parsed: ParsedFile, *, period_map: dict[str, str] | None = None
              ) -> list[tuple[str, ...]]:
    r = parsed.results
    out = []
    for row in r[["pupil", "subject", "procedure", "period", "mark", "average",
                  "weighted_average"]].itertuples(index=False):
        period = (period_map or {}).get(row.period, row.period)
        out.append((row.pupil, row.subject, row.procedure, period, row.mark, str(row.average),
                    str(row.weighted_average)))
    return sorted(out)


def _replace_text(sheet: Sheet, mapping: dict[str, str], *, name: str | None = None) -> Sheet:
    rows = [[mapping.get(v, v) if isinstance(v, str) else v for v in r] for r in sheet.rows]
    return _copy(sheet, rows=rows, name=name)


def test_tabel_baseline_pupils(tabel: Sheet, tabel_base: ParsedFile) -> None:
    # 28 «Ученик:» lines in column A (FORMATS §1: 28 pupil blocks).
    pupils = {str(r[0]).split(":", 1)[1].strip() for r in tabel.rows
              if str(r[0]).startswith("Ученик:")}
    assert len(pupils) == 28
    assert set(tabel_base.results["pupil"]) == pupils


def test_tabel_other_class_and_year(tabel: Sheet, tabel_base: ParsedFile) -> None:
    variant = _replace_text(tabel, {"Класс: 8А": "Класс: 10Б",
                                    "Учебный год: 2024/2025": "Учебный год: 2023-2024"},
                            name="Табель 10Б")
    parsed = parse_sheets([variant], file_name="tabel.xlsx")
    assert parsed.layout == "netschool_tabel"
    assert _term_key(parsed) == _term_key(tabel_base)
    assert set(parsed.results["class_label"]) == {"10Б"}
    assert set(parsed.results["grade"]) == {10}
    assert set(parsed.results["year"]) == {"2023/2024"}


def test_tabel_without_school_and_title_lines(tabel: Sheet, tabel_base: ParsedFile) -> None:
    first = next(r for r, row in enumerate(tabel.rows) if str(row[0]).startswith("Учебный год"))
    rows = [list(r) for r in tabel.rows[first:]]
    merged = [((r1 - first, c1), (r2 - first, c2)) for (r1, c1), (r2, c2) in tabel.merged
              if r1 >= first]
    parsed = parse_sheets([_copy(tabel, rows=rows, merged=merged)], file_name="tabel.xlsx",
                          metadata=Metadata(school="Школа № 5"))
    assert _term_key(parsed) == _term_key(tabel_base)
    assert set(parsed.results["school"]) == {"Школа № 5"}


def test_tabel_fewer_subjects_in_one_block(tabel: Sheet, tabel_base: ParsedFile) -> None:
    """Pupil 01's block lists 3 subjects fewer (another curriculum): only those rows go."""
    second = [r for r, row in enumerate(tabel.rows) if str(row[0]).startswith("Учебный год")][1]
    drop = {r for r in range(second) if tabel.rows[r][1] in {"Музыка", "Химия", "Физика"}}
    assert len(drop) == 3
    rows = [list(row) for r, row in enumerate(tabel.rows) if r not in drop]
    parsed = parse_sheets([_copy(tabel, rows=rows, merged=[])], file_name="tabel.xlsx")
    gone = [k for k in _term_key(tabel_base)
            if k[0] == "Ученик 01" and k[1] in {"Музыка", "Химия", "Физика"}]
    # 4 quarters for each of the 3 subjects + the year mark of Музыка and Физика (Химия has
    # no «Год. оценка» in pupil 01's row of the file).
    assert len(gone) == 3 * 4 + 2
    assert Counter(_term_key(parsed)) == Counter(_term_key(tabel_base)) - Counter(gone)


def _period_cols(sheet: Sheet, label: str) -> int:
    cols = {c for row in sheet.rows for c, v in enumerate(row) if v == label}
    assert len(cols) == 1, (label, cols)  # the same column in every block
    return cols.pop()


@pytest.mark.parametrize("kind", ["Полугодие", "Триместр"])
def test_tabel_half_years_or_trimesters(tabel: Sheet, tabel_base: ParsedFile, kind: str) -> None:
    """A school with 2 half-years (or 3 trimesters): the other quarter columns are absent."""
    n = 2 if kind == "Полугодие" else 3
    first_dropped = _period_cols(tabel, f"{n + 1} Четверть")
    year_col = _period_cols(tabel, "Год. оценка")
    variant = _delete_cols(tabel, set(range(first_dropped, year_col)))
    variant = _replace_text(variant, {f"{i} Четверть": f"{i} {kind}" for i in range(1, n + 1)})
    parsed = parse_sheets([variant], file_name="tabel.xlsx")
    assert parsed.layout == "netschool_tabel"
    kept = {f"{i} четверть": f"{i} {kind.lower()}" for i in range(1, n + 1)}
    expected = [k for k in _term_key(tabel_base, period_map=kept)
                if k[3] in {*kept.values(), "Год"}]
    assert _term_key(parsed) == expected
    assert sorted(set(parsed.results["period"])) == sorted({*kept.values(), "Год"})


# ---------------------------------------------------------------- NetSchool Отчёт


@pytest.fixture(scope="module")
def report(realdata: Path) -> Sheet:
    (sheet,) = _read(realdata, REPORT)
    return sheet


def _report_autumn(report: Sheet, period_line: str) -> Sheet:
    """March → October, April → November (same number of days), May dropped: in every block,
    the May day columns are cut out of the block's own rows (their positions differ)."""
    starts = [r for r, row in enumerate(report.rows) if str(row[0]).startswith("Учебный год")]
    rows = [list(r) for r in _pad(report)]
    for b, start in enumerate(starts):
        end = starts[b + 1] if b + 1 < len(starts) else len(rows)
        header = next(r for r in range(start, end) if rows[r][0] == "Предмет")
        may = rows[header].index("Май")
        stop = next(c for c in range(may + 1, len(rows[header])) if rows[header][c] != "")
        for r in range(start, end):
            rows[r] = rows[r][:may] + rows[r][stop:] + [""] * (stop - may)
    months = {"Март": "Октябрь", "Апрель": "Ноябрь"}
    out = [[months.get(v, v) if isinstance(v, str) else v for v in r] for r in rows]
    out = [[period_line if isinstance(v, str) and v.startswith("Период:") else v for v in r]
           for r in out]
    return _copy(report, rows=out, merged=[])


@pytest.fixture(scope="module")
def report_base(report: Sheet) -> ParsedFile:
    return parse_sheets([report], file_name="otchet.xlsx",
                        metadata=Metadata(period="4 четверть"))


def _expected_autumn_lessons(base: ParsedFile) -> list[tuple[str, ...]]:
    """The original lessons without May, dated 2024 with March → October, April → November."""
    out = []
    for row in base.lessons.itertuples(index=False):
        day, month, _year = row.date.split(".")
        if month == "05":
            continue
        new = {"03": "10", "04": "11"}[month]
        out.append((row.pupil, row.subject, f"{day}.{new}.2024", str(row.lesson_index),
                    row.marks, row.attendance))
    return sorted(out)


def _lesson_key(parsed: ParsedFile) -> list[tuple[str, ...]]:
    return sorted((r.pupil, r.subject, r.date, str(r.lesson_index), r.marks, r.attendance)
                  for r in parsed.lessons.itertuples(index=False))


def test_report_autumn_period_as_date_range(report: Sheet, report_base: ParsedFile) -> None:
    variant = _report_autumn(report, "Период: с 01.10.24 по 30.11.24")
    parsed = parse_sheets([variant], file_name="otchet.xlsx")
    assert parsed.layout == "netschool_report"
    expected = _expected_autumn_lessons(report_base)
    assert len(expected) < len(report_base.lessons)  # May lessons are gone
    assert _lesson_key(parsed) == expected
    assert not [p for p in parsed.problems if "вне периода" in p.message]
    # A date range is not guessed into a quarter: no term rows, one warning asking for it.
    assert parsed.results.empty
    asks = [p for p in parsed.problems if "укажите период при загрузке" in p.message]
    assert len(asks) == 1 and "с 01.10.24 по 30.11.24" in asks[0].message
    # Named at upload: the term marks come in, as many as in the original.
    named = parse_sheets([variant], file_name="otchet.xlsx",
                         metadata=Metadata(period="2 четверть"))
    assert len(named.results) == len(report_base.results)
    assert set(named.results["period"]) == {"2 четверть"}


def test_report_period_named_in_the_file(report: Sheet, report_base: ParsedFile) -> None:
    variant = _report_autumn(report, "Период: 2 четверть")
    parsed = parse_sheets([variant], file_name="otchet.xlsx")
    assert _lesson_key(parsed) == _expected_autumn_lessons(report_base)
    assert len(parsed.results) == len(report_base.results)
    assert set(parsed.results["period"]) == {"2 четверть"}


# ---------------------------------------------------------------- generic wide ведомость


_ABBREVIATION = {
    "Алгебра": "Алг.", "Биология": "Биол.", "Вероятность и статистика": "Вероятн. и стат.",
    "География": "Геогр.", "Геометрия": "Геом.", "Иностранный язык (английский)": "Англ. яз.",
    "Информатика": "Инф.", "История": "Ист.", "Литература": "Лит-ра", "Музыка": "Муз.",
    "Обществознание": "Общ.", "Основы безопасности и защиты Родины": "ОБЗР",
    "Русский язык": "Рус. яз.", "Труд (технология)": "Труд", "Физика": "Физ.",
    "Физическая культура": "Физ-ра", "Химия": "Хим.",
}


def test_wide_sheet_built_from_tabel_marks(tabel_base: ParsedFile) -> None:
    """One class × subjects × one period, abbreviated headers, a «Пропущено уроков» column,
    footer «Успеваемость, %» / «Качество, %», class only in the sheet name."""
    q1 = tabel_base.results[(tabel_base.results["period"] == "1 четверть")
                            & (tabel_base.results["mark"] != "")]
    subjects = sorted(set(q1["subject"]))
    assert set(subjects) <= set(_ABBREVIATION)
    pupils = sorted(set(tabel_base.results["pupil"]))
    marks = {(r.pupil, r.subject): r.mark for r in q1.itertuples(index=False)}
    rows: list[list[object]] = [
        ["Сводная ведомость итоговых отметок за 1 четверть 2024/2025 учебного года"],
        [],
        ["№", "ФИО", *[_ABBREVIATION[s] for s in subjects], "Пропущено уроков"],
    ]
    for i, pupil in enumerate(pupils, 1):
        rows.append([i, pupil, *[marks.get((pupil, s), "") for s in subjects], 12])
    rows.append(["", "Успеваемость, %", *[100.0] * len(subjects), ""])
    rows.append(["", "Качество, %", *[37.5] * len(subjects), ""])
    width = max(len(r) for r in rows)
    rows = [r + [""] * (width - len(r)) for r in rows]
    parsed = parse_sheets([Sheet(name="8А", rows=rows)], file_name="ведомость.xlsx")
    assert parsed.layout == "wide_sheet"
    assert not _errors(parsed)
    got = sorted((r.pupil, r.subject, r.mark) for r in parsed.results.itertuples(index=False))
    assert got == sorted((p, s, m) for (p, s), m in marks.items())
    assert set(parsed.results["class_label"]) == {"8А"}
    assert set(parsed.results["period"]) == {"1 четверть"}
    assert set(parsed.results["year"]) == {"2024/2025"}


# ---------------------------------------------------------------- second round of variants


def test_protocol_code_participant_and_journal_header(protocol: list[Sheet],
                                                      protocol_base: ParsedFile) -> None:
    """A school form heading the columns «Код участника» and «Отметка по журналу»."""
    def change(s: Sheet) -> Sheet:
        rows = [list(r) for r in s.rows]
        rows[0][_col(s, 0, "Код")] = "Код участника"
        rows[0][_col(s, 0, "Отметка за предыдущий триместр/ четверть/полугодие")] = (
            "Отметка по журналу")
        return _copy(s, rows=rows)

    parsed = _protocol_variant(protocol, change)
    assert parsed.layout == "fisoko_vpr_protocol"
    assert _vpr_key(parsed) == _vpr_key(protocol_base)


def test_protocol_one_sheet_per_school(protocol: list[Sheet], protocol_base: ParsedFile) -> None:
    """The rows split over one sheet per school, each with its own header."""
    src = _sheet(protocol, "Протокол")
    school = _col(src, 0, "Школа")
    names = sorted({str(r[school]) for r in src.rows[1:] if r[school] != ""})
    assert len(names) > 1  # several schools in this region download (counted from the grid)
    parts = [Sheet(name=f"Протокол {i + 1}",
                   rows=[list(src.rows[0])] + [list(r) for r in src.rows[1:] if r[school] == n])
             for i, n in enumerate(names)]
    parsed = parse_sheets(parts, file_name="Математика.xlsx", metadata=PROTOCOL_META)
    assert _vpr_key(parsed) == _vpr_key(protocol_base)
    assert parsed.results["row_id"].is_unique


def test_tabel_short_average_headers_without_weighted(tabel: Sheet,
                                                      tabel_base: ParsedFile) -> None:
    """Another NetSchool version: «Ср. балл» instead of «Средний балл», no «Ср. взв. балл»."""
    weighted = {c for row in tabel.rows for c, v in enumerate(row) if v == "Ср. взв. балл"}
    assert len(weighted) == 4  # one per quarter, the same columns in every block
    variant = _replace_text(_delete_cols(tabel, weighted), {"Средний балл": "Ср. балл"})
    parsed = parse_sheets([variant], file_name="tabel.xlsx")
    assert parsed.layout == "netschool_tabel"
    # The same rows, without the weighted average — except rows kept only by a positive
    # weighted average, which now have no reason to exist (none in this file: checked here).
    base = tabel_base.results
    only_weighted = base[(base["mark"] == "") & base["average"].isna()
                         & base["weighted_average"].notna()]
    assert only_weighted.empty
    assert [k[:6] for k in _term_key(parsed)] == [k[:6] for k in _term_key(tabel_base)]
    assert parsed.results["weighted_average"].isna().all()


def test_report_without_weighted_and_across_new_year(report: Sheet,
                                                     report_base: ParsedFile) -> None:
    """March → December, April → January (2nd half of the school year starts): dates roll over
    into the second calendar year; no «Средневзвешенный балл» column."""
    rows = [list(r) for r in _report_autumn(report, "Период: с 01.12.24 по 31.01.25").rows]
    rows = [[{"Октябрь": "Декабрь", "Ноябрь": "Январь"}.get(v, v) if isinstance(v, str) else v
             for v in r] for r in rows]
    for r in rows:  # drop the weighted average cell of each block's header and rows
        for c, v in enumerate(r):
            if isinstance(v, str) and normalize_header(v) == "средневзвешенный балл":
                r[c] = ""
    variant = Sheet(name="Лист1", rows=rows)
    parsed = parse_sheets([variant], file_name="otchet.xlsx",
                          metadata=Metadata(period="2 полугодие"))
    expected = [(p, s, d.replace(".10.2024", ".12.2024").replace(".11.2024", ".01.2025"), i, m, a)
                for p, s, d, i, m, a in _expected_autumn_lessons(report_base)]
    assert _lesson_key(parsed) == sorted(expected)
    assert not [p for p in parsed.problems if "вне периода" in p.message]
    assert len(parsed.results) == len(report_base.results)


def test_wide_sheet_compact_abbreviations(tabel_base: ParsedFile) -> None:
    """Abbreviations typed without spaces («Англ.яз.», «Физ.культура», «Рус.яз») and split over
    lines (vertical header text), with a 2-row header: subject over «1ч»."""
    abbreviations = {**_ABBREVIATION, "Иностранный язык (английский)": "Англ.яз.",
                     "Физическая культура": "Физ.\nкультура", "Русский язык": "Рус.яз",
                     "Вероятность и статистика": "Вероятн.и стат.", "Геометрия": "Геом"}
    q1 = tabel_base.results[(tabel_base.results["period"] == "1 четверть")
                            & (tabel_base.results["mark"] != "")]
    subjects = sorted(set(q1["subject"]))
    pupils = sorted(set(tabel_base.results["pupil"]))
    marks = {(r.pupil, r.subject): r.mark for r in q1.itertuples(index=False)}
    rows: list[list[object]] = [
        ["Итоговые отметки", "", "Класс: 8А", "", "Учебный год 2024-2025"],
        ["№", "Фамилия, имя", *[abbreviations[s] for s in subjects]],
        ["", "", *["1ч"] * len(subjects)],
    ]
    for i, pupil in enumerate(pupils, 1):
        rows.append([i, pupil, *[marks.get((pupil, s), "") for s in subjects]])
    rows.append(["Кол-во «5»", "", *[0] * len(subjects)])
    width = max(len(r) for r in rows)
    rows = [r + [""] * (width - len(r)) for r in rows]
    parsed = parse_sheets([Sheet(name="Лист1", rows=rows)], file_name="ведомость.xlsx")
    assert parsed.layout == "wide_sheet"
    got = sorted((r.pupil, r.subject, r.mark) for r in parsed.results.itertuples(index=False))
    assert got == sorted((p, s, m) for (p, s), m in marks.items())
    assert not [p for p in parsed.problems if "не найден в справочнике" in p.message]


@pytest.mark.parametrize("mapping", [
    {"1 Четверть": "I четверть", "2 Четверть": "II четверть", "3 Четверть": "III четверть",
     "4 Четверть": "IV четверть"},
    {"Год. оценка": "Годовая", "Итог": "Итоговая отметка"},
    {"Итог": "Отметка за период"},
    {"Предмет": "Учебный предмет", "Класс: 8А": 'Класс: 8 "А"'},
    {"Предмет": "Предметы", "Учебный год: 2024/2025": "Учебный год: 2024-2025"},
], ids=["roman", "godovaya", "za-period", "uchebny-predmet", "predmety"])
def test_tabel_header_wording(tabel: Sheet, tabel_base: ParsedFile,
                              mapping: dict[str, str]) -> None:
    parsed = parse_sheets([_replace_text(tabel, mapping)], file_name="tabel.xlsx")
    assert parsed.layout == "netschool_tabel"
    assert _term_key(parsed) == _term_key(tabel_base)
    assert set(parsed.results["class_label"]) == {"8А"}


@pytest.mark.parametrize("mapping", [
    {"Март": "МАРТ", "Апрель": "АПРЕЛЬ", "Май": "МАЙ"},
    {"Предмет": "Предметы", "Итоговая оценка за период": "Итоговая отметка",
     "Средняя оценка": "Ср. балл"},
], ids=["caps-months", "wording"])
def test_report_header_wording(report: Sheet, report_base: ParsedFile,
                               mapping: dict[str, str]) -> None:
    parsed = parse_sheets([_replace_text(report, mapping)], file_name="otchet.xlsx",
                          metadata=Metadata(period="4 четверть"))
    assert parsed.layout == "netschool_report"
    assert _lesson_key(parsed) == _lesson_key(report_base)
    assert len(parsed.results) == len(report_base.results)
    assert parsed.results["average"].notna().sum() == report_base.results["average"].notna().sum()


@pytest.mark.parametrize("name", [TABEL, REPORT])
def test_netschool_with_unknown_header_is_not_taken_for_a_wide_sheet(realdata: Path,
                                                                     name: str) -> None:
    """A NetSchool report whose table header no reader understands («Курс» for «Предмет») is
    refused with the «not recognised» message, not read as a transposed ведомость (that asked
    for a period and would import averages as marks)."""
    (sheet,) = _read(realdata, name)
    variant = _replace_text(sheet, {"Предмет": "Курс"})
    with pytest.raises(UnknownLayoutError, match="формат файла не распознан") as info:
        parse_sheets([variant], file_name="Отчёт.xlsx")
    assert "Отчёт.xlsx" in str(info.value)


@pytest.mark.parametrize("renames", [
    {"всего баллов": "Итого баллов", "код обучающегося": "Код участника",
     "логин школы": "Логин ОО"},
    {"отметка за предыдущую четверть/триместр":
     "Отметка за предыдущий триместр/ четверть/полугодие"},
    {"балл за N": "Балл за задание N"},
], ids=["other-names", "journal-2022-wording", "zadanie"])
def test_dump_header_wording_of_other_years(dump: Sheet, dump_base: ParsedFile,
                                            renames: dict[str, str]) -> None:
    header = [str(v) for v in dump.rows[0]]
    for old, new in renames.items():
        if "N" in old:
            header = [new.replace("N", v[len("балл за "):]) if v.startswith("балл за ") else v
                      for v in header]
        else:
            header = [new if v == old else v for v in header]
    parsed = _dump_variant(_copy(dump, rows=[header, *dump.rows[1:]]))
    assert parsed.layout == "fisoko_vpr_dump"
    assert _vpr_key(parsed) == _vpr_key(dump_base)
    assert len(parsed.tasks) == len(dump_base.tasks)


def test_dump_title_row_above(dump: Sheet, dump_base: ParsedFile) -> None:
    blank = [""] * dump.width
    rows = [["Результаты ВПР 2021, физика, 11 класс", *blank[1:]], blank, *dump.rows]
    parsed = _dump_variant(_copy(dump, rows=rows))
    assert _vpr_key(parsed) == _vpr_key(dump_base)
