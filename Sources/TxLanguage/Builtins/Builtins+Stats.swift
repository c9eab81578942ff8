import TxAnalysis
import TxTensor
#if canImport(Glibc)
import Glibc
#endif

extension Builtins {
    /// Correlation, bootstrap intervals, log-odds and classification metrics
    /// (computed in Float64 by TxAnalysis).
    static let statistics: [Builtin] = [
        Builtin("pearson(x, y)", "Pearson's r with its two-sided p (exact, as SciPy) and 95% CI (Fisher z); .r, .p, .n, .ci.",
                example: "pearson([1, 2, 3, 4, 5], [2, 4, 5, 4, 5]).p") { a in
            try correlation(.pearson, a)
        },
        Builtin("spearman(x, y)", "Spearman's ρ (average ranks for ties), p from Student's t as SciPy, 95% CI (Fisher z).",
                example: "spearman([1, 2, 3, 4, 5], [5, 6, 7, 8, 7]).r") { a in
            try correlation(.spearman, a)
        },
        Builtin("kendall(x, y)", "Kendall's τ-b; p exact for small untied data, else normal with tie correction (as SciPy).",
                example: "kendall([12, 2, 1, 12, 2], [1, 4, 7, 1, 0])") { a in
            try correlation(.kendall, a)
        },
        Builtin("corr(t, method = \"pearson\")", "Correlation matrix of the columns of a 2-D tensor (or of a dict of columns).",
                example: "corr(tensor([[1, 2, 3], [2, 4, 1], [3, 7, 2], [4, 8, 0]]), method: \"spearman\")") { a in
            let method = try stats { try CorrelationMethod(name: try a.string("method")) }
            let columns = try matrixColumns(a["t"])
            let m = try stats { try Correlation.matrix(columns, method: method) }
            let k = m.count
            return .tensor(Tensor(shape: [k, k], data: m.flatMap { $0.map(Float.init) }))
        },
        Builtin("bootstrap(x, y, stat = spearman, n = 10000, seed = 0, method = \"bca\", level = 0.95)",
                "Paired bootstrap of stat(x, y) (a correlation or any fn of two lists): .estimate, .ci (BCa or percentile), .se.",
                example: "bootstrap([1, 2, 3, 4, 5, 6], [2, 1, 4, 3, 6, 5], n: 500).ci") { a in
            let x = try numbers(a["x"], "bootstrap"), y = try numbers(a["y"], "bootstrap")
            let resamples = try a.int("n")
            let seed = try a.int("seed")
            guard seed >= 0 else { throw TxError.runtime("bootstrap(): seed must be ≥ 0, got \(seed)") }
            guard resamples <= 10_000_000 else { throw TxError.runtime("bootstrap(): n is too large (at most 10,000,000)") }
            let method = try stats { try BootstrapMethod(name: try a.string("method")) }
            let (name, statistic) = try bootstrapStatistic(a)
            let result = try stats {
                try Bootstrap.paired(x, y, resamples: resamples, seed: UInt64(seed), level: try a.number("level"),
                                     method: method, statistic: statistic)
            }
            if let w = result.warning { warn("bootstrap", w) }
            return .object(StatsResult(.bootstrap(result, statistic: name)))
        },
        Builtin("logit(p)", "Log-odds log(p / (1 − p)) of a number, list or tensor (−inf at 0, inf at 1, nan outside).",
                example: "logit(0.761)   # 1.1582") { a in
            switch a["p"] {
            case .number(let p): return .number(Metrics.logit(p))
            case .bool(let b): return .number(Metrics.logit(b ? 1 : 0))
            case .tensor(let t):
                return .tensor(Tensor(shape: t.shape, data: t.data.map { Float(Metrics.logit(Double($0))) }))
            default:
                return .list(ListObject(try numbers(a["p"], "logit").map { .number(Metrics.logit($0)) }))
            }
        },
        Builtin("accuracy(pred, y)", "Fraction of predictions equal to the labels (pred may be [N, K] scores: argmax is taken).",
                example: "accuracy([0, 1, 2, 2], [0, 1, 1, 2])   # 0.75") { a in
            let pred = try classLabels(a["pred"], "accuracy", scores: true)
            let y = try classLabels(a["y"], "accuracy", scores: false)
            return .number(try stats { try Metrics.accuracy(pred, y) })
        },
        Builtin("confusion(pred, y, classes = nil)", "Confusion matrix: entry [i, j] counts class i predicted as j.",
                example: "confusion([0, 1, 2, 2], [0, 1, 1, 2])") { a in
            let pred = try classLabels(a["pred"], "confusion", scores: true)
            let y = try classLabels(a["y"], "confusion", scores: false)
            let classes = try a.optional("classes").map { _ in try a.int("classes") }
            let m = try stats { try Metrics.confusion(pred, y, classes: classes) }
            let k = m.count
            return .tensor(Tensor(shape: [k, k], data: m.flatMap { $0.map(Float.init) }))
        },
    ]
}

/// The result of pearson/spearman/kendall or bootstrap.
public final class StatsResult: NativeObject {
    public enum Kind {
        case correlation(CorrelationResult)
        /// `statistic` names the statistic: "spearman", a tx function's name, …
        case bootstrap(BootstrapResult, statistic: String)
    }

    public let kind: Kind
    public init(_ kind: Kind) { self.kind = kind }

    public var typeName: String { "stats result" }

    /// `spearman ρ = 0.962 (95% CI 0.89–0.99), p = 2.1e-9, n = 16`
    public var display: String {
        switch kind {
        case .correlation(let c):
            return "\(c.method.rawValue) \(c.method.symbol) = \(fixed(c.r, 3)) (\(percent(c.ci.level)) CI "
                + "\(fixed(c.ci.lower, 2))–\(fixed(c.ci.upper, 2))), p = \(pValue(c.p)), n = \(c.n)"
        case .bootstrap(let b, let name):
            let label = bootstrapLabel(name)
            let how = b.method == .bca ? "BCa" : "percentile"
            let correlation = CorrelationMethod(rawValue: name) != nil
            let (e, d) = correlation ? (fixed(b.estimate, 3), 2) : (general(b.estimate), -1)
            let lo = d > 0 ? fixed(b.ci.lower, d) : general(b.ci.lower)
            let hi = d > 0 ? fixed(b.ci.upper, d) : general(b.ci.upper)
            return "bootstrap \(label) = \(e) (\(percent(b.ci.level)) \(how) CI \(lo)–\(hi)), se = \(general(b.se)), "
                + "n = \(b.n), \(b.resamples) resamples"
        }
    }

    public var memberNames: [String] {
        switch kind {
        case .correlation: return ["ci", "method", "n", "p", "p_method", "r", "warning"]
        case .bootstrap: return ["ci", "distribution", "estimate", "method", "n", "resamples", "se", "stat", "warning"]
        }
    }

    public func member(_ name: String, _ interp: Interpreter) throws -> Value? {
        switch kind {
        case .correlation(let c):
            switch name {
            case "r": return .number(c.r)
            case "p": return .number(c.p)
            case "n": return .number(Double(c.n))
            case "ci": return interval(c.ci)
            case "method": return .string(c.method.rawValue)
            case "p_method": return .string(c.pMethod)
            case "warning": return c.warning.map { .string($0) } ?? .nil
            default: return nil
            }
        case .bootstrap(let b, let stat):
            switch name {
            case "estimate": return .number(b.estimate)
            case "ci": return interval(b.ci)
            case "se": return .number(b.se)
            case "method": return .string(b.method.rawValue)
            case "n": return .number(Double(b.n))
            case "resamples": return .number(Double(b.resamples))
            case "stat": return .string(stat)
            case "distribution": return .list(ListObject(b.distribution.map { .number($0) }))
            case "warning": return b.warning.map { .string($0) } ?? .nil
            default: return nil
            }
        }
    }

    /// The coefficient (or estimate), for a tx statistic that returns a result.
    var value: Double {
        switch kind {
        case .correlation(let c): return c.r
        case .bootstrap(let b, _): return b.estimate
        }
    }

    private func interval(_ ci: ConfidenceInterval) -> Value {
        .list(ListObject([.number(ci.lower), .number(ci.upper)]))
    }

    private func bootstrapLabel(_ name: String) -> String {
        if let m = CorrelationMethod(rawValue: name) { return "\(m.rawValue) \(m.symbol)" }
        return name
    }
}

// MARK: Helpers

/// Runs TxAnalysis code, turning its errors into tx errors.
private func stats<T>(_ body: () throws -> T) throws -> T {
    do { return try body() } catch let e as StatsError { throw TxError.runtime(e.message) }
}

/// Writes a warning to stderr, as SciPy's warnings do.
private func warn(_ function: String, _ message: String) {
    fputs("warning: \(function)(): \(message)\n", stderr)
}

private func correlation(_ method: CorrelationMethod, _ a: Arguments) throws -> Value {
    let name = method.rawValue
    let x = try numbers(a["x"], name), y = try numbers(a["y"], name)
    let result = try stats { try Correlation.compute(method, x, y) }
    if let w = result.warning { warn(name, w) }
    return .object(StatsResult(.correlation(result)))
}

/// The statistic of a bootstrap: a correlation's name or built-in, or a tx
/// function of two lists returning a number (or a stats result).
private func bootstrapStatistic(_ a: Arguments) throws -> (String, ([Double], [Double]) throws -> Double) {
    let stat = a["stat"]
    var builtinName: String?
    if case .string(let s) = stat { builtinName = s }
    if case .function(let f) = stat, let b = f as? BuiltinFunction, b.receiver == nil,
       CorrelationMethod(rawValue: b.spec.name) != nil {
        builtinName = b.spec.name
    }
    if let name = builtinName {
        let method = try stats { try CorrelationMethod(name: name) }
        return (method.rawValue, { x, y in try Correlation.coefficient(method, x, y) })
    }
    guard case .function(let f) = stat else {
        throw TxError.runtime("bootstrap(): 'stat' must be a function of two lists (or pearson, spearman, kendall), got \(stat.typeName)")
    }
    return (f.name, { x, y in
        let v = try a.call(f, .list(ListObject(x.map { .number($0) })), .list(ListObject(y.map { .number($0) })))
        switch v {
        case .number(let d): return d
        case .object(let o as StatsResult): return o.value
        case .tensor(let t) where t.count == 1: return Double(t.data[0])
        default: throw TxError.runtime("bootstrap(): stat must return a number, got \(v.typeName)")
        }
    })
}

/// Columns of a 2-D tensor (or nested list: rows), or the values of a dict of columns.
private func matrixColumns(_ v: Value) throws -> [[Double]] {
    if case .dict(let d) = v {
        return try d.entries.values.map { try numbers($0, "corr") }
    }
    let t: Tensor
    do { t = try toTensor(v) } catch let e as TensorError { throw TxError.runtime("corr(): \(e.message)") }
    guard t.ndim == 2 else {
        throw TxError.runtime("corr() needs a 2-D tensor (rows are observations, columns variables), got shape \(t.shape)")
    }
    let (n, k) = (t.shape[0], t.shape[1])
    return (0..<k).map { j in (0..<n).map { Double(t.data[$0 * k + j]) } }
}

/// Class labels as whole numbers; `scores` allows an [N, K] tensor of scores (argmax per row).
private func classLabels(_ v: Value, _ what: String, scores: Bool) throws -> [Int] {
    if scores, case .tensor(let t) = v, t.ndim == 2 {
        let (n, k) = (t.shape[0], t.shape[1])
        guard k > 0 else { throw TxError.runtime("\(what)(): scores have no classes") }
        return (0..<n).map { i in
            var best = 0
            for j in 1..<max(k, 1) where t.data[i * k + j] > t.data[i * k + best] { best = j }
            return best
        }
    }
    return try numbers(v, what).map { x in
        guard let i = exactInt(x) else {
            throw TxError.runtime("\(what)(): class labels must be whole numbers, got \(formatNumber(x))")
        }
        return i
    }
}

// MARK: Formatting

private func cFormatted(_ x: Double, _ format: String) -> String {
    if x.isNaN { return "nan" }
    if x.isInfinite { return x > 0 ? "inf" : "-inf" }
    var buffer = [CChar](repeating: 0, count: 64)
    _ = withVaList([x]) { vsnprintf(&buffer, buffer.count, format, $0) }
    return String(cString: buffer)
}

/// Fixed decimals (`0.962`).
private func fixed(_ x: Double, _ digits: Int) -> String {
    let s = cFormatted(x, "%.\(digits)f")
    // No "-0.00".
    if s.hasPrefix("-"), s.dropFirst().allSatisfy({ $0 == "0" || $0 == "." }) { return String(s.dropFirst()) }
    return s
}

/// Two significant digits, exponent without padding (`2.1e-9`, `0.034`).
private func pValue(_ p: Double) -> String { compactExponent(cFormatted(p, "%.2g")) }

/// Four significant digits for arbitrary statistics.
private func general(_ x: Double) -> String { compactExponent(cFormatted(x, "%.4g")) }

private func compactExponent(_ s: String) -> String {
    guard let e = s.firstIndex(where: { $0 == "e" }) else { return s }
    var exponent = s[s.index(after: e)...]
    var sign = ""
    if exponent.first == "-" { sign = "-"; exponent = exponent.dropFirst() } else if exponent.first == "+" { exponent = exponent.dropFirst() }
    while exponent.count > 1 && exponent.first == "0" { exponent = exponent.dropFirst() }
    return s[..<e] + "e" + sign + exponent
}

private func percent(_ level: Double) -> String {
    let p = level * 100
    return (p == p.rounded() ? String(Int(p)) : cFormatted(p, "%g")) + "%"
}
