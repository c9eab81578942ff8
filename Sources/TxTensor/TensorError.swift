/// The one error type of `TxTensor`: every invalid argument (bad shape, axis,
/// index, singular matrix, …) is reported by throwing a `TensorError` whose
/// `message` is meant to be shown to the user as is.
public struct TensorError: Error, CustomStringConvertible, Equatable {
    /// A human-readable explanation, e.g. `"can't broadcast [3] with [4]"`.
    public let message: String

    /// Creates an error carrying `message`.
    public init(_ message: String) {
        self.message = message
    }

    /// The message itself, so `"\(error)"` prints it unadorned.
    public var description: String { message }
}

/// Formats a shape the way every error message and summary shows it: `[3, 4]`, `[]`.
@inline(__always)
func shapeString(_ shape: [Int]) -> String {
    "[" + shape.map(String.init).joined(separator: ", ") + "]"
}
