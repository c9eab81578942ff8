import Foundation

/// A Barnes–Hut octree over 3-D points (built serially each iteration; the
/// traversal runs on both cores). Node `k`'s children are `children[8k ..< 8k+8]` (−1 for none).
final class OctTree {
    var com: [Double] = []              // 3 per node
    var count: [Double] = []
    var width2: [Double] = []
    var children: [Int32] = []
    var leaf: [Bool] = []
    var start: [Int32] = [], end: [Int32] = []
    var order: [Int] = []
    private var scratch: [Int] = []

    func rebuild(_ y: UnsafeBufferPointer<Double>, _ n: Int) {
        com.removeAll(keepingCapacity: true); count.removeAll(keepingCapacity: true)
        width2.removeAll(keepingCapacity: true); children.removeAll(keepingCapacity: true)
        leaf.removeAll(keepingCapacity: true); start.removeAll(keepingCapacity: true); end.removeAll(keepingCapacity: true)
        if order.count != n { order = Array(0..<n); scratch = [Int](repeating: 0, count: n) }
        else { for i in 0..<n { order[i] = i } }
        var lo = [Double](repeating: .infinity, count: 3), hi = [Double](repeating: -.infinity, count: 3)
        for i in 0..<n { for a in 0..<3 { lo[a] = min(lo[a], y[3 * i + a]); hi[a] = max(hi[a], y[3 * i + a]) } }
        let half = max(hi[0] - lo[0], hi[1] - lo[1], hi[2] - lo[2]) / 2 * (1 + 1e-9) + 1e-12
        _ = build(y, 0, n, ((lo[0] + hi[0]) / 2, (lo[1] + hi[1]) / 2, (lo[2] + hi[2]) / 2), half, 0)
    }

    private func build(_ y: UnsafeBufferPointer<Double>, _ lo: Int, _ hi: Int,
                       _ c: (Double, Double, Double), _ half: Double, _ depth: Int) -> Int {
        let node = count.count
        var s0 = 0.0, s1 = 0.0, s2 = 0.0
        for t in lo..<hi { let i = order[t]; s0 += y[3 * i]; s1 += y[3 * i + 1]; s2 += y[3 * i + 2] }
        let m = hi - lo
        com.append(s0 / Double(m)); com.append(s1 / Double(m)); com.append(s2 / Double(m))
        count.append(Double(m)); width2.append(4 * half * half)
        for _ in 0..<8 { children.append(-1) }
        start.append(Int32(lo)); end.append(Int32(hi)); leaf.append(true)
        if m == 1 || depth >= 48 { return node }
        leaf[node] = false
        @inline(__always) func octant(_ i: Int) -> Int {
            (y[3 * i] >= c.0 ? 1 : 0) + (y[3 * i + 1] >= c.1 ? 2 : 0) + (y[3 * i + 2] >= c.2 ? 4 : 0)
        }
        var counts = (0, 0, 0, 0, 0, 0, 0, 0)
        withUnsafeMutableBytes(of: &counts) { raw in
            let cnt = raw.bindMemory(to: Int.self)
            for t in lo..<hi { cnt[octant(order[t])] += 1 }
            var pos = (0, 0, 0, 0, 0, 0, 0, 0)
            withUnsafeMutableBytes(of: &pos) { praw in
                let p = praw.bindMemory(to: Int.self)
                var acc = lo
                for q in 0..<8 { p[q] = acc; acc += cnt[q] }
                for t in lo..<hi { let i = order[t]; let q = octant(i); scratch[p[q]] = i; p[q] += 1 }
            }
        }
        for t in lo..<hi { order[t] = scratch[t] }
        let h2 = half / 2
        var a = lo
        for q in 0..<8 {
            let k = withUnsafeBytes(of: counts) { $0.bindMemory(to: Int.self)[q] }
            if k == 0 { continue }
            let cc = (c.0 + (q & 1 != 0 ? h2 : -h2), c.1 + (q & 2 != 0 ? h2 : -h2), c.2 + (q & 4 != 0 ? h2 : -h2))
            let child = build(y, a, a + k, cc, h2, depth + 1)
            children[8 * node + q] = Int32(child)
            a += k
        }
        return node
    }

    /// Barnes–Hut repulsion in 3-D: subtracts (1/Ẑ) Σ w² (y_i − y_j) from grad; returns Ẑ.
    static func repulsive(_ y: UnsafeBufferPointer<Double>, _ n: Int, theta: Double,
                          _ grad: UnsafeMutableBufferPointer<Double>, tree reuse: OctTree? = nil) -> Double {
        let tree = reuse ?? OctTree()
        tree.rebuild(y, n)
        var rep = [Double](repeating: 0, count: 3 * n)
        var zs = [Double](repeating: 0, count: workerChunks)
        let theta2 = theta * theta
        tree.com.withUnsafeBufferPointer { com in
        tree.count.withUnsafeBufferPointer { cnt in
        tree.width2.withUnsafeBufferPointer { w2 in
        tree.children.withUnsafeBufferPointer { ch in
        tree.leaf.withUnsafeBufferPointer { leaf in
        tree.start.withUnsafeBufferPointer { st in
        tree.end.withUnsafeBufferPointer { en in
        tree.order.withUnsafeBufferPointer { ord in
        rep.withUnsafeMutableBufferPointer { rp in
        zs.withUnsafeMutableBufferPointer { zp in
            let rpp = rp, zpp = zp
            parallel(workerChunks) { c in
                var stack = [Int32](repeating: 0, count: 8 * 64 + 8)
                var z = 0.0
                for position in chunkRange(c, workerChunks, n) {
                    let i = ord[position]
                    let a0 = y[3 * i], a1 = y[3 * i + 1], a2 = y[3 * i + 2]
                    var r0 = 0.0, r1 = 0.0, r2 = 0.0
                    var top = 1
                    stack[0] = 0
                    while top > 0 {
                        top -= 1
                        let node = Int(stack[top])
                        if leaf[node] {
                            for t in Int(st[node])..<Int(en[node]) {
                                let j = ord[t]
                                if j == i { continue }
                                let e0 = a0 - y[3 * j], e1 = a1 - y[3 * j + 1], e2 = a2 - y[3 * j + 2]
                                let w = 1 / (1 + e0 * e0 + e1 * e1 + e2 * e2)
                                z += w
                                let f = w * w
                                r0 += f * e0; r1 += f * e1; r2 += f * e2
                            }
                            continue
                        }
                        let d0 = a0 - com[3 * node], d1 = a1 - com[3 * node + 1], d2 = a2 - com[3 * node + 2]
                        let dd = d0 * d0 + d1 * d1 + d2 * d2
                        if w2[node] < theta2 * dd {
                            let w = 1 / (1 + dd), m = cnt[node]
                            z += m * w
                            let f = m * w * w
                            r0 += f * d0; r1 += f * d1; r2 += f * d2
                        } else {
                            for q in stride(from: 7, through: 0, by: -1) where ch[8 * node + q] >= 0 {
                                stack[top] = ch[8 * node + q]; top += 1
                            }
                        }
                    }
                    rpp[3 * i] = r0; rpp[3 * i + 1] = r1; rpp[3 * i + 2] = r2
                }
                zpp[c] = z
            }
        }}}}}}}}}}
        let z = zs.reduce(0, +)
        for t in 0..<(3 * n) { grad[t] -= rep[t] / z }
        return z
    }
}
