"""The floor for page rendering: a bare Streamlit page with a title and one plotly chart."""
import plotly.graph_objects as go
import streamlit as st

st.title("One chart")
st.plotly_chart(go.Figure(go.Bar(x=list("ABCDEFGHI"), y=[3, 1, 4, 1, 5, 9, 2, 6, 5])))
