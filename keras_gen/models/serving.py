"""Serving functions: what each model exposes to SavedModel and TFLite.

A model names its serving functions with `serving_functions(batch_size)`,
returning `{name: ServingFunction}`. Inputs have static shapes (TFLite and
phone delegates prefer them) and every random input (latents, noise) is an
argument, so no random op ends up in the exported graph.
"""

import dataclasses

import numpy as np


@dataclasses.dataclass
class ServingFunction:
    """One exported entry point.

    Args:
        fn: callable taking tensors in the order of `inputs` and returning a
            tensor (or a dict/tuple of tensors); keras.ops only.
        inputs: list of `(name, shape, dtype)` with static shapes, batch first.
        sample: how to draw a test input per name: "normal" (latents, noise),
            "uniform" (images in [0, 1]), or a callable `(shape, rng) -> array`.
        calibrate: optional callable `data -> list of arrays` (one array of
            examples per input, batch first) giving int8 calibration inputs
            from real data, e.g. the codes of real images for `decode`, or
            None when `data` does not fit (then `sample` draws are used). By
            default a function with a single input of the data's shape is
            calibrated on the data itself and any other on `sample` draws.
    """

    fn: object
    inputs: list
    sample: dict = dataclasses.field(default_factory=dict)
    calibrate: object = None

    def random_inputs(self, rng):
        """Fresh random test inputs, one float32 array per input."""
        arrays = []
        for name, shape, dtype in self.inputs:
            how = self.sample.get(name, "uniform")
            if callable(how):
                array = how(shape, rng)
            elif how == "normal":
                array = rng.standard_normal(shape)
            elif how == "uniform":
                array = rng.uniform(size=shape)
            else:
                raise ValueError(f"unknown sampling {how!r} for input {name!r}.")
            arrays.append(np.asarray(array, dtype))
        return arrays

    def calibration_inputs(self, data, rng, count):
        """`count` calibration samples for int8, each `{input name: array}`.

        Real `data` (examples, batch first) is used where it fits (see
        `calibrate`); otherwise inputs are drawn as for testing.
        """
        columns = None
        if data is not None:
            data = np.asarray(data, "float32")
            if self.calibrate is not None:
                columns = self.calibrate(data)
                columns = None if columns is None else [np.asarray(a, "float32") for a in columns]
            elif len(self.inputs) == 1 and tuple(data.shape[1:]) == tuple(self.inputs[0][1][1:]):
                columns = [data]
        samples = []
        for i in range(count):
            if columns is None:
                arrays = self.random_inputs(rng)
            else:
                arrays = []
                for (_, shape, dtype), column in zip(self.inputs, columns):
                    rows = np.arange(i * shape[0], (i + 1) * shape[0]) % len(column)
                    arrays.append(np.asarray(column[rows], dtype).reshape(shape))
            samples.append({name: a for (name, _, _), a in zip(self.inputs, arrays)})
        return samples


def reconstruction_serving_functions(model, batch_size=1):
    """`encode`, `decode` and `reconstruct` of an encoder/decoder model."""
    x_shape = (batch_size, *model.sample_shape)
    code_shape = (batch_size, *tuple(model.decoder.inputs[0].shape[1:]))
    return {
        "encode": ServingFunction(lambda x: model.encode(x), [("x", x_shape, "float32")],
                                  {"x": "uniform"}),
        "decode": ServingFunction(lambda code: model.decode(code),
                                  [("code", code_shape, "float32")], {"code": "normal"},
                                  calibrate=lambda x: _codes(model, x)),
        "reconstruct": ServingFunction(lambda x: model(x, training=False),
                                       [("x", x_shape, "float32")], {"x": "uniform"}),
    }


def _codes(model, x, batch_size=256):
    """`[codes]` of examples `x` (numpy; a VAE's posterior means), None if `x` does not fit."""
    from keras import ops

    if tuple(x.shape[1:]) != tuple(model.sample_shape):
        return None
    parts = []
    for i in range(0, len(x), batch_size):
        code = model.encode(x[i:i + batch_size], training=False)
        if isinstance(code, (list, tuple)):
            code = code[0]
        parts.append(ops.convert_to_numpy(code))
    return [np.concatenate(parts)]


def serving_functions(model, batch_size=1):
    """The model's serving functions; a clear error if it names none."""
    method = getattr(model, "serving_functions", None)
    if method is None:
        raise ValueError(
            f"{type(model).__name__} names no serving functions (it has no "
            "`serving_functions(batch_size)` method), so it cannot be exported."
        )
    functions = method(batch_size=batch_size)
    if not functions:
        raise ValueError(f"{type(model).__name__}.serving_functions() returned nothing to export.")
    return functions
