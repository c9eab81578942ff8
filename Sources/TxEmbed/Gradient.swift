import Foundation

// The t-SNE gradient in openTSNE's scaling (without the constant factor 4):
//   g_i = α Σ_j p_ij w_ij (y_i − y_j)  −  (1/Z) Σ_{j≠i} w_ij² (y_i − y_j),
//   w_ij = 1 / (1 + ‖y_i − y_j‖²),  Z = Σ_{i≠j} w_ij,
// so ∂KL/∂y_i = 4 g_i when α = 1. Every function writes its own rows of `grad`
// from one chunk per core (no shared accumulators) and returns Z summed in chunk
// order, so results are deterministic.

enum Gradient {
    /// Attractive part: grad_i = α Σ_j p_ij w_ij (y_i − y_j) (overwrites grad).
    static func attractive(_ y: UnsafeBufferPointer<Double>, _ dims: Int, _ p: SparseMatrix, _ alpha: Double,
                           _ grad: UnsafeMutableBufferPointer<Double>) {
        let n = p.n
        p.rowStart.withUnsafeBufferPointer { rs in
            p.columns.withUnsafeBufferPointer { cs in
                p.values.withUnsafeBufferPointer { vs in
                    parallel(workerChunks) { c in
                        if dims == 2 {
                            for i in chunkRange(c, workerChunks, n) {
                                let yi0 = y[2 * i], yi1 = y[2 * i + 1]
                                var a0 = 0.0, a1 = 0.0
                                for e in rs[i]..<rs[i + 1] {
                                    let j = cs[e]
                                    let d0 = yi0 - y[2 * j], d1 = yi1 - y[2 * j + 1]
                                    let f = vs[e] / (1 + d0 * d0 + d1 * d1)
                                    a0 += f * d0; a1 += f * d1
                                }
                                grad[2 * i] = alpha * a0; grad[2 * i + 1] = alpha * a1
                            }
                            return
                        }
                        var diff = [Double](repeating: 0, count: dims)
                        var acc = [Double](repeating: 0, count: dims)
                        for i in chunkRange(c, workerChunks, n) {
                            for a in 0..<dims { acc[a] = 0 }
                            for e in rs[i]..<rs[i + 1] {
                                let j = cs[e]
                                var d2 = 0.0
                                for a in 0..<dims { let v = y[i * dims + a] - y[j * dims + a]; diff[a] = v; d2 += v * v }
                                let f = vs[e] / (1 + d2)
                                for a in 0..<dims { acc[a] += f * diff[a] }
                            }
                            for a in 0..<dims { grad[i * dims + a] = alpha * acc[a] }
                        }
                    }
                }
            }
        }
    }

    /// Exact repulsion over all pairs, O(N²): subtracts (1/Z) Σ w² (y_i − y_j) from grad; returns Z.
    @discardableResult
    static func exactRepulsive(_ y: UnsafeBufferPointer<Double>, _ n: Int, _ dims: Int,
                               _ grad: UnsafeMutableBufferPointer<Double>?) -> Double {
        var rep = [Double](repeating: 0, count: grad == nil ? 0 : n * dims)
        var zs = [Double](repeating: 0, count: workerChunks)
        rep.withUnsafeMutableBufferPointer { rp in
            zs.withUnsafeMutableBufferPointer { zp in
                let rpp = rp, zpp = zp, want = grad != nil
                parallel(workerChunks) { c in
                    var z = 0.0
                    if dims == 2 {
                        for i in chunkRange(c, workerChunks, n) {
                            let yi0 = y[2 * i], yi1 = y[2 * i + 1]
                            var r0 = 0.0, r1 = 0.0
                            for j in 0..<n where j != i {
                                let d0 = yi0 - y[2 * j], d1 = yi1 - y[2 * j + 1]
                                let w = 1 / (1 + d0 * d0 + d1 * d1)
                                z += w
                                let w2 = w * w
                                r0 += w2 * d0; r1 += w2 * d1
                            }
                            if want { rpp[2 * i] = r0; rpp[2 * i + 1] = r1 }
                        }
                    } else {
                        var diff = [Double](repeating: 0, count: dims)
                        for i in chunkRange(c, workerChunks, n) {
                            for j in 0..<n where j != i {
                                var d2 = 0.0
                                for a in 0..<dims { let v = y[i * dims + a] - y[j * dims + a]; diff[a] = v; d2 += v * v }
                                let w = 1 / (1 + d2)
                                z += w
                                if want { for a in 0..<dims { rpp[i * dims + a] += w * w * diff[a] } }
                            }
                        }
                    }
                    zpp[c] = z
                }
            }
        }
        let z = zs.reduce(0, +)
        if let grad { for t in 0..<(n * dims) { grad[t] -= rep[t] / z } }
        return z
    }

    /// KL(P ‖ Q) for Q_ij = w_ij / Z with the given Z (Σ P = 1 assumed up to rounding).
    static func kl(_ y: UnsafeBufferPointer<Double>, _ dims: Int, _ p: SparseMatrix, z: Double) -> Double {
        var s = 0.0, psum = 0.0
        for i in 0..<p.n {
            for e in p.rowStart[i]..<p.rowStart[i + 1] {
                let j = p.columns[e], pij = p.values[e]
                guard pij > 0 else { continue }
                var d2 = 0.0
                for a in 0..<dims { let v = y[i * dims + a] - y[j * dims + a]; d2 += v * v }
                s += pij * (log(pij) + log1p(d2))
                psum += pij
            }
        }
        return s + psum * log(z)
    }
}

/// One cell of the quadtree: centre of mass, (cell width)², point count, children
/// (−1 for none) and, for a leaf, its range in `QuadTree.order`.
struct BHNode {
    var comX = 0.0, comY = 0.0, width2 = 0.0, count = 0.0
    var c0: Int32 = -1, c1: Int32 = -1, c2: Int32 = -1, c3: Int32 = -1
    var start: Int32 = 0, end: Int32 = 0
    var leaf = true
}

/// A Barnes–Hut quadtree over 2-D points, rebuilt every iteration into the same
/// (kept-capacity) arrays. The top two levels are built serially; the (up to 16)
/// subtrees below them are built in parallel into their own arrays and appended in a
/// fixed order, so the tree is the same whatever the scheduling.
final class QuadTree {
    var nodes: [BHNode] = []
    var order: [Int] = []               // point indices, leaves own contiguous ranges
    private var scratch: [Int] = []
    private var parts: [[BHNode]] = []

    private struct Task { var parent: Int; var q: Int; var lo: Int; var hi: Int; var cx: Double; var cy: Double; var half: Double; var depth: Int }

    init() {}

    convenience init(_ y: UnsafeBufferPointer<Double>, _ n: Int) {
        self.init()
        rebuild(y, n)
    }

    func rebuild(_ y: UnsafeBufferPointer<Double>, _ n: Int) {
        nodes.removeAll(keepingCapacity: true)
        if order.count != n { order = Array(0..<n); scratch = [Int](repeating: 0, count: n) }
        else { for i in 0..<n { order[i] = i } }
        var minX = Double.infinity, maxX = -Double.infinity, minY = Double.infinity, maxY = -Double.infinity
        for i in 0..<n {
            minX = min(minX, y[2 * i]); maxX = max(maxX, y[2 * i])
            minY = min(minY, y[2 * i + 1]); maxY = max(maxY, y[2 * i + 1])
        }
        let half = max(maxX - minX, maxY - minY) / 2 * (1 + 1e-9) + 1e-12
        var tasks: [Task] = []
        order.withUnsafeMutableBufferPointer { op in
            scratch.withUnsafeMutableBufferPointer { sp in
                _ = QuadTree.build(&nodes, y, op, sp, 0, n, (minX + maxX) / 2, (minY + maxY) / 2, half, 0,
                                   splitDepth: n >= 1000 ? 2 : 64, tasks: &tasks)
                if tasks.isEmpty { return }
                while parts.count < tasks.count { parts.append([]) }
                parts.withUnsafeMutableBufferPointer { pp in
                    let ppp = pp, opp = op, spp = sp
                    DispatchQueue.concurrentPerform(iterations: tasks.count) { t in
                        let task = tasks[t]
                        ppp[t].removeAll(keepingCapacity: true)
                        var none: [Task] = []
                        _ = QuadTree.build(&ppp[t], y, opp, spp, task.lo, task.hi, task.cx, task.cy, task.half, task.depth,
                                           splitDepth: 1 << 30, tasks: &none)
                    }
                }
            }
        }
        for (t, task) in tasks.enumerated() {
            let offset = Int32(nodes.count)
            for var node in parts[t] {
                if node.c0 >= 0 { node.c0 += offset }
                if node.c1 >= 0 { node.c1 += offset }
                if node.c2 >= 0 { node.c2 += offset }
                if node.c3 >= 0 { node.c3 += offset }
                nodes.append(node)
            }
            switch task.q {
            case 0: nodes[task.parent].c0 = offset
            case 1: nodes[task.parent].c1 = offset
            case 2: nodes[task.parent].c2 = offset
            default: nodes[task.parent].c3 = offset
            }
        }
    }

    private static func build(_ nodes: inout [BHNode], _ y: UnsafeBufferPointer<Double>,
                              _ order: UnsafeMutableBufferPointer<Int>, _ scratch: UnsafeMutableBufferPointer<Int>,
                              _ lo: Int, _ hi: Int, _ cx: Double, _ cy: Double, _ half: Double, _ depth: Int,
                              splitDepth: Int, tasks: inout [Task]) -> Int {
        let index = nodes.count
        var sx = 0.0, sy = 0.0
        for t in lo..<hi { let i = order[t]; sx += y[2 * i]; sy += y[2 * i + 1] }
        let m = hi - lo
        var node = BHNode()
        node.comX = sx / Double(m); node.comY = sy / Double(m); node.count = Double(m)
        node.width2 = 4 * half * half
        node.start = Int32(lo); node.end = Int32(hi)
        // a single point, or (duplicates) the depth limit: a leaf
        if m == 1 || depth >= 48 { nodes.append(node); return index }
        node.leaf = false
        nodes.append(node)
        // partition into quadrants (stable counting sort)
        var c0 = 0, c1 = 0, c2 = 0
        for t in lo..<hi {
            let i = order[t]
            switch (y[2 * i] >= cx ? 1 : 0) + (y[2 * i + 1] >= cy ? 2 : 0) {
            case 0: c0 += 1
            case 1: c1 += 1
            case 2: c2 += 1
            default: break
            }
        }
        let b1 = lo + c0, b2 = b1 + c1, b3 = b2 + c2
        var p0 = lo, p1 = b1, p2 = b2, p3 = b3
        for t in lo..<hi {
            let i = order[t]
            switch (y[2 * i] >= cx ? 1 : 0) + (y[2 * i + 1] >= cy ? 2 : 0) {
            case 0: scratch[p0] = i; p0 += 1
            case 1: scratch[p1] = i; p1 += 1
            case 2: scratch[p2] = i; p2 += 1
            default: scratch[p3] = i; p3 += 1
            }
        }
        for t in lo..<hi { order[t] = scratch[t] }
        let h2 = half / 2
        let ranges = [(lo, b1, cx - h2, cy - h2), (b1, b2, cx + h2, cy - h2), (b2, b3, cx - h2, cy + h2), (b3, hi, cx + h2, cy + h2)]
        for q in 0..<4 {
            let (a, b, ccx, ccy) = ranges[q]
            if a == b { continue }
            if depth + 1 >= splitDepth {
                tasks.append(Task(parent: index, q: q, lo: a, hi: b, cx: ccx, cy: ccy, half: h2, depth: depth + 1))
                continue
            }
            let child = Int32(build(&nodes, y, order, scratch, a, b, ccx, ccy, h2, depth + 1, splitDepth: splitDepth, tasks: &tasks))
            switch q {
            case 0: nodes[index].c0 = child
            case 1: nodes[index].c1 = child
            case 2: nodes[index].c2 = child
            default: nodes[index].c3 = child
            }
        }
        return index
    }

    /// Barnes–Hut repulsion: subtracts (1/Ẑ) Σ w² (y_i − y_j) from grad; returns the estimated Z.
    /// Points are visited in tree order (neighbours in a row walk similar paths).
    static func repulsive(_ y: UnsafeBufferPointer<Double>, _ n: Int, theta: Double,
                          _ grad: UnsafeMutableBufferPointer<Double>, tree reuse: QuadTree? = nil) -> Double {
        let tree = reuse ?? QuadTree()
        tree.rebuild(y, n)
        var rep = [Double](repeating: 0, count: 2 * n)
        var zs = [Double](repeating: 0, count: workerChunks)
        let theta2 = theta * theta
        tree.nodes.withUnsafeBufferPointer { nodes in
        tree.order.withUnsafeBufferPointer { ord in
        rep.withUnsafeMutableBufferPointer { rp in
        zs.withUnsafeMutableBufferPointer { zp in
            let rpp = rp, zpp = zp
            parallel(workerChunks) { c in
                var stack = [Int32](repeating: 0, count: 4 * 64 + 8)
                var z = 0.0
                stack.withUnsafeMutableBufferPointer { st in
                    for position in chunkRange(c, workerChunks, n) {
                        let i = ord[position]
                        let yi0 = y[2 * i], yi1 = y[2 * i + 1]
                        var r0 = 0.0, r1 = 0.0
                        var top = 1
                        st[0] = 0
                        while top > 0 {
                            top -= 1
                            let node = nodes[Int(st[top])]
                            let d0 = yi0 - node.comX, d1 = yi1 - node.comY
                            let d2 = d0 * d0 + d1 * d1
                            if node.leaf {
                                for t in Int(node.start)..<Int(node.end) {
                                    let j = ord[t]
                                    if j == i { continue }
                                    let e0 = yi0 - y[2 * j], e1 = yi1 - y[2 * j + 1]
                                    let w = 1 / (1 + e0 * e0 + e1 * e1)
                                    z += w
                                    r0 += w * w * e0; r1 += w * w * e1
                                }
                            } else if node.width2 < theta2 * d2 {
                                let w = 1 / (1 + d2), m = node.count
                                z += m * w
                                let f = m * w * w
                                r0 += f * d0; r1 += f * d1
                            } else {
                                if node.c3 >= 0 { st[top] = node.c3; top += 1 }
                                if node.c2 >= 0 { st[top] = node.c2; top += 1 }
                                if node.c1 >= 0 { st[top] = node.c1; top += 1 }
                                if node.c0 >= 0 { st[top] = node.c0; top += 1 }
                            }
                        }
                        rpp[2 * i] = r0; rpp[2 * i + 1] = r1
                    }
                }
                zpp[c] = z
            }
        }}}}
        let z = zs.reduce(0, +)
        for t in 0..<(2 * n) { grad[t] -= rep[t] / z }
        return z
    }
}
