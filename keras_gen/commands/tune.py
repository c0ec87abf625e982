"""`keras-gen tune NAME --max-trials N`: keras-tuner search, then a summary table."""

HELP = "search a preset's hyperparameters with keras-tuner and print the best trials"


def add_arguments(parser):
    parser.add_argument("preset", help="preset name or alias")
    parser.add_argument("--tuner", default="random", choices=("random", "bayesian", "hyperband"))
    parser.add_argument("--max-trials", type=int, default=10)
    parser.add_argument("--epochs", type=int, default=5, help="epochs per trial")
    parser.add_argument("--directory", help="trial folder (default $KERAS_GEN_HOME/tuning)")
    parser.add_argument("--limit", type=int, help="use only the first N training examples")
    parser.add_argument("--save", help="save the best model as a preset folder here")
    parser.add_argument("--tiny", action="store_true", help="search around the tiny config")


def format_summary(rows, objective):
    names = sorted({k for _, _, values in rows for k in values})
    header = ["trial", objective] + names
    lines = [header] + [[trial, f"{score:.5g}"] + [str(values.get(n, "-")) for n in names]
                        for trial, score, values in rows]
    widths = [max(len(str(line[i])) for line in lines) for i in range(len(header))]
    return "\n".join("  ".join(str(c).ljust(w) for c, w in zip(line, widths)).rstrip()
                     for line in lines)


def run(args):
    import keras_gen as kg
    from keras_gen.zoo import tuning

    spec = kg.zoo.get(args.preset)
    kwargs = {k: v for k, v in spec.data.items() if k != "name"}
    x, _ = kg.data.load_arrays(spec.data["name"], "train", **kwargs)
    validation, _ = kg.data.load_arrays(spec.data["name"], "test", **kwargs)
    if args.limit:
        x, validation = x[:args.limit], validation[:max(args.limit // 4, 1)]
    search, best, hp = tuning.run_search(
        spec.name, x, tuner=args.tuner, max_trials=args.max_trials, epochs=args.epochs,
        directory=args.directory, validation_data=validation, tiny=args.tiny)
    print()
    print(format_summary(tuning.summary_rows(search), search.oracle.objective.name))
    print(f"\nbest: {hp.values}")
    if args.save:
        kg.zoo.save_preset(best, args.save, metadata={"preset": spec.name,
                                                      "hyperparameters": hp.values})
        print(f"saved the best model to {args.save}")
    return 0
