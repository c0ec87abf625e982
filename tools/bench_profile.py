"""Profile one hot train step: retracing, per-step overhead, the graph's ops, py-spy.

Used by `tools/bench.py` (the `profile` worker, run under py-spy when it is
installed). Checks, for a preset at its batch size:

- `count_traces`: how often Keras traces `train_step` over several `fit`
  calls, with `tf.data` input, with numpy arrays (the recipe's path) and
  with the optimizer built before the first fit;
- `step_overhead`: seconds per step of `model.fit` against the same
  compiled step called in a bare Python loop on a fixed batch (the
  difference is Keras' loop, the iterator and callbacks per step);
- `graph_report`: casts and other op kinds in the traced step, and the
  devices ops are placed on (host-device copies);
- `hot_loop` / `summarize_pyspy`: `fit` blocks to sample with py-spy, and
  the share of samples inside TensorFlow's executor against Python around it.
"""

import collections
import statistics
import time

import numpy as np

HOT_FRAME = "hot_loop"
HOT_SECONDS, HOT_SECONDS_QUICK = 20.0, 5.0  # length of the py-spy window
EXECUTE_FRAMES = ("quick_execute",)  # TFE_Py_Execute: the graph runs in C++ below it
STEP_WRAPPER_FRAME = "_make_function.<locals>.function"  # Keras' train-function call
FIT_LOOP_FRAME = "TensorFlowTrainer.fit"
SAMPLE_KINDS = ("executor", "step_python", "fit_loop_python", "other_python")


def _count_trace_calls(model):
    """Wrap `model.train_step` so every trace appends to the returned list.

    Python code in `train_step` runs only while Keras traces it, so the list
    grows by one per trace.
    """
    traces = []
    original = model.train_step

    def counting(data):
        traces.append(1)
        return original(data)

    model.train_step = counting
    return traces


def count_traces(spec, x, batch_size, fits=3, steps=6, tiny=False):
    """Traces of `train_step` per `fit` call, and the seconds of the first call.

    Three cases, each a fresh model fitted `fits` times: `tfdata` (the
    `kg.data` pipeline), `numpy` (arrays, the recipe's path; Keras traces
    them with an unknown batch size, so a smaller last batch needs no new
    trace) and `tfdata_prebuilt`
    (the optimizer built on the trainable variables before the first fit,
    so tracing creates no variables: TensorFlow traces a function twice
    when its first trace creates variables). The prebuilt case runs first,
    so warm caches cannot favour it.

    Returns:
        dict: per case `{"per_fit": [traces of each fit], "first_fit_seconds"}`.
    """
    import bench_measure

    result = {}
    for case in ("tfdata_prebuilt", "tfdata", "numpy"):
        model = bench_measure.build_model(spec, tiny=tiny)
        if case == "tfdata_prebuilt" and getattr(model, "optimizer", None) is not None \
                and not model.optimizer.built:
            model.optimizer.build(model.trainable_variables)
        traces, per_fit, first_seconds = _count_trace_calls(model), [], None
        for index in range(fits):
            before, start = len(traces), time.perf_counter()
            if case == "numpy":
                model.fit(x, batch_size=batch_size, epochs=1, verbose=0)
            else:
                model.fit(bench_measure.make_dataset(x, batch_size), steps_per_epoch=steps,
                          epochs=1, verbose=0, shuffle=False)
            if index == 0:
                first_seconds = time.perf_counter() - start
            per_fit.append(len(traces) - before)
        result[case] = {"per_fit": per_fit, "first_fit_seconds": first_seconds}
    return result


def step_overhead(spec, x, batch_size, steps=30, repeats=5, tiny=False):
    """Seconds per step: `fit` on tf.data against a bare loop of the compiled step.

    Both run the same model's `train_step` traced by `tf.function` on CPU;
    the bare loop feeds one fixed batch tensor, so the difference is what
    `fit` adds per step (iterator, Keras' step wrapper, callbacks).

    Returns:
        dict: `fit_seconds`, `bare_seconds` (medians per step over
        `repeats` blocks, interleaved) and `overhead_fraction`.
    """
    import bench_measure
    import tensorflow as tf

    config = bench_measure.TrainConfig("default", batch_size)
    runner = bench_measure.ThroughputRunner(spec, config, x, tiny=tiny)
    runner.fit_block(4)
    bare_model = bench_measure.build_model(spec, tiny=tiny)
    step = tf.function(bare_model.train_step)
    batch = tf.constant(np.asarray(x[:batch_size], "float32"))
    for _ in range(2):
        step(batch)
    fit_times, bare_times = [], []
    for _ in range(repeats):
        fit_times.append(batch_size / runner.fit_block(steps))
        start = time.perf_counter()
        for _ in range(steps):
            logs = step(batch)
        float(logs[next(iter(logs))])  # wait for the last step
        bare_times.append((time.perf_counter() - start) / steps)
    fit_seconds, bare_seconds = statistics.median(fit_times), statistics.median(bare_times)
    return {"fit_seconds": fit_seconds, "bare_seconds": bare_seconds,
            "overhead_fraction": (fit_seconds - bare_seconds) / fit_seconds,
            "fit_samples": fit_times, "bare_samples": bare_times}


def graph_report(spec, batch_size, tiny=False):
    """Casts (by source and target dtype, float tensors apart), op count and devices."""
    import bench_flops
    import bench_measure

    model = bench_measure.build_model(spec, tiny=tiny)
    graph = bench_flops.train_step_function(model, batch_size).graph
    casts, devices, types = collections.Counter(), collections.Counter(), collections.Counter()
    float_casts = []
    for op in graph.get_operations():
        types[op.type] += 1
        devices[op.device or "(unplaced: default device)"] += 1
        if op.type == "Cast":
            src, dst = op.get_attr("SrcT").name, op.get_attr("DstT").name
            casts[f"{src}->{dst}"] += 1
            elements = op.outputs[0].shape.num_elements()
            if src.startswith(("float", "bfloat")) and dst.startswith(("float", "bfloat")) \
                    and (elements is None or elements > 1):
                float_casts.append(op.name)
    return {"ops": sum(types.values()), "casts": dict(casts), "float_tensor_casts": float_casts,
            "devices": dict(devices), "op_types": dict(types.most_common(12))}


def hot_loop(runner, blocks):
    """Fit `blocks` timed blocks (the window py-spy's samples are filtered to)."""
    return [runner.fit_block(runner.steps) for _ in range(blocks)]


def _sample_kind(stack, leaf):
    """Where a py-spy sample of the hot loop was: see `summarize_pyspy`."""
    if any(name in leaf for name in EXECUTE_FRAMES):
        return "executor"
    if STEP_WRAPPER_FRAME in stack:
        return "step_python"
    if FIT_LOOP_FRAME in stack:
        return "fit_loop_python"
    return "other_python"


def summarize_pyspy(raw_text):
    """Shares of py-spy samples (collapsed stacks) inside `hot_loop`, by kind.

    Kinds: `executor` (the innermost Python frame is TensorFlow's
    `quick_execute`: the graph runs in C++ below it), `step_python` (Python
    inside Keras' train-function call around it: iterator optionals,
    structure flattening), `fit_loop_python` (Keras' `fit` loop outside the
    call: callbacks, epoch iterator, logs, per-fit setup) and `other_python`
    (around `fit`: keras_gen's input checks, traceback filtering).

    Returns:
        dict: `samples`, a share per kind, and `top_python_frames`
        (innermost frames outside the executor).
    """
    total, kinds, frames = 0, collections.Counter(), collections.Counter()
    for line in raw_text.splitlines():
        stack, _, count = line.rpartition(" ")
        if HOT_FRAME not in stack or not count.isdigit():
            continue
        count = int(count)
        total += count
        leaf = stack.split(";")[-1]
        kind = _sample_kind(stack, leaf)
        kinds[kind] += count
        if kind != "executor":
            frames[leaf.split(" (")[0]] += count
    if not total:
        return {"samples": 0}
    result = {"samples": total}
    result.update({kind: kinds[kind] / total for kind in SAMPLE_KINDS})
    result["top_python_frames"] = {k: v / total for k, v in frames.most_common(8)}
    return result


def profile_preset(spec, settings, tiny=False, log=print):
    """Everything above for one preset; the py-spy window is the last part."""
    import bench_measure

    x = bench_measure.training_arrays(spec)
    if tiny:
        model = spec.build(tiny=True)
        x = np.random.default_rng(0).uniform(
            size=(256, *model.expected_input_shape())).astype("float32")
    batch = int(spec.fit.get("batch_size", 32))
    result = {"preset": spec.name, "batch_size": batch,
              "traces": count_traces(spec, x, batch, tiny=tiny),
              "graph": graph_report(spec, batch, tiny=tiny)}
    log(f"  traces {result['traces']}")
    result["overhead"] = step_overhead(spec, x, batch, steps=10 if settings.quick else 30,
                                       repeats=settings.repeats, tiny=tiny)
    log(f"  overhead {result['overhead']['overhead_fraction']:.1%}")
    runner = bench_measure.ThroughputRunner(
        spec, bench_measure.TrainConfig("default", batch), x, tiny=tiny)
    runner.warm_up(settings.target_seconds)
    window = HOT_SECONDS_QUICK if settings.quick else HOT_SECONDS
    start = time.perf_counter()
    rates = hot_loop(runner, max(1, round(window / settings.target_seconds)))
    result["hot_loop"] = {"seconds": time.perf_counter() - start, "images_per_second": rates}
    return result
