import Foundation
import TxTensor

/// How the repulsive forces are computed.
public enum TSNEMethod: String, Sendable {
    /// All pairs, O(N²) per iteration.
    case exact
    /// Barnes–Hut, O(N log N) per iteration: a quadtree in 2-D, an octree in 3-D
    /// (other dims fall back to exact).
    case bh
    /// Interpolation-based repulsion with FFT convolutions (FIt-SNE), O(N) per iteration;
    /// 2-D only (other dims are an error).
    case fft
    /// `exact` for N < 1000, `bh` below `TSNE.fftFrom` points, `fft` from there (2-D);
    /// `bh` in 3-D, `exact` when dims > 3.
    case auto
}

/// How the k nearest neighbours behind the input affinities are found.
public enum TSNENeighbours: String, Sendable {
    /// Brute force (SGEMM row blocks), exact.
    case exact
    /// Random-projection forest + NN-descent (Sources/TxEmbed/ApproximateNeighbours.swift),
    /// seeded from the t-SNE seed.
    case approx
    /// `exact` below `TSNE.approximateFrom` points, `approx` from there.
    case auto
}

/// How the embedding starts.
public enum TSNEInit: String, Sendable {
    /// The first `dims` principal components, rescaled so the first has std 1e-4 (openTSNE).
    case pca
    /// Gaussian noise with std 1e-4 from the seed.
    case random
}

/// t-SNE settings; the defaults are openTSNE 1.0's.
public struct TSNEOptions: Sendable {
    public var dims = 2
    public var perplexity = 30.0
    /// Total iterations, early exaggeration included.
    public var iterations = 1000
    public var earlyExaggeration = 12.0
    public var earlyIterations = 250
    /// nil = "auto": N / exaggeration in each phase (N/12 early, then N), openTSNE's rule,
    /// in openTSNE's gradient scaling (the gradient without its constant factor 4).
    public var learningRate: Double? = nil
    /// openTSNE 1.0 uses 0.8 in both phases.
    public var momentum = 0.8
    public var minGain = 0.01
    /// Largest step of one point in one iteration (openTSNE's max_step_norm).
    public var maxStepNorm = 5.0
    public var initialization = TSNEInit.pca
    public var method = TSNEMethod.auto
    public var theta = 0.5
    /// The interpolation grid of `fft`.
    public var grid = FFTGridOptions()
    public var seed: UInt64 = 0
    /// The neighbour search for P.
    public var neighbours = TSNENeighbours.auto
    public init() {}
}

/// What `tsne` returns.
public struct TSNEResult {
    /// `[N, dims]`.
    public var embedding: Tensor
    /// KL(P ‖ Q) of the final embedding: with the exact Z for N ≤ 5000, else with the
    /// Barnes–Hut or FFT estimate of Z (exact method: always exact).
    public var kl: Double
    /// Iterations done (fewer than asked when stopped early).
    public var iterations: Int
    /// True when `progress` or `shouldStop` ended the run early.
    public var stoppedEarly: Bool
    /// The symmetric input affinities.
    public var affinities: SparseMatrix
    /// The method actually used.
    public var method: TSNEMethod
}

public struct TSNEError: Error, CustomStringConvertible {
    public let description: String
    init(_ s: String) { description = s }
}

@inline(__always) private func sign(_ v: Double) -> Int { v > 0 ? 1 : (v < 0 ? -1 : 0) }

public enum TSNE {
    /// From this many points `auto` uses `fft` in 2-D (below it, Barnes–Hut is faster; see docs/tsne.md).
    public static let fftFrom = 10000

    /// From this many points `auto` finds the neighbours approximately (below it the exact
    /// search is as fast; see docs/tsne.md).
    public static let approximateFrom = 40000

    /// The k nearest neighbours of every row of x by the chosen search (`auto` by N).
    static func neighbours(_ x: Tensor, k: Int, search: TSNENeighbours, seed: UInt64) throws -> Neighbours {
        let approx = search == .approx || (search == .auto && x.shape[0] >= approximateFrom)
        if !approx { return try Affinities.exactKNN(x, k: k) }
        var o = ApproximateKNNOptions()
        o.seed = seed
        return try Affinities.approximateKNN(x, k: k, options: o)
    }

    /// The k nearest neighbours of every row of x (self excluded): `indices[i * k + m]` is
    /// row i's (m+1)-th, `distances` the squared Euclidean distances, ascending.
    public static func nearestNeighbours(_ x: Tensor, k: Int, search: TSNENeighbours = .exact,
                                         seed: UInt64 = 0) throws -> (indices: [Int], distances: [Double]) {
        guard x.ndim == 2, k >= 1, k < x.shape[0] else {
            throw TSNEError("nearestNeighbours needs a [N, D] matrix and 1 ≤ k < N, got shape \(x.shape) and k = \(k)")
        }
        let nb = try neighbours(x, k: k, search: search, seed: seed)
        return (nb.indices, nb.distances)
    }

    /// The symmetrised input affinities P of the rows of x (Σ P = 1), from the
    /// k = min(N − 1, ⌊3·perplexity⌋) nearest neighbours (exact, or approximate from the seed).
    public static func affinities(_ x: Tensor, perplexity: Double, neighbours search: TSNENeighbours = .exact,
                                  seed: UInt64 = 0) throws -> SparseMatrix {
        let n = x.shape[0]
        let k = min(n - 1, Int(3 * perplexity))
        let nb = try neighbours(x, k: k, search: search, seed: seed)
        let (p, _) = Affinities.conditional(nb, perplexity: perplexity)
        return Affinities.symmetrise(nb, p)
    }

    /// Conditional affinities p_{j|i} and the k nearest neighbours, for tests.
    public static func conditionalAffinities(_ x: Tensor, perplexity: Double) throws
        -> (indices: [Int], distances: [Double], p: [Double], beta: [Double], k: Int) {
        let n = x.shape[0]
        let k = min(n - 1, Int(3 * perplexity))
        let nb = try Affinities.exactKNN(x, k: k)
        let (p, beta) = Affinities.conditional(nb, perplexity: perplexity)
        return (nb.indices, nb.distances, p, beta, k)
    }

    /// The exact KL divergence KL(P ‖ Q) of an embedding `y` (`[N·dims]`, Float64).
    public static func klDivergence(_ y: [Double], dims: Int, p: SparseMatrix) -> Double {
        y.withUnsafeBufferPointer { yp in
            let z = Gradient.exactRepulsive(yp, p.n, dims, nil)
            return Gradient.kl(yp, dims, p, z: z)
        }
    }

    /// The gradient ∂KL/∂y (true scale, factor 4 included) with exaggeration α on P.
    /// `fft` needs dims = 2 (else exact is used).
    public static func gradient(_ y: [Double], dims: Int, p: SparseMatrix, exaggeration: Double = 1,
                                method: TSNEMethod = .exact, theta: Double = 0.5,
                                grid: FFTGridOptions = FFTGridOptions()) -> [Double] {
        var g = [Double](repeating: 0, count: y.count)
        y.withUnsafeBufferPointer { yp in
            g.withUnsafeMutableBufferPointer { gp in
                Gradient.attractive(yp, dims, p, exaggeration, gp)
                if method == .fft && dims == 2 { _ = FFTRepulsion(options: grid).repulsive(yp, p.n, gp) }
                else if method == .bh && dims == 2 { _ = QuadTree.repulsive(yp, p.n, theta: theta, gp) }
                else if method == .bh && dims == 3 { _ = OctTree.repulsive(yp, p.n, theta: theta, gp) }
                else { Gradient.exactRepulsive(yp, p.n, dims, gp) }
            }
        }
        return g.map { 4 * $0 }
    }

    /// The initial embedding, `[N·dims]` Float64.
    static func initialEmbedding(_ x: Tensor, _ o: TSNEOptions) throws -> [Double] {
        let n = x.shape[0]
        if o.initialization == .pca && x.shape[1] >= o.dims && n >= 2 {
            let r = try x.pca(k: o.dims)
            var y = r.projected.data.map(Double.init)
            var mean = 0.0, sq = 0.0
            for i in 0..<n { mean += y[i * o.dims] }
            mean /= Double(n)
            for i in 0..<n { let v = y[i * o.dims] - mean; sq += v * v }
            let sd = (sq / Double(n)).squareRoot()
            let scale = sd > 0 ? 1e-4 / sd : 1
            for t in y.indices { y[t] *= scale }
            return y
        }
        let r = try Tensor.randn([n, o.dims], seed: o.seed)
        return r.data.map { Double($0) * 1e-4 }
    }

    /// Embeds the rows of `x` (`[N, D]`) into `[N, dims]`.
    ///
    /// - Parameters:
    ///   - progress: called every 50 iterations (and after the last) with the
    ///     iteration count, the KL divergence of the current embedding (true P,
    ///     Z exact or BH-estimated as the method computes it), the seconds since the
    ///     start and the current embedding; returning true stops the run.
    ///   - shouldStop: polled every iteration (Ctrl-C); true stops the run.
    /// - Returns: the embedding reached (also when stopped early) and its KL.
    public static func run(_ x: Tensor, options o: TSNEOptions = TSNEOptions(),
                           progress: ((Int, Double, Double, Tensor) throws -> Bool)? = nil,
                           shouldStop: () -> Bool = { false }) throws -> TSNEResult {
        guard x.ndim == 2 else { throw TSNEError("tsne needs a [N, D] matrix, got shape \(x.shape)") }
        let n = x.shape[0], dims = o.dims
        guard n >= 2 else { throw TSNEError("tsne needs at least 2 rows, got \(n)") }
        guard dims >= 1 else { throw TSNEError("tsne: dims must be at least 1, got \(dims)") }
        guard o.perplexity > 0 else { throw TSNEError("tsne: perplexity must be positive, got \(o.perplexity)") }
        guard x.data.allSatisfy({ $0.isFinite }) else { throw TSNEError("tsne: the data contains NaN or infinity") }
        guard o.iterations >= 0, o.earlyIterations >= 0 else { throw TSNEError("tsne: iteration counts must be non-negative") }
        let start = Date()
        let perplexity = min(o.perplexity, Double(n - 1) / 3)
        if o.method == .fft && dims != 2 {
            throw TSNEError("tsne: method \"fft\" embeds into 2 dimensions only, got dims = \(dims); use \"bh\" (3-D) or \"exact\"")
        }
        guard (1...16).contains(o.grid.pointsPerBox), o.grid.minBoxes >= 1, o.grid.maxBoxWidth > 0 else {
            throw TSNEError("tsne: the FFT grid needs 1 to 16 points per box, at least 1 box and a positive box width")
        }
        let p = try affinities(x, perplexity: max(perplexity, 1e-3), neighbours: o.neighbours, seed: o.seed)
        var method = o.method
        if method == .auto { method = n < 1000 ? .exact : dims == 2 && n >= fftFrom ? .fft : .bh }
        let useFFT = method == .fft
        let useBH = method == .bh && (dims == 2 || dims == 3)
        var y = try initialEmbedding(x, o)
        var update = [Double](repeating: 0, count: n * dims)
        var gains = [Double](repeating: 1, count: n * dims)
        var grad = [Double](repeating: 0, count: n * dims)
        var lastZ = 1.0, done = 0, stopped = false
        let tree = QuadTree(), octree = OctTree(), fft = FFTRepulsion(options: o.grid)

        func klNow() -> Double { y.withUnsafeBufferPointer { Gradient.kl($0, dims, p, z: lastZ) } }
        func tensor() -> Tensor { Tensor(shape: [n, dims], data: y.map { Float($0) }) }

        for it in 0..<o.iterations {
            if shouldStop() { stopped = true; break }
            let early = it < o.earlyIterations
            if it == o.earlyIterations && it > 0 { for t in update.indices { update[t] = 0 } }  // new phase, as openTSNE
            let alpha = early ? o.earlyExaggeration : 1
            let lr = o.learningRate ?? max(Double(n) / alpha, 1)
            y.withUnsafeBufferPointer { yp in
                grad.withUnsafeMutableBufferPointer { gp in
                    Gradient.attractive(yp, dims, p, alpha, gp)
                    lastZ = useFFT ? fft.repulsive(yp, n, gp)
                        : !useBH ? Gradient.exactRepulsive(yp, n, dims, gp)
                        : dims == 2 ? QuadTree.repulsive(yp, n, theta: o.theta, gp, tree: tree)
                        : OctTree.repulsive(yp, n, theta: o.theta, gp, tree: octree)
                }
            }
            // delta-bar-delta gains, momentum, step clipping (openTSNE's gradient_descent)
            for t in 0..<(n * dims) {
                if sign(update[t]) != sign(grad[t]) { gains[t] += 0.2 } else { gains[t] = gains[t] * 0.8 + o.minGain }
                gains[t] = max(gains[t], o.minGain)
                update[t] = o.momentum * update[t] - lr * gains[t] * grad[t]
            }
            for i in 0..<n {
                var s = 0.0
                for a in 0..<dims { s += update[i * dims + a] * update[i * dims + a] }
                if s > o.maxStepNorm * o.maxStepNorm {
                    let f = o.maxStepNorm / s.squareRoot()
                    for a in 0..<dims { update[i * dims + a] *= f }
                }
            }
            for t in 0..<(n * dims) { y[t] += update[t] }
            // keep the embedding centred (no effect on the gradient; avoids drift)
            for a in 0..<dims {
                var m = 0.0
                for i in 0..<n { m += y[i * dims + a] }
                m /= Double(n)
                for i in 0..<n { y[i * dims + a] -= m }
            }
            done = it + 1
            if let progress, done % 50 == 0 || done == o.iterations {
                if try progress(done, klNow(), Date().timeIntervalSince(start), tensor()) { stopped = done < o.iterations; break }
            }
        }
        let kl: Double
        if useFFT && n > 5000 {
            var g = [Double](repeating: 0, count: n * dims)
            let z = y.withUnsafeBufferPointer { yp in g.withUnsafeMutableBufferPointer { fft.repulsive(yp, n, $0) } }
            kl = y.withUnsafeBufferPointer { Gradient.kl($0, dims, p, z: z) }
        } else if !useBH || n <= 5000 {
            kl = TSNE.klDivergence(y, dims: dims, p: p)
        } else {
            var g = [Double](repeating: 0, count: n * dims)
            let z = y.withUnsafeBufferPointer { yp in
                g.withUnsafeMutableBufferPointer {
                    dims == 2 ? QuadTree.repulsive(yp, n, theta: o.theta, $0) : OctTree.repulsive(yp, n, theta: o.theta, $0)
                }
            }
            kl = y.withUnsafeBufferPointer { Gradient.kl($0, dims, p, z: z) }
        }
        return TSNEResult(embedding: tensor(), kl: kl, iterations: done, stoppedEarly: stopped,
                          affinities: p, method: useFFT ? .fft : useBH ? .bh : .exact)
    }
}
