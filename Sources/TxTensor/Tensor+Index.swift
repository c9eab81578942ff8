/// One component of an indexing expression `t[i, a:b:c, ...]` (NumPy basic
/// indexing plus one boolean mask or one integer list).
public enum TensorIndex: Sendable {
    /// A single position (negative counts from the end); removes the axis.
    case index(Int)
    /// A Python slice `start:stop:step`; missing parts default like Python and
    /// out-of-range bounds are clamped. A step of 0 is an error.
    case slice(start: Int?, stop: Int?, step: Int?)
    /// The whole axis (`:`).
    case all
    /// A 0/1 tensor whose shape equals the next `mask.ndim` axes: those axes
    /// are replaced by one axis holding the selected elements (or rows).
    case mask(Tensor)
    /// Integer-array ("fancy") indexing along one axis, negative from the end.
    case indices([Int])
    /// Inserts a new axis of size 1.
    case newAxis
}

/// The positions picked along one (possibly merged) source axis.
struct AxisSelection {
    /// Distance in elements between consecutive positions of this source axis.
    var stride: Int
    /// First position and step, for ranges; `list` for explicit positions.
    var start: Int
    var step: Int
    var count: Int
    var list: [Int]?

    @inline(__always)
    func position(_ i: Int) -> Int {
        if let list { return list[i] }
        return start + i * step
    }

    /// Whether consecutive picks are adjacent in memory.
    var isContiguous: Bool { list == nil && stride == 1 && (step == 1 || count <= 1) }
}

/// A resolved indexing expression: the result's shape and, per consumed axis,
/// which source positions feed it.
struct Selection {
    var shape: [Int]
    var axes: [AxisSelection]

    /// The number of selected elements.
    var count: Int { axes.reduce(1) { $0 * $1.count } }

    /// Visits the selected source elements in the result's row-major order:
    /// `run(source, out, n)` for `n` adjacent source elements (when the last
    /// selected axis is contiguous), otherwise `single(source, out)` per element.
    /// `out` is the element's position in the result.
    /// - Complexity: O(selected elements), plus O(ndim) per row of the last axis.
    @inline(__always)
    func forEachElement(run: (_ source: Int, _ out: Int, _ n: Int) -> Void,
                        single: (_ source: Int, _ out: Int) -> Void) {
        if axes.contains(where: { $0.count == 0 }) { return }
        guard let last = axes.last else {
            single(0, 0)
            return
        }
        let outer = axes.count - 1
        var index = [Int](repeating: 0, count: outer)
        var base = 0
        for a in 0..<outer { base += axes[a].position(0) * axes[a].stride }
        var out = 0
        let n = last.count, stride = last.stride
        while true {
            if last.isContiguous {
                run(base + last.start, out, n)
            } else if let list = last.list {
                for i in 0..<n { single(base + list[i] * stride, out + i) }
            } else {
                let start = last.start, step = last.step
                for i in 0..<n { single(base + (start + i * step) * stride, out + i) }
            }
            out += n
            // Odometer over the outer axes, keeping `base` up to date.
            var a = outer - 1
            while a >= 0 {
                let sel = axes[a]
                base -= sel.position(index[a]) * sel.stride
                index[a] += 1
                if index[a] < sel.count {
                    base += sel.position(index[a]) * sel.stride
                    break
                }
                index[a] = 0
                base += sel.position(0) * sel.stride
                a -= 1
            }
            if a < 0 { return }
        }
    }
}

extension Tensor {
    /// Resolves a Python slice against an axis of `size` (like `slice.indices`).
    static func resolveSlice(start: Int?, stop: Int?, step: Int?, size: Int) throws -> (start: Int, step: Int, count: Int) {
        let step = step ?? 1
        guard step != 0 else { throw TensorError("slice step must not be 0") }
        let lower = step < 0 ? -1 : 0
        let upper = step < 0 ? size - 1 : size
        func clamp(_ v: Int?, _ def: Int) -> Int {
            guard var v else { return def }
            if v < 0 {
                v += size
                return v < lower ? lower : v
            }
            return v > upper ? upper : v
        }
        let s = clamp(start, step < 0 ? upper : lower)
        let e = clamp(stop, step < 0 ? lower : upper)
        // Written so that huge steps (even Int.min) can't overflow.
        let n: Int
        if step > 0 {
            n = e > s ? (e - s - 1) / step + 1 : 0
        } else {
            n = s > e ? (s - e - 1) / -max(step, -(size + 1)) + 1 : 0
        }
        return (s, step, n)
    }

    /// Maps a possibly negative index onto `0..<size`.
    static func resolveIndex(_ i: Int, axis: Int, size: Int) throws -> Int {
        let j = i < 0 ? i + size : i
        guard j >= 0, j < size else {
            throw TensorError("index \(i) is out of range for axis \(axis) with size \(size)")
        }
        return j
    }

    /// Resolves `index` against this tensor's shape.
    func select(_ index: [TensorIndex]) throws -> Selection {
        let consumed = index.reduce(0) { n, ix in
            switch ix {
            case .newAxis: return n
            case .mask(let m): return n + m.ndim
            default: return n + 1
            }
        }
        guard consumed <= ndim else {
            throw TensorError("too many indices (\(consumed)) for a tensor with \(ndim) dimension\(ndim == 1 ? "" : "s") (shape \(shapeString(shape)))")
        }
        let advanced = index.filter {
            switch $0 { case .mask, .indices: true; default: false }
        }
        guard advanced.count <= 1 else {
            throw TensorError("only one mask or index list is allowed per indexing expression")
        }
        let strides = Tensor.contiguousStrides(shape)
        var sel = Selection(shape: [], axes: [])
        var axis = 0
        for ix in index {
            switch ix {
            case .newAxis:
                sel.shape.append(1)
            case .index(let i):
                let p = try Tensor.resolveIndex(i, axis: axis, size: shape[axis])
                sel.axes.append(AxisSelection(stride: strides[axis], start: p, step: 1, count: 1, list: nil))
                axis += 1
            case .all:
                sel.axes.append(AxisSelection(stride: strides[axis], start: 0, step: 1, count: shape[axis], list: nil))
                sel.shape.append(shape[axis])
                axis += 1
            case .slice(let start, let stop, let step):
                let r = try Tensor.resolveSlice(start: start, stop: stop, step: step, size: shape[axis])
                sel.axes.append(AxisSelection(stride: strides[axis], start: r.start, step: r.step, count: r.count, list: nil))
                sel.shape.append(r.count)
                axis += 1
            case .indices(let list):
                let size = shape[axis]
                let ps = try list.map { try Tensor.resolveIndex($0, axis: axis, size: size) }
                sel.axes.append(AxisSelection(stride: strides[axis], start: 0, step: 1, count: ps.count, list: ps))
                sel.shape.append(ps.count)
                axis += 1
            case .mask(let m):
                let span = Array(shape[axis..<(axis + m.ndim)])
                guard m.ndim > 0, m.shape == span else {
                    throw TensorError("mask shape \(shapeString(m.shape)) doesn't match tensor shape \(shapeString(shape)) at axis \(axis)")
                }
                // The mask's axes are adjacent in memory, so they merge into one axis.
                var ps: [Int] = []
                for (i, v) in m.data.enumerated() where v != 0 { ps.append(i) }
                sel.axes.append(AxisSelection(stride: strides[axis + m.ndim - 1], start: 0, step: 1, count: ps.count, list: ps))
                sel.shape.append(ps.count)
                axis += m.ndim
            }
        }
        // Remaining axes are taken whole; being contiguous, they merge into one run.
        if axis < ndim {
            let rest = shape[axis...].reduce(1, *)
            sel.axes.append(AxisSelection(stride: 1, start: 0, step: 1, count: rest, list: nil))
            sel.shape.append(contentsOf: shape[axis...])
        }
        return sel
    }

    /// The elements picked by `index` as a new tensor (NumPy basic indexing
    /// plus one mask or index list). Axes not indexed are taken whole; an index
    /// with an integer for every axis gives a 0-d tensor.
    ///
    /// - Throws: `TensorError` for an index out of range ("index 5 is out of
    ///   range for axis 0 with size 3"), too many indices, a zero step or a mask
    ///   whose shape doesn't match.
    /// - Complexity: O(result size), copying contiguous runs in bulk.
    public func get(_ index: [TensorIndex]) throws -> Tensor {
        let sel = try select(index)
        let n = sel.count
        return data.withUnsafeBufferPointer { src in
            Tensor.build(sel.shape, count: n) { dst in
                guard let d = dst.baseAddress, let s = src.baseAddress else { return }
                sel.forEachElement(run: { from, to, n in (d + to).update(from: s + from, count: n) },
                                   single: { from, to in d[to] = s[from] })
            }
        }
    }

    /// Writes `value` (broadcast to the selected region's shape) into the elements picked by `index`, in place.
    ///
    /// - Throws: `TensorError` for a bad index (see ``get(_:)``) or when `value`
    ///   doesn't broadcast to the region ("can't assign shape [4] to a region of shape [2, 3]").
    /// - Complexity: O(region size).
    public func set(_ index: [TensorIndex], _ value: Tensor) throws {
        let sel = try select(index)
        let v: Tensor
        if value.shape == sel.shape || value.count == 1 && sel.count > 0 {
            v = value
        } else {
            guard (try? Tensor.broadcastShape(value.shape, sel.shape)) == sel.shape else {
                throw TensorError("can't assign shape \(shapeString(value.shape)) to a region of shape \(shapeString(sel.shape))")
            }
            v = try value.broadcasted(to: sel.shape)
        }
        if v.count == 1 && sel.count > 0 {
            try set(index, v.data[0])
            return
        }
        let values = v.data  // a separate reference, so `t[...] = t` doesn't overlap accesses
        values.withUnsafeBufferPointer { src in
            data.withUnsafeMutableBufferPointer { dst in
                guard let d = dst.baseAddress, let s = src.baseAddress else { return }
                sel.forEachElement(run: { to, from, n in (d + to).update(from: s + from, count: n) },
                                   single: { to, from in d[to] = s[from] })
            }
        }
    }

    /// Writes `value` into every element picked by `index`, in place.
    /// - Throws: `TensorError` for a bad index (see ``get(_:)``).
    /// - Complexity: O(region size).
    public func set(_ index: [TensorIndex], _ value: Float) throws {
        let sel = try select(index)
        data.withUnsafeMutableBufferPointer { dst in
            guard let d = dst.baseAddress else { return }
            sel.forEachElement(run: { to, _, n in (d + to).update(repeating: value, count: n) },
                               single: { to, _ in d[to] = value })
        }
    }

    /// The single element of a one-element tensor.
    /// - Throws: `TensorError` unless the tensor has exactly one element.
    public func item() throws -> Float {
        guard count == 1 else {
            throw TensorError("item() needs exactly one element, got shape \(shapeString(shape)) with \(count)")
        }
        return data[0]
    }

    /// The elements as nested lists (a bare `.scalar` for a 0-d tensor), for `t.list()`.
    /// - Complexity: O(n).
    public func toNested() -> NestedArray {
        func build(_ axis: Int, _ offset: Int, _ strides: [Int]) -> NestedArray {
            if axis == ndim { return .scalar(Double(data[offset])) }
            return .list((0..<shape[axis]).map { build(axis + 1, offset + $0 * strides[axis], strides) })
        }
        return build(0, 0, Tensor.contiguousStrides(shape))
    }
}
