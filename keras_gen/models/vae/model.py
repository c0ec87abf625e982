"""VAE: a variational autoencoder, dense or convolutional."""

import math

import keras
import numpy as np
from keras import ops

from keras_gen.core import draws, validation
from keras_gen.data import checks
from keras_gen.layers.sampling import Sampling, reparameterize
from keras_gen.losses.kl import gaussian_kl, gaussian_log_density
from keras_gen.models.autoencoder import networks
from keras_gen.models.base import ReconstructionModel

LIKELIHOODS = ("bernoulli", "gaussian")
LOG_TWO_PI = math.log(2.0 * math.pi)


@keras.saving.register_keras_serializable(package="keras_gen")
class VAE(ReconstructionModel):
    """A variational autoencoder trained on the evidence lower bound (ELBO).

    The encoder maps an input to the mean and log-variance of a diagonal
    Gaussian over codings; `kg.layers.Sampling` draws a coding with the
    reparameterisation trick; the decoder gives the parameters of
    `p(x | z)`. The training loss per example is

        reconstruction_loss + kl_weight * kl_loss

    with `reconstruction_loss = -log p(x | z)` summed over pixels and
    `kl_loss = KL(q(z | x) || N(0, I))` summed over latent units, both in nats,
    so with `kl_weight = 1` the loss is the negative ELBO. `kl_weight` is a
    non-trainable variable equal to `beta` (a beta-VAE for `beta != 1`);
    `kg.callbacks.KLWarmup` ramps it up from 0.

    Likelihoods: "bernoulli" (pixels as probabilities, for binary or near
    binary images; the decoder outputs logits) or "gaussian" (mean in [0, 1]
    from a sigmoid, one learned scale shared by all pixels).

    Args:
        input_shape: shape of one example, e.g. `(28, 28, 1)`.
        latent_dim: int. Size of the coding.
        hidden: dense layer sizes of the encoder (mirrored in the decoder).
            Defaults to `(512, 256)`.
        conv_filters: None, or channels of stride-2 convolution levels before
            the dense layers (a convolutional VAE; input must be `(h, w, c)`).
            Defaults to `None`.
        likelihood: "bernoulli" or "gaussian". Defaults to "bernoulli".
        beta: float >= 0. Weight of the KL term. Defaults to `1.0`.
        kernel_size: int. Convolution kernel size. Defaults to `3`.
        activation: activation name of hidden layers. Defaults to "relu".
        seed: int or None. Seed of every draw (training samples, `generate`,
            `log_likelihood` when they get no seed of their own).

    Example:
        >>> vae = kg.models.VAE(input_shape=(28, 28, 1), latent_dim=16)
        >>> vae.compile()
        >>> vae.fit(x_train, epochs=30, callbacks=[kg.callbacks.KLWarmup(5)])
        >>> images = vae.generate(64, seed=0)          # (64, 28, 28, 1) in [0, 1]
        >>> nll = -vae.log_likelihood(x_test, num_samples=500).mean()

    Reference:
        Kingma and Welling, "Auto-Encoding Variational Bayes" (2014);
        Burda, Grosse and Salakhutdinov, "Importance Weighted Autoencoders" (2016).
    """

    TUNING_OBJECTIVE = ("val_loss", "min")  # the negative ELBO per example

    default_loss = "binary_crossentropy"

    def __init__(self, input_shape, latent_dim, hidden=(512, 256), conv_filters=None,
                 likelihood="bernoulli", beta=1.0, kernel_size=3, activation="relu", seed=None,
                 **kwargs):
        super().__init__(input_shape, seed=seed, **kwargs)
        self.latent_dim = validation.check_positive_int(latent_dim, "latent_dim")
        self.hidden = validation.check_int_sequence(hidden, "hidden")
        self.conv_filters = (None if conv_filters is None else
                             validation.check_int_sequence(conv_filters, "conv_filters",
                                                           allow_empty=False))
        if self.conv_filters:
            validation.check_image_shape(self.sample_shape, "VAE with conv_filters: input_shape")
        self.likelihood = validation.check_choice(likelihood, "likelihood", LIKELIHOODS)
        if isinstance(beta, bool) or not isinstance(beta, (int, float)) or beta < 0:
            raise ValueError(f"beta must be a number >= 0, got {beta!r}.")
        self.beta = float(beta)
        self.kernel_size = networks.check_kernel_size(kernel_size)
        self.activation = networks.check_activation(activation, "activation")
        self.reconstruction_loss = self.likelihood
        self.track("kl_loss")

        # Layers and state.
        self.sampling = Sampling(name="sampling")
        self.kl_weight = self.add_weight(
            name="kl_weight", shape=(), initializer=keras.initializers.Constant(self.beta),
            trainable=False)
        self.log_scale = None
        if self.likelihood == "gaussian":
            self.log_scale = self.add_weight(
                name="log_scale", shape=(), initializer=keras.initializers.Constant(-2.0))

        # Functional networks.
        inputs = keras.Input(self.sample_shape, name="inputs")
        features = networks.encoder_trunk(inputs, self.hidden, self.conv_filters,
                                          self.kernel_size, self.activation)
        # Heads in float32 under mixed precision: the KL term and sampling need it.
        mean = keras.layers.Dense(self.latent_dim, dtype="float32", name="z_mean")(features)
        log_var = keras.layers.Dense(self.latent_dim, dtype="float32", name="z_log_var")(features)
        self.encoder = keras.Model(inputs, [mean, log_var], name="encoder")
        latent = keras.Input((self.latent_dim,), name="z")
        logits = networks.decoder_trunk(latent, self.sample_shape, self.hidden,
                                        self.conv_filters, self.kernel_size, self.activation,
                                        output_activation=None)
        self.decoder = keras.Model(latent, logits, name="decoder")
        self.build((None, *self.sample_shape))

    def build(self, input_shape=None):
        """Nothing to create: the networks are built in `__init__`."""

    # -- encode / decode ------------------------------------------------------
    def encode(self, x, training=False):
        """Posterior parameters `(mean, log_var)`, each `(batch, latent_dim)`."""
        mean, log_var = self.encoder(x, training=training)
        return mean, log_var

    def decode(self, z, training=False):
        """Mean images `(batch, *input_shape)` in [0, 1] of codings `(batch, latent_dim)`."""
        return ops.sigmoid(self.decoder(z, training=training))

    def call(self, x, training=False):
        """Reconstruction by decoding the posterior mean (no sampling)."""
        mean, _ = self.encode(x, training=training)
        return self.decode(mean, training=training)

    def generate(self, n, seed=None):
        """Decode `n` codings drawn from the prior `N(0, I)`.

        Args:
            n: int. Number of images.
            seed: int (same seed, same images) or None (the model's generator).

        Returns:
            `(n, *input_shape)` tensor of images in [0, 1].
        """
        n = validation.check_positive_int(n, "n")
        z = draws.normal((n, self.latent_dim), self.seed_generator if seed is None else seed)
        return self.decode(z)

    # -- likelihood -----------------------------------------------------------
    def log_likelihood_given_code(self, x, logits):
        """`log p(x | z)` summed over all values of each example, in nats.

        `x` `(batch, *input_shape)` broadcasts against `logits`
        `(batch, [k,] *input_shape)` when `x` has a singleton axis for `k`.
        """
        x = ops.cast(x, "float32")
        rank = len(self.sample_shape)
        axes = tuple(range(-rank, 0))
        if self.likelihood == "bernoulli":
            return ops.sum(x * logits - ops.softplus(logits), axis=axes)
        log_scale = ops.clip(self.log_scale, -7.0, 2.0)
        mean = ops.sigmoid(logits)
        per_value = (-0.5 * ops.square((x - mean) * ops.exp(-log_scale))
                     - log_scale - 0.5 * LOG_TWO_PI)
        return ops.sum(per_value, axis=axes)

    def compute_losses(self, x, training):
        """`reconstruction_loss = -log p(x|z)` and `kl_loss`, per example, in nats."""
        mean, log_var = self.encode(x, training=training)
        z = self.sampling([mean, log_var], seed_generator=self.seed_generator)
        logits = self.decoder(z, training=training)
        return {
            "reconstruction_loss": -self.log_likelihood_given_code(x, logits),
            "kl_loss": gaussian_kl(mean, log_var),
        }

    def combine_losses(self, scaled):
        """`reconstruction_loss + kl_weight * kl_loss` (batch means): the negative
        ELBO at `kl_weight = 1`; the base adds layer regularization losses."""
        return scaled["reconstruction_loss"] + ops.cast(self.kl_weight, "float32") \
            * scaled["kl_loss"]

    def log_likelihood(self, x, num_samples=100, max_decodings=16384, seed=None):
        """Importance-weighted estimate of `log p(x)` per example, in nats (the IWAE bound).

            log p(x) >= log (1/K) sum_k p(x | z_k) p(z_k) / q(z_k | x),  z_k ~ q(z | x)

        The bound tightens as `K = num_samples` grows (K = 1 is the ELBO). The
        work is split so at most `max_decodings` codings are decoded at once,
        which bounds memory for large `K`.

        Args:
            x: numpy array `(n, *input_shape)` in [0, 1] (binary for a proper
                Bernoulli likelihood).
            num_samples: int. Importance samples per example.
            max_decodings: int. Codings decoded per batch.
            seed: int or None (the model's generator).

        Returns:
            numpy float64 array `(n,)` of log-likelihoods in nats.
        """
        x = checks.check_array(x, self.sample_shape, what="VAE.log_likelihood")
        k = validation.check_positive_int(num_samples, "num_samples")
        max_decodings = validation.check_positive_int(max_decodings, "max_decodings")
        generator = self.seed_generator if seed is None else keras.random.SeedGenerator(seed)
        per_pass = min(k, max_decodings)
        batch = max(1, max_decodings // per_pass)
        results = []
        for start in range(0, len(x), batch):
            xb = ops.convert_to_tensor(x[start:start + batch])
            mean, log_var = self.encode(xb)
            mean, log_var = mean[:, None, :], log_var[:, None, :]
            log_weights = []
            for done in range(0, k, per_pass):
                count = min(per_pass, k - done)
                shape = (ops.shape(mean)[0], count, self.latent_dim)
                z = reparameterize(ops.broadcast_to(mean, shape), log_var, seed=generator)
                logits = self.decoder(ops.reshape(z, (-1, self.latent_dim)))
                logits = ops.reshape(logits, (ops.shape(mean)[0], count, *self.sample_shape))
                log_weights.append(
                    self.log_likelihood_given_code(xb[:, None], logits)
                    + gaussian_log_density(z, 0.0, 0.0)
                    - gaussian_log_density(z, mean, log_var))
            log_weights = ops.concatenate(log_weights, axis=1)
            results.append(ops.convert_to_numpy(ops.logsumexp(log_weights, axis=1)))
        return np.concatenate(results).astype("float64") - math.log(k)

    # -- compile and config ---------------------------------------------------
    def compile(self, optimizer="adam", loss=None, **kwargs):
        """Configure training (Adam by default). The loss is set by `likelihood`.

        Args:
            optimizer: name, config or optimizer instance.
            loss: None or the model's likelihood name; anything else is an
                error (the VAE's loss is the negative ELBO).
            **kwargs: Keras' own compile arguments (`jit_compile`, ...).
        """
        if loss is not None and loss != self.likelihood:
            raise ValueError(
                f"VAE: the loss is the negative ELBO with the {self.likelihood!r} likelihood; "
                f"pass likelihood= to the constructor instead of loss={loss!r}.")
        super().compile(optimizer=optimizer, **kwargs)
        self.reconstruction_loss = self.likelihood

    def get_config(self):
        config = super().get_config()
        config.update({
            "latent_dim": self.latent_dim,
            "hidden": list(self.hidden),
            "conv_filters": None if self.conv_filters is None else list(self.conv_filters),
            "likelihood": self.likelihood,
            "beta": self.beta,
            "kernel_size": self.kernel_size,
            "activation": self.activation,
        })
        return config
