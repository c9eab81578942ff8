#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Classification metrics and the log-odds transform.
public enum Metrics {
    /// log(p / (1 − p)), as `scipy.special.logit`: −inf at 0, inf at 1, NaN
    /// outside [0, 1].
    public static func logit(_ p: Double) -> Double {
        if p.isNaN || p < 0 || p > 1 { return .nan }
        if p == 0 { return -.infinity }
        if p == 1 { return .infinity }
        // Near 1/2, log1p of a small number keeps the digits log(p/(1−p)) loses.
        if p > 0.3 && p < 0.65 { return log1p((2 * p - 1) / (1 - p)) }
        return log(p / (1 - p))
    }

    /// The inverse of logit: 1 / (1 + e^−x).
    public static func expit(_ x: Double) -> Double {
        x >= 0 ? 1 / (1 + exp(-x)) : exp(x) / (1 + exp(x))
    }

    /// The fraction of predictions equal to the labels.
    public static func accuracy(_ predictions: [Int], _ labels: [Int]) throws -> Double {
        guard predictions.count == labels.count else {
            throw StatsError("accuracy(): \(predictions.count) predictions but \(labels.count) labels")
        }
        guard !labels.isEmpty else { throw StatsError("accuracy(): no predictions") }
        var hits = 0
        for (p, y) in zip(predictions, labels) where p == y { hits += 1 }
        return Double(hits) / Double(labels.count)
    }

    /// The confusion matrix: entry [i][j] counts items of true class i
    /// predicted as j (scikit-learn's convention). Classes are 0..<k, k the
    /// largest label or prediction + 1 unless given.
    public static func confusion(_ predictions: [Int], _ labels: [Int], classes: Int? = nil) throws -> [[Int]] {
        guard predictions.count == labels.count else {
            throw StatsError("confusion(): \(predictions.count) predictions but \(labels.count) labels")
        }
        guard (predictions + labels).allSatisfy({ $0 >= 0 }) else {
            throw StatsError("confusion(): class labels must be whole numbers ≥ 0")
        }
        let k = classes ?? ((predictions + labels).max() ?? -1) + 1
        guard k <= 100_000 else { throw StatsError("confusion(): too many classes (\(k))") }
        var m = [[Int]](repeating: [Int](repeating: 0, count: k), count: k)
        for (p, y) in zip(predictions, labels) {
            guard p < k && y < k else { throw StatsError("confusion(): label \(max(p, y)) is out of range for \(k) classes") }
            m[y][p] += 1
        }
        return m
    }
}
