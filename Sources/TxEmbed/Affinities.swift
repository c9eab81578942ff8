import Foundation
import TxTensor

/// A square sparse matrix in compressed sparse row form (Float64 values).
public struct SparseMatrix: Sendable {
    /// Number of rows (and columns).
    public let n: Int
    /// `rowStart[i]..<rowStart[i+1]` indexes row i's entries in `columns`/`values`.
    public var rowStart: [Int]
    /// Column of each stored entry, ascending within a row.
    public var columns: [Int]
    /// Value of each stored entry.
    public var values: [Double]

    public init(n: Int, rowStart: [Int], columns: [Int], values: [Double]) {
        self.n = n; self.rowStart = rowStart; self.columns = columns; self.values = values
    }

    /// The sum of all stored values.
    public var sum: Double { values.reduce(0, +) }

    /// The value at (i, j), 0 when not stored.
    public func value(_ i: Int, _ j: Int) -> Double {
        for e in rowStart[i]..<rowStart[i + 1] where columns[e] == j { return values[e] }
        return 0
    }
}

/// The k nearest neighbours of every row (self excluded), by squared Euclidean distance.
public struct Neighbours: Sendable {
    public let n: Int
    public let k: Int
    /// `indices[i * k + m]` is row i's (m+1)-th nearest neighbour.
    public var indices: [Int]
    /// Squared Euclidean distances, ascending within a row.
    public var distances: [Double]
}

/// Runs `body(chunk)` for `chunks` chunks on both cores; each chunk must write disjoint memory.
@inline(__always)
func parallel(_ chunks: Int, _ body: (Int) -> Void) {
    if chunks <= 1 { body(0); return }
    DispatchQueue.concurrentPerform(iterations: chunks, execute: body)
}

/// The row range of chunk `c` out of `chunks` over `n` rows.
@inline(__always)
func chunkRange(_ c: Int, _ chunks: Int, _ n: Int) -> Range<Int> {
    (n * c / chunks)..<(n * (c + 1) / chunks)
}

/// Number of work chunks: fixed (not the core count), so per-chunk partial sums, and
/// with them a seeded run's bytes, are the same on every machine; Dispatch spreads
/// the chunks over the available cores (both, here).
let workerChunks = 8

enum Affinities {
    /// Row-major Float64 copy of a `[N, D]` tensor.
    static func rows(_ x: Tensor) -> [Double] { x.data.map(Double.init) }

    /// Exact k nearest neighbours by brute force: squared distances
    /// ‖x‖² + ‖y‖² − 2 x·y computed a block of rows at a time with one SGEMM per
    /// block, then the k smallest of each row kept with an insertion-sorted list.
    /// The kept distances are recomputed exactly in Float64 (the GEMM form only
    /// selects the candidates).
    static func exactKNN(_ x: Tensor, k wanted: Int, query: Tensor? = nil, excludeSelf: Bool = true) throws -> Neighbours {
        let n = x.shape[0], d = x.shape[1]
        // a few spare candidates from the Float32 GEMM distances, re-ranked exactly in Float64
        let k = min(wanted + 8, excludeSelf ? n - 1 : n)
        let q = query ?? x
        let m = q.shape[0]
        let xd = rows(x), qd = query == nil ? xd : rows(q)
        var norms = [Float](repeating: 0, count: n)
        for i in 0..<n { var s: Float = 0; for j in 0..<d { let v = x.data[i * d + j]; s += v * v }; norms[i] = s }
        var qnorms = [Float](repeating: 0, count: m)
        for i in 0..<m { var s: Float = 0; for j in 0..<d { let v = q.data[i * d + j]; s += v * v }; qnorms[i] = s }
        let xt = try x.transposed(nil)
        var indices = [Int](repeating: 0, count: m * wanted)
        var distances = [Double](repeating: 0, count: m * wanted)
        let block = max(1, min(m, (1 << 22) / max(n, 1)))
        var start = 0
        while start < m {
            let end = min(m, start + block), b = end - start
            let qb = Tensor(shape: [b, d], data: Array(q.data[(start * d)..<(end * d)]))
            let dots = try Tensor.matmul(qb, xt)  // [b, n]
            dots.data.withUnsafeBufferPointer { dp in
                indices.withUnsafeMutableBufferPointer { ip in
                    distances.withUnsafeMutableBufferPointer { op in
                        let ipp = ip, opp = op
                        parallel(workerChunks) { c in
                            var bestD = [Float](repeating: .infinity, count: k)
                            var bestI = [Int](repeating: -1, count: k)
                            for r in chunkRange(c, workerChunks, b) {
                                let i = start + r
                                // the k smallest in a max-heap on (distance, index): O(log k) per
                                // admitted candidate, and the same set as a sorted list would keep
                                let base = r * n
                                var count = 0
                                bestD.withUnsafeMutableBufferPointer { hd in bestI.withUnsafeMutableBufferPointer { hi in
                                    for j in 0..<n {
                                        if excludeSelf && j == i { continue }
                                        let dist = max(qnorms[i] + norms[j] - 2 * dp[base + j], 0)
                                        if count < k {
                                            var c = count
                                            count += 1
                                            while c > 0 {
                                                let parent = (c - 1) / 2
                                                if hd[parent] > dist || (hd[parent] == dist && hi[parent] > j) { break }
                                                hd[c] = hd[parent]; hi[c] = hi[parent]; c = parent
                                            }
                                            hd[c] = dist; hi[c] = j
                                        } else if dist < hd[0] {
                                            var c = 0
                                            while true {
                                                let l = 2 * c + 1
                                                if l >= k { break }
                                                var big = l
                                                let rr = l + 1
                                                if rr < k && (hd[rr] > hd[l] || (hd[rr] == hd[l] && hi[rr] > hi[l])) { big = rr }
                                                if hd[big] < dist || (hd[big] == dist && hi[big] < j) { break }
                                                hd[c] = hd[big]; hi[c] = hi[big]; c = big
                                            }
                                            hd[c] = dist; hi[c] = j
                                        }
                                    }
                                }}
                                // exact Float64 distances for the kept neighbours, then re-sort
                                var pairs: [(Double, Int)] = []
                                pairs.reserveCapacity(k)
                                for t in 0..<k {
                                    let j = bestI[t]
                                    var s = 0.0
                                    for u in 0..<d { let v = qd[i * d + u] - xd[j * d + u]; s += v * v }
                                    pairs.append((s, j))
                                }
                                pairs.sort { $0.0 < $1.0 || ($0.0 == $1.0 && $0.1 < $1.1) }
                                for t in 0..<wanted { ipp[i * wanted + t] = pairs[t].1; opp[i * wanted + t] = pairs[t].0 }
                            }
                        }
                    }
                }
            }
            start = end
        }
        return Neighbours(n: m, k: wanted, indices: indices, distances: distances)
    }

    /// Entropy (natural log) of the conditional distribution p_j ∝ exp(−β (d_j − d_min)).
    @inline(__always)
    static func entropy(_ d: UnsafeBufferPointer<Double>, beta: Double, into p: UnsafeMutableBufferPointer<Double>?) -> Double {
        let dmin = d[0]
        var sum = 0.0, weighted = 0.0
        for t in 0..<d.count {
            let e = exp(-beta * (d[t] - dmin))
            sum += e; weighted += (d[t] - dmin) * e
            if let p { p[t] = e }
        }
        if let p { for t in 0..<d.count { p[t] /= sum } }
        return log(sum) + beta * weighted / sum
    }

    /// Per-row Gaussian precisions such that each row's conditional entropy is
    /// log(perplexity) (natural log; the same as log2 entropy = log2(perplexity)),
    /// found by bracketing then bisection in Float64 to |ΔH| < 1e-10.
    /// Returns the conditional probabilities `[n * k]` (rows sum to 1) and the β values.
    static func conditional(_ nb: Neighbours, perplexity: Double) -> (p: [Double], beta: [Double]) {
        let n = nb.n, k = nb.k
        let target = log(perplexity)
        var p = [Double](repeating: 0, count: n * k)
        var betas = [Double](repeating: 1, count: n)
        nb.distances.withUnsafeBufferPointer { dall in
            p.withUnsafeMutableBufferPointer { pall in
                betas.withUnsafeMutableBufferPointer { ball in
                    let pp = pall, bp = ball
                    parallel(workerChunks) { c in
                        for i in chunkRange(c, workerChunks, n) {
                            let d = UnsafeBufferPointer(rebasing: dall[(i * k)..<((i + 1) * k)])
                            let row = UnsafeMutableBufferPointer(rebasing: pp[(i * k)..<((i + 1) * k)])
                            // scale so β starts near the right magnitude
                            let spread = d[k - 1] - d[0]
                            if !(spread > 0) {
                                // all neighbours equally far: the uniform distribution (entropy log k)
                                for t in 0..<k { row[t] = 1 / Double(k) }
                                bp[i] = 0
                                continue
                            }
                            var beta = 1 / spread, lo = 0.0, hi = Double.infinity
                            for _ in 0..<200 {
                                let h = entropy(d, beta: beta, into: nil)
                                if abs(h - target) < 1e-10 { break }
                                if h > target {
                                    lo = beta
                                    beta = hi.isInfinite ? beta * 2 : (beta + hi) / 2
                                    if !beta.isFinite || beta > 1e300 { beta = lo; break }
                                }
                                else { hi = beta; beta = (beta + lo) / 2 }
                                if hi - lo <= 1e-15 * max(1, hi), !hi.isInfinite { break }
                            }
                            _ = entropy(d, beta: beta, into: row)
                            bp[i] = beta
                        }
                    }
                }
            }
        }
        return (p, betas)
    }

    /// P = (P + Pᵀ) / 2N from conditional rows, as CSR with sorted columns.
    static func symmetrise(_ nb: Neighbours, _ p: [Double]) -> SparseMatrix {
        let n = nb.n, k = nb.k
        var counts = [Int](repeating: 0, count: n + 1)
        for i in 0..<n { for t in 0..<k { counts[i] += 1; counts[nb.indices[i * k + t]] += 1 } }
        var start = [Int](repeating: 0, count: n + 1)
        for i in 0..<n { start[i + 1] = start[i] + counts[i] }
        var fill = start
        var cols = [Int](repeating: 0, count: start[n]), vals = [Double](repeating: 0, count: start[n])
        for i in 0..<n {
            for t in 0..<k {
                let j = nb.indices[i * k + t], v = p[i * k + t]
                cols[fill[i]] = j; vals[fill[i]] = v; fill[i] += 1
                cols[fill[j]] = i; vals[fill[j]] = v; fill[j] += 1
            }
        }
        // sort each row by column and merge duplicates
        var outStart = [Int](repeating: 0, count: n + 1)
        var outCols: [Int] = [], outVals: [Double] = []
        outCols.reserveCapacity(start[n]); outVals.reserveCapacity(start[n])
        let scale = 1 / (2 * Double(n))
        var entries: [(Int, Double)] = []
        for i in 0..<n {
            entries.removeAll(keepingCapacity: true)
            for e in start[i]..<start[i + 1] { entries.append((cols[e], vals[e])) }
            entries.sort { $0.0 < $1.0 || ($0.0 == $1.0 && $0.1 < $1.1) }
            var e = 0
            while e < entries.count {
                let j = entries[e].0
                var s = 0.0
                while e < entries.count && entries[e].0 == j { s += entries[e].1; e += 1 }
                outCols.append(j); outVals.append(s * scale)
            }
            outStart[i + 1] = outCols.count
        }
        return SparseMatrix(n: n, rowStart: outStart, columns: outCols, values: outVals)
    }
}
