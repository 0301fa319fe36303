"""Mirador dashboard entry point: language, database, banner, share links, navigation.

Run: `scripts/dashboard` (or `.venv/bin/python -m mirador.serve`). Pages live in
`pages/` and are listed in `mirador/navigation.py`.
"""
import streamlit as st

from mirador import components, navigation, presentation, state
from mirador.i18n import t

st.set_page_config(page_title="Mirador", page_icon="🔭", layout="wide")

# Sidebar order: language, tagline and data date, then "share this view". The share box
# is set up first so that every URL write of this run (language included) redraws it.
language_box, about_box = st.sidebar.container(), st.sidebar.container()
components.share_links()
lang = state.language_selector(container=language_box)
components.ensure_database()
components.print_stylesheet()
components.preload_element_code()
presentation.apply()

page = navigation.build(lang)
# Before the page draws anything: a page reached from another starts from its own defaults.
state.begin_page(page.url_path)

about_box.caption(t("app_tagline", lang))
about_box.caption(components.data_as_of_text(lang))


def add_view_to_deck() -> None:
    presentation.add_current_view()
    st.toast(t("deck_added", lang, n=len(presentation.session_deck())), icon="🎞️")


# Views worth projecting only: not the forwarding page, the deck itself or the staff page.
if page.url_path not in ("", presentation.DECK_URL_PATH, navigation.STAFF_PAGE.url_path):
    st.sidebar.button("🎞️ " + t("deck_add_view", lang), on_click=add_view_to_deck, key="deck_add_view")

components.warm_up_widget_kinds()
components.illustrative_banner(lang)
page.run()
