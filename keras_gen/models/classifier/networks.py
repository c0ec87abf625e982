"""Functional sub-networks of `DigitClassifier`, built in its constructor so
every variable exists before training or loading."""

import keras


def build_feature_extractor(input_shape, filters, feature_dim, dropout):
    """Convolutional stages, global average pooling and the feature layer.

    Each stage is two 3x3 convolutions (batch norm, ReLU) and a 2x2 max-pool.

    Args:
        input_shape: `(height, width, 1)`.
        filters: filters per stage.
        feature_dim: width of the feature (penultimate) layer.
        dropout: dropout rate before and after the feature layer.

    Returns:
        A functional `keras.Model` mapping `(batch, *input_shape)` to
        `(batch, feature_dim)` non-negative features.
    """
    inputs = keras.Input(input_shape, name="images")
    x = inputs
    for stage, width in enumerate(filters):
        for index in range(2):
            x = keras.layers.Conv2D(width, 3, padding="same", use_bias=False,
                                    name=f"stage{stage}_conv{index}")(x)
            x = keras.layers.BatchNormalization(name=f"stage{stage}_bn{index}")(x)
            x = keras.layers.ReLU(name=f"stage{stage}_relu{index}")(x)
        x = keras.layers.MaxPooling2D(2, name=f"stage{stage}_pool")(x)
    x = keras.layers.GlobalAveragePooling2D(name="pool")(x)
    x = keras.layers.Dropout(dropout, name="pool_dropout")(x)
    x = keras.layers.Dense(feature_dim, activation="relu", name="features")(x)
    outputs = keras.layers.Dropout(dropout, name="features_dropout")(x)
    return keras.Model(inputs, outputs, name="feature_extractor")


def build_augmenter(max_shift, max_rotation, seed):
    """Random shifts and rotations of digits (active only with `training=True`).

    Args:
        max_shift: largest shift as a fraction of the image size.
        max_rotation: largest rotation in degrees.
        seed: int or None; the two layers get `seed` and `seed + 1`.

    Returns:
        A `keras.Sequential` of `RandomTranslation` and `RandomRotation`,
        filling uncovered pixels with 0 (background).
    """
    seeds = (None, None) if seed is None else (seed, seed + 1)
    return keras.Sequential([
        keras.layers.RandomTranslation(max_shift, max_shift, fill_mode="constant",
                                       fill_value=0.0, seed=seeds[0]),
        keras.layers.RandomRotation(max_rotation / 360.0, fill_mode="constant",
                                    fill_value=0.0, seed=seeds[1]),
    ], name="augmenter")
