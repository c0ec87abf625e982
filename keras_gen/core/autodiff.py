"""Gradients, optimizer steps and replica scaling, the same calls on every backend.

Models write their losses with `keras.ops` and train through this module:
`gradients` turns a loss function into gradients, `apply` and `minimize` apply
them, `input_gradients` differentiates with respect to inputs (gradient
penalties), and `replica_mean` scales per-replica means so that a
`tf.distribute` strategy computes the update of one device on the global batch.

What differs between backends lives in one adapter each, chosen by
`keras.backend.backend()`: `autodiff_tensorflow` (`tf.GradientTape`, replica
contexts) and `autodiff_jax` (`jax.grad` over the values of a
`keras.StatelessScope`, so a train step written against variables runs inside
the JAX trainer's pure, jitted step).
"""

import functools
import importlib

import keras
from keras import ops


@functools.cache
def _adapter(backend):
    return importlib.import_module(f"keras_gen.core.autodiff_{backend}")


def adapter():
    """The module that implements this file's calls for Keras' current backend."""
    return _adapter(keras.backend.backend())


def num_replicas():
    """Number of replicas training in sync (1 outside `tf.distribute`, and on JAX,
    whose data parallelism shards one global batch)."""
    return adapter().num_replicas()


def replica_id():
    """Index of the replica running this code (0 outside `tf.distribute`)."""
    return adapter().replica_id()


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
    return adapter().cross_replica_mean(value)


def unscaled(loss):
    """Undo `replica_mean`'s replica scaling, for metric trackers and logs."""
    return loss * num_replicas()


def logs_for_keras(values):
    """A train step's scalar logs, shaped so Keras can average them over replicas."""
    return adapter().logs_for_keras(values)


def strategy_replicas(model):
    """Replicas `model`'s train step runs on at once (a `tf.distribute` strategy's)."""
    return adapter().strategy_replicas(model)


def variable_scope(model):
    """Context in which to create `model`'s training variables (optimizer slots)."""
    return adapter().variable_scope(model)


def trainer_optimizer(optimizers):
    """What a model that steps several `optimizers` itself sets as its `optimizer`.

    None on TensorFlow (its trainer does not look); on JAX a group the
    trainer's pure step carries the optimizers' variables through.
    """
    return adapter().trainer_optimizer(list(optimizers))


def inference_function(model, fn, shapes=None):
    """`fn(*inputs) -> tensors`, compiled: a forward pass for `generate` and sampling.

    `fn` reads `model`'s variables; the compiled function sees their values at
    each call. `shapes` (one per input, `None` for any size) lets TensorFlow
    trace once for every batch size.
    """
    return adapter().inference_function(model, fn, shapes)


def gradients(loss_fn, variables, optimizer=None):
    """Run `loss_fn()` and differentiate its first output with respect to `variables`.

    Args:
        loss_fn: callable with no arguments returning a scalar loss, or a tuple
            whose first item is the scalar loss (the rest is passed back).
        variables: list of variables to differentiate with respect to.
        optimizer: optional optimizer; its `scale_loss` (loss scaling for mixed
            precision) is applied before differentiation.

    Returns:
        `(outputs, grads)`: what `loss_fn` returned and one gradient per
        variable (`None` where a variable does not affect the loss on
        TensorFlow; zeros on JAX).
    """
    def scaled_loss_and_outputs():
        outputs = loss_fn()
        loss = first_output(outputs)
        return (loss if optimizer is None else optimizer.scale_loss(loss)), outputs

    return adapter().gradients(scaled_loss_and_outputs, list(variables))

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
    """Run `fn(inputs)` and differentiate the sum of its first output by `inputs`.

    Used by gradient penalties (WGAN-GP, R1), which penalise the norm of the
    discriminator's gradient with respect to its input images. Called inside a
    `gradients` loss function, the result stays differentiable with respect to
    the network's weights (second-order gradients).

    Args:
        fn: callable taking a tensor shaped like `inputs` and returning a tensor
            (e.g. logits `(batch, 1)`), or a tuple whose first item is that tensor.
        inputs: tensor `(batch, ...)`, e.g. images.

    Returns:
        `(outputs, grads)`: what `fn` returned and the gradient, shaped like
        `inputs`. With examples processed independently, row `i` is the
        gradient of output `i` with respect to input `i`.
    """
    def total_and_outputs(x):
        outputs = fn(x)
        return ops.sum(ops.cast(first_output(outputs), "float32")), outputs

    return adapter().input_gradients(total_and_outputs, inputs)


def first_output(outputs):
    """The loss of a loss function's outputs: the outputs, or their first item."""
    return outputs[0] if isinstance(outputs, (tuple, list)) else outputs
