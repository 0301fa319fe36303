"""Mirador dashboard entry point (placeholder until the dashboard issue lands)."""
import streamlit as st

st.set_page_config(page_title="Mirador", page_icon="🔭", layout="wide")
st.title("Mirador")
