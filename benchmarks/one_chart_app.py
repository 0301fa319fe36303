"""The floor for page rendering: a bare Streamlit app of two pages, one plotly chart each.

Measured beside the dashboard in benchmarks/page_benchmark.py: a cold load of the
first page, and a switch to the second through the sidebar navigation.
"""
import plotly.graph_objects as go
import streamlit as st


def one_chart(title: str) -> None:
    st.title(title)
    st.plotly_chart(go.Figure(go.Bar(x=list("ABCDEFGHI"), y=[3, 1, 4, 1, 5, 9, 2, 6, 5])))


st.navigation([
    st.Page(lambda: one_chart("First"), title="First", url_path="first", default=True),
    st.Page(lambda: one_chart("Second"), title="Second", url_path="second"),
]).run()
