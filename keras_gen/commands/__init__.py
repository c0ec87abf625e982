"""Verbs of the `keras-gen` command line, one module each (see `keras_gen.cli`)."""
