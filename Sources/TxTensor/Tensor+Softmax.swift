import Foundation

extension Tensor {
    /// `exp(x - max) / sum(exp(x - max))` along `axis`: each lane sums to 1.
    /// - Throws: `TensorError` for an out-of-range axis.
    /// - Complexity: O(n).
    public func softmax(axis: Int) throws -> Tensor {
        try softmaxLike(axis: axis, log: false)
    }

    /// `x - max - log(sum(exp(x - max)))` along `axis`, the numerically stable log of ``softmax(axis:)``.
    /// - Throws: `TensorError` for an out-of-range axis.
    /// - Complexity: O(n).
    public func logSoftmax(axis: Int) throws -> Tensor {
        try softmaxLike(axis: axis, log: true)
    }

    private func softmaxLike(axis: Int, log: Bool) throws -> Tensor {
        let ax = try Tensor.normalizeAxis(axis, ndim: ndim)
        let (outer, n, inner) = lanes(axis: ax)
        let total = count
        return data.withUnsafeBufferPointer { x in
            Tensor.build(shape, count: total) { out in
                if inner == 1 {
                    // The common case (last axis): each lane is contiguous.
                    for o in 0..<outer where n > 0 {
                        let base = o * n
                        var mx = -Float.infinity
                        for k in 0..<n { let v = x[base + k]; if v > mx || v.isNaN { mx = v } }
                        if mx == -.infinity { mx = 0 }
                        var sum = 0.0
                        for k in 0..<n {
                            let e = Foundation.exp(x[base + k] - mx)
                            out[base + k] = e
                            sum += Double(e)
                        }
                        if log {
                            let shift = mx + Float(Foundation.log(sum))
                            for k in 0..<n { out[base + k] = x[base + k] - shift }
                        } else {
                            let scale = Float(1 / sum)
                            for k in 0..<n { out[base + k] *= scale }
                        }
                    }
                    return
                }
                var m = [Float](repeating: 0, count: inner)
                var s = [Double](repeating: 0, count: inner)
                for o in 0..<outer where n > 0 {
                    let base = o * n * inner
                    for i in 0..<inner { m[i] = -.infinity; s[i] = 0 }
                    for k in 0..<n {
                        for i in 0..<inner { let v = x[base + k * inner + i]; if v > m[i] || v.isNaN { m[i] = v } }
                    }
                    // A lane of all -inf has max -inf; shift by 0 so it gives NaN like NumPy, not a crash.
                    for i in 0..<inner where m[i] == -.infinity { m[i] = 0 }
                    for k in 0..<n {
                        let row = base + k * inner
                        for i in 0..<inner {
                            let e = Foundation.exp(x[row + i] - m[i])
                            if !log { out[row + i] = e }
                            s[i] += Double(e)
                        }
                    }
                    for k in 0..<n {
                        let row = base + k * inner
                        for i in 0..<inner {
                            if log {
                                out[row + i] = x[row + i] - m[i] - Float(Foundation.log(s[i]))
                            } else {
                                out[row + i] = Float(Double(out[row + i]) / s[i])
                            }
                        }
                    }
                }
            }
        }
    }
}
