"""Mixed precision helpers shared by the layers and models.

Under a mixed policy (`keras.mixed_precision.set_global_policy("mixed_bfloat16")`
or `"mixed_float16"`) layers compute in bfloat16 / float16 while every
variable stays float32. Keras casts a layer's own variables when its `call`
reads them, and the tensors passed to a layer's `__call__`. Everything else
has to be cast where it meets an activation, and a few computations must not
run in low precision at all:

- `cast_like(value, reference)`: a float32 variable that no layer owns (the
  progressive models' `alpha`, StyleGAN's `w_avg`), a constant or a tensor
  made inside a layer's `call` (noise) -> the dtype of the activation it
  meets (otherwise: "float32 vs bfloat16" errors from AddV2 / Mul).
- `to_float32(x)`: for statistics that low precision gets wrong, computed in
  float32 and cast back with `cast_like`: sums of squares and their
  (reciprocal) square roots (StyleGAN's demodulation, the minibatch standard
  deviation). bfloat16 keeps 8 significant bits; float16 overflows above
  65504 and rounds an epsilon of 1e-8 to 0, so `sqrt(0 + epsilon)` has an
  infinite gradient.
- `OUTPUT_DTYPE`: the dtype of a network's final layer (`dtype=OUTPUT_DTYPE`),
  so what a network returns (images, latents) is float32 whatever the policy.

Under the default "float32" policy every cast here is the identity.
"""

import keras
from keras import ops

OUTPUT_DTYPE = "float32"


def cast_like(value, reference):
    """`value` (tensor, variable, number) cast to the dtype of the tensor `reference`."""
    return ops.cast(value, keras.backend.standardize_dtype(reference.dtype))


def to_float32(x):
    """`x` as a float32 tensor (the identity for float32 inputs)."""
    return ops.cast(x, "float32")
