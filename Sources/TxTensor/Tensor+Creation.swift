import Foundation

extension Tensor {
    /// A tensor of `shape` filled with zeros.
    /// - Throws: `TensorError` for a negative dimension or a too-large shape.
    public static func zeros(_ shape: [Int]) throws -> Tensor {
        try full(shape, 0)
    }

    /// A tensor of `shape` filled with ones.
    /// - Throws: `TensorError` for a negative dimension or a too-large shape.
    public static func ones(_ shape: [Int]) throws -> Tensor {
        try full(shape, 1)
    }

    /// A tensor of `shape` with every element equal to `value`.
    /// - Throws: `TensorError` for a negative dimension or a too-large shape.
    public static func full(_ shape: [Int], _ value: Float) throws -> Tensor {
        let n = try elementCount(shape)
        return Tensor(shape: shape, data: [Float](repeating: value, count: n))
    }

    /// The `n`×`n` identity matrix.
    /// - Throws: `TensorError` if `n` is negative or too large.
    public static func eye(_ n: Int) throws -> Tensor {
        guard n >= 0 else { throw TensorError("eye needs a non-negative size, got \(n)") }
        let t = try zeros([n, n])
        t.data.withUnsafeMutableBufferPointer { p in
            for i in 0..<n { p[i * n + i] = 1 }
        }
        return t
    }

    /// The 1-D tensor `start, start+step, …` up to but excluding `stop`, like `numpy.arange`.
    ///
    /// Element `i` is computed as `start + i*step` in Double, so long ranges don't drift.
    /// - Throws: `TensorError` if `step` is 0, an argument isn't finite, or the range is too long.
    public static func arange(_ start: Double, _ stop: Double, _ step: Double = 1) throws -> Tensor {
        guard step != 0 else { throw TensorError("arange step must not be 0") }
        guard start.isFinite, stop.isFinite, step.isFinite else {
            throw TensorError("arange needs finite arguments, got (\(start), \(stop), \(step))")
        }
        let span = ((stop - start) / step).rounded(.up)
        guard span.isFinite, span <= Double(maxElementCount) else {
            throw TensorError("tensor of \(span) elements is too large")
        }
        let n = span > 0 ? Int(span) : 0
        return build([n], count: n) { p in
            for i in 0..<n { p[i] = Float(start + Double(i) * step) }
        }
    }

    /// `n` evenly spaced numbers from `a` to `b`, both included, like `numpy.linspace`.
    /// - Throws: `TensorError` if `n` is negative or too large.
    public static func linspace(_ a: Double, _ b: Double, _ n: Int) throws -> Tensor {
        guard n >= 0 else { throw TensorError("linspace needs a non-negative count, got \(n)") }
        _ = try elementCount([n])
        let step = n > 1 ? (b - a) / Double(n - 1) : 0
        return build([n], count: n) { p in
            for i in 0..<n { p[i] = Float(a + Double(i) * step) }
            if n > 1 { p[n - 1] = Float(b) }
        }
    }

    /// `n` numbers spaced evenly on a log scale from `10^a` to `10^b`, like `numpy.logspace`.
    /// - Throws: `TensorError` if `n` is negative or too large.
    public static func logspace(_ a: Double, _ b: Double, _ n: Int) throws -> Tensor {
        guard n >= 0 else { throw TensorError("logspace needs a non-negative count, got \(n)") }
        _ = try elementCount([n])
        let step = n > 1 ? (b - a) / Double(n - 1) : 0
        return build([n], count: n) { p in
            for i in 0..<n {
                let e = (n > 1 && i == n - 1) ? b : a + Double(i) * step
                p[i] = Float(Foundation.pow(10.0, e))
            }
        }
    }

    /// One-hot rows: a tensor of `labels.shape + [n]` with a 1 at each label's position.
    /// - Throws: `TensorError` if `n` is negative or a label isn't an integer in `0..<n`.
    /// - Complexity: O(labels.count × n).
    public static func oneHot(_ labels: Tensor, _ n: Int) throws -> Tensor {
        guard n >= 0 else { throw TensorError("one-hot needs a non-negative class count, got \(n)") }
        let result = try zeros(labels.shape + [n])
        try result.data.withUnsafeMutableBufferPointer { out in
            for (i, label) in labels.data.enumerated() {
                guard label.rounded() == label else {
                    throw TensorError("one-hot label \(label) is not an integer")
                }
                guard label >= 0, label < Float(n) else {
                    throw TensorError("one-hot label \(Tensor.formatGeneral(label, digits: 9)) is out of range for \(n) classes")
                }
                out[i * n + Int(label)] = 1
            }
        }
        return result
    }
}
