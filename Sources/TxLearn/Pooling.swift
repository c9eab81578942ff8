import TxTensor

extension Op {
    /// Average pooling of x [N, C, H, W] over k×k windows with the given
    /// stride (no padding); each input gets 1/k² of its windows' gradients.
    public static func avgPool2d(_ x: Node, k: Int, stride: Int) -> Node {
        let (n, c, h, wd) = (x.shape[0], x.shape[1], x.shape[2], x.shape[3])
        let ho = windowOut(h, k, stride, 0), wo = windowOut(wd, k, stride, 0)
        precondition(ho > 0 && wo > 0, "avgpool: a \(k)×\(k) window doesn't fit a \(h)×\(wd) input")
        let inv = 1 / Float(k * k)
        var out = [Float](repeating: 0, count: n * c * ho * wo)
        x.value.withUnsafeBufferPointer { xv in
            var q = 0
            for plane in 0..<(n * c) {
                let base = plane * h * wd
                for oy in 0..<ho { for ox in 0..<wo {
                    var s: Float = 0
                    for ky in 0..<k { for kx in 0..<k { s += xv[base + (oy * stride + ky) * wd + ox * stride + kx] } }
                    out[q] = s * inv; q += 1
                } }
            }
        }
        let node = Node(shape: [n, c, ho, wo], value: out, parents: [x])
        node.backwardFn = { y in
            x.ensureGrad()
            x.grad.withUnsafeMutableBufferPointer { dx in y.grad.withUnsafeBufferPointer { dy in
                var q = 0
                for plane in 0..<(n * c) {
                    let base = plane * h * wd
                    for oy in 0..<ho { for ox in 0..<wo {
                        let g = dy[q] * inv; q += 1
                        for ky in 0..<k { for kx in 0..<k { dx[base + (oy * stride + ky) * wd + ox * stride + kx] += g } }
                    } }
                }
            } }
        }
        return node
    }
}

/// Pooling over k×k windows (stride k unless given, no padding): the shape
/// rule both kinds share.
public class WindowPool: Layer {
    public let kernel: Int, stride: Int
    public init(_ kernel: Int, stride: Int? = nil) { self.kernel = kernel; self.stride = stride ?? kernel }
    public override var label: String { "\(kind)(\(kernel))" }
    public override func outputShape(_ input: [Int]) throws -> [Int] {
        guard input.count == 3 else { throw LearnError("\(kind) expects examples of shape [C, H, W], got \(input)") }
        let ho = Op.windowOut(input[1], kernel, stride, 0), wo = Op.windowOut(input[2], kernel, stride, 0)
        guard ho > 0 && wo > 0 else { throw LearnError("\(label) doesn't fit a \(input[1])×\(input[2]) input") }
        return [input[0], ho, wo]
    }
}

/// Max pooling (as PyTorch's `MaxPool2d(k)`).
public final class MaxPool2d: WindowPool {
    public override var kind: String { "maxpool" }
    public override func forward(_ x: Node, _ ctx: ForwardContext) -> Node { Op.maxPool2d(x, k: kernel, stride: stride) }
    public override func copy() -> Layer { MaxPool2d(kernel, stride: stride) }
}

/// Average pooling (as PyTorch's `AvgPool2d(k)`).
public final class AvgPool2d: WindowPool {
    public override var kind: String { "avgpool" }
    public override func forward(_ x: Node, _ ctx: ForwardContext) -> Node { Op.avgPool2d(x, k: kernel, stride: stride) }
    public override func copy() -> Layer { AvgPool2d(kernel, stride: stride) }
}
