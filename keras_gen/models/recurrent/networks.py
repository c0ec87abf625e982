"""Sequence-to-vector encoder and vector-to-sequence decoder of the recurrent autoencoder."""

import keras

CELLS = {"lstm": keras.layers.LSTM, "gru": keras.layers.GRU}


def sequence_encoder(inputs, units, code_dim, cell, code_activation, name="encoder"):
    """`(batch, timesteps, features)` -> `(batch, code_dim)`.

    Stacked recurrent layers (all but the last return sequences); the last
    layer's final output goes through a Dense code layer.
    """
    layer_class = CELLS[cell]
    x = inputs
    for i, u in enumerate(units):
        x = layer_class(u, return_sequences=i < len(units) - 1, name=f"{name}_{cell}_{i}")(x)
    return keras.layers.Dense(code_dim, activation=code_activation, name=f"{name}_code")(x)


def sequence_decoder(code, units, timesteps, features, cell, output_activation,
                     name="decoder"):
    """`(batch, code_dim)` -> `(batch, timesteps, features)`.

    The code is repeated at every time step and fed to stacked recurrent
    layers (`units` reversed); a Dense layer applied per step gives the features.
    """
    layer_class = CELLS[cell]
    x = keras.layers.RepeatVector(timesteps, name=f"{name}_repeat")(code)
    for i, u in enumerate(reversed(units)):
        x = layer_class(u, return_sequences=True, name=f"{name}_{cell}_{i}")(x)
    return keras.layers.Dense(features, activation=output_activation, dtype="float32",
                              name=f"{name}_output")(x)
