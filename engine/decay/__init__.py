"""Distance decay: how much each word's input shapes every word's vector, and corpus curves of it."""
