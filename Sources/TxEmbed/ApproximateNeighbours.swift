import Foundation
import TxTensor

/// Settings of the approximate k-nearest-neighbour search (random-projection forest, then
/// NN-descent), after PyNNDescent as openTSNE uses it.
public struct ApproximateKNNOptions: Sendable {
    /// Random-projection trees whose leaves seed the neighbour lists.
    public var trees = 16
    /// Most points in a tree leaf (0: max(k, 32)).
    public var leafSize = 0
    /// Most NN-descent rounds.
    public var maxRounds = 6
    /// New (and old) forward neighbours per point joined in one round; reverse ones fill up
    /// to twice this. The defaults give recall ≈ 0.99 on Fashion-MNIST PCA-50 (docs/tsne.md).
    public var maxCandidates = 10
    /// Stop when a round improves fewer than `delta · N · k` list entries.
    public var delta = 0.001
    public var seed: UInt64 = 0
    public init() {}
}

/// A split-mix 64 generator: small, seedable, the same sequence on every machine.
struct SplitMix64 {
    var state: UInt64
    init(_ seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
    /// Uniform in 0..<n (n > 0); the tiny modulo bias does not matter here.
    mutating func below(_ n: Int) -> Int { Int(next() % UInt64(n)) }
}

/// One NN-descent list change: `other` may enter `target`'s list at squared distance `d`.
struct NeighbourUpdate {
    var target: Int32
    var other: Int32
    var d: Float
}

extension Affinities {
    /// Squared Euclidean distance of two rows of width `d` (Float32, 8 lanes at a time).
    @inline(__always)
    static func squaredDistance(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, _ d: Int) -> Float {
        var acc = SIMD8<Float>(repeating: 0)
        var u = 0
        let ra = UnsafeRawPointer(a), rb = UnsafeRawPointer(b)
        while u + 8 <= d {
            let va = ra.loadUnaligned(fromByteOffset: u * 4, as: SIMD8<Float>.self)
            let vb = rb.loadUnaligned(fromByteOffset: u * 4, as: SIMD8<Float>.self)
            let diff = va - vb
            acc += diff * diff
            u += 8
        }
        var s = acc.sum()
        while u < d { let v = a[u] - b[u]; s += v * v; u += 1 }
        return s
    }

    /// Approximate k nearest neighbours of every row (self excluded), in the same form as
    /// `exactKNN` (Float64 squared distances, ascending, ties by index). Random-projection
    /// trees give each point its leaf-mates as first candidates; NN-descent then joins
    /// neighbours of neighbours until few lists change. Every random choice comes from
    /// `options.seed`, work is cut into fixed chunks and list updates are applied in chunk
    /// order, so the result does not depend on thread timing. Falls back to the exact search
    /// when every other point is a neighbour anyway (N ≤ k + 1).
    static func approximateKNN(_ x: Tensor, k: Int, options o: ApproximateKNNOptions = ApproximateKNNOptions()) throws -> Neighbours {
        let n = x.shape[0], d = x.shape[1]
        if k <= 0 || n <= k + 1 || n < 2 { return try exactKNN(x, k: max(0, min(k, n - 1))) }
        let leaf = o.leafSize > 0 ? max(o.leafSize, 2) : max(k, 32)
        // heaps: a max-heap per point on (distance, index); `fresh` marks entries not yet joined
        var hd = [Float](repeating: .infinity, count: n * k)
        var hi = [Int32](repeating: -1, count: n * k)
        var fresh = [Bool](repeating: true, count: n * k)
        let chunkOf: [Int32] = {
            var c = [Int32](repeating: 0, count: n)
            for ch in 0..<workerChunks { for i in chunkRange(ch, workerChunks, n) { c[i] = Int32(ch) } }
            return c
        }()
        let forest = x.data.withUnsafeBufferPointer { xp in
            RandomProjectionForest(xp.baseAddress!, n: n, d: d, trees: max(1, o.trees), leafSize: leaf, seed: o.seed)
        }
        x.data.withUnsafeBufferPointer { xb in
            hd.withUnsafeMutableBufferPointer { hdb in hi.withUnsafeMutableBufferPointer { hib in
                let xp = xb.baseAddress!, dp = hdb.baseAddress!, ip = hib.baseAddress!
                // leaf-mates first; each point writes only its own heap
                parallel(workerChunks) { c in
                    // seen[j] == i: j was already offered to i (a leaf-mate in an earlier tree)
                    var seen = [Int32](repeating: -1, count: n)
                    for i in chunkRange(c, workerChunks, n) {
                        let hdI = dp + i * k, hiI = ip + i * k
                        let xi = xp + i * d
                        seen[i] = Int32(i)
                        for t in 0..<forest.trees {
                            let r = forest.leafRange(tree: t, point: i)
                            for s in r {
                                let j = Int(forest.order[t * n + s])
                                if seen[j] == Int32(i) { continue }
                                seen[j] = Int32(i)
                                let dist = squaredDistance(xi, xp + j * d, d)
                                if dist < hdI[0] || hiI[0] < 0 { siftDown(hdI, hiI, nil, k, dist, Int32(j)) }
                            }
                        }
                        // lists still short (tiny leaves, n ≈ k): the next points in index order
                        var j = (i + 1) % n
                        while hiI[0] < 0 && j != i {
                            _ = heapPush(hdI, hiI, k, squaredDistance(xi, xp + j * d, d), Int32(j))
                            j = (j + 1) % n
                        }
                    }
                }
            }}
        }
        // NN-descent rounds
        var rng = SplitMix64(o.seed ^ 0x6E6E_6465_7363_656E)
        let maxC = max(1, o.maxCandidates)
        var newC = [Int32](repeating: -1, count: n * 2 * maxC), newCount = [Int](repeating: 0, count: n)
        var oldC = [Int32](repeating: -1, count: n * 2 * maxC), oldCount = [Int](repeating: 0, count: n)
        let block = 8192
        for _ in 0..<o.maxRounds {
            // candidate lists: forward new/old neighbours, then reverse ones, points visited in a
            // seeded order so that reverse lists of popular points are not all low indices
            for i in 0..<n { newCount[i] = 0; oldCount[i] = 0 }
            var visit = Array(0..<n)
            for a in stride(from: n - 1, to: 0, by: -1) { visit.swapAt(a, rng.below(a + 1)) }
            for i in visit {
                for m in 0..<k {
                    let j = hi[i * k + m]
                    if j < 0 { continue }
                    if fresh[i * k + m] {
                        if newCount[i] < maxC { newC[i * 2 * maxC + newCount[i]] = j; newCount[i] += 1; fresh[i * k + m] = false }
                    } else if oldCount[i] < maxC { oldC[i * 2 * maxC + oldCount[i]] = j; oldCount[i] += 1 }
                }
            }
            for i in visit {
                let nf = min(newCount[i], maxC), of = min(oldCount[i], maxC)
                for a in 0..<nf {
                    let j = Int(newC[i * 2 * maxC + a])
                    if newCount[j] < 2 * maxC { newC[j * 2 * maxC + newCount[j]] = Int32(i); newCount[j] += 1 }
                }
                for a in 0..<of {
                    let j = Int(oldC[i * 2 * maxC + a])
                    if oldCount[j] < 2 * maxC { oldC[j * 2 * maxC + oldCount[j]] = Int32(i); oldCount[j] += 1 }
                }
            }
            var changed = 0
            var start = 0
            while start < n {
                let end = min(n, start + block), b = end - start
                // each chunk of joining points writes its proposals into one bucket per target chunk
                var buckets = [[NeighbourUpdate]](repeating: [], count: workerChunks * workerChunks)
                x.data.withUnsafeBufferPointer { xb in
                    hd.withUnsafeBufferPointer { hdb in hi.withUnsafeBufferPointer { hib in
                        newC.withUnsafeBufferPointer { nb in oldC.withUnsafeBufferPointer { ob in
                            buckets.withUnsafeMutableBufferPointer { bk in
                                let xp = xb.baseAddress!, dp = hdb.baseAddress!, ip = hib.baseAddress!
                                let np = nb.baseAddress!, op = ob.baseAddress!, bkp = bk.baseAddress!
                                parallel(workerChunks) { c in
                                    for r in chunkRange(c, workerChunks, b) {
                                        let i = start + r
                                        let nc = newCount[i], oc = oldCount[i]
                                        let nl = np + i * 2 * maxC, ol = op + i * 2 * maxC
                                        for a in 0..<nc {
                                            let u = Int(nl[a])
                                            let xu = xp + u * d, limU = dp[u * k]
                                            func propose(_ v: Int) {
                                                if v == u { return }
                                                let dist = squaredDistance(xu, xp + v * d, d)
                                                if dist < limU {
                                                    bkp[c * workerChunks + Int(chunkOf[u])].append(NeighbourUpdate(target: Int32(u), other: Int32(v), d: dist))
                                                }
                                                if dist < dp[v * k] {
                                                    bkp[c * workerChunks + Int(chunkOf[v])].append(NeighbourUpdate(target: Int32(v), other: Int32(u), d: dist))
                                                }
                                            }
                                            for bb in (a + 1)..<max(a + 1, nc) { propose(Int(nl[bb])) }
                                            for bb in 0..<oc { propose(Int(ol[bb])) }
                                        }
                                        _ = ip
                                    }
                                }
                            }
                        }}
                    }}
                }
                // apply: each target chunk takes its buckets in source-chunk order
                var counts = [Int](repeating: 0, count: workerChunks)
                hd.withUnsafeMutableBufferPointer { hdb in hi.withUnsafeMutableBufferPointer { hib in
                    fresh.withUnsafeMutableBufferPointer { fb in counts.withUnsafeMutableBufferPointer { cb in
                        let dp = hdb.baseAddress!, ip = hib.baseAddress!, fp = fb.baseAddress!, cp = cb.baseAddress!
                        buckets.withUnsafeBufferPointer { bk in
                            parallel(workerChunks) { t in
                                var got = 0
                                for c in 0..<workerChunks {
                                    for up in bk[c * workerChunks + t] {
                                        let u = Int(up.target)
                                        if heapPushFresh(dp + u * k, ip + u * k, fp + u * k, k, up.d, up.other) { got += 1 }
                                    }
                                }
                                cp[t] = got
                            }
                        }
                    }}
                }}
                changed += counts.reduce(0, +)
                start = end
            }
            if Double(changed) < o.delta * Double(n) * Double(k) { break }
        }
        // exact Float64 distances of the kept neighbours, sorted as the exact search sorts them
        let xd = rows(x)
        var indices = [Int](repeating: 0, count: n * k)
        var distances = [Double](repeating: 0, count: n * k)
        indices.withUnsafeMutableBufferPointer { ib in distances.withUnsafeMutableBufferPointer { db in
        hi.withUnsafeBufferPointer { hib in xd.withUnsafeBufferPointer { xdb in
            let ipp = ib, dpp = db, hp = hib.baseAddress!, xp = xdb.baseAddress!
            parallel(workerChunks) { c in
                var pairs: [(Double, Int)] = []
                pairs.reserveCapacity(k)
                for i in chunkRange(c, workerChunks, n) {
                    pairs.removeAll(keepingCapacity: true)
                    for m in 0..<k {
                        let j = Int(hp[i * k + m])
                        var s = 0.0
                        for u in 0..<d { let v = xp[i * d + u] - xp[j * d + u]; s += v * v }
                        pairs.append((s, j))
                    }
                    pairs.sort { $0.0 < $1.0 || ($0.0 == $1.0 && $0.1 < $1.1) }
                    for t in 0..<k { ipp[i * k + t] = pairs[t].1; dpp[i * k + t] = pairs[t].0 }
                }
            }
        }}}}
        return Neighbours(n: n, k: k, indices: indices, distances: distances)
    }

    /// Offers `j` at distance `dist` to a full-or-filling max-heap of size k whose empty slots
    /// hold (∞, −1); skips it when not closer than the worst kept or already present.
    @inline(__always)
    static func heapPush(_ hd: UnsafeMutablePointer<Float>, _ hi: UnsafeMutablePointer<Int32>, _ k: Int,
                         _ dist: Float, _ j: Int32) -> Bool {
        if !(dist < hd[0] || (dist == hd[0] && hi[0] >= 0 && j < hi[0]) || hi[0] < 0) { return false }
        for m in 0..<k where hi[m] == j { return false }
        siftDown(hd, hi, nil, k, dist, j)
        return true
    }

    /// Whether `j` is among the k indices at `hi` (16 lanes at a time: this runs for every proposal).
    @inline(__always)
    static func contains(_ hi: UnsafeMutablePointer<Int32>, _ k: Int, _ j: Int32) -> Bool {
        let key = SIMD16<Int32>(repeating: j)
        let raw = UnsafeRawPointer(hi)
        var m = 0
        while m + 16 <= k {
            if any(raw.loadUnaligned(fromByteOffset: m * 4, as: SIMD16<Int32>.self) .== key) { return true }
            m += 16
        }
        while m < k { if hi[m] == j { return true }; m += 1 }
        return false
    }

    /// `heapPush` that also marks the entry as not yet joined.
    @inline(__always)
    static func heapPushFresh(_ hd: UnsafeMutablePointer<Float>, _ hi: UnsafeMutablePointer<Int32>,
                              _ fresh: UnsafeMutablePointer<Bool>, _ k: Int, _ dist: Float, _ j: Int32) -> Bool {
        if !(dist < hd[0] || hi[0] < 0) { return false }
        if contains(hi, k, j) { return false }
        siftDown(hd, hi, fresh, k, dist, j)
        return true
    }

    /// Replaces the root by (dist, j) and restores the max-heap order on (distance, index);
    /// empty slots (index −1, distance ∞) count as largest.
    @inline(__always)
    static func siftDown(_ hd: UnsafeMutablePointer<Float>, _ hi: UnsafeMutablePointer<Int32>,
                         _ fresh: UnsafeMutablePointer<Bool>?, _ k: Int, _ dist: Float, _ j: Int32) {
        @inline(__always) func greater(_ a: Int, _ b: Int) -> Bool {
            hd[a] > hd[b] || (hd[a] == hd[b] && (hi[a] < 0 ? hi[b] >= 0 : hi[b] >= 0 && hi[a] > hi[b]))
        }
        var c = 0
        while true {
            let l = 2 * c + 1
            if l >= k { break }
            var big = l
            if l + 1 < k && greater(l + 1, l) { big = l + 1 }
            // stop when (dist, j) is not smaller than the bigger child
            if hi[big] >= 0 && (hd[big] < dist || (hd[big] == dist && hi[big] < j)) { break }
            hd[c] = hd[big]; hi[c] = hi[big]
            if let fresh { fresh[c] = fresh[big] }
            c = big
        }
        hd[c] = dist; hi[c] = j
        if let fresh { fresh[c] = true }
    }
}

/// Random-projection trees over the rows of a matrix: each node splits its points by the
/// hyperplane half-way between two of them, chosen from the seed; leaves hold ≤ leafSize points.
struct RandomProjectionForest: @unchecked Sendable {
    let trees: Int
    let n: Int
    /// Per tree, the points in leaf order (`order[t * n ..< (t + 1) * n]`).
    var order: [Int32]
    /// Per tree and point, the point's leaf as a range of `order` positions.
    var leafStart: [Int32]
    var leafEnd: [Int32]

    func leafRange(tree t: Int, point i: Int) -> Range<Int> {
        Int(leafStart[t * n + i])..<Int(leafEnd[t * n + i])
    }

    init(_ x: UnsafePointer<Float>, n: Int, d: Int, trees: Int, leafSize: Int, seed: UInt64) {
        self.trees = trees; self.n = n
        var order = [Int32](repeating: 0, count: trees * n)
        var ls = [Int32](repeating: 0, count: trees * n), le = [Int32](repeating: 0, count: trees * n)
        order.withUnsafeMutableBufferPointer { ob in ls.withUnsafeMutableBufferPointer { lsb in le.withUnsafeMutableBufferPointer { leb in
            let op = ob.baseAddress!, lsp = lsb.baseAddress!, lep = leb.baseAddress!
            // one tree per task, each from its own generator: the trees do not depend on scheduling
            parallel(trees) { t in
                var rng = SplitMix64(seed &+ 0x5250_5472_6565 &+ UInt64(t) &* 0x9E37_79B9)
                let ord = op + t * n
                for i in 0..<n { ord[i] = Int32(i) }
                var stack: [(Int, Int)] = [(0, n)]
                var normal = [Float](repeating: 0, count: d)
                while let (lo, hi) = stack.popLast() {
                    let count = hi - lo
                    if count <= leafSize {
                        for s in lo..<hi { lsp[t * n + Int(ord[s])] = Int32(lo); lep[t * n + Int(ord[s])] = Int32(hi) }
                        continue
                    }
                    var mid = lo
                    for _ in 0..<3 {
                        let a = Int(ord[lo + rng.below(count)])
                        var b = Int(ord[lo + rng.below(count - 1)])
                        if b == a { b = Int(ord[hi - 1]) }
                        var offset: Float = 0
                        for u in 0..<d {
                            let xa = x[a * d + u], xb = x[b * d + u]
                            normal[u] = xa - xb
                            offset += (xa - xb) * (xa + xb) / 2
                        }
                        // partition: points on a's side first
                        var l = lo, r = hi - 1
                        while l <= r {
                            let p = Int(ord[l])
                            var s: Float = 0
                            for u in 0..<d { s += normal[u] * x[p * d + u] }
                            if s - offset > 0 { l += 1 } else { ord.swapAt(l, r); r -= 1 }
                        }
                        mid = l
                        if mid > lo && mid < hi { break }
                    }
                    // duplicates or a hopeless direction: halve the range as it stands
                    if mid <= lo || mid >= hi { mid = lo + count / 2 }
                    stack.append((mid, hi)); stack.append((lo, mid))
                }
            }
        }}}
        self.order = order; leafStart = ls; leafEnd = le
    }
}

fileprivate extension UnsafeMutablePointer where Pointee == Int32 {
    @inline(__always) func swapAt(_ a: Int, _ b: Int) { let t = self[a]; self[a] = self[b]; self[b] = t }
}
