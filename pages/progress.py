"""Placeholder for the progress page (another engineer replaces it using the mirador library)."""
import streamlit as st

from mirador import state
from mirador.i18n import t

lang = state.language()
st.title(t("page_progress", lang))
st.info(t("placeholder_page", lang))
