import Glibc

/// Axis scales and tick positions (Heckbert's "nice numbers").
enum Ticks {
    /// A nice number near x: 1, 2 or 5 × 10^k (rounded, or the next one up).
    static func niceNumber(_ x: Double, round: Bool) -> Double {
        guard x > 0, x.isFinite else { return 1 }
        let e = floor(log10(x))
        let f = x / pow(10, e)
        let n: Double
        if round { n = f < 1.5 ? 1 : f < 3 ? 2 : f < 7 ? 5 : 10 } else { n = f <= 1 ? 1 : f <= 2 ? 2 : f <= 5 ? 5 : 10 }
        return n * pow(10, e)
    }

    /// Tick values inside lo…hi (about `target` of them) and the step between them.
    static func ticks(_ lo: Double, _ hi: Double, target: Int = 6) -> (values: [Double], step: Double) {
        guard hi > lo, lo.isFinite, hi.isFinite else { return ([lo], 1) }
        let step = niceNumber((hi - lo) / Double(max(target - 1, 1)), round: true)
        var values: [Double] = []
        var v = ceil(lo / step - 1e-9) * step
        while v <= hi + step * 1e-9 && values.count < 100 {
            values.append(abs(v) < step * 1e-9 ? 0 : v)
            v += step
        }
        return (values, step)
    }

    /// Axis limits: the data's range padded by `pad` of it on each side.
    static func limits(_ lo: Double, _ hi: Double, pad: Double = 0.05) -> (Double, Double) {
        if isFlat(lo, hi) {
            let mid = lo / 2 + hi / 2
            let d = abs(mid) > 1e-290 ? abs(mid) * 0.1 : 0.5
            return (mid - d, mid + d)
        }
        let d = (hi - lo) * pad
        return (lo - d, hi + d)
    }

    /// Whether lo…hi is a single value for plotting: empty, or too narrow
    /// (next to the numbers' size, or near the smallest doubles) to divide
    /// into pixels without overflowing.
    static func isFlat(_ lo: Double, _ hi: Double) -> Bool {
        let span = hi - lo
        return !(span > max(abs(lo), abs(hi)) * 1e-12 && span > 1e-290)
    }

    /// Tick labels with as many decimals as the step needs; "−" as the minus sign.
    static func labels(_ values: [Double], step: Double) -> [String] {
        let big = values.map(abs).max() ?? 0
        if big >= 1e6 || (step < 1e-4 && big > 0) {
            return values.map { shortNumber($0) }
        }
        let decimals = max(0, Int(-floor(log10(step) + 1e-9)))
        return values.map { fixed($0, decimals) }
    }

    /// x with exactly `decimals` digits after the point (no Foundation).
    static func fixed(_ x: Double, _ decimals: Int) -> String {
        guard x.isFinite else { return x.isNaN ? "nan" : (x > 0 ? "inf" : "−inf") }
        let m = pow(10, Double(decimals))
        let n = (abs(x) * m).rounded()
        guard n < 9e15 else { return shortNumber(x) }
        var digits = String(Int(n))
        if decimals > 0 {
            while digits.count <= decimals { digits = "0" + digits }
            digits.insert(".", at: digits.index(digits.endIndex, offsetBy: -decimals))
        }
        return (x < 0 && n != 0 ? "−" : "") + digits
    }

    /// A compact number: 3 significant digits, exponent form when very large or small.
    static func shortNumber(_ x: Double) -> String {
        guard x.isFinite, x != 0 else { return x == 0 ? "0" : fixed(x, 0) }
        let e = Int(floor(log10(abs(x))))
        if e >= 6 || e <= -4 {
            var mant = x / pow(10, Double(e))
            var e2 = e
            if abs(mant) >= 9.995 { mant /= 10; e2 += 1 }
            var m = fixed(mant, 2)
            while m.hasSuffix("0") { m.removeLast() }
            if m.hasSuffix(".") { m.removeLast() }
            return "\(m)e\(e2 < 0 ? "−" : "")\(abs(e2))"
        }
        let decimals = max(0, 2 - e)
        var s = fixed(x, decimals)
        if s.contains(".") {
            while s.hasSuffix("0") { s.removeLast() }
            if s.hasSuffix(".") { s.removeLast() }
        }
        return s
    }

    static func logit(_ p: Double) -> Double { log(p / (1 - p)) }

    /// Percent ticks for a log-odds axis spanning lo…hi (in logit units):
    /// multiples of the finest of 0.01, 0.02, 0.05, …, 20 % that gives at most 7.
    static func logitTicks(_ lo: Double, _ hi: Double) -> [(value: Double, label: String)] {
        let steps: [Double] = [0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10, 20]
        var chosen: [Double] = []
        for step in steps {
            let first = max(1, Int(ceil(100 * (1 / (1 + exp(-lo))) / step - 1e-9)))
            let last = min(Int(100 / step) - 1, Int(floor(100 * (1 / (1 + exp(-hi))) / step + 1e-9)))
            if last - first + 1 > 7 { continue }
            chosen = first <= last ? (first...last).map { Double($0) * step } : []
            break
        }
        return chosen.filter { let l = logit($0 / 100); return l >= lo && l <= hi }
            .map { p in (logit(p / 100), shortNumber(p) + "%") }
    }
}
