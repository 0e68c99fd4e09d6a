"""Streamlit entry point: the navigation between the home page and the three views."""
import streamlit as st

PAGES = [
    st.Page("ui/home.py", title="Home", icon=":material/home:", url_path="home", default=True),
    st.Page("pages/1_Word_in_context.py", title="Word in context", icon=":material/scatter_plot:", url_path="Word_in_context"),
    st.Page("pages/2_Distance_decay.py", title="Distance decay", icon=":material/trending_down:", url_path="Distance_decay"),
    st.Page("pages/3_Attention_heads.py", title="Attention heads", icon=":material/grid_view:", url_path="Attention_heads"),
]

st.navigation(PAGES).run()
