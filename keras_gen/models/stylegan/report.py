"""Floor-report extras of StyleGAN: the truncation sweep and the style-mixing grid."""

import numpy as np

from keras_gen.models.progressive.report import growth_report

TRUNCATION_PSIS = (1.0, 0.7, 0.5)
PICTURE_PSIS = (1.0, 0.7, 0.5, 0.0)
MIX_ROWS, MIX_COLUMNS = 5, 6


def truncation_sweep(model, spec, psis=TRUNCATION_PSIS, n=1000):
    """`{str(psi): generator quality}` at each truncation psi (1,000 samples, seed 0)."""
    from keras_gen.metrics import generator_quality

    real = generator_quality.test_images(spec)
    return {str(psi): generator_quality.image_quality(
        real, model.generate(n, seed=0, truncation_psi=psi)) for psi in psis}


def mixing_grid(model):
    """Style mixing `(rows, columns)` tiles: the top row gives the fine styles (8x8 and up),
    the left column the coarse ones (4x4 and 8x8 inputs), each cell mixes its row and column.

    Returns images `(1 + MIX_ROWS) * (1 + MIX_COLUMNS)` in [0, 1], the corner blank.
    """
    rng = np.random.default_rng(3)
    coarse = rng.normal(size=(MIX_ROWS, model.latent_dim)).astype("float32")
    fine = rng.normal(size=(MIX_COLUMNS, model.latent_dim)).astype("float32")
    crossover = model.num_ws // 2
    blank = np.ones((1, *model.generate(1, seed=0).shape[1:]), "float32")
    tiles = [blank, model.mix(fine, fine, model.num_ws)]
    for i in range(MIX_ROWS):
        row = coarse[i:i + 1]
        tiles += [model.mix(row, row, model.num_ws),
                  model.mix(np.repeat(row, MIX_COLUMNS, axis=0), fine, crossover)]
    return np.concatenate(tiles)


def style_report(model, spec, images_dir=None):
    """Growth, the truncation sweep and (with `images_dir`) the truncation and mixing PNGs."""
    import keras_gen as kg

    report = {**growth_report(model, spec), "truncation_sweep": truncation_sweep(model, spec)}
    if images_dir is not None:
        rows = [model.generate(8, seed=7, truncation_psi=psi) for psi in PICTURE_PSIS]
        # one column per psi, one row per latent
        strip = np.stack(rows, axis=1).reshape(-1, *rows[0].shape[1:])
        report["pictures"] = [
            str(kg.plot.save_grid(strip, f"{images_dir}/{spec.name}_truncation.png",
                                  columns=len(PICTURE_PSIS), scale=3)),
            str(kg.plot.save_grid(mixing_grid(model), f"{images_dir}/{spec.name}_mixing.png",
                                  columns=MIX_COLUMNS + 1, scale=3))]
    return report
