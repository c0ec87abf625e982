"""keras_gen.noise: see the family issues; filled in as families land."""
