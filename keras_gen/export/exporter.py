"""`kg.export.export`: SavedModel + one `.tflite` per serving function, checked.

The SavedModel carries every serving function as a named signature. Each
`.tflite` is converted from that SavedModel (`conversion`), optionally
quantized (int8: `calibration`), then run with `ai_edge_litert` on fresh
random inputs (`tflite_runner`) and compared with the Keras model; each carries
its own sha256 (`digests`). Everything is written into a temporary folder that
is renamed into place only when complete.

An existing `out_dir` is refused unless it is empty or `overwrite=True`; an
export folder of ours (its `report.json` lists what it holds, `export_folder`)
is then replaced, anything else is moved to `out_dir.bak` and kept (see `export`).

The measured differences and MSEs of the pretrained presets per quantization
are in docs/export.md ("Floors (tested)").
"""

import functools
import json
import os
import statistics
import time
from pathlib import Path

import numpy as np

from keras_gen.core import safe_io
from keras_gen.export.calibration import (
    CALIBRATION_SAMPLES,
    INT8_TYPE,
    MIN_INT8_SCALE,
    PRESET_CALIBRATION_EXAMPLES,
    check_representative_data,
    degenerate_int8_tensors,
    preset_calibration_data,
)
from keras_gen.export.conversion import UNSAFE_INT8_OPS, convert, tflite_ops, trace_functions
from keras_gen.export.digests import (
    TFLITE_DIGEST_NAME,
    TFLITE_IDENTIFIER,
    add_tflite_digest,
    check_tflite_digest,
)
from keras_gen.export.export_folder import (
    REPORT_FILE,
    SAVED_MODEL_DIR,
    ExportedFile,
    ExportReport,
    check_out_dir,
    dir_size,
    export_files,
)
from keras_gen.export.tflite_runner import TFLiteRunner, first_output, run_tflite
from keras_gen.models.serving import serving_functions

# The names of the export package's modules, importable from here too.
__all__ = ["CALIBRATION_SAMPLES", "FORMATS", "INT8_TYPE", "LATENCY_RUNS", "MIN_INT8_SCALE",
           "PRESET_CALIBRATION_EXAMPLES", "QUANTIZATIONS", "REPORT_FILE", "SAVED_MODEL_DIR",
           "TFLITE_DIGEST_NAME", "TFLITE_IDENTIFIER", "UNSAFE_INT8_OPS", "ExportReport",
           "ExportedFile", "TFLiteRunner", "add_tflite_digest", "check_out_dir",
           "check_tflite_digest", "degenerate_int8_tensors", "export", "export_files",
           "preset_calibration_data", "run_tflite", "tflite_ops"]

FORMATS = ("saved_model", "tflite")
QUANTIZATIONS = (None, "float16", "int8")
LATENCY_RUNS = 30


def _median_ms(call, runs=LATENCY_RUNS):
    call()  # warm-up (tracing, allocation)
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        call()
        times.append((time.perf_counter() - start) * 1e3)
    return statistics.median(times)


def _check_options(formats, quantize):
    unknown = [f for f in formats if f not in FORMATS]
    if unknown or not formats:
        raise ValueError(f"formats must be a non-empty subset of {FORMATS}, got {formats!r}.")
    if quantize not in QUANTIZATIONS:
        raise ValueError(f"quantize must be one of {QUANTIZATIONS}, got {quantize!r}.")
    if quantize and "tflite" not in formats:
        raise ValueError("quantize applies to TFLite files: add 'tflite' to formats.")


def _chosen_functions(available, functions):
    """`{name: ServingFunction}` of the names asked for (None: all of `available`)."""
    if functions is None:
        return available
    names = [functions] if isinstance(functions, str) else list(functions)
    unknown = [n for n in names if n not in available]
    if unknown or not names:
        raise ValueError(f"functions must be a non-empty subset of {sorted(available)}, "
                         f"got {functions!r}.")
    return {n: available[n] for n in names}


def _save_model(model, traced, saved_dir):
    """Write a SavedModel with one signature per traced function; returns it loaded back."""
    import tensorflow as tf

    module = tf.Module()
    for name, fn in traced.items():
        setattr(module, name, fn)
    module.model = model
    # Keras seed generators (dropout, augmentation) are not tracked through the
    # model object; listing every variable keeps them reachable for saving.
    module.all_variables = list(model.variables)
    tf.saved_model.save(module, str(saved_dir),
                        signatures={n: f.get_concrete_function() for n, f in traced.items()})
    return tf.saved_model.load(str(saved_dir))


def export(model_or_preset, out_dir, formats=FORMATS, quantize=None, representative_data=None,
           batch_size=1, seed=0, verbose=True, functions=None, overwrite=False):
    """Export a model's serving functions and check the results.

    Args:
        model_or_preset: a keras_gen model, or a preset name/path/URL for
            `kg.zoo.load`.
        out_dir: folder to create, written atomically (a temporary folder
            renamed into place when complete). It may exist only as an empty
            folder, unless `overwrite`.
        formats: any of "saved_model", "tflite" (the `.tflite` files are
            converted from the SavedModel, which is always built).
        quantize: None (float32), "float16", or "int8" (weights and
            activations int8, inputs and outputs float32; calibrated on
            `representative_data`).
        representative_data: array of real examples `(n, *example_shape)`
            for int8 calibration. Default for a preset name: 500 of the
            preset's training examples (so its test split stays held out).
            For a model object there is no default: functions are then
            calibrated on random inputs, with a warning. A function whose
            input has another shape (a generator's latents, a decoder's
            codes) is calibrated on its own draws or on inputs derived from
            the data (`ServingFunction.calibrate`, e.g. encoder codes).
        batch_size: static batch size of the exported functions.
        seed: seed of the random test inputs.
        verbose: print the report table.
        functions: names of the serving functions to export (default: all
            the model names), e.g. `("reconstruct",)`.
        overwrite: False (default): an existing `out_dir` that is not an
            empty folder raises `kg.zoo.TargetExistsError` (a `ValueError`)
            before anything is traced. True: an export folder `export` wrote
            is replaced (the old one renamed `out_dir.bak` until the new one
            is complete, then removed; kept with a `BackupKeptWarning` if it
            also held files `export` did not write); anything else at
            `out_dir` (a folder of other files, a file) is moved to
            `out_dir.bak` (or the first free `out_dir.bakN`) and kept, with a
            `BackupKeptWarning`. Nothing keras_gen did not write is deleted.

    Returns:
        An `ExportReport`: files, sizes, largest |TFLite - Keras| difference
        on fresh random inputs, and median latency per call.
    """
    import tensorflow as tf

    _check_options(formats, quantize)
    check_out_dir(out_dir, overwrite)
    model = model_or_preset
    if isinstance(model_or_preset, (str, os.PathLike)):
        from keras_gen import zoo

        model = zoo.load(str(model_or_preset), compile=False)
        if quantize == "int8" and representative_data is None:
            representative_data = preset_calibration_data(str(model_or_preset))
    functions = _chosen_functions(serving_functions(model, batch_size=batch_size), functions)
    if quantize == "int8":
        representative_data = check_representative_data(representative_data, functions)
    traced = trace_functions(functions, model, unroll=quantize == "int8")
    rng = np.random.default_rng(seed)
    out_dir = Path(out_dir)
    files = []
    keras_latency = {}
    with safe_io.atomic_directory(out_dir, overwrite, ours=export_files,
                                  what="export folder") as tmp:
        saved_dir = tmp / SAVED_MODEL_DIR
        loaded = _save_model(model, traced, saved_dir)
        for name, serving in functions.items():
            inputs = serving.random_inputs(rng)
            expected = first_output(traced[name](*inputs))
            keras_latency[name] = _median_ms(functools.partial(traced[name], *inputs))
            if "saved_model" in formats:
                signature = loaded.signatures[name]
                kwargs = {arg: tf.constant(v) for (arg, _, _), v in zip(serving.inputs, inputs)}
                got = first_output(signature(**kwargs))
                files.append(ExportedFile(name, "saved_model", str(out_dir / SAVED_MODEL_DIR),
                                          0, float(np.max(np.abs(got - expected))),
                                          _median_ms(functools.partial(signature, **kwargs))))
            if "tflite" in formats:
                content = add_tflite_digest(
                    convert(loaded, name, quantize, serving, representative_data, rng))
                suffix = f"_{quantize}" if quantize else ""
                path = tmp / f"{name}{suffix}.tflite"
                with safe_io.atomic_path(path) as part:
                    part.write_bytes(content)
                runner = TFLiteRunner(path)
                feed = {arg: v for (arg, _, _), v in zip(serving.inputs, inputs)}
                missing = set(feed) - set(runner.input_names)
                if missing:
                    raise ValueError(f"TFLite signature {name!r} lacks inputs {sorted(missing)}.")
                got = runner(**feed)
                files.append(ExportedFile(
                    name, "tflite", str(out_dir / path.name), len(content),
                    float(np.max(np.abs(got - expected))),
                    _median_ms(functools.partial(runner, **feed)),
                    quantize))
        saved_size = dir_size(saved_dir)
        for f in files:
            if f.format == "saved_model":
                f.size_bytes = saved_size
        if "saved_model" not in formats:
            import shutil

            shutil.rmtree(saved_dir)
        report = ExportReport(str(out_dir), files, keras_latency)
        safe_io.write_text_atomic(tmp / REPORT_FILE, json.dumps(report.as_dict(), indent=2))
    if verbose:
        print(report)
    return report
