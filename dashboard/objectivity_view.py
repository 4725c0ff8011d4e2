"""The objectivity page (METHODOLOGY §5): findings with filters and drill-down, agreement bars,
the score histogram with boundaries, term mark against own average, methodical support, and
which checks ran with the thresholds in force."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from core.exports import format_decimal
from core.objectivity import CHECK_NAMES, PARALLEL_TOTAL, Finding, Level
from core.objectivity_export import checks_csv, objectivity_csv
from core.thresholds import THRESHOLD_INFO, Thresholds
from core.vpr_analysis import work_histogram, works, written_results
from dashboard import objectivity_charts as charts
from dashboard import services
from dashboard.text import plain

__all__ = ["PRINCIPLES", "SHORT_NAMES", "agreement_tab", "checks_tab", "findings_tab", "histogram_tab",
           "support_tab", "terms_tab", "threshold_text", "year_and_subject"]

ALL = "Все"
PRINCIPLES = (
    "Каждая находка — **возможный признак**, который требует дополнительного анализа, а не "
    "вывод о нарушении. Результаты ВПР не используются для оценки работы учителей "
    "(Рособрнадзор, письмо от 18.04.2025 № 02-86): разделы об учителях — это методическая "
    "поддержка, без рейтингов и сводных баллов. При малом числе участников находка получает "
    "уровень «информация».")
SHORT_NAMES = {
    "O1": "работа ↔ журнал", "O2": "расхождение ≥ 2", "O3": "согласованность (ρ)",
    "O4": "пик у границы", "O5": "трудные лучше лёгких", "O6": "пересечение групп",
    "O7": "завышенный средний", "O8": "когорта", "O9": "ОГЭ ↔ годовая",
    "O10": "отметка ↔ средний", "O11": "методическая поддержка", "O12": "данные",
    "O13": "одинаковые ответы", "J1": "завышение качества", "J2": "скачок между четвертями",
    "J3": "доля «5»", "J4": "наполняемость журнала", "J5": "участие в ВПР"}


def year_and_subject(years: list[str], subjects: list[str], *, key: str) -> tuple[str, str | None]:
    """The year (newest by default) and subject («Все» = every subject) of the page."""
    left, right, _ = st.columns([1, 1, 2])
    year = left.selectbox("Учебный год", years, index=0, key=f"{key}_year")
    subject = right.selectbox("Предмет", [ALL, *subjects], key=f"{key}_subject")
    return str(year), None if subject == ALL else str(subject)


def _download(label: str, data: bytes, name: str, *, key: str) -> None:
    st.download_button(label, data, file_name=name, mime="text/csv", icon=":material/download:",
                       on_click="ignore", key=key)


def findings_tab(findings: tuple[Finding, ...], *, year: str) -> None:
    counts = {level: sum(f.level is level for f in findings) for level in Level}
    cols = st.columns(3)
    cols[0].metric("Высокий уровень", counts[Level.HIGH])
    cols[1].metric("Средний уровень", counts[Level.MEDIUM])
    cols[2].metric("Для сведения", counts[Level.INFO])
    if not findings:
        st.success("Возможных признаков необъективности в выбранных данных не найдено. "
                   "Какие проверки выполнены, а какие не вычисляются и почему, — на вкладке "
                   "«Проверки».")
        return
    left, middle, right = st.columns(3)
    levels = left.multiselect("Уровень", [str(lv) for lv in Level],
                              default=[str(Level.HIGH), str(Level.MEDIUM)], key="obj_levels",
                              placeholder="Выберите уровни")
    codes = sorted({f.code for f in findings}, key=lambda c: (c[0], int(c[1:])))
    chosen = middle.multiselect("Проверка", codes, key="obj_codes",
                                format_func=lambda c: f"{c}: {CHECK_NAMES[c]}",
                                placeholder="Все проверки")
    classes = sorted({f.class_label for f in findings})
    picked = right.multiselect("Класс", classes, key="obj_classes", placeholder="Все классы")
    shown = [f for f in findings if str(f.level) in levels and (not chosen or f.code in chosen)
             and (not picked or f.class_label in picked)]
    if not shown:
        st.info("Для выбранных фильтров находок нет. Добавьте уровень «информация» или другие "
                "проверки.")
        return
    # The finding's answer first (what, where, how much), context after: at 1100 px the
    # table scrolls sideways, and the columns a reader needs stay in view.
    table = pd.DataFrame({
        "Уровень": [str(f.level) for f in shown],
        "Проверка": [f"{f.code} · {SHORT_NAMES[f.code]}" for f in shown],
        "Класс": [f.class_label for f in shown], "Предмет": [f.subject for f in shown],
        "Значение": [f.value for f in shown], "n": [f.n for f in shown],
        "Порог": [f.threshold for f in shown], "Учитель": [f.teacher for f in shown],
        "Процедура": [f.procedure for f in shown], "Школа": [f.school for f in shown]})
    for column in ("Школа", "Процедура"):
        if table[column].nunique() <= 1:
            table = table.drop(columns=column)
    st.caption("Выберите строку, чтобы увидеть пояснение и учеников, стоящих за находкой. "
               "Полные названия проверок — на вкладке «Проверки».")
    colours = {str(Level.HIGH): "background-color: #f8d7d4", str(Level.MEDIUM):
               "background-color: #fdebc8", str(Level.INFO): "color: #6b6b6b"}
    styled = table.style.map(lambda v: colours.get(str(v), ""), subset=["Уровень"])
    event = st.dataframe(styled, hide_index=True, width="stretch", on_select="rerun",
                         selection_mode="single-row", key="obj_findings",
                         column_config={"n": st.column_config.NumberColumn("n", width=50)})
    rows = list(event.selection.rows) if event and event.selection else []
    if rows:
        _drill_down(shown[rows[0]])
    _download("Скачать находки (checks.csv)", checks_csv(list(findings)),
              f"Проверки_объективности_{year.replace('/', '-')}.csv", key="obj_checks_csv")


def _drill_down(f: Finding) -> None:
    with st.container(border=True):
        st.markdown(f"**{f.code}. {plain(f.name)}** — уровень «{f.level}»")
        st.markdown(plain(f"{f.class_label}, {f.subject}, {f.procedure} {f.year}"
                          + (f"; учитель: {f.teacher}" if f.teacher else "")))
        st.markdown(plain(f.explanation))
        st.markdown(plain(f"n = {f.n}; значение: {f.value}; порог: {f.threshold}"))
        if f.pupils:
            st.markdown(f"**Ученики ({len(f.pupils)})**")
            st.dataframe(pd.DataFrame({"Ученик": list(f.pupils)}), hide_index=True,
                         height=min(38 + 35 * len(f.pupils), 300))
        else:
            st.caption("Находка относится к группе в целом: отдельные ученики не выделяются.")


def agreement_tab(table: pd.DataFrame, *, year: str) -> None:
    if table.empty:
        st.info("Нет пар «отметка за работу — отметка по журналу»: загрузите протокол ВПР или "
                "контрольной работы с отметкой по журналу (отметкой за предыдущий период).")
        return
    procedures = sorted(set(table["procedure"]))
    left, _ = st.columns([1, 3])
    procedure = left.selectbox("Процедура", procedures,
                             index=procedures.index("ВПР") if "ВПР" in procedures else 0,
                             key="obj_agree_procedure")
    view = table[(table["procedure"] == procedure) & ~table["is_total"].astype(bool)]
    st.markdown("**Понизили / подтвердили / повысили** — доли учеников, у которых отметка за "
                "работу ниже, равна или выше отметки по журналу; n — число пар.")
    st.altair_chart(charts.agreement_bars(view), width="stretch")
    display = _agreement_display(table[table["procedure"] == procedure])
    st.dataframe(display, hide_index=True, width="stretch")
    _download("Скачать сравнение (objectivity.csv)", objectivity_csv(table),
              f"Объективность_{year.replace('/', '-')}.csv", key="obj_agreement_csv")


def _agreement_display(table: pd.DataFrame) -> pd.DataFrame:
    out = pd.DataFrame({
        "Класс": table["class_label"].map(lambda c: "Итого по параллели" if c == PARALLEL_TOTAL
                                          else c),
        "Предмет": table["subject"], "Учитель": table["teacher"],
        "Пар": table["pairs"].astype(int)})
    for header, column in (("Понизили, %", "lowered"), ("Подтвердили, %", "confirmed"),
                           ("Повысили, %", "raised"), ("Расхождение ≥2, %", "gap2")):
        out[header] = [format_decimal(v, 1) for v in table[column]]
    out["Спирмен ρ"] = [format_decimal(v, 2) or "—" for v in table["rho"]]
    return out


def histogram_tab(year: str, subject: str | None) -> None:
    data = services.dataset_for_year(year)
    found = [w for w in works(data.results) if subject is None or w.subject == subject]
    if not found:
        st.info("Нет первичных баллов независимых работ за этот год.")
        return
    left, right, _ = st.columns([2, 1, 1])
    work = left.selectbox("Работа", found, format_func=lambda w: w.label, key="obj_hist_work")
    written = written_results(data.results, work)
    classes = sorted(set(written["class_label"]))
    unit = right.selectbox("Класс", [ALL, *classes], key="obj_hist_class",
                        format_func=lambda c: "Все классы" if c == ALL else c)
    chosen = written if unit == ALL else written[written["class_label"] == unit]
    bins, found_bounds = work_histogram(chosen, services.all_scales())
    title = f"{work.label}" + ("" if unit == ALL else f", {unit}") + f" (n = {len(chosen)})"
    st.altair_chart(charts.score_histogram(bins, found_bounds, title=title), width="stretch")
    st.caption("Пик у минимального балла отметки при провале на соседних баллах — возможный "
               "признак «дотягивания» (ФИОКО 2026 §4). Распределение информативно от 50 "
               "участников, приблизительно — от 20.")


def terms_tab(shares: pd.DataFrame) -> None:
    if shares.empty:
        st.info("Нет отметок за период со средним баллом ученика. Загрузите «Табель "
                "успеваемости» или «Отчёт об успеваемости» из «Сетевого города».")
        return
    st.markdown("Доля отметок за период **выше** и **ниже** собственного среднего балла "
                "ученика (средневзвешенного, если он есть), округлённого по правилу половины "
                "вверх.")
    st.altair_chart(charts.term_average_bars(shares), width="stretch")


def support_tab(support: pd.DataFrame, thresholds: Thresholds) -> None:
    st.subheader("Методическая поддержка")
    st.caption("Не рейтинг и не оценка учителей: строки идут по предметам и классам. «Зона "
               "методического внимания» — «понизили» выше медианы школы по предмету на "
               f"{format_decimal(thresholds.teacher_excess, 0)} п.п. и больше; это повод "
               "обсудить критерии оценивания на ШМО.")
    if support.empty:
        st.info("Нужны пары «работа — журнал» не менее чем по "
                f"{thresholds.min_pairs} ученикам в классе и таблица нагрузки учителей.")
        return
    out = pd.DataFrame({
        "Предмет": support["subject"], "Учебный год": support["year"],
        "Класс": support["class_label"], "Учитель": support["teacher"],
        "Пар": support["pairs"].astype(int),
        "Понизили, %": [format_decimal(v, 1) for v in support["lowered"]],
        "Медиана школы, %": [format_decimal(v, 1) for v in support["median"]],
        "Зона внимания": ["да" if a else "" for a in support["attention"]]})
    st.dataframe(out, hide_index=True, width="stretch")


def checks_tab(statuses: pd.DataFrame, thresholds: Thresholds) -> None:
    st.markdown("**Какие проверки выполнены** (невыполненная проверка не означает, что признаков "
                "нет: для неё не хватает данных — см. пояснение)")
    # st.table wraps long texts instead of cutting them (reasons and sources are sentences).
    st.table(statuses.set_index("Код"))
    st.markdown("**Пороги, которые действуют сейчас** (меняются в «Настройках»)")
    values = thresholds.as_dict()
    rows = [{"Порог": info.label, "Значение": f"{threshold_text(values[key])} {info.unit}".strip(),
             "Источник": info.source} for key, info in THRESHOLD_INFO.items()]
    st.table(pd.DataFrame(rows).set_index("Порог"))


def threshold_text(value: float) -> str:
    """1.96 → «1,96»; 60.0 → «60»; 28.5 → «28,5»."""
    return format_decimal(value, 2).rstrip("0").rstrip(",")
