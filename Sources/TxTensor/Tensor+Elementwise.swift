import Foundation

/// An elementwise operation of two operands.
///
/// `mod` is floor modulo (the result has the sign of the divisor, like Python
/// and NumPy); comparisons give 1 for true and 0 for false; `minimum` and
/// `maximum` propagate NaN like NumPy.
public enum BinaryOp: Sendable {
    /// `a + b`
    case add
    /// `a - b`
    case sub
    /// `a * b`
    case mul
    /// `a / b` (IEEE: division by zero gives ±inf or NaN)
    case div
    /// `a ** b`
    case pow
    /// Floor modulo `a % b`, with the sign of `b`.
    case mod
    /// `a == b` as 1/0.
    case eq
    /// `a != b` as 1/0 (true for NaN).
    case ne
    /// `a < b` as 1/0.
    case lt
    /// `a <= b` as 1/0.
    case le
    /// `a > b` as 1/0.
    case gt
    /// `a >= b` as 1/0.
    case ge
    /// The smaller operand (NaN if either is NaN).
    case minimum
    /// The larger operand (NaN if either is NaN).
    case maximum
}

/// An elementwise operation of one operand. `round` rounds halves to even like
/// NumPy; `sign` gives -1, 0 or 1 (NaN stays NaN); `sigmoid` is `1/(1+e^-x)`
/// computed without overflow; `relu` is `max(x, 0)`.
public enum UnaryOp: Sendable {
    /// `-x`
    case neg
    /// `e^x`
    case exp
    /// Natural logarithm (NaN below 0, -inf at 0).
    case log
    /// Square root (NaN below 0).
    case sqrt
    /// `|x|`
    case abs
    /// Hyperbolic tangent.
    case tanh
    /// `1 / (1 + e^-x)`.
    case sigmoid
    /// `max(x, 0)` (NaN stays NaN).
    case relu
    /// Sine (radians).
    case sin
    /// Cosine (radians).
    case cos
    /// Largest integer not above `x`.
    case floor
    /// Smallest integer not below `x`.
    case ceil
    /// Nearest integer, halves to even (`round(2.5) == 2`).
    case round
    /// -1, 0 or 1 by the sign of `x`.
    case sign
}

// MARK: - Kernels

/// One binary operation on two floats; generic loops are specialized per kernel.
protocol BinaryKernel {
    static func apply(_ a: Float, _ b: Float) -> Float
}

enum AddKernel: BinaryKernel { @inline(__always) static func apply(_ a: Float, _ b: Float) -> Float { a + b } }
enum SubKernel: BinaryKernel { @inline(__always) static func apply(_ a: Float, _ b: Float) -> Float { a - b } }
enum MulKernel: BinaryKernel { @inline(__always) static func apply(_ a: Float, _ b: Float) -> Float { a * b } }
enum DivKernel: BinaryKernel { @inline(__always) static func apply(_ a: Float, _ b: Float) -> Float { a / b } }
enum PowKernel: BinaryKernel {
    @inline(__always) static func apply(_ a: Float, _ b: Float) -> Float { Foundation.pow(a, b) }
}
/// Floor modulo. The fast path works in Double: with |a/b| < 2^24 the product
/// `b*q` and the difference `a - b*q` are exact, and a quotient that rounding
/// pushed off by one is corrected; otherwise (huge quotients, inf, NaN, b = 0)
/// it falls back to `fmod` plus a sign fix.
enum ModKernel: BinaryKernel {
    @inline(__always) static func apply(_ a: Float, _ b: Float) -> Float {
        let x = Double(a), y = Double(b)
        let q = (x / y).rounded(.down)
        if Swift.abs(q) < 0x1p24 {
            var r = x - y * q
            if y > 0 {
                if r < 0 { r += y } else if r >= y { r -= y }
            } else {
                if r > 0 { r += y } else if r <= y { r -= y }
            }
            return Float(r)
        }
        let r = a.truncatingRemainder(dividingBy: b)
        return (r != 0 && (r < 0) != (b < 0)) ? r + b : r
    }
}
enum EqKernel: BinaryKernel { @inline(__always) static func apply(_ a: Float, _ b: Float) -> Float { a == b ? 1 : 0 } }
enum NeKernel: BinaryKernel { @inline(__always) static func apply(_ a: Float, _ b: Float) -> Float { a != b ? 1 : 0 } }
enum LtKernel: BinaryKernel { @inline(__always) static func apply(_ a: Float, _ b: Float) -> Float { a < b ? 1 : 0 } }
enum LeKernel: BinaryKernel { @inline(__always) static func apply(_ a: Float, _ b: Float) -> Float { a <= b ? 1 : 0 } }
enum GtKernel: BinaryKernel { @inline(__always) static func apply(_ a: Float, _ b: Float) -> Float { a > b ? 1 : 0 } }
enum GeKernel: BinaryKernel { @inline(__always) static func apply(_ a: Float, _ b: Float) -> Float { a >= b ? 1 : 0 } }
enum MinimumKernel: BinaryKernel {
    @inline(__always) static func apply(_ a: Float, _ b: Float) -> Float { a < b || a.isNaN ? a : b }
}
enum MaximumKernel: BinaryKernel {
    @inline(__always) static func apply(_ a: Float, _ b: Float) -> Float { a > b || a.isNaN ? a : b }
}

/// Something run once with the kernel of a `BinaryOp` (a generic "visitor"
/// that lets one `switch` pick a kernel for several specialized loops).
protocol BinaryKernelVisitor {
    associatedtype Result
    func visit<K: BinaryKernel>(_ kernel: K.Type) -> Result
}

extension BinaryOp {
    @inline(__always)
    func withKernel<V: BinaryKernelVisitor>(_ v: V) -> V.Result {
        switch self {
        case .add: v.visit(AddKernel.self)
        case .sub: v.visit(SubKernel.self)
        case .mul: v.visit(MulKernel.self)
        case .div: v.visit(DivKernel.self)
        case .pow: v.visit(PowKernel.self)
        case .mod: v.visit(ModKernel.self)
        case .eq: v.visit(EqKernel.self)
        case .ne: v.visit(NeKernel.self)
        case .lt: v.visit(LtKernel.self)
        case .le: v.visit(LeKernel.self)
        case .gt: v.visit(GtKernel.self)
        case .ge: v.visit(GeKernel.self)
        case .minimum: v.visit(MinimumKernel.self)
        case .maximum: v.visit(MaximumKernel.self)
        }
    }
}

/// tensor ∘ tensor with broadcasting.
private struct TensorTensorVisitor: BinaryKernelVisitor {
    let a: Tensor, b: Tensor, shape: [Int], count: Int

    func visit<K: BinaryKernel>(_ kernel: K.Type) -> Tensor {
        a.data.withUnsafeBufferPointer { pa in
            b.data.withUnsafeBufferPointer { pb in
                Tensor.build(shape, count: count) { out in
                    if a.shape == b.shape {
                        for i in 0..<count { out[i] = K.apply(pa[i], pb[i]) }
                    } else if a.count == 1 && shape == b.shape {
                        let x = pa[0]
                        for i in 0..<count { out[i] = K.apply(x, pb[i]) }
                    } else if b.count == 1 && shape == a.shape {
                        let y = pb[0]
                        for i in 0..<count { out[i] = K.apply(pa[i], y) }
                    } else {
                        let strides = [Tensor.broadcastStrides(a.shape, to: shape),
                                       Tensor.broadcastStrides(b.shape, to: shape)]
                        Tensor.forEachBroadcastRow(shape, strides) { o, offs, n, steps in
                            let ia = offs[0], ib = offs[1], da = steps[0], db = steps[1]
                            if da == 1 && db == 1 {
                                for i in 0..<n { out[o + i] = K.apply(pa[ia + i], pb[ib + i]) }
                            } else if da == 1 && db == 0 {
                                let y = pb[ib]
                                for i in 0..<n { out[o + i] = K.apply(pa[ia + i], y) }
                            } else if da == 0 && db == 1 {
                                let x = pa[ia]
                                for i in 0..<n { out[o + i] = K.apply(x, pb[ib + i]) }
                            } else {
                                for i in 0..<n { out[o + i] = K.apply(pa[ia + i * da], pb[ib + i * db]) }
                            }
                        }
                    }
                }
            }
        }
    }
}

/// tensor ∘ scalar.
private struct TensorScalarVisitor: BinaryKernelVisitor {
    let a: Tensor, b: Float
    func visit<K: BinaryKernel>(_ kernel: K.Type) -> Tensor {
        let n = a.count, y = b
        return a.data.withUnsafeBufferPointer { pa in
            Tensor.build(a.shape, count: n) { out in
                for i in 0..<n { out[i] = K.apply(pa[i], y) }
            }
        }
    }
}

/// scalar ∘ tensor.
private struct ScalarTensorVisitor: BinaryKernelVisitor {
    let a: Float, b: Tensor
    func visit<K: BinaryKernel>(_ kernel: K.Type) -> Tensor {
        let n = b.count, x = a
        return b.data.withUnsafeBufferPointer { pb in
            Tensor.build(b.shape, count: n) { out in
                for i in 0..<n { out[i] = K.apply(x, pb[i]) }
            }
        }
    }
}

// MARK: - Public operations

extension Tensor {
    /// `a op b` elementwise, broadcasting the shapes NumPy-style.
    ///
    /// - Throws: `TensorError("can't broadcast [3] with [4]")`, or when the
    ///   broadcast result would be too large.
    /// - Complexity: O(n) in the result's size; same-shape and scalar operands
    ///   take tight single loops.
    public static func binary(_ op: BinaryOp, _ a: Tensor, _ b: Tensor) throws -> Tensor {
        let shape = try broadcastShape(a.shape, b.shape)
        let n = try elementCount(shape)
        return op.withKernel(TensorTensorVisitor(a: a, b: b, shape: shape, count: n))
    }

    /// `a op b` for every element of `a`; the result has `a`'s shape.
    /// - Complexity: O(n).
    public static func binary(_ op: BinaryOp, _ a: Tensor, _ b: Float) -> Tensor {
        op.withKernel(TensorScalarVisitor(a: a, b: b))
    }

    /// `a op b` for every element of `b`; the result has `b`'s shape.
    /// - Complexity: O(n).
    public static func binary(_ op: BinaryOp, _ a: Float, _ b: Tensor) -> Tensor {
        op.withKernel(ScalarTensorVisitor(a: a, b: b))
    }

    /// A tensor of the same shape with `f` applied to every element.
    @inline(__always)
    func mapElements(_ f: (Float) -> Float) -> Tensor {
        let n = count
        return data.withUnsafeBufferPointer { p in
            Tensor.build(shape, count: n) { out in
                for i in 0..<n { out[i] = f(p[i]) }
            }
        }
    }

    /// `op` applied to every element; the result has the same shape.
    /// - Complexity: O(n).
    public func unary(_ op: UnaryOp) -> Tensor {
        switch op {
        case .neg: return mapElements { -$0 }
        case .exp: return mapElements { Foundation.exp($0) }
        case .log: return mapElements { Foundation.log($0) }
        case .sqrt: return mapElements { $0.squareRoot() }
        case .abs: return mapElements { Swift.abs($0) }
        case .tanh: return mapElements { Foundation.tanh($0) }
        case .sigmoid:
            return mapElements { x in
                if x >= 0 { return 1 / (1 + Foundation.exp(-x)) }
                let e = Foundation.exp(x)
                return e / (1 + e)
            }
        case .relu: return mapElements { $0 > 0 || $0.isNaN ? $0 : 0 }
        case .sin: return mapElements { Foundation.sin($0) }
        case .cos: return mapElements { Foundation.cos($0) }
        case .floor: return mapElements { $0.rounded(.down) }
        case .ceil: return mapElements { $0.rounded(.up) }
        case .round: return mapElements { $0.rounded(.toNearestOrEven) }
        case .sign: return mapElements { $0 > 0 ? 1 : ($0 < 0 ? -1 : ($0.isNaN ? $0 : 0)) }
        }
    }

    /// Every element limited to `lo...hi` (NaN stays NaN; if `lo > hi` every element becomes `hi`, like NumPy).
    /// - Complexity: O(n).
    public func clip(_ lo: Float, _ hi: Float) -> Tensor {
        mapElements { x in
            let y = x < lo ? lo : x
            return y > hi ? hi : y
        }
    }

    /// `a` where `cond` is nonzero, else `b`; all three broadcast together.
    ///
    /// - Throws: `TensorError` if the shapes don't broadcast.
    /// - Complexity: O(n) in the result's size.
    public static func `where`(_ cond: Tensor, _ a: Tensor, _ b: Tensor) throws -> Tensor {
        let shape = try broadcastShape(try broadcastShape(cond.shape, a.shape), b.shape)
        let n = try elementCount(shape)
        let strides = [broadcastStrides(cond.shape, to: shape),
                       broadcastStrides(a.shape, to: shape),
                       broadcastStrides(b.shape, to: shape)]
        return cond.data.withUnsafeBufferPointer { pc in
            a.data.withUnsafeBufferPointer { pa in
                b.data.withUnsafeBufferPointer { pb in
                    build(shape, count: n) { out in
                        if cond.shape == shape && a.shape == shape && b.shape == shape {
                            for i in 0..<n { out[i] = pc[i] != 0 ? pa[i] : pb[i] }
                            return
                        }
                        forEachBroadcastRow(shape, strides) { o, offs, len, steps in
                            let (ic, ia, ib) = (offs[0], offs[1], offs[2])
                            let (dc, da, db) = (steps[0], steps[1], steps[2])
                            for i in 0..<len {
                                out[o + i] = pc[ic + i * dc] != 0 ? pa[ia + i * da] : pb[ib + i * db]
                            }
                        }
                    }
                }
            }
        }
    }
}
