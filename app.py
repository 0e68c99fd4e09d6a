"""Streamlit entry point: the navigation between the home page and the three views."""
import streamlit as st

from ui.navigation import PAGES

# The sidebar draws its own links (ui.common.render_sidebar): Streamlit's own menu, opened at a page's URL, listed the
# entry script as "app" (it also scans pages/).
st.navigation(PAGES, position="hidden").run()
