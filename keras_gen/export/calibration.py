"""int8 calibration: which inputs the converter calibrates on, and what it made of them.

Calibration inputs are passed by input name (a list is matched to the TFLite
input tensors by position, which is not the argument order: StyleGAN's
multi-input `generate` failed so).

An activation that is zero on every calibration input (a fresh GRU with zero
biases reading the blank top rows of digits; a fresh StyleGAN's zero noise
strengths) gets a degenerate scale (~7.8e-9) from the converter, and the XNNPACK
delegate (the interpreter's default on CPU) then fails to prepare the model or
aborts the process ("double free", SIGABRT). `degenerate_int8_tensors` finds
them in the converted flatbuffer. Trained presets have none.
"""

import warnings

import numpy as np

CALIBRATION_SAMPLES = 200  # int8: calibration calls (batch `batch_size` each)
PRESET_CALIBRATION_EXAMPLES = 500  # int8 default: this many of the preset's training examples
MIN_INT8_SCALE = 1e-7  # int8 scales below this come from tensors that were always zero
INT8_TYPE = 9  # TensorType.INT8 in the TFLite schema


def representative_dataset(serving, data, rng, count=CALIBRATION_SAMPLES, widen=False):
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


def check_representative_data(data, functions):
    """int8 calibration data as float32 numpy, or None.

    `data` is `(n, *example_shape)` real examples, or None; `functions` maps
    names to the `ServingFunction`s to be calibrated. None warns when a
    function would be calibrated on real data if given (one "uniform" input,
    i.e. images, or a `calibrate` hook): random draws are a poor stand-in for
    real examples. Latents and noise are calibrated on their own distribution
    anyway. The warning is attributed to the caller of `export`.
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
    """A fixed sample of a registered preset's training examples, or None.

    `PRESET_CALIBRATION_EXAMPLES` examples `(n, *example_shape)` drawn with
    seed 0 from the preset's training split (its test split stays held out);
    None for a name that is no registered preset (a folder, a URL).
    """
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
