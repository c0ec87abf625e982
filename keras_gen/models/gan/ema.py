"""The EMA generator of `kg.models.GAN`: a moving average of the generator's weights.

`GANEma` is a mixin of `GAN`. With `ema=d` the model keeps `ema_generator`, a
non-trainable copy of the generator (made from its config, under the name
scope "ema", so its variables are saved beside the generator's). After each
generator step its trainable weights move as
`w_ema <- decay * w_ema + (1 - decay) * w` with `decay = min(d, (1 + t) / (10 + t))`
at generator step `t` (a warm-up, so a short run is not dominated by the
initial weights); other state (batch-norm statistics, growth stage) is copied.
Sampling (`call`, `generate`) runs the EMA copy when there is one.

The mixin reads `self.generator`, `self.ema`, `self.ema_generator` and
`self.g_optimizer` (whose `iterations` count the generator steps).
"""

import keras
from keras import ops


class GANEma:
    """The EMA copy of a GAN's generator: making it, updating it, choosing it for sampling."""

    def _make_ema_generator(self):
        config = keras.saving.serialize_keras_object(self.generator)
        with keras.name_scope("ema"):
            copy = keras.saving.deserialize_keras_object(config)
        copy.set_weights(self.generator.get_weights())
        copy.trainable = False
        return copy

    @property
    def sampling_generator(self):
        """The network `call` and `generate` use: the EMA copy if any."""
        return self.ema_generator if self.ema_generator is not None else self.generator

    def update_ema(self):
        """Move the EMA generator towards the generator (no-op without `ema`).

        Trainable weights are averaged with decay `min(ema, (1 + t) / (10 + t))`
        (`t` = generator steps so far); other state (batch-norm statistics,
        growth stage) is copied.
        """
        if self.ema_generator is None:
            return {}
        step = ops.cast(self.g_optimizer.iterations, "float32")
        decay = ops.minimum(self.ema, (1.0 + step) / (10.0 + step))
        for average, weight in zip(self.ema_generator.weights, self.generator.weights):
            if weight.trainable:
                average.assign(decay * average + (1.0 - decay) * weight)
            else:
                average.assign(weight)
        return {}
