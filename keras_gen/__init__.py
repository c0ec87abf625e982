"""keras-gen: a Keras 3 model zoo of autoencoders and GANs.

    import keras_gen as kg
    model = kg.zoo.load("vae")                 # pretrained, offline, sha256-checked
    images = model.generate(16, seed=0)        # float images in [0, 1], NHWC
    ae = kg.models.Autoencoder(input_shape=(28, 28, 1), hidden=[300, 150], code_dim=30)
    ae.compile(); ae.fit(kg.data.load("mnist"), epochs=5)

`import keras_gen` is light: each subpackage, and with it Keras and
TensorFlow, is imported on first use (`kg.zoo`, `from keras_gen import models`),
so the command line's help and `list` start without TensorFlow. The zoo's
loaders import the model families first, so saved presets deserialize; code
that calls `keras.saving.load_model` on a keras_gen model directly calls
`kg.models.discover()` first (it imports every family, registering its classes).
"""

from keras_gen.core.backend import check_backend

check_backend()

__version__ = "0.1.0"

__all__ = ["autodiff", "callbacks", "core", "data", "distribute", "export", "layers", "losses",
           "metrics", "models", "noise", "plot", "progress_bar", "regularizers", "replay",
           "training", "zoo",
           "__version__"]
_IN_CORE = ("autodiff", "progress_bar")  # leaf modules, also reachable as kg.<name>


def __getattr__(name):
    if name in __all__:  # a subpackage: `__version__` is always set
        import importlib

        check_backend()
        where = f"{__name__}.core" if name in _IN_CORE else __name__
        return importlib.import_module(f"{where}.{name}")
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__():
    return sorted(set(globals()) | set(__all__))
