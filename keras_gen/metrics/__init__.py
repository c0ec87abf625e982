"""keras_gen.metrics: see the family issues; filled in as families land."""
