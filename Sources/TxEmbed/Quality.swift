import Foundation
import TxTensor

/// Embedding quality measures (Float64, both cores, deterministic).
public enum EmbeddingQuality {
    static func rows(_ t: Tensor, _ name: String) throws -> (data: [Double], n: Int, d: Int) {
        guard t.ndim == 2 else { throw TSNEError("\(name) must be a [N, D] matrix, got shape \(t.shape)") }
        return (t.data.map(Double.init), t.shape[0], t.shape[1])
    }

    /// The k nearest neighbours of every row (self excluded), ties broken by the smaller index.
    static func neighbours(_ x: [Double], _ n: Int, _ d: Int, _ k: Int) -> [Int] {
        var out = [Int](repeating: 0, count: n * k)
        out.withUnsafeMutableBufferPointer { op in
            let opp = op
            parallel(workerChunks) { c in
                var bestD = [Double](repeating: 0, count: k), bestI = [Int](repeating: 0, count: k)
                for i in chunkRange(c, workerChunks, n) {
                    var filled = 0
                    for j in 0..<n where j != i {
                        var s = 0.0
                        for a in 0..<d { let v = x[i * d + a] - x[j * d + a]; s += v * v }
                        if filled < k || s < bestD[k - 1] {
                            var p = min(filled, k - 1)
                            if filled < k { filled += 1 }
                            while p > 0 && bestD[p - 1] > s { bestD[p] = bestD[p - 1]; bestI[p] = bestI[p - 1]; p -= 1 }
                            bestD[p] = s; bestI[p] = j
                        }
                    }
                    for t in 0..<k { opp[i * k + t] = bestI[t] }
                }
            }
        }
        return out
    }

    /// Leave-one-out k-NN accuracy in the embedding: each point's label predicted by
    /// a majority vote of its k nearest other points (ties → the smallest label).
    public static func knnAccuracy(_ embedding: Tensor, labels: Tensor, k: Int = 10) throws -> Double {
        let (y, n, d) = try rows(embedding, "the embedding")
        guard labels.count == n else { throw TSNEError("knn_accuracy: \(labels.count) labels for \(n) points") }
        guard k >= 1 && k < n else { throw TSNEError("knn_accuracy: k must be between 1 and \(n - 1), got \(k)") }
        let lab = labels.data.map { Int($0) }
        guard let lo = lab.min(), lo >= 0, let hi = lab.max() else { throw TSNEError("knn_accuracy: labels must be non-negative integers") }
        let nb = neighbours(y, n, d, k)
        var correct = 0
        var votes = [Int](repeating: 0, count: hi + 1)
        for i in 0..<n {
            for c in votes.indices { votes[c] = 0 }
            for t in 0..<k { votes[lab[nb[i * k + t]]] += 1 }
            var best = 0
            for c in votes.indices where votes[c] > votes[best] { best = c }
            if best == lab[i] { correct += 1 }
        }
        return Double(correct) / Double(n)
    }

    /// Trustworthiness of an embedding, as `sklearn.manifold.trustworthiness` (Euclidean):
    /// 1 − 2/(n k (2n − 3k − 1)) Σ_i Σ_{j ∈ N_k^emb(i)} max(0, r(i, j) − k), where
    /// r(i, j) is j's rank among i's neighbours in the input space (1 = nearest).
    public static func trustworthiness(_ x: Tensor, _ embedding: Tensor, k: Int = 10) throws -> Double {
        let (xd, n, d) = try rows(x, "x")
        let (yd, m, e) = try rows(embedding, "the embedding")
        guard n == m else { throw TSNEError("trustworthiness: x has \(n) rows, the embedding \(m)") }
        guard k >= 1 && Double(k) < Double(n) / 2 else { throw TSNEError("trustworthiness: k must be between 1 and \((n - 1) / 2), got \(k)") }
        let nb = neighbours(yd, n, e, k)
        var partial = [Double](repeating: 0, count: workerChunks)
        partial.withUnsafeMutableBufferPointer { pp in
            let ppp = pp
            parallel(workerChunks) { c in
                var dist = [Double](repeating: 0, count: n)
                var penalty = 0.0
                for i in chunkRange(c, workerChunks, n) {
                    for j in 0..<n {
                        var s = 0.0
                        for a in 0..<d { let v = xd[i * d + a] - xd[j * d + a]; s += v * v }
                        dist[j] = s
                    }
                    for t in 0..<k {
                        let j = nb[i * k + t], dj = dist[j]
                        var rank = 1
                        for l in 0..<n where l != i && l != j && (dist[l] < dj || (dist[l] == dj && l < j)) { rank += 1 }
                        if rank > k { penalty += Double(rank - k) }
                    }
                }
                ppp[c] = penalty
            }
        }
        let total = partial.reduce(0, +)
        let nn = Double(n), kk = Double(k)
        return 1 - 2 / (nn * kk * (2 * nn - 3 * kk - 1)) * total
    }
}
