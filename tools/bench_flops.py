"""FLOPs of one traced train step by TensorFlow's own count (plus the functions ops hold and
strided convolution gradients: docs/performance.md), and the float32 matmul peak."""

import collections
import statistics
import time

import numpy as np

BACKPROP_CONV = ("Conv2DBackpropInput", "Conv2DBackpropFilter")
MATMUL_CONV = {"MatMul", "BatchMatMul", "BatchMatMulV2", "BatchMatMulV3", "Conv2D", "Conv3D",
               "DepthwiseConv2dNative", *BACKPROP_CONV}
LOOPS, BRANCHES = ("While", "StatelessWhile"), ("If", "StatelessIf", "Case", "StatelessCase")


def train_step_function(model, batch_size):
    """One `model.train_step` traced on a float32 batch (the optimizer built first)."""
    import tensorflow as tf

    optimizer = getattr(model, "optimizer", None)
    if optimizer is not None and not optimizer.built:
        optimizer.build(model.trainable_variables)
    shape = (batch_size, *model.expected_input_shape())
    return tf.function(model.train_step, autograph=False).get_concrete_function(
        tf.TensorSpec(shape, tf.float32))


def profiler_flops(graph):
    """`Counter({op type: FLOPs})` of one graph's own ops by the v1 profiler's "op" view."""
    import tensorflow as tf

    builder = tf.compat.v1.profiler.ProfileOptionBuilder
    options = builder(builder.float_operation()).with_empty_output().build()
    by_type, nodes = collections.Counter(), [
        tf.compat.v1.profiler.profile(graph=graph, cmd="op", options=options)]
    while nodes:
        node = nodes.pop()
        by_type[node.name] += int(node.float_ops)
        nodes += node.children
    return +by_type


def _static_int(tensor):
    """A loop bound known at trace time (through `Identity` and Keras RNNs' `Max`), or None."""
    import tensorflow as tf

    value = tf.get_static_value(tensor)
    if value is None and tensor.op.type in ("Identity", "Max") and tensor.op.inputs:
        value = _static_int(tensor.op.inputs[0])
    return None if value is None else int(np.max(value))


def _function_graph(name, graphs):
    for graph in reversed(graphs):  # innermost first
        if name in getattr(graph, "_functions", {}):
            return graph._functions[name].graph
    raise KeyError(f"function {name} not found in the traced graph")


def graph_flops(graph, outer=()):
    """`(by_type, notes)` of `graph` and the functions its ops hold (a `While` body its trip
    count times, a branch op its largest branch); conv gradients as their forward conv."""
    graphs, notes = (*outer, graph), []
    by_type = collections.Counter({k: v for k, v in profiler_flops(graph).items()
                                   if k not in BACKPROP_CONV})
    for op in graph.get_operations():
        if op.type in BACKPROP_CONV:  # 2 * the forward conv's output * kh * kw * c_in
            kernel = op.outputs[0] if op.type.endswith("Filter") else op.inputs[1]
            elements = op.inputs[2].shape.num_elements()
            if elements is None or not kernel.shape.is_fully_defined():
                notes.append(f"{op.type}: shape unknown, not counted")
            else:
                by_type[op.type] += 2 * elements * int(np.prod(kernel.shape[:3]))
        held = [(key, f.name) for key, a in op.node_def.attr.items()
                for f in (a.list.func if a.HasField("list") else [a.func] if a.HasField("func")
                          else [])]
        parts = [graph_flops(_function_graph(name, graphs), graphs) for key, name in held
                 if op.type not in LOOPS or key == "body"]
        if op.type in BRANCHES and parts:
            parts = [max(parts, key=lambda part: sum(part[0].values()))]
        times = _static_int(op.inputs[1]) if op.type in LOOPS and len(op.inputs) > 1 else 1
        if times is None or times < 0:
            notes.append(f"{op.name}: trip count unknown, body counted once")
            times = 1
        for part_types, part_notes in parts:
            by_type.update({key: times * value for key, value in part_types.items()})
            notes += [n for n in part_notes if n not in notes]
    return by_type, notes


def train_step_flops(model, batch_size):
    """FLOPs of one train step: `total`, `matmul_conv`, `by_type` (largest first), `notes`."""
    by_type, notes = graph_flops(train_step_function(model, batch_size).graph)
    return {"total": sum(by_type.values()),
            "matmul_conv": sum(v for k, v in by_type.items() if k in MATMUL_CONV),
            "by_type": dict(by_type.most_common()), "notes": notes}


def pooled_peak(n, seconds):
    """The peak of several `matmul_peak` samplings of size `n`: the median of all their
    `seconds`, as `n`, `seconds` and `flops_per_second` (None without any)."""
    rate = 2 * n ** 3 / statistics.median(seconds) if seconds else None
    return {"n": n, "seconds": seconds, "flops_per_second": rate}


def matmul_peak(n=2048, repeats=7, warmup=2):
    """FLOP/s of `(n, n) @ (n, n)` float32 (2 n^3 FLOPs) in a tf.function: `n`,
    `flops_per_matmul`, `seconds` per repeat, median and best `flops_per_second`."""
    import tensorflow as tf

    rng = np.random.default_rng(0)
    a, b = (tf.constant(rng.standard_normal((n, n)), tf.float32) for _ in range(2))
    product = tf.function(lambda x, y: tf.reduce_sum(tf.linalg.matmul(x, y)))
    for _ in range(warmup):
        product(a, b).numpy()
    seconds = []
    for start in (time.perf_counter() for _ in range(repeats)):
        product(a, b).numpy()
        seconds.append(time.perf_counter() - start)
    return {**pooled_peak(n, seconds), "flops_per_matmul": 2 * n ** 3,
            "best_flops_per_second": 2 * n ** 3 / min(seconds)}
