"""Every real file in ../shared/realdata is read, or refused with a precise reason."""

from __future__ import annotations

from pathlib import Path

from core.problems import ParseError
from core.readers import parse_file
from core.readers.filename import propose_metadata

# Expected layout per folder; the task descriptions hold no results: a task catalog.
EXPECTED = {
    "netschool-export/tabel": "netschool_tabel",
    "netschool-export/otchet": "netschool_report",
    "vpr-analizer-form": "fisoko_vpr_protocol",
    "altai-vpr/2022": "fisoko_vpr_protocol",
    "altai-vpr/2021": "fisoko_vpr_dump",
    "altai-vpr/2020": "fisoko_vpr_dump",
    "altai-vpr/Описание_работ": "vpr_description",
}
BIG = {"altai-vpr/2021", "altai-vpr/2020"}  # read in their own modules' tests; listed here too


def _files(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*") if p.suffix.lower() in {".xlsx", ".xls", ".csv"})


def _expected(rel: str) -> str | None:
    for prefix, layout in EXPECTED.items():
        if rel.startswith(prefix):
            return layout
    return None


def test_every_real_file_is_read_or_refused_precisely(realdata: Path) -> None:
    files = _files(realdata)
    assert len(files) >= 140  # 2 + 1 + 21 + 3 + 1 results files and 115 task descriptions
    read, refused = 0, 0
    for path in files:
        rel = str(path.relative_to(realdata))
        if any(rel.startswith(b) for b in BIG):
            continue
        try:
            parsed = parse_file(path.read_bytes(), path.name, metadata=propose_metadata(rel))
        except ParseError as exc:
            # Only an empty work description may be refused, and the message says why, naming
            # the file.
            assert rel == "altai-vpr/Описание_работ/7/Английский язык/KS.xlsx", (rel, str(exc))
            assert path.name in str(exc) and "нет заполненных ячеек" in str(exc)
            refused += 1
            continue
        assert parsed.layout == _expected(rel), rel
        assert parsed.row_count > 0, rel
        read += 1
    # 24 results files, and 114 of the 115 task descriptions (one KS file is an empty sheet)
    assert read == 2 + 1 + 21 + 114
    assert refused == 1
