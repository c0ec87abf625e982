"""Closed-form KL divergences used by variational models, per example in nats."""

from keras import ops


def gaussian_kl(mean, log_var):
    """KL( N(mean, exp(log_var)) || N(0, I) ) per example, summed over latent units.

    For a diagonal Gaussian posterior against the standard normal prior:

        KL = 0.5 * sum_j ( mean_j^2 + exp(log_var_j) - 1 - log_var_j )

    Args:
        mean: `(batch, latent_dim)` posterior means.
        log_var: `(batch, latent_dim)` posterior log-variances.

    Returns:
        `(batch,)` float32 tensor, in nats.
    """
    mean = ops.cast(mean, "float32")
    log_var = ops.cast(log_var, "float32")
    return 0.5 * ops.sum(ops.square(mean) + ops.exp(log_var) - 1.0 - log_var, axis=-1)


def gaussian_log_density(z, mean, log_var):
    """log N(z; mean, exp(log_var)) per example, summed over the last axis (nats).

    Shapes broadcast: e.g. `z` `(batch, k, d)` with `mean` `(batch, 1, d)`
    gives `(batch, k)`.
    """
    z = ops.cast(z, "float32")
    log_two_pi = 1.8378770664093453
    return -0.5 * ops.sum(
        log_two_pi + log_var + ops.square(z - mean) * ops.exp(-log_var), axis=-1)
