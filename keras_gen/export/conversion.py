"""Serving functions to graphs: traced `tf.function`s, then one `.tflite` per signature.

Each `.tflite` is converted with builtin ops only (no Flex / SELECT_TF_OPS, so
it runs on a phone's plain interpreter), optionally quantized to float16 or int8.

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

int8 and degenerate scales (see `calibration`): such a model is recalibrated
once with random draws added to the data; if degenerate scales remain, it is
first run in a child process (`crash_probe`): if that fails, conversion raises
a ValueError, otherwise it warns.
"""

import contextlib
import warnings

from keras_gen.export import crash_probe
from keras_gen.export.calibration import degenerate_int8_tensors, representative_dataset

# TF ops that become a TFLite op whose int8 calibration crashes (SIGSEGV): RNN loops
UNSAFE_INT8_OPS = {"While": "WHILE", "StatelessWhile": "WHILE"}


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


def trace_functions(functions, model, unroll=False):
    """One traced `tf.function` per serving function (recurrent layers unrolled if `unroll`).

    Each has the serving function's static input signature (`ServingFunction.inputs`).
    """
    import tensorflow as tf

    traced = {}
    with _unrolled_recurrent_layers(model) if unroll else contextlib.nullcontext():
        for name, serving in functions.items():
            specs = [tf.TensorSpec(shape, dtype, name=arg) for arg, shape, dtype in serving.inputs]
            traced[name] = tf.function(serving.fn, input_signature=specs, autograph=False)
            traced[name].get_concrete_function()  # trace now, while unrolled
    return traced


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


def _refuse_unsafe_int8(loaded, signature):
    """Raise ValueError if int8 calibration of `signature` would crash the converter."""
    unsafe = sorted({UNSAFE_INT8_OPS[op] for op in _graph_ops(loaded.signatures[signature])
                     if op in UNSAFE_INT8_OPS})
    if unsafe:
        raise ValueError(
            f"cannot quantize serving function {signature!r} to int8: its TFLite graph holds "
            f"{', '.join(unsafe)} ops, whose int8 calibration crashes the TFLite converter "
            "(segmentation fault). Export it with quantize='float16' or None, or unroll the "
            "loop (Keras RNN layers are unrolled automatically for int8).")


def convert(loaded, signature, quantize, serving, data, rng):
    """Convert one signature of a loaded SavedModel to a `.tflite` flatbuffer (bytes).

    Converting the loaded concrete function (rather than `from_saved_model`)
    freezes Keras 3 variables into constants; `from_saved_model` left
    READ_VARIABLE ops that read uninitialised resources (measured here: zeros
    and garbage instead of the model's outputs). For int8, `data` (real
    examples or None) and `rng` feed `representative_dataset`. A warning is
    attributed to the caller of `export`.
    """
    import tensorflow as tf

    if quantize == "int8":
        _refuse_unsafe_int8(loaded, signature)

    def run_converter(widen=False):
        converter = tf.lite.TFLiteConverter.from_concrete_functions(
            [loaded.signatures[signature]], loaded)
        converter.target_spec.supported_ops = [tf.lite.OpsSet.TFLITE_BUILTINS]
        if quantize == "float16":
            converter.optimizations = [tf.lite.Optimize.DEFAULT]
            converter.target_spec.supported_types = [tf.float16]
        elif quantize == "int8":
            converter.optimizations = [tf.lite.Optimize.DEFAULT]
            converter.representative_dataset = representative_dataset(serving, data, rng,
                                                                       widen=widen)
            converter.target_spec.supported_ops = [tf.lite.OpsSet.TFLITE_BUILTINS_INT8,
                                                   tf.lite.OpsSet.TFLITE_BUILTINS]
        try:
            return converter.convert()
        except Exception as error:  # the converter raises many types
            raise ValueError(
                f"cannot convert serving function {signature!r} to TFLite with builtin ops only "
                f"({type(error).__name__}: {str(error).splitlines()[0][:300]})."
            ) from error

    content = run_converter()
    if quantize != "int8":
        return content
    # A tensor that was zero on every calibration input gets a degenerate scale that
    # the XNNPACK delegate cannot run: recalibrate once with random draws added.
    degenerate = degenerate_int8_tensors(content)
    if degenerate and data is not None:
        content = run_converter(widen=True)
        degenerate = degenerate_int8_tensors(content)
    if degenerate:
        # Some such models run (a fresh StyleGAN's zero noise strengths), some abort
        # the process: try it in a child process before running it here.
        failure = crash_probe.run_failure(content)
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
