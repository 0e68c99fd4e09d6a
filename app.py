"""Streamlit entry point: the navigation between the home page and the three views."""
import streamlit as st

from ui.common import refresh_encoder_status
from ui.navigation import PAGES
from ui.warmup import page_finished

# The sidebar draws its own links (ui.common.render_sidebar): Streamlit's own menu, opened at a page's URL, listed the
# entry script as "app" (it also scans pages/).
try:
    st.navigation(PAGES, position="hidden").run()
    refresh_encoder_status()  # the page may have loaded models since the sidebar was drawn (not after st.stop())
finally:
    page_finished()  # the background model loading starts once the first page has been sent
