import Dispatch
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A statistics error: mismatched lengths, too few values, bad arguments.
public struct StatsError: Error, CustomStringConvertible, Equatable {
    public let message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

/// A two-sided confidence interval.
public struct ConfidenceInterval: Equatable, Sendable {
    public var lower: Double
    public var upper: Double
    /// The confidence level, e.g. 0.95.
    public var level: Double
    public init(lower: Double, upper: Double, level: Double) {
        self.lower = lower; self.upper = upper; self.level = level
    }
    static func undefined(_ level: Double) -> ConfidenceInterval {
        ConfidenceInterval(lower: .nan, upper: .nan, level: level)
    }
}

/// The correlation coefficients.
public enum CorrelationMethod: String, CaseIterable, Sendable {
    case pearson, spearman, kendall

    /// The coefficient's usual symbol: r, ρ, τ.
    public var symbol: String {
        switch self {
        case .pearson: return "r"
        case .spearman: return "ρ"
        case .kendall: return "τ"
        }
    }

    public init(name: String) throws {
        guard let m = CorrelationMethod(rawValue: name.lowercased()) else {
            throw StatsError("unknown correlation method '\(name)' (valid: pearson, spearman, kendall)")
        }
        self = m
    }
}

/// A correlation coefficient with its two-sided p-value and 95% interval.
public struct CorrelationResult: Sendable {
    public let method: CorrelationMethod
    /// The coefficient (Pearson's r, Spearman's ρ, Kendall's τ-b).
    public let r: Double
    /// Two-sided p-value for the null hypothesis of no association.
    public let p: Double
    /// Number of pairs.
    public let n: Int
    /// Confidence interval for the coefficient (Fisher z transformation).
    public let ci: ConfidenceInterval
    /// How `p` was computed: "exact beta", "t", "exact", "asymptotic".
    public let pMethod: String
    /// Set when the result is NaN or may be inaccurate (NaN or constant input).
    public let warning: String?
}

/// Pearson, Spearman and Kendall correlation computed as SciPy 1.17 does
/// (`scipy.stats.pearsonr`, `spearmanr`, `kendalltau`), in Float64.
public enum Correlation {
    public static let constantWarning = "input is constant; correlation is undefined"
    public static let nanWarning = "input contains NaN; the result is NaN"

    /// Dispatches on the method.
    public static func compute(_ method: CorrelationMethod, _ x: [Double], _ y: [Double],
                               level: Double = 0.95) throws -> CorrelationResult {
        switch method {
        case .pearson: return try pearson(x, y, level: level)
        case .spearman: return try spearman(x, y, level: level)
        case .kendall: return try kendall(x, y, level: level)
        }
    }

    /// The coefficient alone, for bootstrap and correlation matrices.
    public static func coefficient(_ method: CorrelationMethod, _ x: [Double], _ y: [Double]) throws -> Double {
        try check(x, y, method.rawValue)
        if hasNaN(x, y) || isConstant(x) || isConstant(y) { return .nan }
        switch method {
        case .pearson: return pearsonR(x, y)
        case .spearman: return pearsonR(rankAverage(x), rankAverage(y))
        case .kendall: return kendallStatistics(x, y).tau
        }
    }

    // MARK: Pearson

    /// Pearson's r; p from the exact distribution of r under independent
    /// normal samples, Beta(n/2 − 1, n/2 − 1) on [−1, 1].
    public static func pearson(_ x: [Double], _ y: [Double], level: Double = 0.95) throws -> CorrelationResult {
        try check(x, y, "pearson")
        let n = x.count
        if let bad = degenerate(.pearson, x, y, level: level, pMethod: "exact beta") { return bad }
        if n == 2 {
            // SciPy: r = ±1 and p = 1 for two points.
            let r = ((x[1] - x[0]).sign == .minus ? -1.0 : 1.0) * ((y[1] - y[0]).sign == .minus ? -1.0 : 1.0)
            return CorrelationResult(method: .pearson, r: r, p: 1, n: n,
                                     ci: fisherInterval(r, n: n, level: level), pMethod: "exact beta", warning: nil)
        }
        var warning: String?
        if nearlyConstant(x) || nearlyConstant(y) {
            warning = "input is nearly constant; the correlation may be inaccurate"
        }
        let r = pearsonR(x, y)
        let ab = Double(n) / 2 - 1
        return CorrelationResult(method: .pearson, r: r, p: pearsonP(r, ab: ab), n: n,
                                 ci: fisherInterval(r, n: n, level: level), pMethod: "exact beta", warning: warning)
    }

    /// Two-sided p of r under Beta(ab, ab) on [−1, 1]: 2·min(cdf, sf).
    static func pearsonP(_ r: Double, ab: Double) -> Double {
        guard !r.isNaN else { return .nan }
        // As SciPy: the Beta variable is (r + 1) / 2; its tail beyond it, by symmetry.
        let u = (abs(r) + 1) / 2
        let tail = Special.incompleteBeta(ab, ab, x: 1 - u, y: u)
        return min(1, 2 * tail)
    }

    /// r with SciPy's scaling: centre, divide by the largest deviation,
    /// normalise, dot product, clip to [−1, 1].
    static func pearsonR(_ x: [Double], _ y: [Double]) -> Double {
        let mx = Descriptive.mean(x), my = Descriptive.mean(y)
        var xm = x.map { $0 - mx }, ym = y.map { $0 - my }
        let xmax = xm.reduce(0) { max($0, abs($1)) }, ymax = ym.reduce(0) { max($0, abs($1)) }
        for i in xm.indices { xm[i] /= xmax; ym[i] /= ymax }
        var sxx = 0.0, syy = 0.0
        for i in xm.indices { sxx += xm[i] * xm[i]; syy += ym[i] * ym[i] }
        let nx = sxx.squareRoot(), ny = syy.squareRoot()
        var r = 0.0
        for i in xm.indices { r += (xm[i] / nx) * (ym[i] / ny) }
        return min(1, max(-1, r))
    }

    // MARK: Spearman

    /// Spearman's ρ (Pearson's r of average ranks); p from Student's t with
    /// n − 2 degrees of freedom, as SciPy.
    public static func spearman(_ x: [Double], _ y: [Double], level: Double = 0.95) throws -> CorrelationResult {
        try check(x, y, "spearman")
        let n = x.count
        if let bad = degenerate(.spearman, x, y, level: level, pMethod: "t") { return bad }
        let (rx, ry) = bothRanks(x, y, rankAverage)
        let rs = pearsonR(rx, ry)
        let dof = Double(n - 2)
        let t = rs * (dof / ((rs + 1) * (1 - rs))).squareRoot()
        // SciPy: n = 2 has no degrees of freedom and gives p = NaN.
        let p = dof > 0 ? min(1, 2 * Special.studentTSF(abs(t), df: dof)) : .nan
        return CorrelationResult(method: .spearman, r: rs, p: p, n: n,
                                 ci: fisherInterval(rs, n: n, level: level), pMethod: "t", warning: nil)
    }

    /// `f(x)` and `f(y)`, side by side on two cores when the inputs are long enough to pay.
    static func bothRanks<R>(_ x: [Double], _ y: [Double], _ f: ([Double]) -> [R]) -> ([R], [R]) {
        if x.count < 20_000 { return (f(x), f(y)) }
        var rx: [R] = [], ry: [R] = []
        DispatchQueue.concurrentPerform(iterations: 2) { k in
            if k == 0 { rx = f(x) } else { ry = f(y) }
        }
        return (rx, ry)
    }

    /// The indices of x in ascending order of value (x without NaN), by radix sort of
    /// order-preserving keys, and the keys in that order (equal keys ⇔ equal values).
    static func sortedOrder(_ x: [Double]) -> (order: [Int], keys: [UInt64]) {
        if x.count >= Int(Int32.max) {
            let order = x.indices.sorted { x[$0] < x[$1] }
            return (order, order.map { RadixSort.key(x[$0]) })
        }
        var keys = x.map(RadixSort.key)
        var order = (0..<Int32(x.count)).map { $0 }
        if x.count < 512 {
            let sorted = order.sorted { keys[Int($0)] < keys[Int($1)] }
            return (sorted.map { Int($0) }, sorted.map { keys[Int($0)] })
        }
        RadixSort.sort(&keys, payload: &order)
        return (order.map { Int($0) }, keys)
    }

    /// Average ranks (1-based), ties sharing the mean of their positions.
    public static func rankAverage(_ x: [Double]) -> [Double] {
        let (order, keys) = sortedOrder(x)
        var ranks = [Double](repeating: 0, count: x.count)
        var i = 0
        while i < order.count {
            var j = i
            while j + 1 < order.count && keys[j + 1] == keys[i] { j += 1 }
            let rank = Double(i + j + 2) / 2
            for k in i...j { ranks[order[k]] = rank }
            i = j + 1
        }
        return ranks
    }

    // MARK: Kendall

    /// Kendall's τ-b. p: SciPy's method 'auto' — the exact null distribution
    /// (Mahonian numbers) without ties when n ≤ 33 or nearly all pairs agree,
    /// otherwise the normal approximation with tie-corrected variance.
    public static func kendall(_ x: [Double], _ y: [Double], level: Double = 0.95) throws -> CorrelationResult {
        try check(x, y, "kendall")
        let n = x.count
        if let bad = degenerate(.kendall, x, y, level: level, pMethod: "exact") { return bad }
        let s = kendallStatistics(x, y)
        let p: Double, how: String
        if s.xtie == 0 && s.ytie == 0 && (n <= 33 || min(s.dis, s.tot - s.dis) <= 1) {
            p = kendallExactP(n: n, c: s.tot - s.dis)
            how = "exact"
        } else {
            let m = Double(n) * Double(n - 1)
            let nn = Double(n)
            let variance = (m * (2 * nn + 5) - s.x1 - s.y1) / 18
                + (2 * Double(s.xtie) * Double(s.ytie)) / m
                + s.x0 * s.y0 / (9 * m * (nn - 2))
            let z = Double(s.conMinusDis) / variance.squareRoot()
            p = min(1, 2 * Special.normalSF(abs(z)))
            how = "asymptotic"
        }
        return CorrelationResult(method: .kendall, r: s.tau, p: p, n: n,
                                 ci: kendallInterval(s.tau, n: n, level: level), pMethod: how, warning: nil)
    }

    struct KendallStatistics {
        var tau: Double
        var tot: Int, dis: Int, xtie: Int, ytie: Int, conMinusDis: Int
        var x0: Double, x1: Double, y0: Double, y1: Double
    }

    /// Counts as `scipy.stats.kendalltau`: dense ranks, discordant pairs by
    /// merge sort (O(n log n)), joint and marginal ties.
    static func kendallStatistics(_ xs: [Double], _ ys: [Double]) -> KendallStatistics {
        let n = xs.count
        // x's order comes with its ranks; ordering by (x, y) then only sorts each run of tied x by y
        let (dx, dy) = bothRanks(xs, ys) { [denseRanksAndOrder($0)] }
        let (rx, orderX) = dx[0], ry = dy[0].ranks
        // Discordant pairs are then the strict inversions of y.
        let x = orderX.map { rx[$0] }
        var ySorted = orderX.map { ry[$0] }
        var start = 0
        while start < n {
            var end = start + 1
            while end < n && x[end] == x[start] { end += 1 }
            if end - start > 1 { ySorted[start..<end].sort() }
            start = end
        }
        var y = ySorted
        let dis = countInversions(&y)
        var ntie = 0, run = 1
        for i in 1..<max(n, 1) {
            if x[i] == x[i - 1] && ySorted[i] == ySorted[i - 1] { run += 1 } else { ntie += run * (run - 1) / 2; run = 1 }
        }
        ntie += run * (run - 1) / 2
        let (xtie, x0, x1) = tieCounts(rx)
        let (ytie, y0, y1) = tieCounts(ry)
        let tot = n * (n - 1) / 2
        let conMinusDis = tot - xtie - ytie + ntie - 2 * dis
        var tau = Double(conMinusDis) / Double(tot - xtie).squareRoot() / Double(tot - ytie).squareRoot()
        tau = min(1, max(-1, tau))
        return KendallStatistics(tau: tau, tot: tot, dis: dis, xtie: xtie, ytie: ytie, conMinusDis: conMinusDis,
                                 x0: x0, x1: x1, y0: y0, y1: y1)
    }

    /// 0-based dense ranks (equal values share a rank).
    static func denseRanks(_ x: [Double]) -> [Int] { denseRanksAndOrder(x).ranks }

    /// Dense ranks and the ascending order they come from.
    static func denseRanksAndOrder(_ x: [Double]) -> (ranks: [Int], order: [Int]) {
        let (order, keys) = sortedOrder(x)
        var ranks = [Int](repeating: 0, count: x.count)
        var rank = 0
        for (k, i) in order.enumerated() {
            if k > 0 && keys[k] != keys[k - 1] { rank += 1 }
            ranks[i] = rank
        }
        return (ranks, order)
    }

    /// SciPy's count_rank_tie: Σ t(t−1)/2, Σ t(t−1)(t−2), Σ t(t−1)(2t+5).
    static func tieCounts(_ ranks: [Int]) -> (Int, Double, Double) {
        var counts = [Int](repeating: 0, count: (ranks.max() ?? 0) + 1)
        for r in ranks { counts[r] += 1 }
        var pairs = 0, a = 0.0, b = 0.0
        for c in counts where c > 1 {
            let t = Double(c)
            pairs += c * (c - 1) / 2
            a += t * (t - 1) * (t - 2)
            b += t * (t - 1) * (2 * t + 5)
        }
        return (pairs, a, b)
    }

    /// Sorts `a` and returns the number of pairs i < j with a[i] > a[j].
    static func countInversions(_ a: inout [Int]) -> Int {
        // long inputs: the two halves on two cores, then one merge that counts across them
        if a.count >= 1 << 16 {
            let mid = a.count / 2
            var halves = [Array(a[..<mid]), Array(a[mid...])]
            var counts = [0, 0]
            halves.withUnsafeMutableBufferPointer { hp in counts.withUnsafeMutableBufferPointer { cp in
                let h = hp, c = cp
                DispatchQueue.concurrentPerform(iterations: 2) { k in c[k] = countInversionsSerial(&h[k]) }
            }}
            var count = counts[0] + counts[1]
            let left = halves[0], right = halves[1]
            var i = 0, j = 0, k = 0
            while i < left.count && j < right.count {
                if left[i] <= right[j] { a[k] = left[i]; i += 1 } else { a[k] = right[j]; j += 1; count += left.count - i }
                k += 1
            }
            while i < left.count { a[k] = left[i]; i += 1; k += 1 }
            while j < right.count { a[k] = right[j]; j += 1; k += 1 }
            return count
        }
        return countInversionsSerial(&a)
    }

    static func countInversionsSerial(_ a: inout [Int]) -> Int {
        let n = a.count
        var buffer = [Int](repeating: 0, count: n)
        var count = 0
        var width = 1
        var inBuffer = false   // which array holds the current runs (swapped, not copied back)
        while width < n {
            a.withUnsafeMutableBufferPointer { ap in buffer.withUnsafeMutableBufferPointer { bp in
                let src = inBuffer ? bp : ap, dst = inBuffer ? ap : bp
                var lo = 0
                while lo < n {
                    let mid = min(lo + width, n), hi = min(lo + 2 * width, n)
                    var i = lo, j = mid, k = lo
                    while i < mid && j < hi {
                        if src[i] <= src[j] { dst[k] = src[i]; i += 1 } else { dst[k] = src[j]; j += 1; count += mid - i }
                        k += 1
                    }
                    while i < mid { dst[k] = src[i]; i += 1; k += 1 }
                    while j < hi { dst[k] = src[j]; j += 1; k += 1 }
                    lo += 2 * width
                }
            }}
            inBuffer.toggle()
            width *= 2
        }
        if inBuffer { swap(&a, &buffer) }
        return count
    }

    /// Two-sided exact p-value of c concordant pairs among n untied items
    /// (SciPy's `_kendall_p_exact`: Kendall, Rank Correlation Methods, p. 68).
    public static func kendallExactP(n: Int, c cIn: Int) -> Double {
        let total = n * (n - 1) / 2
        let c = min(cIn, total - cIn)
        if n <= 2 { return 1 }
        if c == 0 { return n < 171 ? 2 / factorial(n) : 0 }
        if c == 1 { return n < 172 ? 2 / factorial(n - 1) : 0 }
        if 4 * c == n * (n - 1) { return 1 }
        var new = [Double](repeating: 0, count: c + 1)
        new[0] = 1; new[1] = 1
        let scaled = n >= 171
        for j in 3...n {
            var sum = 0.0
            for i in 0...c { sum += new[i]; new[i] = scaled ? sum / Double(j) : sum }
            if j <= c {
                // new[j:] -= new[:c+1-j], reading the values before this update.
                let previous = new
                for i in j...c { new[i] -= previous[i - j] }
            }
        }
        let prob = scaled ? new.reduce(0, +) : 2 * new.reduce(0, +) / factorial(n)
        return min(1, max(0, prob))
    }

    static func factorial(_ n: Int) -> Double {
        var f = 1.0
        if n > 1 { for k in 2...n { f *= Double(k) } }
        return f
    }

    // MARK: Intervals

    /// tanh(atanh(r) ± z·se) with se = 1/√(n − 3) (Fisher).
    public static func fisherInterval(_ r: Double, n: Int, level: Double = 0.95) -> ConfidenceInterval {
        zInterval(r, se: (1 / Double(n - 3)).squareRoot(), level: level)
    }

    /// Kendall's τ: Fisher z with Fieller, Hartley & Pearson's (1957)
    /// variance 0.437 / (n − 4).
    public static func kendallInterval(_ tau: Double, n: Int, level: Double = 0.95) -> ConfidenceInterval {
        zInterval(tau, se: (0.437 / Double(n - 4)).squareRoot(), level: level)
    }

    private static func zInterval(_ r: Double, se: Double, level: Double) -> ConfidenceInterval {
        let z = atanh(r), h = Special.normalQuantile(0.5 + level / 2)
        return ConfidenceInterval(lower: tanh(z - h * se), upper: tanh(z + h * se), level: level)
    }

    // MARK: Checks

    static func check(_ x: [Double], _ y: [Double], _ name: String) throws {
        guard x.count == y.count else {
            throw StatsError("\(name)(): x and y must have the same length, got \(x.count) and \(y.count)")
        }
        guard x.count >= 2 else {
            throw StatsError("\(name)(): needs at least 2 pairs, got \(x.count)")
        }
    }

    static func hasNaN(_ x: [Double], _ y: [Double]) -> Bool {
        x.contains { $0.isNaN } || y.contains { $0.isNaN }
    }

    static func isConstant(_ x: [Double]) -> Bool {
        guard let first = x.first else { return true }
        return x.allSatisfy { $0 == first }
    }

    /// SciPy's "nearly constant" test: ‖x − x̄‖ < 1e-13·|x̄| after scaling.
    static func nearlyConstant(_ x: [Double]) -> Bool {
        let m = Descriptive.mean(x)
        let d = x.map { $0 - m }
        let dmax = d.reduce(0) { max($0, abs($1)) }
        let norm = (d.reduce(0) { $0 + ($1 / dmax) * ($1 / dmax) }).squareRoot()
        return norm < 1e-13 * abs(m / dmax)
    }

    /// NaN result (with its warning) for NaN or constant input, else nil.
    private static func degenerate(_ method: CorrelationMethod, _ x: [Double], _ y: [Double],
                                   level: Double, pMethod: String) -> CorrelationResult? {
        let warning: String
        if hasNaN(x, y) { warning = nanWarning }
        else if isConstant(x) || isConstant(y) { warning = constantWarning }
        else { return nil }
        return CorrelationResult(method: method, r: .nan, p: .nan, n: x.count, ci: .undefined(level),
                                 pMethod: pMethod, warning: warning)
    }

    // MARK: Matrices

    /// The correlation matrix of the columns (each inner array one variable).
    /// Constant columns give NaN rows and columns.
    public static func matrix(_ columns: [[Double]], method: CorrelationMethod = .pearson) throws -> [[Double]] {
        let k = columns.count
        guard k > 0 else { throw StatsError("corr(): needs at least one column") }
        let n = columns[0].count
        guard columns.allSatisfy({ $0.count == n }) else { throw StatsError("corr(): columns have different lengths") }
        guard n >= 2 else { throw StatsError("corr(): needs at least 2 rows, got \(n)") }
        // Rank once for Spearman.
        let prepared = method == .spearman ? columns.map(rankAverage) : columns
        let inner: CorrelationMethod = method == .spearman ? .pearson : method
        var out = [[Double]](repeating: [Double](repeating: .nan, count: k), count: k)
        for i in 0..<k {
            let bad = isConstant(prepared[i]) || prepared[i].contains { $0.isNaN }
            out[i][i] = bad ? .nan : 1
            for j in (i + 1)..<max(k, i + 1) {
                let r = try coefficient(inner, prepared[i], prepared[j])
                out[i][j] = r; out[j][i] = r
            }
        }
        return out
    }
}
