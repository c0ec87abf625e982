"""`keras-gen export NAME_OR_PATH --out DIR [--tflite] [--quantize float16|int8] [--overwrite]`."""

HELP = "export a preset to SavedModel (+ TFLite), check it against Keras, print sizes and latency"


def add_arguments(parser):
    parser.add_argument("preset", help="preset name, alias, folder or URL")
    parser.add_argument("--out", required=True,
                        help="output folder, written atomically; it must not exist or be empty, "
                             "unless --overwrite")
    parser.add_argument("--overwrite", action="store_true",
                        help="replace an export folder written by keras-gen; move anything else "
                             "at --out to OUT.bak (kept, never deleted)")
    parser.add_argument("--tflite", action="store_true", help="also write .tflite files")
    parser.add_argument("--quantize", choices=("float16", "int8"),
                        help="quantize the .tflite files (int8 calibrates on the preset's data)")
    parser.add_argument("--no-saved-model", action="store_true",
                        help="keep only the .tflite files")
    parser.add_argument("--weights", default="pretrained",
                        help="'pretrained' (default), 'none' for fresh weights, or a .weights.h5")


def run(args):
    import keras_gen as kg

    formats = ["saved_model"]
    if args.tflite or args.quantize:
        formats.append("tflite")
    if args.no_saved_model:
        if "tflite" not in formats:
            raise ValueError("--no-saved-model needs --tflite: nothing would be written.")
        formats.remove("saved_model")
    kg.export.exporter.check_out_dir(args.out, args.overwrite)  # before loading anything
    weights = None if args.weights.lower() == "none" else args.weights
    model = kg.zoo.load(args.preset, weights=weights, compile=False)
    data = None
    if args.quantize == "int8":
        data = kg.export.exporter.preset_calibration_data(args.preset)
    report = kg.export.export(model, args.out, formats=tuple(formats), quantize=args.quantize,
                              representative_data=data, verbose=False, overwrite=args.overwrite)
    print(report)
    print(f"\nwrote {args.out}")
    return 0
