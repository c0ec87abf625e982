"""Export a preset for serving and mobile: SavedModel and TFLite (LiteRT).

    python tools/export.py stylegan --out out/stylegan --tflite --quantize float16

Same as `keras-gen export`; prints files, sizes, the largest difference from
Keras on fresh random inputs, and latency per call.
"""

import os
import sys

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

if __name__ == "__main__":
    from keras_gen import cli

    sys.exit(cli.main(["export", *sys.argv[1:]]))
