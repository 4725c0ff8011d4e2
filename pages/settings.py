"""Настройки: school name for files that lack it, upload limit, database."""

import streamlit as st

from dashboard import services, settings

st.title("Настройки")
config = settings.current()
with st.form("settings"):
    school = st.text_input("Название школы по умолчанию", value=config.school,
                           help="Подставляется в файлы, где школа не указана")
    max_mb = st.number_input("Максимальный размер загружаемого файла, МБ", min_value=1,
                             max_value=200, value=config.max_mb, step=1)
    if st.form_submit_button("Сохранить", type="primary"):
        settings.save(settings.Settings(school=school, max_mb=int(max_mb)))
        st.success("Настройки сохранены.")

st.subheader("База данных")
st.markdown(f"**Тип:** {services.database_kind()}")
st.caption("Выбирается переменной окружения DATABASE_URL; по умолчанию — файл data/vsoko.db.")
uploads, _last, results = services.data_version()
st.markdown(f"**Загрузок:** {uploads} · **строк с результатами:** {results}")
