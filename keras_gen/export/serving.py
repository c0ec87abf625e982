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
    """

    fn: object
    inputs: list
    sample: dict = dataclasses.field(default_factory=dict)

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


def reconstruction_serving_functions(model, batch_size=1):
    """`encode`, `decode` and `reconstruct` of an encoder/decoder model."""
    x_shape = (batch_size, *model.sample_shape)
    code_shape = (batch_size, *tuple(model.decoder.inputs[0].shape[1:]))
    return {
        "encode": ServingFunction(lambda x: model.encode(x), [("x", x_shape, "float32")],
                                  {"x": "uniform"}),
        "decode": ServingFunction(lambda code: model.decode(code), [("code", code_shape, "float32")],
                                  {"code": "normal"}),
        "reconstruct": ServingFunction(lambda x: model(x, training=False),
                                       [("x", x_shape, "float32")], {"x": "uniform"}),
    }


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
