"""Adversarial losses: pure functions of discriminator logits, one value per example.

A GAN loss has two halves. The discriminator half scores a labelled batch
(label 1 = real, 0 = generated, or a smoothed real label such as 0.9): the
seed's phase 1. The generator half scores generated images that the generator
wants labelled real: phase 2. `AdversarialLoss` pairs the two with the logit
value that separates "real" from "generated" decisions (used for the
discriminator's accuracy).

Every function takes logits of shape `(batch,)` or `(batch, 1)` and returns a
`(batch,)` float32 tensor; the caller averages (with `autodiff.replica_mean`).
The names registered in `kg.losses` are the keys of `ADVERSARIAL_LOSSES`:

| name | discriminator, real (y=1) / generated (y=0) | generator |
| --- | --- | --- |
| "non_saturating" | softplus(-l) / softplus(l) | softplus(-l) |
| "minimax" | softplus(-l) / softplus(l) | -softplus(l) |
| "wasserstein" | -l / l | -l |
| "hinge" | relu(1 - l) / relu(1 + l) | -l |
| "least_squares" | (l - 1)^2 / 2 / l^2 / 2 | (l - 1)^2 / 2 |

softplus(-l) = -log(sigmoid(l)) and softplus(l) = -log(1 - sigmoid(l)), so the
first two rows are the binary cross-entropy of Goodfellow et al. (2014) written
stably on logits.

References:
    Goodfellow et al., "Generative Adversarial Nets", 2014 (minimax, non-saturating).
    Arjovsky et al., "Wasserstein GAN", 2017.
    Lim & Ye, "Geometric GAN", 2017; Miyato et al., "Spectral Normalization", 2018 (hinge).
    Mao et al., "Least Squares Generative Adversarial Networks", 2017 (a=0, b=c=1).
"""

import collections

from keras import ops


def _logits(logits):
    logits = ops.cast(logits, "float32")
    return ops.reshape(logits, (ops.shape(logits)[0],))


def _labels(labels, logits):
    labels = ops.cast(labels, "float32")
    return ops.reshape(labels, ops.shape(logits))


# -- discriminator halves: (logits, labels) -> (batch,) -------------------------
def cross_entropy_discriminator_loss(logits, labels):
    """Binary cross-entropy on logits: `y * softplus(-l) + (1 - y) * softplus(l)`.

    Args:
        logits: `(batch,)` or `(batch, 1)` discriminator outputs (before a sigmoid).
        labels: same number of targets in [0, 1] (1 real, 0 generated; a
            smoothed real label such as 0.9 is allowed).
    """
    logits = _logits(logits)
    labels = _labels(labels, logits)
    return labels * ops.softplus(-logits) + (1.0 - labels) * ops.softplus(logits)


def wasserstein_discriminator_loss(logits, labels):
    """Critic loss of WGAN: `-l` for real examples, `+l` for generated ones.

    Written `(1 - 2y) * l`, so labels must be exactly 0 or 1 (no smoothing).
    """
    logits = _logits(logits)
    labels = _labels(labels, logits)
    return (1.0 - 2.0 * labels) * logits


def hinge_discriminator_loss(logits, labels):
    """Hinge loss: `relu(1 - l)` for real examples, `relu(1 + l)` for generated ones.

    Written `relu(1 - (2y - 1) * l)`, so labels must be exactly 0 or 1.
    """
    logits = _logits(logits)
    labels = _labels(labels, logits)
    return ops.relu(1.0 - (2.0 * labels - 1.0) * logits)


def least_squares_discriminator_loss(logits, labels):
    """LSGAN: `(l - y)^2 / 2`, the discriminator regresses the label."""
    logits = _logits(logits)
    labels = _labels(labels, logits)
    return 0.5 * ops.square(logits - labels)


# -- generator halves: fake_logits -> (batch,) ----------------------------------
def non_saturating_generator_loss(fake_logits):
    """`-log(sigmoid(l)) = softplus(-l)`: generated images labelled real.

    The seed's phase 2 (and Goodfellow et al.'s practical variant): strong
    gradients when the discriminator confidently rejects the samples.
    """
    return ops.softplus(-_logits(fake_logits))


def minimax_generator_loss(fake_logits):
    """`log(1 - sigmoid(l)) = -softplus(l)`: the original minimax objective.

    Saturates (vanishing gradients) when the discriminator wins early; kept for
    comparison.
    """
    return -ops.softplus(_logits(fake_logits))


def wasserstein_generator_loss(fake_logits):
    """`-l`: raise the critic's score of generated images (WGAN and hinge)."""
    return -_logits(fake_logits)


def least_squares_generator_loss(fake_logits):
    """`(l - 1)^2 / 2`: pull generated images' scores to the real label."""
    return 0.5 * ops.square(_logits(fake_logits) - 1.0)


AdversarialLoss = collections.namedtuple(
    "AdversarialLoss", ["discriminator", "generator", "threshold", "allows_smoothing"])
AdversarialLoss.__doc__ = """A GAN loss: its two halves and how to read the logits.

Fields:
    discriminator: `fn(logits, labels) -> (batch,)` (phase 1).
    generator: `fn(fake_logits) -> (batch,)` (phase 2).
    threshold: a logit above it counts as a "real" decision (accuracy logs).
    allows_smoothing: whether real labels below 1 (label smoothing) make sense.
"""

ADVERSARIAL_LOSSES = {
    "non_saturating": AdversarialLoss(
        cross_entropy_discriminator_loss, non_saturating_generator_loss, 0.0, True),
    "minimax": AdversarialLoss(
        cross_entropy_discriminator_loss, minimax_generator_loss, 0.0, True),
    "wasserstein": AdversarialLoss(
        wasserstein_discriminator_loss, wasserstein_generator_loss, 0.0, False),
    "hinge": AdversarialLoss(
        hinge_discriminator_loss, wasserstein_generator_loss, 0.0, False),
    "least_squares": AdversarialLoss(
        least_squares_discriminator_loss, least_squares_generator_loss, 0.5, True),
}


def _register_all():
    from keras_gen.losses import register

    for name, loss in ADVERSARIAL_LOSSES.items():
        register(name, loss)


_register_all()
