"""Callbacks: sample grids, metric evaluation, schedules, divergence guard, image and time
budgets, progress bar."""

from keras_gen.callbacks.divergence import DivergenceGuard
from keras_gen.callbacks.sample_grid import SampleGrid
from keras_gen.core.image_budget import ImageBudget
from keras_gen.core.progress_bar import StepProgressBar
from keras_gen.core.time_limit import TimeLimit
from keras_gen.metrics.metric_eval import MetricEval
from keras_gen.models.progressive.schedule_callback import ProgressiveSchedule
from keras_gen.models.vae.kl_warmup import KLWarmup

__all__ = ["DivergenceGuard", "ImageBudget", "KLWarmup", "MetricEval", "ProgressiveSchedule",
           "SampleGrid", "StepProgressBar", "TimeLimit"]
