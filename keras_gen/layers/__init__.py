"""keras_gen.layers: see the family issues; filled in as families land."""
