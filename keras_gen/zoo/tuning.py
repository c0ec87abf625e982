"""Hyperparameter search per preset with keras-tuner.

Each family declares `search_space(hp) -> dict` once (constructor overrides,
plus an optional "compile" dict of compile overrides) in its `PresetSpec`.
`search_space(name)` wraps it in a `keras_tuner.HyperModel` whose `build(hp)`
returns a compiled model: keras-tuner is never handed an optimizer or loss, so
it never calls `compile(optimizer=...)` on a two-optimizer GAN.

A search kept in `directory/project_name` is resumed by default: its finished
trials stay and the search runs on until `max_trials` trials exist in all;
`overwrite=True` (`keras-gen tune --overwrite`) deletes it and starts afresh.
"""

import copy
import os

import numpy as np

from keras_gen.core import progress_bar
from keras_gen.zoo import registry

TUNERS = ("random", "bayesian", "hyperband")



def objectives():
    """`{preset name: (metric, direction)}` of every registered preset, from its spec."""
    return {spec.name: spec.tuning_objective for spec in registry.specs()}


def objective_for(name):
    """`keras_tuner.Objective` a preset's trials are compared by (its spec's `objective`)."""
    import keras_tuner as kt

    return kt.Objective(*registry.get(name).tuning_objective)


def _hypermodel_class():
    import keras_tuner as kt

    class PresetHyperModel(kt.HyperModel):
        """A preset's search space as a HyperModel: `build(hp)` -> compiled model.

        Args:
            spec: the `PresetSpec`.
            tiny: build from the tiny config (for fast tests).
            fixed: constructor overrides applied to every trial.
            metric_data: real images for GAN objectives (`kg.callbacks.MetricEval`).
        """

        def __init__(self, spec, tiny=False, fixed=None, metric_data=None, metric_samples=500):
            super().__init__(name=spec.name, tunable=True)
            if spec.search_space is None:
                raise ValueError(f"preset {spec.name!r} declares no search space.")
            self.spec, self.tiny, self.fixed = spec, tiny, dict(fixed or {})
            self.metric_data, self.metric_samples = metric_data, metric_samples

        def build(self, hp):
            overrides = dict(self.spec.search_space(hp))
            compile_overrides = overrides.pop("compile", {})
            if self.tiny:  # the tiny config's sizes win: they fit its small resolution
                overrides = {k: v for k, v in overrides.items() if k not in self.spec.tiny_config}
            model = self.spec.build(tiny=self.tiny, **{**self.fixed, **overrides})
            model.compile(**{**self.spec.compile, **compile_overrides})
            return model

        def fit(self, hp, model, *args, **kwargs):
            kwargs["callbacks"] = progress_bar.with_progress_bar(kwargs.get("callbacks"),
                                                     kwargs.get("verbose", "auto"))
            if self.spec.tuning_objective[0] == "val_fid":
                from keras_gen.metrics.metric_eval import MetricEval

                if self.metric_data is None:
                    raise ValueError("GAN tuning needs real images for the Frechet distance.")
                callbacks = list(kwargs.pop("callbacks", None) or [])
                callbacks.append(MetricEval(self.metric_data, every=1, metrics=("fid",),
                                            num_samples=self.metric_samples))
                kwargs["callbacks"] = callbacks
                kwargs.pop("validation_split", None)
            return model.fit(*args, **kwargs)

    return PresetHyperModel


def search_space(name, tiny=False, **fixed):
    """The `keras_tuner.HyperModel` of a preset (`build(hp)` returns a compiled model)."""
    return _hypermodel_class()(registry.get(name), tiny=tiny, fixed=fixed)


def _make_tuner(kind, hypermodel, objective, max_trials, epochs, directory, project_name, seed,
                overwrite):
    import keras_tuner as kt

    common = dict(hypermodel=hypermodel, objective=objective, seed=seed, directory=directory,
                  project_name=project_name, overwrite=overwrite)
    if kind == "random":
        return kt.RandomSearch(max_trials=max_trials, **common)
    if kind == "bayesian":
        return kt.BayesianOptimization(max_trials=max_trials, **common)
    tuner = kt.Hyperband(max_epochs=max(epochs, 2), factor=3, **common)
    tuner.oracle.max_trials = max_trials  # Hyperband has no own cap; honour the caller's
    return tuner


def tune(name, data, tuner="random", max_trials=10, epochs=5, **kwargs):
    """Search a preset's hyperparameters; returns `(best_model, best_hyperparameters)`.

    See `run_search` for the arguments.
    """
    _, best_model, best_hp = run_search(name, data, tuner, max_trials, epochs, **kwargs)
    return best_model, best_hp


def run_search(name, data, tuner="random", max_trials=10, epochs=5, directory=None,
         project_name=None, validation_split=0.2, validation_data=None, batch_size=None,
         tiny=False, seed=0, overwrite=False, verbose=1, callbacks=None, **fixed):
    """Search a preset's hyperparameters; returns `(tuner, best_model, best_hp)`.

    Args:
        name: preset name or alias.
        data: training images (numpy array in [0, 1], or a `tf.data.Dataset`
            when `validation_data` is given).
        tuner: "random", "bayesian" or "hyperband".
        max_trials: number of configurations to try (for Hyperband, a cap on
            its brackets' trials).
        epochs: epochs per trial (Hyperband: the most epochs of a trial).
        directory: where keras-tuner keeps trials (default `$KERAS_GEN_HOME/tuning`).
        project_name: sub-folder (default: the preset name).
        validation_split: fraction of `data` held out when it is an array and
            no `validation_data` is given.
        validation_data: held-out images; for GANs, the real images the
            Frechet distance compares with.
        tiny: search around the tiny config (for smoke tests); its own sizes
            stay fixed, the other searched values vary.
        overwrite: delete an earlier search in `directory/project_name` and
            start afresh. By default it is resumed: its trials are kept and
            only those still missing up to `max_trials` run.
        callbacks: extra Keras callbacks for every trial.
        **fixed: constructor overrides applied to every trial.

    The objective comes from the family: validation reconstruction loss
    (autoencoders), validation negative ELBO (VAEs), Frechet distance on digit
    features via `kg.callbacks.MetricEval` (GANs).
    """
    from keras_gen import zoo

    if tuner not in TUNERS:
        raise ValueError(f"tuner must be one of {TUNERS}, got {tuner!r}.")
    if not isinstance(max_trials, int) or max_trials < 1:
        raise ValueError(f"max_trials must be a positive int, got {max_trials!r}.")
    if not isinstance(epochs, int) or epochs < 1:
        raise ValueError(f"epochs must be a positive int, got {epochs!r}.")
    spec = registry.get(name)
    objective = objective_for(spec.name)
    fit_kwargs = {"epochs": epochs, "verbose": verbose,
                  "batch_size": batch_size or spec.fit.get("batch_size", 128)}
    if isinstance(data, np.ndarray) and validation_data is None:
        cut = int(round(len(data) * (1 - validation_split)))
        if cut < 1 or cut >= len(data):
            raise ValueError(f"validation_split={validation_split} leaves no training or no "
                             f"validation examples out of {len(data)}.")
        order = np.random.default_rng(seed).permutation(len(data))
        data, validation_data = data[order[:cut]], data[order[cut:]]
    if validation_data is None:
        raise ValueError("pass validation_data= when data is not a numpy array.")
    if not isinstance(data, np.ndarray):
        fit_kwargs.pop("batch_size")
    hypermodel = _hypermodel_class()(spec, tiny=tiny, fixed=fixed, metric_data=validation_data)
    directory = directory or os.path.join(zoo.home(), "tuning")
    search = _make_tuner(tuner, hypermodel, objective, max_trials, epochs, directory,
                         project_name or spec.name, seed, overwrite)
    done = len(getattr(search.oracle, "trials", ()))  # a distributed worker's oracle has none
    if done and verbose:
        print(f"Resuming the search in {search.project_dir}: {done} trial(s) done, "
              f"{max_trials} in all (overwrite=True, or `keras-gen tune --overwrite`, "
              "starts afresh).", flush=True)
    search.search(data, validation_data=validation_data, callbacks=list(callbacks or []),
                  **fit_kwargs)
    _check_some_trial_completed(search)
    best_hp = search.get_best_hyperparameters(1)[0]
    best_model = search.get_best_models(1)[0]
    best_model.compile(**{**spec.compile, **copy.deepcopy(
        dict(spec.search_space(best_hp)).get("compile", {}))})
    return search, best_model, best_hp


def _check_some_trial_completed(search):
    """Raise `ValueError` with a trial's own error when no trial of the search finished."""
    import keras_tuner as kt

    best = search.oracle.get_best_trials(1)  # completed trials first, then the others
    if best and best[0].status == kt.engine.trial.TrialStatus.COMPLETED:
        return
    detail = f" A trial's error:\n{best[0].message.strip()}" if best and best[0].message else ""
    raise ValueError(f"no trial of the search in {search.project_dir} finished.{detail}")


def summary_rows(search, top=10):
    """`[(trial_id, score, {hp: value})]` of a finished search's best trials, best first."""
    trials = search.oracle.get_best_trials(top)
    return [(t.trial_id, t.score, dict(t.hyperparameters.values)) for t in trials]
