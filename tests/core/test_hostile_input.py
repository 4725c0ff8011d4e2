"""Hostile and odd uploads: ``parse_file`` raises only ParseError subclasses, with a Russian
message naming the file; the odd-but-valid types (CSV encodings, HTML-as-xls, ODS) are read."""

from __future__ import annotations

import io
import random
import re
import struct
import zipfile

import pandas as pd
import pytest

from core import workbook
from core.model import Metadata
from core.problems import (
    ArchiveBombError,
    EncryptedFileError,
    FileTooLargeError,
    ParseError,
    UnknownLayoutError,
    UnreadableFileError,
)
from core.readers import parse_file
from core.workbook import read_workbook
from tests.core.readers_builders import csv_bytes, xlsx_bytes

NAME = "загрузка.xlsx"
CYRILLIC = re.compile(r"[а-яё]{3,}")

WIDE = [["Класс: 5А"], ["Учебный год 2024/2025"], ["Период: 1 четверть"],
        ["ФИО", "Русский язык", "Математика", "Биология"], ["Орлов Олег", 5, 4, 3]]


def small_xlsx() -> bytes:
    return xlsx_bytes({"Лист1": WIDE})


def assert_parse_error(data: bytes, expected: type[ParseError], **kwargs: object) -> ParseError:
    with pytest.raises(ParseError) as info:
        parse_file(data, NAME, **kwargs)  # type: ignore[arg-type]
    err = info.value
    assert isinstance(err, expected), f"{type(err).__name__}: {err}"
    assert f"«{NAME}»" in str(err)
    assert CYRILLIC.search(err.detail)
    return err


def test_empty_bytes() -> None:
    err = assert_parse_error(b"", UnreadableFileError)
    assert err.detail == "файл пуст"


@pytest.mark.parametrize("seed", range(8))
def test_random_bytes(seed: int) -> None:
    data = random.Random(seed).randbytes(3000)
    with pytest.raises(ParseError) as info:
        parse_file(data, NAME)
    assert f"«{NAME}»" in str(info.value)


def test_truncated_xlsx() -> None:
    data = small_xlsx()
    assert_parse_error(data[: len(data) // 2], UnreadableFileError)


def test_zip_that_is_not_a_workbook() -> None:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as zf:
        zf.writestr("readme.txt", "не таблица")
    err = assert_parse_error(out.getvalue(), UnreadableFileError)
    assert "не является книгой" in err.detail


def bomb_xlsx(member_size: int) -> bytes:
    """A real xlsx whose extra member is ``member_size`` zero bytes, deflated."""
    src = zipfile.ZipFile(io.BytesIO(small_xlsx()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        for info in src.infolist():
            zf.writestr(info, src.read(info.filename))
        zf.writestr("xl/media/zeros.bin", bytes(member_size))
    return out.getvalue()


def test_zip_bomb_by_ratio_with_default_limits() -> None:
    # 12 MB of zeros deflate to ~12 KB: ratio ≈ 1000:1 > MAX_RATIO 200, member > 10 MB
    data = bomb_xlsx(12 * 1024 * 1024)
    assert len(data) < 100_000
    err = assert_parse_error(data, ArchiveBombError)
    assert "степень сжатия" in err.detail


def test_zip_bomb_by_declared_size_forged_in_central_directory() -> None:
    data = bytearray(small_xlsx())
    # Rewrite the declared uncompressed size (offset 24 in each central-directory record,
    # signature PK\x01\x02) to 3.9 GB: the archive check must refuse before decompressing.
    pos = data.find(b"PK\x01\x02")
    while pos != -1:
        struct.pack_into("<I", data, pos + 24, 0xE8000000)
        pos = data.find(b"PK\x01\x02", pos + 4)
    err = assert_parse_error(bytes(data), ArchiveBombError)
    assert "распакованный размер" in err.detail


def test_archive_limits_are_arguments_of_read_workbook() -> None:
    data = bomb_xlsx(200_000)  # 200 KB of zeros: fine with the defaults
    assert len(read_workbook(data, NAME)) == 1
    with pytest.raises(ArchiveBombError):
        read_workbook(data, NAME, max_ratio=50, min_bomb_member=100_000)
    with pytest.raises(ArchiveBombError):
        read_workbook(data, NAME, max_uncompressed=100_000)


def test_module_limits_are_read_at_call_time(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(workbook, "MAX_UNCOMPRESSED", 100_000)
    assert_parse_error(bomb_xlsx(200_000), ArchiveBombError)


def test_encrypted_workbook() -> None:
    # An OLE compound file whose directory names the stream «EncryptedPackage» — how Office
    # stores a password-protected .xlsx (MS-OFFCRYPTO «ECMA-376 Document Encryption»).
    header = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504)
    directory = "EncryptedPackage".encode("utf-16-le") + bytes(96)
    err = assert_parse_error(header + directory + bytes(1024), EncryptedFileError)
    assert "паролем" in err.detail


def test_damaged_ole_file() -> None:
    data = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + random.Random(1).randbytes(2000)
    assert_parse_error(data, UnreadableFileError)


def test_too_large_file() -> None:
    err = assert_parse_error(small_xlsx(), FileTooLargeError, max_bytes=1000)
    assert "больше допустимого размера" in err.detail


def test_readable_file_of_unknown_layout() -> None:
    data = xlsx_bytes({"Лист1": [["Просто", "таблица"], [1, 2]]})
    err = assert_parse_error(data, UnknownLayoutError)
    assert "не распознан" in err.detail


@pytest.mark.parametrize(("sep", "encoding"), [(";", "cp1251"), (",", "utf-8-sig")])
def test_csv_encodings_and_separators(sep: str, encoding: str) -> None:
    data = csv_bytes(WIDE, sep=sep, encoding=encoding)
    if encoding == "utf-8-sig":
        assert data.startswith(b"\xef\xbb\xbf")
    parsed = parse_file(data, "ведомость.csv")
    # 1 pupil × 3 subjects
    assert sorted(zip(parsed.results["subject"], parsed.results["mark"], strict=True)) == [
        ("Биология", "3"), ("Математика", "4"), ("Русский язык", "5")]


def test_html_saved_as_xls_with_colspan_and_rowspan() -> None:
    html = """<html><head><meta charset="utf-8"></head><body>
    <table><tr><td colspan="7">Класс: 6Б, учебный год 2024/2025</td></tr>
    <tr><td rowspan="2">№</td><td rowspan="2">ФИО</td>
        <td colspan="2">Русский язык</td><td colspan="2">Математика</td>
        <td colspan="2">История</td></tr>
    <tr><td>1 полугодие</td><td>год</td><td>1 полугодие</td><td>год</td>
        <td>1 полугодие</td><td>год</td></tr>
    <tr><td>1</td><td>Юдин Юрий</td><td>4</td><td>5</td><td>3</td><td>3</td>
        <td>5</td><td>5</td></tr>
    </table></body></html>"""
    parsed = parse_file(html.encode("utf-8"), "ведомость.xls")
    assert parsed.layout == "wide_sheet"
    got = {(r.subject, r.period): r.mark for r in parsed.results.itertuples()}
    assert got == {("Русский язык", "1 полугодие"): "4", ("Русский язык", "Год"): "5",
                   ("Математика", "1 полугодие"): "3", ("Математика", "Год"): "3",
                   ("История", "1 полугодие"): "5", ("История", "Год"): "5"}
    assert set(parsed.results["class_label"]) == {"6Б"}


def test_ods_file() -> None:
    out = io.BytesIO()
    frame = pd.DataFrame(WIDE[4:], columns=WIDE[3])
    with pd.ExcelWriter(out, engine="odf") as writer:
        frame.to_excel(writer, sheet_name="5А 1 четв", index=False, startrow=1)
    data = out.getvalue()
    assert data.startswith(b"PK\x03\x04")
    parsed = parse_file(data, "ведомость.ods", metadata=Metadata(year="2024/2025"))
    assert parsed.layout == "wide_sheet"
    assert set(parsed.results["class_label"]) == {"5А"}  # from the sheet name
    assert set(parsed.results["period"]) == {"1 четверть"}
    assert len(parsed.results) == 3


def test_unrecognised_files_say_what_they_resemble() -> None:
    from core.problems import UnknownLayoutError
    from core.readers import parse_sheets
    from core.workbook import Sheet

    netschool_like = Sheet("Лист1", [["Учебный год: 2024/2025"], ["Класс: 8А"],
                                     ["Ученик: Ученик 01"], ["что-то", "не то"]])
    protocol_like = Sheet("Протокол", [["Номер", "Балл"], [1, 2]])
    blank = Sheet("Лист1", [])
    cases = [(netschool_like, "«Сетевого города»"), (protocol_like, "протокол ФИС ОКО"),
             (blank, "нет заполненных ячеек")]
    for sheet, expected in cases:
        with pytest.raises(UnknownLayoutError) as err:
            parse_sheets([sheet], file_name="x.xlsx")
        assert expected in str(err.value) and "x.xlsx" in str(err.value)


def test_nul_characters_inside_a_csv_are_dropped_from_every_value() -> None:
    """NUL bytes after the first 4 KB made a phantom teacher «Ив\\0\\0анова» (and a DataError on
    PostgreSQL): they are no part of any value."""
    header = "Учебный год;Период;Процедура;Класс;ФИО или код;Предмет;Учитель;Отметка\r\n"
    filler = "".join(f"2024/2025;1 четверть;Четвертная;8А;Ученик {i:03d};Алгебра;Иванова И.И.;5\r\n"
                     for i in range(1, 80))
    data = (header + filler).encode("utf-8")
    assert len(data) > 4096
    data += "2024/2025;1 четверть;Четвертная;8А;Ученик 999;Алгебра;Ив".encode() + b"\x00\x00" \
        + "анова И.И.;4\r\n".encode()
    parsed = parse_file(data, "ведомость.csv", metadata=Metadata(school="Школа"))
    assert set(parsed.results["teacher"]) == {"Иванова И.И."}
    assert not any("\x00" in str(v) for v in parsed.results.to_numpy().ravel())
