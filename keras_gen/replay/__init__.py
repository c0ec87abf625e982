"""keras_gen.replay: see the family issues; filled in as families land."""
from keras_gen.replay.buffer import ReplayBuffer  # noqa: E402,F401
