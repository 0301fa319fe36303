"""Mirador dashboard entry point: language, database, banner, share links, navigation.

Run: `.venv/bin/python -m streamlit run dashboard.py`. Pages live in `pages/`
and are listed in `mirador/navigation.py`.
"""
import streamlit as st

from mirador import components, state
from mirador.i18n import t
from mirador.navigation import PAGES

st.set_page_config(page_title="Mirador", page_icon="🔭", layout="wide")

# Sidebar order: language, tagline and data date, then "share this view". The share box
# is set up first so that every URL write of this run (language included) redraws it.
language_box, about_box = st.sidebar.container(), st.sidebar.container()
components.share_links()
lang = state.language_selector(container=language_box)
components.ensure_database()
components.print_stylesheet()

navigation = st.navigation([
    st.Page(spec.path, title=t(spec.title_key, lang), icon=spec.icon, url_path=spec.url_path,
            default=(i == 0))
    for i, spec in enumerate(PAGES)
])

about_box.caption(t("app_tagline", lang))
about_box.caption(components.data_as_of_text(lang))

components.illustrative_banner(lang)
navigation.run()
