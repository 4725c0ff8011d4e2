"""Bytes → sheets of cells, whatever the file type (FORMATS.md §0.1).

The type is decided by the first bytes, never by the extension: xlsx/xlsm/ods (zip), legacy
.xls (OLE), HTML saved as .xls, CSV (UTF-8 or cp1251, «;» or «,»). Spreadsheets are read with
python-calamine (fast; gives cached formula values and merged ranges).
"""

from __future__ import annotations

import csv
import datetime as dt
import html as html_lib
import io
import re
import zipfile
import zlib
from dataclasses import dataclass, field
from typing import IO
from xml.etree.ElementTree import ParseError as ElementTreeParseError

from core.problems import (
    ArchiveBombError,
    EncryptedFileError,
    FileTooLargeError,
    UnreadableFileError,
)
from core.tokens import cell_text

__all__ = [
    "DEFAULT_MAX_BYTES",
    "DEFAULT_MAX_CELLS",
    "Sheet",
    "detect_file_type",
    "read_workbook",
]

DEFAULT_MAX_BYTES = 50 * 1024 * 1024  # configured upload limit (settings may lower it)
# Cells of a sheet's filled area (rows × columns from A1), checked before the sheet is loaded:
# the reader holds the whole area in memory, so one stray cell at XFD1048576 of a 5 KB file
# would ask for 17 billion cells. The largest real sheet (a region's ВПР dump) has ~1.1 million.
DEFAULT_MAX_CELLS = 5_000_000
MAX_UNCOMPRESSED = 400 * 1024 * 1024  # declared size of all archive members
MAX_RATIO = 200  # declared uncompressed / compressed for one big member
MIN_BOMB_MEMBER = 10 * 1024 * 1024  # the ratio test applies to members declaring more than this

Cell = object
_MergedRange = tuple[tuple[int, int], tuple[int, int]]


@dataclass(frozen=True)
class Sheet:
    """A rectangular grid of raw cell values (str, int, float, bool, or «» for empty).

    ``merged`` holds 0-based ((first_row, first_col), (last_row, last_col)) ranges.
    """

    name: str
    rows: list[list[Cell]]
    merged: list[_MergedRange] = field(default_factory=list)

    @property
    def height(self) -> int:
        return len(self.rows)

    @property
    def width(self) -> int:
        return max((len(r) for r in self.rows), default=0)

    def text(self, row: int, col: int) -> str:
        if 0 <= row < len(self.rows) and 0 <= col < len(self.rows[row]):
            return cell_text(self.rows[row][col])
        return ""

    def row_texts(self, row: int) -> list[str]:
        if not 0 <= row < len(self.rows):
            return []
        return [cell_text(v) for v in self.rows[row]]


_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def detect_file_type(data: bytes) -> str:
    """«zip», «ole», «html», «csv» or «unknown» from the first bytes."""
    if data.startswith(b"PK\x03\x04"):
        return "zip"
    if data.startswith(_OLE):
        return "ole"
    head = data[:2048].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if head.startswith((b"<html", b"<table", b"<!doctype", b"<meta", b"<?xml", b"<head", b"<body")):
        return "html"
    if b"\x00" in data[:4096]:
        return "unknown"
    text = _decode(data[:4096])
    if text is not None and (";" in text or "," in text or "\t" in text):
        return "csv"
    return "unknown"


def read_workbook(data: bytes, file_name: str, *, max_bytes: int = DEFAULT_MAX_BYTES,
                  max_uncompressed: int | None = None, max_ratio: float | None = None,
                  min_bomb_member: int | None = None,
                  max_cells: int = DEFAULT_MAX_CELLS) -> list[Sheet]:
    """All sheets of the file. Raises a :class:`~core.problems.ParseError` subclass with a Russian
    message when the file is too large, encrypted, an archive bomb, or unreadable.

    The archive limits default to the module constants (read at call time, so settings and tests
    may lower them): total declared uncompressed size, and the compression ratio of any member
    declaring more than ``min_bomb_member`` bytes.
    """
    if len(data) > max_bytes:
        raise FileTooLargeError(
            file_name, f"файл больше допустимого размера ({len(data) / 1048576:.1f} МБ > "
                       f"{max_bytes / 1048576:.0f} МБ)")
    if not data:
        raise UnreadableFileError(file_name, "файл пуст")
    kind = detect_file_type(data)
    if kind == "zip":
        _check_archive(
            data, file_name,
            max_uncompressed=MAX_UNCOMPRESSED if max_uncompressed is None else max_uncompressed,
            max_ratio=MAX_RATIO if max_ratio is None else max_ratio,
            min_member=MIN_BOMB_MEMBER if min_bomb_member is None else min_bomb_member)
        _check_sheet_areas(data, file_name, max_cells)
        return _read_calamine(data, file_name)
    if kind == "ole":
        if _is_encrypted_ole(data):
            raise EncryptedFileError(
                file_name,
                "книга защищена паролем или зашифрована; снимите защиту и загрузите снова")
        return _read_calamine(data, file_name)
    if kind == "html":
        return _read_html(data, file_name, max_cells=max_cells)
    if kind == "csv":
        return [_read_csv(data, file_name)]
    raise UnreadableFileError(
        file_name, "содержимое не похоже на таблицу: это не книга Excel/OpenDocument и не текст "
                   "CSV с разделителями «;» или «,» (поддерживаются .xlsx, .xlsm, .xls, .ods, "
                   ".csv и выгрузки .xls в виде HTML)")


def _check_archive(data: bytes, file_name: str, *, max_uncompressed: int, max_ratio: float,
                   min_member: int) -> None:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            infos = zf.infolist()
            names = {i.filename for i in infos}
    except (zipfile.BadZipFile, EOFError, ValueError, OSError, NotImplementedError) as exc:
        raise UnreadableFileError(
            file_name, "файл повреждён или обрезан (архив не читается)") from exc
    if not ({"xl/workbook.xml", "content.xml"} & names):
        raise UnreadableFileError(file_name, "архив не является книгой Excel или OpenDocument")
    total = sum(i.file_size for i in infos)
    if total > max_uncompressed:
        raise ArchiveBombError(
            file_name, f"заявленный распакованный размер {total / 1048576:.0f} МБ слишком велик")
    for info in infos:
        if info.file_size > min_member and info.file_size > max_ratio * max(info.compress_size, 1):
            raise ArchiveBombError(
                file_name, f"подозрительная степень сжатия части «{info.filename}» "
                           f"({info.file_size // max(info.compress_size, 1)}:1)")


# A cell element (any prefix, attributes in any order) and its reference attribute.
_CELL = re.compile(rb"<(?:[\w.-]+:)?c\s([^>]*?)(/?)>")
_REF = re.compile(rb"""(?:^|\s)r=["']([A-Z]{1,3})([0-9]{1,7})["']""")
_TAG = {b"sheet": re.compile(rb"<sheet\s[^>]*>"), b"rel": re.compile(rb"<Relationship\s[^>]*>")}


def _attr(tag: bytes, name: bytes) -> bytes:
    m = re.search(rb'\s' + re.escape(name) + rb'="([^"]*)"', tag)
    return m.group(1) if m else b""


def _column_number(letters: bytes) -> int:
    number = 0
    for ch in letters:
        number = number * 26 + (ch - 64)
    return number


def _column_letters(number: int) -> str:
    letters = ""
    while number:
        number, rest = divmod(number - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _sheet_names(zf: zipfile.ZipFile) -> dict[str, str]:
    """Worksheet member → sheet name, from the workbook and its relations."""
    try:
        book = zf.read("xl/workbook.xml")
        rels = zf.read("xl/_rels/workbook.xml.rels")
    except KeyError:
        return {}
    targets = {_attr(t, b"Id"): _attr(t, b"Target") for t in _TAG[b"rel"].findall(rels)}
    names = {}
    for tag in _TAG[b"sheet"].findall(book):
        name, rid = _attr(tag, b"name"), _attr(tag, b"r:id")
        target = targets.get(rid, b"").decode("utf-8", "replace").lstrip("/")
        member = target if target.startswith("xl/") else f"xl/{target}"
        names[member] = html_lib.unescape(name.decode("utf-8", "replace"))
    return names


def _filled_area(stream: IO[bytes]) -> tuple[int, int]:
    """(last row, last column) of the cells holding something, read in chunks (a cell element
    written as ``<c …/>`` holds nothing and does not count)."""
    last_row = last_col = 0
    tail = b""
    while chunk := stream.read(1 << 22):
        block = tail + chunk
        end = block.rfind(b"<")  # a cell element cut by the chunk boundary is read next time
        scan, tail = (block[:end], block[end:]) if end > 0 else (block, b"")
        last_row, last_col = _widen(scan, last_row, last_col)
    return _widen(tail, last_row, last_col)


def _widen(block: bytes, last_row: int, last_col: int) -> tuple[int, int]:
    for attributes, empty in _CELL.findall(block):
        ref = _REF.search(attributes)
        if ref and not empty:
            last_row = max(last_row, int(ref.group(2)))
            last_col = max(last_col, _column_number(ref.group(1)))
    return last_row, last_col


def _check_sheet_areas(data: bytes, file_name: str, max_cells: int) -> None:
    """Refuse a sheet whose filled area is too large to hold, before anything is loaded."""
    try:
        _scan_areas(data, file_name, max_cells)
    except (zipfile.BadZipFile, zlib.error, EOFError, ValueError, OSError,
            NotImplementedError, ElementTreeParseError) as exc:
        raise UnreadableFileError(
            file_name, "файл повреждён или обрезан (архив не читается)") from exc


def _scan_areas(data: bytes, file_name: str, max_cells: int) -> None:
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        if "content.xml" in zf.namelist():
            with zf.open("content.xml") as stream:
                for sheet, rows, cols in _ods_areas(stream):
                    _refuse_area(file_name, sheet, rows, cols, max_cells)
        names = _sheet_names(zf)
        for info in zf.infolist():
            if not (info.filename.startswith("xl/worksheets/") and
                    info.filename.endswith(".xml")):
                continue
            with zf.open(info) as stream:
                rows, cols = _filled_area(stream)
            _refuse_area(file_name, names.get(info.filename, info.filename), rows, cols,
                         max_cells)


def _refuse_area(file_name: str, sheet: str, rows: int, cols: int, max_cells: int) -> None:
    if rows * cols > max_cells:
        raise FileTooLargeError(
            file_name, f"заполнена область A1:{_column_letters(cols)}{rows} "
                       f"({_count(rows * cols)} ячеек, допустимо {_count(max_cells)}); "
                       f"вероятно, далеко за таблицей есть случайные значения или "
                       f"пробелы — удалите их и сохраните файл заново", sheet=sheet)


_ODS_TABLE = "{urn:oasis:names:tc:opendocument:xmlns:table:1.0}"
_ODS_OFFICE = "{urn:oasis:names:tc:opendocument:xmlns:office:1.0}"


def _ods_areas(stream: IO[bytes]) -> list[tuple[str, int, int]]:
    """(sheet, rows, columns) of each OpenDocument table's filled area, counting repeated rows
    and cells (an 863-byte file may repeat a cell 100 × 200 000 times)."""
    from xml.etree.ElementTree import iterparse

    areas: list[tuple[str, int, int]] = []
    name, rows, width, pending, row_repeat, row_width, row_filled = "", 0, 0, 0, 1, 0, 0
    for event, elem in iterparse(stream, events=("start", "end")):
        tag = elem.tag
        if event == "start":
            if tag == f"{_ODS_TABLE}table":
                name, rows, width, pending = elem.get(f"{_ODS_TABLE}name", ""), 0, 0, 0
            elif tag == f"{_ODS_TABLE}table-row":
                row_repeat = int(elem.get(f"{_ODS_TABLE}number-rows-repeated", "1") or 1)
                row_width = row_filled = 0
            continue
        if tag in (f"{_ODS_TABLE}table-cell", f"{_ODS_TABLE}covered-table-cell"):
            row_width += int(elem.get(f"{_ODS_TABLE}number-columns-repeated", "1") or 1)
            if elem.get(f"{_ODS_OFFICE}value-type") or len(elem) or (elem.text or "").strip():
                row_filled = row_width
            elem.clear()
        elif tag == f"{_ODS_TABLE}table-row":
            if row_filled:
                rows += pending + row_repeat
                pending = 0
                width = max(width, row_filled)
            else:
                pending += row_repeat
            elem.clear()
        elif tag == f"{_ODS_TABLE}table":
            areas.append((name, rows, width))
            elem.clear()
    return areas


def _count(number: int) -> str:
    return f"{number:,}".replace(",", " ")


def _is_encrypted_ole(data: bytes) -> bool:
    return "EncryptedPackage".encode("utf-16-le") in data[:1 << 20] or (
        "EncryptionInfo".encode("utf-16-le") in data[:1 << 20])


def _norm_value(value: Cell) -> Cell:
    if isinstance(value, dt.datetime):
        return value.strftime("%d.%m.%Y") if value.time() == dt.time(0) else value.strftime(
            "%d.%m.%Y %H:%M:%S")
    if isinstance(value, dt.date):
        return value.strftime("%d.%m.%Y")
    if isinstance(value, (dt.time, dt.timedelta)):
        return str(value)
    if value is None:
        return ""
    return value


def _read_calamine(data: bytes, file_name: str) -> list[Sheet]:
    import python_calamine as pc

    try:
        wb = pc.CalamineWorkbook.from_filelike(io.BytesIO(data))
    except pc.PasswordError as exc:
        raise EncryptedFileError(
            file_name, "книга защищена паролем; снимите защиту и загрузите снова") from exc
    except Exception as exc:  # calamine raises several unrelated types for broken files
        raise UnreadableFileError(
            file_name, "файл повреждён или обрезан: книга не открывается; сохраните её заново в "
                       "Excel или LibreOffice и загрузите ещё раз") from exc
    sheets: list[Sheet] = []
    for name in wb.sheet_names:
        try:
            sheet = wb.get_sheet_by_name(name)
            rows = _trim([[_norm_value(v) for v in row]
                          for row in sheet.to_python(skip_empty_area=False)])
            merged = list(sheet.merged_cell_ranges or [])
        except Exception as exc:
            raise UnreadableFileError(
                file_name, f"лист «{name}» не читается: файл повреждён",
                sheet=name) from exc
        sheets.append(Sheet(name=name, rows=rows, merged=merged))
    if not sheets:
        raise UnreadableFileError(file_name, "в книге нет листов")
    return sheets


def _trim(rows: list[list[Cell]]) -> list[list[Cell]]:
    """Without the empty rows below and the empty columns right of the filled cells (a cell
    holding only spaces counts as empty here)."""
    def filled(value: Cell) -> bool:
        return not (value == "" or (isinstance(value, str) and not value.strip()))

    last_row = max((r for r, row in enumerate(rows) if any(filled(v) for v in row)), default=-1)
    rows = rows[:last_row + 1]
    last_col = max((max((c for c, v in enumerate(row) if filled(v)), default=-1)
                    for row in rows), default=-1)
    if rows and last_col + 1 < max(len(r) for r in rows):
        rows = [row[:last_col + 1] for row in rows]
    return rows


def _decode(data: bytes) -> str | None:
    for encoding in ("utf-8-sig", "cp1251"):
        try:
            return data.decode(encoding).replace("\x00", "")  # NUL never belongs in text
        except UnicodeDecodeError:
            continue
    return None


def _read_csv(data: bytes, file_name: str) -> Sheet:
    text = _decode(data)
    if text is None:
        raise UnreadableFileError(
            file_name, "не удалось определить кодировку (ожидается UTF-8 или cp1251)")
    sample = "\n".join(text.splitlines()[:20])
    counts = {sep: sample.count(sep) for sep in (";", "\t", ",")}
    sep = max(counts, key=lambda s: counts[s])
    try:
        rows: list[list[Cell]] = [list(r) for r in csv.reader(io.StringIO(text), delimiter=sep)]
    except csv.Error as exc:
        raise UnreadableFileError(file_name, "CSV не читается: нарушена структура строк "
                                             "(незакрытые кавычки или лишние символы)") from exc
    width = max((len(r) for r in rows), default=0)
    rows = [r + [""] * (width - len(r)) for r in rows]
    return Sheet(name="CSV", rows=rows)


def _read_html(data: bytes, file_name: str, *, max_cells: int = DEFAULT_MAX_CELLS
               ) -> list[Sheet]:
    """HTML tables (NetSchool «Excel» exports) with colspan/rowspan expanded into a grid; the
    value stays in the top-left cell and the span is recorded as a merged range."""
    from lxml import html as lxml_html

    text = _decode(data)
    if text is None:
        raise UnreadableFileError(file_name, "не удалось определить кодировку HTML-файла")
    try:
        doc = lxml_html.fromstring(text)
    except Exception as exc:  # lxml raises ParserError/ValueError for garbage
        raise UnreadableFileError(file_name, "HTML-файл не читается как таблица") from exc
    tables = doc.xpath("//table")
    if not tables:
        raise UnreadableFileError(file_name, "в HTML-файле нет таблицы")
    # Outer tables that only wrap others would duplicate content: keep leaf tables.
    leaf = [t for t in tables if not t.xpath(".//table")]
    grid: dict[tuple[int, int], Cell] = {}
    merged: list[_MergedRange] = []
    offset = 0
    for table in leaf:
        occupied: set[tuple[int, int]] = set()
        rows = table.xpath("./tr|./thead/tr|./tbody/tr|./tfoot/tr")
        for r, tr in enumerate(rows):
            c = 0
            for td in tr.xpath("./td|./th"):
                while (offset + r, c) in occupied:
                    c += 1
                colspan = _span(td.get("colspan"))
                rowspan = _span(td.get("rowspan"))
                value = " ".join(td.text_content().split())
                grid[(offset + r, c)] = value
                if len(occupied) + rowspan * colspan > max_cells:
                    raise FileTooLargeError(
                        file_name, f"таблица HTML-файла слишком велика (больше "
                                   f"{_count(max_cells)} ячеек с учётом объединений)")
                for dr in range(rowspan):
                    for dc in range(colspan):
                        occupied.add((offset + r + dr, c + dc))
                if colspan > 1 or rowspan > 1:
                    merged.append(((offset + r, c), (offset + r + rowspan - 1, c + colspan - 1)))
                c += colspan
        height = max((k[0] for k in occupied), default=offset - 1) + 1
        offset = max(height, offset + len(rows)) + 1  # a blank row between tables
    n_rows = max((k[0] for k in grid), default=-1) + 1
    n_cols = max((k[1] for k in grid), default=-1) + 1
    out: list[list[Cell]] = [[grid.get((r, c), "") for c in range(n_cols)] for r in range(n_rows)]
    return [Sheet(name="HTML", rows=out, merged=merged)]


def _span(value: str | None) -> int:
    try:
        return max(1, min(int(value or 1), 1000))
    except ValueError:
        return 1
