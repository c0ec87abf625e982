"""`DCGAN`: the GAN core with the deep convolutional networks of Radford et al."""

import keras

from keras_gen.core import validation
from keras_gen.models.dcgan import networks
from keras_gen.models.gan.model import GAN


@keras.saving.register_keras_serializable(package="keras_gen")
class DCGAN(GAN):
    """Deep convolutional GAN: transposed-conv generator, strided-conv discriminator.

    Everything about training (the two phases, losses, penalties, replay, EMA,
    `generate`) comes from `kg.models.GAN`; this class only builds the two
    networks from a few numbers. Any image size works: 28x28 grows from 7x7 in
    two doublings, 32x32 from 8x8 (or 4x4 with three), other sizes are cropped.

    Args:
        image_shape: `(height, width, channels)` of the training images.
            Defaults to `(28, 28, 1)`.
        latent_dim: int. Size of the latent vectors. Defaults to `100`.
        generator_filters: channels after the dense projection and after each
            transposed convolution but the last (which outputs the image
            channels); one doubling of the resolution per entry. Defaults to
            `(128, 64)`.
        discriminator_filters: channels of the stride-2 convolutions, one
            halving per entry. Defaults to `(64, 128)`.
        kernel_size: int. Convolution kernel size (4 avoids the checkerboard of
            odd kernels with stride 2). Defaults to `4`.
        generator_base_convs: filters of stride-1 3x3 convolutions (batch norm,
            ReLU) right after the projection, at the lowest resolution, where
            they are cheap. Defaults to `()` (the plain recipe).
        minibatch: "discrimination" (`kg.layers.MinibatchDiscrimination`),
            "stddev" (`kg.layers.MinibatchStdDev`) or None. Defaults to `None`.
        minibatch_kernels, minibatch_kernel_dim: size of minibatch
            discrimination. Default to `32` and `8`.
        group_size: group size of minibatch stddev. Defaults to `4`.
        discriminator_norm: "batch" (the recipe), "layer" (with gradient
            penalties) or None. Defaults to `"batch"`.
        dropout: dropout rate in the discriminator. Defaults to `0.0`.
        ema, replay, seed: see `kg.models.GAN`.

    Example:
        >>> gan = kg.models.DCGAN((28, 28, 1), latent_dim=64, minibatch="stddev")
        >>> gan.compile()
        >>> gan.fit(kg.data.load("mnist", batch_size=64), epochs=25)
        >>> kg.plot.save_grid(gan.generate(64, seed=0), "dcgan.png")

    Reference:
        Radford et al., "Unsupervised Representation Learning with Deep
        Convolutional Generative Adversarial Networks", 2016.
    """

    def __init__(self, image_shape=(28, 28, 1), latent_dim=100, generator_filters=(128, 64),
                 discriminator_filters=(64, 128), kernel_size=4, generator_base_convs=(),
                 minibatch=None,
                 minibatch_kernels=32, minibatch_kernel_dim=8, group_size=4,
                 discriminator_norm="batch", dropout=0.0, ema=None, replay=None, seed=None,
                 **kwargs):
        # -- arguments --
        image_shape = validation.check_image_shape(image_shape, add_channel=True)
        latent_dim = validation.check_positive_int(latent_dim, "latent_dim")
        generator_filters = validation.check_int_sequence(
            generator_filters, "generator_filters", allow_empty=False)
        discriminator_filters = validation.check_int_sequence(
            discriminator_filters, "discriminator_filters", allow_empty=False)
        kernel_size = validation.check_positive_int(kernel_size, "kernel_size")
        generator_base_convs = validation.check_int_sequence(generator_base_convs,
                                                             "generator_base_convs")
        validation.check_choice(minibatch, "minibatch", networks.MINIBATCH_CHOICES)
        validation.check_choice(discriminator_norm, "discriminator_norm", networks.NORM_CHOICES)
        minibatch_kernels = validation.check_positive_int(minibatch_kernels, "minibatch_kernels")
        minibatch_kernel_dim = validation.check_positive_int(minibatch_kernel_dim,
                                                             "minibatch_kernel_dim")
        group_size = validation.check_positive_int(group_size, "group_size")
        dropout = validation.check_fraction(dropout, "dropout", inclusive_high=False)
        seed = validation.check_seed(seed)
        # -- networks --
        generator = networks.build_generator(image_shape, latent_dim, generator_filters,
                                             kernel_size, base_convs=generator_base_convs,
                                             seed=seed)
        discriminator = networks.build_discriminator(
            image_shape, discriminator_filters, kernel_size, norm=discriminator_norm,
            minibatch=minibatch, minibatch_kernels=minibatch_kernels,
            minibatch_kernel_dim=minibatch_kernel_dim, group_size=group_size, dropout=dropout,
            seed=seed)
        super().__init__(generator, discriminator, latent_dim, ema=ema, replay=replay, seed=seed,
                         **kwargs)
        # -- config --
        self.generator_filters = generator_filters
        self.discriminator_filters = discriminator_filters
        self.kernel_size = kernel_size
        self.generator_base_convs = generator_base_convs
        self.minibatch = minibatch
        self.minibatch_kernels = minibatch_kernels
        self.minibatch_kernel_dim = minibatch_kernel_dim
        self.group_size = group_size
        self.discriminator_norm = discriminator_norm
        self.dropout = dropout

    def get_config(self):
        config = self.gan_config()
        config.update(
            image_shape=list(self.image_shape), generator_filters=list(self.generator_filters),
            discriminator_filters=list(self.discriminator_filters), kernel_size=self.kernel_size,
            generator_base_convs=list(self.generator_base_convs),
            minibatch=self.minibatch, minibatch_kernels=self.minibatch_kernels,
            minibatch_kernel_dim=self.minibatch_kernel_dim, group_size=self.group_size,
            discriminator_norm=self.discriminator_norm, dropout=self.dropout)
        return config
