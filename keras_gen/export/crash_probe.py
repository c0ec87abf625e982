"""Run a `.tflite` once in a child process, so a model that crashes the interpreter
(SIGSEGV, SIGABRT: XNNPACK on a degenerate int8 scale) is found without taking the
caller's process down.
"""

from pathlib import Path

# The child: load with the builtin op resolver (XNNPACK applied as in the parent) and
# run the default signature once on zeros of each input's shape and dtype.
_RUN_CHECK = """
import sys
import numpy as np
from ai_edge_litert.interpreter import Interpreter, OpResolverType
interpreter = Interpreter(model_path=sys.argv[1],
                          experimental_op_resolver_type=OpResolverType.BUILTIN)
runner = interpreter.get_signature_runner()
details = runner.get_input_details()
runner(**{k: np.zeros(d["shape"], d["dtype"]) for k, d in details.items()})
"""


def run_failure(content, timeout=300):
    """None if a `.tflite` loads and runs (XNNPACK included) in a child process, else why not.

    The reason is the signal that killed the child, its last line of stderr,
    its exit code, or the timeout that passed.
    """
    import signal
    import subprocess
    import sys
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "check.tflite"
        path.write_bytes(content)
        try:
            result = subprocess.run([sys.executable, "-c", _RUN_CHECK, str(path)],
                                    capture_output=True, text=True, timeout=timeout)
        except subprocess.TimeoutExpired:
            return f"no result within {timeout} s"
    if result.returncode == 0:
        return None
    if result.returncode < 0:
        return f"the interpreter crashed with {signal.Signals(-result.returncode).name}"
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    return lines[-1][:300] if lines else f"exit code {result.returncode}"
