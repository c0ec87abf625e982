"""`ProgressiveSchedule`: grows a progressive GAN during one `fit` call."""

import time

import keras

from keras_gen.models.progressive import schedule


@keras.saving.register_keras_serializable(package="keras_gen")
class ProgressiveSchedule(keras.callbacks.Callback):
    """Set a progressive model's stage and fade-in alpha from the images it has seen.

    Before every batch it reads the model's `images_seen` counter (a model
    variable, so it is saved, reloaded and restored by `BackupAndRestore`)
    and sets `stage` and `alpha` by `schedule.stage_at`: phases of
    `phase_images` images alternate stable and fade-in until the final
    resolution. The train function reads both as variables, so it is traced
    once for the whole growth. Once the last, stable phase is reached nothing
    can change, so it stops reading the counter (a host read per batch, and on
    JAX a sync of the trainer's state). `kg.models.ProGAN` and
    `kg.models.StyleGAN` add this callback in `fit` unless one is given.

    It records each phase's wall time in `phases` (a list of dicts:
    `phase`, `resolution`, `fade_in`, `start_images`, `end_images`,
    `seconds`), for a caller to report how long each phase took.

    Args:
        phase_images: int. Images per transition or stable phase (the
            paper's kimg x 1000). Defaults to the model's `phase_images`.
        verbose: int. 1 prints a line when a phase starts. Defaults to 0.

    Example:
        >>> model = kg.models.ProGAN(resolution=32, phase_images=20_000)
        >>> model.compile()
        >>> model.fit(x, epochs=40, callbacks=[kg.callbacks.ProgressiveSchedule(verbose=1)])
    """

    def __init__(self, phase_images=None, verbose=0):
        super().__init__()
        if phase_images is not None and (isinstance(phase_images, bool)
                                         or not isinstance(phase_images, int) or phase_images < 1):
            raise ValueError(f"phase_images must be a positive int or None, got {phase_images!r}.")
        self.phase_images = phase_images
        self.verbose = verbose
        self.phases = []
        self._phase = None
        self._phase_start = None
        self._applied = None  # the (stage, alpha) last written to the model

    def _check_model(self):
        missing = [a for a in ("images_seen", "stages", "phase_images", "set_stage")
                   if not hasattr(self.model, a)]
        if missing:
            raise TypeError(
                f"ProgressiveSchedule needs a progressive model (kg.models.ProGAN, StyleGAN); "
                f"{type(self.model).__name__} lacks {missing}.")

    def current(self):
        """`(images_seen, stage, alpha, phase)` of the model now."""
        # Keras' JAX trainer holds the variables' values in its own state during
        # an epoch; syncing writes them back (and makes the next step read the
        # stage and alpha set here). Other trainers update the variables in place.
        sync = getattr(self.model, "jax_state_sync", None)
        if sync is not None:
            sync()
        seen = int(keras.ops.convert_to_numpy(self.model.images_seen))
        phase_images = self.phase_images or self.model.phase_images
        return (seen, *schedule.stage_at(seen, phase_images, self.model.stages))

    def _set_stage(self, stage, alpha):
        """Write stage and alpha to the model only when they change (two eager assigns
        per batch otherwise; a stable phase keeps them for thousands of batches)."""
        if (stage, alpha) != self._applied:
            self.model.set_stage(stage, alpha)
            self._applied = (stage, alpha)

    def _update(self):
        seen, stage, alpha, phase = self.current()
        self._set_stage(stage, alpha)
        if phase != self._phase:
            self._close_phase(seen)
            self._phase, self._phase_start = phase, time.perf_counter()
            self.phases.append({
                "phase": phase, "resolution": schedule.resolution_of(stage),
                "fade_in": phase % 2 == 1, "start_images": seen,
                "end_images": None, "seconds": None})
            if self.verbose:
                print(f"\n[ProgressiveSchedule] phase {phase}: {schedule.describe(stage, alpha)} "
                      f"from {seen} images")

    def _close_phase(self, seen):
        if self.phases and self.phases[-1]["seconds"] is None and self._phase_start is not None:
            entry = self.phases[-1]
            entry["end_images"] = seen
            entry["seconds"] = round(time.perf_counter() - self._phase_start, 3)

    def on_train_begin(self, logs=None):
        self._check_model()
        self._phase = None
        self._applied = None
        self._update()

    def on_train_batch_begin(self, batch, logs=None):
        if self._phase == 2 * (self.model.stages - 1):
            return  # grown: the last, stable phase holds until training ends
        self._update()

    def on_train_end(self, logs=None):
        seen = self.current()[0]
        self._close_phase(seen)
        self._phase = None
        self._update_model_only()

    def _update_model_only(self):
        _, stage, alpha, _ = self.current()
        self.model.set_stage(stage, alpha)
        self._applied = None

    def get_config(self):
        return {"phase_images": self.phase_images, "verbose": self.verbose}
