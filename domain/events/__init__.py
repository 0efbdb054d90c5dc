"""Recording events: one module per event type, `capture` runs them atomically."""
