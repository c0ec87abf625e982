"""`kg.export.export`: SavedModel + one `.tflite` per serving function, checked.

The SavedModel carries every serving function as a named signature. Each
`.tflite` is converted from that SavedModel with builtin ops only (no Flex /
SELECT_TF_OPS, so it runs on a phone's plain interpreter), optionally
quantized, then run with `ai_edge_litert` on fresh random inputs and compared
with the Keras model. Everything is written into a temporary folder that is
renamed into place only when complete.
"""

import dataclasses
import json
import os
import statistics
import time
from pathlib import Path

import numpy as np

from keras_gen import _io
from keras_gen.export.serving import serving_functions

FORMATS = ("saved_model", "tflite")
QUANTIZATIONS = (None, "float16", "int8")
LATENCY_RUNS = 30


@dataclasses.dataclass
class ExportedFile:
    """One exported artefact and what was measured on it."""

    function: str
    format: str
    path: str
    size_bytes: int
    max_abs_diff: float = None
    latency_ms: float = None
    quantize: str = None


@dataclasses.dataclass
class ExportReport:
    """What `export` wrote and measured; `str(report)` is a table."""

    out_dir: str
    files: list
    keras_latency_ms: dict

    def as_dict(self):
        return {"out_dir": self.out_dir, "keras_latency_ms": self.keras_latency_ms,
                "files": [dataclasses.asdict(f) for f in self.files]}

    def __str__(self):
        rows = [("function", "format", "quantize", "size", "max |diff|", "latency ms", "file")]
        for name, ms in self.keras_latency_ms.items():
            rows.append((name, "keras", "-", "-", "0", f"{ms:.3f}", "-"))
        for f in self.files:
            rows.append((f.function, f.format, f.quantize or "-", _size(f.size_bytes),
                         "-" if f.max_abs_diff is None else f"{f.max_abs_diff:.2e}",
                         "-" if f.latency_ms is None else f"{f.latency_ms:.3f}",
                         os.path.relpath(f.path, self.out_dir)))
        widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
        return "\n".join("  ".join(c.ljust(w) for c, w in zip(r, widths)).rstrip() for r in rows)


def _size(n):
    return f"{n / 1e6:.2f} MB" if n >= 1e5 else f"{n / 1e3:.1f} kB"


def _dir_size(path):
    return sum(p.stat().st_size for p in Path(path).rglob("*") if p.is_file())


def _median_ms(call, runs=LATENCY_RUNS):
    call()  # warm-up (tracing, allocation)
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        call()
        times.append((time.perf_counter() - start) * 1e3)
    return statistics.median(times)


def _first_output(value):
    if isinstance(value, dict):
        value = value[sorted(value)[0]]
    if isinstance(value, (list, tuple)):
        value = value[0]
    return np.asarray(value)


def _tf_functions(functions):
    import tensorflow as tf

    traced = {}
    for name, serving in functions.items():
        specs = [tf.TensorSpec(shape, dtype, name=arg) for arg, shape, dtype in serving.inputs]
        traced[name] = tf.function(serving.fn, input_signature=specs, autograph=False)
    return traced


def _representative(serving, data, rng, count=100):
    """A generator of calibration inputs for int8: real data where it fits."""
    def generate():
        for i in range(count):
            inputs = serving.random_inputs(rng)
            if data is not None and len(serving.inputs) == 1:
                shape = serving.inputs[0][1]
                if tuple(data.shape[1:]) == tuple(shape[1:]):
                    inputs = [np.asarray(data[i % len(data)][None].repeat(shape[0], 0), "float32")]
            yield inputs
    return generate


def _convert(loaded, signature, quantize, serving, data, rng):
    """Convert one signature of a loaded SavedModel to a `.tflite` flatbuffer.

    Converting the loaded concrete function (rather than `from_saved_model`)
    freezes Keras 3 variables into constants; `from_saved_model` left
    READ_VARIABLE ops that read uninitialised resources (measured here: zeros
    and garbage instead of the model's outputs).
    """
    import tensorflow as tf

    converter = tf.lite.TFLiteConverter.from_concrete_functions(
        [loaded.signatures[signature]], loaded)
    converter.target_spec.supported_ops = [tf.lite.OpsSet.TFLITE_BUILTINS]
    if quantize == "float16":
        converter.optimizations = [tf.lite.Optimize.DEFAULT]
        converter.target_spec.supported_types = [tf.float16]
    elif quantize == "int8":
        converter.optimizations = [tf.lite.Optimize.DEFAULT]
        converter.representative_dataset = _representative(serving, data, rng)
        converter.target_spec.supported_ops = [tf.lite.OpsSet.TFLITE_BUILTINS_INT8,
                                               tf.lite.OpsSet.TFLITE_BUILTINS]
    try:
        return converter.convert()
    except Exception as error:  # the converter raises many types
        raise ValueError(
            f"cannot convert serving function {signature!r} to TFLite with builtin ops only "
            f"({type(error).__name__}: {str(error).splitlines()[0][:300]})."
        ) from error


class TFLiteRunner:
    """A `.tflite` file loaded with ai_edge_litert's builtin op resolver (no Flex).

    Call it with keyword arrays named like the serving function's inputs; it
    returns the first output as numpy. The interpreter is kept alive with it
    (its output buffers belong to the interpreter).
    """

    def __init__(self, path_or_bytes):
        from ai_edge_litert.interpreter import Interpreter, OpResolverType

        kwargs = ({"model_content": path_or_bytes} if isinstance(path_or_bytes, bytes)
                  else {"model_path": str(path_or_bytes)})
        try:
            self.interpreter = Interpreter(
                experimental_op_resolver_type=OpResolverType.BUILTIN, **kwargs)
        except ValueError as error:
            raise ValueError(f"cannot load TFLite model {path_or_bytes if not isinstance(path_or_bytes, bytes) else '<bytes>'}: "
                             f"{error}") from error
        signatures = self.interpreter.get_signature_list()
        self.signature = next(iter(signatures))
        self.input_names = sorted(signatures[self.signature]["inputs"])
        self._runner = self.interpreter.get_signature_runner(self.signature)

    def __call__(self, **inputs):
        return _first_output({k: np.copy(v) for k, v in self._runner(**inputs).items()})


def run_tflite(path_or_bytes, **inputs):
    """Load a `.tflite` and run it once on keyword inputs; returns numpy output."""
    return TFLiteRunner(path_or_bytes)(**inputs)


def export(model_or_preset, out_dir, formats=FORMATS, quantize=None, representative_data=None,
           batch_size=1, seed=0, verbose=True):
    """Export a model's serving functions and check the results.

    Args:
        model_or_preset: a keras_gen model, or a preset name/path/URL for
            `kg.zoo.load`.
        out_dir: folder to create (replaced atomically if it exists).
        formats: any of "saved_model", "tflite" (the `.tflite` files are
            converted from the SavedModel, which is always built).
        quantize: None (float32), "float16", or "int8" (calibrated on
            `representative_data`, default: the preset's own test data).
        representative_data: array of real examples for int8 calibration.
        batch_size: static batch size of the exported functions.
        seed: seed of the random test inputs.
        verbose: print the report table.

    Returns:
        An `ExportReport`: files, sizes, largest |TFLite - Keras| difference
        on fresh random inputs, and median latency per call.
    """
    import tensorflow as tf

    unknown = [f for f in formats if f not in FORMATS]
    if unknown or not formats:
        raise ValueError(f"formats must be a non-empty subset of {FORMATS}, got {formats!r}.")
    if quantize not in QUANTIZATIONS:
        raise ValueError(f"quantize must be one of {QUANTIZATIONS}, got {quantize!r}.")
    if quantize and "tflite" not in formats:
        raise ValueError("quantize applies to TFLite files: add 'tflite' to formats.")
    model = model_or_preset
    if isinstance(model_or_preset, (str, os.PathLike)):
        from keras_gen import zoo

        model = zoo.load(str(model_or_preset), compile=False)
        if quantize == "int8" and representative_data is None:
            representative_data = _preset_test_data(str(model_or_preset))
    functions = serving_functions(model, batch_size=batch_size)
    traced = _tf_functions(functions)
    rng = np.random.default_rng(seed)
    out_dir = Path(out_dir)
    files = []
    keras_latency = {}
    with _io.atomic_directory(out_dir) as tmp:
        saved_dir = tmp / "saved_model"
        module = tf.Module()
        for name, fn in traced.items():
            setattr(module, name, fn)
        module.model = model
        # Keras seed generators (dropout, augmentation) are not tracked through the
        # model object; listing every variable keeps them reachable for saving.
        module.all_variables = list(model.variables)
        tf.saved_model.save(module, str(saved_dir),
                            signatures={n: f.get_concrete_function() for n, f in traced.items()})
        loaded = tf.saved_model.load(str(saved_dir))
        for name, serving in functions.items():
            inputs = serving.random_inputs(rng)
            expected = _first_output(traced[name](*inputs))
            keras_latency[name] = _median_ms(lambda: traced[name](*inputs))
            if "saved_model" in formats:
                signature = loaded.signatures[name]
                kwargs = {arg: tf.constant(v) for (arg, _, _), v in zip(serving.inputs, inputs)}
                got = _first_output(signature(**kwargs))
                files.append(ExportedFile(name, "saved_model", str(out_dir / "saved_model"),
                                          0, float(np.max(np.abs(got - expected))),
                                          _median_ms(lambda: signature(**kwargs))))
            if "tflite" in formats:
                content = _convert(loaded, name, quantize, serving, representative_data, rng)
                suffix = f"_{quantize}" if quantize else ""
                path = tmp / f"{name}{suffix}.tflite"
                with _io.atomic_path(path) as part:
                    part.write_bytes(content)
                runner = TFLiteRunner(path)
                feed = {arg: v for (arg, _, _), v in zip(serving.inputs, inputs)}
                missing = set(feed) - set(runner.input_names)
                if missing:
                    raise ValueError(f"TFLite signature {name!r} lacks inputs {sorted(missing)}.")
                got = runner(**feed)
                files.append(ExportedFile(
                    name, "tflite", str(out_dir / path.name), len(content),
                    float(np.max(np.abs(got - expected))), _median_ms(lambda: runner(**feed)),
                    quantize))
        saved_size = _dir_size(saved_dir)
        for f in files:
            if f.format == "saved_model":
                f.size_bytes = saved_size
        if "saved_model" not in formats:
            import shutil

            shutil.rmtree(saved_dir)
        report = ExportReport(str(out_dir), files, keras_latency)
        _io.write_text_atomic(tmp / "report.json", json.dumps(report.as_dict(), indent=2))
    if verbose:
        print(report)
    return report


def _preset_test_data(name):
    from keras_gen import data, zoo

    try:
        spec = zoo.get(name)
    except KeyError:
        return None
    kwargs = {k: v for k, v in spec.data.items() if k != "name"}
    x, _ = data.load_arrays(spec.data["name"], "test", **kwargs)
    return x[:100]
