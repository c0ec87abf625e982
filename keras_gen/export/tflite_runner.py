"""Running a `.tflite` as a phone would: ai_edge_litert's builtin ops, no Flex delegate."""

from pathlib import Path

import numpy as np

from keras_gen.core.integrity import CorruptedFileError, describe_start
from keras_gen.export.digests import TFLITE_IDENTIFIER, check_tflite_digest


def first_output(value):
    """The first output of a serving call as numpy: the first key of a dict, first of a list."""
    if isinstance(value, dict):
        value = value[sorted(value)[0]]
    if isinstance(value, (list, tuple)):
        value = value[0]
    return np.asarray(value)


class TFLiteRunner:
    """A `.tflite` file loaded with ai_edge_litert's builtin op resolver (no Flex).

    Call it with keyword arrays named like the serving function's inputs; it
    returns the first output as numpy. The interpreter is kept alive with it
    (its output buffers belong to the interpreter).

    A file that is not a TFLite model, is truncated, fails the flatbuffer
    verifier or (for files written by `export`) its embedded sha256 raises
    `kg.zoo.CorruptedFileError` (a `ValueError`) naming the file.
    """

    def __init__(self, path_or_bytes):
        from ai_edge_litert.interpreter import Interpreter, OpResolverType

        if isinstance(path_or_bytes, (bytes, bytearray)):
            content, self.path = bytes(path_or_bytes), "<bytes>"
        else:
            self.path = str(path_or_bytes)
            if not Path(self.path).is_file():
                raise FileNotFoundError(f"no TFLite model at {self.path}.")
            content = Path(self.path).read_bytes()
        if content[4:8] != TFLITE_IDENTIFIER:
            raise CorruptedFileError(
                self.path, "is not a valid TFLite model",
                f"a flatbuffer with the identifier {TFLITE_IDENTIFIER!r} at bytes 4-8",
                describe_start(content[:8], len(content)))
        try:
            self.interpreter = Interpreter(
                model_content=content, experimental_op_resolver_type=OpResolverType.BUILTIN)
        except (ValueError, RuntimeError) as error:
            raise CorruptedFileError(
                self.path, "is truncated or corrupted: it is not a valid TFLite flatbuffer",
                "a model that passes the flatbuffer verifier",
                f"{len(content):,} bytes that fail it ({error})") from error
        self.has_digest = check_tflite_digest(content, self.path)
        signatures = self.interpreter.get_signature_list()
        if not signatures:
            raise ValueError(f"{self.path} has no signature (named entry point) to run; "
                             "kg.export writes one per file.")
        self.signature = next(iter(signatures))
        self.input_names = sorted(signatures[self.signature]["inputs"])
        self._runner = self.interpreter.get_signature_runner(self.signature)

    def __call__(self, **inputs):
        return first_output({k: np.copy(v) for k, v in self._runner(**inputs).items()})


def run_tflite(path_or_bytes, **inputs):
    """Load a `.tflite` and run it once on keyword inputs; returns numpy output."""
    return TFLiteRunner(path_or_bytes)(**inputs)
