"""The floor every figure of ``make bench`` is compared with: a minimal Streamlit app started the same way as the app.

A title (cold start: process start until it is drawn), one small Plotly chart (first view: opening the URL on a fresh
server until the chart is drawn) and one slider the chart follows (warm rerun: the slider's key press until the app
is idle again). Whatever these cost is Streamlit's and the browser's, not the app's.
"""
import plotly.graph_objects as go
import streamlit as st

st.title("Floor")
n = st.slider("Points", 3, 60, 30)
st.plotly_chart(go.Figure(go.Scatter(x=list(range(n)), y=[(i * 7) % 11 for i in range(n)], mode="markers")))
