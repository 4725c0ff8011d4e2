"""The upload journey: read files → review (layout, scope, problems, preview, missing
metadata) → save each file atomically → history with delete."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import replace
from typing import Any

import pandas as pd
import streamlit as st

from core.intake import IntakeStatus
from core.model import Metadata, ParsedFile
from core.names import canonical_period, canonical_subject, canonical_year, grade_of, period_order
from core.problems import Problem, Severity
from core.readers.filename import propose_metadata
from core.scales import Scale, vpr_academic_year
from core.template import reference_template_xlsx, template_xlsx
from dashboard import ingest, mapping_view, services
from dashboard.messages import save_message
from dashboard.text import plain

__all__ = ["history", "review_and_save", "template_download"]

_CONFLICTS = "upload_conflicts"
_MISSING_LABELS = {"school": "школа (поле «Школа» над списком файлов или в настройках)",
                   "year": "учебный год", "subject": "предмет", "grade": "параллель (класс)",
                   "period": "период"}
_PREVIEW_COLUMNS = {
    "school": "Школа", "year": "Учебный год", "procedure": "Процедура", "period": "Период",
    "date": "Дата", "class_label": "Класс", "pupil": "ФИО или код", "subject": "Предмет",
    "teacher": "Учитель", "mark": "Отметка", "primary_score": "Первичный балл",
    "max_score": "Макс. балл", "journal_mark": "Отметка по журналу",
}


def template_download() -> None:
    st.download_button(
        "Скачать шаблон (XLSX)", template_xlsx(), file_name="Шаблон_ВСОКО.xlsx",
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        icon=":material/description:", on_click="ignore",
        help="Лист «Данные» с примерами строк, лист «Справочник» с допустимыми значениями")
    st.download_button(
        "Скачать шаблон справочных данных (XLSX)", reference_template_xlsx(),
        file_name="Шаблон_справочные_данные.xlsx",
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        icon=":material/description:", on_click="ignore",
        help="Показатели работы по РФ, региону и муниципалитету (ФИС ОКО «Аналитика»): по "
             "строке на уровень; с ними проверки сравнивают школу с регионом")


def problems_frame(problems: tuple[Problem, ...]) -> pd.DataFrame:
    return pd.DataFrame(
        [{"Уровень": p.severity.value, "Лист": p.sheet,
          "Строка": "" if p.row is None else str(p.row), "Столбец": p.column,
          "Значение": p.value, "Сообщение": p.message} for p in problems],
        columns=["Уровень", "Лист", "Строка", "Столбец", "Значение", "Сообщение"])


def scope_frame(parsed: ParsedFile) -> pd.DataFrame:
    r = parsed.results
    rows = []
    if not r.empty:
        def joined(values: pd.Series, key: Callable[[str], Any] | None = None) -> str:
            items = sorted({str(v) for v in values if str(v)}, key=key)
            return ", ".join(items) if items else "— не указано —"

        rows += [
            ("Школа", joined(r["school"])), ("Учебный год", joined(r["year"])),
            ("Процедура", joined(r["procedure"])), ("Период", joined(r["period"], period_order)),
            ("Классы", joined(r["class_label"], lambda c: (grade_of(c) or 0, c))),
            ("Предметы", joined(r["subject"])),
            ("Строк с результатами", str(len(r))), ("Обучающихся", str(r["pupil"].nunique())),
        ]
    for label, frame in (("Баллов за задания", parsed.tasks), ("Записей журнала", parsed.lessons),
                         ("Строк нагрузки", parsed.teacher_load),
                         ("Записей о выпускниках", parsed.destinations)):
        if not frame.empty:
            rows.append((label, str(len(frame))))
    rows += catalog_scope(parsed.task_catalog)
    rows += reference_scope(parsed.reference)
    return pd.DataFrame(rows, columns=["Что", "Значение"])


def reference_scope(reference: pd.DataFrame) -> list[tuple[str, str]]:
    """What reference rows hold: their works and levels."""
    if reference.empty:
        return []
    works = sorted({f"{r['procedure']} {r['year'] or '— год не указан —'}, "
                    f"{r['subject'] or '— предмет не указан —'}"
                    + ("" if pd.isna(r["grade"]) else f", {int(r['grade'])} класс")
                    for r in reference.to_dict("records")})
    with_tasks = int((reference["tasks"] != "").sum())
    return [("Справочные данные", "; ".join(works)),
            ("Уровни", ", ".join(lv for lv in ("РФ", "регион", "муниципалитет")
                                 if lv in set(reference["level"]))),
            ("Справочных строк", str(len(reference))),
            ("Строк с выполнением заданий", str(with_tasks))]


def catalog_scope(catalog: pd.DataFrame) -> list[tuple[str, str]]:
    """What a work description holds: its work, tasks by level, the maximum, codes."""
    if catalog.empty:
        return []
    first = catalog.iloc[0]
    grade = "" if pd.isna(first["grade"]) else f", {int(first['grade'])} класс"
    work = f"ВПР {first['year'] or '— год не указан —'}, {first['subject'] or '— предмет не указан —'}"
    tasks = catalog[catalog["part"] == "tasks"]
    rows = [("Описание работы", work + grade)]
    if not tasks.empty:
        levels = tasks["level"].value_counts()
        rows += [("Заданий", str(len(tasks))),
                 ("Уровни", ", ".join(f"{lv}: {levels[lv]}" for lv in ("Б", "П", "В")
                                      if lv in levels) or "не указаны"),
                 ("Сумма максимальных баллов", f"{tasks['max_score'].sum():g}"),
                 ("Заданий с кодами КЭС / КТ", f"{(tasks['kes'] != '').sum()} / "
                                               f"{(tasks['kt'] != '').sum()}")]
    for part, label in (("kt", "Кодов КТ в справочнике"), ("ks", "Кодов КЭС в справочнике")):
        if (catalog["part"] == part).any():
            rows.append((label, str(int((catalog["part"] == part).sum()))))
    return rows


@st.cache_data(show_spinner=False, max_entries=32)
def _parse(data: bytes, name: str, metadata: Metadata, max_bytes: int,
           max_cells: int, scales: tuple[Scale, ...] = ()) -> ingest.FileReport:
    return ingest.parse_upload(data, name, metadata, max_bytes=max_bytes, max_cells=max_cells,
                               scales=scales)


def _is_vpr(report: ingest.FileReport) -> bool:
    """ВПР results, a ВПР work description or reference rows: the year may be given as the
    ВПР's («2022»)."""
    if report.parsed is None:
        return False
    results = report.parsed.results
    if results.empty:
        return not (report.parsed.task_catalog.empty and report.parsed.reference.empty)
    return bool((results["procedure"] == "ВПР").all())


def _metadata_inputs(key: str, report: ingest.FileReport, base: Metadata,
                     proposal: Metadata) -> Metadata:
    """Inputs for what the file lacks, prefilled from the proposal made from the file name."""
    assert report.parsed is not None
    missing = report.missing
    if not missing:
        return base
    proposed = any((proposal.year, proposal.subject, proposal.grade))
    st.warning("В файле не хватает сведений — проверьте и укажите их"
               + (" (предложено по имени файла):" if proposed else ":"))
    cols = st.columns(4)
    meta = base
    if "year" in missing:
        vpr = _is_vpr(report)
        year = cols[0].text_input(
            "Учебный год", value=proposal.year, key=f"{key}_year",
            placeholder="2021/2022 или 2022" if vpr else "2024/2025",
            help="Для ВПР можно указать год проведения: 2022 — это 2021/2022 учебный год"
            if vpr else None)
        meta = replace(meta, year=(vpr_academic_year(year) if vpr else canonical_year(year))
                       or "")
        if year and not meta.year:
            cols[0].error("Учебный год вида 2021/2022" + (" или год ВПР: 2022" if vpr else ""))
        elif vpr and meta.year and meta.year != year.strip():
            cols[0].caption(f"Принято как {meta.year} учебный год")
    if "subject" in missing:
        subject = cols[1].text_input("Предмет", value=proposal.subject, key=f"{key}_subject")
        meta = replace(meta, subject=canonical_subject(subject)[0] if subject else "")
    if "grade" in missing:
        grade = cols[2].number_input("Параллель (класс)", min_value=1, max_value=11,
                                     value=proposal.grade, key=f"{key}_grade", step=1)
        meta = replace(meta, grade=int(grade) if grade else None)
    if "period" in missing:
        period = cols[3].text_input("Период", value=proposal.period, key=f"{key}_period",
                                    placeholder="1 четверть")
        meta = replace(meta, period=canonical_period(period) or "")
        if period and not meta.period:
            cols[3].error("Период вида «1 четверть», «2 полугодие», «год»")
    return meta


def review_and_save(files: list[st.runtime.uploaded_file_manager.UploadedFile],
                    *, school: str, max_bytes: int, max_cells: int,
                    uploaded_by: str = "") -> None:
    """Per file: parse with a status, show the review; then save what can be saved."""
    reports: list[tuple[str, ingest.FileReport]] = []
    scales = services.user_scales()
    bar = st.progress(0.0, text="Читаю файлы…")
    for i, file in enumerate(files):
        data = file.getvalue()
        key = "up_" + hashlib.sha256(data).hexdigest()[:16]
        base = Metadata(school=school)
        report = _parse(data, file.name, base, max_bytes, max_cells, scales)
        bar.progress((i + 1) / len(files), text=f"Прочитано файлов: {i + 1} из {len(files)}")
        with st.expander(_title(report), expanded=True):
            if report.parsed is None and report.unknown_layout:
                report = mapping_view.mapped_report(key, data, report, base)
            if report.parsed is None:
                if not report.unknown_layout:
                    st.error(plain(report.error))
                reports.append((key, report))
                continue
            meta = _metadata_inputs(key, report, base, propose_metadata(file.name))
            if meta != base:
                report = _parse(data, file.name, meta, max_bytes, max_cells, scales)
            if report.missing:
                st.error("Файл не будет сохранён, пока не указаны: "
                         + ", ".join(_MISSING_LABELS[f] for f in report.missing) + ".")
            _show(report)
        reports.append((key, report))
    bar.empty()
    ready = [(k, r) for k, r in reports if r.can_save]
    blocked = len(reports) - len(ready)
    if blocked:
        st.warning(f"Файлов с ошибками или без нужных сведений: {blocked}. Они не будут "
                   f"сохранены, пока ошибки не исправлены; остальные файлы можно сохранить.")
    # A database opened for viewing only: the reason is shown at the top of every page.
    locked = services.read_only_reason() is not None
    if st.button(f"Сохранить файлы ({len(ready)})", type="primary", disabled=not ready or locked):
        _save(ready, replace=False, uploaded_by=uploaded_by)
    pending = [(k, r) for k, r in ready if k in st.session_state.get(_CONFLICTS, set())]
    if pending:
        st.warning("Данные за те же классы, предметы и периоды уже есть в базе. Если это "
                   "исправленные файлы, замените ими прежние строки (остальные загрузки не "
                   "изменятся).")
        if st.button(f"Заменить прежние данные ({len(pending)})", key="upload_replace",
                     disabled=locked):
            _save(pending, replace=True, uploaded_by=uploaded_by)


def _title(report: ingest.FileReport) -> str:
    name = plain(report.file_name)
    if report.parsed is None:
        if report.unknown_layout:
            return f":material/help: {name} — макет не распознан, сопоставьте столбцы"
        return f":material/error: {name} — не прочитан"
    icon = ":material/error:" if report.errors or report.missing else ":material/check_circle:"
    return f"{icon} {name} — {report.parsed.layout_title}"


def _show(report: ingest.FileReport) -> None:
    parsed = report.parsed
    assert parsed is not None
    left, right = st.columns([1, 2])
    with left:
        st.markdown(f"**Формат:** {parsed.layout_title}")
        st.dataframe(scope_frame(parsed), hide_index=True, width="stretch")
    with right:
        if parsed.problems:
            errors = sum(p.severity is Severity.ERROR for p in parsed.problems)
            st.markdown(f"**Замечания:** ошибок {errors}, предупреждений "
                        f"{len(parsed.problems) - errors}")
            st.dataframe(problems_frame(parsed.problems), hide_index=True, width="stretch",
                         height=min(36 * (len(parsed.problems) + 1), 300))
        else:
            st.success("Ошибок не найдено.")
    if not parsed.results.empty:
        st.markdown("**Первые строки:**")
        preview = (parsed.results[list(_PREVIEW_COLUMNS)].head(20).astype(object)
                   .where(lambda f: f.notna(), "").rename(columns=_PREVIEW_COLUMNS))
        st.dataframe(preview, hide_index=True, width="stretch")


def _save(ready: list[tuple[str, ingest.FileReport]], *, replace: bool,
          uploaded_by: str) -> None:
    """Save each file in its own transaction; remember conflicts for the replace button."""
    conflicts: set[str] = set(st.session_state.get(_CONFLICTS, set()))
    clock = services.school_clock()
    bar = st.progress(0.0, text="Сохраняю…")
    show = {"success": st.success, "info": st.info, "warning": st.warning, "error": st.error}
    for i, (key, report) in enumerate(ready):
        assert report.parsed is not None
        outcome = services.save_file(report.parsed, replace=replace, uploaded_by=uploaded_by)
        bar.progress((i + 1) / len(ready), text=f"Сохранено файлов: {i + 1} из {len(ready)}")
        conflicts.discard(key)
        if outcome.status is IntakeStatus.CONFLICT:
            conflicts.add(key)
        level, text = save_message(outcome, clock)
        show[level](plain(text))
    st.session_state[_CONFLICTS] = conflicts


def history() -> None:
    """Every upload with who/when/what, and deletion of one upload with all its rows."""
    uploads = services.uploads()
    if uploads.empty:
        st.caption("Загрузок пока не было.")
        return
    clock = services.school_clock()
    view = pd.DataFrame({
        "№": uploads["id"], "Файл": uploads["file_name"],
        "Когда": uploads["uploaded_at"].map(lambda t: f"{clock(t):%d.%m.%Y %H:%M}"),
        "Кто": uploads["uploaded_by"], "Формат": uploads["layout_title"],
        "Статус": uploads["status"], "Строк": uploads["results"] + uploads["lessons"]
        + uploads["teacher_load"] + uploads["destinations"] + uploads["task_catalog"]
        + uploads["reference"],
        "Охват": uploads["scope"].map(
            lambda sc: "; ".join(f"{k}: {', '.join(v)}" for k, v in sc.items() if v)),
    })
    st.dataframe(view, hide_index=True, width="stretch")
    flash = st.session_state.pop("upload_deleted", None)
    if flash:
        st.success(flash)
    with st.form("delete_upload", clear_on_submit=True):
        choice = st.selectbox("Удалить загрузку со всеми её строками", view["№"].tolist(),
                              format_func=lambda i: f"№ {i}: " + str(
                                  view.loc[view["№"] == i, "Файл"].iloc[0]))
        sure = st.checkbox("Да, удалить выбранную загрузку")
        if st.form_submit_button("Удалить", disabled=services.read_only_reason() is not None):
            if not sure:
                st.warning("Подтвердите удаление галочкой.")
            else:
                services.delete_upload(int(choice))
                st.session_state["upload_deleted"] = f"Загрузка № {choice} удалена со всеми её строками."
                st.rerun()
