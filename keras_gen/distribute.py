"""Distribution strategies by name, for `keras-gen train --strategy` and tests.

keras_gen uses TensorFlow's own strategies; nothing here is a cluster of its
own. Every train step scales its losses for the global batch
(`keras_gen.core.autodiff.replica_mean`), so a model trained under these strategies
takes the same step as on one device with the same global batch.
"""

import json
import os

STRATEGIES = ("default", "mirrored", "multiworker")


def split_cpu(count):
    """Expose the CPU as `count` logical devices (call before TensorFlow runs ops).

    Lets MirroredStrategy run two replicas on one machine without GPUs, which is
    how the equivalence tests check the distributed train steps.
    """
    import tensorflow as tf

    cpus = tf.config.list_physical_devices("CPU")
    tf.config.set_logical_device_configuration(
        cpus[0], [tf.config.LogicalDeviceConfiguration() for _ in range(count)])
    return tf.config.list_logical_devices("CPU")


def get_strategy(name="default", devices=None):
    """A `tf.distribute.Strategy` by name.

    Args:
        name: "default" (no distribution), "mirrored" (all local devices, or
            `devices`), "multiworker" (`MultiWorkerMirroredStrategy`, configured by
            the `TF_CONFIG` environment variable on every worker).
        devices: optional device names for "mirrored".
    """
    import tensorflow as tf

    if name not in STRATEGIES:
        raise ValueError(f"strategy must be one of {STRATEGIES}, got {name!r}.")
    if name == "default":
        return tf.distribute.get_strategy()
    if name == "mirrored":
        if devices is None:
            logical = tf.config.list_logical_devices("GPU") or tf.config.list_logical_devices("CPU")
            devices = [d.name for d in logical]
        return tf.distribute.MirroredStrategy(devices=devices)
    config = os.environ.get("TF_CONFIG")
    if not config:
        raise ValueError(
            "strategy 'multiworker' needs TF_CONFIG, e.g. TF_CONFIG='{\"cluster\": {\"worker\": "
            "[\"host1:port\", \"host2:port\"]}, \"task\": {\"type\": \"worker\", \"index\": 0}}' "
            "on every worker."
        )
    try:
        json.loads(config)
    except json.JSONDecodeError as error:
        raise ValueError(f"TF_CONFIG is not valid JSON: {error}") from None
    return tf.distribute.MultiWorkerMirroredStrategy()
