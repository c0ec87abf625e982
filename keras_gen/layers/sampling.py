"""Sampling: the reparameterisation trick of variational autoencoders."""

import keras
from keras import ops

from keras_gen.core import validation


def reparameterize(mean, log_var, seed=None):
    """Draw `z = mean + exp(log_var / 2) * eps`, `eps ~ N(0, I)`.

    Gradients flow to `mean` and `log_var` (the noise is an input, not a
    parameter), which is what lets a VAE train by backpropagation.

    Args:
        mean: `(..., latent_dim)` tensor.
        log_var: tensor broadcastable to `mean`'s shape.
        seed: a `keras.random.SeedGenerator`, an int, or None.

    Returns:
        A tensor of `mean`'s shape.
    """
    epsilon = keras.random.normal(ops.shape(mean), dtype=mean.dtype, seed=seed)
    return mean + ops.exp(0.5 * log_var) * epsilon


@keras.saving.register_keras_serializable(package="keras_gen")
class Sampling(keras.layers.Layer):
    """Draws codings from `N(mean, exp(log_var))` with the reparameterisation trick.

    Every draw comes from a `keras.random.SeedGenerator`: the layer's own
    (seeded by `seed`), or one passed at call time (a model passes its own so
    that a single model seed reproduces training).

    Args:
        seed: int or None. Seed of the layer's own generator.

    Call arguments:
        inputs: `[mean, log_var]`, each `(batch, latent_dim)`.
        seed_generator: optional `keras.random.SeedGenerator` to draw from
            instead of the layer's own.

    Returns:
        `(batch, latent_dim)` codings.

    Example:
        >>> sampling = kg.layers.Sampling(seed=0)
        >>> z = sampling([mean, log_var])

    Reference:
        Kingma and Welling, "Auto-Encoding Variational Bayes" (2014).
    """

    def __init__(self, seed=None, **kwargs):
        super().__init__(**kwargs)
        self.seed = validation.check_seed(seed, "Sampling: seed")
        self.seed_generator = keras.random.SeedGenerator(seed)

    def build(self, input_shape):
        mean_shape, log_var_shape = input_shape
        if tuple(mean_shape) != tuple(log_var_shape):
            raise ValueError(f"Sampling: mean and log_var must have the same shape, got "
                             f"{tuple(mean_shape)} and {tuple(log_var_shape)}.")

    def call(self, inputs, seed_generator=None):
        mean, log_var = inputs
        return reparameterize(mean, log_var, seed_generator or self.seed_generator)

    def compute_output_shape(self, input_shape):
        return input_shape[0]

    def get_config(self):
        config = super().get_config()
        config["seed"] = self.seed
        return config
