#if canImport(Glibc)
import Glibc
#endif
/// An n-dimensional array of `Float` (f32) values stored row-major in one
/// contiguous buffer.
///
/// `Tensor` is a reference type so the language can share one tensor between
/// variables cheaply; every operation returns a *new* tensor except the
/// explicitly mutating `set(_:_:)`. The storage is a Swift array, so `copy()`
/// is O(1) until one side is written (copy-on-write).
///
/// It is marked `@unchecked Sendable` so interpreter values holding tensors can
/// be `Sendable`; it does no locking, so mutate a tensor from one thread at a time.
public final class Tensor: @unchecked Sendable {
    /// The size of each axis; `[]` for a 0-d (scalar) tensor.
    public let shape: [Int]

    /// The elements in row-major order; `data.count == shape.reduce(1, *)`.
    public var data: [Float]
    /// Named tensors that came with this one from the computation that made
    /// it (e.g. `pca`'s `components`); empty for ordinary tensors.
    public var attributes: [String: Tensor] = [:]

    /// Wraps `data` as a tensor of `shape` without checking anything.
    ///
    /// Callers guarantee `data.count` equals the product of `shape` and that no
    /// dimension is negative; use ``init(validating:data:)`` for untrusted input.
    public init(shape: [Int], data: [Float]) {
        self.shape = shape
        self.data = data
    }

    /// Wraps `data` as a tensor of `shape`, checking the shape and the element count.
    ///
    /// - Throws: `TensorError` if a dimension is negative, the shape is too
    ///   large, or `data.count` doesn't match the shape.
    public convenience init(validating shape: [Int], data: [Float]) throws {
        let n = try Tensor.elementCount(shape)
        guard n == data.count else {
            throw TensorError("shape \(shapeString(shape)) needs \(n) elements, got \(data.count)")
        }
        self.init(shape: shape, data: data)
    }

    /// A 0-d tensor holding `scalar`.
    public convenience init(scalar: Float) {
        self.init(shape: [], data: [scalar])
    }

    /// The number of axes (0 for a scalar tensor).
    public var ndim: Int { shape.count }

    /// The number of elements.
    public var count: Int { data.count }

    /// A tensor with the same shape and its own (copy-on-write) storage.
    /// - Complexity: O(1); the elements are copied when either side is first written.
    public func copy() -> Tensor {
        Tensor(shape: shape, data: data)
    }

    /// The largest number of elements a tensor may hold: what fits in this
    /// machine's physical memory (and never more than 2^34), so a huge shape
    /// is an error instead of an allocation failure that kills the process.
    public static let maxElementCount: Int = {
        let pages = sysconf(Int32(_SC_PHYS_PAGES)), pageSize = sysconf(Int32(_SC_PAGESIZE))
        guard pages > 0, pageSize > 0 else { return 1 << 34 }
        let (bytes, overflow) = pages.multipliedReportingOverflow(by: pageSize)
        return overflow ? 1 << 34 : min(1 << 34, bytes / MemoryLayout<Float>.size)
    }()

    /// The most axes a tensor may have (as NumPy allows).
    public static let maxDimensions = 64

    /// Memory the system can still give, from /proc/meminfo (nil if unknown).
    static func availableBytes() -> Int? {
        guard let f = fopen("/proc/meminfo", "r") else { return nil }
        defer { fclose(f) }
        var line = [CChar](repeating: 0, count: 256)
        while fgets(&line, Int32(line.count), f) != nil {
            let text = String(cString: line)
            if text.hasPrefix("MemAvailable:") {
                let digits = text.unicodeScalars.filter { $0.properties.numericType != nil }
                return Int(String(String.UnicodeScalarView(digits))).map { $0 * 1024 }
            }
        }
        return nil
    }

    /// The number of elements of `shape`, validating it.
    ///
    /// - Throws: `TensorError` for a negative dimension, or when the product
    ///   overflows or exceeds ``maxElementCount`` ("tensor of N elements is too large").
    public static func elementCount(_ shape: [Int]) throws -> Int {
        guard shape.count <= maxDimensions else {
            throw TensorError("a tensor has at most \(maxDimensions) dimensions, got \(shape.count)")
        }
        var n = 1
        var overflowed = false
        for d in shape {
            guard d >= 0 else {
                throw TensorError("negative dimension \(d) in shape \(shapeString(shape))")
            }
            if !overflowed {
                let (p, o) = n.multipliedReportingOverflow(by: d)
                if o { overflowed = true } else { n = p }
            }
        }
        if shape.contains(0) { return 0 }
        if overflowed || n > maxElementCount {
            let approx = shape.reduce(1.0) { $0 * Double($1) }
            let text = overflowed ? "\(approx)" : "\(n)"
            let gib = approx * 4 / Double(1 << 30)
            throw TensorError("tensor of \(text) elements (\(Int(min(gib, 1e15).rounded(.up))) GiB) is too large for this machine's memory (\((maxElementCount * 4) >> 30) GiB)")
        }
        // Big allocations must also fit in what is free now: an allocation
        // failure would end the process instead of raising an error.
        if n >= 1 << 28, let free = availableBytes(), n * MemoryLayout<Float>.size > free {
            throw TensorError("tensor of \(n) elements (\((n * 4) >> 20) MiB) needs more memory than is free (\(free >> 20) MiB)")
        }
        return n
    }

    /// Row-major strides (in elements) of a contiguous tensor of `shape`.
    static func contiguousStrides(_ shape: [Int]) -> [Int] {
        var strides = [Int](repeating: 1, count: shape.count)
        var s = 1
        for i in stride(from: shape.count - 1, through: 0, by: -1) {
            strides[i] = s
            s *= shape[i]
        }
        return strides
    }

    /// Maps a possibly negative `axis` onto `0..<ndim`.
    ///
    /// - Throws: `TensorError("axis 3 is out of range for a tensor with 2 dimensions")`.
    static func normalizeAxis(_ axis: Int, ndim: Int) throws -> Int {
        let a = axis < 0 ? axis + ndim : axis
        guard a >= 0, a < ndim else {
            throw TensorError("axis \(axis) is out of range for a tensor with \(ndim) dimension\(ndim == 1 ? "" : "s")")
        }
        return a
    }

    /// A tensor of `shape` whose elements are produced by filling an uninitialized buffer.
    @inline(__always)
    static func build(_ shape: [Int], count: Int,
                      _ fill: (UnsafeMutableBufferPointer<Float>) throws -> Void) rethrows -> Tensor {
        let data = try [Float](unsafeUninitializedCapacity: count) { buf, initialized in
            try fill(buf)
            initialized = count
        }
        return Tensor(shape: shape, data: data)
    }
}

/// Nested Swift arrays of numbers: what the language's list literals evaluate to.
public indirect enum NestedArray: Sendable, Equatable {
    /// A single number (a leaf).
    case scalar(Double)
    /// A list of numbers or of further lists.
    case list([NestedArray])
}

extension Tensor {
    /// Builds a tensor from nested lists; a bare `.scalar` gives a 0-d tensor and
    /// an empty list gives shape `[0]`.
    ///
    /// - Throws: `TensorError("ragged nested list: …")` when sibling lists differ
    ///   in length or mix numbers with lists, or when the result is too large.
    /// - Complexity: O(n) in the number of leaves.
    public static func fromNested(_ value: NestedArray) throws -> Tensor {
        // The shape is read off the first element at every depth, then checked everywhere.
        var shape: [Int] = []
        var probe = value
        while case .list(let items) = probe {
            shape.append(items.count)
            guard let first = items.first else { break }
            probe = first
        }
        let n = try elementCount(shape)
        var data = [Float]()
        data.reserveCapacity(n)
        func walk(_ v: NestedArray, depth: Int) throws {
            switch v {
            case .scalar(let x):
                guard depth == shape.count else {
                    throw TensorError("ragged nested list: found a number at depth \(depth) where a list of \(shape[depth]) was expected")
                }
                data.append(Float(x))
            case .list(let items):
                guard depth < shape.count else {
                    throw TensorError("ragged nested list: found a list at depth \(depth) where a number was expected")
                }
                guard items.count == shape[depth] else {
                    throw TensorError("ragged nested list: expected \(shape[depth]) items at depth \(depth), found \(items.count)")
                }
                for item in items { try walk(item, depth: depth + 1) }
            }
        }
        try walk(value, depth: 0)
        return Tensor(shape: shape, data: data)
    }
}

extension Tensor: CustomStringConvertible {
    /// The same text as ``display``.
    public var description: String { display }
}
