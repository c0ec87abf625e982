"""tf.distribute: MirroredStrategy equivalence and MultiWorkerMirroredStrategy on loopback.

Each check runs in a fresh process because logical devices and TF_CONFIG must be
set before TensorFlow starts.
"""

import json
import os
import socket
import subprocess
import sys

import pytest

import keras_gen as kg

EQUIVALENCE_PRESETS = ["tiny_test_ae"] + [
    name for name in ("ae_mnist_28", "vae_mnist_28", "dcgan_mnist_28", "progan_mnist_32",
                      "stylegan_mnist_32") if name in kg.zoo.names()
]


def _run(args, env=None, timeout=300):
    result = subprocess.run([sys.executable, "-m", "keras_gen.testing.distributed_job", *args],
                            capture_output=True, text=True, timeout=timeout,
                            env=dict(os.environ, CUDA_VISIBLE_DEVICES="", **(env or {})))
    assert result.returncode == 0, result.stderr[-3000:]
    return json.loads(result.stdout.strip().splitlines()[-1])


@pytest.mark.parametrize("preset", EQUIVALENCE_PRESETS)
def test_mirrored_step_equals_single_device_step(preset):
    result = _run(["equivalence", preset])
    assert result["replicas"] == 2
    assert result["max_update"] > 1e-5, "the step did not move the weights"
    assert result["max_weight_diff"] < 1e-4 * max(1.0, result["max_update"]), result


def test_speed_settings_fall_back_under_replicas():
    result = _run(["compile_defaults", "ae_mnist_28"])
    assert result["recipe"] == {"jit_compile": True}  # the preset asks for XLA ...
    assert result["replicas"] == 2 and result["steps_per_execution"] == 1  # ... and trained
    assert result["jit_compile"] is False
    messages = " ".join(result["warnings"])
    assert "jit_compile=True fails under a strategy with 2 replicas" in messages
    assert "steps_per_execution=8 fails under a strategy with 2 replicas" in messages
    assert len(result["warnings"]) == 3  # XLA twice, steps once (its default is silent)


def test_replicas_draw_different_random_numbers():
    result = _run(["independence", "tiny_test_ae"])
    assert result == {"replicas": 2, "identical": False}


def test_distribute_strategy_names():
    with pytest.raises(ValueError, match="strategy must be one of"):
        kg.distribute.get_strategy("tpu")
    os.environ.pop("TF_CONFIG", None)
    with pytest.raises(ValueError, match="needs TF_CONFIG"):
        kg.distribute.get_strategy("multiworker")


def _free_ports(count):
    sockets = [socket.socket() for _ in range(count)]
    for s in sockets:
        s.bind(("127.0.0.1", 0))
    ports = [s.getsockname()[1] for s in sockets]
    for s in sockets:
        s.close()
    return ports


def test_multiworker_two_processes_end_with_same_weights():
    ports = _free_ports(2)
    cluster = {"worker": [f"127.0.0.1:{p}" for p in ports]}
    processes = []
    for index in range(2):
        env = dict(os.environ, CUDA_VISIBLE_DEVICES="", TF_CONFIG=json.dumps(
            {"cluster": cluster, "task": {"type": "worker", "index": index}}))
        processes.append(subprocess.Popen(
            [sys.executable, "-m", "keras_gen.testing.distributed_job", "multiworker",
             "tiny_test_ae"], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True))
    outputs = []
    try:
        for process in processes:
            out, err = process.communicate(timeout=300)
            assert process.returncode == 0, err[-3000:]
            outputs.append(json.loads(out.strip().splitlines()[-1]))
    finally:
        for process in processes:
            if process.poll() is None:
                process.kill()
    assert [o["workers"] for o in outputs] == [2, 2]
    assert outputs[0]["checksum"] == pytest.approx(outputs[1]["checksum"], rel=1e-6)


def test_jax_data_parallel_step_equals_single_device_step():
    presets = [name for name in EQUIVALENCE_PRESETS if name != "ae_mnist_28"]
    env = {"KERAS_BACKEND": "jax", "XLA_FLAGS": "--xla_force_host_platform_device_count=2"}
    results = _run(["jax_data_parallel", ",".join(presets)], env=env, timeout=600)
    assert sorted(results) == sorted(presets)
    for name, result in results.items():
        assert result["devices"] == 2, name
        assert result["max_update"] > 1e-5, f"{name}: the step did not move the weights"
        assert result["max_weight_diff"] < 1e-5 * max(1.0, result["max_update"]), (name, result)
