"""Column-mapping step for a file whose layout was not recognised; remembered per header
signature in the store, so the same export is read automatically next time."""

from __future__ import annotations

import streamlit as st

from core.model import Metadata
from core.problems import ParseError
from core.readers.mapping import (
    MAPPABLE_FIELDS,
    REQUIRED_FIELDS,
    ColumnMap,
    guess_header_row,
    header_signature,
    missing_fields,
)
from core.workbook import read_workbook
from dashboard import ingest, services
from dashboard.text import plain

__all__ = ["mapped_report"]

_CONSTANT_OK = {"year": "2024/2025", "period": "1 четверть", "procedure": "Четвертная"}
_NONE = -1


def mapped_report(key: str, data: bytes, report: ingest.FileReport,
                  metadata: Metadata) -> ingest.FileReport:
    """Show the mapping form (or apply the remembered mapping); return the mapped report, or
    the original unknown-layout report while the mapping is incomplete."""
    try:
        sheets = read_workbook(data, report.file_name)
    except ParseError as exc:
        st.error(plain(exc))
        return report
    names = [s.name for s in sheets]
    sheet_name = st.selectbox("Лист с данными", names, key=f"{key}_sheet") if len(names) > 1 \
        else names[0]
    sheet = next(s for s in sheets if s.name == sheet_name)
    guessed = guess_header_row(sheet)
    signature = header_signature(sheet, guessed)
    remembered = services.remembered_mapping(signature)
    if remembered is not None and not st.session_state.get(f"{key}_edit"):
        mapping = ColumnMap.from_json(remembered)
        mapped = ingest.parse_mapped(data, report.file_name, sheet_name, mapping, metadata)
        st.info("Макет файла не распознан автоматически; применено сохранённое ранее "
                "сопоставление столбцов для таких же заголовков.")
        if st.button("Изменить сопоставление", key=f"{key}_edit_btn"):
            st.session_state[f"{key}_edit"] = True
            st.rerun()
        return mapped
    st.warning(plain(report.error))
    st.markdown("**Сопоставьте столбцы файла с полями** (обязательные отмечены *):")
    header_row = int(st.number_input("Строка заголовков", min_value=1, max_value=max(sheet.height, 1),
                                     value=guessed + 1, key=f"{key}_hdr")) - 1
    headers = sheet.row_texts(header_row)
    options = [_NONE, *range(len(headers))]

    def label(c: int) -> str:
        if c == _NONE:
            return "— нет —"
        return f"{c + 1}: {headers[c] or '(пусто)'}"

    columns: dict[str, int] = {}
    constants: dict[str, str] = {}
    grid = st.columns(3)
    for i, (field, title) in enumerate(MAPPABLE_FIELDS.items()):
        star = " *" if field in REQUIRED_FIELDS or field == "mark" else ""
        with grid[i % 3]:
            choice = st.selectbox(f"{title}{star}", options, format_func=label,
                                  key=f"{key}_map_{field}")
            if choice != _NONE:
                columns[field] = int(choice)
            elif field in _CONSTANT_OK:
                value = st.text_input(f"…или одно значение для всех строк: {title}",
                                      key=f"{key}_const_{field}",
                                      placeholder=_CONSTANT_OK[field])
                if value.strip():
                    constants[field] = value.strip()
    mapping = ColumnMap(header_row=header_row, columns=columns, constants=constants)
    lacking = missing_fields(mapping)
    if lacking:
        st.caption("Не хватает: " + ", ".join(MAPPABLE_FIELDS[f] for f in lacking))
        return report
    if st.button("Применить и запомнить сопоставление", key=f"{key}_apply", type="primary"):
        services.remember_mapping(signature, mapping.to_json())
        st.session_state[f"{key}_edit"] = False
        st.rerun()
    return report
