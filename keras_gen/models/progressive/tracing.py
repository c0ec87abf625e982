"""One train function per growth stage, each traced when its stage first trains.

A train step routed by the stage *variable* holds every stage's path in one
graph (`keras.ops.switch`): the generator and discriminator of every
resolution, their gradients and R1's second-order gradients. At 64x64 (five
stages) TensorFlow needed most of a minute on 2 cores to trace and optimise
that graph before the first step, and the gradient of a `Case` whose branches
differ wraps the branches' intermediates in optionals that its type inference
rejects (the `Type inference failed ... TFT_OPTIONAL` warning and a failed
`remapper` pass).

Here the networks are routed by the stage as a Python int while a step runs
(`StageTrainFunctions.running_stage`), so each traced graph holds one path and
no `Case`; a stage traces its own graph when it first trains, at about the
cost of that stage alone. The ops of a stage's path are those of the
corresponding `Case` branch, so a step computes the same values as before;
sampling, evaluation and export keep their own routing.
"""

from keras_gen.models.progressive.schedule import resolution_of


class StageTrainFunctions:
    """The train function of a progressive model: dispatches each call to its stage's.

    Called by Keras' `fit` loop like any train function (with the data
    iterator; on JAX with the trainer's state first). `stage_of()` gives the
    stage to train (the model keeps it in Python, so dispatching costs no
    tensor read); the first call at a stage makes a fresh Keras train function
    with `make_function()` (whose `tf.function` or `jax.jit` traces on that
    first call), announcing the wait when
    `announce` is true.

    Args:
        name: the model's class name, for the announcement.
        stages: number of stages of the model.
        stage_of: `fn() -> int`, the stage the next step trains.
        make_function: `fn(state) -> train function`, a new untraced Keras one
            (`state`: the JAX trainer's state in hand, else None).
        announce: `fn() -> bool`, whether to print the tracing line.
    """

    def __init__(self, name, stages, stage_of, make_function, announce):
        self.name = name
        self.stages = stages
        self.stage_of = stage_of
        self.make_function = make_function
        self.announce = announce
        self.functions = {}
        self.running_stage = None

    @property
    def traced_stages(self):
        """Stages whose train function exists, in the order they were first trained."""
        return list(self.functions)

    def describe(self, stage):
        side = resolution_of(stage)
        return (f"{self.name}: tracing the train step for stage {stage} of {self.stages} "
                f"({side}x{side}); each stage is traced when it starts...")

    def __call__(self, *args):
        """Run the stage's function on `(iterator)` (TensorFlow) or `(state, iterator)` (JAX)."""
        stage = self.stage_of()
        function = self.functions.get(stage)
        if function is None:
            if self.announce():
                print(self.describe(stage), flush=True)
            state = args[0] if len(args) == 2 else None  # JAX: the trainer's state
            function = self.functions[stage] = self.make_function(state)
        self.running_stage = stage
        try:
            return function(*args)
        finally:
            self.running_stage = None
