import Foundation
import COpenBLAS
import TxTensor

/// A trainable tensor owned by a layer: its value, the gradient of the last
/// backward pass, and the optimiser's momentum buffer. Gradients live here
/// (never in user-visible tensors) and are zeroed at the start of each step.
public final class Parameter {
    public let name: String
    public let shape: [Int]
    public var value: [Float]
    public var grad: [Float]
    var velocity: [Float] = []
    /// Frozen parameters receive no updates (`Model.freeze()`).
    public var frozen = false
    /// Non-trainable buffers (batch-norm running statistics) are saved and
    /// copied but never updated by the optimiser.
    public let trainable: Bool

    public init(_ name: String, shape: [Int], value: [Float], trainable: Bool = true) {
        self.name = name
        self.shape = shape
        self.value = value
        self.grad = [Float](repeating: 0, count: trainable ? value.count : 0)
        self.trainable = trainable
    }

    public var count: Int { value.count }
    public var tensor: Tensor { Tensor(shape: shape, data: value) }

    func copy() -> Parameter {
        let p = Parameter(name, shape: shape, value: value, trainable: trainable)
        p.frozen = frozen
        return p
    }

    func zeroGrad() {
        if trainable { grad.withUnsafeMutableBufferPointer { $0.update(repeating: 0) } }
    }
}

/// A node of the computation graph: a value with its shape, the gradient of
/// the final scalar with respect to it, and how to push that gradient to the
/// node's inputs. Nodes are built by the primitive ops in `Op` and thrown
/// away after each step.
public final class Node {
    public let shape: [Int]
    public internal(set) var value: [Float]
    /// d(loss)/d(value); allocated by the backward pass.
    public internal(set) var grad: [Float] = []
    let parents: [Node]
    var backwardFn: ((Node) -> Void)?
    /// A leaf standing for a parameter: its gradient is added to the parameter's.
    let parameter: Parameter?
    let needsGrad: Bool

    init(shape: [Int], value: [Float], parents: [Node] = [], parameter: Parameter? = nil, needsGrad: Bool? = nil) {
        self.shape = shape
        self.value = value
        self.parents = parents
        self.parameter = parameter
        self.needsGrad = needsGrad ?? (parameter.map { $0.trainable && !$0.frozen } ?? parents.contains { $0.needsGrad })
    }

    /// A constant input (no gradient is wanted).
    public static func constant(_ t: Tensor) -> Node { Node(shape: t.shape, value: t.data, needsGrad: false) }
    /// A leaf whose gradient is wanted (tests, input gradients).
    public static func variable(shape: [Int], value: [Float]) -> Node { Node(shape: shape, value: value, needsGrad: true) }
    static func leaf(_ p: Parameter) -> Node { Node(shape: p.shape, value: p.value, parameter: p) }

    public var tensor: Tensor { Tensor(shape: shape, data: value) }

    @inline(__always) func ensureGrad() {
        if grad.isEmpty { grad = [Float](repeating: 0, count: value.count) }
    }

    /// Adds `g` to the gradient; the first contribution is taken as is
    /// (shared copy-on-write, no zero-fill and no addition pass).
    @inline(__always) func accumulateGrad(_ g: [Float]) {
        if grad.isEmpty { grad = g; return }
        grad.withUnsafeMutableBufferPointer { d in g.withUnsafeBufferPointer { s in
            for i in 0..<d.count { d[i] += s[i] }
        } }
    }

    /// Reverse-mode pass from this node (a scalar, seeded with `seed`):
    /// visits the graph in reverse topological order and adds leaf gradients
    /// into their parameters.
    public func backward(seed: [Float]? = nil) {
        var order: [Node] = []
        var seen = Set<ObjectIdentifier>()
        var stack: [(Node, Bool)] = [(self, false)]
        while let (n, expanded) = stack.popLast() {
            if expanded { order.append(n); continue }
            if !n.needsGrad || seen.contains(ObjectIdentifier(n)) { continue }
            seen.insert(ObjectIdentifier(n))
            stack.append((n, true))
            for p in n.parents where p.needsGrad { stack.append((p, false)) }
        }
        grad = seed ?? [Float](repeating: 1, count: value.count)
        for n in order.reversed() {
            guard !n.grad.isEmpty else { continue }
            if let f = n.backwardFn { f(n) }
            if let p = n.parameter, p.trainable, !p.frozen {
                p.grad.withUnsafeMutableBufferPointer { g in
                    n.grad.withUnsafeBufferPointer { d in for i in 0..<g.count { g[i] += d[i] } }
                }
            }
        }
    }
}

/// Runs body over `count` indices split into fixed ranges, on two or more
/// cores when the work is large enough to pay for the hand-off. Each index
/// must be independent, so results never depend on the core count.
@inline(__always)
func parallelRanges(_ count: Int, tasks: Int = 4, minimum: Int = 1 << 18, _ body: (Range<Int>) -> Void) {
    guard count >= minimum, tasks > 1 else { body(0..<count); return }
    DispatchQueue.concurrentPerform(iterations: tasks) { t in body(t * count / tasks..<(t + 1) * count / tasks) }
}

/// The sum of `count` floats, in eight interleaved partial sums so the loop
/// vectorises (a single running sum must be added in order).
@inline(__always)
func rowSum(_ p: UnsafePointer<Float>, _ count: Int) -> Float {
    var acc = SIMD8<Float>()
    var j = 0
    while j + 8 <= count { acc += UnsafeRawPointer(p + j).loadUnaligned(as: SIMD8<Float>.self); j += 8 }
    var s = acc.sum()
    while j < count { s += p[j]; j += 1 }
    return s
}

/// sgemm on row-major buffers: C = op(A)·op(B) (+ C when `accumulate`).
/// Large products are split into two column halves computed on two cores
/// (always two, so results don't depend on the core count): training runs
/// many mid-sized GEMMs between passes of its own split over cores, and
/// OpenBLAS's spinning thread pool fought those for the two cores (see
/// `withLearningBLAS`).
@inline(__always)
func gemm(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, _ c: UnsafeMutablePointer<Float>,
          m: Int, n: Int, k: Int, transA: Bool = false, transB: Bool = false, accumulate: Bool = false) {
    guard m > 0, n > 0, k > 0 else { return }
    let lda = Int32(transA ? m : k), ldb = Int32(transB ? k : n)
    func columns(_ j0: Int, _ j1: Int) {
        cblas_sgemm(CblasRowMajor, transA ? CblasTrans : CblasNoTrans, transB ? CblasTrans : CblasNoTrans,
                    Int32(m), Int32(j1 - j0), Int32(k), 1, a, lda, transB ? b + j0 * k : b + j0, ldb,
                    accumulate ? 1 : 0, c + j0, Int32(n))
    }
    guard n >= 64, m * n * k >= 1 << 21 else { columns(0, n); return }
    DispatchQueue.concurrentPerform(iterations: 2) { t in columns(t * n / 2, (t + 1) * n / 2) }
}

/// Runs training or inference with OpenBLAS on one thread (restored after):
/// TxLearn splits its large GEMMs over the cores itself, between element-wise
/// passes it also splits, and OpenBLAS's threads busy-wait after each call,
/// taking the cores those passes need (measured: a CNN epoch 1.9 CPUs busy
/// for the wall time of 1.2).
public func withLearningBLAS<T>(_ body: () throws -> T) rethrows -> T {
    let saved = openblas_get_num_threads()
    if saved != 1 { openblas_set_num_threads(1) }
    defer { if saved != 1 { openblas_set_num_threads(saved) } }
    return try body()
}

/// The closed set of differentiable primitives. Each builds its output node
/// and, beside the forward code, the backward rule that adds into its inputs'
/// gradients.
public enum Op {
    /// a [m, k] · b [k, n], or a · bᵀ with b [n, k] when `transposeB` (a linear layer's W).
    public static func matmul(_ a: Node, _ b: Node, transposeB: Bool = false) -> Node {
        precondition(a.shape.count == 2 && b.shape.count == 2, "matmul takes matrices")
        let m = a.shape[0], k = a.shape[1]
        let n = transposeB ? b.shape[0] : b.shape[1]
        precondition((transposeB ? b.shape[1] : b.shape[0]) == k, "matmul shapes don't fit: \(a.shape) · \(b.shape)")
        var out = [Float](repeating: 0, count: m * n)
        a.value.withUnsafeBufferPointer { pa in b.value.withUnsafeBufferPointer { pb in out.withUnsafeMutableBufferPointer { pc in
            gemm(pa.baseAddress!, pb.baseAddress!, pc.baseAddress!, m: m, n: n, k: k, transB: transposeB)
        } } }
        let node = Node(shape: [m, n], value: out, parents: [a, b])
        node.backwardFn = { c in
            c.grad.withUnsafeBufferPointer { dc in
                if a.needsGrad {
                    a.ensureGrad()
                    // dA = dC · op(B)ᵀ
                    b.value.withUnsafeBufferPointer { pb in a.grad.withUnsafeMutableBufferPointer { da in
                        gemm(dc.baseAddress!, pb.baseAddress!, da.baseAddress!, m: m, n: k, k: n, transB: !transposeB, accumulate: true)
                    } }
                }
                if b.needsGrad {
                    b.ensureGrad()
                    a.value.withUnsafeBufferPointer { pa in b.grad.withUnsafeMutableBufferPointer { db in
                        if transposeB {   // dB [n, k] = dCᵀ · A
                            gemm(dc.baseAddress!, pa.baseAddress!, db.baseAddress!, m: n, n: k, k: m, transA: true, accumulate: true)
                        } else {          // dB [k, n] = Aᵀ · dC
                            gemm(pa.baseAddress!, dc.baseAddress!, db.baseAddress!, m: k, n: n, k: m, transA: true, accumulate: true)
                        }
                    } }
                }
            }
        }
        return node
    }

    /// x [N, C, …] + b [C], the bias broadcast over the batch and any spatial axes.
    public static func addBias(_ x: Node, _ b: Node) -> Node {
        let n = x.shape[0], c = x.shape[1]
        precondition(b.value.count == c, "bias of \(b.value.count) for \(c) channels")
        let inner = x.value.count / max(1, n * c)
        var out = x.value
        out.withUnsafeMutableBufferPointer { o in b.value.withUnsafeBufferPointer { pb in
            let op = o.baseAddress!
            for r in 0..<(n * c) {
                let v = pb[r % c], row = op + r * inner
                for j in 0..<inner { row[j] += v }
            }
        } }
        let node = Node(shape: x.shape, value: out, parents: [x, b])
        node.backwardFn = { y in
            if x.needsGrad { x.accumulateGrad(y.grad) }
            if b.needsGrad {
                b.ensureGrad()
                b.grad.withUnsafeMutableBufferPointer { db in y.grad.withUnsafeBufferPointer { dy in
                    let dp = dy.baseAddress!
                    for r in 0..<(n * c) { db[r % c] += rowSum(dp + r * inner, inner) }
                } }
            }
        }
        return node
    }

    public static func relu(_ x: Node) -> Node {
        let out = [Float](unsafeUninitializedCapacity: x.value.count) { o, done in
            x.value.withUnsafeBufferPointer { xv in
                let op = o.baseAddress!, xp = xv.baseAddress!
                parallelRanges(xv.count) { r in for i in r { op[i] = max(xp[i], 0) } }
            }
            done = x.value.count
        }
        let node = Node(shape: x.shape, value: out, parents: [x])
        node.backwardFn = { y in
            let count = y.value.count
            let g = [Float](unsafeUninitializedCapacity: count) { o, done in
                y.grad.withUnsafeBufferPointer { dy in y.value.withUnsafeBufferPointer { yv in
                    let op = o.baseAddress!, dp = dy.baseAddress!, vp = yv.baseAddress!
                    parallelRanges(count) { r in for i in r { op[i] = vp[i] > 0 ? dp[i] : 0 } }
                } }
                done = count
            }
            x.accumulateGrad(g)
        }
        return node
    }

    /// x ⊙ mask for a constant mask (dropout: 0 or 1/(1-p)).
    public static func mulMask(_ x: Node, _ mask: [Float]) -> Node {
        precondition(mask.count == x.value.count)
        var out = x.value
        for i in 0..<out.count { out[i] *= mask[i] }
        let node = Node(shape: x.shape, value: out, parents: [x])
        node.backwardFn = { y in
            x.ensureGrad()
            x.grad.withUnsafeMutableBufferPointer { dx in y.grad.withUnsafeBufferPointer { dy in
                for i in 0..<dx.count { dx[i] += dy[i] * mask[i] }
            } }
        }
        return node
    }

    /// The same values with another shape (flatten).
    public static func reshape(_ x: Node, _ shape: [Int]) -> Node {
        precondition(shape.reduce(1, *) == x.value.count, "reshape \(x.shape) → \(shape)")
        let node = Node(shape: shape, value: x.value, parents: [x])
        node.backwardFn = { y in x.accumulateGrad(y.grad) }
        return node
    }

    /// Batch normalisation over axis 1 of x [N, C, …] (statistics over N and
    /// any spatial axes). Training uses the batch's mean and biased variance
    /// and updates the running statistics (unbiased variance, as PyTorch);
    /// evaluation uses the running statistics. `gamma` nil is batch-norm
    /// without scale (γ fixed at 1).
    public static func batchNorm(_ x: Node, gamma: Node?, beta: Node, runningMean: Parameter, runningVar: Parameter,
                                 training: Bool, momentum: Float = 0.1, eps: Float = 1e-5) -> Node {
        let n = x.shape[0], c = x.shape[1]
        let inner = x.value.count / max(1, n * c)
        let m = n * inner
        var mean = [Float](repeating: 0, count: c), invStd = [Float](repeating: 0, count: c)
        if training {
            precondition(m > 1, "batch norm in training needs more than one value per channel")
            x.value.withUnsafeBufferPointer { xv in
                for ch in 0..<c {
                    var s = 0.0
                    for i in 0..<n { let base = (i * c + ch) * inner; for j in 0..<inner { s += Double(xv[base + j]) } }
                    let mu = s / Double(m)
                    var v = 0.0
                    for i in 0..<n { let base = (i * c + ch) * inner; for j in 0..<inner { let d = Double(xv[base + j]) - mu; v += d * d } }
                    let varB = v / Double(m)
                    mean[ch] = Float(mu)
                    invStd[ch] = Float(1 / (varB + Double(eps)).squareRoot())
                    runningMean.value[ch] = (1 - momentum) * runningMean.value[ch] + momentum * Float(mu)
                    runningVar.value[ch] = (1 - momentum) * runningVar.value[ch] + momentum * Float(v / Double(m - 1))
                }
            }
        } else {
            for ch in 0..<c {
                mean[ch] = runningMean.value[ch]
                invStd[ch] = 1 / (runningVar.value[ch] + eps).squareRoot()
            }
        }
        var xhat = [Float](repeating: 0, count: x.value.count)
        var out = xhat
        x.value.withUnsafeBufferPointer { xv in
            for i in 0..<n { for ch in 0..<c {
                let base = (i * c + ch) * inner
                let g = gamma?.value[ch] ?? 1, b = beta.value[ch]
                for j in 0..<inner {
                    let h = (xv[base + j] - mean[ch]) * invStd[ch]
                    xhat[base + j] = h
                    out[base + j] = g * h + b
                }
            } }
        }
        let parents = gamma.map { [x, $0, beta] } ?? [x, beta]
        let node = Node(shape: x.shape, value: out, parents: parents)
        node.backwardFn = { y in
            var sumDy = [Double](repeating: 0, count: c), sumDyXhat = [Double](repeating: 0, count: c)
            y.grad.withUnsafeBufferPointer { dy in
                for i in 0..<n { for ch in 0..<c {
                    let base = (i * c + ch) * inner
                    for j in 0..<inner { sumDy[ch] += Double(dy[base + j]); sumDyXhat[ch] += Double(dy[base + j] * xhat[base + j]) }
                } }
            }
            if let gamma, gamma.needsGrad {
                gamma.ensureGrad()
                for ch in 0..<c { gamma.grad[ch] += Float(sumDyXhat[ch]) }
            }
            if beta.needsGrad {
                beta.ensureGrad()
                for ch in 0..<c { beta.grad[ch] += Float(sumDy[ch]) }
            }
            guard x.needsGrad else { return }
            x.ensureGrad()
            x.grad.withUnsafeMutableBufferPointer { dx in y.grad.withUnsafeBufferPointer { dy in
                for ch in 0..<c {
                    let g = gamma?.value[ch] ?? 1
                    if training {
                        // dx = γ·invStd/m · (m·dy − Σdy − x̂·Σ(dy·x̂))
                        let k = g * invStd[ch] / Float(m)
                        let a = Float(sumDy[ch]), b = Float(sumDyXhat[ch])
                        for i in 0..<n { let base = (i * c + ch) * inner
                            for j in 0..<inner { dx[base + j] += k * (Float(m) * dy[base + j] - a - xhat[base + j] * b) } }
                    } else {
                        let k = g * invStd[ch]
                        for i in 0..<n { let base = (i * c + ch) * inner
                            for j in 0..<inner { dx[base + j] += k * dy[base + j] } }
                    }
                }
            } }
        }
        return node
    }

    /// Mean softmax cross-entropy of logits [N, C] against integer labels,
    /// with label smoothing ε (the target is (1−ε)·onehot + ε/C), computed
    /// stably through log-sum-exp. Returns the scalar loss node and, for
    /// accuracy, the number of rows whose argmax equals the label.
    public static func softmaxCrossEntropy(_ logits: Node, labels: [Int], smoothing: Float = 0) -> (loss: Node, correct: Int) {
        let n = logits.shape[0], c = logits.shape[1]
        precondition(labels.count == n)
        var probs = [Float](repeating: 0, count: n * c)
        var total = 0.0
        var correct = 0
        logits.value.withUnsafeBufferPointer { z in
            for i in 0..<n {
                let row = i * c
                var mx = z[row], arg = 0
                for j in 1..<max(c, 1) where z[row + j] > mx { mx = z[row + j]; arg = j }
                if arg == labels[i] { correct += 1 }
                var s = 0.0
                for j in 0..<c { let e = exp(Double(z[row + j] - mx)); probs[row + j] = Float(e); s += e }
                let lse = Double(mx) + log(s)
                var rowLoss = (1 - Double(smoothing)) * (lse - Double(z[row + labels[i]]))
                if smoothing > 0 {
                    var sumZ = 0.0
                    for j in 0..<c { sumZ += Double(z[row + j]) }
                    rowLoss += Double(smoothing) * (lse - sumZ / Double(c))
                }
                total += rowLoss
                let inv = Float(1 / s)
                for j in 0..<c { probs[row + j] *= inv }
            }
        }
        let node = Node(shape: [], value: [Float(total / Double(max(n, 1)))], parents: [logits])
        node.backwardFn = { l in
            logits.ensureGrad()
            let scale = l.grad[0] / Float(max(n, 1))
            let off = smoothing / Float(c)
            logits.grad.withUnsafeMutableBufferPointer { dz in
                for i in 0..<n {
                    let row = i * c
                    for j in 0..<c {
                        let target = (j == labels[i] ? 1 - smoothing : 0) + off
                        dz[row + j] += scale * (probs[row + j] - target)
                    }
                }
            }
        }
        return (node, correct)
    }

    /// Sum of x ⊙ weights as a scalar (test probes and auxiliary terms).
    public static func weightedSum(_ x: Node, _ w: [Float]) -> Node {
        var s = 0.0
        for i in 0..<w.count { s += Double(x.value[i]) * Double(w[i]) }
        let node = Node(shape: [], value: [Float(s)], parents: [x])
        node.backwardFn = { y in
            x.ensureGrad()
            let g = y.grad[0]
            for i in 0..<w.count { x.grad[i] += g * w[i] }
        }
        return node
    }
}
