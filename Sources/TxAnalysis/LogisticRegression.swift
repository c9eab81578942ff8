import COpenBLAS
import TxTensor
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The linear probe: multinomial (softmax) logistic regression with an L2
/// penalty, fit by L-BFGS.
///
/// The objective, for weights `W` `[D, K]` and biases `b` `[K]`, is
///
///     f(W, b) = (1/N) Σᵢ [logΣₖ exp(zᵢₖ) − zᵢ,yᵢ] + (l2/2)·‖W‖²,   z = X·W + b
///
/// — the mean cross-entropy plus the penalty; the bias is **not** penalised
/// (as in scikit-learn). It is scikit-learn's `LogisticRegression(C = 1/(l2·N))`
/// objective, so both find the same minimiser.
///
/// The optimiser works in Float64; the two large products (`X·W` and `Xᵀ·(P − Y)`)
/// go through BLAS `dgemm`. L-BFGS keeps the last 10 correction pairs and its
/// line search (Nocedal & Wright, algorithm 3.5/3.6: bracketing, then zoom with
/// safeguarded cubic interpolation) returns a step that satisfies the strong
/// Wolfe conditions (c₁ = 1e-4, c₂ = 0.9). It stops when the largest gradient
/// component is at most `tol` (1e-4, scipy's `pgtol` as scikit-learn passes its
/// `tol`), when the relative decrease of f falls below 64·ε (scipy's `ftol`
/// under scikit-learn), or after `maxIter` iterations. Everything is
/// sequential and deterministic: the same data gives bit-identical weights.
public enum LogisticRegression {
    /// A fitted model.
    public final class Classifier: @unchecked Sendable {
        /// The original label values (sorted); class k of the model is `classes[k]`.
        public let classes: [Double]
        public let features: Int
        /// `[D, K]` weights, row-major, Float64.
        public let weights: [Double]
        /// `[K]` biases (they sum to zero: the unpenalised bias is fixed up to a
        /// shift, and the one L-BFGS finds from zero is the centred one).
        public let bias: [Double]
        public let l2: Double
        /// L-BFGS iterations taken.
        public let iterations: Int
        /// Whether a stopping test (gradient or relative decrease) was met before `maxIter`.
        public let converged: Bool
        /// The objective at the solution.
        public let objective: Double
        /// The largest gradient component at the solution.
        public let gradientNorm: Double

        init(classes: [Double], features: Int, weights: [Double], bias: [Double], l2: Double,
             iterations: Int, converged: Bool, objective: Double, gradientNorm: Double) {
            self.classes = classes; self.features = features; self.weights = weights; self.bias = bias
            self.l2 = l2; self.iterations = iterations; self.converged = converged
            self.objective = objective; self.gradientNorm = gradientNorm
        }

        public var classCount: Int { classes.count }

        /// The weights as a `[D, K]` Float32 tensor.
        public var coefficients: Tensor {
            Tensor(shape: [features, classes.count], data: weights.map { Float($0) })
        }
        /// The biases as a `[K]` tensor.
        public var intercept: Tensor { Tensor(shape: [classes.count], data: bias.map { Float($0) }) }

        /// Class scores z = X·W + b, `[N, K]` in Float64.
        func scores(_ x: Tensor) throws -> [Double] {
            let xs = try LogisticRegression.matrix(x, "predict")
            guard xs.cols == features else {
                throw StatsError("predict(): the model has \(features) features but x has \(xs.cols) columns")
            }
            return LogisticRegression.linear(xs.values, xs.rows, features, weights, bias, classes.count)
        }

        /// `[N, K]` class probabilities (softmax of the scores).
        public func probabilities(_ x: Tensor) throws -> Tensor {
            let k = classes.count
            var z = try scores(x)
            let n = z.count / k
            for i in 0..<n {
                var m = -Double.infinity
                for j in 0..<k { m = max(m, z[i * k + j]) }
                var s = 0.0
                for j in 0..<k { let e = exp(z[i * k + j] - m); z[i * k + j] = e; s += e }
                for j in 0..<k { z[i * k + j] /= s }
            }
            return Tensor(shape: [n, k], data: z.map { Float($0) })
        }

        /// Predicted labels (the original label values), `[N]`. Ties go to the first class.
        public func predict(_ x: Tensor) throws -> Tensor {
            let k = classes.count
            let z = try scores(x)
            let n = z.count / k
            var out = [Float](repeating: 0, count: n)
            for i in 0..<n {
                var best = 0
                for j in 1..<k where z[i * k + j] > z[i * k + best] { best = j }
                out[i] = Float(classes[best])
            }
            return Tensor(shape: [n], data: out)
        }

        /// The fraction of rows of x whose predicted label equals y.
        public func accuracy(_ x: Tensor, _ y: Tensor) throws -> Double {
            let p = try predict(x)
            guard y.ndim == 1, y.count == p.count else {
                throw StatsError("accuracy(): x has \(p.count) rows but y has shape \(y.shape)")
            }
            guard p.count > 0 else { throw StatsError("accuracy(): no examples") }
            var hits = 0
            for i in 0..<p.count where p.data[i] == y.data[i] { hits += 1 }
            return Double(hits) / Double(p.count)
        }
    }

    /// Fits the model on the rows of `x` `[N, D]` with labels `y` `[N]`
    /// (whole numbers; at least two distinct values).
    /// - Parameters:
    ///   - l2: the penalty strength (≥ 0; scikit-learn's C is 1/(l2·N)).
    ///   - maxIter: the most L-BFGS iterations.
    ///   - tol: stop when max |∂f| ≤ tol.
    ///   - warmStart: a previous model on the same features and classes to start from.
    /// - Throws: `StatsError` for bad shapes, non-finite values, non-integral labels, a single class.
    public static func fit(x: Tensor, y: Tensor, l2: Double = 1e-4, maxIter: Int = 1000,
                           tol: Double = 1e-4, warmStart: Classifier? = nil) throws -> Classifier {
        let data = try Problem(x: x, y: y)
        return try fit(data, l2: l2, maxIter: maxIter, tol: tol, warmStart: warmStart)
    }

    /// The training data converted once (Float64, labels as class indices).
    struct Problem {
        let x: [Double]
        let n: Int, d: Int
        let labels: [Int]
        let classes: [Double]

        init(x: Tensor, y: Tensor) throws {
            let m = try LogisticRegression.matrix(x, "logreg")
            guard y.ndim == 1 else { throw StatsError("logreg(): y must be a vector of labels [N], got shape \(y.shape)") }
            guard y.count == m.rows else {
                throw StatsError("logreg(): x has \(m.rows) rows but y has \(y.count) labels")
            }
            guard m.rows > 0 else { throw StatsError("logreg(): no examples") }
            var distinct = Set<Float>()
            for v in y.data {
                guard v.isFinite, v == v.rounded() else {
                    throw StatsError("logreg(): labels must be whole numbers, found \(v)")
                }
                distinct.insert(v)
            }
            let classes = distinct.sorted()
            guard classes.count >= 2 else {
                throw StatsError("logreg(): needs at least two classes, but every label is \(classes.first.map { Double($0) } ?? 0)")
            }
            var index: [Float: Int] = [:]
            for (k, c) in classes.enumerated() { index[c] = k }
            self.x = m.values; self.n = m.rows; self.d = m.cols
            self.labels = y.data.map { index[$0]! }
            self.classes = classes.map { Double($0) }
        }
    }

    static func fit(_ p: Problem, l2: Double, maxIter: Int, tol: Double, warmStart: Classifier?) throws -> Classifier {
        guard l2 >= 0, l2.isFinite else { throw StatsError("logreg(): 'l2' must be a finite number ≥ 0, got \(l2)") }
        guard maxIter >= 0 else { throw StatsError("logreg(): 'max_iter' must be ≥ 0, got \(maxIter)") }
        guard tol >= 0 else { throw StatsError("logreg(): 'tol' must be ≥ 0") }
        let k = p.classes.count, d = p.d
        var theta = [Double](repeating: 0, count: d * k + k)
        if let w = warmStart, w.features == d, w.classes == p.classes {
            theta.replaceSubrange(0..<(d * k), with: w.weights)
            theta.replaceSubrange((d * k)..., with: w.bias)
        }
        var objective = Objective(p, l2: l2)
        let r = LBFGS.minimize(&theta, maxIter: maxIter, tol: tol) { th, g in objective.evaluate(th, &g) }
        return Classifier(classes: p.classes, features: d, weights: Array(theta[0..<(d * k)]),
                          bias: Array(theta[(d * k)...]), l2: l2, iterations: r.iterations,
                          converged: r.converged, objective: r.f, gradientNorm: r.gnorm)
    }

    /// Mean cross-entropy + l2/2‖W‖² and its gradient, with reusable buffers.
    struct Objective {
        let p: Problem
        let l2: Double
        var z: [Double]

        /// Rows per BLAS call. When D·K is small the products are cut into
        /// blocks of at most ~200k multiply-adds, under OpenBLAS's threading
        /// threshold (m·n·k ≤ 4·65536): small products run single-threaded,
        /// which is faster here, and the result — the order of every sum —
        /// then does not depend on the number of BLAS threads. Large
        /// problems use one threaded call.
        let rowBlock: Int

        init(_ p: Problem, l2: Double) {
            self.p = p; self.l2 = l2
            z = [Double](repeating: 0, count: p.n * p.classes.count)
            let dk = max(1, p.d * p.classes.count)
            rowBlock = dk <= 8192 ? max(1, 200_000 / dk) : max(1, p.n)
        }

        /// f(θ); writes ∇f into g. θ = [W (D×K, row-major), b (K)].
        mutating func evaluate(_ theta: [Double], _ g: inout [Double]) -> Double {
            let n = p.n, d = p.d, k = p.classes.count
            let dk = d * k
            let block = rowBlock
            // z = X·W
            theta.withUnsafeBufferPointer { th in
                p.x.withUnsafeBufferPointer { xp in
                    z.withUnsafeMutableBufferPointer { zp in
                        for r in stride(from: 0, to: n, by: block) {
                            let rows = min(block, n - r)
                            cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, Int32(rows), Int32(k), Int32(d),
                                        1, xp.baseAddress! + r * d, Int32(d), th.baseAddress, Int32(k),
                                        0, zp.baseAddress! + r * k, Int32(k))
                        }
                    }
                }
            }
            var loss = 0.0
            let invN = 1.0 / Double(n)
            for j in 0..<k { g[dk + j] = 0 }
            z.withUnsafeMutableBufferPointer { zp in
                theta.withUnsafeBufferPointer { th in
                    g.withUnsafeMutableBufferPointer { gp in
                        let b = th.baseAddress! + dk
                        let gb = gp.baseAddress! + dk
                        for i in 0..<n {
                            let row = zp.baseAddress! + i * k
                            var m = -Double.infinity
                            for j in 0..<k { row[j] += b[j]; m = max(m, row[j]) }
                            var s = 0.0
                            for j in 0..<k { let e = exp(row[j] - m); row[j] = e; s += e }
                            let y = p.labels[i]
                            // −log softmax_y = m + log s − z_y; z_y − m = log(row[y])
                            loss += log(s) - log(row[y])
                            let inv = invN / s
                            for j in 0..<k { row[j] *= inv }
                            row[y] -= invN
                            for j in 0..<k { gb[j] += row[j] }
                        }
                    }
                }
            }
            // ∇W = Xᵀ·(P − Y)/N + l2·W
            for j in 0..<dk { g[j] = l2 * theta[j] }
            p.x.withUnsafeBufferPointer { xp in
                z.withUnsafeBufferPointer { zp in
                    g.withUnsafeMutableBufferPointer { gp in
                        for r in stride(from: 0, to: n, by: block) {
                            let rows = min(block, n - r)
                            cblas_dgemm(CblasRowMajor, CblasTrans, CblasNoTrans, Int32(d), Int32(k), Int32(rows),
                                        1, xp.baseAddress! + r * d, Int32(d), zp.baseAddress! + r * k, Int32(k),
                                        1, gp.baseAddress, Int32(k))
                        }
                    }
                }
            }
            var w2 = 0.0
            for j in 0..<dk { w2 += theta[j] * theta[j] }
            return loss * invN + 0.5 * l2 * w2
        }
    }

    /// The objective and gradient at θ = [W (D×K row-major), b (K)], for tests.
    public static func objective(x: Tensor, y: Tensor, l2: Double, parameters: [Double]) throws -> (value: Double, gradient: [Double]) {
        let p = try Problem(x: x, y: y)
        guard parameters.count == p.d * p.classes.count + p.classes.count else {
            throw StatsError("objective(): expected \(p.d * p.classes.count + p.classes.count) parameters, got \(parameters.count)")
        }
        var o = Objective(p, l2: l2)
        var g = [Double](repeating: 0, count: parameters.count)
        let f = o.evaluate(parameters, &g)
        return (f, g)
    }

    /// A 2-d tensor as Float64 row-major values.
    static func matrix(_ x: Tensor, _ fn: String) throws -> (values: [Double], rows: Int, cols: Int) {
        guard x.ndim == 2 else { throw StatsError("\(fn)(): x must be a [N, D] matrix, got shape \(x.shape)") }
        var v = [Double](repeating: 0, count: x.count)
        for i in 0..<x.count {
            let e = x.data[i]
            guard e.isFinite else { throw StatsError("\(fn)(): x has a non-finite value (\(e))") }
            v[i] = Double(e)
        }
        return (v, x.shape[0], x.shape[1])
    }

    /// X·W + b for row-major X [n, d], W [d, k].
    static func linear(_ x: [Double], _ n: Int, _ d: Int, _ w: [Double], _ b: [Double], _ k: Int) -> [Double] {
        var z = [Double](repeating: 0, count: n * k)
        for i in 0..<n { for j in 0..<k { z[i * k + j] = b[j] } }
        guard n > 0 else { return z }
        cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, Int32(n), Int32(k), Int32(d),
                    1, x, Int32(d), w, Int32(k), 1, &z, Int32(k))
        return z
    }
}

/// The result of `logregCV`.
public struct LogRegCVResult {
    public let best: LogisticRegression.Classifier
    public let bestL2: Double
    /// (l2, validation accuracy) in the order of the grid given.
    public let scores: [(l2: Double, accuracy: Double)]
}

/// Fits `logreg` for each L2 strength and keeps the one with the best
/// validation accuracy (ties → the stronger penalty). The grid is fitted from
/// strong to weak regularisation, each fit starting from the previous solution.
public func logregCV(_ xTrain: Tensor, _ yTrain: Tensor, _ xVal: Tensor, _ yVal: Tensor,
                     l2s: [Double] = (0...8).map { pow(10, Double($0) - 6) }, maxIter: Int = 1000,
                     tol: Double = 1e-4) throws -> LogRegCVResult {
    guard !l2s.isEmpty else { throw StatsError("logreg_cv(): the grid of l2 values is empty") }
    for v in l2s where !(v >= 0 && v.isFinite) {
        throw StatsError("logreg_cv(): every l2 must be a finite number ≥ 0, got \(v)")
    }
    let problem = try LogisticRegression.Problem(x: xTrain, y: yTrain)
    guard xVal.ndim == 2, xVal.shape[1] == problem.d else {
        throw StatsError("logreg_cv(): xval must be [M, \(problem.d)], got shape \(xVal.shape)")
    }
    guard yVal.ndim == 1, yVal.count == xVal.shape[0] else {
        throw StatsError("logreg_cv(): xval has \(xVal.shape[0]) rows but yval has shape \(yVal.shape)")
    }
    let order = l2s.indices.sorted { l2s[$0] != l2s[$1] ? l2s[$0] > l2s[$1] : $0 < $1 }
    var models = [LogisticRegression.Classifier?](repeating: nil, count: l2s.count)
    var accs = [Double](repeating: 0, count: l2s.count)
    var previous: LogisticRegression.Classifier? = nil
    for i in order {
        let m = try LogisticRegression.fit(problem, l2: l2s[i], maxIter: maxIter, tol: tol, warmStart: previous)
        models[i] = m
        accs[i] = try m.accuracy(xVal, yVal)
        previous = m
    }
    var best = order[0]
    for i in order where accs[i] > accs[best] { best = i }
    return LogRegCVResult(best: models[best]!, bestL2: l2s[best], scores: l2s.indices.map { (l2s[$0], accs[$0]) })
}

/// Limited-memory BFGS with a strong-Wolfe line search (Nocedal & Wright 2006, §7.2, §3.5).
enum LBFGS {
    struct Result { var f: Double; var gnorm: Double; var iterations: Int; var converged: Bool }

    static let memory = 10

    static func minimize(_ x: inout [Double], maxIter: Int, tol: Double,
                         _ fg: (_ x: [Double], _ g: inout [Double]) -> Double) -> Result {
        let n = x.count
        var g = [Double](repeating: 0, count: n)
        var f = fg(x, &g)
        var gmax = maxAbs(g)
        if gmax <= tol { return Result(f: f, gnorm: gmax, iterations: 0, converged: true) }
        var s: [[Double]] = [], y: [[Double]] = [], rho: [Double] = []
        var d = [Double](repeating: 0, count: n)
        var alpha = [Double](repeating: 0, count: memory)
        var xNew = x, gNew = g
        var iter = 0
        let ftol = 64 * Double.ulpOfOne
        while iter < maxIter {
            // Two-loop recursion: d = −H·g.
            for i in 0..<n { d[i] = -g[i] }
            let m = s.count
            if m > 0 {
                for j in stride(from: m - 1, through: 0, by: -1) {
                    let a = rho[j] * dot(s[j], d)
                    alpha[j] = a
                    axpy(-a, y[j], &d)
                }
                let gamma = dot(s[m - 1], y[m - 1]) / dot(y[m - 1], y[m - 1])
                for i in 0..<n { d[i] *= gamma }
                for j in 0..<m {
                    let b = rho[j] * dot(y[j], d)
                    axpy(alpha[j] - b, s[j], &d)
                }
            }
            var dg = dot(d, g)
            if !(dg < 0) {  // not a descent direction (numerical trouble): restart from steepest descent
                s.removeAll(); y.removeAll(); rho.removeAll()
                for i in 0..<n { d[i] = -g[i] }
                dg = dot(d, g)
            }
            let step0 = s.isEmpty ? min(1.0, 1.0 / dnrm(d)) : 1.0
            guard let (step, fNew) = lineSearch(x, f, g, d, dg, step0, &xNew, &gNew, fg) else {
                break  // no acceptable step: the current point is as good as it gets
            }
            iter += 1
            var sv = [Double](repeating: 0, count: n), yv = [Double](repeating: 0, count: n)
            for i in 0..<n { sv[i] = step * d[i]; yv[i] = gNew[i] - g[i] }
            let sy = dot(sv, yv)
            let fOld = f
            swap(&x, &xNew); swap(&g, &gNew)
            f = fNew
            if sy > Double.ulpOfOne * dot(yv, yv) {
                if s.count == memory { s.removeFirst(); y.removeFirst(); rho.removeFirst() }
                s.append(sv); y.append(yv); rho.append(1 / sy)
            }
            gmax = maxAbs(g)
            if gmax <= tol { return Result(f: f, gnorm: gmax, iterations: iter, converged: true) }
            if (fOld - f) <= ftol * max(abs(fOld), abs(f), 1) {
                return Result(f: f, gnorm: gmax, iterations: iter, converged: true)
            }
        }
        return Result(f: f, gnorm: gmax, iterations: iter, converged: false)
    }

    /// Finds a step satisfying the strong Wolfe conditions along d (N&W algorithm 3.5).
    /// On success writes x + step·d and its gradient into xOut/gOut and returns (step, f).
    static func lineSearch(_ x: [Double], _ f0: Double, _ g0: [Double], _ d: [Double], _ dg0: Double,
                           _ initial: Double, _ xOut: inout [Double], _ gOut: inout [Double],
                           _ fg: (_ x: [Double], _ g: inout [Double]) -> Double) -> (Double, Double)? {
        let c1 = 1e-4, c2 = 0.9
        let n = x.count
        func phi(_ a: Double) -> (Double, Double) {
            for i in 0..<n { xOut[i] = x[i] + a * d[i] }
            let f = fg(xOut, &gOut)
            return (f, dot(gOut, d))
        }
        var aPrev = 0.0, fPrev = f0, dPrev = dg0
        var a = initial
        for i in 0..<20 {
            let (fa, da) = phi(a)
            if !fa.isFinite || fa > f0 + c1 * a * dg0 || (i > 0 && fa >= fPrev) {
                return zoom(aPrev, fPrev, dPrev, a, fa, da, f0, dg0, c1, c2, phi)
            }
            if abs(da) <= -c2 * dg0 { return (a, fa) }
            if da >= 0 { return zoom(a, fa, da, aPrev, fPrev, dPrev, f0, dg0, c1, c2, phi) }
            aPrev = a; fPrev = fa; dPrev = da
            a *= 4
        }
        return nil
    }

    /// N&W algorithm 3.6: lo satisfies sufficient decrease, the minimiser lies between lo and hi.
    static func zoom(_ lo0: Double, _ flo0: Double, _ dlo0: Double, _ hi0: Double, _ fhi0: Double, _ dhi0: Double,
                     _ f0: Double, _ dg0: Double, _ c1: Double, _ c2: Double,
                     _ phi: (Double) -> (Double, Double)) -> (Double, Double)? {
        var lo = lo0, flo = flo0, dlo = dlo0, hi = hi0, fhi = fhi0, dhi = dhi0
        for _ in 0..<40 {
            let width = abs(hi - lo)
            if width <= 1e-16 * max(abs(lo), abs(hi)) { break }
            // Cubic interpolation through (lo, flo, dlo) and (hi, fhi, dhi), kept inside the interval.
            var a = cubicMin(lo, flo, dlo, hi, fhi, dhi)
            let left = min(lo, hi), right = max(lo, hi)
            if !fhi.isFinite || !a.isFinite || a < left + 0.1 * width || a > right - 0.1 * width { a = 0.5 * (lo + hi) }
            let (fa, da) = phi(a)
            if !fa.isFinite || fa > f0 + c1 * a * dg0 || fa >= flo {
                hi = a; fhi = fa; dhi = da
            } else {
                if abs(da) <= -c2 * dg0 { return (a, fa) }
                if da * (hi - lo) >= 0 { hi = lo; fhi = flo; dhi = dlo }
                lo = a; flo = fa; dlo = da
            }
        }
        // Fall back to the best point with sufficient decrease, if it moved.
        if lo > 0 && flo < f0 {
            let (fa, _) = phi(lo)
            return (lo, fa)
        }
        return nil
    }

    static func cubicMin(_ a: Double, _ fa: Double, _ da: Double, _ b: Double, _ fb: Double, _ db: Double) -> Double {
        let d1 = da + db - 3 * (fa - fb) / (a - b)
        let disc = d1 * d1 - da * db
        guard disc >= 0 else { return .nan }
        let d2 = (b > a ? 1.0 : -1.0) * disc.squareRoot()
        return b - (b - a) * (db + d2 - d1) / (db - da + 2 * d2)
    }

    @inline(__always) static func dot(_ a: [Double], _ b: [Double]) -> Double {
        var s = 0.0
        for i in 0..<a.count { s += a[i] * b[i] }
        return s
    }
    @inline(__always) static func axpy(_ a: Double, _ x: [Double], _ y: inout [Double]) {
        for i in 0..<x.count { y[i] += a * x[i] }
    }
    static func maxAbs(_ a: [Double]) -> Double { a.reduce(0) { max($0, abs($1)) } }
    static func dnrm(_ a: [Double]) -> Double { dot(a, a).squareRoot() }
}
