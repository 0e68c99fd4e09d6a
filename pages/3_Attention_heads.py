"""Attention heads: every BERT head, labelled by function from measured evidence."""
import streamlit as st

from ui.common import page_setup

page_setup("Attention heads")
st.title("Attention heads")
st.info("Coming soon: every BERT head, labelled by function from measured evidence.")
