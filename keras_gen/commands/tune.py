"""`keras-gen tune NAME --max-trials N [--overwrite]`: keras-tuner search, then a summary table.

A search already in the trial folder is resumed (its trials are kept, the
missing ones up to `--max-trials` run); `--overwrite` deletes it first.
"""

HELP = "search a preset's hyperparameters with keras-tuner and print the best trials"


def add_arguments(parser):
    parser.add_argument("preset", help="preset name or alias")
    parser.add_argument("--tuner", default="random", choices=("random", "bayesian", "hyperband"))
    parser.add_argument("--max-trials", type=int, default=10)
    parser.add_argument("--epochs", type=int, default=5, help="epochs per trial")
    parser.add_argument("--directory", help="trial folder (default $KERAS_GEN_HOME/tuning)")
    parser.add_argument("--limit", type=int, help="use only the first N training examples")
    parser.add_argument("--save", help="save the best model as a preset folder here")
    parser.add_argument("--tiny", action="store_true",
                        help="search around the tiny config, data resized to it")
    parser.add_argument("--overwrite", action="store_true",
                        help="delete an earlier search of this preset in the trial folder and "
                             "start afresh (default: resume it), and replace a preset of ours "
                             "at --save")


def format_summary(rows, objective):
    names = sorted({k for _, _, values in rows for k in values})
    header = ["trial", objective] + names
    lines = [header] + [[trial, f"{score:.5g}"] + [str(values.get(n, "-")) for n in names]
                        for trial, score, values in rows]
    widths = [max(len(str(line[i])) for line in lines) for i in range(len(header))]
    return "\n".join("  ".join(str(c).ljust(w) for c, w in zip(line, widths)).rstrip()
                     for line in lines)


def fitted_to(x, shape):
    """Images `x` at the size and channels of a model input `shape` (for `--tiny`)."""
    import keras_gen as kg

    if shape is None or x.ndim != 4 or tuple(x.shape[1:]) == tuple(shape):
        return x
    x = kg.data.fit_size(x, tuple(shape[:2]), pad=False)
    if x.shape[-1] != shape[-1]:
        x = x.mean(axis=-1, keepdims=True) if shape[-1] == 1 else x.repeat(shape[-1], -1)
    return x


def run(args):
    import keras_gen as kg
    from keras_gen.zoo import tuning

    spec = kg.zoo.get(args.preset)
    if args.save:  # refuse a taken target before the search, not after it
        from keras_gen.core import store

        store.check_preset_target(args.save, args.overwrite)
    kwargs = {k: v for k, v in spec.data.items() if k != "name"}
    x, _ = kg.data.load_arrays(spec.data["name"], "train", **kwargs)
    validation, _ = kg.data.load_arrays(spec.data["name"], "test", **kwargs)
    if args.limit:
        x, validation = x[:args.limit], validation[:max(args.limit // 4, 1)]
    if args.tiny:
        model = spec.build(tiny=True)
        shape = model.expected_input_shape() if hasattr(model, "expected_input_shape") else None
        x, validation = fitted_to(x, shape), fitted_to(validation, shape)
    search, best, hp = tuning.run_search(
        spec.name, x, tuner=args.tuner, max_trials=args.max_trials, epochs=args.epochs,
        directory=args.directory, validation_data=validation, tiny=args.tiny,
        overwrite=args.overwrite)
    print()
    print(format_summary(tuning.summary_rows(search), search.oracle.objective.name))
    print(f"\nbest: {hp.values}")
    if args.save:
        kg.zoo.save_preset(best, args.save, overwrite=args.overwrite,
                           metadata={"preset": spec.name, "hyperparameters": hp.values})
        print(f"saved the best model to {args.save}")
    return 0
