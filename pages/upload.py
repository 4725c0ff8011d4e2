"""Загрузка данных: template, upload with review, history."""

import streamlit as st

from dashboard import settings, upload_view

st.title("Загрузка данных")
st.markdown(
    "Загрузите файлы, которые у вас уже есть: выгрузки «Сетевого города», протоколы и отчёты "
    "ФИС ОКО (ВПР), описания работ ВПР (уровни заданий, КЭС/КТ, максимальные баллы), протоколы "
    "ОГЭ/ЕГЭ, ведомости итоговых отметок, таблицу нагрузки учителей — или заполните шаблон. "
    "Формат определяется по содержимому файла.")
upload_view.template_download()

config = settings.current()
left, right = st.columns(2)
school = left.text_input("Школа (если в файле не указана)", value=config.school,
                         key="upload_school", help="По умолчанию — из настроек")
who = right.text_input("Кто загружает", key="uploaded_by", placeholder="Фамилия И.О.",
                       help="Имя попадёт в историю загрузок")
# Any file is accepted: every refusal is then ours, in Russian and naming the file (Streamlit's
# own type check would answer in English).
files = st.file_uploader("Файлы (.xlsx, .xlsm, .xls, .ods, .csv)", accept_multiple_files=True,
                         key="upload_files")
if files:
    upload_view.review_and_save(files, school=school.strip(), max_bytes=config.max_bytes,
                                max_cells=config.max_cells,
                                uploaded_by=who.strip())

st.subheader("История загрузок")
upload_view.history()
