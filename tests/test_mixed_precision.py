"""Mixed precision: every family trains one step under mixed_bfloat16 and
mixed_float16 (loss scaling per optimizer), with float32 outputs and losses."""

import keras
import numpy as np
import pytest

import keras_gen as kg

PRESETS = [n for n in ("ae_mnist_28", "conv_ae_mnist_28", "recurrent_ae_mnist_rows",
                       "vae_mnist_28", "dcgan_mnist_28", "progan_mnist_32",
                       "stylegan_mnist_32")
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


@pytest.mark.parametrize("policy", ["mixed_bfloat16", "mixed_float16"], indirect=True)
def test_stylegan_grows_and_samples_in_float32_under_mixed_precision(policy):
    spec = kg.zoo.get("stylegan_mnist_32")
    model = spec.build(tiny=True, seed=0)
    model.compile(**spec.compile)
    # 4x4, then 8x8 fading in (alpha 0 and 0.5), then stable: both to-image layers
    x = model.example_data(3 * model.phase_images)
    x[:, :2, :2] = 0.0  # blank corners, as in padded digits (identical in every image)
    history = model.fit(x, batch_size=4, epochs=1, verbose=0)
    for key, values in history.history.items():  # epoch means: a NaN anywhere shows
        assert np.isfinite(values[-1]), key
    assert history.history["resolution"][-1] == 8
    optimizers = (model.g_optimizer, model.d_optimizer)
    if policy == "mixed_float16":  # the steps were applied, not skipped as non-finite
        assert all(int(o.inner_optimizer.iterations) > 0 for o in optimizers)
    assert all(np.isfinite(keras.ops.convert_to_numpy(v)).all() for v in model.weights)
    assert keras.backend.standardize_dtype(model.w_avg.dtype) == "float32"
    z = model.example_call_inputs(3)
    w = model.map(z)
    assert w.dtype == np.float32
    for psi in (1.0, 0.7):
        images = model.generate(3, seed=0, truncation_psi=psi)
        assert images.dtype == np.float32 and images.shape == (3, 8, 8, 1)
        assert np.isfinite(images).all() and images.min() >= 0.0 and images.max() <= 1.0
    mixed = model.mix(z, z[::-1], crossover=1, truncation_psi=0.7)
    assert mixed.dtype == np.float32 and np.isfinite(mixed).all()
    raw = model.synthesis((w, model.sample_noise(3, seed=0)), stage=1, alpha=0.5)
    assert keras.backend.standardize_dtype(raw.dtype) == "float32"
