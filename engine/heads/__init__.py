"""Attention heads: gold-data probes, the labels of every head, and what a head does in a sentence."""
