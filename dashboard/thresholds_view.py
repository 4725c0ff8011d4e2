"""Settings section «Пороги проверок объективности»: every threshold of core.thresholds with its
source, editable; the defaults are one click away."""

from __future__ import annotations

import streamlit as st

from core.thresholds import THRESHOLD_INFO, Thresholds
from dashboard import services
from dashboard.objectivity_view import threshold_text

__all__ = ["inconsistent", "thresholds_section"]

# (lower, upper): the first must not exceed the second.
_ORDERED = (("lowered_medium", "lowered_high"), ("basic_insufficient", "basic_mastered"),
            ("advanced_insufficient", "advanced_mastered"), ("peak_min_n", "peak_informative_n"))


def inconsistent(values: dict[str, float]) -> list[str]:
    """Russian reasons why a set of thresholds contradicts itself (empty when it does not)."""
    problems = []
    for lower, upper in _ORDERED:
        if values[lower] > values[upper]:
            problems.append(f"«{THRESHOLD_INFO[lower].label}» больше, чем "
                            f"«{THRESHOLD_INFO[upper].label}»")
    return problems


def thresholds_section() -> None:
    st.subheader("Пороги проверок объективности")
    st.caption("Значения по умолчанию взяты из методики (METHODOLOGY §4.4, §5.5): у каждого "
               "порога указан источник. Изменённые пороги действуют на страницах "
               "«Объективность» и «Анализ ВПР» и в выгрузках.")
    current = services.thresholds()
    defaults = Thresholds()
    with st.form("thresholds"):
        values: dict[str, float] = {}
        for key, info in THRESHOLD_INFO.items():
            value = getattr(current, key)
            default = getattr(defaults, key)
            integer = isinstance(default, int)
            unit = f", {info.unit}" if info.unit else ""
            small = not integer and default < 1  # ρ 0,3 and the probability 0,01
            values[key] = st.number_input(
                f"{info.label}{unit}", value=value, min_value=0 if integer else 0.0,
                max_value=None if integer or not small else 1.0,
                step=1 if integer else (0.01 if small else 0.5),
                format=None if integer else ("%.3f" if small else "%.1f"),
                help=f"Источник: {info.source}. По умолчанию: {threshold_text(default)}.",
                key=f"threshold_{key}")
        save, reset = st.columns([1, 3])
        saved = save.form_submit_button("Сохранить пороги", type="primary")
        restored = reset.form_submit_button("Вернуть значения по умолчанию")
    if saved:
        problems = inconsistent(values)
        if problems:
            st.error("Пороги не сохранены: " + "; ".join(problems) + ".")
            return
        changed = {k: v for k, v in values.items() if v != getattr(defaults, k)}
        services.save_thresholds(changed)
        st.success(f"Пороги сохранены: изменено {len(changed)} из {len(THRESHOLD_INFO)}.")
    if restored:
        services.save_thresholds({})
        for key in THRESHOLD_INFO:
            st.session_state.pop(f"threshold_{key}", None)
        st.success("Восстановлены пороги по умолчанию.")
        st.rerun()
