extension Tensor {
    /// Calls `body(base, stride, n)` for every lane along `axis`.
    func forEachLane(axis: Int, _ body: (_ base: Int, _ stride: Int, _ n: Int) -> Void) {
        let (outer, n, inner) = lanes(axis: axis)
        for o in 0..<outer {
            for i in 0..<inner { body(o * n * inner + i, inner, n) }
        }
    }

    /// An unsigned key that orders like the float (NaN last, all NaNs equal), so
    /// sorting can use the fast integer comparison.
    @inline(__always)
    static func sortKey(_ f: Float) -> UInt32 {
        let b = f.isNaN ? Float.nan.bitPattern : f.bitPattern
        return b & 0x8000_0000 != 0 ? ~b : b | 0x8000_0000
    }

    /// The float whose ``sortKey(_:)`` is `k`.
    @inline(__always)
    static func fromSortKey(_ k: UInt32) -> Float {
        Float(bitPattern: k & 0x8000_0000 != 0 ? k & 0x7FFF_FFFF : ~k)
    }

    /// The values sorted ascending along `axis` (NaN last); use `axis: -1` for the last axis.
    /// - Throws: `TensorError` for an out-of-range axis (including any axis of a 0-d tensor).
    /// - Complexity: O(n log n).
    public func sorted(axis: Int) throws -> Tensor {
        let ax = try Tensor.normalizeAxis(axis, ndim: ndim)
        let result = copy()
        var keys: [UInt32] = []
        result.data.withUnsafeMutableBufferPointer { p in
            forEachLane(axis: ax) { base, stride, n in
                keys.removeAll(keepingCapacity: true)
                for k in 0..<n { keys.append(Tensor.sortKey(p[base + k * stride])) }
                keys.sort()
                for k in 0..<n { p[base + k * stride] = Tensor.fromSortKey(keys[k]) }
            }
        }
        return result
    }

    /// The indices (as floats) that would sort each lane along `axis` (NaN
    /// last); equal values keep their order (stable).
    /// - Throws: `TensorError` for an out-of-range axis.
    /// - Complexity: O(n log n).
    public func argsort(axis: Int) throws -> Tensor {
        let ax = try Tensor.normalizeAxis(axis, ndim: ndim)
        let result = Tensor(shape: shape, data: [Float](repeating: 0, count: count))
        // Sorting (key << 32 | index) pairs is stable by construction.
        var pairs: [UInt64] = []
        data.withUnsafeBufferPointer { x in
            result.data.withUnsafeMutableBufferPointer { p in
                forEachLane(axis: ax) { base, stride, n in
                    pairs.removeAll(keepingCapacity: true)
                    for k in 0..<n {
                        pairs.append(UInt64(Tensor.sortKey(x[base + k * stride])) << 32 | UInt64(truncatingIfNeeded: k))
                    }
                    if n <= Int(UInt32.max) {
                        pairs.sort()
                    } else {
                        // Indices don't fit the low half: sort by key, then index.
                        var order = Array(0..<n)
                        order.sort { i, j in
                            let a = pairs[i] >> 32, b = pairs[j] >> 32
                            return a != b ? a < b : i < j
                        }
                        for k in 0..<n { p[base + k * stride] = Float(order[k]) }
                        return
                    }
                    for k in 0..<n { p[base + k * stride] = Float(pairs[k] & 0xFFFF_FFFF) }
                }
            }
        }
        return result
    }

    /// The distinct values in ascending order as a 1-D tensor (all NaNs collapse into one, last).
    /// - Complexity: O(n log n).
    public func unique() -> Tensor {
        var keys = data.map(Tensor.sortKey)
        keys.sort()
        var out: [Float] = []
        out.reserveCapacity(keys.count)
        for v in keys.map(Tensor.fromSortKey) {
            // -0 and 0 have different keys but are one value.
            if let last = out.last, last == v || (last.isNaN && v.isNaN) { continue }
            out.append(v)
        }
        return Tensor(shape: [out.count], data: out)
    }
}
