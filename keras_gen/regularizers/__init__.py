"""keras_gen.regularizers: see the family issues; filled in as families land."""
from keras_gen.regularizers.gradient_penalty import gradient_penalty, r1_penalty  # noqa: E402,F401
from keras_gen.regularizers.sparsity import ActivityPenalty, KLSparsity, L1Activity  # noqa: E402,F401
