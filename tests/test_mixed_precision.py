"""Mixed precision: every family trains one step under mixed_bfloat16 and
mixed_float16 (loss scaling per optimizer), with float32 outputs and losses."""

import keras
import numpy as np
import pytest

import keras_gen as kg

# StyleGAN does not run under mixed precision yet (a float32 style/noise term meets
# bfloat16 activations); README "Not yet done" says so.
PRESETS = [n for n in ("ae_mnist_28", "conv_ae_mnist_28", "recurrent_ae_mnist_rows",
                       "vae_mnist_28", "dcgan_mnist_28", "progan_mnist_32")
           if n in kg.zoo.names()]


@pytest.fixture
def policy(request):
    keras.mixed_precision.set_global_policy(request.param)
    yield request.param
    keras.mixed_precision.set_global_policy("float32")


@pytest.mark.parametrize("policy", ["mixed_bfloat16", "mixed_float16"], indirect=True)
@pytest.mark.parametrize("name", PRESETS)
def test_one_step_under_mixed_precision(name, policy):
    spec = kg.zoo.get(name)
    model = spec.build(tiny=True, seed=0)
    model.compile(**spec.compile)
    optimizers = [getattr(model, a) for a in ("optimizer", "g_optimizer", "d_optimizer")
                  if getattr(model, a, None) is not None]
    if policy == "mixed_float16":
        for optimizer in optimizers:
            assert isinstance(optimizer, keras.optimizers.LossScaleOptimizer), (
                f"{type(optimizer).__name__} is not loss-scaled under mixed_float16")
    history = model.fit(model.example_data(8), batch_size=8, epochs=1, verbose=0)
    for key, values in history.history.items():
        assert np.isfinite(values[-1]), key
    out = model(model.example_call_inputs(2), training=False)
    out = out[0] if isinstance(out, (tuple, list)) else out
    assert keras.backend.standardize_dtype(out.dtype) == "float32"
