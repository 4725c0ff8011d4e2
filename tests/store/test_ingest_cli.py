"""``python -m dashboard.ingest``: files saved as the upload page does, exit codes 0/2/3 with
one Russian line per file, and the store's summary.csv with the same bytes as the overview's
download (every filter at «Все»)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from core.exports import summary_csv
from core.summary import summary_table
from tests.core.builders import class_marks, template_bytes

pytestmark = pytest.mark.postgres
ROOT = Path(__file__).resolve().parents[2]


def _run(url: str, *args: str) -> subprocess.CompletedProcess[str]:
    env = {"DATABASE_URL": url, "PATH": "/usr/bin:/bin"}
    return subprocess.run([sys.executable, "-m", "dashboard.ingest", *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=300)


def _marks(path: Path, marks: list[str], klass: str = "8А") -> Path:
    path.write_bytes(template_bytes(class_marks("2024/2025", "1 четверть", klass, "Алгебра", "",
                                                marks)))
    return path


def test_files_are_saved_refused_or_in_conflict_with_their_exit_codes(db_url: str,
                                                                       tmp_path: Path) -> None:
    first = _marks(tmp_path / "8А.xlsx", ["5", "4", "3"])
    other = _marks(tmp_path / "8Б.xlsx", ["4", "4"], klass="8Б")
    run = _run(db_url, str(first), str(other), "--school", "Школа № 1", "--by", "Орлова О.О.")
    assert run.returncode == 0, run.stderr
    assert run.stdout.splitlines() == ["Файл «8А.xlsx» сохранён.", "Файл «8Б.xlsx» сохранён."]
    again = _run(db_url, str(first), "--school", "Школа № 1")
    assert again.returncode == 0 and "уже загружен" in again.stdout

    corrected = _marks(tmp_path / "8А-испр.xlsx", ["5", "4", "4"])
    conflict = _run(db_url, str(corrected), "--school", "Школа № 1")
    assert conflict.returncode == 3
    assert "«8А.xlsx»" in conflict.stderr and "--replace" in conflict.stderr
    replaced = _run(db_url, str(corrected), "--school", "Школа № 1", "--replace")
    assert replaced.returncode == 0 and "Заменены данные из: «8А.xlsx»" in replaced.stdout

    no_school = _run(db_url, str(_marks(tmp_path / "9А.xlsx", ["5"], klass="9А")))
    assert no_school.returncode == 2 and "не указаны школа" in no_school.stderr
    missing = _run(db_url, str(tmp_path / "нет.xlsx"), "--school", "Школа № 1")
    assert missing.returncode == 2 and "«нет.xlsx»" in missing.stderr
    assert "Traceback" not in missing.stderr + no_school.stderr + conflict.stderr


def test_the_summary_is_the_overviews_download(db_url: str, tmp_path: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    empty = tmp_path / "empty.csv"
    run = _run(db_url, "--summary", "--out", str(empty))
    assert run.returncode == 0, run.stderr
    assert empty.read_bytes().decode("utf-8-sig").splitlines() == [
        "Школа;Учебный год;Период;Процедура;Класс;Предмет;Учитель;Обучающихся;5;4;3;2;н/а;осв;"
        "Успеваемость, %;Качество, %;СОУ, %;Средний балл"]
    source = _marks(tmp_path / "8А.xlsx", ["5", "4", "3", "2", "н/а"])
    out = tmp_path / "summary.csv"
    assert _run(db_url, str(source), "--school", "Школа № 1", "--summary", "--out",
                str(out)).returncode == 0
    monkeypatch.setenv("DATABASE_URL", db_url)
    from dashboard import services

    # the overview's «Скачать сводку (CSV)» with every filter at «Все»
    assert out.read_bytes() == summary_csv(services.summary())
    assert summary_table(services.summary().iloc[0:0]).empty
    assert ";8А;Алгебра;;5;1;1;1;1;1;0;60,0;40,0;" in out.read_bytes().decode("utf-8-sig")
    services.engine().dispose()


def test_a_database_that_cannot_be_reached_is_one_russian_line(tmp_path: Path) -> None:
    run = _run("postgresql+psycopg://vsoko:secret@127.0.0.1:9/vsoko", "--summary")
    assert run.returncode == 2
    lines = run.stderr.strip().splitlines()
    assert lines[0] == "База данных: PostgreSQL"
    assert len(lines) == 2 and "PostgreSQL недоступна" in lines[1]
    assert "secret" not in run.stderr and "Traceback" not in run.stderr


def test_a_vpr_year_may_be_given_as_its_spring(db_url: str, tmp_path: Path) -> None:
    marks = _marks(tmp_path / "8А.xlsx", ["5", "4"])  # the file has its year: «2022» is unused
    run = _run(db_url, str(marks), "--school", "Школа № 1", "--year", "2022")
    assert run.returncode == 0, run.stderr
    assert run.stdout.splitlines() == [
        "Год «2022» прочитан как 2021/2022 учебный год (ВПР пишут весной).",
        "Файл «8А.xlsx» сохранён."]
    wrong = _run(db_url, str(marks), "--school", "Школа № 1", "--year", "22")
    assert wrong.returncode == 2 and "Неверный учебный год «22»" in wrong.stderr
