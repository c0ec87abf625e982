"""DenseTranspose: a decoder layer tied to an encoder Dense layer."""

import keras
from keras import ops


@keras.saving.register_keras_serializable(package="keras_gen")
class DenseTranspose(keras.layers.Layer):
    """A Dense layer that reuses another Dense layer's kernel, transposed.

    With a tied `Dense(units)` of kernel `W` `(input_dim, units)`, this layer
    maps `(batch, units)` to `(batch, input_dim)` as `activation(x @ W.T + b)`.
    Only its bias `(input_dim,)` is new, so a tied autoencoder has exactly the
    encoder kernels' parameter count fewer than an untied one, and encoder and
    decoder share one set of filters (the classic tied-weights autoencoder).

    The tied layer is tracked as a sub-layer, so a `DenseTranspose` rebuilt on
    its own from its config owns a fresh copy; inside a model the shared kernel
    is stored once.

    Args:
        dense: the `keras.layers.Dense` layer to tie to (built or not).
        activation: activation name. Defaults to `None` (linear).
        use_bias: bool. Add a new bias vector. Defaults to `True`.
        units: int or None. Output size (the tied layer's input size); only
            needed to build an unbuilt tied layer, found from it otherwise.

    Example:
        >>> dense = keras.layers.Dense(30)
        >>> code = dense(keras.Input((784,)))
        >>> out = kg.layers.DenseTranspose(dense, activation="sigmoid")(code)  # (None, 784)
    """

    def __init__(self, dense, activation=None, use_bias=True, units=None, **kwargs):
        super().__init__(**kwargs)
        if isinstance(dense, dict):
            dense = keras.saving.deserialize_keras_object(dense)
        if not isinstance(dense, keras.layers.Dense):
            raise ValueError(
                f"DenseTranspose: dense must be a keras.layers.Dense layer, got {dense!r}.")
        self.dense = dense
        self.activation = keras.activations.get(activation)
        self.use_bias = bool(use_bias)
        if dense.built:
            units = int(dense.kernel.shape[0])
        self.units = units

    def build(self, input_shape):
        if input_shape[-1] is not None and input_shape[-1] != self.dense.units:
            raise ValueError(
                f"DenseTranspose: inputs must have {self.dense.units} features (the tied "
                f"layer's units), got shape {tuple(input_shape)}.")
        if not self.dense.built:
            if self.units is None:
                raise ValueError("DenseTranspose: the tied Dense layer is not built; pass units=.")
            self.dense.build((None, self.units))
        self.units = int(self.dense.kernel.shape[0])
        self.bias = (self.add_weight(name="bias", shape=(self.units,), initializer="zeros")
                     if self.use_bias else None)

    def call(self, inputs):
        outputs = ops.matmul(inputs, ops.transpose(self.dense.kernel))
        if self.bias is not None:
            outputs = outputs + self.bias
        return self.activation(outputs)

    def compute_output_shape(self, input_shape):
        return (*input_shape[:-1], self.units)

    def get_config(self):
        config = super().get_config()
        config.update({
            "dense": keras.saving.serialize_keras_object(self.dense),
            "activation": keras.activations.serialize(self.activation),
            "use_bias": self.use_bias,
            "units": self.units,
        })
        return config
