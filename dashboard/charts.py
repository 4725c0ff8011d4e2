"""Altair charts (Russian labels). Each function takes a summary table and returns a chart."""

from __future__ import annotations

import altair as alt
import pandas as pd

from core.indicators import COUNT_COLUMNS, add_indicators
from core.names import TERM_PROCEDURE, grade_of, period_order

__all__ = ["class_indicator_bars", "period_trend"]

_INDICATORS = {"pass_rate": "Успеваемость, %", "quality": "Качество, %", "sou": "СОУ, %"}


def _by(table: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    grouped = table.groupby(keys, dropna=False)[list(COUNT_COLUMNS)].sum().reset_index()
    return add_indicators(grouped)


def class_indicator_bars(table: pd.DataFrame) -> alt.Chart:
    """Grouped bars: успеваемость, качество and СОУ per class over the selection."""
    data = _by(table, ["class_label"])
    data["order"] = [(grade_of(c) or 0) * 100 + i for i, c in enumerate(data["class_label"])]
    long = data.melt(id_vars=["class_label", "order", "n"], value_vars=list(_INDICATORS),
                     var_name="indicator", value_name="value")
    long["Показатель"] = long["indicator"].map(_INDICATORS)
    long["value"] = long["value"].round(1)
    order = data.sort_values("order")["class_label"].tolist()
    # Altair's chained methods are typed through a signature-copying decorator that loses the
    # return type (Any); the chain is a Chart.
    chart: alt.Chart = (
        alt.Chart(long)
        .mark_bar()
        .encode(
            x=alt.X("class_label:N", title="Класс", sort=order),
            xOffset=alt.XOffset("Показатель:N", sort=list(_INDICATORS.values())),
            y=alt.Y("value:Q", title="%", scale=alt.Scale(domain=[0, 100])),
            color=alt.Color("Показатель:N", sort=list(_INDICATORS.values()),
                            legend=alt.Legend(orient="bottom", title=None)),
            tooltip=[alt.Tooltip("class_label:N", title="Класс"),
                     alt.Tooltip("Показатель:N"), alt.Tooltip("value:Q", title="Значение, %"),
                     alt.Tooltip("n:Q", title="N (отметок)")],
        )
        .properties(height=320, title="Показатели по классам (все предметы выборки)")
    )
    return chart


def period_trend(table: pd.DataFrame) -> alt.Chart | None:
    """Качество by period per class, when the selection spans several periods."""
    # Term marks only: a control work's «Период» is its date, not a point of this series.
    terms = table[(table["procedure"] == TERM_PROCEDURE) & (table["period"] != "")]
    if terms["period"].nunique() < 2:
        return None
    # Over a dozen lines are unreadable: then compare parallels, and classes within one parallel.
    unit = "class_label" if terms["class_label"].nunique() <= 12 else "grade"
    data = _by(terms, ["year", "period", unit])
    if unit == "grade":
        data["class_label"] = data["grade"].map(lambda g: f"{int(g)} кл.")
    several_years = data["year"].nunique() > 1
    data["Период"] = (data["year"] + " · " + data["period"]) if several_years else data["period"]
    data["_order"] = data["year"] + data["period"].map(lambda p: f"{period_order(p):02d}")
    order = data.sort_values("_order")["Период"].drop_duplicates().tolist()
    data["quality"] = data["quality"].round(1)
    class_order = sorted(set(data["class_label"]), key=lambda c: (grade_of(c) or 0, c))
    legend_title = "Класс" if unit == "class_label" else "Параллель"
    chart: alt.Chart = (  # a Chart, typed Any by Altair (see class_indicator_bars)
        alt.Chart(data)
        .mark_line(point=True)
        .encode(
            x=alt.X("Период:N", sort=order, title=None,
                    axis=alt.Axis(labelAngle=-40, labelLimit=200)),
            y=alt.Y("quality:Q", title="Качество, %", scale=alt.Scale(domain=[0, 100])),
            color=alt.Color("class_label:N", title=legend_title, sort=class_order,
                            legend=alt.Legend(columns=2, symbolLimit=0)),
            tooltip=[alt.Tooltip("class_label:N", title=legend_title), alt.Tooltip("Период:N"),
                     alt.Tooltip("quality:Q", title="Качество, %"),
                     alt.Tooltip("n:Q", title="N (отметок)")],
        )
        .properties(height=300, title=alt.TitleParams(
            "Качество знаний по периодам",
            subtitle=("по параллелям; выберите параллель, чтобы сравнить классы"
                      if unit == "grade" else "")))
    )
    return chart
