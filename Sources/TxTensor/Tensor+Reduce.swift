import Foundation

/// A reduction over one axis or over all elements.
///
/// `std`/`var` are population statistics (ddof 0, like NumPy); `norm` is the
/// L2 (Frobenius) norm; `argmax`/`argmin` give the index of the first extreme
/// (as a float); `min`/`max` propagate NaN. Sums accumulate in Double.
public enum ReduceOp: Sendable {
    /// The sum (0 for no elements).
    case sum
    /// The arithmetic mean (NaN for no elements).
    case mean
    /// The population standard deviation (ddof 0).
    case std
    /// The population variance (ddof 0).
    case `var`
    /// The smallest element (NaN if any is NaN); an error for no elements.
    case min
    /// The largest element (NaN if any is NaN); an error for no elements.
    case max
    /// The index of the first largest element (of the flattened tensor when no axis is given).
    case argmax
    /// The index of the first smallest element (of the flattened tensor when no axis is given).
    case argmin
    /// The L2 (Frobenius) norm, `sqrt(sum(x²))`.
    case norm
    /// The product (1 for no elements).
    case prod
}

extension ReduceOp {
    /// The name used in error messages.
    var name: String {
        switch self {
        case .sum: "sum"
        case .mean: "mean"
        case .std: "std"
        case .var: "var"
        case .min: "min"
        case .max: "max"
        case .argmax: "argmax"
        case .argmin: "argmin"
        case .norm: "norm"
        case .prod: "prod"
        }
    }
}

extension Tensor {
    /// The shape viewed as `[outer, n, inner]` around `axis` (nil: all elements in one lane).
    func lanes(axis: Int?) -> (outer: Int, n: Int, inner: Int) {
        guard let axis else { return (1, count, 1) }
        let outer = shape[..<axis].reduce(1, *)
        let inner = shape[(axis + 1)...].reduce(1, *)
        return (outer, shape[axis], inner)
    }

    /// Reduces along `axis` (nil: over all elements), keeping the reduced axis
    /// as size 1 when `keepdims` is true.
    ///
    /// Lanes are processed row by row (an accumulator per output element), so
    /// reducing a leading axis streams memory in order.
    /// - Throws: `TensorError` for an out-of-range axis, or for min/max/argmin/argmax of nothing.
    /// - Complexity: O(n) (two passes for std/var).
    public func reduce(_ op: ReduceOp, axis: Int?, keepdims: Bool) throws -> Tensor {
        let ax = try axis.map { try Tensor.normalizeAxis($0, ndim: ndim) }
        let (outer, n, inner) = lanes(axis: ax)
        var outShape: [Int]
        if let ax {
            outShape = shape
            if keepdims { outShape[ax] = 1 } else { outShape.remove(at: ax) }
        } else {
            outShape = keepdims ? [Int](repeating: 1, count: ndim) : []
        }
        let needsElement = op == .min || op == .max || op == .argmin || op == .argmax
        if needsElement && n == 0 && (ax == nil || outer * inner > 0) {
            throw TensorError("\(op.name) of an empty \(ax == nil ? "tensor" : "axis") (shape \(shapeString(shape)))")
        }
        let outCount = outer * inner
        return data.withUnsafeBufferPointer { x in
            Tensor.build(outShape, count: outCount) { out in
                var acc = [Double](repeating: 0, count: inner)
                var dev = [Double](repeating: 0, count: inner)
                var best = [Float](repeating: 0, count: inner)
                var bestAt = [Int](repeating: 0, count: inner)
                for o in 0..<outer {
                    let base = o * n * inner
                    let dst = o * inner
                    switch op {
                    case .sum, .mean, .prod, .norm, .var, .std:
                        acc.withUnsafeMutableBufferPointer { a in
                            switch op {
                            case .prod:
                                Tensor.foldLanes(x, base: base, n: n, acc: a, start: 1) { $0 * Double($1) }
                            case .norm:
                                Tensor.foldLanes(x, base: base, n: n, acc: a, start: 0) { s, v in s + Double(v) * Double(v) }
                            default:
                                Tensor.foldLanes(x, base: base, n: n, acc: a, start: 0) { $0 + Double($1) }
                            }
                        }
                        switch op {
                        case .sum, .prod:
                            for i in 0..<inner { out[dst + i] = Float(acc[i]) }
                        case .norm:
                            for i in 0..<inner { out[dst + i] = Float(acc[i].squareRoot()) }
                        case .mean:
                            for i in 0..<inner { out[dst + i] = Float(acc[i] / Double(n)) }
                        default:
                            // Second pass: the mean squared deviation from the mean (stable for large offsets).
                            for i in 0..<inner { acc[i] /= Double(n) }
                            dev.withUnsafeMutableBufferPointer { d in
                                acc.withUnsafeBufferPointer { mean in
                                    if inner == 1 {
                                        let m = mean[0]
                                        Tensor.foldLanes(x, base: base, n: n, acc: d, start: 0) { s, v in
                                            let e = Double(v) - m
                                            return s + e * e
                                        }
                                    } else {
                                        for i in 0..<inner { d[i] = 0 }
                                        for k in 0..<n {
                                            let row = base + k * inner
                                            for i in 0..<inner {
                                                let e = Double(x[row + i]) - mean[i]
                                                d[i] += e * e
                                            }
                                        }
                                    }
                                }
                            }
                            for i in 0..<inner {
                                let v = dev[i] / Double(n)
                                out[dst + i] = Float(op == .std ? v.squareRoot() : v)
                            }
                        }
                    case .min, .max, .argmin, .argmax:
                        let isMax = op == .max || op == .argmax
                        for i in 0..<inner { best[i] = x[base + i]; bestAt[i] = 0 }
                        for k in 1..<max(n, 1) {
                            let row = base + k * inner
                            for i in 0..<inner {
                                let v = x[row + i], b = best[i]
                                if b.isNaN { continue }
                                if (isMax ? v > b : v < b) || v.isNaN {
                                    best[i] = v
                                    bestAt[i] = k
                                }
                            }
                        }
                        if op == .min || op == .max {
                            for i in 0..<inner { out[dst + i] = best[i] }
                        } else {
                            for i in 0..<inner { out[dst + i] = Float(bestAt[i]) }
                        }
                    }
                }
            }
        }
    }

    /// Folds the `n` rows of `acc.count` lanes starting at `base` into `acc` (one accumulator per lane).
    @inline(__always)
    static func foldLanes(_ x: UnsafeBufferPointer<Float>, base: Int, n: Int,
                          acc: UnsafeMutableBufferPointer<Double>, start: Double,
                          _ f: (Double, Float) -> Double) {
        let inner = acc.count
        if inner == 1 {
            var s = start
            for k in 0..<n { s = f(s, x[base + k]) }
            acc[0] = s
            return
        }
        for i in 0..<inner { acc[i] = start }
        for k in 0..<n {
            let row = base + k * inner
            for i in 0..<inner { acc[i] = f(acc[i], x[row + i]) }
        }
    }
}
