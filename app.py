"""Streamlit entry point: the navigation between the home page and the three views."""
import streamlit as st

from ui.common import render_encoder_status
from ui.navigation import PAGES
from ui.warmup import page_finished

# The sidebar draws its own links (ui.common.render_sidebar): Streamlit's own menu, opened at a page's URL, listed the
# entry script as "app" (it also scans pages/).
try:
    st.navigation(PAGES, position="hidden").run()
finally:
    render_encoder_status()  # after the page: the encoders it has just loaded show as ready
    page_finished()  # the background model loading starts once the first page has been sent
