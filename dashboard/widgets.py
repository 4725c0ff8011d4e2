"""Render helpers shared by pages: filters, KPI row, tables, empty state."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, cast

import pandas as pd
import streamlit as st

from core.exports import format_decimal
from core.formulas import FORMULA_TEXTS, formula_for
from core.indicators import Indicators
from core.names import TERM_PROCEDURE, grade_of
from core.summary import SummaryFilter
from dashboard.navigation import page_path
from dashboard.text import plain

__all__ = ["FORMULAS", "data_status", "empty_state", "filter_bar", "kpi_row", "summary_grid"]

ALL = "Все"

# Tooltips: every indicator shows its formula (METHODOLOGY §2.1), generated in core.formulas.
FORMULAS = {t.indicator: formula_for(t.indicator) for t in FORMULA_TEXTS}


def _select(label: str, values: list[object], key: str, fmt: Callable[[Any], str] = str,
            default: object | None = None) -> object | None:
    index = values.index(default) + 1 if default in values else 0
    choice = st.selectbox(label, [ALL, *values], key=key, index=index,
                          format_func=lambda v: v if v == ALL else fmt(v))
    return None if choice == ALL else choice


def filter_bar(options: dict[str, list[object]], *, key: str) -> SummaryFilter:
    """Filters in two rows; returns the selection («Все» = no filter)."""
    school = None
    if len(options["school"]) > 1:  # a region dump or several schools in one store
        school = _select("Школа", options["school"], f"{key}_school",
                         fmt=lambda s: s or "— не указана —")
    first = st.columns(3)
    second = st.columns(4)
    # Sensible defaults: the newest year and the term marks (mixing ВПР with term marks or two
    # years in one KPI would mislead); «Все» stays one click away.
    with first[0]:
        year = _select("Учебный год", options["year"], f"{key}_year",
                       default=options["year"][0] if options["year"] else None)
    with first[1]:
        procedure = _select("Процедура", options["procedure"], f"{key}_procedure",
                            default=TERM_PROCEDURE)
    with first[2]:
        period = _select("Период", options["period"], f"{key}_period")
    with second[0]:
        grade = _select("Параллель", options["grade"], f"{key}_grade",
                        fmt=lambda g: f"{g} класс")
    with second[1]:
        classes = options["class_label"]
        if grade is not None:
            classes = [c for c in classes if grade_of(str(c)) == grade]
        class_label = _select("Класс", classes, f"{key}_class")
    with second[2]:
        subject = _select("Предмет", options["subject"], f"{key}_subject")
    with second[3]:
        teacher = _select("Учитель", options["teacher"], f"{key}_teacher")
    return SummaryFilter(
        school=cast("str | None", school), year=cast("str | None", year),
        period=cast("str | None", period), procedure=cast("str | None", procedure),
        grade=cast("int | None", grade), class_label=cast("str | None", class_label),
        subject=cast("str | None", subject), teacher=cast("str | None", teacher))


def kpi_row(ind: Indicators, *, groups: int) -> None:
    cols = st.columns(5)
    cols[0].metric("N (отметок)", f"{ind.n}", help=f"Групп класс × предмет × период: {groups}. "
                   + formula_for("N"))
    cols[1].metric("Успеваемость", _pct(ind.pass_rate), help=FORMULAS["Успеваемость, %"])
    cols[2].metric("Качество", _pct(ind.quality), help=FORMULAS["Качество, %"])
    cols[3].metric("СОУ", _pct(ind.sou), help=FORMULAS["СОУ, %"])
    cols[4].metric("Средний балл", format_decimal(ind.mean, 2) or "—",
                   help=FORMULAS["Средний балл"])


def _pct(value: float | None) -> str:
    return f"{format_decimal(value, 1)} %" if value is not None else "—"


def summary_grid(display: pd.DataFrame) -> None:
    """The summary table with formula tooltips on the indicator columns."""
    config = {
        col: st.column_config.NumberColumn(col, help=FORMULAS[col],
                                           format="%.2f" if col == "Средний балл" else "%.1f")
        for col in ("Успеваемость, %", "Качество, %", "СОУ, %", "Средний балл")
    }
    config["Обучающихся"] = st.column_config.NumberColumn("Обучающихся",
                                                          help=FORMULAS["Обучающихся"])
    config["н/а"] = st.column_config.NumberColumn("н/а", help=FORMULAS["н/а"])
    config["осв"] = st.column_config.NumberColumn("осв", help=FORMULAS["осв"])
    if display["Школа"].nunique() <= 1:  # one school: the column only takes room on screen
        display = display.drop(columns="Школа")
    st.dataframe(display, hide_index=True, column_config=config, width="stretch")


def empty_state() -> None:
    """No data yet: say so and offer the demonstration school."""
    from dashboard import services

    uploads, _last, results = services.data_version()
    if results > 0:
        st.info("Данные загружены, но в них нет отметок, по которым считаются показатели "
                "(например, баллы ВПР без шкалы перевода в отметки). Загрузите отметки или "
                "отчёт ФИС ОКО с отметками.")
        return
    if uploads > 0:
        st.info("Загружены только сведения без отметок (например, нагрузка учителей или "
                "выпускники). Загрузите отметки за периоды, протоколы ВПР или экзаменов — и "
                "показатели появятся здесь.")
        st.page_link(page_path("upload"), label="Перейти к загрузке",
                     icon=":material/upload_file:")
        return
    st.info("В базе пока нет данных. Загрузите файлы на странице «Загрузка данных» "
            "или посмотрите, как всё работает, на демонстрационной школе.")
    left, right = st.columns(2)
    left.page_link(page_path("upload"), label="Перейти к загрузке", icon=":material/upload_file:")
    if right.button("Загрузить демонстрационные данные", type="primary"):
        bar = st.progress(0.0, text="Загружаю демонстрационную школу…")

        def progress(done: int, total: int, name: str) -> None:
            text = f"Файл {done + 1} из {total}: {name}" if name else "Готово"
            bar.progress(done / max(total, 1), text=text)

        try:
            services.load_demo(progress)
        except services.DemoError as exc:  # show a message, never a traceback
            st.error(f"Не удалось загрузить демонстрационные данные: {plain(exc)}")
            return
        st.rerun()


def data_status(table: pd.DataFrame) -> None:
    """What is in the store (services.inventory): schools, years, classes, subjects, and every
    procedure with its results, also those without marks (a ВПР protocol without a scale)."""
    cols = st.columns(4)
    cols[0].metric("Учебных лет", table["year"].nunique())
    cols[1].metric("Классов", table[["year", "class_label"]].drop_duplicates().shape[0])
    cols[2].metric("Предметов", table["subject"].nunique())
    cols[3].metric("Процедур", table["procedure"].nunique())
    by_procedure = (table.groupby(["year", "procedure"])
                    .agg(classes=("class_label", "nunique"), subjects=("subject", "nunique"),
                         rows=("rows", "sum"), marked=("marked", "sum"),
                         scored=("scored", "sum"))
                    .reset_index().sort_values(["year", "procedure"], ascending=[False, True]))
    # Pixel widths: the seven columns fit a projector's 1100 px window without scrolling.
    config = {
        "Учебный год": st.column_config.TextColumn("Учебный год", width=90),
        "Процедура": st.column_config.TextColumn("Процедура", width=140),
        "Классы": st.column_config.NumberColumn("Классы", width=70),
        "Предметы": st.column_config.NumberColumn("Предметы", width=80),
        "Всего": st.column_config.NumberColumn(
            "Всего", width=70, help="Сохранённых результатов обучающихся"),
        "С отметкой": st.column_config.NumberColumn(
            "С отметкой", width=90, help="Результатов с отметкой, входящей в N (5–1, «н/а»)"),
        "С баллом": st.column_config.NumberColumn(
            "С баллом", width=80, help="Результатов с первичным (тестовым) баллом"),
    }
    st.dataframe(by_procedure.rename(columns={
        "year": "Учебный год", "procedure": "Процедура", "classes": "Классы",
        "subjects": "Предметы", "rows": "Всего", "marked": "С отметкой",
        "scored": "С баллом"}), hide_index=True, width="stretch", column_config=config)
    unmarked = by_procedure[(by_procedure["marked"] == 0) & (by_procedure["scored"] > 0)]
    vpr = unmarked[unmarked["procedure"] == "ВПР"]
    if not vpr.empty:
        which = ", ".join(f"{plain(r['year'])} (результатов {r['rows']})"
                          for r in vpr.to_dict("records"))
        st.info(f"ВПР {which}: отметок нет — для этих работ не известна шкала перевода "
                f"первичных баллов в отметки. Первичные баллы сохранены; показатели "
                f"успеваемости и качества по ним не считаются.")
    others = sorted(set(unmarked["procedure"]) - {"ВПР"})
    if others:
        st.caption(f"{plain(', '.join(others))}: результаты только в баллах, без отметок — "
                   f"показатели по отметкам к ним не применяются.")
    years = ", ".join(sorted(set(table["year"])))
    schools = ", ".join(sorted({s for s in table["school"] if s})) or "не указана"
    st.caption(f"Школа: {plain(schools)}. Учебные годы: {plain(years)}.")
