"""Per-stage train functions: a compiled step routes every network by the stage as a
Python int (no `switch` over all stages in its graph), and each stage traces once."""

import numpy as np
import pytest

from keras_gen.models.progan import ProGAN
from keras_gen.models.progressive import growth, tracing
from keras_gen.models.stylegan import StyleGAN

COMMON = dict(resolution=8, latent_dim=8, filters=4, phase_images=8, group_size=2, ema=None,
              seed=0)
MODELS = {"progan": lambda: ProGAN(**COMMON),
          "stylegan": lambda: StyleGAN(w_dim=8, mapping_layers=2, **COMMON)}


@pytest.mark.parametrize("name", MODELS)
def test_a_compiled_step_routes_by_a_python_int_and_each_stage_traces_once(name, monkeypatch,
                                                                          capsys):
    routed = []
    route = growth._route

    def spy(stage, branch, stages):
        routed.append(type(stage).__name__)
        return route(stage, branch, stages)

    monkeypatch.setattr(growth, "_route", spy)
    model = MODELS[name]()
    model.compile()
    x = np.random.default_rng(0).uniform(size=(32, 8, 8, 1)).astype("float32")
    model.fit(x, batch_size=8, epochs=1, verbose=1)
    assert routed and set(routed) == {"int"}, routed
    functions = model.train_function
    assert isinstance(functions, tracing.StageTrainFunctions)
    assert functions.traced_stages == [0, 1]  # 32 images, 8 per phase: 4x4, then 8x8 fades in
    printed = capsys.readouterr().out
    assert printed.count("tracing the train step for stage") == 2
