"""Sampling and serving of `kg.models.GAN`: latents in, images in [0, 1] out.

`GANSampling` is a mixin of `GAN`. Latents are `(batch, latent_dim)` float32,
standard normal by default (`sample_latents`, a hook subclasses override);
images come back NHWC in [0, 1] through the sampling generator (the EMA copy
when there is one) and `to_unit_range`. `generate` runs a function
compiled once per model (`autodiff.inference_function`; no `predict()`), in
chunks of `batch_size`, and returns numpy; `serving_functions` gives
`kg.export` the same mapping with the latent as an input, so an exported graph
holds no random op.

The mixin reads `self.latent_dim` and `self.seed_generator` and calls the hooks
`generate_images`, `to_unit_range` and `sampling_generator`.
"""

import numpy as np
from keras import ops

from keras_gen.core import autodiff, draws, validation


class GANSampling:
    """Latents, `call`, `generate` and the export entry point of a GAN."""

    def sample_latents(self, batch_size, seed=None):
        """Standard normal latents `(batch_size, latent_dim)`.

        Args:
            batch_size: int or scalar tensor.
            seed: None (draw from `self.seed_generator`) or an int (the same int
                gives the same latents, on every Keras backend: `core.draws`).
        """
        return draws.normal((batch_size, self.latent_dim),
                            self.seed_generator if seed is None else seed)

    def call(self, z, training=False):
        """Images in [0, 1] `(batch, h, w, c)` from latents `(batch, latent_dim)`."""
        return self.to_unit_range(
            self.generate_images(z, training=training, generator=self.sampling_generator))

    def generate(self, n, seed=None, batch_size=256):
        """`n` images in [0, 1], NHWC, as a numpy array.

        Args:
            n: number of images.
            seed: None (fresh latents from the model's seed generator) or an
                int: the same int gives the same images.
            batch_size: images per compiled call.
        """
        n = validation.check_positive_int(n, "n")
        batch_size = validation.check_positive_int(batch_size, "batch_size")
        z = self.sample_latents(n, seed=validation.check_seed(seed))
        return self.generate_from_latents(z, batch_size=batch_size)

    def generate_from_latents(self, z, batch_size=256):
        """Images in [0, 1] (numpy) for given latents `(n, latent_dim)`."""
        z = ops.convert_to_numpy(z).astype("float32")
        if z.ndim != 2 or z.shape[1] != self.latent_dim:
            raise ValueError(f"latents must have shape (n, {self.latent_dim}), got {z.shape}.")
        function = self._compiled_generate()
        parts = [ops.convert_to_numpy(function(z[i:i + batch_size]))
                 for i in range(0, len(z), batch_size)]
        return np.concatenate(parts)

    def serving_functions(self, batch_size=1):
        """`generate(z)`: latents `(batch, latent_dim)` -> images in [0, 1], for `kg.export`.

        The latent is an input, so the exported graph holds no random op.
        """
        from keras_gen.models.serving import ServingFunction

        return {"generate": ServingFunction(lambda z: self.call(z, training=False),
                                            [("z", (batch_size, self.latent_dim), "float32")],
                                            {"z": "normal"})}

    def _compiled_generate(self):
        if self._generate_fn is None:
            self._generate_fn = autodiff.inference_function(
                self, lambda z: self.call(z, training=False), [(None, self.latent_dim)])
        return self._generate_fn
