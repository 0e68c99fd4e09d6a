"""Streamlit entry point: the navigation between the home page and the three views."""
import streamlit as st

PAGES = [
    st.Page("ui/home.py", title="Home", url_path="home", default=True),
    st.Page("pages/1_Word_in_context.py", title="Word in context", url_path="Word_in_context"),
    st.Page("pages/2_Distance_decay.py", title="Distance decay", url_path="Distance_decay"),
    st.Page("pages/3_Attention_heads.py", title="Attention heads", url_path="Attention_heads"),
]

st.navigation(PAGES).run()
