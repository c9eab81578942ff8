extension Tensor {
    /// The same elements viewed with a new shape; one dimension may be `-1` and is then inferred.
    ///
    /// - Throws: `TensorError("can't reshape [2, 3] (6 elements) into [4, 2]")`,
    ///   or for more than one `-1` or another negative size.
    /// - Complexity: O(1) (the storage is shared copy-on-write).
    public func reshaped(_ newShape: [Int]) throws -> Tensor {
        var target = newShape
        let unknown = newShape.indices.filter { newShape[$0] == -1 }
        guard unknown.count <= 1 else {
            throw TensorError("can only infer one dimension in reshape to \(shapeString(newShape))")
        }
        if let bad = newShape.first(where: { $0 < -1 }) {
            throw TensorError("negative dimension \(bad) in reshape to \(shapeString(newShape))")
        }
        let mismatch = TensorError("can't reshape \(shapeString(shape)) (\(count) elements) into \(shapeString(newShape))")
        if let u = unknown.first {
            var known = 1
            for (i, d) in newShape.enumerated() where i != u {
                let (p, o) = known.multipliedReportingOverflow(by: d)
                guard !o else { throw mismatch }
                known = p
            }
            guard known != 0, count % known == 0 else { throw mismatch }
            target[u] = count / known
        }
        guard (try? Tensor.elementCount(target)) == count else { throw mismatch }
        return Tensor(shape: target, data: data)
    }

    /// The axes permuted: result axis `i` is this tensor's axis `axes[i]`
    /// (negative axes allowed); `nil` reverses the axes (`t.T`).
    ///
    /// - Throws: `TensorError` if `axes` isn't a permutation of the axes.
    /// - Complexity: O(n); 2-D transposes are done in cache-friendly blocks.
    public func transposed(_ axes: [Int]?) throws -> Tensor {
        let perm: [Int]
        if let axes {
            guard axes.count == ndim else {
                throw TensorError("transpose axes \(shapeString(axes)) don't match a tensor with \(ndim) dimensions")
            }
            perm = try axes.map { try Tensor.normalizeAxis($0, ndim: ndim) }
            guard Set(perm).count == ndim else {
                throw TensorError("transpose axes \(shapeString(axes)) repeat an axis")
            }
        } else {
            perm = Array((0..<ndim).reversed())
        }
        if perm == Array(0..<ndim) { return copy() }
        let outShape = perm.map { shape[$0] }
        let n = count
        if ndim == 2 {
            let rows = shape[0], cols = shape[1]
            return data.withUnsafeBufferPointer { src in
                Tensor.build(outShape, count: n) { dst in
                    Tensor.transpose2D(src, dst, rows: rows, cols: cols)
                }
            }
        }
        let own = Tensor.contiguousStrides(shape)
        let strides = [perm.map { own[$0] }]
        return data.withUnsafeBufferPointer { src in
            Tensor.build(outShape, count: n) { dst in
                Tensor.forEachBroadcastRow(outShape, strides) { o, offs, len, steps in
                    let s = offs[0], d = steps[0]
                    for i in 0..<len { dst[o + i] = src[s + i * d] }
                }
            }
        }
    }

    /// Writes the transpose of the `rows`×`cols` row-major matrix `src` into `dst`.
    static func transpose2D(_ src: UnsafeBufferPointer<Float>, _ dst: UnsafeMutableBufferPointer<Float>,
                            rows: Int, cols: Int) {
        let block = 32
        for r0 in stride(from: 0, to: rows, by: block) {
            let r1 = min(r0 + block, rows)
            for c0 in stride(from: 0, to: cols, by: block) {
                let c1 = min(c0 + block, cols)
                for r in r0..<r1 {
                    for c in c0..<c1 { dst[c * rows + r] = src[r * cols + c] }
                }
            }
        }
    }

    /// The elements as a 1-D tensor.
    /// - Complexity: O(1) (shared copy-on-write storage).
    public func flattened() -> Tensor {
        Tensor(shape: [count], data: data)
    }

    /// Removes size-1 axes: all of them (`axis: nil`) or just `axis`.
    /// - Throws: `TensorError` if `axis` is out of range or its size isn't 1.
    public func squeezed(axis: Int?) throws -> Tensor {
        guard let axis else {
            return Tensor(shape: shape.filter { $0 != 1 }, data: data)
        }
        let ax = try Tensor.normalizeAxis(axis, ndim: ndim)
        guard shape[ax] == 1 else {
            throw TensorError("can't squeeze axis \(axis) of size \(shape[ax]) (shape \(shapeString(shape)))")
        }
        var s = shape
        s.remove(at: ax)
        return Tensor(shape: s, data: data)
    }

    /// Inserts a size-1 axis so it becomes axis `axis` of the result (`-1`: last).
    /// - Throws: `TensorError` unless `-(ndim+1) <= axis <= ndim`.
    public func unsqueezed(axis: Int) throws -> Tensor {
        guard axis >= -(ndim + 1) && axis <= ndim else {
            throw TensorError("unsqueeze axis \(axis) is out of range for a tensor with \(ndim) dimension\(ndim == 1 ? "" : "s") (valid: \(-(ndim + 1))...\(ndim))")
        }
        let ax = try Tensor.normalizeAxis(axis, ndim: ndim + 1)
        var s = shape
        s.insert(1, at: ax)
        return Tensor(shape: s, data: data)
    }

    /// Joins tensors along an existing axis; all other sizes must match.
    ///
    /// - Throws: `TensorError` for an empty list, 0-d tensors, differing ranks
    ///   or sizes ("concat shapes don't fit along axis 1: [2, 3] and [3, 3]").
    /// - Complexity: O(total elements).
    public static func concat(_ ts: [Tensor], axis: Int) throws -> Tensor {
        guard let first = ts.first else { throw TensorError("concat needs at least one tensor") }
        guard first.ndim > 0 else { throw TensorError("can't concat 0-d tensors; use stack") }
        let ax = try normalizeAxis(axis, ndim: first.ndim)
        var outShape = first.shape
        outShape[ax] = 0
        for t in ts {
            var a = t.shape, b = first.shape
            if a.count == b.count { a[ax] = 0; b[ax] = 0 }
            guard a == b else {
                throw TensorError("concat shapes don't fit along axis \(axis): \(shapeString(first.shape)) and \(shapeString(t.shape))")
            }
            outShape[ax] += t.shape[ax]
        }
        let n = try elementCount(outShape)
        let outer = first.shape[..<ax].reduce(1, *)
        let inner = first.shape[(ax + 1)...].reduce(1, *)
        var out = [Float]()
        out.reserveCapacity(n)
        for o in 0..<outer {
            for t in ts {
                let chunk = t.shape[ax] * inner
                out.append(contentsOf: t.data[(o * chunk)..<((o + 1) * chunk)])
            }
        }
        return Tensor(shape: outShape, data: out)
    }

    /// Joins equally shaped tensors along a new axis `axis` (`-1`: last).
    ///
    /// - Throws: `TensorError` for an empty list, differing shapes or a bad axis.
    /// - Complexity: O(total elements).
    public static func stack(_ ts: [Tensor], axis: Int) throws -> Tensor {
        guard let first = ts.first else { throw TensorError("stack needs at least one tensor") }
        for t in ts where t.shape != first.shape {
            throw TensorError("stack needs equal shapes, got \(shapeString(first.shape)) and \(shapeString(t.shape))")
        }
        let ax = try normalizeAxis(axis, ndim: first.ndim + 1)
        return try concat(ts.map { try $0.unsqueezed(axis: ax) }, axis: ax)
    }
}
