"""Pictures: grids, rows, latent scatter, interpolation, training curves."""

import numpy as np
import pytest
from PIL import Image

import keras_gen as kg


def test_grid_and_rows(tmp_path):
    images = np.random.default_rng(0).uniform(size=(10, 5, 6, 1))
    canvas = kg.plot.grid(images, columns=5, padding=1)
    assert canvas.shape == (2 * 6 + 1, 5 * 7 + 1, 1) and canvas.dtype == np.uint8
    path = kg.plot.save_rows([images[:5], images[5:]], tmp_path / "rows.png", scale=2)
    assert Image.open(path).size == ((5 * 7 + 1) * 2, (2 * 6 + 1) * 2)
    with pytest.raises(ValueError, match="same length"):
        kg.plot.save_rows([images[:5], images[:4]], tmp_path / "bad.png")
    with pytest.raises(ValueError, match="expected images of shape"):
        kg.plot.grid(np.zeros((2, 4, 4, 2)))


def test_latent_scatter_interpolation_and_curves(tmp_path):
    rng = np.random.default_rng(0)
    kg.plot.latent_scatter(rng.normal(size=(100, 5)), rng.integers(0, 10, 100), tmp_path / "s.png")
    assert Image.open(tmp_path / "s.png").size[0] > 100
    line = kg.plot.interpolate(np.zeros(3), np.ones(3), steps=5)
    np.testing.assert_allclose(line[2], 0.5)
    arc = kg.plot.interpolate(np.array([1.0, 0.0]), np.array([0.0, 1.0]), 3, spherical=True)
    np.testing.assert_allclose(np.linalg.norm(arc, axis=1), 1.0, rtol=1e-6)
    kg.plot.interpolation_strip(lambda z: np.tile(z[:, :1, None, None], (1, 4, 4, 1)),
                                np.zeros(2), np.ones(2), tmp_path / "i.png", steps=4)
    kg.plot.training_curves({"loss": [3, 2, 1], "val_loss": [3.5, 2.5, 2]}, tmp_path / "c.png")
    assert (tmp_path / "c.png").stat().st_size > 1000
    with pytest.raises(ValueError, match="no logged values"):
        kg.plot.training_curves({}, tmp_path / "e.png")
