"""Distance decay: how strongly each word shapes another, as a function of distance."""
import streamlit as st

from ui.common import page_setup

page_setup("Distance decay")
st.title("Distance decay")
st.info("Coming soon: how strongly each word shapes another, as a function of distance.")
