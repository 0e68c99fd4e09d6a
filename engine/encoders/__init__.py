"""The encoders: the interface, the registry, and one module per model."""
