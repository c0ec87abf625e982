"""Input corruption for denoising autoencoders, applied in training only.

A noise object is a small serializable callable: `noise(x, seed, training)`
returns `x` unchanged unless `training` is true, so inference and evaluation
see clean inputs while the training loss still compares the reconstruction of
the corrupted input with the clean one.
"""

import keras
from keras import ops

from keras_gen.core import config_objects, validation
from keras_gen.core.config_objects import ConfigObject


@keras.saving.register_keras_serializable(package="keras_gen")
class Noise(ConfigObject):
    """Base class: corrupts a batch when `training` is true.

    Subclasses implement `corrupt(x, seed)` and `get_config()`.
    """

    def __call__(self, x, seed=None, training=False):
        """Corrupt `x` (any shape, batch first) in training; identity otherwise.

        Args:
            x: float tensor `(batch, ...)`.
            seed: a `keras.random.SeedGenerator` (a model passes its own, so one
                seed reproduces training), an int, or None (unseeded).
            training: Python bool; noise is applied only when true.
        """
        if not training:
            return x
        return self.corrupt(ops.cast(x, "float32"), seed)

    def corrupt(self, x, seed):
        raise NotImplementedError(f"{type(self).__name__} must implement corrupt(x, seed).")



@keras.saving.register_keras_serializable(package="keras_gen")
class Gaussian(Noise):
    """Additive Gaussian noise: `x + stddev * N(0, 1)`, clipped to [0, 1].

    Args:
        stddev: float > 0. Standard deviation of the noise, in pixel units
            (pixels are in [0, 1]).
        clip: bool. Clip the corrupted input to [0, 1], the range every
            keras_gen model takes. Defaults to `True`.

    Example:
        >>> ae = kg.models.Autoencoder((28, 28, 1), code_dim=30,
        ...                            noise=kg.noise.Gaussian(0.3))
    """

    def __init__(self, stddev=0.3, clip=True):
        if not isinstance(clip, bool):
            raise ValueError(f"Gaussian: clip must be True or False, got {clip!r}.")
        self.stddev = validation.check_number(stddev, "Gaussian: stddev")
        self.clip = clip

    def corrupt(self, x, seed):
        noisy = x + self.stddev * keras.random.normal(ops.shape(x), seed=seed)
        return ops.clip(noisy, 0.0, 1.0) if self.clip else noisy

    def get_config(self):
        return {"stddev": self.stddev, "clip": self.clip}


@keras.saving.register_keras_serializable(package="keras_gen")
class Mask(Noise):
    """Masking noise: each input value is switched off (set to 0) with probability `rate`.

    Unlike `keras.layers.Dropout`, surviving values are not rescaled: the
    corrupted input stays an image in [0, 1] with missing pixels, which is
    what a denoising autoencoder learns to fill in.

    Args:
        rate: float in [0, 1). Probability of switching a value off.

    Example:
        >>> ae = kg.models.Autoencoder((28, 28, 1), code_dim=30, noise=kg.noise.Mask(0.5))
    """

    def __init__(self, rate=0.5):
        self.rate = validation.check_fraction(rate, "Mask: rate", inclusive_high=False)

    def corrupt(self, x, seed):
        keep = keras.random.uniform(ops.shape(x), seed=seed) >= self.rate
        return x * ops.cast(keep, x.dtype)

    def get_config(self):
        return {"rate": self.rate}


def get(identifier):
    """A noise object from None, a `Noise`, or its serialized dict (from a model config)."""
    return config_objects.get(identifier, Noise, "noise", "a keras_gen noise object "
                       "(kg.noise.Gaussian(stddev), kg.noise.Mask(rate))")


def serialize(noise):
    """The JSON-ready config of a noise object (None stays None)."""
    return config_objects.serialize(noise)
