"""Run `tools/demo.py` on TensorFlow and on JAX and compare the pictures pixel by pixel.

    python tools/demo_backends.py            # prints, per PNG, the largest difference

Each backend runs in its own process (Keras picks its backend once per process);
the PNGs go to temporary folders and are compared as 8-bit pixel arrays.
"""

import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BACKENDS = ("tensorflow", "jax")


def main():
    import numpy as np
    from PIL import Image

    folders = {}
    for backend in BACKENDS:
        folders[backend] = Path(tempfile.mkdtemp(prefix=f"demo_{backend}_"))
        print(f"== demo on {backend} -> {folders[backend]}", flush=True)
        subprocess.run([sys.executable, str(ROOT / "tools" / "demo.py"), "--out",
                        str(folders[backend])], check=True,
                       env={**os.environ, "KERAS_BACKEND": backend})
    reference, other = (folders[b] for b in BACKENDS)
    worst = 0
    for path in sorted(reference.glob("*.png")):
        a = np.asarray(Image.open(path)).astype(int)
        b = np.asarray(Image.open(other / path.name)).astype(int)
        difference = int(np.abs(a - b).max()) if a.shape == b.shape else 255
        worst = max(worst, difference)
        print(f"{path.name}: largest pixel difference {difference}/255, "
              f"{float((a != b).mean()) if a.shape == b.shape else 1.0:.2e} of pixels differ")
    return 0 if worst <= 2 else 1


if __name__ == "__main__":
    sys.exit(main())
