"""keras-gen: a Keras 3 model zoo of autoencoders and GANs.

    import keras_gen as kg
    model = kg.zoo.load("vae")                 # pretrained, offline, sha256-checked
    images = model.generate(16, seed=0)        # float images in [0, 1], NHWC
    ae = kg.models.Autoencoder(input_shape=(28, 28, 1), hidden=[300, 150], code_dim=30)
    ae.compile(); ae.fit(kg.data.load("mnist"), epochs=5)
"""

from keras_gen._backend import check_backend

check_backend()

from keras_gen import (  # noqa: E402
    autodiff,
    callbacks,
    data,
    distribute,
    export,
    layers,
    losses,
    metrics,
    models,
    noise,
    plot,
    regularizers,
    replay,
    zoo,
)

__version__ = "0.1.0"

__all__ = ["autodiff", "callbacks", "data", "distribute", "export", "layers", "losses", "metrics", "models", "noise",
           "plot", "regularizers", "replay", "zoo", "__version__"]
