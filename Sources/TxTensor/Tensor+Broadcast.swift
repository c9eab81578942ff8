extension Tensor {
    /// The shape two tensors broadcast to under NumPy's rules: align trailing
    /// axes; each pair of sizes must be equal or one of them 1.
    ///
    /// - Throws: `TensorError("can't broadcast [3] with [4]")`.
    public static func broadcastShape(_ a: [Int], _ b: [Int]) throws -> [Int] {
        if a == b { return a }
        let n = max(a.count, b.count)
        var out = [Int](repeating: 1, count: n)
        for i in 0..<n {
            let da = i < n - a.count ? 1 : a[i - (n - a.count)]
            let db = i < n - b.count ? 1 : b[i - (n - b.count)]
            if da == db || db == 1 {
                out[i] = da
            } else if da == 1 {
                out[i] = db
            } else {
                throw TensorError("can't broadcast \(shapeString(a)) with \(shapeString(b))")
            }
        }
        return out
    }

    /// Strides for reading a contiguous tensor of `shape` as if it had shape
    /// `out` (right-aligned): 0 on broadcast axes. `shape` must broadcast to `out`.
    static func broadcastStrides(_ shape: [Int], to out: [Int]) -> [Int] {
        let own = contiguousStrides(shape)
        var strides = [Int](repeating: 0, count: out.count)
        let lead = out.count - shape.count
        for i in 0..<shape.count where shape[i] != 1 {
            strides[lead + i] = own[i]
        }
        return strides
    }

    /// Merges adjacent axes that every operand walks contiguously, and drops
    /// size-1 axes, so broadcast loops run over as few, as long rows as possible.
    static func coalesce(_ shape: [Int], _ strides: [[Int]]) -> (shape: [Int], strides: [[Int]]) {
        var outShape: [Int] = []
        var outStrides = [[Int]](repeating: [], count: strides.count)
        for axis in 0..<shape.count where shape[axis] != 1 {
            let last = outShape.count - 1
            if last >= 0,
               strides.indices.allSatisfy({ k in outStrides[k][last] == strides[k][axis] * shape[axis] }) {
                outShape[last] *= shape[axis]
                for k in strides.indices { outStrides[k][last] = strides[k][axis] }
            } else {
                outShape.append(shape[axis])
                for k in strides.indices { outStrides[k].append(strides[k][axis]) }
            }
        }
        return (outShape, outStrides)
    }

    /// Visits a broadcast iteration over `shape` row by row: for each row of the
    /// (coalesced) last axis, calls `body(outOffset, inputOffsets, rowLength, inputRowStrides)`.
    /// The output is contiguous, so row `r` starts at `r * rowLength`.
    ///
    /// - Complexity: O(count) plus O(ndim) per row.
    @inline(__always)
    static func forEachBroadcastRow(_ shape: [Int], _ strides: [[Int]],
                                    _ body: (_ out: Int, _ offsets: [Int], _ n: Int, _ steps: [Int]) -> Void) {
        if shape.contains(0) { return }
        let (cs, cst) = coalesce(shape, strides)
        let k = strides.count
        guard let rowLength = cs.last else {
            body(0, [Int](repeating: 0, count: k), 1, [Int](repeating: 0, count: k))
            return
        }
        let steps = cst.map { $0[cs.count - 1] }
        let outer = Array(cs.dropLast())
        var index = [Int](repeating: 0, count: outer.count)
        var offsets = [Int](repeating: 0, count: k)
        var out = 0
        while true {
            body(out, offsets, rowLength, steps)
            out += rowLength
            // Odometer over the outer axes.
            var axis = outer.count - 1
            while axis >= 0 {
                index[axis] += 1
                for j in 0..<k { offsets[j] += cst[j][axis] }
                if index[axis] < outer[axis] { break }
                for j in 0..<k { offsets[j] -= cst[j][axis] * outer[axis] }
                index[axis] = 0
                axis -= 1
            }
            if axis < 0 { return }
        }
    }

    /// This tensor's values repeated to fill `shape`, which it must broadcast to.
    ///
    /// - Throws: `TensorError("can't broadcast [3] to [2, 4]")`.
    public func broadcasted(to target: [Int]) throws -> Tensor {
        if shape == target { return copy() }
        let joined = try? Tensor.broadcastShape(shape, target)
        guard joined == target else {
            throw TensorError("can't broadcast \(shapeString(shape)) to \(shapeString(target))")
        }
        let n = try Tensor.elementCount(target)
        if count == 1 {
            return Tensor(shape: target, data: [Float](repeating: data[0], count: n))
        }
        let strides = [Tensor.broadcastStrides(shape, to: target)]
        return data.withUnsafeBufferPointer { src in
            Tensor.build(target, count: n) { dst in
                Tensor.forEachBroadcastRow(target, strides) { o, offs, len, steps in
                    let s = offs[0], d = steps[0]
                    if d == 0 {
                        let v = src[s]
                        for i in 0..<len { dst[o + i] = v }
                    } else {
                        for i in 0..<len { dst[o + i] = src[s + i * d] }
                    }
                }
            }
        }
    }
}
