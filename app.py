"""Streamlit entry point: the navigation between the home page and the three views."""
import streamlit as st

from ui.navigation import pages

# The sidebar draws its own links (ui.sidebar.render_sidebar): Streamlit's own menu, opened at a page's URL, listed the
# entry script as "app" (it also scans pages/).
# The engine is imported after the page has drawn its heading (ui.page_setup), so these come after the page too.
try:
    st.navigation(pages(), position="hidden").run()
    from ui.sidebar import refresh_encoder_status

    refresh_encoder_status()  # the page may have loaded models since the sidebar was drawn (not after st.stop())
finally:
    from ui.warmup import page_finished

    page_finished()  # the background model loading starts once the first page has been sent
