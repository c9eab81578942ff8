import Foundation
import TxTensor

/// What a forward pass needs besides its input: the mode and the random
/// source for dropout masks.
public final class ForwardContext {
    public var training: Bool
    public var rng: RandomSource
    /// Logits of auxiliary heads run during this forward pass (training only).
    public var auxOutputs: [Node] = []
    public init(training: Bool, seed: UInt64 = 0) {
        self.training = training
        self.rng = RandomSource(seed: seed)
    }
}

/// A layer: a forward function built from `Op` primitives, its parameters,
/// and how its output shape follows from its input shape (per example,
/// without the batch axis).
public class Layer {
    /// The layer's kind as written in tx (`linear`, `relu`, …).
    public var kind: String { "layer" }
    /// The description in `summary()` (`linear(64, 10)`).
    public var label: String { kind + "()" }
    /// Parameters and buffers, in PyTorch order with PyTorch-style names.
    public var parameters: [Parameter] { [] }
    /// Parameters with PyTorch-style dotted names relative to this layer
    /// (`weight`, `0.weight`, `block.1.running_mean`).
    public var namedParameters: [(String, Parameter)] { parameters.map { ($0.name, $0) } }
    public func forward(_ x: Node, _ ctx: ForwardContext) -> Node { x }
    public func outputShape(_ input: [Int]) throws -> [Int] { input }
    /// A deep copy (parameters copied, not shared).
    public func copy() -> Layer { self }
    /// Draws fresh initial weights.
    public func reset(_ rng: inout RandomSource) {}
}

public final class Linear: Layer {
    public let inFeatures: Int, outFeatures: Int
    public let weight: Parameter, bias: Parameter

    /// Kaiming-uniform initialisation as PyTorch's `nn.Linear`: weight and
    /// bias ~ U(−1/√in, 1/√in).
    public init(_ inFeatures: Int, _ outFeatures: Int, seed: UInt64 = 0) {
        self.inFeatures = inFeatures
        self.outFeatures = outFeatures
        weight = Parameter("weight", shape: [outFeatures, inFeatures], value: [Float](repeating: 0, count: inFeatures * outFeatures))
        bias = Parameter("bias", shape: [outFeatures], value: [Float](repeating: 0, count: outFeatures))
        super.init()
        var rng = RandomSource(seed: seed)
        reset(&rng)
    }
    private init(copying o: Linear) {
        inFeatures = o.inFeatures; outFeatures = o.outFeatures
        weight = o.weight.copy(); bias = o.bias.copy()
    }
    public override func reset(_ rng: inout RandomSource) {
        let bound = 1 / Double(inFeatures).squareRoot()
        for i in 0..<weight.count { weight.value[i] = Float((2 * rng.nextDouble() - 1) * bound) }
        for i in 0..<bias.count { bias.value[i] = Float((2 * rng.nextDouble() - 1) * bound) }
    }
    public override var kind: String { "linear" }
    public override var label: String { "linear(\(inFeatures), \(outFeatures))" }
    public override var parameters: [Parameter] { [weight, bias] }
    public override func forward(_ x: Node, _ ctx: ForwardContext) -> Node {
        let flat = x.shape.count == 2 ? x : Op.reshape(x, [x.shape[0], x.value.count / max(1, x.shape[0])])
        return Op.addBias(Op.matmul(flat, .leaf(weight), transposeB: true), .leaf(bias))
    }
    public override func outputShape(_ input: [Int]) throws -> [Int] {
        guard input.reduce(1, *) == inFeatures else {
            throw LearnError("linear(\(inFeatures), \(outFeatures)) expects \(inFeatures) input features, got shape \(input)")
        }
        return [outFeatures]
    }
    public override func copy() -> Layer { Linear(copying: self) }
}

public final class ReLU: Layer {
    public override init() {}
    public override var kind: String { "relu" }
    public override func forward(_ x: Node, _ ctx: ForwardContext) -> Node { Op.relu(x) }
    public override func copy() -> Layer { ReLU() }
}

public final class Flatten: Layer {
    public override init() {}
    public override var kind: String { "flatten" }
    public override func forward(_ x: Node, _ ctx: ForwardContext) -> Node {
        x.shape.count == 2 ? x : Op.reshape(x, [x.shape[0], x.value.count / max(1, x.shape[0])])
    }
    public override func outputShape(_ input: [Int]) throws -> [Int] { [input.reduce(1, *)] }
    public override func copy() -> Layer { Flatten() }
}

/// Inverted dropout: in training each value is zeroed with probability p and
/// the rest scaled by 1/(1−p); in evaluation it is the identity.
public final class Dropout: Layer {
    public let p: Double
    public init(_ p: Double) { self.p = p }
    public override var kind: String { "dropout" }
    public override var label: String { "dropout(\(p))" }
    public override func forward(_ x: Node, _ ctx: ForwardContext) -> Node {
        guard ctx.training, p > 0 else { return x }
        let keep = Float(1 / (1 - p))
        var mask = [Float](repeating: 0, count: x.value.count)
        for i in 0..<mask.count where ctx.rng.nextDouble() >= p { mask[i] = keep }
        return Op.mulMask(x, mask)
    }
    public override func copy() -> Layer { Dropout(p) }
}

/// Batch normalisation over channels (axis 1); `scale: false` drops γ.
public final class BatchNorm: Layer {
    public let channels: Int
    public let scale: Bool
    public let momentum: Float, eps: Float
    public let gamma: Parameter?, beta: Parameter
    public let runningMean: Parameter, runningVar: Parameter

    public init(_ channels: Int, scale: Bool = true, momentum: Float = 0.1, eps: Float = 1e-5) {
        self.channels = channels; self.scale = scale; self.momentum = momentum; self.eps = eps
        gamma = scale ? Parameter("weight", shape: [channels], value: [Float](repeating: 1, count: channels)) : nil
        beta = Parameter("bias", shape: [channels], value: [Float](repeating: 0, count: channels))
        runningMean = Parameter("running_mean", shape: [channels], value: [Float](repeating: 0, count: channels), trainable: false)
        runningVar = Parameter("running_var", shape: [channels], value: [Float](repeating: 1, count: channels), trainable: false)
    }
    private init(copying o: BatchNorm) {
        channels = o.channels; scale = o.scale; momentum = o.momentum; eps = o.eps
        gamma = o.gamma?.copy(); beta = o.beta.copy()
        runningMean = o.runningMean.copy(); runningVar = o.runningVar.copy()
    }
    public override func reset(_ rng: inout RandomSource) {
        if let gamma { for i in 0..<channels { gamma.value[i] = 1 } }
        for i in 0..<channels { beta.value[i] = 0; runningMean.value[i] = 0; runningVar.value[i] = 1 }
    }
    public override var kind: String { "batchnorm" }
    public override var label: String { scale ? "batchnorm(\(channels))" : "batchnorm(\(channels), scale: false)" }
    public override var parameters: [Parameter] { (gamma.map { [$0] } ?? []) + [beta, runningMean, runningVar] }
    public override func forward(_ x: Node, _ ctx: ForwardContext) -> Node {
        Op.batchNorm(x, gamma: gamma.map { Node.leaf($0) }, beta: .leaf(beta), runningMean: runningMean, runningVar: runningVar,
                     training: ctx.training, momentum: momentum, eps: eps)
    }
    public override func outputShape(_ input: [Int]) throws -> [Int] {
        guard input.first == channels else {
            throw LearnError("batchnorm(\(channels)) expects \(channels) channels, got shape \(input)")
        }
        return input
    }
    public override func copy() -> Layer { BatchNorm(copying: self) }
}

/// Layers applied in order.
public final class Sequential: Layer {
    public private(set) var layers: [Layer]
    public init(_ layers: [Layer]) { self.layers = layers }
    public override var kind: String { "sequential" }
    /// The layers' own labels joined by arrows when that stays short
    /// (`conv2d(1, 8, 3, padding: 1) → batchnorm(8) → relu()`), else a count.
    public override var label: String {
        let inline = layers.map(\.label).joined(separator: " → ")
        return inline.count <= 72 && !layers.isEmpty ? inline : "sequential(\(layers.count) layers)"
    }
    public override var parameters: [Parameter] { layers.flatMap { $0.parameters } }
    /// Parameters with PyTorch-style dotted names (`0.weight`, `2.running_mean`).
    public override var namedParameters: [(String, Parameter)] {
        layers.enumerated().flatMap { i, l in l.namedParameters.map { ("\(i).\($0.0)", $0.1) } }
    }
    public override func forward(_ x: Node, _ ctx: ForwardContext) -> Node {
        layers.reduce(x) { $1.forward($0, ctx) }
    }
    /// The output of layers[0...last].
    public func forward(_ x: Node, _ ctx: ForwardContext, through last: Int) -> Node {
        layers[0...last].reduce(x) { $1.forward($0, ctx) }
    }
    public override func outputShape(_ input: [Int]) throws -> [Int] {
        try layers.reduce(input) { try $1.outputShape($0) }
    }
    public override func copy() -> Layer { Sequential(layers.map { $0.copy() }) }
    public override func reset(_ rng: inout RandomSource) { for l in layers { l.reset(&rng) } }
}

public struct LearnError: Error, CustomStringConvertible, Equatable {
    public let message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}
