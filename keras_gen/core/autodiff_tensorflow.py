"""The TensorFlow side of `keras_gen.core.autodiff`: tapes and replica contexts.

`gradients` and `input_gradients` record with `tf.GradientTape`; the replica
helpers read the `tf.distribute` replica context (one replica outside a strategy).
The replica helpers do what their namesakes in `autodiff` document.
"""

import tensorflow as tf


def num_replicas():
    context = tf.distribute.get_replica_context()
    return 1 if context is None else context.num_replicas_in_sync


def replica_id():
    context = tf.distribute.get_replica_context()
    return 0 if context is None else context.replica_id_in_sync_group


def cross_replica_mean(value):
    context = tf.distribute.get_replica_context()
    if context is None or context.num_replicas_in_sync == 1:
        return value
    return context.all_reduce(tf.distribute.ReduceOp.MEAN, value)


def logs_for_keras(values):
    """Under `MultiWorkerMirroredStrategy` each log becomes a one-element vector.

    Keras averages step outputs across replicas there with `strategy.reduce(
    "MEAN", value, axis=0)`, which fails on scalars ("Invalid reduction
    dimension 0"); the mean over a one-element vector is the same number.
    """
    strategy = tf.distribute.get_strategy()
    if isinstance(strategy, tf.distribute.MultiWorkerMirroredStrategy):
        return {name: tf.reshape(value, (1,)) for name, value in values.items()}
    return values


def strategy_replicas(model):
    """Replicas of the strategy `model` was built under (`tf.distribute`)."""
    return model.distribute_strategy.num_replicas_in_sync


def variable_scope(model):
    """The scope new variables of `model`'s training (optimizer slots) go in."""
    return model.distribute_strategy.scope()


def gradients(loss_and_outputs, variables):
    """`(outputs, grads)` of `loss_and_outputs() -> (loss, outputs)` by `variables`."""
    with tf.GradientTape() as tape:
        loss, outputs = loss_and_outputs()
    return outputs, tape.gradient(loss, variables)


def input_gradients(total_and_outputs, inputs):
    """`(outputs, grads)` of `total_and_outputs(x) -> (scalar, outputs)` by `x = inputs`."""
    inputs = tf.convert_to_tensor(inputs)
    with tf.GradientTape() as tape:
        tape.watch(inputs)
        total, outputs = total_and_outputs(inputs)
    return outputs, tape.gradient(total, inputs)


def trainer_optimizer(optimizers):
    """None: Keras' TensorFlow trainer needs no optimizer of a model that steps its own."""
    del optimizers
    return None


def inference_function(model, fn, shapes=None):
    """`fn` as a `tf.function`; with `shapes`, traced once for float32 inputs of those
    shapes (`None` dimensions take any size)."""
    del model
    signature = None if shapes is None else [tf.TensorSpec(s, "float32") for s in shapes]
    return tf.function(fn, reduce_retracing=True, input_signature=signature)
