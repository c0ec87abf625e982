"""Export for serving and mobile: SavedModel and TFLite (LiteRT), with a parity check.

    report = kg.export.export(model, "out/vae", formats=("saved_model", "tflite"),
                              quantize="float16")
    print(report)   # files, sizes, max |TFLite - Keras|, latency per call
"""

from keras_gen.export.exporter import (
    FORMATS,
    QUANTIZATIONS,
    ExportReport,
    TFLiteRunner,
    export,
    run_tflite,
)
from keras_gen.models.serving import (
    ServingFunction,
    reconstruction_serving_functions,
    serving_functions,
)

__all__ = ["FORMATS", "QUANTIZATIONS", "ExportReport", "ServingFunction", "TFLiteRunner", "export",
           "reconstruction_serving_functions", "run_tflite", "serving_functions"]
