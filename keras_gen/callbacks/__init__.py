"""Callbacks: sample grids, metric evaluation, schedules, divergence guard, time limit,
progress bar."""

from keras_gen.callbacks.divergence import DivergenceGuard
from keras_gen.callbacks.kl_warmup import KLWarmup  # noqa: E402,F401
from keras_gen.callbacks.progressive import ProgressiveSchedule  # noqa: E402,F401
from keras_gen.callbacks.sample_grid import SampleGrid  # noqa: E402,F401
from keras_gen.callbacks.metric_eval import MetricEval  # noqa: E402,F401
from keras_gen.callbacks.time_limit import TimeLimit  # noqa: E402,F401
from keras_gen.progress_bar import StepProgressBar  # noqa: E402,F401
