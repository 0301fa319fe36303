"""autonomy page (in progress)."""
import streamlit as st

from mirador import state
from mirador.i18n import t

lang = state.language()
st.title(t("page_autonomy", lang))
st.info(t("placeholder_page", lang))
