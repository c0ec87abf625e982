"""keras_gen.layers: the building blocks the families share (Keras layers, serializable)."""
from keras_gen.layers.dense_transpose import DenseTranspose  # noqa: E402,F401
from keras_gen.layers.equalized import EqualizedConv2D, EqualizedDense  # noqa: E402,F401
from keras_gen.layers.fade_in import FadeIn  # noqa: E402,F401
from keras_gen.layers.minibatch import MinibatchDiscrimination, MinibatchStdDev  # noqa: E402,F401
from keras_gen.layers.pixel_norm import PixelNorm  # noqa: E402,F401
from keras_gen.layers.sampling import Sampling  # noqa: E402,F401
from keras_gen.layers.style import ConstantInput, ModulatedConv2D, NoiseInjection  # noqa: E402,F401
from keras_gen.layers.transposed_conv import Conv2DTranspose  # noqa: E402,F401
