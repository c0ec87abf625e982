"""`keras-gen list [PATTERN] [--family F]`: the presets as a table.

Built from plain data only, the registry's preset summaries and the
catalogue's `metadata.json` files, so listing never imports Keras or
TensorFlow; the rows are those of `kg.zoo.list()`.
"""

import json
from pathlib import Path

CATALOGUE_DIR = Path(__file__).resolve().parent.parent / "catalogue"

HELP = "list the presets: name, family, data, pretrained, parameters, headline metric"


def add_arguments(parser):
    parser.add_argument("pattern", nargs="?", help="glob on names and aliases, e.g. 'dcgan*'")
    parser.add_argument("--family", help="only this family (autoencoder, vae, gan, ...)")


def format_table(rows):
    header = ["name", "aliases", "family", "data", "pretrained", "params", "metrics"]
    lines = [header]
    for row in rows:
        metrics = ", ".join(
            f"{k}={v:.4g}" if isinstance(v, float) else f"{k}={v}"
            for k, v in row["metrics"].items()
        )
        lines.append([
            row["name"], ",".join(row["aliases"]) or "-", row["family"], row["data"] or "-",
            "yes" if row["pretrained"] else "no",
            f"{row['parameters']:,}" if row["parameters"] else "-", metrics or "-",
        ])
    widths = [max(len(str(line[i])) for line in lines) for i in range(len(header))]
    return "\n".join("  ".join(str(c).ljust(w) for c, w in zip(line, widths)).rstrip()
                     for line in lines)


def catalogue_metadata(name):
    """A shipped preset's `metadata.json` (an empty dict when it is not trained yet)."""
    path = CATALOGUE_DIR / name / "metadata.json"
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}


def preset_rows(pattern=None, family=None):
    """The rows of `kg.zoo.list(pattern, family)`, read without importing Keras."""
    from keras_gen.zoo import registry

    found = []
    for summary in registry.summaries(pattern, family):
        meta = catalogue_metadata(summary["name"])
        found.append({
            "name": summary["name"], "aliases": list(summary["aliases"]),
            "family": summary["family"], "data": summary["data"], "pretrained": bool(meta),
            "parameters": meta.get("parameters"), "metrics": meta.get("metrics", {}),
            "description": summary["description"],
        })
    return found


def run(args):
    rows = preset_rows(args.pattern, family=args.family)
    print(format_table(rows))
    if not rows:
        print("(no preset matches)")
    return 0
