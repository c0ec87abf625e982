"""SampleGrid: PNG per chosen epoch from fixed latents, TensorBoard images, errors."""

import os

import keras
import numpy as np
import pytest
from PIL import Image

import keras_gen as kg


def tiny_gan():
    gan = kg.models.DCGAN((8, 8, 1), latent_dim=4, generator_filters=(4,),
                          discriminator_filters=(4,), seed=0)
    gan.compile()
    return gan


def test_grids_every_n_epochs_plus_the_last_and_tensorboard_images(tmp_path):
    gan = tiny_gan()
    grid = kg.callbacks.SampleGrid(str(tmp_path / "grid_{epoch:02d}.png"), every=2, n=4, scale=1)
    board = keras.callbacks.TensorBoard(str(tmp_path / "logs"), write_graph=False)
    gan.fit(gan.example_data(8), batch_size=8, epochs=3, verbose=0, callbacks=[grid, board])
    assert [os.path.basename(p) for p in grid.written] == ["grid_02.png", "grid_03.png"]
    picture = np.asarray(Image.open(grid.written[-1]))
    assert picture.shape == (2 * 9 + 1, 2 * 9 + 1)  # 2x2 tiles of 8 px, 1 px padding
    np.testing.assert_array_equal(grid.images(), gan.generate(4, seed=0))  # fixed latents
    events = os.listdir(tmp_path / "logs" / "samples")
    assert any(name.startswith("events.out.tfevents") for name in events)


def test_without_tensorboard_only_png_and_config_round_trip(tmp_path):
    gan = tiny_gan()
    grid = kg.callbacks.SampleGrid(str(tmp_path / "last.png"), n=2)
    gan.fit(gan.example_data(8), batch_size=8, epochs=1, verbose=0, callbacks=[grid])
    assert os.path.exists(tmp_path / "last.png") and not os.path.exists(tmp_path / "samples")
    clone = kg.callbacks.SampleGrid(**grid.get_config())
    assert clone.get_config() == grid.get_config()


def test_clear_errors():
    with pytest.raises(ValueError, match="every"):
        kg.callbacks.SampleGrid("a.png", every=0)
    with pytest.raises(ValueError, match="epoch"):
        kg.callbacks.SampleGrid("a_{step}.png")
    with pytest.raises(ValueError, match="seed"):
        kg.callbacks.SampleGrid("a.png", seed=-1)
    model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)])
    model.compile(optimizer="sgd", loss="mse")
    with pytest.raises(ValueError, match="generate"):
        model.fit(np.zeros((4, 2)), np.zeros((4, 1)), epochs=1, verbose=0,
                  callbacks=[kg.callbacks.SampleGrid("a.png")])
