"""The JAX side of `keras_gen.core.autodiff`: stateful train steps in a pure JAX step.

Keras' JAX trainer calls `train_step(state, data)` with the values of every
variable (trainable, non-trainable, optimizer, metrics) and wants the new
values back: the step must be a pure function for `jax.jit`. keras_gen's
families write one `train_step(data)` against variables, for every backend.
`stateless_step` bridges the two: it runs that step inside a
`keras.StatelessScope` holding the state's values, so every variable read sees
them and every `assign` (optimizer, trackers, seed generators, EMA) is
recorded in the scope, then returns the recorded values as the new state.

`gradients` differentiates inside such a scope: `jax.grad` of a function that
opens an inner scope with the differentiated variables set to its arguments
and every other variable at its current value; variables the loss function
assigns (batch-norm statistics, seed generators) come back as `jax.grad`'s
auxiliary output and are assigned in the outer scope. The other functions do
what their namesakes in `autodiff` document; JAX data parallelism shards one
global batch, so there is one replica.
"""

import contextlib

import jax
import jax.numpy as jnp
from keras import StatelessScope

_SCOPES = []  # (scope, its variables) of each stateless step and gradient running, innermost last


def num_replicas():
    return 1


def replica_id():
    return 0


def cross_replica_mean(value):
    return value


def logs_for_keras(values):
    return values


def state_variables(model, with_optimizer):
    """The variable groups of the JAX trainer's state, in its order.

    Train steps get `(trainable, non_trainable, optimizer, metrics)`, test
    steps `(trainable, non_trainable, metrics)`.
    """
    groups = [model.trainable_variables, model.non_trainable_variables]
    if with_optimizer:
        groups.append(model.optimizer.variables)
    groups.append(model.metrics_variables)
    return groups


def stateless_step(model, step, state, data, with_optimizer):
    """Run the stateful `step(model, data)` on the JAX trainer's `state`.

    Returns:
        `(logs, new_state)`, `new_state` shaped like `state`.
    """
    groups = state_variables(model, with_optimizer)
    if len(groups) != len(state):
        raise ValueError(f"{type(model).__name__}: the JAX trainer passed {len(state)} "
                         f"variable groups, expected {len(groups)}.")
    mapping = [(v, value) for group, values in zip(groups, state)
               for v, value in zip(group, values)]
    with _scope(mapping) as scope:
        logs = step(model, data)
    new_state = tuple([scope.get_current_value(v) for v in group] for group in groups)
    return logs, new_state


@contextlib.contextmanager
def _scope(mapping):
    """A `StatelessScope` over `[(variable, value)]`, known to `gradients` inside it."""
    with StatelessScope(state_mapping=mapping) as scope:
        _SCOPES.append((scope, [v for v, _ in mapping]))
        try:
            yield scope
        finally:
            _SCOPES.pop()


def strategy_replicas(model):
    """One: `keras.distribution` shards one global batch, nothing replicates steps."""
    del model
    return 1


def variable_scope(model):
    """No scope: `keras.distribution` lays new variables out by itself."""
    del model
    return contextlib.nullcontext()


def gradients(loss_and_outputs, variables):
    """`(outputs, grads)` of `loss_and_outputs() -> (loss, outputs)` by `variables`."""
    if not _SCOPES:
        raise RuntimeError("autodiff.gradients on the JAX backend runs inside a train step "
                           "(stateless_step); it was called outside one.")
    outer, tracked = _SCOPES[-1]

    def loss_of(values):
        mapping = {id(v): (v, outer.get_current_value(v)) for v in tracked}
        mapping.update({id(v): (v, value) for v, value in zip(variables, values)})
        with _scope(list(mapping.values())) as inner:
            loss, outputs = loss_and_outputs()
        return loss, (outputs, [inner.get_current_value(v) for v in tracked])

    values = [outer.get_current_value(v) for v in variables]
    grads, (outputs, updated) = jax.grad(loss_of, has_aux=True)(values)
    for v, value in zip(tracked, updated):
        v.assign(value)  # recorded by the outer scope
    return outputs, grads


def input_gradients(total_and_outputs, inputs):
    """`(outputs, grads)` of `total_and_outputs(x) -> (scalar, outputs)` by `x = inputs`."""
    grads, outputs = jax.grad(total_and_outputs, has_aux=True)(jnp.asarray(inputs))
    return outputs, grads


class OptimizerGroup:
    """Several optimizers seen by Keras' JAX trainer as one `model.optimizer`.

    The trainer carries `model.optimizer.variables` through its pure step and
    writes them back after it; a model stepping two optimizers itself (a
    GAN's generator and discriminator) sets this as its `optimizer` so both
    optimizers' slots and iteration counters are in that state. It is not a
    Keras object: nothing saves it (the optimizers are saved where the model
    holds them), and it applies nothing itself.
    """

    def __init__(self, optimizers):
        self.optimizers = list(optimizers)

    @property
    def variables(self):
        return [v for optimizer in self.optimizers for v in optimizer.variables]

    @property
    def built(self):
        return all(optimizer.built for optimizer in self.optimizers)

    @property
    def iterations(self):
        """The first optimizer's step counter, where code reads `model.optimizer.iterations`."""
        return self.optimizers[0].iterations

    def build(self, variables):
        raise RuntimeError("OptimizerGroup: build each optimizer on its own variables.")


def trainer_optimizer(optimizers):
    """An `OptimizerGroup` of `optimizers`, for the model's `optimizer` attribute."""
    return OptimizerGroup(optimizers)


def inference_function(model, fn, shapes=None):
    """`fn(*args)` jitted as a pure function of `model.variables`' values and `args`.

    `fn` reads the model's variables; inside the jitted function they hold the
    values passed in, so a call sees the variables as they are when it is made.
    A new input shape traces again (`shapes` is what TensorFlow needs to avoid
    that; jit's cache needs nothing).
    """
    del shapes
    variables = model.variables

    @jax.jit
    def pure(values, *args):
        with StatelessScope(state_mapping=list(zip(variables, values))):
            return fn(*args)

    return lambda *args: pure([v.value for v in variables], *args)
