"""Two processes saving at the same moment never double a count: the intake decision and the
write happen under one lock (SQLite: BEGIN IMMEDIATE; PostgreSQL: advisory locks per school)."""

from __future__ import annotations

import multiprocessing
import os

import pytest
from sqlalchemy import func, select
from sqlmodel import Session

from core.model import Metadata, ParsedFile
from core.readers import parse_file
from dashboard import services, store
from dashboard.models import Result, Upload
from tests.core.builders import template_bytes

pytestmark = [pytest.mark.postgres, pytest.mark.slow]

SCHOOL = Metadata(school="Школа № 1")
CLASSES = [f"{g}{letter}" for g in (5, 6, 7, 8, 9) for letter in "АБ"]  # 10 classes
ROWS = [["2024/2025", "1 четверть", "Четвертная", k, f"Ученик {i:02d}", "Алгебра", "",
         str(2 + i % 4), None, None, None] for k in CLASSES for i in range(1, 31)]  # 300 pupils


def _file(name: str, *, extra_column: bool = False) -> ParsedFile:
    """The class list; with ``extra_column`` the same rows re-saved with a note column (other
    bytes, the same data)."""
    if not extra_column:
        return parse_file(template_bytes(ROWS), name, metadata=SCHOOL)
    from core.template import TEMPLATE_COLUMNS

    data = template_bytes([[*r, "—"] for r in ROWS], columns=(*TEMPLATE_COLUMNS, "Примечание"))
    return parse_file(data, name, metadata=SCHOOL)


def _worker(url: str, parsed: ParsedFile, barrier: object, queue: object) -> None:
    os.environ["DATABASE_URL"] = url
    services._engines.clear()  # never share the parent's pooled connections
    barrier.wait()  # type: ignore[attr-defined]
    outcome = services.save_file(parsed)
    status = "failed" if outcome.failed else str(outcome.status)
    queue.put(status)  # type: ignore[attr-defined]


def _race(url: str, first: ParsedFile, second: ParsedFile) -> list[str]:
    ctx = multiprocessing.get_context("fork")
    barrier, queue = ctx.Barrier(2), ctx.Queue()
    procs = [ctx.Process(target=_worker, args=(url, f, barrier, queue)) for f in (first, second)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(120)
        assert p.exitcode == 0
    return sorted(queue.get(timeout=5) for _ in procs)


def _counts(url: str) -> tuple[int, int]:
    engine = store.make_engine(url)
    with Session(engine) as s:
        out = (int(s.execute(select(func.count()).select_from(Upload)).scalar_one()),
               int(s.execute(select(func.count()).select_from(Result)).scalar_one()))
        for upload_id in s.execute(select(Upload.id)).scalars().all():
            store.delete_upload(session=s, upload_id=upload_id)
        s.commit()
    engine.dispose()
    return out


def test_a_file_and_its_resaved_copy_at_once_are_one_save_and_one_conflict(db_url: str) -> None:
    store.make_engine(db_url).dispose()  # the schema exists before the race
    original, copy = _file("ведомость.xlsx"), _file("ведомость (копия).xlsx", extra_column=True)
    assert original.sha256 != copy.sha256
    for _ in range(20):
        assert _race(db_url, original, copy) == ["conflict", "ready"]
        assert _counts(db_url) == (1, 300)  # never 600


def test_the_same_file_twice_at_once_is_saved_once(db_url: str) -> None:
    store.make_engine(db_url).dispose()
    parsed = _file("ведомость.xlsx")
    for _ in range(5):
        assert _race(db_url, parsed, parsed) == ["duplicate", "ready"]
        assert _counts(db_url) == (1, 300)
