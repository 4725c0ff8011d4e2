"""The demonstration school: the README's first command and the empty-state button load it, and
loading it again adds nothing."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from sqlmodel import Session
from streamlit.testing.v1 import AppTest

from dashboard import ingest, store
from dashboard.navigation import page_path
from tests.app.conftest import APP, shown

ROOT = Path(__file__).resolve().parents[2]


def test_demo_loads_once_from_the_command_line(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'demo.db'}"
    env = {"DATABASE_URL": url, "PATH": "/usr/bin:/bin"}
    first = subprocess.run([sys.executable, "-m", "dashboard.ingest"], cwd=ROOT, env=env,
                           capture_output=True, text=True, timeout=300)
    assert first.returncode == 0, first.stderr
    files = ingest.demo_files()
    assert len(files) == 7 and files[0].name == "teacher_load.xlsx"
    assert first.stdout.count("сохранён") == 7
    again = subprocess.run([sys.executable, "-m", "dashboard.ingest"], cwd=ROOT, env=env,
                           capture_output=True, text=True, timeout=300)
    assert "уже были загружены" in again.stdout
    engine = store.make_engine(url)
    with Session(engine) as s:
        uploads = store.list_uploads(session=s)
        counts = store.mark_counts(session=s)
    engine.dispose()
    assert len(uploads) == 7 and set(uploads["uploaded_by"]) == {"демо"}
    # sample_data/README.md: 27 classes a year, grade 1 without marks → 24 classes with marks
    terms = counts[(counts["procedure"] == "Отметки за период") & (counts["n5"] + counts["n4"]
                                                                   + counts["n3"] > 0)]
    assert terms.groupby("year")["class_label"].nunique().to_dict() == {"2023/2024": 24,
                                                                        "2024/2025": 24}
    assert set(counts["school"]) == {ingest.DEMO_SCHOOL}


def test_empty_state_button_loads_the_demonstration_school(database: str) -> None:
    at = AppTest.from_file(APP, default_timeout=300).run()
    at.switch_page(page_path("overview")).run()
    at.button[0].click().run()
    assert not at.exception
    assert [m.label for m in at.metric][:2] == ["N (отметок)", "Успеваемость"]
    assert not any("нет данных" in i for i in shown(at.info))


def test_a_demonstration_file_that_fails_is_named_and_the_loader_exits_non_zero(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    from dashboard import cli

    broken = tmp_path / "school_broken.xlsx"
    broken.write_bytes(b"PK\x03\x04 not a workbook")
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'demo.db'}")
    monkeypatch.setattr(ingest, "demo_files", lambda: [broken])
    assert cli.main([]) == 2
    err = capsys.readouterr().err
    assert "«school_broken.xlsx»" in err and "Traceback" not in err
