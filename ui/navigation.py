"""The app's pages, in menu order: the router in ``app.py`` and the sidebar links share this one list.

Paths are absolute so that a page run on its own (``streamlit.testing`` runs a page file as the main script)
still finds the others.
"""
from pathlib import Path

import streamlit as st

ROOT = Path(__file__).resolve().parent.parent

PAGES = [
    st.Page(ROOT / "ui" / "home.py", title="Home", url_path="home", default=True),
    st.Page(ROOT / "pages" / "0_Tour.py", title="Guided tour", url_path="Tour"),
    st.Page(ROOT / "pages" / "1_Word_in_context.py", title="Word in context", url_path="Word_in_context"),
    st.Page(ROOT / "pages" / "2_Distance_decay.py", title="Distance decay", url_path="Distance_decay"),
    st.Page(ROOT / "pages" / "3_Attention_heads.py", title="Attention heads", url_path="Attention_heads"),
    st.Page(ROOT / "pages" / "4_Inputs.py", title="Inputs", url_path="Inputs"),
]
