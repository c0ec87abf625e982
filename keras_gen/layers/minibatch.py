"""Layers that let a discriminator look at a whole batch, against mode collapse.

A collapsed generator produces near-identical samples. A discriminator that
judges examples one at a time cannot see that; these layers append batch
statistics to each example's features so it can.
"""

import keras
from keras import ops

from keras_gen.core import validation
from keras_gen.layers.precision import cast_like, to_float32


@keras.saving.register_keras_serializable(package="keras_gen")
class MinibatchDiscrimination(keras.layers.Layer):
    """Minibatch discrimination: each example's similarity to the rest of its batch.

    Features `f` of shape `(batch, features)` are projected by a learned tensor
    `T` to `num_kernels` rows of `kernel_dim` values, `M_i = f_i T`. For each
    kernel `b`, `o_b(x_i) = sum_{j != i} exp(-||M_{i,b} - M_{j,b}||_1)` counts
    (softly) how many other examples lie close to `x_i`. The layer returns
    `concat([f, o], axis=-1)`: `(batch, features + num_kernels)`.

    When a generator collapses, its samples are close to each other and their
    `o` grows, which the discriminator learns to reject. The statistic is taken
    over the batch the layer sees; `kg.models.GAN` gives the discriminator one
    batch of half real, half generated images, so each example is compared with
    both halves.

    Args:
        num_kernels: int. Number of similarity kernels `B` (features added).
            Defaults to `32`.
        kernel_dim: int. Size `C` of each kernel's projection. Defaults to `8`.
        kernel_initializer: initializer of `T`. Defaults to a small normal.

    Example:
        >>> layer = MinibatchDiscrimination(num_kernels=16, kernel_dim=4)
        >>> layer(np.zeros((8, 100), "float32")).shape
        (8, 116)

    Reference:
        Salimans et al., "Improved Techniques for Training GANs", 2016, section 3.2.
    """

    def __init__(self, num_kernels=32, kernel_dim=8, kernel_initializer=None, **kwargs):
        super().__init__(**kwargs)
        self.num_kernels = validation.check_positive_int(num_kernels, "num_kernels")
        self.kernel_dim = validation.check_positive_int(kernel_dim, "kernel_dim")
        self.kernel_initializer = keras.initializers.get(
            kernel_initializer or keras.initializers.RandomNormal(stddev=0.05))

    def build(self, input_shape):
        if len(input_shape) != 2 or input_shape[-1] is None:
            raise ValueError(
                "MinibatchDiscrimination expects flat features (batch, features), got inputs "
                f"of shape {tuple(input_shape)}. Add a Flatten layer before it.")
        self.kernel = self.add_weight(
            shape=(input_shape[-1], self.num_kernels * self.kernel_dim), name="kernel",
            initializer=self.kernel_initializer)

    def call(self, inputs):
        features = ops.cast(inputs, self.compute_dtype)
        rows = ops.reshape(ops.matmul(features, ops.cast(self.kernel, self.compute_dtype)),
                           (-1, self.num_kernels, self.kernel_dim))
        # (batch, 1, B, C) - (1, batch, B, C) -> L1 distance (batch, batch, B)
        distances = ops.sum(ops.abs(rows[:, None] - rows[None, :]), axis=-1)
        similarity = ops.sum(ops.exp(-distances), axis=1) - 1.0  # drop j == i (exp(0) = 1)
        return ops.concatenate([features, similarity], axis=-1)

    def compute_output_shape(self, input_shape):
        return (input_shape[0], input_shape[1] + self.num_kernels)

    def get_config(self):
        config = super().get_config()
        config.update(num_kernels=self.num_kernels, kernel_dim=self.kernel_dim,
                      kernel_initializer=keras.initializers.serialize(self.kernel_initializer))
        return config


@keras.saving.register_keras_serializable(package="keras_gen")
class MinibatchStdDev(keras.layers.Layer):
    """Minibatch standard deviation: one feature map of batch diversity.

    The batch is split into groups of `group_size` consecutive examples. Within
    each group the standard deviation of every feature (over the group) is
    averaged to one number, which is appended to each example of the group as
    a constant extra channel: `(batch, ..., channels)` ->
    `(batch, ..., channels + 1)`. Works for feature maps `(batch, h, w, c)` and
    flat features `(batch, c)`.

    Groups are consecutive, so when `kg.models.GAN` gives the discriminator a
    batch of `n` real then `n` generated images (with `n` a multiple of
    `group_size`), every group is purely real or purely generated. If the batch
    size is not a multiple of `group_size`, the whole batch is one group.

    The statistic is computed in float32 under mixed precision (in float16 the
    epsilon would round to 0, and a group of identical examples, e.g. the
    blank corners of real digits, would give infinite gradients).

    Args:
        group_size: int. Examples per group. Defaults to `4`.
        epsilon: float. Added to the variance before the square root.

    Example:
        >>> MinibatchStdDev(4)(np.zeros((8, 4, 4, 16), "float32")).shape
        (8, 4, 4, 17)

    Reference:
        Karras et al., "Progressive Growing of GANs for Improved Quality,
        Stability, and Variation", 2018, section 3.
    """

    def __init__(self, group_size=4, epsilon=1e-8, **kwargs):
        super().__init__(**kwargs)
        self.group_size = validation.check_positive_int(group_size, "group_size")
        self.epsilon = validation.check_number(epsilon, "epsilon")

    def build(self, input_shape):
        if len(input_shape) < 2:
            raise ValueError(
                f"MinibatchStdDev expects inputs (batch, ..., channels), got shape "
                f"{tuple(input_shape)}.")

    def call(self, inputs):
        x = ops.cast(inputs, self.compute_dtype)
        shape = ops.shape(x)
        batch = shape[0]
        if isinstance(batch, int):  # a static batch (always under JAX's jit): plain ints
            size = self.group_size if batch % self.group_size == 0 else batch
        else:
            size = ops.where(ops.equal(batch % self.group_size, 0), self.group_size, batch)
        groups = ops.reshape(to_float32(x), (-1, size) + tuple(shape[1:]))
        variance = ops.var(groups, axis=1)  # (groups, ...)
        per_group = ops.mean(ops.sqrt(variance + self.epsilon),
                             axis=tuple(range(1, len(x.shape))))  # (groups,)
        per_example = ops.repeat(cast_like(per_group, x), size, axis=0)  # (batch,)
        feature = ops.ones_like(x[..., :1]) * ops.reshape(
            per_example, (-1,) + (1,) * (len(x.shape) - 1))
        return ops.concatenate([x, feature], axis=-1)

    def compute_output_shape(self, input_shape):
        last = None if input_shape[-1] is None else input_shape[-1] + 1
        return tuple(input_shape[:-1]) + (last,)

    def get_config(self):
        config = super().get_config()
        config.update(group_size=self.group_size, epsilon=self.epsilon)
        return config
