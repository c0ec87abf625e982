"""`kg.export.export`: SavedModel + one `.tflite` per serving function, checked.

The SavedModel carries every serving function as a named signature. Each
`.tflite` is converted from that SavedModel with builtin ops only (no Flex /
SELECT_TF_OPS, so it runs on a phone's plain interpreter), optionally
quantized, then run with `ai_edge_litert` on fresh random inputs and compared
with the Keras model. Everything is written into a temporary folder that is
renamed into place only when complete.

An existing `out_dir` is refused unless it is empty or `overwrite=True`; an
export folder of ours (its `report.json` lists what it holds) is then
replaced, anything else is moved to `out_dir.bak` and kept (see `export`).

int8 and recurrent layers: a Keras RNN (GRU, LSTM) becomes a TFLite WHILE
loop, and int8 calibration of that loop crashes the TFLite calibrator with a
segmentation fault inside `calibrator.FeedTensor` (TensorFlow 2.21; what
`tools/bench.py` reported as "worker crashed (SIGSEGV)" for
`recurrent_ae_mnist_rows`). For int8, recurrent layers are therefore traced
unrolled (the sequence length of an exported function is static): plain
FULLY_CONNECTED / LOGISTIC / TANH ops that quantize like a dense network. Any
graph that still holds a WHILE loop is refused for int8 with a ValueError
before calibration. float32 and float16 keep the loop: measured on
`recurrent_ae_mnist_rows`, unrolling made `reconstruct` 30% larger and about
twice as slow (0.61 vs 0.29 ms per call).

int8 calibration inputs are passed by input name (a list is matched to the
TFLite input tensors by position, which is not the argument order: StyleGAN's
multi-input `generate` failed so).

int8 and activations that are zero on every calibration input (a fresh GRU
with zero biases reading the blank top rows of digits; a fresh StyleGAN's
zero noise strengths): the converter gives them a degenerate scale (~7.8e-9),
and the XNNPACK delegate (the interpreter's default on CPU) then failed to
prepare the full-size untrained `recurrent_ae_mnist_rows` encoder or aborted
the process ("double free", SIGABRT). Such a model is recalibrated once with
random draws added to the data; if degenerate scales remain, it is first run
in a child process: if that fails, `export` raises a ValueError, otherwise it
warns. Trained presets have none.

Measured on the pretrained presets, 200 test examples, `reconstruct`
(|TFLite - Keras| max; MSE difference = TFLite MSE - Keras MSE vs the inputs):

| preset | Keras MSE | float32 max | float16 max | int8 max | int8 MSE diff |
| --- | --- | --- | --- | --- | --- |
| ae_mnist_28 | 0.01239 | 1.8e-06 | 1.8e-06 | 0.13 | +4.1e-05 |
| ae_tied_mnist_28 | 0.01126 | 1.5e-06 | 1.5e-06 | 0.13 | +2.6e-05 |
| ae_overcomplete_mnist_28 | 0.00988 | 1.5e-06 | 1.5e-06 | 0.06 | +2.5e-05 |
| ae_denoising_mnist_28 | 0.02001 | 1.3e-06 | 1.3e-06 | 0.06 | +4.3e-05 |
| ae_sparse_mnist_28 | 0.01017 | 1.3e-06 | 1.3e-06 | 0.07 | +1.5e-05 |
| conv_ae_mnist_28 | 0.00765 | 5.7e-06 | 5.7e-06 | 0.09 | +6.4e-05 |
| recurrent_ae_mnist_rows | 0.01800 | 3.8e-06 | 3.8e-06 | 0.47 | +7.0e-04 |
| vae_mnist_28 | 0.01504 | 1.0e-06 | 1.0e-06 | 0.10 | +5.3e-05 |
| conv_vae_mnist_28 | 0.01383 | 2.9e-06 | 2.9e-06 | 0.22 | -4.7e-06 |

float16 equals float32 there because the catalogue stores its weights as
float16 already; the tiny configurations in tests/test_export_registry.py
check float16 rounding.
"""

import contextlib
import dataclasses
import functools
import hashlib
import json
import os
import statistics
import time
import warnings
from pathlib import Path

import numpy as np

from keras_gen.core import safe_io
from keras_gen.core.integrity import CorruptedFileError, describe_start
from keras_gen.models.serving import serving_functions

FORMATS = ("saved_model", "tflite")
QUANTIZATIONS = (None, "float16", "int8")
LATENCY_RUNS = 30
CALIBRATION_SAMPLES = 200  # int8: calibration calls (batch `batch_size` each)
PRESET_CALIBRATION_EXAMPLES = 500  # int8 default: this many of the preset's training examples
# TF ops that become a TFLite op whose int8 calibration crashes (SIGSEGV): RNN loops
UNSAFE_INT8_OPS = {"While": "WHILE", "StatelessWhile": "WHILE"}
MIN_INT8_SCALE = 1e-7  # int8 scales below this come from tensors that were always zero
INT8_TYPE = 9  # TensorType.INT8 in the TFLite schema


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


REPORT_FILE = "report.json"
SAVED_MODEL_DIR = "saved_model"


def export_files(folder):
    """The entries of `folder` that `export` wrote, or None if it is no export folder of ours.

    `export` ends every export folder with a `report.json` (`ExportReport.as_dict`)
    listing its files; those, the report and `saved_model/` are ours.
    """
    folder = Path(folder)
    report = json.loads((folder / REPORT_FILE).read_text(encoding="utf-8"))
    if not (isinstance(report, dict) and {"out_dir", "files", "keras_latency_ms"} <= set(report)
            and isinstance(report["files"], list)):
        return None
    names = {REPORT_FILE, SAVED_MODEL_DIR}
    names.update(Path(str(entry["path"])).name for entry in report["files"]
                 if isinstance(entry, dict) and "path" in entry)
    return sorted(names)


def check_out_dir(out_dir, overwrite=False):
    """Raise `TargetExistsError` (a `ValueError`) unless `export` may write `out_dir`.

    `export` checks it before tracing anything; a caller that loads a model
    first can check sooner.
    """
    return safe_io.check_directory_target(out_dir, overwrite, ours=export_files,
                                      what="export folder")


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


@contextlib.contextmanager
def _unrolled_recurrent_layers(model):
    """Within the block, every Keras RNN layer of `model` runs unrolled."""
    import keras

    layers = [layer for layer in model._flatten_layers(include_self=True, recursive=True)
              if isinstance(layer, keras.layers.RNN)]
    saved = [layer.unroll for layer in layers]
    try:
        for layer in layers:
            layer.unroll = True
        yield
    finally:
        for layer, unroll in zip(layers, saved):
            layer.unroll = unroll


def _tf_functions(functions, model, unroll=False):
    """One traced `tf.function` per serving function (recurrent layers unrolled if `unroll`)."""
    import tensorflow as tf

    traced = {}
    with _unrolled_recurrent_layers(model) if unroll else contextlib.nullcontext():
        for name, serving in functions.items():
            specs = [tf.TensorSpec(shape, dtype, name=arg) for arg, shape, dtype in serving.inputs]
            traced[name] = tf.function(serving.fn, input_signature=specs, autograph=False)
            traced[name].get_concrete_function()  # trace now, while unrolled
    return traced


def _representative(serving, data, rng, count=CALIBRATION_SAMPLES, widen=False):
    """A generator of int8 calibration inputs, `{input name: array}` per call.

    Inputs are keyed by name: a list would be matched to the TFLite model's
    input tensors by position, and their order is not the argument order
    (StyleGAN's `generate(z, truncation_psi, noise_4, ...)` failed so).
    `widen` adds `count // 4` of the function's own random draws to real data.
    """
    samples = serving.calibration_inputs(data, rng, count)
    if widen and data is not None:
        samples += serving.calibration_inputs(None, rng, count // 4)

    def generate():
        yield from samples
    return generate


def tflite_ops(content):
    """Names of the builtin ops (all subgraphs) of a `.tflite` flatbuffer, sorted."""
    from tensorflow.lite.tools import flatbuffer_utils

    model = flatbuffer_utils.convert_bytearray_to_object(bytearray(content))
    return sorted({flatbuffer_utils.opcode_to_name(model, op.opcodeIndex)
                   for graph in model.subgraphs for op in graph.operators})


def _graph_ops(concrete):
    """TF op types of a concrete function, including the functions it calls."""
    graph_def = concrete.graph.as_graph_def()
    ops = {node.op for node in graph_def.node}
    for function in graph_def.library.function:
        ops.update(node.op for node in function.node_def)
    return ops


def degenerate_int8_tensors(content, min_scale=MIN_INT8_SCALE):
    """Names of the int8 activations of a `.tflite` with a scale below `min_scale`.

    Such a scale (the converter's ~7.8e-9) means the tensor was exactly zero
    on every calibration input; XNNPACK, the default CPU delegate of the
    interpreter, then fails to prepare the model or aborts ("double free").
    """
    from tensorflow.lite.tools import flatbuffer_utils

    model = flatbuffer_utils.convert_bytearray_to_object(bytearray(content))
    buffers = model.buffers
    names = []
    for graph in model.subgraphs:
        for tensor in graph.tensors:
            scale = None if tensor.quantization is None else tensor.quantization.scale
            data = buffers[tensor.buffer].data if tensor.buffer < len(buffers) else None
            constant = data is not None and len(data) > 0
            # activations only: constants (a zero-initialised weight of a fresh model) run fine
            if (tensor.type == INT8_TYPE and not constant and scale is not None
                    and len(scale) == 1 and float(scale[0]) < min_scale):
                names.append(tensor.name.decode() if isinstance(tensor.name, bytes)
                             else str(tensor.name))
    return names


def _convert(loaded, signature, quantize, serving, data, rng):
    """Convert one signature of a loaded SavedModel to a `.tflite` flatbuffer.

    Converting the loaded concrete function (rather than `from_saved_model`)
    freezes Keras 3 variables into constants; `from_saved_model` left
    READ_VARIABLE ops that read uninitialised resources (measured here: zeros
    and garbage instead of the model's outputs).
    """
    import tensorflow as tf

    if quantize == "int8":
        unsafe = sorted({UNSAFE_INT8_OPS[op] for op in _graph_ops(loaded.signatures[signature])
                         if op in UNSAFE_INT8_OPS})
        if unsafe:
            raise ValueError(
                f"cannot quantize serving function {signature!r} to int8: its TFLite graph holds "
                f"{', '.join(unsafe)} ops, whose int8 calibration crashes the TFLite converter "
                "(segmentation fault). Export it with quantize='float16' or None, or unroll the "
                "loop (Keras RNN layers are unrolled automatically for int8).")

    def convert(widen=False):
        converter = tf.lite.TFLiteConverter.from_concrete_functions(
            [loaded.signatures[signature]], loaded)
        converter.target_spec.supported_ops = [tf.lite.OpsSet.TFLITE_BUILTINS]
        if quantize == "float16":
            converter.optimizations = [tf.lite.Optimize.DEFAULT]
            converter.target_spec.supported_types = [tf.float16]
        elif quantize == "int8":
            converter.optimizations = [tf.lite.Optimize.DEFAULT]
            converter.representative_dataset = _representative(serving, data, rng, widen=widen)
            converter.target_spec.supported_ops = [tf.lite.OpsSet.TFLITE_BUILTINS_INT8,
                                                   tf.lite.OpsSet.TFLITE_BUILTINS]
        try:
            return converter.convert()
        except Exception as error:  # the converter raises many types
            raise ValueError(
                f"cannot convert serving function {signature!r} to TFLite with builtin ops only "
                f"({type(error).__name__}: {str(error).splitlines()[0][:300]})."
            ) from error

    content = convert()
    if quantize != "int8":
        return content
    # A tensor that was zero on every calibration input gets a degenerate scale that
    # the XNNPACK delegate cannot run: recalibrate once with random draws added.
    degenerate = degenerate_int8_tensors(content)
    if degenerate and data is not None:
        content = convert(widen=True)
        degenerate = degenerate_int8_tensors(content)
    if degenerate:
        # Some such models run (a fresh StyleGAN's zero noise strengths), some abort
        # the process: try it in a child process before running it here.
        failure = _run_failure(content)
        what = (f"int8 calibration of serving function {signature!r} left {len(degenerate)} "
                f"activations that were zero on every calibration input (e.g. "
                f"{degenerate[0]!r}), with degenerate int8 scales")
        if failure:
            raise ValueError(
                f"{what} that the TFLite XNNPACK delegate cannot run ({failure}). Calibrate on "
                "more varied representative_data, or export with quantize='float16'.")
        warnings.warn(f"{what}: other inputs will saturate them (an untrained model?).",
                      stacklevel=3)
    return content


_RUN_CHECK = """
import sys
import numpy as np
from ai_edge_litert.interpreter import Interpreter, OpResolverType
interpreter = Interpreter(model_path=sys.argv[1],
                          experimental_op_resolver_type=OpResolverType.BUILTIN)
runner = interpreter.get_signature_runner()
details = runner.get_input_details()
runner(**{k: np.zeros(d["shape"], d["dtype"]) for k, d in details.items()})
"""


def _run_failure(content, timeout=300):
    """None if a `.tflite` loads and runs (XNNPACK included) in a child process, else why not."""
    import signal
    import subprocess
    import sys
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "check.tflite"
        path.write_bytes(content)
        try:
            result = subprocess.run([sys.executable, "-c", _RUN_CHECK, str(path)],
                                    capture_output=True, text=True, timeout=timeout)
        except subprocess.TimeoutExpired:
            return f"no result within {timeout} s"
    if result.returncode == 0:
        return None
    if result.returncode < 0:
        return f"the interpreter crashed with {signal.Signals(-result.returncode).name}"
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    return lines[-1][:300] if lines else f"exit code {result.returncode}"


TFLITE_IDENTIFIER = b"TFL3"  # flatbuffer file identifier, bytes 4-8 of every .tflite
TFLITE_DIGEST_NAME = "keras_gen_sha256"  # metadata entry holding the file's own digest
_DIGEST_PLACEHOLDER = b"0" * 64  # what the digest's bytes count as while hashing


def _tflite_schema():
    from ai_edge_litert import schema_py_generated

    return schema_py_generated


def _digest_span(content):
    """`(start, end)` of the digest embedded in a `.tflite`, or None if it has none.

    Only for content the LiteRT verifier accepted (offsets are then in bounds).
    `(0, 0)` means a digest entry whose buffer is missing.
    """
    schema = _tflite_schema()
    model = schema.Model.GetRootAs(content, 0)
    for i in range(model.MetadataLength()):
        entry = model.Metadata(i)
        if entry.Name() != TFLITE_DIGEST_NAME.encode():
            continue
        if entry.Buffer() >= model.BuffersLength():
            return (0, 0)
        buffer = model.Buffers(entry.Buffer())
        field = buffer._tab.Offset(4)  # the `data` vector of the Buffer table
        if not field or buffer.DataLength() != len(_DIGEST_PLACEHOLDER):
            return (0, 0)
        start = buffer._tab.Vector(field)
        return (start, start + len(_DIGEST_PLACEHOLDER))
    return None


def _digest_with_placeholder(content, start, end):
    return hashlib.sha256(bytes(content[:start]) + _DIGEST_PLACEHOLDER
                          + bytes(content[end:])).hexdigest()


def add_tflite_digest(content):
    """`content` (a `.tflite` flatbuffer) with its own sha256 in its metadata.

    The digest covers every byte of the file but its own 64, so
    `TFLiteRunner` finds any flipped byte, including in the weights (the
    flatbuffer verifier only checks the structure). Interpreters ignore
    metadata they do not know. `export` adds it to every `.tflite` it writes.
    """
    import flatbuffers

    schema = _tflite_schema()
    model = schema.ModelT.InitFromObj(schema.Model.GetRootAs(content, 0))
    model.metadata = [m for m in (model.metadata or [])
                      if m.name not in (TFLITE_DIGEST_NAME, TFLITE_DIGEST_NAME.encode())]
    model.buffers = model.buffers or []
    buffer = schema.BufferT()
    buffer.data = np.frombuffer(_DIGEST_PLACEHOLDER, np.uint8)
    model.buffers.append(buffer)
    entry = schema.MetadataT()
    entry.name, entry.buffer = TFLITE_DIGEST_NAME, len(model.buffers) - 1
    model.metadata.append(entry)
    builder = flatbuffers.Builder(len(content) + 1024)
    builder.Finish(model.Pack(builder), file_identifier=TFLITE_IDENTIFIER)
    packed = bytearray(builder.Output())
    start, end = _digest_span(packed)
    packed[start:end] = _digest_with_placeholder(packed, start, end).encode()
    return bytes(packed)


def check_tflite_digest(content, where="<bytes>"):
    """Raise `CorruptedFileError` if verified `.tflite` content fails its embedded digest.

    Returns True if the content has a digest (it matched), False if it has none.
    """

    span = _digest_span(content)
    if span is None:
        return False
    if span == (0, 0):
        raise CorruptedFileError(where, f"is corrupted: its {TFLITE_DIGEST_NAME} metadata is "
                                 "damaged", "a 64-character sha256 buffer", "none")
    stored = bytes(content[span[0]:span[1]]).decode("ascii", errors="replace")
    actual = _digest_with_placeholder(content, *span)
    if stored != actual:
        raise CorruptedFileError(where, "is corrupted: its bytes differ from the digest it was "
                                 "exported with", f"sha256 {stored}", f"sha256 {actual}")
    return True


class TFLiteRunner:
    """A `.tflite` file loaded with ai_edge_litert's builtin op resolver (no Flex).

    Call it with keyword arrays named like the serving function's inputs; it
    returns the first output as numpy. The interpreter is kept alive with it
    (its output buffers belong to the interpreter).

    A file that is not a TFLite model, is truncated, fails the flatbuffer
    verifier or (for files written by `export`) its embedded sha256 raises
    `kg.zoo.CorruptedFileError` (a `ValueError`) naming the file.
    """

    def __init__(self, path_or_bytes):
        from ai_edge_litert.interpreter import Interpreter, OpResolverType


        if isinstance(path_or_bytes, (bytes, bytearray)):
            content, self.path = bytes(path_or_bytes), "<bytes>"
        else:
            self.path = str(path_or_bytes)
            if not Path(self.path).is_file():
                raise FileNotFoundError(f"no TFLite model at {self.path}.")
            content = Path(self.path).read_bytes()
        if content[4:8] != TFLITE_IDENTIFIER:
            raise CorruptedFileError(
                self.path, "is not a valid TFLite model",
                f"a flatbuffer with the identifier {TFLITE_IDENTIFIER!r} at bytes 4-8",
                describe_start(content[:8], len(content)))
        try:
            self.interpreter = Interpreter(
                model_content=content, experimental_op_resolver_type=OpResolverType.BUILTIN)
        except (ValueError, RuntimeError) as error:
            raise CorruptedFileError(
                self.path, "is truncated or corrupted: it is not a valid TFLite flatbuffer",
                "a model that passes the flatbuffer verifier",
                f"{len(content):,} bytes that fail it ({error})") from error
        self.has_digest = check_tflite_digest(content, self.path)
        signatures = self.interpreter.get_signature_list()
        if not signatures:
            raise ValueError(f"{self.path} has no signature (named entry point) to run; "
                             "kg.export writes one per file.")
        self.signature = next(iter(signatures))
        self.input_names = sorted(signatures[self.signature]["inputs"])
        self._runner = self.interpreter.get_signature_runner(self.signature)

    def __call__(self, **inputs):
        return _first_output({k: np.copy(v) for k, v in self._runner(**inputs).items()})


def run_tflite(path_or_bytes, **inputs):
    """Load a `.tflite` and run it once on keyword inputs; returns numpy output."""
    return TFLiteRunner(path_or_bytes)(**inputs)


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

    unknown = [f for f in formats if f not in FORMATS]
    if unknown or not formats:
        raise ValueError(f"formats must be a non-empty subset of {FORMATS}, got {formats!r}.")
    if quantize not in QUANTIZATIONS:
        raise ValueError(f"quantize must be one of {QUANTIZATIONS}, got {quantize!r}.")
    if quantize and "tflite" not in formats:
        raise ValueError("quantize applies to TFLite files: add 'tflite' to formats.")
    check_out_dir(out_dir, overwrite)
    model = model_or_preset
    if isinstance(model_or_preset, (str, os.PathLike)):
        from keras_gen import zoo

        model = zoo.load(str(model_or_preset), compile=False)
        if quantize == "int8" and representative_data is None:
            representative_data = preset_calibration_data(str(model_or_preset))
    available = serving_functions(model, batch_size=batch_size)
    if functions is None:
        functions = available
    else:
        names = [functions] if isinstance(functions, str) else list(functions)
        unknown = [n for n in names if n not in available]
        if unknown or not names:
            raise ValueError(f"functions must be a non-empty subset of {sorted(available)}, "
                             f"got {functions!r}.")
        functions = {n: available[n] for n in names}
    if quantize == "int8":
        representative_data = _check_representative(representative_data, functions)
    traced = _tf_functions(functions, model, unroll=quantize == "int8")
    rng = np.random.default_rng(seed)
    out_dir = Path(out_dir)
    files = []
    keras_latency = {}
    with safe_io.atomic_directory(out_dir, overwrite, ours=export_files,
                              what="export folder") as tmp:
        saved_dir = tmp / SAVED_MODEL_DIR
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
            keras_latency[name] = _median_ms(functools.partial(traced[name], *inputs))
            if "saved_model" in formats:
                signature = loaded.signatures[name]
                kwargs = {arg: tf.constant(v) for (arg, _, _), v in zip(serving.inputs, inputs)}
                got = _first_output(signature(**kwargs))
                files.append(ExportedFile(name, "saved_model", str(out_dir / SAVED_MODEL_DIR),
                                          0, float(np.max(np.abs(got - expected))),
                                          _median_ms(functools.partial(signature, **kwargs))))
            if "tflite" in formats:
                content = add_tflite_digest(
                    _convert(loaded, name, quantize, serving, representative_data, rng))
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
        saved_size = _dir_size(saved_dir)
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


def _check_representative(data, functions):
    """int8 calibration data as float32 numpy, or None.

    None warns when a function would be calibrated on real data if given
    (one "uniform" input, i.e. images, or a `calibrate` hook): random draws
    are a poor stand-in for real examples. Latents and noise are calibrated
    on their own distribution anyway.
    """
    if data is None:
        if not any(f.calibrate is not None or (len(f.inputs) == 1 and
                                               f.sample.get(f.inputs[0][0], "uniform") == "uniform")
                   for f in functions.values()):
            return None
        warnings.warn("int8 export without representative_data: activations are calibrated on "
                      "random inputs, which may not cover real data's ranges. Pass "
                      "representative_data= (real examples), or export a preset by name.",
                      stacklevel=3)
        return None
    array = np.asarray(data)
    if array.ndim < 2 or len(array) == 0 or not np.issubdtype(array.dtype, np.number):
        raise ValueError(f"representative_data must be a non-empty numeric array of examples "
                         f"(n, ...), got shape {array.shape} and dtype {array.dtype}.")
    array = array.astype("float32")
    if not np.all(np.isfinite(array)):
        raise ValueError("representative_data holds NaN or infinite values.")
    return array


def preset_calibration_data(name):
    """A fixed sample of a registered preset's training examples, or None."""
    from keras_gen import data, zoo

    try:
        spec = zoo.get(name)
    except KeyError:
        return None
    kwargs = {k: v for k, v in spec.data.items() if k not in ("name", "split")}
    x, _ = data.load_arrays(spec.data["name"], "train", **kwargs)
    if len(x) > PRESET_CALIBRATION_EXAMPLES:
        x = x[np.random.default_rng(0).choice(len(x), PRESET_CALIBRATION_EXAMPLES, replace=False)]
    return x
