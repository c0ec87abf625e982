"""`ReplayBuffer`: experience replay of past generated images, inside the graph.

The discriminator forgets what older generators produced, so a generator can
cycle between modes it has already been caught on. Showing the discriminator
some past fakes keeps those lessons alive (Shrivastava et al., 2017). The seed
notes: "stores images on a buffer and the discriminator uses the images on this
buffer as input for fake images; old images are progressively replaced".
"""

import keras
from keras import ops

from keras_gen.core import validation


@keras.saving.register_keras_serializable(package="keras_gen")
class ReplayBuffer(keras.layers.Layer):
    """An in-graph ring buffer of past generated images.

    `mix(fakes, seed)` returns the discriminator's fake half: a fraction `ratio`
    of it replaced by images drawn uniformly from the buffer (once the buffer
    holds any), then writes the fresh fakes into the buffer over the oldest
    entries (ring order), so old images are replaced progressively and the
    buffer spans the last `capacity / batch` steps.

    The state (`images`, `position`, `filled`) is made of non-trainable
    variables created by `build(image_shape)`, which `kg.models.GAN` calls in its
    constructor: they are created under the same `tf.distribute` scope as the
    model, are saved in `.keras` files and weight checkpoints, and come back on
    load, so a resumed run replays the same past images. Under a distribution
    strategy each replica keeps its own buffer (`synchronization="on_read"`).

    Args:
        capacity: int. Number of images kept. Defaults to `1024`.
        ratio: float in [0, 1]. Fraction of the fake half taken from the buffer.
            Defaults to `0.5` (as in Shrivastava et al.).

    Example:
        >>> gan = kg.models.DCGAN((28, 28, 1), latent_dim=64,
        ...                       replay=kg.replay.ReplayBuffer(capacity=2048, ratio=0.5))

    Reference:
        Shrivastava et al., "Learning from Simulated and Unsupervised Images
        through Adversarial Training", 2017, section 2.3.
    """

    def __init__(self, capacity=1024, ratio=0.5, **kwargs):
        kwargs.setdefault("trainable", False)
        super().__init__(**kwargs)
        self.capacity = validation.check_positive_int(capacity, "capacity")
        self.ratio = validation.check_fraction(ratio, "ratio")

    def build(self, image_shape):
        """Create the state for images of shape `image_shape` (with or without batch axis)."""
        shape = tuple(image_shape)
        if shape and shape[0] is None:
            shape = shape[1:]
        validation.check_shape(shape, "ReplayBuffer image_shape")
        self.image_shape = shape
        # `add_weight` has no `synchronization` argument; variables assigned as
        # attributes are tracked (and saved) like layer weights.
        with keras.name_scope(self.name, caller=self):
            self.images = self._state_variable((self.capacity, *shape), "float32", "images")
            self.position = self._state_variable((), "int32", "position")
            self.filled = self._state_variable((), "int32", "filled")
        self.built = True

    @staticmethod
    def _state_variable(shape, dtype, name):
        return keras.Variable(keras.initializers.Zeros()(shape, dtype), dtype=dtype,
                              trainable=False, synchronization="on_read",
                              aggregation="only_first_replica", name=name)

    def sample(self, count, seed=None):
        """`count` images drawn uniformly (with replacement) from the filled part.

        Returns zeros while the buffer is empty.
        """
        filled = ops.maximum(ops.convert_to_tensor(self.filled), 1)
        draws = keras.random.uniform((count,), 0.0, 1.0, seed=seed)
        index = ops.minimum(ops.cast(draws * ops.cast(filled, "float32"), "int32"), filled - 1)
        return ops.take(ops.convert_to_tensor(self.images), index, axis=0)

    def push(self, images):
        """Write images over the oldest entries (at most `capacity` of them)."""
        images = ops.cast(images, "float32")
        count = ops.minimum(ops.shape(images)[0], self.capacity)
        images = images[:count]
        index = (ops.convert_to_tensor(self.position) + ops.arange(count, dtype="int32")) \
            % self.capacity
        self.images.assign(ops.scatter_update(ops.convert_to_tensor(self.images),
                                              index[:, None], images))
        self.position.assign((self.position + count) % self.capacity)
        self.filled.assign(ops.minimum(self.filled + count, self.capacity))

    def blend(self, fakes, seed=None):
        """`fakes` with their first `round(ratio * batch)` rows replaced by buffer samples.

        Nothing is replaced while the buffer is empty, and nothing is pushed (see
        `mix`). Fakes are i.i.d., so which rows are replaced does not matter.

        Args:
            fakes: `(batch, *image_shape)` freshly generated images.
            seed: the model's `keras.random.SeedGenerator` (or an int).

        Returns:
            `(blended, fresh)`: a tensor like `fakes` (replayed rows carry no
            gradient) and a float mask `(batch,)`, 1 where a row is still fresh.
        """
        fakes = ops.cast(fakes, "float32")
        batch = ops.shape(fakes)[0]
        replayed_count = ops.cast(
            ops.round(self.ratio * ops.cast(batch, "float32")), "int32")
        replayed_count = ops.where(ops.greater(self.filled, 0), replayed_count, 0)
        from_buffer = ops.stop_gradient(self.sample(batch, seed))
        replayed = ops.arange(batch, dtype="int32") < replayed_count
        blended = ops.where(ops.reshape(replayed, (-1,) + (1,) * len(self.image_shape)),
                            from_buffer, fakes)
        return blended, 1.0 - ops.cast(replayed, "float32")

    def mix(self, fakes, seed=None):
        """The discriminator's fake half: `blend(fakes)`, then `push(fakes)`.

        Args:
            fakes: `(batch, *image_shape)` freshly generated images.
            seed: the model's `keras.random.SeedGenerator` (or an int).

        Returns:
            A tensor like `fakes`: a fraction `ratio` of its rows from the past.
        """
        blended, _ = self.blend(fakes, seed)
        self.push(fakes)
        return blended

    def call(self, fakes, seed=None):
        return self.mix(fakes, seed)

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        config = super().get_config()
        config.update(capacity=self.capacity, ratio=self.ratio)
        return config
