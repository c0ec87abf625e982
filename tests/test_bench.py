"""tools/bench.py: its pieces on tiny models, and the report's structure (never timings)."""

import importlib.util
import json
from pathlib import Path

import keras
import numpy as np
import pytest
import tensorflow as tf

from keras_gen import zoo

TOOLS = Path(__file__).resolve().parent.parent / "tools"
_loader = importlib.util.spec_from_file_location("bench", TOOLS / "bench.py")
bench = importlib.util.module_from_spec(_loader)
_loader.loader.exec_module(bench)  # puts tools/ on sys.path for its helpers
import bench_flops  # noqa: E402
import bench_report  # noqa: E402

TINY = bench.Settings(quick=True, repeats=2, target_seconds=0.05, batch_factors=(1, 2),
                      matmul_n=64, matmul_repeats=2, export_repeats=1,
                      quality_checkpoints=(0.2, 0.4), quality_repeats=1, worker_timeout=60)


def _silent(*_):
    pass


def _dense_sizes(spec):
    """Layer widths of a tiny dense autoencoder: input, hidden..., code, ...mirrored."""
    model = spec.build(tiny=True)
    return [d for layer in model.encoder.layers + model.decoder.layers
            for d in ([layer.kernel.shape[0], layer.kernel.shape[1]]
                      if hasattr(layer, "kernel") else [])]


def _forward_flops(layer, shape):
    concrete = tf.function(layer).get_concrete_function(tf.TensorSpec(shape, tf.float32))
    by_type, notes = bench_flops.graph_flops(concrete.graph)
    assert not notes
    return sum(by_type.values())


def test_tensorflow_counts_a_dense_and_a_conv_layer():
    dense = keras.Sequential([keras.Input((300,)), keras.layers.Dense(200)])
    assert _forward_flops(dense, (16, 300)) == pytest.approx(2 * 16 * 300 * 200, rel=0.02)
    conv = keras.Sequential([keras.Input((28, 28, 8)),
                             keras.layers.Conv2D(16, 3, strides=2, padding="same")])
    assert _forward_flops(conv, (4, 28, 28, 8)) == pytest.approx(
        2 * 4 * 14 * 14 * 3 * 3 * 8 * 16, rel=0.02)


def test_strided_conv_gradients_count_like_the_forward_conv():
    # 7x7 at stride 2 gives 4x4: TF's own backprop formula would count 49 / 4 positions
    def step(x, kernel):
        with tf.GradientTape() as tape:
            tape.watch([x, kernel])
            y = tf.reduce_sum(tf.nn.conv2d(x, kernel, strides=2, padding="SAME"))
        return tape.gradient(y, [x, kernel])

    specs = tf.TensorSpec((2, 7, 7, 8), tf.float32), tf.TensorSpec((4, 4, 8, 16), tf.float32)
    by_type, _ = bench_flops.graph_flops(tf.function(step).get_concrete_function(*specs).graph)
    forward = 2 * 2 * 4 * 4 * 16 * 4 * 4 * 8
    assert by_type["Conv2D"] == by_type["Conv2DBackpropInput"] == forward
    assert by_type["Conv2DBackpropFilter"] == forward


def test_flops_of_a_dense_autoencoder_match_the_analytic_count():
    spec = zoo.get("ae_mnist_28")
    model = bench.build_model(spec, tiny=True)
    batch = 8
    count = bench_flops.train_step_flops(model, batch)
    sizes = _dense_sizes(spec)
    products = [sizes[i] * sizes[i + 1] for i in range(0, len(sizes), 2)]
    # forward + weight gradients + input gradients (none for the first layer)
    expected = 2 * batch * (3 * sum(products) - products[0])
    assert count["by_type"]["MatMul"] == count["matmul_conv"] == expected
    assert count["total"] > expected and not count["notes"]  # plus element-wise ops


def test_flops_enter_loops_and_take_the_largest_branch():
    a = tf.TensorSpec((2, 3), tf.float32)

    def looped(x):
        w = tf.ones((3, 3))
        return tf.while_loop(lambda y: True, lambda y: [tf.matmul(y, w)], [x],
                             maximum_iterations=7)

    def branched(x):
        big, small = tf.ones((3, 5)), tf.ones((3, 1))
        return tf.switch_case(tf.constant(0), [lambda: tf.reduce_sum(tf.matmul(x, small)),
                                               lambda: tf.reduce_sum(tf.matmul(x, big))])

    loop, _ = bench_flops.graph_flops(tf.function(looped).get_concrete_function(a).graph)
    assert loop["MatMul"] == 7 * 2 * 2 * 3 * 3
    branch, _ = bench_flops.graph_flops(tf.function(branched).get_concrete_function(a).graph)
    assert branch["MatMul"] == 2 * 2 * 5 * 3


def test_matmul_peak_reports_a_rate():
    peak = bench_flops.matmul_peak(n=64, repeats=2, warmup=1)
    assert peak["flops_per_matmul"] == 2 * 64 ** 3
    assert len(peak["seconds"]) == 2 and peak["flops_per_second"] > 0


def test_throughput_runners_time_every_config():
    spec = zoo.get("ae_mnist_28")
    x = bench.preset_images(spec, tiny=True)
    configs = [bench.TrainConfig("default", 8),
               bench.TrainConfig("spe2", 8, steps_per_execution=2),
               bench.TrainConfig("numpy arrays", 8, pipeline="numpy")]
    seen = []
    runners, errors = bench.measure_throughput(
        spec, configs, x, repeats=2, target_seconds=0.05, tiny=True,
        after_first=lambda: seen.append(True), log=_silent)
    assert not errors and seen == [True]
    assert list(runners) == ["default", "spe2", "numpy arrays"]
    for runner in runners.values():
        row = runner.result(flops_per_image=1e6, peak_flops=1e12)
        assert len(row["samples"]) == 2 and row["images_per_second"] > 0
        assert row["steps_per_block"] % row["steps_per_execution"] == 0
        assert set(row) >= {"flops_per_second", "utilization", "trace_seconds"}


def test_a_failing_config_is_reported_not_fatal():
    spec = zoo.get("ae_mnist_28")
    configs = [bench.TrainConfig("default", 8),
               bench.TrainConfig("too big", 1024, pipeline="numpy")]
    runners, errors = bench.measure_throughput(
        spec, configs, bench.preset_images(spec, tiny=True), repeats=1, target_seconds=0.05,
        tiny=True, log=_silent)
    assert list(runners) == ["default"] and "too big" in errors


def test_default_settings_are_what_compile_uses():
    ae, dcgan = zoo.get("ae_mnist_28"), zoo.get("dcgan_mnist_28")
    for spec in (ae, dcgan):
        model = spec.build(tiny=True)
        model.compile(**spec.compile)
        assert bench.default_settings(spec) == (bool(model.jit_compile),
                                                int(model.steps_per_execution)), spec.name
    assert bench.default_settings(ae)[1] == 8  # the measured autoencoder default
    assert bench.default_settings(dcgan)[1] == 8  # its recipe (measured 1.03-1.08x)


def test_compare_settings_needs_speed_and_consistency():
    def row(label, samples, batch=64):
        return {"label": label, "batch_size": batch, "samples": samples,
                "images_per_second": float(np.median(samples))}

    train = {"throughput": [row("default", [100, 100, 100, 100, 100]),
                            row("xla", [130, 120, 125, 90, 140]),
                            row("spe8", [104, 103, 105, 104, 106]),
                            row("batch 128", [500] * 5, batch=128)]}
    result = {c["label"]: c for c in bench.compare_settings(train)}
    assert set(result) == {"xla", "spe8"}
    assert result["xla"]["recommended"] and result["xla"]["rounds_won"] == 4
    assert not result["spe8"]["recommended"]  # under the 5% threshold


def test_workers_and_report_structure(tmp_path):
    ae, vae = zoo.get("ae_mnist_28"), zoo.get("vae_mnist_28")
    train = bench.train_worker(ae, TINY, tiny=True, log=_silent)
    assert set(train) >= {"matmul_peak", "flops", "throughput", "errors", "rss_peak_mb",
                          "rss_after_default_mb", "rss_after_import_mb"}
    labels = [r["label"] for r in train["throughput"]]
    # the quick set: flips of the defaults
    assert labels == ["default", "batch 128", "no xla", "spe1"]
    settings = {r["label"]: (r["jit_compile"], r["steps_per_execution"])
                for r in train["throughput"]}
    assert settings["default"] == bench.default_settings(ae)
    assert settings["spe1"] == (settings["default"][0], 1)
    assert set(train["flops"]) == {"64", "128"}
    export = bench.export_worker(ae, TINY, tiny=True, log=_silent)  # float32
    formats = {(r["function"], r["format"], r["quantize"]) for r in export["rows"]}
    assert {("reconstruct", "keras", "float32"), ("reconstruct", "saved_model", "float32"),
            ("reconstruct", "tflite", "float32")} <= formats
    quality = bench.quality_worker(vae, TINY, tiny=True, log=_silent)
    assert [p["target_seconds"] for p in quality["points"]] == [0.2, 0.4]
    assert "test_nll_nats" in quality["points"][0]["metrics"]

    profile = bench.profile_worker(ae, TINY, tiny=True, log=_silent)
    assert profile["traces"]["tfdata"]["per_fit"][0] >= 1
    assert profile["overhead"]["fit_seconds"] > 0

    results = bench.new_results("python tools/bench.py --test", TINY, ["stylegan_mnist_32"])
    results["profile"]["ae_mnist_28"] = profile
    results["presets"]["ae_mnist_28"] = bench.preset_entry(ae, train, export)
    results["presets"]["vae_mnist_28"] = bench.preset_entry(
        vae, {"error": "skipped in the test"}, {"error": "skipped"}, [quality])
    bench.finish_results(results)
    json.dumps(results)  # everything is JSON
    text = bench_report.render(results)
    for heading in ("# Benchmarks", "## Summary", "## Recommended defaults",
                    "## Training throughput by batch size", "## XLA, steps_per_execution",
                    "## FLOPs per training step", "## Peak memory", "## Inference latency",
                    "## Quality against training time", "## Profiling the hot train step",
                    "## Methods"):
        assert heading in text
    assert "`stylegan_mnist_32`" in text and "load average at start" in text
    assert "skipped in the test" in text
    assert "`ae_mnist_28`: `train_step` is traced once" in text  # findings from this run's data


def test_unregistered_presets_are_listed():
    specs, missing = bench.registered_headlines(["ae_mnist_28", "no_such_preset_28"])
    assert [s.name for s in specs] == ["ae_mnist_28"] and missing == ["no_such_preset_28"]


@pytest.mark.parametrize("quick", [True, False])
def test_batch_sizes_start_with_the_preset(quick):
    settings = bench.Settings.for_mode(quick)
    sizes = bench.batch_sizes(zoo.get("vae_mnist_28"), settings)
    assert sizes[0] == 100 and len(sizes) == len(settings.batch_factors)


def test_traces_are_counted_per_fit():
    spec = zoo.get("ae_mnist_28")
    x = bench.preset_images(spec, tiny=True)
    traces = bench.count_traces(spec, x, 48, fits=2, steps=2, tiny=True)
    assert set(traces) == {"tfdata", "tfdata_prebuilt", "numpy"}
    for case in traces.values():
        first, later = case["per_fit"]
        assert first >= 1 and later == 0 and case["first_fit_seconds"] > 0
    # with the optimizer built up front, tracing creates no variables: one trace
    assert traces["tfdata_prebuilt"]["per_fit"][0] == 1


def test_export_jobs_merge_and_a_crash_becomes_an_error():
    row = {"function": "decode", "format": "tflite", "quantize": "float32", "latency_ms": 0.1}
    keras_row = {**row, "format": "keras"}
    merged = bench.merge_exports({
        "float32": {"rows": [row, keras_row], "errors": {}, "rss_peak_mb": 900.0},
        "float16": {"rows": [{**row, "quantize": "float16"}, keras_row], "errors": {},
                    "rss_peak_mb": 950.0},
        "int8": {"error": "worker crashed (SIGSEGV)"}})
    assert len(merged["rows"]) == 3  # the float16 job's Keras row is not repeated
    assert merged["errors"] == {"int8": "worker crashed (SIGSEGV)"} and merged["rss_peak_mb"] == 950
    log = "Fatal Python error: Segmentation fault\n\n  File \"/x/keras_gen/export/exporter.py\"" \
          ", line 137 in _convert\n  File \"/x/tools/bench.py\", line 9 in main\n"
    summary = bench.failure_summary(log, -11, 12.0)
    assert "SIGSEGV" in summary and "exporter.py" in summary


def test_only_runs_the_chosen_jobs(tmp_path, monkeypatch):
    spawned = []
    monkeypatch.setattr(bench, "spawn", lambda kind, *a, **k: spawned.append(kind) or {})
    vae = zoo.get("vae_mnist_28")
    results = bench.benchmark([vae], [], TINY, tmp_path, "python tools/bench.py --only quality",
                              tiny=True, log=_silent, jobs=("quality",))
    assert spawned == ["quality"]  # one seed; no train, export or profile job
    entry = results["presets"]["vae_mnist_28"]
    assert "not run" in entry["train"]["error"] and "not run" in entry["export"]["error"]
    assert "## Quality against training time" in bench_report.render(results)
    with pytest.raises(SystemExit, match="--only takes jobs of"):
        bench.main(["--only", "speed", "--out", str(tmp_path / "B.md")])


def test_quality_runs_merge_into_a_throughput_report(tmp_path):
    vae, ae = zoo.get("vae_mnist_28"), zoo.get("ae_mnist_28")
    speed = bench.new_results("python tools/bench.py --only train", TINY, [])
    speed["presets"]["vae_mnist_28"] = bench.preset_entry(
        vae, {"error": "train stand-in"}, {"error": "export stand-in"})
    bench.finish_results(speed)
    point = {"target_seconds": 60, "images": 1000, "metrics": {"test_nll_nats": 120.0}}
    other = {**point, "metrics": {"test_nll_nats": 110.0}}
    quality = bench.new_results("python tools/bench.py --only quality --presets vae_mnist_28",
                                TINY, [])
    quality["presets"]["vae_mnist_28"] = bench.preset_entry(
        vae, {"error": "not run"}, {"error": "not run"}, [{"points": [point]}, {"points": [other]}])
    quality["presets"]["ae_mnist_28"] = bench.preset_entry(ae, {}, {})  # no quality: not merged
    bench.finish_results(quality)
    for name, results in (("speed", speed), ("quality", quality)):
        (tmp_path / f"{name}.json").write_text(json.dumps(results))

    out = tmp_path / "B.md"
    bench.main(["--render", str(tmp_path / "speed.json"), "--quality-from",
                str(tmp_path / "quality.json"), "--out", str(out)])
    merged = json.loads(out.with_suffix(".json").read_text())
    entry = merged["presets"]["vae_mnist_28"]
    assert entry["train"]["error"] == "train stand-in"  # the throughput run's own result is kept
    assert entry["quality"]["summary"]["60"]["test_nll_nats"]["median"] == 115.0
    assert "ae_mnist_28" not in merged["presets"]
    assert merged["quality_sources"][0]["presets"] == ["vae_mnist_28"]
    text = out.read_text()
    assert "--only quality --presets vae_mnist_28" in text and "115.00" in text
    assert not list(tmp_path.glob(".*tmp*"))  # no temporary files left behind

    with pytest.raises(ValueError, match="measured no quality"):
        bench.merge_quality(speed, [speed])
    with pytest.raises(SystemExit, match="use it with --render"):
        bench.main(["--quality-from", str(tmp_path / "quality.json"), "--out", str(out)])


def test_backends_job_measures_each_backend_a_class_trains_on(tmp_path, monkeypatch):
    ae, dcgan = zoo.get("ae_mnist_28"), zoo.get("dcgan_mnist_28")
    # the job asks the class which backends it trains on: here DCGAN's says TensorFlow only
    monkeypatch.setattr(dcgan.model_class, "TRAINS_ON", ("tensorflow",))
    settings = bench.dataclasses.replace(TINY, backend_steps=16, worker_timeout=600, repeats=1)
    command = "python tools/bench.py --only backends"
    results = bench.benchmark([ae, dcgan], [], settings, tmp_path, command, tiny=True,
                              log=_silent, jobs=("backends",))
    job = results["backends"]
    assert job["backends"] == ["tensorflow", "jax"] and job["command"] == command
    assert job["matmul_peak"]["flops_per_second"] > 0
    entry = job["presets"]["ae_mnist_28"]
    for backend in ("tensorflow", "jax"):
        assert entry[backend]["images_per_second"] > 0, entry[backend]
        assert [r["backend"] for r in entry[backend]["runs"]] == [backend]
    assert entry["jax/tensorflow"] > 0
    gan = job["presets"]["dcgan_mnist_28"]
    assert gan["jax"]["error"] == "not supported on jax yet" and "jax/tensorflow" not in gan
    assert gan["tensorflow"]["images_per_second"] > 0
    (tmp_path / "B.json").write_text(json.dumps(results))

    base = bench.new_results("python tools/bench.py", TINY, [])  # a run without the job
    base["presets"]["ae_mnist_28"] = bench.preset_entry(ae, {"error": "x"}, {"error": "y"})
    (tmp_path / "base.json").write_text(json.dumps(bench.finish_results(base)))
    out = tmp_path / "R.md"
    bench.main(["--render", str(tmp_path / "base.json"), "--backends-from",
                str(tmp_path / "B.json"), "--out", str(out)])
    text, before = out.read_text(), bench_report.render(base)
    section = text[text.index("## Backends"):text.index("## FLOPs per training step")]
    assert text.replace(section, "") == before  # nothing else changes
    assert "| preset | tensorflow images/s | jax images/s | jax/tf |" in section
    assert command in section and "not supported on jax yet" in section
    with pytest.raises(SystemExit, match="--backends-from merges"):
        bench.main(["--backends-from", str(tmp_path / "B.json"), "--out", str(out)])


def test_tables_are_rendered_from_column_specs():
    columns = [("preset", bench_report.key("name")),
               ("images/s", bench_report.key("rate", bench_report.num, 1))]
    text = bench_report.table(columns, [{"name": "`a`", "rate": 1234.56}, {"name": "`b`"},
                                        ["`c`", "failed: why"]])  # a list: a failure's row
    assert text.splitlines() == ["| preset | images/s |", "|---|---|", "| `a` | 1,234.6 |",
                                 "| `b` | - |", "| `c` | failed: why |"]
