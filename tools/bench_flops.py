"""FLOPs of one traced train step, and the machine's float32 matmul peak.

Used by `tools/bench.py`. The counter walks the graph of a `tf.function`
concrete function op by op (and into the functions that control-flow and
call ops hold) and adds, per op type:

- `MatMul` / `BatchMatMul*`: `2 * m * n * k` (one multiply and one add per
  multiply-accumulate);
- `Conv2D`, `Conv2DBackpropInput`, `Conv2DBackpropFilter`: `2 * (elements of
  the convolution's output, i.e. of the forward op's output or of the
  backprop ops' `out_backprop` input) * kh * kw * c_in` (a transposed
  convolution runs as `Conv2DBackpropInput` and is counted the same way);
  `DepthwiseConv2dNative*`: the same without `c_in`;
- element-wise arithmetic (`Add`, `Mul`, `Relu`, `Sigmoid`, `Exp`, the
  `*Grad` activation ops, Adam's updates, ...): 1 per output element;
- reductions (`Sum`, `Mean`, `Max`, `BiasAddGrad`, ...): 1 per input element;
- everything else (reshapes, copies, variable reads, random draws, casts): 0.

Control flow: a `While` body counts `trip count` times, the trip count being
the loop's static `maximum_iterations` (Keras RNNs set it to the number of
time steps; a gradient loop reuses its forward loop's bound); `If` / `Case`
count their most expensive branch (a progressive GAN routes its stage
through `Case`: the bench measures it at its final stage, which is the most
expensive branch); call ops count their function. Ops whose shapes are not
static are skipped and reported in `notes`.
"""

import collections
import dataclasses
import statistics
import time

import numpy as np

MATMUL_OPS = {"MatMul", "BatchMatMul", "BatchMatMulV2", "BatchMatMulV3"}
CONV_OPS = {"Conv2D", "Conv2DBackpropInput", "Conv2DBackpropFilter"}
DEPTHWISE_OPS = {"DepthwiseConv2dNative", "DepthwiseConv2dNativeBackpropInput",
                 "DepthwiseConv2dNativeBackpropFilter"}
ELEMENTWISE_OPS = {
    "Add", "AddV2", "AddN", "Sub", "Mul", "MulNoNan", "RealDiv", "Div", "DivNoNan", "FloorDiv",
    "Neg", "Reciprocal", "Square", "SquaredDifference", "Sqrt", "Rsqrt", "Pow", "Exp", "Log",
    "Log1p", "Expm1", "Softplus", "Sigmoid", "Tanh", "Relu", "Relu6", "LeakyRelu", "Elu", "Selu",
    "Maximum", "Minimum", "Abs", "Sign", "BiasAdd", "ReluGrad", "Relu6Grad", "LeakyReluGrad",
    "EluGrad", "SeluGrad", "SigmoidGrad", "TanhGrad", "SqrtGrad", "RsqrtGrad", "SoftplusGrad",
    "ReciprocalGrad", "ClipByValue", "SelectV2", "Select", "Greater", "GreaterEqual", "Less",
    "LessEqual", "Equal", "NotEqual", "LogicalAnd", "LogicalOr", "Erf", "Softmax", "LogSoftmax",
    "AvgPool", "AvgPoolGrad", "MaxPool", "MaxPoolGrad",
}
REDUCTION_OPS = {"Sum", "Mean", "Max", "Min", "Prod", "BiasAddGrad", "L2Loss"}
LOOP_OPS = {"While", "StatelessWhile"}
BRANCH_OPS = {"If", "StatelessIf", "Case", "StatelessCase"}
CALL_OPS = {"PartitionedCall", "StatefulPartitionedCall"}
_NUMPY_REDUCERS = {"Max": np.max, "Min": np.min, "Sum": np.sum, "Prod": np.prod}


@dataclasses.dataclass
class FlopCount:
    """FLOPs of a graph, split by kind and by op type.

    Attributes:
        matmul_conv: FLOPs of matrix multiplications and convolutions.
        elementwise: FLOPs of element-wise ops and reductions.
        by_type: FLOPs per op type.
        op_counts: number of ops of every type, free ones included (loop
            bodies counted once per trip, one branch per `If` / `Case`).
        notes: what could not be counted exactly (unknown shapes, trip counts).
    """

    matmul_conv: int = 0
    elementwise: int = 0
    by_type: collections.Counter = dataclasses.field(default_factory=collections.Counter)
    op_counts: collections.Counter = dataclasses.field(default_factory=collections.Counter)
    notes: list = dataclasses.field(default_factory=list)

    @property
    def total(self):
        """All counted FLOPs."""
        return self.matmul_conv + self.elementwise

    def add(self, other, times=1):
        """Add `times` copies of another count (a loop body, a branch) to this one."""
        self.matmul_conv += times * other.matmul_conv
        self.elementwise += times * other.elementwise
        for key, value in other.by_type.items():
            self.by_type[key] += times * value
        for key, value in other.op_counts.items():
            self.op_counts[key] += times * value
        self.notes.extend(n for n in other.notes if n not in self.notes)

    def as_dict(self):
        """JSON-ready summary (largest op types first)."""
        return {"total": int(self.total), "matmul_conv": int(self.matmul_conv),
                "elementwise": int(self.elementwise),
                "by_type": {k: int(v) for k, v in self.by_type.most_common()},
                "op_counts": {k: int(v) for k, v in self.op_counts.most_common()},
                "notes": list(self.notes)}


def _elements(shape):
    """Number of elements of a static shape, or None."""
    try:
        return shape.num_elements()
    except (AttributeError, ValueError):
        return None


def _dims(shape):
    """A static shape as a tuple of ints, or None if any dimension is unknown."""
    if shape.rank is None or any(d is None for d in shape.as_list()):
        return None
    return tuple(shape.as_list())


def static_value(tensor):
    """The value of a graph tensor known at trace time, or None.

    Extends `tf.get_static_value` to reductions of static values (a Keras
    RNN's `maximum_iterations` is `Max(time_steps, [])`) and follows a
    gradient loop's bound back to its forward loop.
    """
    import tensorflow as tf

    value = tf.get_static_value(tensor)
    if value is not None:
        return value
    op = tensor.op
    if op.type in _NUMPY_REDUCERS and len(op.inputs) == 2:
        data, axes = (static_value(t) for t in op.inputs)
        if data is not None and axes is not None:
            axes = tuple(int(a) for a in np.atleast_1d(axes))
            return _NUMPY_REDUCERS[op.type](np.asarray(data), axis=axes)
    if op.type == "Identity":
        return static_value(op.inputs[0])
    return None


def _matmul_flops(op):
    out = _elements(op.outputs[0].shape)
    a = _dims(op.inputs[0].shape)
    if out is None or a is None:
        return None
    if op.type == "MatMul":
        k = a[0] if op.get_attr("transpose_a") else a[1]
    else:
        adjoint = op.get_attr("adj_x")
        k = a[-2] if adjoint else a[-1]
    return 2 * out * k


def _conv_flops(op):
    if op.type == "Conv2D":
        filter_shape, conv_out = _dims(op.inputs[1].shape), op.outputs[0].shape
    elif op.type == "Conv2DBackpropInput":
        filter_shape, conv_out = _dims(op.inputs[1].shape), op.inputs[2].shape
    else:  # Conv2DBackpropFilter: its output is the filter's gradient
        filter_shape, conv_out = _dims(op.outputs[0].shape), op.inputs[2].shape
    out = _elements(conv_out)
    if filter_shape is None or out is None:
        return None
    kh, kw, c_in, _ = filter_shape
    return 2 * out * kh * kw * c_in


def _depthwise_flops(op):
    out_tensor = op.outputs[0] if op.type == "DepthwiseConv2dNative" else op.inputs[2]
    filter_tensor = op.outputs[0] if op.type.endswith("Filter") else op.inputs[1]
    out, filter_shape = _elements(out_tensor.shape), _dims(filter_tensor.shape)
    if out is None or filter_shape is None:
        return None
    return 2 * out * filter_shape[0] * filter_shape[1]


def op_flops(op):
    """`(kind, flops)` of one op that holds no function; kind is None for free ops.

    Returns `(kind, None)` when the op costs FLOPs but its shapes are unknown.
    """
    if op.type in MATMUL_OPS:
        return "matmul_conv", _matmul_flops(op)
    if op.type in CONV_OPS:
        return "matmul_conv", _conv_flops(op)
    if op.type in DEPTHWISE_OPS:
        return "matmul_conv", _depthwise_flops(op)
    if op.type in ELEMENTWISE_OPS:
        return "elementwise", _elements(op.outputs[0].shape)
    if op.type in REDUCTION_OPS:
        return "elementwise", _elements(op.inputs[0].shape)
    return None, 0


def _function_names(op):
    """Names of the functions an op holds, by attribute (`body`, `branches`, `f`, ...)."""
    names = {}
    for key, attr in op.node_def.attr.items():
        if attr.HasField("func"):
            names[key] = [attr.func.name]
        elif attr.HasField("list") and attr.list.func:
            names[key] = [f.name for f in attr.list.func]
    return names


def _lookup(name, graphs):
    """The FuncGraph of function `name`, searched from the innermost graph outwards."""
    for graph in reversed(graphs):
        functions = getattr(graph, "_functions", {})
        if name in functions:
            return functions[name].graph
    return None


def _trip_count(op):
    """Static `maximum_iterations` of a while op, or None."""
    value = static_value(op.inputs[1]) if len(op.inputs) > 1 else None
    if value is None or int(np.asarray(value)) < 0:
        return None
    return int(np.asarray(value))


def count_graph_flops(graph, _graphs=None):
    """`FlopCount` of a graph (a `FuncGraph`), recursing into held functions."""
    graphs = (_graphs or []) + [graph]
    count = FlopCount()
    for op in graph.get_operations():
        functions = _function_names(op)
        if functions and (op.type in LOOP_OPS | BRANCH_OPS | CALL_OPS):
            _count_function_op(op, functions, graphs, count)
            continue
        count.op_counts[op.type] += 1
        kind, flops = op_flops(op)
        if kind is None:
            continue
        if flops is None:
            note = f"{op.type}: shape unknown, not counted"
            if note not in count.notes:
                count.notes.append(note)
            continue
        setattr(count, kind, getattr(count, kind) + flops)
        count.by_type[op.type] += flops
    return count


def _count_function_op(op, functions, graphs, count):
    """Add the FLOPs of a loop, branch or call op's functions to `count`."""
    def sub_count(name):
        sub_graph = _lookup(name, graphs)
        if sub_graph is None:
            count.notes.append(f"{op.type} {op.name}: function {name} not found, not counted")
            return FlopCount()
        return count_graph_flops(sub_graph, graphs)

    count.op_counts[op.type] += 1
    if op.type in LOOP_OPS:
        trips = _trip_count(op)
        if trips is None:
            count.notes.append(f"{op.name}: trip count unknown, body counted once")
            trips = 1
        count.add(sub_count(functions["body"][0]), trips)
    elif op.type in BRANCH_OPS:
        names = functions.get("branches") or functions.get("then_branch", []) \
            + functions.get("else_branch", [])
        branches = [sub_count(name) for name in names]
        if branches:
            count.add(max(branches, key=lambda c: c.total))
    else:
        count.add(sub_count(functions["f"][0]))


def train_step_function(model, batch_size):
    """Concrete function of one `model.train_step` on a float32 batch (traced only).

    The model must be compiled; its optimizer is built first so that tracing
    creates no variables. Nothing runs, so no weight changes.
    """
    import tensorflow as tf

    optimizer = getattr(model, "optimizer", None)
    if optimizer is not None and not optimizer.built:
        optimizer.build(model.trainable_variables)
    shape = (batch_size, *model.expected_input_shape())
    step = tf.function(model.train_step, autograph=False)
    return step.get_concrete_function(tf.TensorSpec(shape, tf.float32))


def train_step_flops(model, batch_size):
    """`FlopCount` of one training step of `model` at `batch_size`."""
    return count_graph_flops(train_step_function(model, batch_size).graph)


def profiler_flops(concrete_function):
    """`tf.compat.v1.profiler`'s float-op count of a concrete function's graph.

    A cross-check only: the profiler sees the top-level graph, so loop bodies
    and branches held in functions (RNNs, `Case`) are not counted, and it
    gives some element-wise ops other costs (or none: `Relu`, `Sigmoid`,
    `Sqrt`).

    Returns:
        dict: `total` and `by_type` (FLOPs per op type).
    """
    import tensorflow as tf

    builder = tf.compat.v1.profiler.ProfileOptionBuilder
    options = builder(builder.float_operation()).with_empty_output().build()
    profile = tf.compat.v1.profiler.profile(graph=concrete_function.graph, cmd="op",
                                            options=options)
    by_type, stack = {}, [profile]
    while stack:  # "op" view: one node per op type, nested
        node = stack.pop()
        if node.float_ops:
            by_type[node.name] = by_type.get(node.name, 0) + int(node.float_ops)
        stack.extend(node.children)
    return {"total": int(profile.total_float_ops), "by_type": by_type}


def matmul_peak(n=2048, repeats=7, warmup=2):
    """The machine's float32 matmul rate: median FLOP/s of `tf.linalg.matmul` on n x n.

    Each repeat times one `(n, n) @ (n, n)` product (`2 * n**3` FLOPs) inside a
    `tf.function`, summed to a scalar that is read back (the `n**2` adds of the
    sum are negligible next to the product).

    Returns:
        dict: `n`, `flops_per_matmul`, `seconds` (per repeat), `flops_per_second`
        (median), `best_flops_per_second`.
    """
    import tensorflow as tf

    rng = np.random.default_rng(0)
    a = tf.constant(rng.standard_normal((n, n)), tf.float32)
    b = tf.constant(rng.standard_normal((n, n)), tf.float32)
    product = tf.function(lambda x, y: tf.reduce_sum(tf.linalg.matmul(x, y)))
    for _ in range(warmup):
        product(a, b).numpy()
    seconds = []
    for _ in range(repeats):
        start = time.perf_counter()
        product(a, b).numpy()
        seconds.append(time.perf_counter() - start)
    flops = 2 * n ** 3
    return {"n": n, "flops_per_matmul": flops, "seconds": seconds,
            "flops_per_second": flops / statistics.median(seconds),
            "best_flops_per_second": flops / min(seconds)}
