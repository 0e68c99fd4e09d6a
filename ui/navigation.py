"""The app's pages, in menu order: the router in ``app.py`` and the sidebar links share this one list.

Paths are absolute so that a page run on its own (``streamlit.testing`` runs a page file as the main script)
still finds the others.
"""
from pathlib import Path

import streamlit as st
from streamlit.navigation.page import StreamlitPage

ROOT = Path(__file__).resolve().parent.parent

PAGE_FILES = [  # (file, title, URL path)
    (ROOT / "ui" / "home.py", "Home", "home"),
    (ROOT / "pages" / "0_Tour.py", "Guided tour", "Tour"),
    (ROOT / "pages" / "1_Word_in_context.py", "Word in context", "Word_in_context"),
    (ROOT / "pages" / "2_Distance_decay.py", "Distance decay", "Distance_decay"),
    (ROOT / "pages" / "3_Attention_heads.py", "Attention heads", "Attention_heads"),
    (ROOT / "pages" / "4_Inputs.py", "Inputs", "Inputs"),
]


def pages() -> list[StreamlitPage]:
    """New page objects for this script run, the first the default.

    ``st.navigation`` marks on the page object itself that this run may call it, and the call clears the mark: objects
    shared by every session raced when two sessions opened the same page at once (the load test's 20 sessions), and
    one of them got "This page cannot be called directly" in place of the page.
    """
    return [st.Page(path, title=title, url_path=url_path, default=index == 0)
            for index, (path, title, url_path) in enumerate(PAGE_FILES)]
