"""Настройки: school name for files that lack it, upload limit, ВПР scales, objectivity
thresholds, database."""

import streamlit as st

from dashboard import links_view, scales_view, services, settings, thresholds_view

st.title("Настройки")
config = settings.current()
with st.form("settings"):
    school = st.text_input("Название школы по умолчанию", value=config.school,
                           help="Подставляется в файлы, где школа не указана")
    max_mb = st.number_input("Максимальный размер загружаемого файла, МБ", min_value=1,
                             max_value=200, value=config.max_mb, step=1)
    max_mcells = st.number_input(
        "Наибольшая заполненная область листа, млн ячеек", min_value=1, max_value=20,
        value=config.max_mcells, step=1,
        help="Лист с областью больше этой (например, из-за случайного значения далеко за "
             "таблицей) не загружается: он занял бы слишком много памяти сервера")
    zones = list(settings.TIME_ZONES)
    timezone = st.selectbox("Часовой пояс школы", zones, index=zones.index(config.timezone),
                            format_func=settings.TIME_ZONES.__getitem__,
                            help="Время загрузок в истории показывается по этому поясу")
    locked = services.read_only_reason() is not None
    if st.form_submit_button("Сохранить", type="primary", disabled=locked):
        settings.save(settings.Settings(school=school, max_mb=int(max_mb),
                                        max_mcells=int(max_mcells), timezone=str(timezone)))
        st.success("Настройки сохранены.")

scales_view.scales_section()
thresholds_view.thresholds_section()

st.subheader("База данных")
st.markdown(f"**Тип:** {services.database_kind()}")
st.caption("Выбирается переменной окружения DATABASE_URL; по умолчанию — файл data/vsoko.db.")
uploads, _last, results = services.data_version()
st.markdown(f"**Загрузок:** {uploads} · **строк с результатами:** {results}")

links_view.links_editor()
