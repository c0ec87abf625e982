"""Plumbing shared by every keras_gen model: seeds, loss trackers, data checks.

`GenerativeModel` is the root of all families. `ReconstructionModel` adds the
encoder/decoder contract and a `train_step` that minimises per-example losses
returned by `compute_losses`; the autoencoders and the VAE only override that.
"""

import functools
import inspect
import warnings

import keras
import numpy as np
from keras import ops

from keras_gen import losses
from keras_gen.core import autodiff, integrity, progress_bar, safe_io, validation
from keras_gen.data import checks, fit_input


class ReplicaSeedGenerator(keras.random.SeedGenerator):
    """A `SeedGenerator` whose draws differ between `tf.distribute` replicas.

    Under MirroredStrategy the generator's state is one mirrored variable, so
    every replica would draw the same latents, noise and samples (half the
    diversity per step on two replicas). The replica index is folded into each
    seed; on one device (replica 0) the draws are exactly those of a plain
    `keras.random.SeedGenerator` with the same seed.
    """

    REPLICA_STRIDE = 1_000_003

    def next(self, ordered=True):
        seed = super().next(ordered=ordered)
        offset = ops.cast(autodiff.replica_id(), seed.dtype) * self.REPLICA_STRIDE
        return seed + ops.stack([offset, ops.zeros_like(offset)])


def _stateless_on_jax(step, with_optimizer):
    """`step(self, data)` that also runs as the JAX trainer's `step(self, state, data)`.

    A family writes one stateful `train_step(data)` / `test_step(data)` for
    every backend; Keras' JAX trainer calls it with the variables' values
    first and wants `(logs, new_state)`, which `autodiff_jax.stateless_step`
    provides. Other backends call it with `data` alone, unchanged.
    """

    @functools.wraps(step)
    def run(self, *args):
        if len(args) == 1:
            return step(self, *args)
        from keras_gen.core import autodiff_jax

        state, data = args
        return autodiff_jax.stateless_step(self, step, state, data, with_optimizer)

    return run


class GenerativeModel(keras.Model):
    """Base of all keras_gen models.

    Owns one `keras.random.SeedGenerator` (every random draw in a train step
    comes from it, so a seed reproduces training), a dict of `keras.metrics.Mean`
    loss trackers exposed through `metrics` (so Keras resets them each epoch),
    and input checks that run before `fit`, `evaluate` and `predict` start.

    Args:
        seed: int or None. Seed of the model's random draws.
    """

    # `load_weights` below checks a `.weights.h5` file before Keras reads it.
    CHECKS_WEIGHTS_FILE = True

    # `(metric, direction)` that `kg.zoo.tune` compares trials by: a metric `fit`
    # logs on validation data. A preset's `PresetSpec.objective` overrides it.
    TUNING_OBJECTIVE = ("val_loss", "min")

    # The Keras backends this family runs on (see `keras_gen.core.backend`); made
    # on another, it says so instead of failing inside JAX.
    TRAINS_ON = ("tensorflow", "jax")

    # Keras compile arguments a family uses unless given (see `keras_compile_arguments`).
    compile_defaults = {}

    @classmethod
    def with_compile_defaults(cls, kwargs):
        """`kwargs` over the family's `compile_defaults` (one device; no model needed)."""
        return {**cls.compile_defaults, **kwargs}

    def keras_compile_arguments(self, kwargs):
        """Keras' own `compile` arguments: `kwargs` over `compile_defaults`.

        Two speed settings that pay on one CPU device fail under a strategy
        with more than one replica in Keras 3.15 / TensorFlow 2.21, for any
        model (a plain `keras.Sequential` too): several steps per execution
        ("You must feed a value for placeholder tensor" in the multi-step
        loop) and XLA (`jit_compile=True`, "Graph execution error"). Neither
        changes what a step computes, so under such a strategy they fall back
        to `steps_per_execution=1` and `jit_compile=False`: silently for a
        family default, with a warning when they were asked for (a preset
        recipe such as `ae_mnist_28`'s XLA, or the caller), as Keras itself
        does when a model cannot be compiled with XLA.
        """
        merged = self.with_compile_defaults(kwargs)
        replicas = autodiff.strategy_replicas(self)
        if replicas == 1:
            return merged
        unsupported = {"steps_per_execution": 1, "jit_compile": False}
        for key, safe in unsupported.items():
            value = merged.get(key, safe)
            if value in (safe, "auto"):
                continue
            if key in kwargs:
                warnings.warn(
                    f"{type(self).__name__}.compile: {key}={value!r} fails under a strategy "
                    f"with {replicas} replicas in Keras 3.15 / TensorFlow 2.21; using "
                    f"{key}={safe!r}.", stacklevel=3)
            merged[key] = safe
        return merged

    def __init_subclass__(cls, **kwargs):
        """Mark every model built once its outermost `__init__` has run.

        Families create all variables in `__init__` (functional sub-networks),
        so a model is complete right after construction. Marking it built there
        lets `load_weights`, keras-tuner's `get_best_models` and `kg.zoo.load`
        work on a fresh instance, with no dummy forward pass.
        """
        super().__init_subclass__(**kwargs)
        init = cls.__init__

        @functools.wraps(init)
        def __init__(self, *args, **init_kwargs):
            init(self, *args, **init_kwargs)
            if type(self) is cls and not self.built:
                self.build()

        __init__.__signature__ = inspect.signature(init)  # Keras reads constructor args
        cls.__init__ = __init__
        for name, with_optimizer in (("train_step", True), ("test_step", False)):
            if name in cls.__dict__:
                setattr(cls, name, _stateless_on_jax(cls.__dict__[name], with_optimizer))

    def build(self, input_shape=None):
        """Nothing to create: every variable exists after `__init__` (see above)."""
        del input_shape

    def check_trains_on_backend(self):
        """Raise `NotImplementedError` unless this family runs on Keras' backend.

        Called when a model is made (Keras' backend is fixed per process), so a
        family that does not run on JAX yet says so before anything is traced.
        """
        backend = keras.backend.backend()
        if backend not in self.TRAINS_ON:
            raise NotImplementedError(
                f"{type(self).__name__} runs on the Keras backends {list(self.TRAINS_ON)} "
                f"only so far, not on {backend!r}; set KERAS_BACKEND=tensorflow to use it.")

    def __init__(self, seed=None, **kwargs):
        self.check_trains_on_backend()
        super().__init__(**kwargs)
        self.seed = validation.check_seed(seed)
        self.seed_generator = ReplicaSeedGenerator(self.seed)
        self._trackers = {}

    # -- saving ---------------------------------------------------------------
    _SEED_STATE_KEY = "seed_generator_state"

    def save_own_variables(self, store):
        """Also save the random generator's state (Keras leaves it out).

        Without it, a model restored by `BackupAndRestore` or `load_weights`
        replays the random draws (noise, latents, sampling) of its first steps
        instead of continuing the sequence.
        """
        super().save_own_variables(store)
        store[self._SEED_STATE_KEY] = np.asarray(self.seed_generator.state.numpy())

    def load_own_variables(self, store):
        keys = list(store.keys())
        if self._SEED_STATE_KEY in keys:
            self.seed_generator.state.assign(np.asarray(store[self._SEED_STATE_KEY]))
            store = {key: store[key] for key in keys if key != self._SEED_STATE_KEY}
        super().load_own_variables(store)

    # -- trackers -----------------------------------------------------------
    def track(self, *names):
        """Create a `Mean` tracker per name (call once, in `__init__`)."""
        for name in names:
            self._trackers[name] = keras.metrics.Mean(name=name)

    @property
    def metrics(self):
        return list(self._trackers.values())

    def update_trackers(self, values):
        """Update trackers from `{name: scalar}` and return all current results."""
        for name, value in values.items():
            self._trackers[name].update_state(value)
        return autodiff.logs_for_keras(
            {name: tracker.result() for name, tracker in self._trackers.items()})

    @staticmethod
    def unpack_x(data):
        """The inputs of a batch: `x`, `(x,)`, `(x, y)` or `(x, y, w)` -> `x`."""
        x, _, _ = keras.utils.unpack_x_y_sample_weight(data)
        return x

    # -- input checks -------------------------------------------------------
    def expected_input_shape(self):
        """Shape of one example (without batch) that `fit` takes, or None."""
        return None

    @classmethod
    def config_for_images(cls, config, image_shape):
        """`config` (constructor arguments) changed to train on images `(H, W, C)`.

        What `keras-gen train --data` calls to fit a preset to a user's
        images. The default sets `input_shape`; families with other shape
        arguments override it.
        """
        return {**config, "input_shape": tuple(int(d) for d in image_shape)}

    @classmethod
    def images_as_input(cls, images):
        """Images `(N, H, W, C)` as the examples `fit` takes (the images themselves here)."""
        return images

    def example_data(self, n=8, seed=0):
        """Random training data `(n, *expected_input_shape())` in [0, 1] (for tests)."""
        shape = self.expected_input_shape()
        return np.random.default_rng(seed).uniform(size=(n, *shape)).astype("float32")

    def example_call_inputs(self, n=4, seed=0):
        """Random inputs for `call` (for tests); the training data by default."""
        return self.example_data(n, seed)

    def _check(self, x, what):
        """`x` in any form `fit` takes, checked and scaled by `kg.data.checks`."""
        shape = self.expected_input_shape()
        if shape is None or x is None:
            return x
        return fit_input.check_fit_input(x, shape, what=f"{type(self).__name__}.{what}")

    def _check_validation_data(self, data):
        if isinstance(data, (tuple, list)) and 2 <= len(data) <= 3:
            return (self._check(data[0], "fit(validation_data)"), *data[1:])
        return self._check(data, "fit(validation_data)")

    @staticmethod
    def _raising_input_errors(run, *args, **kwargs):
        """Run Keras' loop; a failed input check inside its pipeline surfaces as itself."""
        try:
            return run(*args, **kwargs)
        except Exception as error:
            message = checks.message_from(error)
            if message is None:
                raise
            raise checks.InputCheckError(message) from None

    def fit(self, x=None, y=None, *args, **kwargs):
        """Keras `fit` after `kg.data.checks` checked `x` (any form) and scaled it to [0, 1].

        A tuple `x = (images, labels[, weights])` is taken as `fit(images,
        labels[, sample_weight=weights])`. A batch that fails the per-batch
        value check raises `kg.data.checks.InputCheckError` naming it. The
        progress bar is `kg.progress_bar.StepProgressBar` (never "8/7").
        """
        if isinstance(x, tuple) and 2 <= len(x) <= 3 and y is None and hasattr(x[0], "shape"):
            if len(x) == 3:
                kwargs.setdefault("sample_weight", x[2])
            x, y = x[0], x[1]
        x = self._check(x, "fit")
        if kwargs.get("validation_data") is not None:
            kwargs["validation_data"] = self._check_validation_data(kwargs["validation_data"])
        if not args:  # keyword callbacks/verbose: the bar that stops at the epoch's steps
            kwargs["callbacks"] = progress_bar.with_progress_bar(kwargs.get("callbacks"),
                                                                 kwargs.get("verbose", "auto"))
        return self._raising_input_errors(super().fit, x, y, *args, **kwargs)

    def evaluate(self, x=None, y=None, *args, **kwargs):
        return self._raising_input_errors(super().evaluate, self._check(x, "evaluate"), y,
                                          *args, **kwargs)

    def save(self, filepath, overwrite=True, **kwargs):
        """`keras.Model.save`, written to a temporary file and renamed into place.

        A crash mid-save (a killed checkpointing job) leaves the previous file, never a
        half-written zip.
        """
        if not overwrite or not str(filepath).endswith(".keras"):
            return super().save(filepath, overwrite=overwrite, **kwargs)
        with safe_io.atomic_path(filepath) as tmp:
            super().save(tmp, overwrite=True, **kwargs)

    def save_weights(self, filepath, overwrite=True, **kwargs):
        """`keras.Model.save_weights`, atomic, with a digest of the weight values.

        HDF5 keeps no checksum of its data, so a flipped byte in a weight would
        load silently; the digest (an attribute of the file) lets `load_weights`
        refuse such a file with `kg.zoo.CorruptedFileError`.
        """

        if not overwrite or not str(filepath).endswith(".weights.h5"):
            return super().save_weights(filepath, overwrite=overwrite, **kwargs)
        with safe_io.atomic_path(filepath) as tmp:
            super().save_weights(tmp, overwrite=True, **kwargs)
            integrity.embed_weights_digest(tmp)

    def load_weights(self, filepath, *args, **kwargs):
        """`keras.Model.load_weights` after checking a `.weights.h5` file is whole.

        Raises:
            kg.zoo.CorruptedFileError: a truncated file, a damaged HDF5
                structure, or values that no longer match the stored digest.
        """

        if integrity.checks_weights_file(self, filepath):
            integrity.check_weights_file(filepath)
        return super().load_weights(filepath, *args, **kwargs)

    def get_config(self):
        return {"seed": self.seed, "name": self.name, "trainable": self.trainable}


class ReconstructionModel(GenerativeModel):
    """An encoder/decoder pair trained to reconstruct its input.

    Subclasses build `self.encoder` and `self.decoder` (functional
    `keras.Model`s, so every variable exists after `__init__`) and may override
    `compute_losses` to add terms (sparsity, KL divergence, ...).

    `call(x)` reconstructs, `encode(x)` gives the code, `decode(code)` maps
    codes back. `compile()` defaults to Adam, the reconstruction loss named
    by `loss` ("mse", "binary_crossentropy", "mae") and `compile_defaults`
    (8 steps per execution: `python tools/bench.py` measured it faster on
    every autoencoder and VAE preset, see BENCHMARKS.md).

    Args:
        input_shape: shape of one example without the batch axis, e.g.
            `(28, 28, 1)` or `(28, 28)`.
        seed: int or None. Seed of random draws (noise, sampling).
    """

    # Trials compare the reconstruction loss alone: sparsity and other
    # regularizers differ between trials and would make losses incomparable.
    TUNING_OBJECTIVE = ("val_reconstruction_loss", "min")

    default_loss = "mse"
    # The fastest measured settings. Train steps are small, so running several
    # per call of the compiled function saves host overhead; callbacks then
    # see every 8th batch. One step under a multi-replica strategy.
    compile_defaults = {"steps_per_execution": 8}

    def __init__(self, input_shape, seed=None, **kwargs):
        super().__init__(seed=seed, **kwargs)
        self.sample_shape = validation.check_shape(input_shape, "input_shape")
        self.reconstruction_loss = self.default_loss
        self.track("loss", "reconstruction_loss")
        self._reconstruction_fn = losses.get(self.default_loss, losses.RECONSTRUCTION_LOSSES)

    def expected_input_shape(self):
        return self.sample_shape

    # -- the three verbs ----------------------------------------------------
    def encode(self, x, training=False):
        """Codes of inputs `x` of shape `(batch, *input_shape)`."""
        return self.encoder(x, training=training)

    def decode(self, code, training=False):
        """Reconstructions `(batch, *input_shape)` of codes `(batch, code_dim)`."""
        return self.decoder(code, training=training)

    def call(self, x, training=False):
        return self.decode(self.encode(x, training=training), training=training)

    def reconstruct(self, x, batch_size=256):
        """Reconstructions of a numpy array, batch by batch, as numpy."""
        x = checks.check_array(x, self.sample_shape, what=f"{type(self).__name__}.reconstruct")
        out = [ops.convert_to_numpy(self(x[i:i + batch_size]))
               for i in range(0, len(x), batch_size)]
        return np.concatenate(out)

    def serving_functions(self, batch_size=1):
        """`encode(x)`, `decode(code)`, `reconstruct(x)` for `kg.export`."""
        from keras_gen.models.serving import reconstruction_serving_functions

        return reconstruction_serving_functions(self, batch_size)

    # -- training -----------------------------------------------------------
    def compile(self, optimizer="adam", loss=None, **kwargs):
        """Configure training. Keras' own arguments pass through.

        Args:
            optimizer: name, config or `keras.optimizers.Optimizer`.
                Defaults to Adam (learning rate 1e-3).
            loss: reconstruction loss name ("mse", "binary_crossentropy",
                "mae"); defaults to the model's `default_loss`.
            **kwargs: `jit_compile`, `steps_per_execution`, `run_eagerly`, ...
                Missing ones come from `compile_defaults`.

        The optimizer is built here, on `trainable_variables` (so change
        `trainable` before `compile`, as Keras asks): built lazily, it would
        create its slots inside the first trace of `train_step`, and
        `tf.function` traces a function twice when its first trace creates
        variables, which doubled the cost of the first `fit` call.
        """
        loss = loss or self.default_loss
        self._reconstruction_fn = losses.get(loss, losses.RECONSTRUCTION_LOSSES)
        self.reconstruction_loss = loss
        super().compile(optimizer=optimizer, **self.keras_compile_arguments(kwargs))
        self._build_optimizer()

    def _build_optimizer(self):
        """Create the optimizer's slots now (where Keras would under a strategy)."""
        if self.optimizer is not None and not self.optimizer.built:
            with autodiff.variable_scope(self):
                self.optimizer.build(self.trainable_variables)

    def get_compile_config(self):
        config = super().get_compile_config() or {}
        config["loss"] = self.reconstruction_loss
        return config

    def compile_from_config(self, config):
        config = dict(config)
        optimizer = config.pop("optimizer", "adam")
        if isinstance(optimizer, dict):
            optimizer = keras.optimizers.deserialize(optimizer)
        config.pop("metrics", None)
        config.pop("weighted_metrics", None)
        config.pop("loss_weights", None)
        self.compile(optimizer=optimizer, **config)  # builds the optimizer

    def reconstruction_error(self, x, reconstruction):
        """Per-example reconstruction loss, `(batch,)`."""
        return self._reconstruction_fn(x, reconstruction)

    def compute_losses(self, x, training):
        """Per-example loss terms for a batch `x`; their sum is minimised.

        Every key needs a tracker: call `self.track(name)` in `__init__`.

        Returns:
            Dict name -> `(batch,)` tensor. The base gives the reconstruction
            error of `call(x)`.
        """
        reconstruction = self(x, training=training)
        return {"reconstruction_loss": self.reconstruction_error(x, reconstruction)}

    def combine_losses(self, scaled):
        """The minimised total of the batch-mean terms of `compute_losses`: their sum.

        Override to weight terms (the VAE weights its KL term); layer
        regularization losses are added to what this returns.
        """
        return sum(scaled.values())

    def _scaled_losses(self, x, training):
        terms = self.compute_losses(x, training)
        scaled = {name: autodiff.replica_mean(value) for name, value in terms.items()}
        total = self.combine_losses(scaled)
        if self.losses:  # layer regularisers, already batch means
            regularization = ops.stack([ops.cast(term, "float32") for term in self.losses])
            total = total + ops.sum(regularization) \
                / autodiff.num_replicas()
        return total, scaled

    def _logs(self, total, scaled):
        logs = {"loss": autodiff.unscaled(total)}
        logs.update({name: autodiff.unscaled(value) for name, value in scaled.items()})
        return self.update_trackers(logs)

    def train_step(self, data):
        x = self.unpack_x(data)
        total, scaled = autodiff.minimize(
            self.optimizer, lambda: self._scaled_losses(x, training=True),
            self.trainable_variables)
        return self._logs(total, scaled)

    def test_step(self, data):
        x = self.unpack_x(data)
        total, scaled = self._scaled_losses(x, training=False)
        return self._logs(total, scaled)

    def get_config(self):
        config = super().get_config()
        config["input_shape"] = list(self.sample_shape)
        return config
