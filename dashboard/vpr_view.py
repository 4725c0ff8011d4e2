"""The ВПР analysis page (METHODOLOGY §4.4): mark statistics, per-task completion against the
Б/П thresholds, mark groups and crossings, the histogram with boundaries — for the school, a
parallel, a class or a teacher's classes."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from core.exports import format_decimal
from core.model import Dataset
from core.objectivity import task_scores
from core.scales import Scale
from core.thresholds import Thresholds
from core.vpr_analysis import (
    MASTERY,
    Work,
    mark_statistics,
    skill_deficits,
    task_by_mark_group,
    task_completion,
    work_catalog,
    work_histogram,
    work_reference,
    work_reference_tasks,
    works,
    written_results,
)
from dashboard import objectivity_charts as charts

__all__ = ["show_work", "work_choice"]

WHOLE = "Вся параллель"


def work_choice(data: Dataset, *, key: str) -> Work | None:
    found = works(data.results)
    if not found:
        return None
    left, _ = st.columns([2, 2])
    return left.selectbox("Работа", found, format_func=lambda w: w.label, key=key)


def _unit(written: pd.DataFrame, *, key: str) -> tuple[str, pd.DataFrame]:
    by = st.radio("Разрез", ["Параллель", "Класс", "Учитель"], horizontal=True, key=f"{key}_by")
    right, _ = st.columns([2, 3])
    if by == "Класс":
        classes = sorted(set(written["class_label"]))
        chosen = right.selectbox("Класс", classes, key=f"{key}_class")
        return f"класс {chosen}", written[written["class_label"] == chosen]
    if by == "Учитель":
        teachers = sorted({t for t in written["teacher"] if t})
        if not teachers:
            right.caption("Учителя неизвестны: загрузите таблицу нагрузки учителей.")
            return WHOLE.lower(), written
        chosen = right.selectbox("Учитель", teachers, key=f"{key}_teacher")
        return f"классы учителя {chosen}", written[written["teacher"] == chosen]
    return WHOLE.lower(), written


_LEVEL_LABELS = {"регион": "Регион", "муниципалитет": "Муниципалитет", "РФ": "РФ"}


def _statistics(written: pd.DataFrame, reference: pd.DataFrame) -> None:
    stats = mark_statistics(written, ["class_label"])
    total = mark_statistics(written, [])
    rows = []
    for label, frame in (("Все выбранные", total), *((c, stats[stats["class_label"] == c])
                                                     for c in stats["class_label"])):
        r = frame.iloc[0]
        rows.append({"Класс": label, "Участников": int(r["n"]),
                     **{f"«{m}», %": format_decimal(r[f"p{m}"], 1) for m in "2345"},
                     "Ср. отметка": format_decimal(r["mean_mark"], 2) or "—",
                     "Средний балл": format_decimal(r["mean_score"], 1),
                     "Выполнение, %": format_decimal(r["completion"], 1) or "—"})
    for ref in reference.to_dict("records"):  # справочные строки (ФИС ОКО «Аналитика»)
        rows.append({"Класс": _LEVEL_LABELS.get(ref["level"], ref["level"]),
                     "Участников": "" if pd.isna(ref["participants"]) else int(ref["participants"]),
                     **{f"«{m}», %": format_decimal(ref[f"p{m}"], 1) or "—" for m in "2345"},
                     "Ср. отметка": "—",
                     "Средний балл": format_decimal(ref["mean_score"], 1) or "—",
                     "Выполнение, %": "—"})
    table = pd.DataFrame(rows)
    if not reference.empty:
        table["Участников"] = table["Участников"].astype(str)
    narrow = {c: st.column_config.Column(width=60) for c in table.columns if c.startswith("«")}
    st.dataframe(table, hide_index=True, width="stretch", column_config=narrow)
    if not reference.empty:
        st.caption("Строки «Регион», «Муниципалитет», «РФ» — загруженные справочные данные "
                   "этой работы.")


def show_work(data: Dataset, work: Work, *, scales: tuple[Scale, ...],
              thresholds: Thresholds, key: str) -> None:
    written = written_results(data.results, work)
    what, chosen = _unit(written, key=key)
    unmarked = not chosen["mark"].isin(["2", "3", "4", "5"]).any()
    if unmarked:
        st.warning("Для этой работы нет шкалы перевода первичных баллов в отметки, и отметок "
                   "в файле нет: показаны первичные баллы и выполнение заданий. Добавьте шкалу "
                   "в «Настройках» — отметки сохранённых результатов будут выведены без "
                   "повторной загрузки.")
    st.subheader(f"{work.label}: {what} (n\u00a0=\u00a0{len(chosen)})")
    reference = work_reference(data.reference, work)
    _statistics(chosen, reference)
    catalog = work_catalog(data.task_catalog, work)
    scores = task_scores(data.results, data.tasks, catalog)
    scores = scores[scores["row_id"].isin(chosen["row_id"])]
    st.markdown("**Выполнение заданий**")
    if scores.empty:
        st.info("В файле нет баллов по заданиям: доступны только отметки и первичные баллы.")
    else:
        tasks = task_completion(scores, [], thresholds)
        described = (catalog["part"] == "tasks").sum() > 0
        if (tasks["level"] == "").all() and not (work.procedure == "ВПР" and not described):
            st.caption("Уровни заданий (Б/П/В) в файлах не указаны, поэтому статус освоения не "
                       "определяется; максимум задания, если его нет в файле, взят по наибольшему "
                       "полученному баллу.")
        if work.procedure == "ВПР" and not described:
            st.info("Загрузите «Описание работы» этой ВПР (ALL.xlsx) на странице «Загрузка»: "
                    "оно добавит уровни заданий (Б/П/В), коды КЭС и КТ и максимальные баллы, "
                    "а с ними — статусы освоения и дефициты умений.")
        st.altair_chart(charts.task_bars(tasks, thresholds), width="stretch")
        st.caption(f"Базовый уровень освоен от {format_decimal(thresholds.basic_mastered, 0)} %, "
                   f"зона неопределённости {format_decimal(thresholds.basic_insufficient, 0)}–"
                   f"{format_decimal(thresholds.basic_mastered, 0)} %; повышенный — от "
                   f"{format_decimal(thresholds.advanced_mastered, 0)} %, зона "
                   f"{format_decimal(thresholds.advanced_insufficient, 1)}–"
                   f"{format_decimal(thresholds.advanced_mastered, 0)} % (ФИОКО 2026 §1, §5).")
        _reference_tasks(tasks, reference)
        deficits = tasks[tasks["status"] == MASTERY[2]]
        if not deficits.empty:
            st.markdown("Не освоены: " + ", ".join(f"задание {t} ({format_decimal(c, 1)} %)"
                                                    for t, c in zip(deficits["task"],
                                                                    deficits["completion"],
                                                                    strict=True)))
        _skills(tasks, catalog, thresholds)
        groups = task_by_mark_group(scores, thresholds)
        if not groups.empty and (~groups["small"]).any():
            st.markdown("**Выполнение заданий по группам отметок** (линии не должны "
                        "пересекаться; группы меньше "
                        f"{thresholds.min_group} учеников не показаны)")
            st.altair_chart(charts.mark_group_lines(groups), width="stretch")
            crossings = groups[groups["crossing"]]
            if not crossings.empty:
                st.warning("Пересечения групп (возможный признак, требует анализа): " + "; ".join(
                    f"задание {t}: группа «{m}» выше следующей"
                    for t, m in zip(crossings["task"], crossings["mark"], strict=True)))
    bins, found = work_histogram(chosen, scales)
    st.altair_chart(charts.score_histogram(bins, found, title="Распределение первичных баллов"),
                    width="stretch")


def _reference_tasks(tasks: pd.DataFrame, reference: pd.DataFrame) -> None:
    """Task completion next to the reference levels' («Регион», «РФ» …) and the difference from
    the first of them (the region when loaded)."""
    compared = work_reference_tasks(tasks, reference)
    levels = [c for c in compared.columns if c in _LEVEL_LABELS]
    if not levels:
        return
    first = levels[0]
    view = pd.DataFrame({
        "Задание": compared["task"], "Уровень": compared["level"].where(
            compared["level"] != "", "—"),
        "Выполнение, %": compared["completion"].map(lambda v: format_decimal(v, 1) or "—"),
        **{f"{_LEVEL_LABELS[lv]}, %": compared[lv].map(lambda v: format_decimal(v, 1) or "—")
           for lv in levels},
        f"Разница с «{_LEVEL_LABELS[first]}», п.п.": (compared["completion"] - compared[first])
        .map(lambda v: format_decimal(v, 1) or "—"),
    })
    st.markdown("**Выполнение заданий и справочные данные**")
    st.dataframe(view, hide_index=True, width="stretch")


def _skills(tasks: pd.DataFrame, catalog: pd.DataFrame, thresholds: Thresholds) -> None:
    """«Дефициты умений»: skills (КТ) whose tasks are mostly not mastered (ФИОКО 2026 §5)."""
    skills = skill_deficits(tasks, catalog, thresholds)
    if skills.empty:
        if (catalog["part"] == "tasks").any():
            st.caption("В описании работы нет кодов КТ: дефициты умений не определяются.")
        return
    st.markdown("**Дефициты умений** (системный дефицит — не освоено больше половины заданий "
                "умения: базовые ниже "
                f"{format_decimal(thresholds.basic_insufficient, 0)} %, повышенные ниже "
                f"{format_decimal(thresholds.advanced_insufficient, 1)} %; ФИОКО 2026 §5)")
    view = pd.DataFrame({
        "Код КТ": skills["kt"], "Умение": skills["skill"].where(skills["skill"] != "", "—"),
        "Заданий": skills["tasks"], "Не освоено": skills["red"],
        "Задания": skills["task_list"], "Не освоены": skills["red_list"],
        "Дефицит": skills["deficit"].map({True: "системный дефицит", False: ""}),
    })
    st.dataframe(view, hide_index=True, width="stretch")
    if (skills["skill"] == "").all():
        st.caption("Тексты требований появятся после загрузки справочника КТ (KT.xlsx) той же "
                   "работы.")
