"""A tiny tuning job for testing keras-tuner's distributed mode.

    KERASTUNER_TUNER_ID=chief|tuner0 KERASTUNER_ORACLE_IP=127.0.0.1 \
    KERASTUNER_ORACLE_PORT=PORT python -m keras_gen.testing.tuning_job DIR

The chief serves the oracle; each worker runs trials and reports to it. Each
process prints one JSON line with its role, the number of trials it knows of,
and the best hyperparameters.
"""

import json
import os
import sys

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")


def main(directory, max_trials=3):
    import numpy as np

    import keras_gen as kg
    from keras_gen.testing.models import register_test_preset

    register_test_preset()
    data = np.random.default_rng(0).uniform(size=(64, 4, 4, 1)).astype("float32")
    search, best, hp = kg.zoo.run_search("tiny_test_ae", data, max_trials=max_trials, epochs=1,
                                         directory=directory, overwrite=False, verbose=0)
    print(json.dumps({"role": os.environ.get("KERASTUNER_TUNER_ID", "single"),
                      "trials": len(search.oracle.get_best_trials(100)),
                      "best": hp.values}), flush=True)


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else 3)
