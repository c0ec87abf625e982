"""Export a preset for serving and mobile: SavedModel and TFLite (LiteRT).

    python tools/export.py stylegan --out out/stylegan --tflite --quantize float16

Same as `keras-gen export`; prints files, sizes, the largest difference from
Keras on fresh random inputs, and latency per call. `--overwrite` replaces an
earlier export in the same folder.

`--quantize int8` calibrates on 500 of the preset's training examples (the test
split stays held out; `tests/test_export_int8_floor.py` checks the issue #11
floor on it). Recurrent layers are unrolled for int8: the TFLite calibrator
crashes (SIGSEGV) on their WHILE loop. StyleGAN's `generate.tflite` takes
`z`, `truncation_psi` (shape (1,)) and one noise input per resolution.
"""

import os
import sys

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

if __name__ == "__main__":
    from keras_gen import cli

    sys.exit(cli.main(["export", *sys.argv[1:]]))
