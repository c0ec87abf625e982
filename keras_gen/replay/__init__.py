"""keras_gen.replay: see the family issues; filled in as families land."""
