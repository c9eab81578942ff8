import Foundation
import TxTensor

/// Settings for placing new points into an existing map.
public struct TransformOptions: Sendable {
    /// Perplexity of each new point's affinities to the reference points (openTSNE's default 5).
    public var perplexity = 5.0
    public var iterations = 100
    /// Step size in the per-point gradient's units.
    public var learningRate = 0.5
    public var momentum = 0.8
    public var minGain = 0.01
    public var maxStepNorm = 5.0
    /// Barnes–Hut θ for the repulsion from the reference points (2-D); 0 = exact.
    public var theta = 0.5
    public init() {}
}

extension TSNE {
    /// Places the rows of `newX` into the fixed map `embedding` of the reference rows `x`
    /// (as openTSNE's `transform`): each new point's affinities p_{j|i} to its
    /// k = 3·perplexity nearest reference points are calibrated as in `run`, it starts at the
    /// p-weighted mean of those neighbours' positions, and then it alone moves, for
    /// `iterations` steps, down the gradient of KL(p_i ‖ q_i) with
    /// q_{j|i} = w_ij / Σ_l w_il over the reference points (new points do not
    /// interact with each other, so each is placed independently; the old points stay put).
    public static func transform(_ newX: Tensor, reference x: Tensor, embedding: Tensor,
                                 options o: TransformOptions = TransformOptions()) throws -> Tensor {
        guard x.ndim == 2, newX.ndim == 2, embedding.ndim == 2 else { throw TSNEError("transform needs [N, D] matrices") }
        guard newX.shape[1] == x.shape[1] else {
            throw TSNEError("transform: new points have \(newX.shape[1]) features, the reference \(x.shape[1])")
        }
        guard embedding.shape[0] == x.shape[0] else {
            throw TSNEError("transform: the embedding has \(embedding.shape[0]) rows, the reference data \(x.shape[0])")
        }
        guard newX.data.allSatisfy({ $0.isFinite }) else { throw TSNEError("transform: the new points contain NaN or infinity") }
        let n = x.shape[0], m = newX.shape[0], dims = embedding.shape[1]
        guard n >= 2 else { throw TSNEError("transform needs at least 2 reference points") }
        if m == 0 { return Tensor(shape: [0, dims], data: []) }
        let perplexity = min(o.perplexity, Double(n) / 3)
        let k = min(n, max(1, Int(3 * perplexity)))
        let nb = try Affinities.exactKNN(x, k: k, query: newX, excludeSelf: false)
        let (p, _) = Affinities.conditional(nb, perplexity: max(perplexity, 1e-3))
        let ref = embedding.data.map(Double.init)
        var y = [Double](repeating: 0, count: m * dims)
        for i in 0..<m {
            for t in 0..<k {
                let j = nb.indices[i * k + t], w = p[i * k + t]
                for a in 0..<dims { y[i * dims + a] += w * ref[j * dims + a] }
            }
        }
        let tree: QuadTree? = dims == 2 && o.theta > 0 ? ref.withUnsafeBufferPointer { QuadTree($0, n) } : nil
        let theta2 = o.theta * o.theta
        y.withUnsafeMutableBufferPointer { yall in
            let yp = yall
            parallel(workerChunks) { c in
                var update = [Double](repeating: 0, count: dims), gains = [Double](repeating: 1, count: dims)
                var grad = [Double](repeating: 0, count: dims), rep = [Double](repeating: 0, count: dims)
                var diff = [Double](repeating: 0, count: dims)
                var stack = [Int32](repeating: 0, count: 4 * 64 + 8)
                for i in chunkRange(c, workerChunks, m) {
                    for a in 0..<dims { update[a] = 0; gains[a] = 1 }
                    for _ in 0..<o.iterations {
                        // attraction to the neighbours
                        for a in 0..<dims { grad[a] = 0; rep[a] = 0 }
                        for t in 0..<k {
                            let j = nb.indices[i * k + t]
                            var d2 = 0.0
                            for a in 0..<dims { let v = yp[i * dims + a] - ref[j * dims + a]; diff[a] = v; d2 += v * v }
                            let f = p[i * k + t] / (1 + d2)
                            for a in 0..<dims { grad[a] += f * diff[a] }
                        }
                        // repulsion from all reference points
                        var z = 0.0
                        if let tree {
                            let y0 = yp[2 * i], y1 = yp[2 * i + 1]
                            var top = 1
                            stack[0] = 0
                            while top > 0 {
                                top -= 1
                                let node = tree.nodes[Int(stack[top])]
                                let d0 = y0 - node.comX, d1 = y1 - node.comY
                                let d2 = d0 * d0 + d1 * d1
                                if node.leaf {
                                    for s in Int(node.start)..<Int(node.end) {
                                        let j = tree.order[s]
                                        let e0 = y0 - ref[2 * j], e1 = y1 - ref[2 * j + 1]
                                        let w = 1 / (1 + e0 * e0 + e1 * e1)
                                        z += w; rep[0] += w * w * e0; rep[1] += w * w * e1
                                    }
                                } else if node.width2 < theta2 * d2 {
                                    let w = 1 / (1 + d2), cnt = node.count
                                    z += cnt * w; rep[0] += cnt * w * w * d0; rep[1] += cnt * w * w * d1
                                } else {
                                    if node.c3 >= 0 { stack[top] = node.c3; top += 1 }
                                    if node.c2 >= 0 { stack[top] = node.c2; top += 1 }
                                    if node.c1 >= 0 { stack[top] = node.c1; top += 1 }
                                    if node.c0 >= 0 { stack[top] = node.c0; top += 1 }
                                }
                            }
                        } else {
                            for j in 0..<n {
                                var d2 = 0.0
                                for a in 0..<dims { let v = yp[i * dims + a] - ref[j * dims + a]; diff[a] = v; d2 += v * v }
                                let w = 1 / (1 + d2)
                                z += w
                                for a in 0..<dims { rep[a] += w * w * diff[a] }
                            }
                        }
                        var s = 0.0
                        for a in 0..<dims {
                            let g = 2 * (grad[a] - rep[a] / z)
                            if (update[a] > 0 ? 1 : update[a] < 0 ? -1 : 0) != (g > 0 ? 1 : g < 0 ? -1 : 0) { gains[a] += 0.2 }
                            else { gains[a] = gains[a] * 0.8 + o.minGain }
                            gains[a] = max(gains[a], o.minGain)
                            update[a] = o.momentum * update[a] - o.learningRate * gains[a] * g
                            s += update[a] * update[a]
                        }
                        if s > o.maxStepNorm * o.maxStepNorm {
                            let f = o.maxStepNorm / s.squareRoot()
                            for a in 0..<dims { update[a] *= f }
                        }
                        for a in 0..<dims { yp[i * dims + a] += update[a] }
                    }
                }
            }
        }
        return Tensor(shape: [m, dims], data: y.map { Float($0) })
    }
}
