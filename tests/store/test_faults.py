"""Faults of the database say what to check, in Russian, with no traceback, and the app works
again once the cause is gone: PostgreSQL stopped, a read-only SQLite file, a migration killed
midway, and the half-made schema an interrupted first start of the earlier release left."""

from __future__ import annotations

import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import streamlit as st
from sqlalchemy import create_engine, inspect, text
from streamlit.testing.v1 import AppTest

from core.model import Metadata
from core.readers import parse_file
from dashboard import services, store
from dashboard.navigation import page_path
from tests.app.conftest import APP, shown
from tests.core.builders import class_marks, template_bytes

ROOT = Path(__file__).resolve().parents[2]
SCHOOL = Metadata(school="Школа № 1")


def _marks(klass: str = "8А") -> bytes:
    return template_bytes(class_marks("2024/2025", "1 четверть", klass, "Алгебра", "",
                                      ["5", "4", "3"]))


def _overview() -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60).run()
    return at.switch_page(page_path("overview")).run()


@pytest.fixture
def fresh_app() -> Iterator[None]:
    yield
    services._engines.clear()
    st.cache_data.clear()
    st.cache_resource.clear()


@pytest.mark.postgres
def test_a_stopped_postgresql_is_one_russian_screen_until_it_is_back(
        monkeypatch: pytest.MonkeyPatch, fresh_app: None) -> None:
    from tests.pg import postgres_bindir, postgres_cluster

    if postgres_bindir() is None:
        pytest.fail("PostgreSQL is required for this test")
    with postgres_cluster() as cluster:
        monkeypatch.setenv("DATABASE_URL", cluster.url)
        assert services.save_file(parse_file(_marks(), "8А.xlsx", metadata=SCHOOL)).saved
        assert [m.value for m in _overview().metric][:1] == ["3"]
        cluster.stop()
        down = _overview()
        assert not down.exception
        assert [t.value for t in down.title] == ["База данных недоступна"]
        assert any("PostgreSQL недоступна" in e for e in shown(down.error))
        cluster.start()
        back = _overview()
        assert not back.exception and [m.value for m in back.metric][:1] == ["3"]
        services.engine().dispose()


def _chattr(flag: str, path: Path) -> bool:
    if shutil.which("chattr") is None:
        return False
    return subprocess.run(["chattr", flag, str(path)], capture_output=True).returncode == 0


def test_a_read_only_file_opens_for_viewing_and_saving_waits(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fresh_app: None) -> None:
    db = tmp_path / "vsoko.db"
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{db}")
    assert services.save_file(parse_file(_marks(), "8А.xlsx", metadata=SCHOOL)).saved
    services.engine().dispose()
    services._engines.clear()
    if not _chattr("+i", db):  # root ignores permission bits; the immutable flag binds it too
        pytest.skip("this file system cannot make a file immutable (chattr +i)")
    try:
        at = _overview()
        assert not at.exception
        assert any("только для чтения" in w for w in shown(at.warning))
        assert [m.value for m in at.metric][:1] == ["3"]
        upload = at.switch_page(page_path("upload")).run()
        upload.file_uploader[0].upload("8Б.xlsx", _marks("8Б"), "application/octet-stream").run()
        upload.text_input(key="upload_school").input("Школа № 1").run()
        save = next(b for b in upload.button if b.label.startswith("Сохранить файлы"))
        assert save.disabled
        cli = subprocess.run([sys.executable, "-m", "dashboard.ingest", str(tmp_path / "x.xlsx")],
                             cwd=ROOT, env={"DATABASE_URL": f"sqlite:///{db}",
                                            "PATH": "/usr/bin:/bin"},
                             capture_output=True, text=True, timeout=120)
        assert cli.returncode == 2 and "Traceback" not in cli.stderr
    finally:
        _chattr("-i", db)
    services.engine().dispose()
    services._engines.clear()
    assert services.read_only_reason() is None  # writable again: saving works
    assert services.save_file(parse_file(_marks("8Б"), "8Б.xlsx", metadata=SCHOOL)).saved


def test_the_half_made_schema_of_an_interrupted_first_start_is_made_again(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'half.db'}"
    half = create_engine(url)
    with half.begin() as conn:  # what release 1 left: some tables and an empty version table
        conn.execute(text("CREATE TABLE academic_year (id INTEGER PRIMARY KEY, name TEXT)"))
        conn.execute(text("CREATE TABLE upload (id INTEGER PRIMARY KEY, file_name TEXT)"))
        conn.execute(text("CREATE TABLE alembic_version (version_num VARCHAR(32) PRIMARY KEY)"))
    half.dispose()
    engine = store.make_engine(url)
    assert {"result", "pupil_link", "task_score"} <= set(inspect(engine).get_table_names())
    engine.dispose()


def test_a_migration_killed_at_any_moment_leaves_a_database_that_starts(tmp_path: Path) -> None:
    # The child says when the imports are done; the migration itself takes ~0.2 s here.
    code = ("import sys; from dashboard import store; print('start', flush=True); "
            "store.make_engine(sys.argv[1])")
    for i, delay in enumerate((0.0, 0.02, 0.05, 0.08, 0.12, 0.16, 0.25)):
        url = f"sqlite:///{tmp_path / f'kill{i}.db'}"
        proc = subprocess.Popen([sys.executable, "-c", code, url], cwd=ROOT,
                                stdout=subprocess.PIPE, text=True)
        assert proc.stdout is not None and proc.stdout.readline().strip() == "start"
        time.sleep(delay)
        proc.send_signal(signal.SIGKILL)
        proc.wait(30)
        proc.stdout.close()
        engine = store.make_engine(url)  # no «table … already exists»
        with engine.connect() as conn:
            assert conn.execute(text("SELECT version_num FROM alembic_version")).scalar() == "0005"
        engine.dispose()


def test_tables_of_another_program_are_never_dropped(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'shared.db'}"
    other = create_engine(url)
    with other.begin() as conn:  # another program's table, and a half-made schema of ours
        conn.execute(text("CREATE TABLE accounting (id INTEGER PRIMARY KEY, sum INTEGER)"))
        conn.execute(text("INSERT INTO accounting (sum) VALUES (42)"))
        conn.execute(text("CREATE TABLE academic_year (id INTEGER PRIMARY KEY, name TEXT)"))
    other.dispose()
    engine = store.make_engine(url)
    with engine.connect() as conn:
        assert conn.execute(text("SELECT sum FROM accounting")).scalar() == 42
        assert conn.execute(text("SELECT version_num FROM alembic_version")).scalar() == "0005"
    engine.dispose()


def test_programs_starting_together_on_a_new_file_migrate_one_after_another(
        tmp_path: Path) -> None:
    code = "import sys; from dashboard import store; store.make_engine(sys.argv[1]); print('ok')"
    for i in range(3):
        url = f"sqlite:///{tmp_path / f'together{i}.db'}"
        procs = [subprocess.Popen([sys.executable, "-c", code, url], cwd=ROOT,
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
                 for _ in range(3)]
        outs = [p.communicate(timeout=120) for p in procs]
        assert [p.returncode for p in procs] == [0, 0, 0], [err[-300:] for _out, err in outs]
