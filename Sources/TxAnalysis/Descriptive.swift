/// Means, standard deviations and linear least squares in Float64, written
/// for accuracy (checked against the NIST StRD certified values).
public enum Descriptive {
    /// Compensated (Neumaier) sum.
    public static func sum(_ x: [Double]) -> Double {
        var s = 0.0, c = 0.0
        for v in x {
            let t = s + v
            if abs(s) >= abs(v) { c += (s - t) + v } else { c += (v - t) + s }
            s = t
        }
        return s + c
    }

    /// The mean: a compensated sum, then one correction pass Σ(x − m)/n.
    public static func mean(_ x: [Double]) -> Double {
        guard !x.isEmpty else { return .nan }
        let n = Double(x.count)
        let m = sum(x) / n
        guard m.isFinite else { return m }
        return m + sum(x.map { $0 - m }) / n
    }

    /// Variance with `ddof` degrees of freedom removed (1: the sample
    /// variance), by the corrected two-pass algorithm
    /// (Σd² − (Σd)²/n) / (n − ddof), d = x − mean.
    public static func variance(_ x: [Double], ddof: Int = 1) -> Double {
        guard x.count > ddof else { return .nan }
        let m = mean(x)
        let d = x.map { $0 - m }
        let s1 = sum(d), s2 = sum(d.map { $0 * $0 })
        let v = (s2 - s1 * s1 / Double(x.count)) / Double(x.count - ddof)
        return v.isNaN ? .nan : max(0, v)
    }

    /// Standard deviation (sample, ddof = 1, unless given).
    public static func std(_ x: [Double], ddof: Int = 1) -> Double {
        variance(x, ddof: ddof).squareRoot()
    }

    /// Lag-1 autocorrelation as NIST defines it: Σ(xᵢ − m)(xᵢ₊₁ − m) / Σ(xᵢ − m)².
    public static func lag1Autocorrelation(_ x: [Double]) -> Double {
        let m = mean(x)
        let d = x.map { $0 - m }
        let num = sum((1..<max(d.count, 1)).map { d[$0 - 1] * d[$0] })
        return num / sum(d.map { $0 * $0 })
    }
}

/// An ordinary least-squares fit y ≈ X·β.
public struct LinearFit: Sendable {
    /// The coefficients β, intercept first when it was fitted.
    public let coefficients: [Double]
    /// Standard errors of the coefficients.
    public let standardErrors: [Double]
    /// Residual standard deviation √(RSS / (n − p)).
    public let residualSD: Double
    /// R²: centred when the model has an intercept, uncentred otherwise (as NIST).
    public let rSquared: Double
}

extension Descriptive {
    /// Least squares by Householder QR carried out in double-double
    /// arithmetic (about 32 significant digits), with columns scaled to unit
    /// norm, so that even the ill-conditioned NIST polynomial problems
    /// (Filip, Wampler 1–5) come out correct to double precision.
    /// - Parameters:
    ///   - rows: the predictors, one array per observation.
    ///   - y: the responses.
    ///   - intercept: prepend a column of ones.
    public static func leastSquares(_ rows: [[Double]], _ y: [Double], intercept: Bool = true) throws -> LinearFit {
        let n = rows.count
        guard n == y.count else { throw StatsError("least squares: \(n) rows but \(y.count) responses") }
        let k = rows.first?.count ?? 0
        guard rows.allSatisfy({ $0.count == k }) else { throw StatsError("least squares: rows have different lengths") }
        let p = k + (intercept ? 1 : 0)
        guard p > 0, n > p else { throw StatsError("least squares: needs more observations (\(n)) than coefficients (\(p))") }
        guard y.allSatisfy(\.isFinite), rows.allSatisfy({ $0.allSatisfy(\.isFinite) }) else {
            throw StatsError("least squares: the data contain NaN or infinite values")
        }
        // Column-major design matrix.
        var a = [[DoubleDouble]](repeating: [DoubleDouble](repeating: .zero, count: n), count: p)
        for i in 0..<n {
            if intercept { a[0][i] = DoubleDouble(1) }
            for j in 0..<k { a[j + (intercept ? 1 : 0)][i] = DoubleDouble(rows[i][j]) }
        }
        return try solveLeastSquares(a, y, intercept: intercept)
    }

    /// Fits y ≈ β₀ + β₁x + … + β_d x^d; the powers are formed in
    /// double-double, so they carry no rounding error into the fit.
    public static func polynomialFit(_ x: [Double], _ y: [Double], degree: Int) throws -> LinearFit {
        guard x.count == y.count else { throw StatsError("polynomial fit: \(x.count) x values but \(y.count) y values") }
        guard degree >= 1 else { throw StatsError("polynomial fit: degree must be at least 1, got \(degree)") }
        guard x.count > degree + 1 else { throw StatsError("polynomial fit: needs more points (\(x.count)) than coefficients (\(degree + 1))") }
        guard x.allSatisfy(\.isFinite), y.allSatisfy(\.isFinite) else {
            throw StatsError("polynomial fit: the data contain NaN or infinite values")
        }
        var a = [[DoubleDouble]](repeating: [DoubleDouble](repeating: DoubleDouble(1), count: x.count), count: degree + 1)
        for j in 1...degree { for i in x.indices { a[j][i] = a[j - 1][i] * DoubleDouble(x[i]) } }
        return try solveLeastSquares(a, y, intercept: true)
    }

    /// The fit for a column-major design matrix.
    static func solveLeastSquares(_ columns: [[DoubleDouble]], _ y: [Double], intercept: Bool) throws -> LinearFit {
        var a = columns
        let p = a.count, n = y.count
        let design = a
        var scale = [DoubleDouble](repeating: .zero, count: p)
        for j in 0..<p {
            var s = DoubleDouble.zero
            for v in a[j] { s = s + v * v }
            guard s.hi > 0 && s.hi.isFinite else { throw StatsError("least squares: predictor column \(j + 1) is all zero") }
            scale[j] = s.squareRoot()
            for i in 0..<n { a[j][i] = a[j][i] / scale[j] }
        }
        let qr = try HouseholderQR(a, n: n)
        let yy = y.map { DoubleDouble($0) }
        let scaled = qr.solve(yy)
        let beta = (0..<p).map { scaled[$0] / scale[$0] }
        var rss = DoubleDouble.zero
        for i in 0..<n {
            var r = yy[i]
            for j in 0..<p { r = r - design[j][i] * beta[j] }
            rss = rss + r * r
        }
        let s2 = rss / DoubleDouble(Double(n - p))
        // Var(β) = s² (RᵀR)⁻¹: the squared row norms of R⁻¹ (then unscaled).
        let rinv = qr.inverseR()
        var se = [Double](repeating: 0, count: p)
        for i in 0..<p {
            var s = DoubleDouble.zero
            for j in i..<p { s = s + rinv[i][j] * rinv[i][j] }
            se[i] = ((s2 * s).squareRoot() / scale[i]).hi
        }
        var tss = DoubleDouble.zero
        if intercept {
            var sum = DoubleDouble.zero
            for v in yy { sum = sum + v }
            let m = sum / DoubleDouble(Double(n))
            for v in yy { tss = tss + (v - m) * (v - m) }
        } else {
            for v in yy { tss = tss + v * v }
        }
        return LinearFit(coefficients: beta.map(\.hi), standardErrors: se,
                         residualSD: s2.squareRoot().hi, rSquared: (DoubleDouble(1) - rss / tss).hi)
    }
}

/// A thin Householder QR of an n×p matrix given column-major, in double-double.
struct HouseholderQR {
    var v: [[DoubleDouble]]      // Householder vectors (column j holds rows j..<n)
    var r: [[DoubleDouble]]      // p×p upper triangle, r[i][j] for j ≥ i
    var beta: [DoubleDouble]
    let n: Int, p: Int

    init(_ columns: [[DoubleDouble]], n: Int) throws {
        var a = columns
        let p = columns.count
        self.n = n; self.p = p
        v = []; beta = []
        r = [[DoubleDouble]](repeating: [DoubleDouble](repeating: .zero, count: p), count: p)
        for j in 0..<p {
            var ss = DoubleDouble.zero
            for i in j..<n { ss = ss + a[j][i] * a[j][i] }
            let norm = ss.squareRoot()
            guard norm.hi > 1e-30 else { throw StatsError("least squares: the predictors are linearly dependent") }
            let alpha = a[j][j].hi > 0 ? -norm : norm
            var vj = [DoubleDouble](repeating: .zero, count: n)
            for i in j..<n { vj[i] = a[j][i] }
            vj[j] = vj[j] - alpha
            var vv = DoubleDouble.zero
            for i in j..<n { vv = vv + vj[i] * vj[i] }
            let b = vv.hi > 0 ? DoubleDouble(2) / vv : .zero
            for c in j..<p {
                var dot = DoubleDouble.zero
                for i in j..<n { dot = dot + vj[i] * a[c][i] }
                let f = b * dot
                for i in j..<n { a[c][i] = a[c][i] - f * vj[i] }
            }
            for c in j..<p { r[j][c] = a[c][j] }
            v.append(vj); beta.append(b)
        }
    }

    /// Applies Qᵀ to y and back-substitutes R β = (Qᵀy)[0..<p].
    func solve(_ y: [DoubleDouble]) -> [DoubleDouble] {
        var q = y
        for j in 0..<p {
            var dot = DoubleDouble.zero
            for i in j..<n { dot = dot + v[j][i] * q[i] }
            let f = beta[j] * dot
            for i in j..<n { q[i] = q[i] - f * v[j][i] }
        }
        var x = [DoubleDouble](repeating: .zero, count: p)
        for i in stride(from: p - 1, through: 0, by: -1) {
            var s = q[i]
            for j in (i + 1)..<max(p, i + 1) { s = s - r[i][j] * x[j] }
            x[i] = s / r[i][i]
        }
        return x
    }

    /// R⁻¹ (upper triangular).
    func inverseR() -> [[DoubleDouble]] {
        var inv = [[DoubleDouble]](repeating: [DoubleDouble](repeating: .zero, count: p), count: p)
        for col in 0..<p {
            for i in stride(from: col, through: 0, by: -1) {
                var s = i == col ? DoubleDouble(1) : .zero
                for j in (i + 1)..<(col + 1) where j > i { s = s - r[i][j] * inv[j][col] }
                inv[i][col] = s / r[i][i]
            }
        }
        return inv
    }
}

/// An unevaluated sum hi + lo of two Doubles (|lo| ≤ ulp(hi)/2): about 32
/// significant digits (Dekker; Hida, Li & Bailey's QD library).
struct DoubleDouble {
    var hi: Double, lo: Double
    static let zero = DoubleDouble(0)
    init(_ x: Double) { hi = x; lo = 0 }
    init(hi: Double, lo: Double) { self.hi = hi; self.lo = lo }

    @inline(__always) static func twoSum(_ a: Double, _ b: Double) -> (Double, Double) {
        let s = a + b, bb = s - a
        return (s, (a - (s - bb)) + (b - bb))
    }
    @inline(__always) static func quickTwoSum(_ a: Double, _ b: Double) -> DoubleDouble {
        let s = a + b
        return DoubleDouble(hi: s, lo: b - (s - a))
    }
    @inline(__always) static func twoProduct(_ a: Double, _ b: Double) -> (Double, Double) {
        let p = a * b
        return (p, (-p).addingProduct(a, b))
    }

    static func + (x: DoubleDouble, y: DoubleDouble) -> DoubleDouble {
        var (s, e) = twoSum(x.hi, y.hi)
        let (t, f) = twoSum(x.lo, y.lo)
        e += t
        let u = quickTwoSum(s, e)
        s = u.hi; e = u.lo + f
        return quickTwoSum(s, e)
    }
    static prefix func - (x: DoubleDouble) -> DoubleDouble { DoubleDouble(hi: -x.hi, lo: -x.lo) }
    static func - (x: DoubleDouble, y: DoubleDouble) -> DoubleDouble { x + (-y) }
    static func * (x: DoubleDouble, y: DoubleDouble) -> DoubleDouble {
        var (p, e) = twoProduct(x.hi, y.hi)
        e += x.hi * y.lo + x.lo * y.hi
        return quickTwoSum(p, e)
    }
    static func / (x: DoubleDouble, y: DoubleDouble) -> DoubleDouble {
        let q1 = x.hi / y.hi
        var r = x - y * DoubleDouble(q1)
        let q2 = r.hi / y.hi
        r = r - y * DoubleDouble(q2)
        let q3 = r.hi / y.hi
        return quickTwoSum(q1, q2) + DoubleDouble(q3)
    }
    func squareRoot() -> DoubleDouble {
        guard hi > 0 else { return DoubleDouble(hi == 0 ? 0 : .nan) }
        let s = hi.squareRoot()
        let (p, e) = DoubleDouble.twoProduct(s, s)
        let r = (self - DoubleDouble(hi: p, lo: e)).hi
        return DoubleDouble.quickTwoSum(s, r / (2 * s))
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
