"""Conv2DTranspose: Keras' layer on TensorFlow; on JAX the same outputs and gradients."""

import os
import subprocess
import sys
import textwrap

import keras
import numpy as np

from keras_gen.layers.transposed_conv import Conv2DTranspose


def test_is_keras_layer_with_its_weights_outputs_and_config():
    x = np.random.default_rng(0).normal(size=(2, 5, 5, 3)).astype("float32")
    ours = Conv2DTranspose(4, 3, strides=2, padding="same", activation="relu")
    theirs = keras.layers.Conv2DTranspose(4, 3, strides=2, padding="same", activation="relu")
    ours.build(x.shape)
    theirs.build(x.shape)
    theirs.set_weights(ours.get_weights())
    np.testing.assert_array_equal(np.asarray(ours(x)), np.asarray(theirs(x)))
    assert ours.name.startswith("conv2d_transpose")
    restored = Conv2DTranspose.from_config(ours.get_config())
    assert restored.get_config() == ours.get_config()


JAX_CHECK = textwrap.dedent("""
    import jax, jax.numpy as jnp, numpy as np, keras
    from keras_gen.layers import transposed_conv
    rng = np.random.default_rng(0)
    worst = 0.0
    for k, s, padding, size in [(3, 2, "same", 7), (4, 2, "same", 5), (5, 2, "same", 4),
                                (3, 2, "valid", 5), (3, 1, "same", 6), (4, 2, "valid", 3)]:
        x = jnp.asarray(rng.normal(size=(2, size, size, 3)).astype("float32"))
        kernel = jnp.asarray(rng.normal(size=(k, k, 5, 3)).astype("float32"))
        fast = transposed_conv._fast_conv_transpose((s, s), padding)
        def loss(conv):
            return lambda x, kernel: jnp.sum(jnp.sin(conv(x, kernel)))
        keras_conv = lambda x, kernel: keras.ops.conv_transpose(x, kernel, s, padding)
        for a, b in [(keras_conv(x, kernel), fast(x, kernel)),
                     *zip(jax.grad(loss(keras_conv), (0, 1))(x, kernel),
                          jax.grad(loss(fast), (0, 1))(x, kernel))]:
            assert a.shape == b.shape, (k, s, padding, a.shape, b.shape)
            worst = max(worst, float(jnp.max(jnp.abs(a - b)) / (jnp.max(jnp.abs(a)) + 1e-6)))
    layer = transposed_conv.Conv2DTranspose(5, 3, strides=2, padding="same")
    layer.build((2, 7, 7, 3))
    print("fast path", layer._takes_fast_path(), "worst", worst)
""")


def test_on_jax_the_fast_kernel_gradient_equals_keras():
    env = {**os.environ, "KERAS_BACKEND": "jax", "CUDA_VISIBLE_DEVICES": ""}
    done = subprocess.run([sys.executable, "-c", JAX_CHECK], env=env, capture_output=True,
                          text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    words = done.stdout.split()
    assert words[:3] == ["fast", "path", "True"], done.stdout
    assert float(words[-1]) < 1e-5, done.stdout
