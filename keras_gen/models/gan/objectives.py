"""What the two training phases of `kg.models.GAN` minimise and log.

`GANObjectives` is a mixin of `GAN`: it holds the loss side of training, the
part a reader checks against the papers, apart from the update mechanics in
`model.py`. Phase 1 scores one labelled batch of `n` real images (label 1, or
`1 - label_smoothing`) then `n` generated ones (label 0): logits `(2n, 1)`;
its loss is the mean over the real half plus the mean over the generated half,
plus the WGAN-GP and R1 penalties when their weights are non-zero. Phase 2
scores `n` generated images labelled real: logits `(n, 1)`.

The mixin reads what `GAN` sets: `self._adversarial` (a
`kg.losses.AdversarialLoss`), `label_smoothing`, `joint_batch`,
`gradient_penalty`, `r1_gamma`, `replay`, `batch_dependent_discriminator`,
`seed_generator`, and calls the hooks `discriminate`, `generate_images` and
`sample_latents`. Every random draw comes from `self.seed_generator`.
"""

from keras import ops

from keras_gen.core import autodiff
from keras_gen.regularizers.gradient_penalty import gradient_penalty as wgan_gradient_penalty
from keras_gen.regularizers.gradient_penalty import r1_penalty


class GANObjectives:
    """Labels, accuracies, the phase-1 loss terms and the phase-2 loss of a GAN."""

    def _d_labels(self, batch):
        real = ops.full((batch,), 1.0 - self.label_smoothing, dtype="float32")
        return ops.concatenate([real, ops.zeros((batch,), dtype="float32")], axis=0)

    def _adversarial_d_loss(self, logits, batch):
        """Adversarial phase-1 loss of logits `(2n, 1)`: real-half mean + generated-half mean."""
        per_example = self._adversarial.discriminator(logits, self._d_labels(batch))
        return autodiff.replica_mean(per_example[:batch]) \
            + autodiff.replica_mean(per_example[batch:])

    def _accuracies(self, real_logits, fake_logits):
        threshold = self._adversarial.threshold
        real_ok = ops.cast(ops.reshape(real_logits, (-1,)) > threshold, "float32")
        fake_ok = ops.cast(ops.reshape(fake_logits, (-1,)) <= threshold, "float32")
        return {"d_real_acc": autodiff.unscaled(autodiff.replica_mean(real_ok)),
                "d_fake_acc": autodiff.unscaled(autodiff.replica_mean(fake_ok))}

    def labelled_batch_logits(self, real, fakes, training=True):
        """Logits `(2n, 1)` of the labelled batch: `n` real, then `n` generated images.

        One forward pass of the concatenated batch with `joint_batch`, else one
        pass per half (batch statistics per source).
        """
        if self.joint_batch:
            return self.discriminate(ops.concatenate([real, fakes], axis=0), training=training)
        return ops.concatenate([self.discriminate(real, training=training),
                                self.discriminate(fakes, training=training)], axis=0)

    def discriminator_losses(self, real, fakes, training=True):
        """Phase-1 loss terms for `real` and `fakes` (generator range, `n` each).

        Returns:
            `(total, terms, logits)`: the scalar to minimise, a dict of its
            replica-scaled parts (`d_loss`, and `gp` / `r1` unweighted when on),
            and the logits `(2n, 1)` of the half-real, half-generated batch.
        """
        batch = ops.shape(real)[0]
        logits = self.labelled_batch_logits(real, fakes, training=training)
        d_loss = self._adversarial_d_loss(logits, batch)
        terms, total = {"d_loss": d_loss}, d_loss
        discriminate = lambda images: self.discriminate(images, training=training)  # noqa: E731
        if self.gradient_penalty:
            terms["gp"] = autodiff.replica_mean(
                wgan_gradient_penalty(discriminate, real, fakes, seed=self.seed_generator))
            total = total + self.gradient_penalty * terms["gp"]
        if self.r1_gamma:
            terms["r1"] = autodiff.replica_mean(r1_penalty(discriminate, real))
            total = total + 0.5 * self.r1_gamma * terms["r1"]
        return total, terms, logits

    def generator_loss(self, real, training=True):
        """Phase-2 loss: `n` generated images labelled real.

        Args:
            real: the batch's `n` real images (generator range). They set the
                batch size, and with `joint_batch` a batch-dependent
                discriminator sees them before the generated half (see
                docs/gan.md, "Training step").

        With replay and a batch-dependent discriminator, the generated batch is
        blended with replayed images in the same proportion as in phase 1 (the
        replayed rows carry no gradient and do not count in the loss), so batch
        statistics match those the discriminator learnt on.

        Returns:
            `(g_loss, fake_logits)`.
        """
        batch = ops.shape(real)[0]
        fakes = self.generate_images(self.sample_latents(batch), training=training)
        fresh = None
        if self.replay is not None and self.batch_dependent_discriminator:
            fakes, fresh = self.replay.blend(fakes, seed=self.seed_generator)
        if self.joint_batch and self.batch_dependent_discriminator:
            both = ops.concatenate([ops.stop_gradient(real), fakes], axis=0)
            logits = self.discriminate(both, training=training)[batch:]
        else:
            logits = self.discriminate(fakes, training=training)
        per_example = self._adversarial.generator(logits)
        if fresh is None:
            return autodiff.replica_mean(per_example), logits
        scale = ops.cast(batch, "float32") / ops.maximum(ops.sum(fresh), 1.0)
        return autodiff.replica_mean(per_example * fresh) * scale, logits
