"""Reading uploads for the upload page: core parsing with file-level failures turned into
Russian messages, the column-mapping path, and the demonstration files. Saving goes through
:mod:`dashboard.services`."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, replace
from pathlib import Path

from core.intake import missing_fields
from core.model import Metadata, ParsedFile
from core.problems import ParseError, Severity, UnknownLayoutError, has_errors
from core.readers import parse_file, parse_sheets
from core.readers.mapping import ColumnMap, apply_mapping
from core.scales import Scale
from core.workbook import DEFAULT_MAX_BYTES, DEFAULT_MAX_CELLS, read_workbook

__all__ = ["DEMO_SCHOOL", "FileReport", "demo_files", "parse_mapped", "parse_upload"]

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
        # The store keeps every result under a school (several schools share one database).
        return list(missing_fields(self.parsed, require_school=True))

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
                 max_bytes: int | None = None, max_cells: int | None = None,
                 scales: tuple[Scale, ...] = ()) -> FileReport:
    """Parse one upload; a file-level failure becomes a Russian message, never an exception.
    ``scales``: the user's ВПР scales (besides the shipped ones) to derive marks by."""
    try:
        parsed = parse_file(data, file_name, metadata=metadata,
                            max_bytes=max_bytes or DEFAULT_MAX_BYTES,
                            max_cells=max_cells or DEFAULT_MAX_CELLS, scales=scales)
        return FileReport(file_name, parsed)
    except UnknownLayoutError as exc:
        return FileReport(file_name, None, str(exc), unknown_layout=True)
    except ParseError as exc:
        return FileReport(file_name, None, str(exc))
    except Exception as exc:  # an unexpected reader failure must not show a traceback
        return FileReport(file_name, None,
                          f"файл «{file_name}»: не удалось прочитать ({type(exc).__name__}); "
                          f"сообщите разработчикам")


def parse_mapped(data: bytes, file_name: str, sheet_name: str, mapping: ColumnMap,
                 metadata: Metadata = Metadata(), *,
                 scales: tuple[Scale, ...] = ()) -> FileReport:
    """Parse a file of an unknown layout through the user's column mapping."""
    try:
        sheets = read_workbook(data, file_name)
        sheet = next((s for s in sheets if s.name == sheet_name), sheets[0])
        parsed = parse_sheets([apply_mapping(sheet, mapping)], file_name=file_name,
                              sha256=hashlib.sha256(data).hexdigest(), metadata=metadata,
                              scales=scales)
    except ParseError as exc:
        return FileReport(file_name, None, f"{exc}. Проверьте сопоставление столбцов.",
                          unknown_layout=True)
    return FileReport(file_name, replace(parsed, layout="mapped",
                                         layout_title="Свой макет (сопоставление столбцов)"))


def demo_files() -> list[Path]:
    """The committed sample school files, teacher load first."""
    files = sorted(p for p in SAMPLE_DIR.glob("*.xlsx") if not p.name.startswith("template_"))
    return sorted(files, key=lambda p: (not p.name.startswith("teacher_load"), p.name))


if __name__ == "__main__":  # python -m dashboard.ingest (see dashboard.cli)
    import sys

    from dashboard.cli import main

    sys.exit(main())
