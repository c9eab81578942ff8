/// A small, fast, seedable generator: xoshiro256** seeded through splitmix64.
public struct Xoshiro256: Sendable {
    private var s: (UInt64, UInt64, UInt64, UInt64)

    public init(seed: UInt64) {
        var z = seed
        func splitmix() -> UInt64 {
            z &+= 0x9E37_79B9_7F4A_7C15
            var x = z
            x = (x ^ (x >> 30)) &* 0xBF58_476D_1CE4_E5B9
            x = (x ^ (x >> 27)) &* 0x94D0_49BB_1331_11EB
            return x ^ (x >> 31)
        }
        s = (splitmix(), splitmix(), splitmix(), splitmix())
    }

    @inline(__always) private static func rotl(_ x: UInt64, _ k: UInt64) -> UInt64 { (x << k) | (x >> (64 - k)) }

    public mutating func next() -> UInt64 {
        let result = Self.rotl(s.1 &* 5, 7) &* 9
        let t = s.1 << 17
        s.2 ^= s.0; s.3 ^= s.1; s.1 ^= s.2; s.0 ^= s.3
        s.2 ^= t
        s.3 = Self.rotl(s.3, 45)
        return result
    }

    /// A uniform integer in 0..<bound, without modulo bias (Lemire's method).
    public mutating func next(below bound: Int) -> Int {
        precondition(bound > 0)
        let b = UInt64(bound)
        var m = next().multipliedFullWidth(by: b)
        if m.low < b {
            let threshold = (0 &- b) % b
            while m.low < threshold { m = next().multipliedFullWidth(by: b) }
        }
        return Int(m.high)
    }
}

/// Which bootstrap interval.
public enum BootstrapMethod: String, Sendable {
    case percentile
    /// Bias-corrected and accelerated (Efron 1987), as `scipy.stats.bootstrap`'s default.
    case bca

    public init(name: String) throws {
        switch name.lowercased() {
        case "percentile": self = .percentile
        case "bca": self = .bca
        default: throw StatsError("unknown bootstrap method '\(name)' (valid: bca, percentile)")
        }
    }
}

/// A paired bootstrap of a two-sample statistic.
public struct BootstrapResult: Sendable {
    /// The statistic on the original data.
    public let estimate: Double
    public let ci: ConfidenceInterval
    /// Standard deviation (ddof 1) of the bootstrap distribution.
    public let se: Double
    public let method: BootstrapMethod
    public let resamples: Int
    public let n: Int
    /// The statistic on each resample, in order.
    public let distribution: [Double]
    public let warning: String?
}

public enum Bootstrap {
    /// Resamples the pairs (xᵢ, yᵢ) with replacement `resamples` times and
    /// returns the estimate, its standard error and a confidence interval,
    /// computed as `scipy.stats.bootstrap(..., paired=True)` does (percentile:
    /// NumPy's linear percentiles; BCa: jackknife acceleration). Same seed,
    /// same result.
    public static func paired(_ x: [Double], _ y: [Double], resamples: Int = 10_000, seed: UInt64 = 0,
                              level: Double = 0.95, method: BootstrapMethod = .bca,
                              statistic: ([Double], [Double]) throws -> Double) throws -> BootstrapResult {
        guard x.count == y.count else {
            throw StatsError("bootstrap(): x and y must have the same length, got \(x.count) and \(y.count)")
        }
        let n = x.count
        guard n >= 2 else { throw StatsError("bootstrap(): needs at least 2 pairs, got \(n)") }
        guard resamples >= 2 else { throw StatsError("bootstrap(): needs at least 2 resamples, got \(resamples)") }
        guard level > 0 && level < 1 else { throw StatsError("bootstrap(): level must be between 0 and 1, got \(level)") }
        let estimate = try statistic(x, y)
        var rng = Xoshiro256(seed: seed)
        var theta = [Double](repeating: 0, count: resamples)
        var bx = [Double](repeating: 0, count: n), by = bx
        for b in 0..<resamples {
            for i in 0..<n {
                let j = rng.next(below: n)
                bx[i] = x[j]; by[i] = y[j]
            }
            theta[b] = try statistic(bx, by)
        }
        let se = Descriptive.std(theta, ddof: 1)
        let alpha = (1 - level) / 2
        var warning: String?
        var ci = ConfidenceInterval(lower: .nan, upper: .nan, level: level)
        if theta.contains(where: { $0.isNaN }) || estimate.isNaN {
            warning = "the statistic is NaN for some resamples (e.g. a constant resample); the interval is undefined"
        } else {
            var lo = alpha, hi = 1 - alpha
            if method == .bca {
                let (a1, a2) = try bcaLevels(x, y, estimate: estimate, theta: theta, alpha: alpha, statistic: statistic)
                lo = a1; hi = a2
                if lo.isNaN || hi.isNaN {
                    warning = "the BCa interval is undefined (the bootstrap distribution may be degenerate)"
                }
            }
            if warning == nil {
                let sorted = theta.sorted()
                ci = ConfidenceInterval(lower: percentile(sorted, lo), upper: percentile(sorted, hi), level: level)
            }
        }
        return BootstrapResult(estimate: estimate, ci: ci, se: se, method: method, resamples: resamples,
                               n: n, distribution: theta, warning: warning)
    }

    /// The adjusted percentile levels α₁, α₂ of the BCa interval
    /// (SciPy's `_bca_interval` for one paired sample).
    static func bcaLevels(_ x: [Double], _ y: [Double], estimate: Double, theta: [Double], alpha: Double,
                          statistic: ([Double], [Double]) throws -> Double) throws -> (Double, Double) {
        // Bias correction: the fraction of resamples below the estimate (ties count half).
        var below = 0, belowOrEqual = 0
        for t in theta {
            if t < estimate { below += 1 }
            if t <= estimate { belowOrEqual += 1 }
        }
        let z0 = Special.normalQuantile(Double(below + belowOrEqual) / Double(2 * theta.count))
        // Acceleration from the jackknife.
        let n = x.count
        var jack = [Double](repeating: 0, count: n)
        var jx = [Double](), jy = [Double]()
        jx.reserveCapacity(n - 1); jy.reserveCapacity(n - 1)
        for i in 0..<n {
            jx.removeAll(keepingCapacity: true); jy.removeAll(keepingCapacity: true)
            for j in 0..<n where j != i { jx.append(x[j]); jy.append(y[j]) }
            jack[i] = try statistic(jx, jy)
        }
        let jackMean = jack.reduce(0, +) / Double(n)
        var num = 0.0, den = 0.0
        for t in jack {
            let u = Double(n - 1) * (jackMean - t)
            num += u * u * u
            den += u * u
        }
        let nn = Double(n)
        let a = (num / (nn * nn * nn)) / 6 / pow(den / (nn * nn), 1.5)
        let zAlpha = Special.normalQuantile(alpha)
        let num1 = z0 + zAlpha, num2 = z0 - zAlpha
        let a1 = Special.normalCDF(z0 + num1 / (1 - a * num1))
        let a2 = Special.normalCDF(z0 + num2 / (1 - a * num2))
        return (a1, a2)
    }

    /// NumPy's default ('linear') percentile of sorted data, q in [0, 1].
    public static func percentile(_ sorted: [Double], _ q: Double) -> Double {
        guard !sorted.isEmpty, !q.isNaN else { return .nan }
        let index = q * Double(sorted.count - 1)
        let lo = Int(index.rounded(.down))
        let hi = min(lo + 1, sorted.count - 1)
        let t = index - Double(lo)
        let a = sorted[lo], b = sorted[hi]
        // NumPy's _lerp: symmetric in which end it starts from.
        return t >= 0.5 ? b - (b - a) * (1 - t) : a + (b - a) * t
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
