"""Word in context: UMAP projections of one word across many sentences, encoder by encoder and layer by layer."""
import streamlit as st

from ui.common import page_setup

page_setup("Word in context")
st.title("Word in context")
st.info("Coming soon: UMAP projections of one word across many sentences, encoder by encoder and layer by layer.")
