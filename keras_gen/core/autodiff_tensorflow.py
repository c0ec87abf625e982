"""The one module that touches TensorFlow's autodiff and distribution context.

Models write their losses with `keras.ops`; this module turns a loss function
into gradients (`gradients`), applies them (`apply`), and scales per-replica
means so that `tf.distribute` strategies compute the same update as one device
with the same global batch (`replica_mean`).
"""

import tensorflow as tf
from keras import ops


def num_replicas():
    """Number of replicas training in sync (1 outside `tf.distribute`)."""
    context = tf.distribute.get_replica_context()
    return 1 if context is None else context.num_replicas_in_sync


def replica_id():
    """Index of the replica running this code (0 outside `tf.distribute`)."""
    context = tf.distribute.get_replica_context()
    if context is None:
        return 0
    return context.replica_id_in_sync_group


def replica_mean(values):
    """Mean of per-example `values`, scaled for the global batch.

    Each replica averages its own examples and divides by the number of replicas;
    the optimizer sums gradients across replicas, so the update equals the one of
    a single device on the whole global batch (equal per-replica batches).

    Args:
        values: tensor of any shape, the per-example (or per-element) losses.

    Returns:
        A float32 scalar to differentiate. Multiply by `num_replicas()` to log it.
    """
    values = ops.cast(values, "float32")
    return ops.mean(values) / num_replicas()


def cross_replica_mean(value):
    """Mean of a per-replica tensor over all replicas (the tensor itself on one device).

    For statistics a train step keeps in variables (StyleGAN's running average
    of w): each replica sees only its part of the global batch, so its own
    mean would differ from the single-device value and between replicas.
    """
    context = tf.distribute.get_replica_context()
    if context is None or context.num_replicas_in_sync == 1:
        return value
    return context.all_reduce(tf.distribute.ReduceOp.MEAN, value)


def unscaled(loss):
    """Undo `replica_mean`'s replica scaling, for metric trackers and logs."""
    return loss * num_replicas()


def logs_for_keras(values):
    """Shape a train step's scalar logs so Keras can average them over replicas.

    Keras averages step outputs across replicas itself. Under
    `MultiWorkerMirroredStrategy` it does so with `strategy.reduce("MEAN",
    value, axis=0)`, which fails on scalars ("Invalid reduction dimension 0"),
    so there each log becomes a one-element vector; the mean over it is the
    same number.
    """
    strategy = tf.distribute.get_strategy()
    if isinstance(strategy, tf.distribute.MultiWorkerMirroredStrategy):
        return {name: tf.reshape(value, (1,)) for name, value in values.items()}
    return values


def gradients(loss_fn, variables, optimizer=None):
    """Run `loss_fn()` under a tape and differentiate its first output.

    Args:
        loss_fn: callable with no arguments returning a scalar loss, or a tuple
            whose first item is the scalar loss (the rest is passed back).
        variables: list of variables to differentiate with respect to.
        optimizer: optional optimizer; its `scale_loss` (loss scaling for mixed
            precision) is applied before differentiation.

    Returns:
        `(outputs, grads)`: what `loss_fn` returned and one gradient per
        variable (`None` where a variable does not affect the loss).
    """
    with tf.GradientTape() as tape:
        outputs = loss_fn()
        loss = outputs[0] if isinstance(outputs, (tuple, list)) else outputs
        if optimizer is not None:
            loss = optimizer.scale_loss(loss)
    grads = tape.gradient(loss, variables)
    return outputs, grads


def apply(optimizer, grads, variables):
    """Apply `grads` to `variables`, skipping variables that got no gradient.

    Blocks unused at the current stage (progressive growing) get `None`
    gradients; the optimizer must not see them.
    """
    pairs = [(g, v) for g, v in zip(grads, variables) if g is not None]
    if pairs:
        optimizer.apply([g for g, _ in pairs], [v for _, v in pairs])


def minimize(optimizer, loss_fn, variables):
    """`gradients` followed by `apply`: one optimizer step on `variables`.

    Returns whatever `loss_fn` returned.
    """
    outputs, grads = gradients(loss_fn, variables, optimizer)
    apply(optimizer, grads, variables)
    return outputs


def input_gradients(fn, inputs):
    """Run `fn(inputs)` under a tape and differentiate with respect to `inputs`.

    Used by gradient penalties (WGAN-GP, R1), which penalise the norm of the
    discriminator's gradient with respect to its input images. Called inside a
    `gradients` loss function, the result stays differentiable with respect to
    the network's weights (second-order gradients).

    Args:
        fn: callable taking a tensor shaped like `inputs` and returning a tensor
            (e.g. logits `(batch, 1)`), or a tuple whose first item is that tensor.
        inputs: tensor `(batch, ...)`, e.g. images.

    Returns:
        `(outputs, grads)`: what `fn` returned and the gradient of the sum of its
        first output, shaped like `inputs`. With examples processed
        independently, row `i` is the gradient of output `i` with respect to
        input `i`.
    """
    inputs = tf.convert_to_tensor(inputs)
    with tf.GradientTape() as tape:
        tape.watch(inputs)
        outputs = fn(inputs)
        target = outputs[0] if isinstance(outputs, (tuple, list)) else outputs
        total = tf.reduce_sum(tf.cast(target, "float32"))
    return outputs, tape.gradient(total, inputs)
