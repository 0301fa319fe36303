"""Mirador dashboard entry point: language, database, banner, navigation.

Run: `.venv/bin/python -m streamlit run dashboard.py`. Pages live in `pages/`
and are listed in `mirador/navigation.py`.
"""
import streamlit as st

from mirador import components, state
from mirador.i18n import t
from mirador.navigation import PAGES

st.set_page_config(page_title="Mirador", page_icon="🔭", layout="wide")

lang = state.language_selector()
components.ensure_database()

navigation = st.navigation([
    st.Page(spec.path, title=t(spec.title_key, lang), icon=spec.icon, url_path=spec.url_path,
            default=(i == 0))
    for i, spec in enumerate(PAGES)
])

with st.sidebar:
    st.caption(t("app_tagline", lang))
    st.caption(components.data_as_of_text(lang))

components.illustrative_banner(lang)
navigation.run()
