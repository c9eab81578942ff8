import TxTensor

extension Op {
    /// a + s·b for nodes of the same shape (residual sums, auxiliary losses).
    public static func add(_ a: Node, _ b: Node, scaleB s: Float = 1) -> Node {
        precondition(a.value.count == b.value.count, "add: \(a.shape) and \(b.shape)")
        var out = a.value
        out.withUnsafeMutableBufferPointer { o in b.value.withUnsafeBufferPointer { bv in
            for i in 0..<o.count { o[i] += s * bv[i] }
        } }
        let node = Node(shape: a.shape, value: out, parents: [a, b])
        node.backwardFn = { y in
            y.grad.withUnsafeBufferPointer { dy in
                if a.needsGrad { a.accumulateGrad(y.grad) }
                if b.needsGrad {
                    b.ensureGrad()
                    b.grad.withUnsafeMutableBufferPointer { db in for i in 0..<db.count { db[i] += s * dy[i] } }
                }
            }
        }
        return node
    }
}

/// x + block(x): a residual connection (the block must keep the shape).
/// Parameters are named `block.…` as a PyTorch module holding `self.block`.
public final class Residual: Layer {
    public let block: Layer
    public init(_ block: Layer) { self.block = block }
    public override var kind: String { "residual" }
    public override var label: String { "residual(\(block.label))" }
    public override var parameters: [Parameter] { block.parameters }
    public override var namedParameters: [(String, Parameter)] { block.namedParameters.map { ("block.\($0.0)", $0.1) } }
    public override func forward(_ x: Node, _ ctx: ForwardContext) -> Node { Op.add(x, block.forward(x, ctx)) }
    public override func outputShape(_ input: [Int]) throws -> [Int] {
        let out = try block.outputShape(input)
        guard out == input else {
            throw LearnError("residual: the block maps shape \(input) to \(out); it must keep the shape so x + block(x) is defined")
        }
        return input
    }
    public override func copy() -> Layer { Residual(block.copy()) }
    public override func reset(_ rng: inout RandomSource) { block.reset(&rng) }
}

/// An auxiliary classifier branching off the main path (as Inception's):
/// the main path passes through unchanged; in training the head's logits
/// are collected so `fit` adds `aux_weight` × their cross-entropy to the
/// loss; in evaluation the head is not run at all.
/// Parameters are named `head.…`.
public final class AuxHead: Layer {
    public let head: Layer
    public init(_ head: Layer) { self.head = head }
    public override var kind: String { "aux_head" }
    public override var label: String { "aux_head(\(head.label))" }
    public override var parameters: [Parameter] { head.parameters }
    public override var namedParameters: [(String, Parameter)] { head.namedParameters.map { ("head.\($0.0)", $0.1) } }
    public override func forward(_ x: Node, _ ctx: ForwardContext) -> Node {
        if ctx.training { ctx.auxOutputs.append(head.forward(x, ctx)) }
        return x
    }
    public override func outputShape(_ input: [Int]) throws -> [Int] {
        _ = try head.outputShape(input)   // the head must fit its input
        return input
    }
    public override func copy() -> Layer { AuxHead(head.copy()) }
    public override func reset(_ rng: inout RandomSource) { head.reset(&rng) }
}
