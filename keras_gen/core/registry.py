"""The preset registry as plain data: what each named preset is, and the table of them.

A family declares its presets once, in its own folder, with
`register_presets(PresetSpec(...), ...)`. This module imports nothing of
keras_gen's families: looking presets up by name (which first discovers the
families) is `keras_gen.zoo.registry`.
"""

import dataclasses

_PRESETS = {}
_ALIASES = {}


FIT_TOOL_KEYS = ("callbacks", "supervised", "minutes", "kimg")
BENCH_JOBS = ("speed", "quality", "profile")  # the tools/bench.py jobs a spec may ask for

RELATIONS = {"<": lambda a, b: a < b, "<=": lambda a, b: a <= b,
             ">": lambda a, b: a > b, ">=": lambda a, b: a >= b}


@dataclasses.dataclass(frozen=True)
class Bound:
    """One condition of a quality floor: `metric relation reference`.

    Args:
        metric: a key of the preset's `evaluate` dict.
        relation: "<", "<=", ">" or ">=".
        reference: what the metric is compared with: a number; the name of
            another metric of the same evaluation (e.g. the corrupted input's
            error); "preset:metric", a metric in another shipped preset's
            metadata (e.g. "dcgan_mnist_28:frechet_distance"); or a baseline
            `fn(spec) -> float` measured on the preset's data (e.g. PCA).
    """

    metric: str
    relation: str
    reference: object

    def __post_init__(self):
        if self.relation not in RELATIONS:
            raise ValueError(f"Bound relation must be one of {sorted(RELATIONS)}, got "
                             f"{self.relation!r}.")

    def holds(self, measured, reference):
        return bool(RELATIONS[self.relation](measured, reference))

    def describe(self):
        reference = self.reference
        name = getattr(reference, "__name__", None) if callable(reference) else None
        return f"{self.metric} {self.relation} {name or reference}"


@dataclasses.dataclass(frozen=True)
class Floor:
    """The quality a preset must reach when trained by its recipe on its data.

    Args:
        bounds: the `Bound`s its evaluation must meet.
        minutes: the training (the `fit` call) must end within this many
            minutes on the reference machine (2 cores); None: no time bound.
        doc: the page that reports the measured floor.
    """

    bounds: tuple = ()
    minutes: float = None
    doc: str = ""


@dataclasses.dataclass(frozen=True)
class PresetSpec:
    """Everything needed to build, train and test one named preset.

    Args:
        name: `<arch>_<dataset>_<resolution>`, e.g. "dcgan_mnist_28".
        family: "autoencoder", "vae", "gan", "classifier", ... (used by tuning
            and evaluation to pick objectives and metrics).
        model_class: the registered `keras.Model` subclass.
        config: constructor arguments of the full preset.
        tiny_config: overrides giving a tiny, fast version for tests.
        data: keyword arguments for `kg.data.load_arrays` (must hold "name").
        compile: keyword arguments for `model.compile` (defaults when empty).
        fit: training recipe used by `tools/train_zoo.py` and `keras-gen
            train`: `model.fit` arguments (`epochs`, `batch_size`, ...) plus
            four tool keys: "callbacks" (a callable returning a list of
            callbacks), "supervised" (fit on `(x, labels)`), "kimg" (the
            thousands of training images the recipe trains on, whatever the
            machine: `kg.callbacks.ImageBudget`) and "minutes" (a wall-clock
            budget, enforced by `kg.callbacks.TimeLimit`; a slower machine
            trains fewer images in it, so the shipped GAN recipes use "kimg").
        aliases: short names, e.g. ("vae",).
        description: one line for `kg.zoo.list()`.
        search_space: optional `fn(hp) -> dict` of overrides for tuning; the
            dict may hold a "compile" dict of compile overrides.
        evaluate: optional `fn(model, spec) -> dict` of measured metrics on the
            preset's test data (used by `tools/train_zoo.py` and the model card).
        headline_metric: the key of `evaluate`'s dict shown in `kg.zoo.list()`.
        objective: `(metric, "min"|"max")` that `kg.zoo.tune` compares trials
            by: a metric `fit` logs for the validation data ("val_fid" adds a
            `kg.callbacks.MetricEval`). Empty: the model class's
            `TUNING_OBJECTIVE`.
        bench: the `tools/bench.py` jobs that measure this preset by default:
            "speed" (throughput, defaults, export), "quality" (quality
            against training time, which needs `evaluate`) and "profile"
            (where a training step spends its time).
        floor: the `Floor` `tools/floors.py` measures this preset against.
        report: optional `fn(model, spec, images_dir) -> dict` of the family's
            extra figures in a floor report (e.g. StyleGAN's truncation
            sweep), which may write PNGs into `images_dir`; its "conditions"
            (`{name: bool}`) are part of the floor.
    """

    name: str
    family: str
    model_class: type
    config: dict
    tiny_config: dict = dataclasses.field(default_factory=dict)
    data: dict = dataclasses.field(default_factory=lambda: {"name": "mnist"})
    compile: dict = dataclasses.field(default_factory=dict)
    fit: dict = dataclasses.field(default_factory=lambda: {"epochs": 10, "batch_size": 128})
    aliases: tuple = ()
    description: str = ""
    search_space: object = None
    evaluate: object = None
    headline_metric: str = ""
    objective: tuple = ()
    bench: tuple = ()
    floor: object = None
    report: object = None

    @property
    def tuning_objective(self):
        """`(metric, direction)` of tuning: `objective`, else the model class's
        `TUNING_OBJECTIVE`, else `("val_loss", "min")`."""
        default = getattr(self.model_class, "TUNING_OBJECTIVE", ("val_loss", "min"))
        return tuple(self.objective) or tuple(default)

    def build(self, tiny=False, **overrides):
        """A fresh model of this preset (tiny for tests), with overrides applied.

        Overrides equal to `None` are dropped, so a variant lacking an option
        keeps its default.
        """
        config = dict(self.config)
        if tiny:
            config.update(self.tiny_config)
        config.update({k: v for k, v in overrides.items() if v is not None})
        return self.model_class(**config)

    def fit_arguments(self, epochs=None, batch_size=None, examples=None):
        """`(fit kwargs, callbacks, supervised)` of the recipe, with overrides.

        A "kimg" recipe runs the epochs that `kimg * 1000` images of a dataset
        of `examples` need, with a `kg.callbacks.ImageBudget` ending the last
        one at the budget; an `epochs` override replaces the image budget. A
        "minutes" budget adds a `kg.callbacks.TimeLimit`: training ends at the
        recipe's epochs or when the budget is spent, whichever is first.

        Raises:
            ValueError: a "kimg" recipe without `examples`.
        """
        # imports Keras: only when training
        from keras_gen.core.image_budget import ImageBudget
        from keras_gen.core.time_limit import TimeLimit

        recipe = dict(self.fit)
        make_callbacks = recipe.get("callbacks")
        if make_callbacks is not None and not callable(make_callbacks):
            raise TypeError(f"{self.name}: fit['callbacks'] must be a callable returning a list "
                            f"of callbacks, got {type(make_callbacks).__name__}.")
        callbacks = list(make_callbacks()) if make_callbacks else []
        if recipe.get("minutes") is not None:
            callbacks.append(TimeLimit(recipe["minutes"]))
        kwargs = {k: v for k, v in recipe.items() if k not in FIT_TOOL_KEYS}
        if batch_size is not None:
            kwargs["batch_size"] = batch_size
        if epochs is not None:
            kwargs["epochs"] = epochs
        elif recipe.get("kimg") is not None:
            if not examples:
                raise ValueError(f"{self.name}: a recipe of {recipe['kimg']} kimg needs the "
                                 f"number of training examples, got {examples!r}.")
            images = int(round(1000 * recipe["kimg"]))
            kwargs["epochs"] = ImageBudget.epochs_for(images, examples)
            callbacks.append(ImageBudget(images, int(examples), kwargs.get("batch_size", 32)))
        return kwargs, callbacks, bool(recipe.get("supervised", False))


def register_presets(*specs):
    """Add presets to the registry; a name or alias may be registered only once."""
    for spec in specs:
        if not isinstance(spec, PresetSpec):
            raise TypeError(f"expected PresetSpec, got {type(spec).__name__}.")
        unknown = sorted(set(spec.bench) - set(BENCH_JOBS))
        if unknown:
            raise ValueError(f"preset {spec.name!r}: bench jobs must be of {list(BENCH_JOBS)}, "
                             f"got {unknown}.")
        taken = [n for n in (spec.name, *spec.aliases) if n in _PRESETS or n in _ALIASES]
        existing = _PRESETS.get(spec.name)
        if taken and existing is not None and existing == spec:
            continue  # module re-imported (e.g. by a test runner)
        if taken:
            raise ValueError(f"preset name(s) {taken} already registered.")
        _PRESETS[spec.name] = spec
        for alias in spec.aliases:
            _ALIASES[alias] = spec.name


def unregister(name):
    """Remove a preset and its aliases (mainly for tests)."""
    spec = _PRESETS.pop(name)
    for alias in spec.aliases:
        _ALIASES.pop(alias, None)
