"""Small serializable option objects (noise, sparsity penalties, ...).

They are not layers: a model stores them in its config as
`keras.saving.serialize_keras_object` dicts and rebuilds them with `get`.
"""

import keras


class ConfigObject:
    """Base of option objects: value equality, a readable repr, config round trip.

    Subclasses return their constructor arguments from `get_config()`.
    """

    def get_config(self):
        return {}

    @classmethod
    def from_config(cls, config):
        return cls(**config)

    def __eq__(self, other):
        return type(self) is type(other) and self.get_config() == other.get_config()

    def __hash__(self):
        return hash((type(self).__name__, tuple(sorted(self.get_config().items()))))

    def __repr__(self):
        args = ", ".join(f"{k}={v!r}" for k, v in self.get_config().items())
        return f"{type(self).__name__}({args})"


def get(identifier, base, what, examples):
    """An option object from None, an instance of `base`, or its serialized dict.

    Args:
        what: the argument's name, for the error message.
        examples: how to make a valid one, for the error message.
    """
    if identifier is None or isinstance(identifier, base):
        return identifier
    if isinstance(identifier, dict):
        obj = keras.saving.deserialize_keras_object(identifier)
        if isinstance(obj, base):
            return obj
    raise ValueError(f"{what} must be None or {examples}, got {identifier!r}.")


def serialize(obj):
    """The JSON-ready config of an option object (None stays None)."""
    return None if obj is None else keras.saving.serialize_keras_object(obj)
