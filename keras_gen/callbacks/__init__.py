"""Callbacks: sample grids, metric evaluation, schedules, divergence guard."""

from keras_gen.callbacks.divergence import DivergenceGuard
