"""What the quality-floor scripts share: the machine they ran on, writing the results."""

import json
import os
import platform


def machine():
    """Platform, core count and 1-minute load average (numbers from a busy machine are slow)."""
    return {"platform": platform.platform(), "cpus": os.cpu_count(),
            "load_average_1min": os.getloadavg()[0]}


def write_results(out_dir, name, report, pictures):
    """Write `report` to `<out_dir>/results/<name>.json` (temp file + rename); return the path."""
    path = os.path.join(out_dir, "results", f"{name}.json")
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path + ".tmp", "w") as handle:
        json.dump(report, handle, indent=2)
    os.replace(path + ".tmp", path)
    print(f"\nwrote {path} and {', '.join(pictures)}")
    return path
