"""Quality floor of issue #8: StyleGAN grown 4x4 -> 32x32 on the 4,000 training digits.

Trains `stylegan_mnist_32` with one `fit` call (the ProGAN schedule), then
reports the Frechet distance (digit features, 1,000 samples vs the 1,000 test
digits) and mode coverage at truncation psi = 1.0, 0.7 and 0.5, the time of every
phase and the machine load; writes `docs/results/stylegan.json` and the sample
grid, growth strip, truncation sweep and style-mixing grid PNGs.

    .venv/bin/python tools/floors_stylegan.py
    .venv/bin/python tools/floors_stylegan.py --phase-images 4000 --minutes 20

Floor: Frechet distance below the DCGAN preset's and all 10 classes within 60
minutes on 2 cores.
"""

import json
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

from floors_progan import base_parser, run_floor  # noqa: E402

FLOOR = {"frechet_distance": "below dcgan_mnist_28", "classes_covered": 10, "minutes": 60.0}
PSIS = (1.0, 0.7, 0.5)
MIX_ROWS, MIX_COLUMNS = 5, 6


def dcgan_frechet_distance():
    """The shipped DCGAN preset's measured Frechet distance (None if not shipped)."""
    import keras_gen as kg

    measured = kg.zoo.metadata("dcgan_mnist_28").get("metrics", {}).get("frechet_distance")
    return None if measured is None else float(measured)


def style_evaluation(images_dir):
    """Truncation sweep (numbers and PNG) and style-mixing grid of a trained StyleGAN."""

    def evaluate(model, spec, real):
        import keras_gen as kg
        from keras_gen.metrics import generator_quality

        sweep = {}
        for psi in PSIS:
            quality = generator_quality.image_quality(real, model.generate(1000, seed=0,
                                                                    truncation_psi=psi))
            sweep[str(psi)] = {k: v for k, v in quality.items()}
            print(f"psi={psi}: Frechet distance {quality['frechet_distance']:.2f}, "
                  f"{quality['classes_covered']} classes", flush=True)
        out = {"truncation_sweep": sweep}
        reference = dcgan_frechet_distance()
        out["dcgan_frechet_distance"] = reference
        if images_dir:
            folder = Path(images_dir)
            rows = [model.generate(8, seed=7, truncation_psi=psi) for psi in (1.0, 0.7, 0.5, 0.0)]
            # one column per psi (1, 0.7, 0.5, 0), one row per latent
            kg.plot.save_grid(np.stack(rows, axis=1).reshape(-1, *rows[0].shape[1:]),
                              folder / "stylegan_truncation.png", columns=4, scale=3)
            rng = np.random.default_rng(3)
            coarse = rng.normal(size=(MIX_ROWS, model.latent_dim)).astype("float32")
            fine = rng.normal(size=(MIX_COLUMNS, model.latent_dim)).astype("float32")
            crossover = model.num_ws // 2  # 4x4 and 8x8 styles from the row's latent
            blank = np.ones((1, *model.generate(1, seed=0).shape[1:]), "float32")
            tiles = [blank, model.mix(fine, fine, model.num_ws)]
            for i in range(MIX_ROWS):
                tiles.append(model.mix(coarse[i:i + 1], coarse[i:i + 1], model.num_ws))
                tiles.append(model.mix(np.repeat(coarse[i:i + 1], MIX_COLUMNS, axis=0), fine,
                                       crossover))
            kg.plot.save_grid(np.concatenate(tiles), folder / "stylegan_mixing.png",
                              columns=MIX_COLUMNS + 1, scale=3)
            out["mixing_crossover"] = crossover
        return out

    return evaluate


def main(argv=None):
    args = base_parser(__doc__, "stylegan_mnist_32", FLOOR["minutes"], "stylegan.json") \
        .parse_args(argv)
    results = run_floor(args, floor=FLOOR, image_prefix="stylegan",
                        extra_evaluation=style_evaluation(args.images))
    reference = results.get("dcgan_frechet_distance")
    metrics = results["metrics"]
    passes = (reference is not None and metrics["frechet_distance"] < reference
              and metrics["classes_covered"] >= FLOOR["classes_covered"]
              and results["train_minutes"] <= FLOOR["minutes"]
              and results["final_resolution_reached"])
    results["passes_floor"] = bool(passes)
    Path(args.out).write_text(json.dumps(results, indent=2, default=float) + "\n")
    print(f"passes floor: {passes} (DCGAN reference: {reference})")
    return results


if __name__ == "__main__":
    main()
