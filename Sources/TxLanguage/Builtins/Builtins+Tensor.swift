import TxTensor
#if canImport(Glibc)
import Glibc
#endif

extension Builtins {
    /// Tensor creation, elementwise math, reductions, shape, linear algebra.
    static let tensors: [Builtin] = [
        Builtin("tensor(values)", "A Float32 tensor from a (nested) list of numbers.",
                example: "tensor([[1, 2], [3, 4]])") { a in .tensor(try a.tensor("values").copy()) },
        Builtin("zeros(...shape)", "A tensor of zeros.", example: "zeros(3, 4)") { a in
            .tensor(try Tensor.zeros(try shape(a.rest, "zeros")))
        },
        Builtin("ones(...shape)", "A tensor of ones.", example: "ones(2, 2)") { a in
            .tensor(try Tensor.ones(try shape(a.rest, "ones")))
        },
        Builtin("full(shape, value)", "A tensor filled with value; shape is a number or a list.",
                example: "full([2, 3], 0.5)") { a in
            .tensor(try Tensor.full(try shape([a["shape"]], "full"), Float(try a.number("value"))))
        },
        Builtin("eye(n)", "The n×n identity matrix.", example: "eye(3)") { a in .tensor(try Tensor.eye(try a.int("n"))) },
        Builtin("arange(a, b = nil, step = 1)", "Evenly spaced values in [a, b) (arange(n) is [0, n)).",
                example: "arange(0, 1, 0.25)") { a in
            if a.optional("b") == nil { return .tensor(try Tensor.arange(0, try a.number("a"), try a.number("step"))) }
            return .tensor(try Tensor.arange(try a.number("a"), try a.number("b"), try a.number("step")))
        },
        Builtin("linspace(a, b, n)", "n evenly spaced values from a to b inclusive.", example: "linspace(0, 1, 5)") { a in
            .tensor(try Tensor.linspace(try a.number("a"), try a.number("b"), try a.int("n")))
        },
        Builtin("logspace(a, b, n)", "n values from 10^a to 10^b, evenly spaced in log.", example: "logspace(-6, 2, 9)") { a in
            .tensor(try Tensor.logspace(try a.number("a"), try a.number("b"), try a.int("n")))
        },
        Builtin("rand(...shape, seed = nil)", "Uniform [0, 1) samples; seed makes them reproducible.",
                example: "rand(2, 3, seed: 0)") { a in
            .tensor(try Tensor.rand(try shape(a.rest, "rand"), seed: try seedArgument(a)))
        },
        Builtin("randn(...shape, seed = nil)", "Standard normal samples; seed makes them reproducible.",
                example: "randn(1000, seed: 1).std()") { a in
            .tensor(try Tensor.randn(try shape(a.rest, "randn"), seed: try seedArgument(a)))
        },
        Builtin("randint(lo, hi, shape, seed = nil)", "Uniform integers in [lo, hi).",
                example: "randint(0, 10, [5], seed: 0)") { a in
            .tensor(try Tensor.randint(try a.int("lo"), try a.int("hi"), try shape([a["shape"]], "randint"), seed: try seedArgument(a)))
        },
        unary("exp", .exp, "e to the power of each element."),
        unary("log", .log, "Natural logarithm of each element."),
        unary("sqrt", .sqrt, "Square root of each element."),
        unary("tanh", .tanh, "Hyperbolic tangent of each element."),
        unary("sigmoid", .sigmoid, "1 / (1 + e^-x) of each element."),
        unary("floor", .floor, "Rounds each element down."),
        unary("ceil", .ceil, "Rounds each element up."),
        Builtin("clip(t, lo, hi)", "Limits each element to [lo, hi].", example: "clip(tensor([-1, 0.5, 2]), 0, 1)") { a in
            if case .number(let x) = a["t"] { return .number(Swift.min(Swift.max(x, try a.number("lo")), try a.number("hi"))) }
            return .tensor(try a.tensor("t").clip(Float(try a.number("lo")), Float(try a.number("hi"))))
        },
        Builtin("matmul(a, b)", "Matrix product (as a @ b).", example: "matmul(eye(2), ones(2, 3))") { a in
            .tensor(try Tensor.matmul(try a.tensor("a"), try a.tensor("b")))
        },
        Builtin("dot(a, b)", "Inner product of vectors; matrix product otherwise.", example: "dot(tensor([1, 2]), tensor([3, 4]))   # 11") { a in
            scalarOrTensor(try Tensor.dot(try a.tensor("a"), try a.tensor("b")))
        },
        Builtin("outer(a, b)", "Outer product of two vectors.", example: "outer(tensor([1, 2]), tensor([1, 10]))") { a in
            let x = try a.tensor("a"), y = try a.tensor("b")
            _ = try Tensor.elementCount([x.count, y.count])
            return .tensor(Tensor.outer(x, y))
        },
        reduction("std", .std, "Standard deviation (population, like NumPy)."),
        reduction("var", .var, "Variance (population, like NumPy)."),
        reduction("argmax", .argmax, "Index of the largest element (flattened when axis is nil)."),
        reduction("argmin", .argmin, "Index of the smallest element (flattened when axis is nil)."),
        reduction("norm", .norm, "Euclidean (Frobenius) norm."),
        reduction("prod", .prod, "Product of the elements."),
        Builtin("softmax(t, axis = -1)", "exp(t) normalised to sum to 1 along axis.", example: "softmax(tensor([1, 2, 3]))") { a in
            .tensor(try a.tensor("t").softmax(axis: try a.int("axis")))
        },
        Builtin("log_softmax(t, axis = -1)", "log(softmax(t)), computed stably.", example: "log_softmax(tensor([1, 2, 3]))") { a in
            .tensor(try a.tensor("t").logSoftmax(axis: try a.int("axis")))
        },
        Builtin("one_hot(labels, n)", "Rows of zeros with a 1 at each label.", example: "one_hot(tensor([0, 2]), 3)") { a in
            .tensor(try Tensor.oneHot(try a.tensor("labels"), try a.int("n")))
        },
        Builtin("sort(t, axis = -1)", "Sorted copy of a tensor along an axis.", example: "sort(tensor([3, 1, 2]))") { a in
            .tensor(try a.tensor("t").sorted(axis: try a.int("axis")))
        },
        Builtin("argsort(t, axis = -1)", "Indices that sort a tensor along an axis (stable).", example: "argsort(tensor([3, 1, 2]))   # [1, 2, 0]") { a in
            .tensor(try a.tensor("t").argsort(axis: try a.int("axis")))
        },
        Builtin("unique(t)", "Sorted distinct values, as a 1-D tensor.", example: "unique(tensor([2, 1, 2]))") { a in
            .tensor(try a.tensor("t").unique())
        },
        Builtin("where(cond, a, b)", "Elementwise: a where cond is non-zero, else b (broadcasting).",
                example: "where(tensor([1, 0]), 10, 20)") { a in
            .tensor(try Tensor.where(try a.tensor("cond"), try a.tensor("a"), try a.tensor("b")))
        },
        Builtin("concat(ts, axis = 0)", "Joins tensors along an existing axis.", example: "concat([ones(2, 2), zeros(1, 2)])") { a in
            .tensor(try Tensor.concat(try items(a["ts"]).map(toTensor), axis: try a.int("axis")))
        },
        Builtin("stack(ts, axis = 0)", "Joins same-shaped tensors along a new axis.", example: "stack([ones(2), zeros(2)])") { a in
            .tensor(try Tensor.stack(try items(a["ts"]).map(toTensor), axis: try a.int("axis")))
        },
        Builtin("svd(t)", "Reduced SVD: [U, S, Vt] with t ≈ U @ diag(S) @ Vt (LAPACK sgesdd).",
                example: "u, s, vt = svd(randn(4, 3, seed: 0))") { a in
            let r = try a.tensor("t").svd()
            return .list(ListObject([.tensor(r.u), .tensor(r.s), .tensor(r.vt)]))
        },
        Builtin("eigh(t)", "Eigen-decomposition of a symmetric matrix: [values ascending, vectors as columns].",
                example: "vals, vecs = eigh(tensor([[2, 1], [1, 2]]))") { a in
            let r = try a.tensor("t").eigh()
            return .list(ListObject([.tensor(r.values), .tensor(r.vectors)]))
        },
        Builtin("solve(a, b)", "x with a @ x = b (LAPACK sgesv).", example: "solve(tensor([[2, 0], [0, 4]]), tensor([2, 4]))") { a in
            .tensor(try Tensor.solve(try a.tensor("a"), try a.tensor("b")))
        },
        Builtin("inv(t)", "Matrix inverse (LAPACK sgetrf/sgetri).", example: "inv(tensor([[2, 0], [0, 4]]))") { a in
            .tensor(try a.tensor("t").inverse())
        },
        Builtin("pca(x, k, whiten = false)", "Projects the rows of x onto their top k principal components; the result also has .components, .explained_variance, .explained_variance_ratio and .mean.",
                example: "p = pca(randn(100, 5, seed: 0), 2); p.explained_variance_ratio") { a in
            let r = try a.tensor("x").pca(k: try a.int("k"), whiten: try a.bool("whiten"))
            let out = r.projected
            out.attributes = ["components": r.components, "explained_variance": r.explainedVariance,
                              "explained_variance_ratio": r.explainedVarianceRatio, "mean": r.mean]
            return .tensor(out)
        },
        Builtin("diag(t)", "The diagonal of a matrix, or a diagonal matrix from a vector.", example: "diag(tensor([1, 2]))") { a in
            let t = try a.tensor("t")
            if t.ndim == 1 {
                let n = t.shape[0]
                let out = try Tensor.zeros([n, n])
                for i in 0..<n { out.data[i * n + i] = t.data[i] }
                return .tensor(out)
            }
            guard t.ndim == 2 else { throw TxError.runtime("diag() needs a vector or a matrix, got shape \(t.shape)") }
            let n = min(t.shape[0], t.shape[1])
            return .tensor(Tensor(shape: [n], data: (0..<n).map { t.data[$0 * t.shape[1] + $0] }))
        },
    ]

    /// Properties and methods of tensors: `t.shape`, `t.mean(axis: 0)`, …
    static let tensorMethods: [Builtin] = [
        Builtin("shape", "The tensor's shape as a list.", example: "zeros(2, 3).shape   # [2, 3]", receiver: "tensor") { a in
            .list(ListObject(try tensorReceiver(a).shape.map { .number(Double($0)) }))
        },
        Builtin("ndim", "Number of axes.", example: "zeros(2, 3).ndim   # 2", receiver: "tensor") { a in
            .number(Double(try tensorReceiver(a).ndim))
        },
        Builtin("size", "Number of elements.", example: "zeros(2, 3).size   # 6", receiver: "tensor") { a in
            .number(Double(try tensorReceiver(a).count))
        },
        Builtin("dtype", "The element type (always \"f32\").", example: "zeros(2).dtype", receiver: "tensor") { _ in .string("f32") },
        Builtin("T", "The transpose (axes reversed).", example: "ones(2, 3).T.shape   # [3, 2]", receiver: "tensor") { a in
            .tensor(try tensorReceiver(a).transposed(nil))
        },
        Builtin("reshape(...shape)", "Same data, new shape; one -1 is inferred.", example: "arange(6).reshape(2, -1)",
                receiver: "tensor") { a in .tensor(try tensorReceiver(a).reshaped(try shape(a.rest, "reshape", allowNegative: true))) },
        Builtin("transpose(...axes)", "Permutes the axes (reverses them when none are given).", example: "ones(2, 3, 4).transpose(2, 0, 1)",
                receiver: "tensor") { a in
            .tensor(try tensorReceiver(a).transposed(a.rest.isEmpty ? nil : try shape(a.rest, "transpose", allowNegative: true)))
        },
        Builtin("flatten()", "A 1-D copy.", example: "ones(2, 3).flatten().shape   # [6]", receiver: "tensor") { a in
            .tensor(try tensorReceiver(a).flattened())
        },
        Builtin("squeeze(axis = nil)", "Removes axes of length 1.", example: "ones(1, 3).squeeze().shape   # [3]", receiver: "tensor") { a in
            .tensor(try tensorReceiver(a).squeezed(axis: try a.optional("axis").map { _ in try a.int("axis") }))
        },
        Builtin("unsqueeze(axis)", "Inserts an axis of length 1.", example: "ones(3).unsqueeze(0).shape   # [1, 3]", receiver: "tensor") { a in
            .tensor(try tensorReceiver(a).unsqueezed(axis: try a.int("axis")))
        },
        method("sum", .sum, "Sum of the elements."),
        method("mean", .mean, "Mean of the elements."),
        method("std", .std, "Standard deviation (population)."),
        method("var", .var, "Variance (population)."),
        method("min", .min, "Smallest element."),
        method("max", .max, "Largest element."),
        method("argmax", .argmax, "Index of the largest element."),
        method("argmin", .argmin, "Index of the smallest element."),
        method("norm", .norm, "Euclidean norm."),
        method("prod", .prod, "Product of the elements."),
        Builtin("list()", "The values as (nested) lists of numbers.", example: "tensor([1, 2]).list()   # [1, 2]", receiver: "tensor") { a in
            fromNested(try tensorReceiver(a).toNested())
        },
        Builtin("item()", "The single element as a number.", example: "tensor([3]).item()   # 3", receiver: "tensor") { a in
            .number(widen(try tensorReceiver(a).item()))
        },
        Builtin("copy()", "An independent copy.", example: "u = t.copy()", receiver: "tensor") { a in
            .tensor(try tensorReceiver(a).copy())
        },
        Builtin("abs()", "Absolute values.", example: "tensor([-1, 2]).abs()", receiver: "tensor") { a in .tensor(try tensorReceiver(a).unary(.abs)) },
        Builtin("exp()", "e to each element.", example: "zeros(2).exp()", receiver: "tensor") { a in .tensor(try tensorReceiver(a).unary(.exp)) },
        Builtin("log()", "Natural log of each element.", example: "ones(2).log()", receiver: "tensor") { a in .tensor(try tensorReceiver(a).unary(.log)) },
        Builtin("sqrt()", "Square root of each element.", example: "tensor([4, 9]).sqrt()", receiver: "tensor") { a in .tensor(try tensorReceiver(a).unary(.sqrt)) },
        Builtin("clip(lo, hi)", "Limits each element to [lo, hi].", example: "tensor([-1, 2]).clip(0, 1)", receiver: "tensor") { a in
            .tensor(try tensorReceiver(a).clip(Float(try a.number("lo")), Float(try a.number("hi"))))
        },
        Builtin("softmax(axis = -1)", "Softmax along an axis.", example: "tensor([1, 2]).softmax()", receiver: "tensor") { a in
            .tensor(try tensorReceiver(a).softmax(axis: try a.int("axis")))
        },
        Builtin("argsort(axis = -1)", "Indices that sort along an axis.", example: "tensor([3, 1]).argsort()", receiver: "tensor") { a in
            .tensor(try tensorReceiver(a).argsort(axis: try a.int("axis")))
        },
        Builtin("sort(axis = -1)", "Sorted copy along an axis.", example: "tensor([3, 1]).sort()", receiver: "tensor") { a in
            .tensor(try tensorReceiver(a).sorted(axis: try a.int("axis")))
        },
    ]

    private static func unary(_ name: String, _ op: UnaryOp, _ summary: String) -> Builtin {
        Builtin("\(name)(t)", summary, example: "\(name)(tensor([0, 1, 4]))") { a in
            if case .number(let x) = a["t"] { return .number(applyToNumber(op, x)) }
            return .tensor(try a.tensor("t").unary(op))
        }
    }

    private static func reduction(_ name: String, _ op: ReduceOp, _ summary: String) -> Builtin {
        Builtin("\(name)(t, axis = nil, keepdims = false)", summary, example: "\(name)(tensor([[1, 2], [3, 4]]), axis: 0)") { a in
            try reduce(try a.tensor("t"), op, a)
        }
    }

    private static func method(_ name: String, _ op: ReduceOp, _ summary: String) -> Builtin {
        Builtin("\(name)(axis = nil, keepdims = false)", summary + " Along an axis when given.",
                example: "tensor([[1, 2], [3, 4]]).\(name)(axis: 0)", receiver: "tensor") { a in
            try reduce(try tensorReceiver(a), op, a)
        }
    }
}

/// Numbers stay Float64: `log(0.5)` is computed in double precision.
private func applyToNumber(_ op: UnaryOp, _ x: Double) -> Double {
    switch op {
    case .neg: return -x
    case .exp: return Glibc.exp(x)
    case .log: return Glibc.log(x)
    case .sqrt: return x.squareRoot()
    case .abs: return Swift.abs(x)
    case .tanh: return Glibc.tanh(x)
    case .sigmoid: return 1 / (1 + Glibc.exp(-x))
    case .relu: return Swift.max(x, 0)
    case .sin: return Glibc.sin(x)
    case .cos: return Glibc.cos(x)
    case .floor: return x.rounded(.down)
    case .ceil: return x.rounded(.up)
    case .round: return x.rounded(.toNearestOrEven)
    case .sign: return x > 0 ? 1 : (x < 0 ? -1 : x)
    }
}

private func tensorReceiver(_ a: Arguments) throws -> Tensor {
    guard case .tensor(let t)? = a.receiver else { throw TxError.runtime("expected a tensor receiver") }
    return t
}

private func scalarOrTensor(_ t: Tensor) -> Value {
    t.ndim == 0 ? .number(widen(t.data[0])) : .tensor(t)
}

private func fromNested(_ n: NestedArray) -> Value {
    switch n {
    case .scalar(let x): return .number(widen(Float(x)))
    case .list(let xs): return .list(ListObject(xs.map(fromNested)))
    }
}

private func seedArgument(_ a: Arguments) throws -> UInt64? {
    guard a.optional("seed") != nil else { return nil }
    let s = try a.int("seed")
    guard s >= 0 else { throw TxError.runtime("seed must be ≥ 0, got \(s)") }
    return UInt64(s)
}

/// Shape arguments: `zeros(2, 3)` or `zeros([2, 3])`.
func shape(_ values: [Value], _ function: String, allowNegative: Bool = false) throws -> [Int] {
    var dims: [Value] = values
    if values.count == 1, case .list(let l) = values[0] { dims = l.items }
    return try dims.map { v in
        guard case .number(let x) = v, let n = exactInt(x), n >= (allowNegative ? -1 : 0) || (allowNegative && n < 0) else {
            throw TxError.runtime("\(function)(): shape entries must be whole numbers ≥ 0, got \(v.repr)")
        }
        return n
    }
}
