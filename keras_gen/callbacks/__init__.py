"""keras_gen.callbacks: see the family issues; filled in as families land."""
