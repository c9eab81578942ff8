import Testing
@testable import TxTensor

/// A tensor from a shape and values (the test author guarantees the count).
func T(_ shape: [Int], _ data: [Float]) -> Tensor {
    Tensor(shape: shape, data: data)
}

/// Whether two float arrays agree elementwise within `tol`.
func close(_ a: [Float], _ b: [Float], tol: Float = 1e-5) -> Bool {
    a.count == b.count && zip(a, b).allSatisfy { x, y in
        (x.isNaN && y.isNaN) || Swift.abs(x - y) <= tol
    }
}

/// The message of the `TensorError` thrown by `body`, or nil if it didn't throw one.
func errorMessage(_ body: () throws -> Any) -> String? {
    do {
        _ = try body()
        return nil
    } catch let e as TensorError {
        return e.message
    } catch {
        return "unexpected error \(error)"
    }
}
