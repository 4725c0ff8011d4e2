"""Upload orchestration: core parsing + one store transaction per file."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

from sqlalchemy import Engine
from sqlmodel import Session

from core.model import Metadata, ParsedFile
from core.problems import ParseError, Severity, UnknownLayoutError, has_errors
from core.readers import missing_metadata, parse_file, parse_sheets
from core.readers.mapping import ColumnMap, apply_mapping
from core.workbook import read_workbook
from dashboard import store

__all__ = [
    "DEMO_SCHOOL", "FileReport", "demo_files", "load_demo", "parse_mapped", "parse_upload",
    "save_parsed",
]

ROOT = Path(__file__).resolve().parent.parent
SAMPLE_DIR = ROOT / "sample_data"
DEMO_SCHOOL = "МБОУ «Средняя школа № 7» (демонстрационная)"


@dataclass(frozen=True)
class FileReport:
    """The outcome of reading one file: parsed tables or a file-level error message."""

    file_name: str
    parsed: ParsedFile | None
    error: str = ""
    unknown_layout: bool = False  # readable, but no reader recognised it: offer column mapping

    @property
    def missing(self) -> list[str]:
        """«school», «year», «subject», «grade», «period» still lacking in some rows (the user
        must supply them)."""
        if self.parsed is None:
            return []
        lacking = missing_metadata(self.parsed)
        results = self.parsed.results
        # The store keeps every result under a school (several schools share one database).
        if not results.empty and (results["school"] == "").any():
            lacking.insert(0, "school")
        return lacking

    @property
    def can_save(self) -> bool:
        # Rows without a year, subject or grade would be stored under an empty name and
        # counted nowhere sensible (the CLI refuses them too).
        return (self.parsed is not None and not has_errors(self.parsed.problems)
                and not self.missing)

    @property
    def errors(self) -> int:
        if self.parsed is None:
            return 1
        return sum(p.severity is Severity.ERROR for p in self.parsed.problems)


def parse_upload(data: bytes, file_name: str, metadata: Metadata = Metadata(), *,
                 max_bytes: int | None = None) -> FileReport:
    """Parse one upload; a file-level failure becomes a Russian message, never an exception."""
    try:
        kwargs = {"max_bytes": max_bytes} if max_bytes else {}
        return FileReport(file_name, parse_file(data, file_name, metadata=metadata, **kwargs))
    except UnknownLayoutError as exc:
        return FileReport(file_name, None, str(exc), unknown_layout=True)
    except ParseError as exc:
        return FileReport(file_name, None, str(exc))
    except Exception as exc:  # an unexpected reader failure must not show a traceback
        return FileReport(file_name, None,
                          f"файл «{file_name}»: не удалось прочитать ({type(exc).__name__}); "
                          f"сообщите разработчикам")


def parse_mapped(data: bytes, file_name: str, sheet_name: str, mapping: ColumnMap,
                 metadata: Metadata = Metadata()) -> FileReport:
    """Parse a file of an unknown layout through the user's column mapping."""
    try:
        sheets = read_workbook(data, file_name)
        sheet = next((s for s in sheets if s.name == sheet_name), sheets[0])
        parsed = parse_sheets([apply_mapping(sheet, mapping)], file_name=file_name,
                              sha256=hashlib.sha256(data).hexdigest(), metadata=metadata)
    except ParseError as exc:
        return FileReport(file_name, None, f"{exc}. Проверьте сопоставление столбцов.",
                          unknown_layout=True)
    return FileReport(file_name, replace(parsed, layout="mapped",
                                         layout_title="Свой макет (сопоставление столбцов)"))


def save_parsed(engine: Engine, parsed: ParsedFile, *, replace: bool = False,
                uploaded_by: str = "") -> store.SaveOutcome:
    """Save one file in its own transaction: all or nothing."""
    with Session(engine) as session:
        try:
            outcome = store.save_upload(session=session, parsed=parsed, replace=replace,
                                        uploaded_by=uploaded_by)
            if outcome.status == "saved":
                session.commit()
            else:
                session.rollback()
            return outcome
        except Exception as exc:
            session.rollback()
            return store.SaveOutcome(
                "failed", None,
                f"Файл «{parsed.file_name}» не сохранён: ошибка базы данных ({type(exc).__name__}). "
                f"Ранее загруженные данные не изменены.")


def demo_files() -> list[Path]:
    """The committed sample school files, teacher load first."""
    files = sorted(p for p in SAMPLE_DIR.glob("*.xlsx") if not p.name.startswith("template_"))
    return sorted(files, key=lambda p: (not p.name.startswith("teacher_load"), p.name))


def load_demo(engine: Engine, progress: Callable[[int, int, str], None] | None = None
              ) -> list[store.SaveOutcome]:
    """Import the demonstration school; files already loaded are skipped (sha256)."""
    files = demo_files()
    outcomes = []
    for i, path in enumerate(files):
        if progress:
            progress(i, len(files), path.name)
        data = path.read_bytes()
        with Session(engine) as session:
            if store.upload_exists(session=session, sha256=hashlib.sha256(data).hexdigest()):
                continue
        report = parse_upload(data, path.name, Metadata(school=DEMO_SCHOOL))
        if report.parsed is None:
            raise RuntimeError(report.error)
        outcomes.append(save_parsed(engine, report.parsed, replace=True, uploaded_by="демо"))
    if progress:
        progress(len(files), len(files), "")
    return outcomes


if __name__ == "__main__":  # python -m dashboard.ingest: load the demonstration data
    engine = store.make_engine()
    print(f"База данных: {store.database_url()}")
    outcomes = load_demo(engine, lambda i, n, name: print(
        f"Демонстрационные данные: файл {i + 1} из {n} — {name}" if name else
        "Демонстрационные данные загружены.", flush=True))
    for outcome in outcomes:
        print("  " + outcome.message)
    if not outcomes:
        print("  Все демонстрационные файлы уже были загружены ранее.")
