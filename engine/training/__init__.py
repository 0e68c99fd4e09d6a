"""Training our BiLSTM and ELMo, and evaluating every encoder's sense separation."""
