"""`keras-gen list [PATTERN] [--family F]`: the presets as a table."""

HELP = "list the presets: name, family, data, pretrained, parameters, headline metric"


def add_arguments(parser):
    parser.add_argument("pattern", nargs="?", help="glob on names and aliases, e.g. 'dcgan*'")
    parser.add_argument("--family", help="only this family (autoencoder, vae, gan, ...)")


def format_table(rows):
    header = ["name", "aliases", "family", "data", "pretrained", "params", "metrics"]
    lines = [header]
    for row in rows:
        metrics = ", ".join(
            f"{k}={v:.4g}" if isinstance(v, float) else f"{k}={v}" for k, v in row["metrics"].items()
        )
        lines.append([
            row["name"], ",".join(row["aliases"]) or "-", row["family"], row["data"] or "-",
            "yes" if row["pretrained"] else "no",
            f"{row['parameters']:,}" if row["parameters"] else "-", metrics or "-",
        ])
    widths = [max(len(str(line[i])) for line in lines) for i in range(len(header))]
    return "\n".join("  ".join(str(c).ljust(w) for c, w in zip(line, widths)).rstrip()
                     for line in lines)


def run(args):
    import keras_gen as kg

    rows = kg.zoo.list(args.pattern, family=args.family)
    print(format_table(rows))
    if not rows:
        print("(no preset matches)")
    return 0
