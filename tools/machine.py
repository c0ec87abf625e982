"""The machine a measurement ran on, read once: the bench's table and the preset references' key."""

import hashlib
import os
import platform
from pathlib import Path


def _line(path, prefix):
    """The first line of `path` starting with `prefix` ("" if none), or None when unreadable."""
    try:
        return next((ln for ln in Path(path).read_text().splitlines(True)
                     if ln.startswith(prefix)), "")
    except OSError:
        return None


def machine_info():
    """Cores, CPU model and feature flags (hashed), RAM, library versions, load average now."""
    import keras
    import tensorflow as tf

    model, flags, memory = (_line(p, k) for p, k in (
        ("/proc/cpuinfo", "model name"), ("/proc/cpuinfo", "flags"), ("/proc/meminfo", "MemTotal")))
    flags = platform.processor() if flags is None else flags
    return {
        "cpu_count": os.cpu_count(),
        "cpus_usable": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else None,
        "cpu_model": model.split(":", 1)[1].strip() if model else platform.processor() or "unknown",
        "cpu_flags": hashlib.sha256(" ".join(sorted(flags.split())).encode()).hexdigest()[:16],
        "architecture": platform.machine(),
        "memory_total_mb": int(memory.split()[1]) / 1024 if memory else None,
        "platform": platform.platform(), "python": platform.python_version(),
        "tensorflow": tf.__version__, "keras": keras.__version__, "loadavg": list(os.getloadavg()),
    }


def machine_signature(info=None):
    """What decides the CPU kernels' rounding: architecture, processor feature flags
    (hashed), core count (how work is split), TensorFlow and Keras versions."""
    info = info or machine_info()
    return (f"{info['architecture']} flags:{info['cpu_flags']} cores:{info['cpu_count']} "
            f"tf:{info['tensorflow']} keras:{info['keras']}")
