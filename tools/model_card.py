"""Write the model card: a table of every shipped preset from its metadata, and a
PNG per preset (samples or reconstructions), into docs/ and the README.

    python tools/model_card.py            # docs/model_card.md, docs/images/zoo/*.png, README
"""

import os
import re
import sys
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
ROOT = Path(__file__).resolve().parent.parent
START, END = "<!-- model-card:start -->", "<!-- model-card:end -->"


def _fmt(value):
    return f"{value:.4g}" if isinstance(value, float) else str(value)


def card_rows():
    import keras_gen as kg

    rows = []
    for row in kg.zoo.list():
        if not row["pretrained"]:
            rows.append((row["name"], row["family"], row["data"], "-", "not shipped yet", "-", "-"))
            continue
        meta = kg.zoo.metadata(row["name"])
        # scalars only (a class histogram stays in metadata.json)
        metrics = ", ".join(f"{k} {_fmt(v)}" for k, v in meta.get("metrics", {}).items()
                            if not k.startswith("test_noisy") and isinstance(v, (int, float)))
        rows.append((row["name"] + (f" ({', '.join(row['aliases'])})" if row["aliases"] else ""),
                     row["family"], row["data"], f"{row['parameters']:,}",
                     metrics or "-", f"{meta.get('training_time_s', '-')} s",
                     "-" if row["family"] == "classifier"
                     else f"![{row['name']}](images/zoo/{row['name']}.png)"))
    return rows


def table(rows, image_prefix="docs/"):
    header = ("preset", "family", "data", "parameters", "measured (test split)", "training",
              "picture")
    lines = ["| " + " | ".join(header) + " |", "|" + " --- |" * len(header)]
    for row in rows:
        picture = row[6].replace("](images/", f"]({image_prefix}images/")
        lines.append("| " + " | ".join(list(row[:6]) + [picture]) + " |")
    return "\n".join(lines)


def pictures():
    import keras_gen as kg
    from keras_gen.commands.plot import draw

    for row in kg.zoo.list():
        if row["pretrained"] and row["family"] != "classifier":
            spec = kg.zoo.get(row["name"])
            model = kg.zoo.load(row["name"], compile=False)
            kind = "samples" if hasattr(model, "generate") else "reconstructions"
            draw(model, kind, ROOT / "docs" / "images" / "zoo" / f"{row['name']}.png", n=16,
                 seed=0, spec=spec)


def main():
    from keras_gen.core import safe_io

    pictures()
    rows = card_rows()
    doc = ("# Model card\n\nEvery preset of the zoo, from its `metadata.json` (written by "
           "`tools/train_zoo.py`, which also records the exact command, the data split and "
           "the versions). Metrics are measured on the fixed MNIST test split with the "
           "shipped (float16-stored) weights. Regenerate with `python tools/model_card.py`."
           "\n\n" + table(rows, image_prefix="") + "\n")
    safe_io.write_text_atomic(ROOT / "docs" / "model_card.md", doc)
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    block = f"{START}\n{table(rows)}\n{END}"
    if START in readme:
        readme = re.sub(re.escape(START) + ".*?" + re.escape(END), block.replace("\\", "\\\\"),
                        readme, flags=re.S)
    safe_io.write_text_atomic(ROOT / "README.md", readme)
    print(doc)
    return 0


if __name__ == "__main__":
    sys.exit(main())
