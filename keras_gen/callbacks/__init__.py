"""Callbacks: sample grids, metric evaluation, schedules, divergence guard."""

from keras_gen.callbacks.divergence import DivergenceGuard
from keras_gen.callbacks.kl_warmup import KLWarmup  # noqa: E402,F401
