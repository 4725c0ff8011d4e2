"""Saving a region's ВПР dump (../shared/realdata, 23 327 results and 583 175 task scores) into
a fresh SQLite store and, when PostgreSQL is installed, into a throwaway server; the baseline in
the same run inserts the same task scores through SQLAlchemy's ordinary executemany of dicts,
which the store used before. Prints only."""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
DUMP = (ROOT.parent / "shared" / "realdata" / "altai-vpr" / "2021" / "6"
        / "Проведение работы по русскому языку, 6 класс. ВПР 2021.xlsx")


def _measure(url: str) -> None:
    from sqlalchemy import delete, insert
    from sqlmodel import Session

    from core.model import Metadata
    from core.readers import parse_file
    from dashboard import store
    from dashboard.models import TaskScore

    parsed = parse_file(DUMP.read_bytes(), DUMP.name, metadata=Metadata(
        school="Замер", year="2020/2021", subject="Русский язык", grade=6))
    engine = store.make_engine(url)
    with Session(engine) as s:
        t0 = time.perf_counter()
        assert store.save_upload(session=s, parsed=parsed).saved
        s.commit()
        saved = time.perf_counter() - t0
        rows = [{k: v for k, v in r.items()} for r in s.execute(
            TaskScore.__table__.select()).mappings().all()]  # type: ignore[attr-defined]
        s.execute(delete(TaskScore))
        s.commit()
        t1 = time.perf_counter()
        s.execute(insert(TaskScore), [{k: v for k, v in r.items() if k != "id"} for r in rows])
        s.commit()
        baseline = time.perf_counter() - t1
    engine.dispose()
    kind = store.database_kind(url)
    print(f"{kind}: сохранение файла целиком {saved:6.2f} с (строк {len(parsed.results)}, "
          f"баллов за задания {len(parsed.tasks)})")
    print(f"{kind}: база сравнения — только баллы за задания обычной вставкой SQLAlchemy: "
          f"{baseline:6.2f} с; отношение (весь файл / база сравнения): {saved / baseline:.2f}")


def main() -> None:
    if not DUMP.is_file():
        print(f"нет файла {DUMP}: замер пропущен")
        return
    _measure(f"sqlite:///{tempfile.mkdtemp()}/bench.db")
    from tests.pg import postgres_bindir, postgres_server

    if postgres_bindir() is None:
        print("PostgreSQL не установлен: замер на нём пропущен")
        return
    with postgres_server() as url:
        _measure(url)


if __name__ == "__main__":
    main()
