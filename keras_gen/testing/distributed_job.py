"""Distributed training checks, run in a fresh process (devices are set at start-up).

    python -m keras_gen.testing.distributed_job equivalence PRESET
        two logical CPUs: one SGD step under MirroredStrategy vs one device with
        the same global batch; prints the largest weight difference as JSON.
    TF_CONFIG=... python -m keras_gen.testing.distributed_job multiworker PRESET
        a few steps under MultiWorkerMirroredStrategy; prints a weight checksum.
    KERAS_BACKEND=jax XLA_FLAGS=--xla_force_host_platform_device_count=2 \
        python -m keras_gen.testing.distributed_job jax_data_parallel P1,P2
        one SGD step under keras.distribution.DataParallel vs one device.

PRESET is a registered preset (its tiny config is used) or "tiny_test_ae".
"""

import json
import os
import sys

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

GLOBAL_BATCH = 8


def _sgd_compile_kwargs(model, learning_rate=0.05):
    import inspect

    import keras

    params = inspect.signature(model.compile).parameters
    if "g_optimizer" in params:
        return {"g_optimizer": keras.optimizers.SGD(learning_rate),
                "d_optimizer": keras.optimizers.SGD(learning_rate)}
    return {"optimizer": keras.optimizers.SGD(learning_rate)}


def _build(name, seed=3):
    import keras

    from keras_gen import zoo
    from keras_gen.testing.models import register_test_preset

    if name == "tiny_test_ae":
        register_test_preset()
    spec = zoo.get(name)
    keras.utils.set_random_seed(seed)
    model = spec.build(tiny=True, seed=seed)
    return spec, model


def install_replica_aligned_randomness():
    """Replace `keras.random.normal`/`uniform` by fixed, replica-aligned values.

    Row `i` of a draw on replica `r` (local batch `b`) gets the values of global
    row `r * b + i`, so the draws of two replicas, stacked, equal the single
    device's draw for the global batch. This removes randomness from the
    comparison without changing any model code.
    """
    import keras
    from keras import ops

    from keras_gen.core import autodiff

    def pattern(shape, low, high, offset):
        shape = tuple(shape)
        rows = shape[0]
        per_row = 1
        for d in shape[1:]:
            per_row *= d
        start = ops.cast(autodiff.replica_id(), "float32") * rows * per_row
        index = ops.cast(ops.arange(rows * per_row), "float32") + start
        values = ops.sin(index * 0.37 + offset)
        return ops.reshape(low + (values + 1.0) / 2.0 * (high - low), shape)

    keras.random.normal = (
        lambda shape, mean=0.0, stddev=1.0, dtype=None, seed=None:
        mean + stddev * 1.7 * pattern(shape, -1.0, 1.0, 0.5))
    keras.random.uniform = (
        lambda shape, minval=0.0, maxval=1.0, dtype=None, seed=None:
        pattern(shape, minval, maxval, 1.5))


def _data(model, seed=0):
    return model.example_data(GLOBAL_BATCH * 2, seed=seed)


def _one_step(model, x):
    model.fit(x[:GLOBAL_BATCH], batch_size=GLOBAL_BATCH, epochs=1, steps_per_epoch=1,
              shuffle=False, verbose=0)


def _single_vs_distributed(name, scope):
    """One SGD step of preset `name` on one device, then the same step, from the same
    weights and global batch, inside `scope()`: `(largest weight difference, largest
    update of a trainable weight)` (counters such as images_seen are not updates)."""
    import numpy as np

    _, single = _build(name)
    initial = single.get_weights()
    initial_trainable = [v.numpy() for v in single.trainable_weights]
    x = _data(single)
    single.compile(**_sgd_compile_kwargs(single))
    _one_step(single, x)
    with scope():
        _, distributed = _build(name)
        distributed.set_weights(initial)
        distributed.compile(**_sgd_compile_kwargs(distributed))
        _one_step(distributed, x)
    diffs = [float(np.max(np.abs(a - b))) for a, b in zip(single.get_weights(),
                                                          distributed.get_weights())]
    moved = max(float(np.max(np.abs(a - v.numpy())))
                for a, v in zip(initial_trainable, single.trainable_weights))
    return max(diffs), moved


def equivalence(name):
    import tensorflow as tf

    from keras_gen import distribute

    distribute.split_cpu(2)
    install_replica_aligned_randomness()
    strategy = distribute.get_strategy("mirrored")
    difference, moved = _single_vs_distributed(name, strategy.scope)
    print(json.dumps({"replicas": strategy.num_replicas_in_sync, "max_weight_diff": difference,
                      "max_update": moved, "tf": tf.__version__}), flush=True)


def independence(name):
    """Each replica's draws from the model's seed generator differ."""
    import keras
    import numpy as np
    import tensorflow as tf

    from keras_gen import distribute

    distribute.split_cpu(2)
    strategy = distribute.get_strategy("mirrored")
    with strategy.scope():
        _, model = _build(name)

    @tf.function
    def draw():
        return strategy.run(lambda: keras.random.normal((4,), seed=model.seed_generator))

    values = [np.asarray(v) for v in strategy.experimental_local_results(draw())]
    print(json.dumps({"replicas": len(values),
                      "identical": bool(np.allclose(values[0], values[1]))}), flush=True)


def multiworker(name, steps=3):
    import numpy as np

    from keras_gen import distribute

    strategy = distribute.get_strategy("multiworker")
    with strategy.scope():
        _, model = _build(name)
        model.compile(**_sgd_compile_kwargs(model))
    x = np.concatenate([_data(model, seed=s) for s in range(steps)])
    model.fit(x, batch_size=GLOBAL_BATCH, epochs=1, shuffle=False, verbose=0)
    checksum = float(sum(np.sum(np.abs(w)) for w in model.get_weights()))
    print(json.dumps({"workers": strategy.num_replicas_in_sync, "checksum": checksum}),
          flush=True)


def compile_defaults(name):
    """Under two replicas the preset's XLA and 8 steps per execution fall back and train."""
    import warnings

    from keras_gen import distribute

    distribute.split_cpu(2)
    strategy = distribute.get_strategy("mirrored")
    with strategy.scope():
        spec, model = _build(name)
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            model.compile(**spec.compile)
            model.compile(**spec.compile, steps_per_execution=8)
    model.fit(_data(model), batch_size=GLOBAL_BATCH, epochs=1, verbose=0)
    print(json.dumps({"replicas": strategy.num_replicas_in_sync,
                      "recipe": {k: v for k, v in spec.compile.items() if k == "jit_compile"},
                      "steps_per_execution": int(model.steps_per_execution),
                      "jit_compile": bool(model.jit_compile),
                      "warnings": [str(w.message) for w in caught]}), flush=True)


def jax_data_parallel(names):
    """`keras.distribution.DataParallel` on JAX vs one device, for each of `names`.

    Run with `KERAS_BACKEND=jax` and `XLA_FLAGS=--xla_force_host_platform_device_count=2`
    (several CPU devices). JAX shards the one global batch over the devices and
    compiles the same program, so one SGD step should give the single device's
    weights; prints, per preset, the device count, the largest weight
    difference and the largest update.
    """
    import contextlib

    import jax
    import keras

    @contextlib.contextmanager
    def data_parallel():
        keras.distribution.set_distribution(keras.distribution.DataParallel(
            devices=jax.devices()))
        try:
            yield
        finally:
            keras.distribution.set_distribution(None)

    results = {}
    for name in names.split(","):
        difference, moved = _single_vs_distributed(name, data_parallel)
        results[name] = {"devices": len(jax.devices()), "max_weight_diff": difference,
                         "max_update": moved}
    print(json.dumps(results), flush=True)


if __name__ == "__main__":
    mode, preset = sys.argv[1], sys.argv[2]
    {"equivalence": equivalence, "independence": independence,
     "multiworker": multiworker, "compile_defaults": compile_defaults,
     "jax_data_parallel": jax_data_parallel}[mode](preset)
