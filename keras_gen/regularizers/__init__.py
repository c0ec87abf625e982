"""keras_gen.regularizers: see the family issues; filled in as families land."""
