"""Altair charts of the objectivity and ВПР pages (Russian labels, n in every tooltip)."""

from __future__ import annotations

import altair as alt
import pandas as pd

from core.objectivity import Boundaries
from core.thresholds import Thresholds
from core.vpr_analysis import MASTERY

__all__ = ["agreement_bars", "mark_group_lines", "score_histogram", "task_bars",
           "term_average_bars"]

_AGREEMENT = {"lowered": "Понизили", "confirmed": "Подтвердили", "raised": "Повысили"}
_AGREEMENT_COLOURS = ["#c0504d", "#9bbb59", "#4f81bd"]
_MASTERY_COLOURS = ["#4e9a06", "#e0a800", "#c0392b", "#9e9e9e"]


def agreement_bars(table: pd.DataFrame) -> alt.Chart:
    """Stacked 100 % bars per unit: понизили / подтвердили / повысили, with n (pairs) on the
    axis label, so a bar over five pupils is not read like a bar over fifty."""
    data = table.copy()
    data["unit"] = [f"{c} · {s} (n = {int(n)})" for c, s, n in zip(
        data["class_label"], data["subject"], data["pairs"], strict=True)]
    long = data.melt(id_vars=["unit", "pairs", "teacher"], value_vars=list(_AGREEMENT),
                     var_name="kind", value_name="share")
    long["Сравнение"] = long["kind"].map(_AGREEMENT)
    long["_order"] = long["kind"].map({k: i for i, k in enumerate(_AGREEMENT)})
    long["share"] = long["share"].round(1)
    chart: alt.Chart = (  # Altair's chain is typed Any; it is a Chart
        alt.Chart(long)
        .mark_bar()
        .encode(
            y=alt.Y("unit:N", title=None, sort=list(data["unit"]),
                    axis=alt.Axis(labelLimit=320)),
            x=alt.X("share:Q", title="% пар «отметка за работу — отметка по журналу»",
                    stack="normalize", axis=alt.Axis(format="%")),
            color=alt.Color("Сравнение:N", sort=list(_AGREEMENT.values()),
                            scale=alt.Scale(domain=list(_AGREEMENT.values()),
                                            range=_AGREEMENT_COLOURS),
                            legend=alt.Legend(orient="bottom", title=None)),
            order=alt.Order("_order:Q"),
            tooltip=[alt.Tooltip("unit:N", title="Класс, предмет"),
                     alt.Tooltip("teacher:N", title="Учитель"),
                     alt.Tooltip("Сравнение:N"), alt.Tooltip("share:Q", title="%"),
                     alt.Tooltip("pairs:Q", title="Пар")],
        )
        .properties(height=max(120, 26 * len(data)))
    )
    return chart


def score_histogram(bins: pd.DataFrame, found: Boundaries | None, *, title: str) -> alt.LayerChart:
    """Pupils per primary score with the mark boundaries drawn as rules labelled «3», «4»,
    «5» (the minimum score of each mark)."""
    bars = alt.Chart(bins).mark_bar(color="#4f81bd").encode(
        x=alt.X("score:O", title="Первичный балл", axis=alt.Axis(labelAngle=0)),
        y=alt.Y("pupils:Q", title="Учеников", axis=alt.Axis(tickMinStep=1, format="d")),
        tooltip=[alt.Tooltip("score:O", title="Балл"), alt.Tooltip("pupils:Q", title="Учеников")])
    layers: list[alt.Chart] = [bars]
    if found is not None:
        marks = pd.DataFrame([{"score": b, "label": f"«{m}» от {b}"}
                              for m, b in sorted(found.minimum.items()) if m > 2])
        if not marks.empty:
            rule = alt.Chart(marks).mark_rule(color="#c0504d", strokeDash=[4, 3], size=2).encode(
                x="score:O", tooltip=[alt.Tooltip("label:N", title="Граница")])
            text = alt.Chart(marks).mark_text(align="left", dx=4, dy=-6, color="#c0504d",
                                               fontWeight="bold").encode(
                x="score:O", y=alt.value(8), text="label:N")
            layers += [rule, text]
    subtitle = found.source if found is not None else (
        "границы отметок неизвестны: нет шкалы перевода и отметок в файле")
    chart: alt.LayerChart = alt.layer(*layers).properties(  # type: ignore[assignment]
        height=300, title=alt.TitleParams(title, subtitle=subtitle[:160]))
    return chart


def task_bars(tasks: pd.DataFrame, thresholds: Thresholds) -> alt.LayerChart:
    """% completion per task, coloured by mastery status, with the Б and П/В thresholds."""
    data = tasks.copy()
    data["completion"] = data["completion"].round(1)
    data["Задание"] = data["task"].astype(str)
    order = data.sort_values("position")["Задание"].tolist()
    bars = alt.Chart(data).mark_bar().encode(
        x=alt.X("Задание:N", sort=order, axis=alt.Axis(labelAngle=0)),
        y=alt.Y("completion:Q", title="Выполнение, %", scale=alt.Scale(domain=[0, 100])),
        color=alt.Color("status:N", title="Статус", sort=list(MASTERY),
                        scale=alt.Scale(domain=list(MASTERY), range=_MASTERY_COLOURS),
                        legend=alt.Legend(orient="bottom")),
        tooltip=[alt.Tooltip("Задание:N"), alt.Tooltip("level:N", title="Уровень"),
                 alt.Tooltip("completion:Q", title="Выполнение, %"),
                 alt.Tooltip("status:N", title="Статус"),
                 alt.Tooltip("pupils:Q", title="Учеников")])
    rules = pd.DataFrame([
        {"y": thresholds.basic_mastered, "label": f"Б: {thresholds.basic_mastered:g} %"},
        {"y": thresholds.advanced_mastered,
         "label": f"П/В: {thresholds.advanced_mastered:g} %"}])
    rule = alt.Chart(rules).mark_rule(strokeDash=[4, 3], color="#555").encode(y="y:Q")
    label = alt.Chart(rules).mark_text(align="left", dx=4, dy=-6, color="#555").encode(
        y="y:Q", x=alt.value(0), text="label:N")
    chart: alt.LayerChart = alt.layer(bars, rule, label).properties(  # type: ignore[assignment]
        height=320)
    return chart


def mark_group_lines(groups: pd.DataFrame) -> alt.Chart:
    """% completion of each task by mark group: lines that should not cross."""
    data = groups[~groups["small"]].copy()
    data["Задание"] = data["task"].astype(str)
    data["Отметка"] = "«" + data["mark"].astype(str) + "»"
    data["completion"] = data["completion"].round(1)
    order = data.sort_values("position")["Задание"].drop_duplicates().tolist()
    chart: alt.Chart = (
        alt.Chart(data)
        .mark_line(point=True)
        .encode(
            x=alt.X("Задание:N", sort=order, axis=alt.Axis(labelAngle=0)),
            y=alt.Y("completion:Q", title="Выполнение, %", scale=alt.Scale(domain=[0, 100])),
            color=alt.Color("Отметка:N", sort=["«2»", "«3»", "«4»", "«5»"],
                            scale=alt.Scale(domain=["«2»", "«3»", "«4»", "«5»"],
                                            range=["#c0392b", "#e0a800", "#4f81bd", "#4e9a06"]),
                            legend=alt.Legend(orient="bottom", title="Группа по отметке")),
            tooltip=[alt.Tooltip("Отметка:N", title="Группа"), alt.Tooltip("Задание:N"),
                     alt.Tooltip("completion:Q", title="Выполнение, %"),
                     alt.Tooltip("pupils:Q", title="Учеников в группе")],
        )
        .properties(height=300)
    )
    return chart


def term_average_bars(shares: pd.DataFrame) -> alt.Chart:
    """Per class × subject: % of term marks above and below the pupil's own rounded average."""
    data = shares.copy()
    data["unit"] = [f"{c} · {s} (n = {int(n)})" for c, s, n in zip(
        data["class_label"], data["subject"], data["n"], strict=True)]
    long = data.melt(id_vars=["unit", "n"], value_vars=["above", "below"], var_name="side",
                     value_name="share")
    long["Отметка"] = long["side"].map({"above": "выше среднего", "below": "ниже среднего"})
    long["share"] = long["share"].round(1)
    chart: alt.Chart = (
        alt.Chart(long)
        .mark_bar()
        .encode(
            y=alt.Y("unit:N", title=None, sort=list(data["unit"]),
                    axis=alt.Axis(labelLimit=320)),
            x=alt.X("share:Q", title="% отметок за период"),
            yOffset=alt.YOffset("Отметка:N"),
            color=alt.Color("Отметка:N", scale=alt.Scale(
                domain=["выше среднего", "ниже среднего"], range=["#c0504d", "#4f81bd"]),
                legend=alt.Legend(orient="bottom", title=None)),
            tooltip=[alt.Tooltip("unit:N", title="Класс, предмет"), alt.Tooltip("Отметка:N"),
                     alt.Tooltip("share:Q", title="%"), alt.Tooltip("n:Q", title="Пар")],
        )
        .properties(height=max(120, 34 * len(data)))
    )
    return chart
