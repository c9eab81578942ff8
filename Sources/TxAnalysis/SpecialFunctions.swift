#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Special functions in Float64 for the statistics: log-gamma, the
/// regularized incomplete beta function, the normal CDF and quantile and
/// Student's t distribution. Accurate to roughly 1e-14 relative over the
/// ranges the tests exercise (the p-values of correlation tests).
public enum Special {
    /// log|Γ(x)| (the C library's `lgamma`).
    public static func logGamma(_ x: Double) -> Double {
        #if canImport(Glibc)
        return Glibc.lgamma(x)
        #else
        return Darwin.lgamma(x)
        #endif
    }

    /// log B(a, b) = log Γ(a) + log Γ(b) − log Γ(a + b).
    public static func logBeta(_ a: Double, _ b: Double) -> Double {
        logGamma(a) + logGamma(b) - logGamma(a + b)
    }

    /// The regularized incomplete beta function I_x(a, b).
    public static func incompleteBeta(_ a: Double, _ b: Double, _ x: Double) -> Double {
        incompleteBeta(a, b, x: x, y: 1 - x)
    }

    /// Its complement 1 − I_x(a, b), computed without cancellation.
    public static func incompleteBetaComplement(_ a: Double, _ b: Double, _ x: Double) -> Double {
        incompleteBeta(b, a, x: 1 - x, y: x)
    }

    /// I_x(a, b) where the caller supplies both x and y = 1 − x (so that a
    /// y close to 0 keeps its full relative precision).
    public static func incompleteBeta(_ a: Double, _ b: Double, x: Double, y: Double) -> Double {
        guard a > 0, b > 0, !x.isNaN, !y.isNaN else { return .nan }
        if x <= 0 { return 0 }
        if y <= 0 { return 1 }
        // Continued fraction converges fast for x < (a + 1) / (a + b + 2);
        // otherwise use the symmetry I_x(a, b) = 1 − I_y(b, a).
        if x * (a + b + 2) < a + 1 {
            return front(a, b, x, y) * betaContinuedFraction(a, b, x, y) / a
        }
        return 1 - front(b, a, y, x) * betaContinuedFraction(b, a, y, x) / b
    }

    /// x^a y^b / B(a, b).
    private static func front(_ a: Double, _ b: Double, _ x: Double, _ y: Double) -> Double {
        // log(y) from log1p(−x) when y is close to 1 keeps precision either way.
        let logY = y > 0.5 ? log1p(-x) : log(y)
        let logX = x > 0.5 ? log1p(-y) : log(x)
        return exp(a * logX + b * logY - logBeta(a, b))
    }

    /// The continued fraction for I_x(a, b) (modified Lentz's method, as in
    /// Numerical Recipes §6.4 / Cephes' incbcf).
    private static func betaContinuedFraction(_ a: Double, _ b: Double, _ x: Double, _ y: Double) -> Double {
        let tiny = 1e-300, eps = 1e-16
        let qab = a + b, qap = a + 1, qam = a - 1
        var c = 1.0
        var d = 1 - qab * x / qap
        if abs(d) < tiny { d = tiny }
        d = 1 / d
        var h = d
        let maxIterations = 10_000 + Int(10 * (max(a, b).squareRoot()))
        for m in 1...maxIterations {
            let m = Double(m), m2 = 2 * m
            var aa = m * (b - m) * x / ((qam + m2) * (a + m2))
            d = 1 + aa * d
            if abs(d) < tiny { d = tiny }
            c = 1 + aa / c
            if abs(c) < tiny { c = tiny }
            d = 1 / d
            h *= d * c
            aa = -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2))
            d = 1 + aa * d
            if abs(d) < tiny { d = tiny }
            c = 1 + aa / c
            if abs(c) < tiny { c = tiny }
            d = 1 / d
            let delta = d * c
            h *= delta
            if abs(delta - 1) < eps { break }
        }
        return h
    }

    /// The standard normal CDF Φ(x).
    public static func normalCDF(_ x: Double) -> Double {
        0.5 * erfc(-x / 2.0.squareRoot())
    }

    /// The standard normal survival function 1 − Φ(x), without cancellation.
    public static func normalSF(_ x: Double) -> Double {
        0.5 * erfc(x / 2.0.squareRoot())
    }

    /// The standard normal quantile Φ⁻¹(p) (Wichura's AS 241, PPND16,
    /// about 1e-16 relative).
    public static func normalQuantile(_ p: Double) -> Double {
        if p.isNaN || p < 0 || p > 1 { return .nan }
        if p == 0 { return -.infinity }
        if p == 1 { return .infinity }
        let q = p - 0.5
        if abs(q) <= 0.425 {
            let r = 0.180625 - q * q
            return q * (((((((2509.0809287301226727 * r + 33430.575583588128105) * r + 67265.770927008700853) * r
                + 45921.953931549871457) * r + 13731.693765509461125) * r + 1971.5909503065514427) * r
                + 133.14166789178437745) * r + 3.387132872796366608)
                / (((((((5226.495278852545925 * r + 28729.085735721942674) * r + 39307.89580009271061) * r
                + 21213.794301586595867) * r + 5394.1960214247511077) * r + 687.1870074920579083) * r
                + 42.313330701600911252) * r + 1)
        }
        var r = q < 0 ? p : 1 - p
        r = (-log(r)).squareRoot()
        var value: Double
        if r <= 5 {
            r -= 1.6
            value = (((((((7.7454501427834140764e-4 * r + 0.0227238449892691845833) * r + 0.24178072517745061177) * r
                + 1.27045825245236838258) * r + 3.64784832476320460504) * r + 5.7694972214606914055) * r
                + 4.6303378461565452959) * r + 1.42343711074968357734)
                / (((((((1.05075007164441684324e-9 * r + 5.475938084995344946e-4) * r + 0.0151986665636164571966) * r
                + 0.14810397642748007459) * r + 0.68976733498510000455) * r + 1.6763848301838038494) * r
                + 2.05319162663775882187) * r + 1)
        } else {
            r -= 5
            value = (((((((2.01033439929228813265e-7 * r + 2.71155556874348757815e-5) * r + 0.0012426609473880784386) * r
                + 0.026532189526576123093) * r + 0.29656057182850489123) * r + 1.7848265399172913358) * r
                + 5.4637849111641143699) * r + 6.6579046435011037772)
                / (((((((2.04426310338993978564e-15 * r + 1.4215117583164458887e-7) * r + 1.8463183175100546818e-5) * r
                + 7.868691311456132591e-4) * r + 0.0148753612908506148525) * r + 0.13692988092273580531) * r
                + 0.59983220655588793769) * r + 1)
        }
        return q < 0 ? -value : value
    }

    /// Student's t survival function P(T > t) with `df` degrees of freedom.
    public static func studentTSF(_ t: Double, df: Double) -> Double {
        if t.isNaN || df.isNaN || df <= 0 { return .nan }
        if t.isInfinite { return t > 0 ? 0 : 1 }
        let t2 = t * t
        // x = df / (df + t²) and y = t² / (df + t²), each computed directly.
        let x = df / (df + t2), y = t2 / (df + t2)
        let tail = 0.5 * incompleteBeta(df / 2, 0.5, x: x, y: y)  // P(|T| > |t|) / 2
        return t > 0 ? tail : 1 - tail
    }

    /// Student's t CDF P(T ≤ t).
    public static func studentTCDF(_ t: Double, df: Double) -> Double {
        studentTSF(-t, df: df)
    }
}
