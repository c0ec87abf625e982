"""keras_gen.export: see the family issues; filled in as families land."""
