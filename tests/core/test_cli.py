"""CLI exit codes and messages: exit 2 with one Russian line naming the file, never a traceback."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.core.builders import template_bytes

ROOT = Path(__file__).resolve().parents[2]


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "core", *args], cwd=ROOT, capture_output=True,
                          text=True)


def _assert_one_line_error(run: subprocess.CompletedProcess[str], name: str) -> None:
    assert run.returncode == 2
    assert "Traceback" not in run.stderr
    lines = run.stderr.strip().splitlines()
    assert len(lines) == 1 and name in lines[0], run.stderr


def test_missing_file(tmp_path: Path) -> None:
    _assert_one_line_error(_run("summary", str(tmp_path / "нет.xlsx"), "--out",
                                str(tmp_path / "o.csv")), "нет.xlsx")


def test_not_a_spreadsheet(tmp_path: Path) -> None:
    path = tmp_path / "фото.xlsx"
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4)
    run = _run("summary", str(path), "--out", str(tmp_path / "o.csv"))
    _assert_one_line_error(run, "фото.xlsx")
    assert not (tmp_path / "o.csv").exists()


def test_invalid_rows_name_sheet_row_and_column(tmp_path: Path) -> None:
    path = tmp_path / "плохой.xlsx"
    path.write_bytes(template_bytes([
        ["2024/2025", "1 четверть", "Четвертная", "8А", "Ученик 01", "Алгебра", "", "7", None,
         None, None],
    ]))
    run = _run("summary", str(path), "--out", str(tmp_path / "o.csv"))
    _assert_one_line_error(run, "плохой.xlsx")
    assert "лист «Данные»" in run.stderr and "строка 2" in run.stderr
    assert "столбец «Отметка»" in run.stderr


def test_bad_year_option(tmp_path: Path) -> None:
    path = tmp_path / "t.xlsx"
    path.write_bytes(template_bytes([]))
    run = _run("summary", str(path), "--year", "двадцатый")
    assert run.returncode == 2 and "учебный год" in run.stderr


def test_unknown_option_is_exit_2_in_russian() -> None:
    run = _run("summary", "--бред")
    assert run.returncode == 2
    assert "ошибка в параметрах" in run.stderr


def test_region_dump_takes_metadata_from_its_name(realdata: Path, tmp_path: Path) -> None:
    from tests.conftest import real_file

    src = real_file(realdata, "altai-vpr/2022/5/Математика.xlsx")
    copy = tmp_path / "работа.xlsx"  # a name that says nothing
    copy.write_bytes(src.read_bytes())
    run = _run("summary", str(copy), "--out", str(tmp_path / "o.csv"))
    # the year is the file's own («Дата загрузки» 17.03.2022 → 2021/2022, FORMATS §4.1)
    assert run.returncode == 2 and "--year" not in run.stderr and "--subject" in run.stderr
    assert "--grade" in run.stderr and "работа.xlsx" in run.stderr
    ok = _run("summary", str(src), "--out", str(tmp_path / "o.csv"))
    assert ok.returncode == 0, ok.stderr
    lines = (tmp_path / "o.csv").read_bytes().decode("utf-8-sig").splitlines()
    # path …/2022/5/Математика.xlsx → 2021/2022, Математика, grade 5; the shipped 2022 scale
    # (7/11/15, a third-party transcription, not verified) gives 4 «3» and 3 «4»; the CLI says
    # the scale is not verified against the ФИОКО document.
    assert len(lines) == 2
    assert lines[1].split(";")[1:14] == ["2021/2022", "", "ВПР", "5", "Математика", "", "7", "0",
                                         "3", "4", "0", "0", "0"]
    assert "не сверенной с документом ФИОКО" in ok.stderr


def test_the_same_pupils_in_two_inputs_are_not_counted_twice(tmp_path: Path) -> None:
    rows = [["2024/2025", "1 четверть", "Четвертная", "8А", "Ученик 01", "Алгебра", "", "5", None,
             None, None]]
    first, copy = tmp_path / "алгебра.xlsx", tmp_path / "алгебра (копия).xlsx"
    first.write_bytes(template_bytes(rows))
    copy.write_bytes(template_bytes(rows))
    run = _run("summary", str(first), str(copy), "--out", str(tmp_path / "o.csv"))
    _assert_one_line_error(run, "алгебра (копия).xlsx")
    assert "строка 2" in run.stderr and "уже есть в файле «алгебра.xlsx»" in run.stderr
    assert not (tmp_path / "o.csv").exists()


@pytest.mark.parametrize(("args", "said"), [
    (("summary",), "не указаны обязательные параметры: ВХОДНОЙ_ФАЙЛ"),
    ((), "не указаны обязательные параметры: КОМАНДА"),
    (("summary", "x.xlsx", "--grade", "пятый"), "параметр --grade: «пятый» — не целое число"),
    (("summary", "x.xlsx", "--out"), "параметр --out: нужно значение"),
    (("отчёт",), "неизвестная команда «отчёт» (есть: summary, objectivity, checks)"),
    (("checks",), "не указаны обязательные параметры: ВХОДНОЙ_ФАЙЛ"),
    (("summary", "x.xlsx", "--zzz"), "неизвестные параметры: --zzz"),
])
def test_option_errors_are_said_in_russian(args: tuple[str, ...], said: str) -> None:
    run = _run(*args)
    assert run.returncode == 2
    assert run.stderr == f"ошибка в параметрах командной строки: {said}\n"


def test_period_missing_from_a_wide_sheet_is_given_by_an_option(tmp_path: Path) -> None:
    from tests.core.readers_builders import xlsx_bytes

    path = tmp_path / "ведомость.xlsx"
    path.write_bytes(xlsx_bytes({"Лист1": [
        ["Класс: 6В"], ["Учебный год 2024/2025"],
        ["ФИО", "Русский язык", "Математика", "Биология"], ["Орлов Олег", 4, 5, "осв"],
        ["Попов Пётр", 3, 5, "осв"]]}))
    out = tmp_path / "o.csv"
    run = _run("summary", str(path), "--out", str(out))
    _assert_one_line_error(run, "ведомость.xlsx")
    assert "не указаны: период; добавьте параметры --period" in run.stderr

    run = _run("summary", str(path), "--out", str(out), "--period", "2 четверть")
    assert run.returncode == 0, run.stderr
    lines = out.read_bytes().decode("utf-8-sig").splitlines()
    # Математика: 5, 5 → N 2, успеваемость 100, качество 100, СОУ 100, средний 5,00;
    # Русский язык: 4, 3 → качество 1/2 = 50, СОУ (64+36)/2 = 50, средний 3,50;
    # Биология: both «осв» → N = 0, no row
    assert lines[1:] == [
        ";2024/2025;2 четверть;Отметки за период;6В;Математика;;2;2;0;0;0;0;0;100,0;100,0;100,0;5,00",
        ";2024/2025;2 четверть;Отметки за период;6В;Русский язык;;2;0;1;1;0;0;0;100,0;50,0;50,0;3,50",
    ]


def test_unknown_period_option_is_exit_2(tmp_path: Path) -> None:
    path = tmp_path / "t.xlsx"
    path.write_bytes(template_bytes([]))
    run = _run("summary", str(path), "--period", "весна")
    assert run.returncode == 2 and run.stderr == (
        "неверный период «весна»: ожидается «1 четверть», «2 полугодие», «3 триместр» или «год»\n")


def test_reference_rows_give_o7_for_one_school_and_are_refused_twice(tmp_path: Path) -> None:
    import openpyxl

    from core.template import reference_template_xlsx

    ref, again = tmp_path / "справочные.xlsx", tmp_path / "справочные (2).xlsx"
    ref.write_bytes(reference_template_xlsx())
    vpr = str(ROOT / "sample_data" / "vpr_2025.xlsx")  # one school, ВПР 2024/2025 Математика 4
    alone = _run("checks", vpr, "--school", "Школа", "--out", str(tmp_path / "a.csv"))
    assert "не вычисляется: O7" in alone.stderr
    run = _run("checks", vpr, str(ref), "--school", "Школа", "--out", str(tmp_path / "o.csv"))
    assert run.returncode == 0, run.stderr
    assert "не вычисляется: O7" not in run.stderr
    book = openpyxl.load_workbook(ref)
    book["Данные"]["F3"] = 15300  # another file (other bytes) with the same region row
    book.save(again)
    twice = _run("checks", vpr, str(ref), str(again), "--out", str(tmp_path / "t.csv"))
    _assert_one_line_error(twice, "справочные (2).xlsx")
    assert "справочная строка за тот же год" in twice.stderr
