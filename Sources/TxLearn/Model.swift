import Foundation
import TxTensor

/// A network: a sequence of layers with a train/eval mode. Models are values
/// in tx: `clone()` copies every parameter and buffer.
public final class Model {
    public let net: Sequential
    /// Training mode (dropout active, batch norm uses batch statistics).
    public var training = false
    /// The shape of one input example when known (for `summary()`).
    public var inputShape: [Int]?

    public init(_ layers: [Layer], inputShape: [Int]? = nil) {
        net = Sequential(layers)
        self.inputShape = inputShape
    }
    /// Wraps one layer; a `Sequential` becomes the model's layer list.
    public convenience init(layer: Layer) {
        if let s = layer as? Sequential { self.init(s.layers) } else { self.init([layer]) }
    }

    public var layers: [Layer] { net.layers }

    /// Draws fresh initial weights for every layer from one seeded stream.
    public func initialize(seed: UInt64) {
        var rng = RandomSource(seed: seed)
        net.reset(&rng)
    }

    /// The number of trainable values (running statistics not counted), as
    /// `sum(p.numel() for p in model.parameters())`.
    public var parameterCount: Int { net.parameters.filter(\.trainable).reduce(0) { $0 + $1.count } }

    public var namedParameters: [(String, Parameter)] { net.namedParameters }

    public func clone() -> Model {
        let m = Model(net.layers.map { $0.copy() }, inputShape: inputShape)
        m.training = training
        return m
    }

    /// Freezes every parameter: training leaves them unchanged.
    public func freeze() { for p in net.parameters { p.frozen = true } }

    /// A copy whose final linear layer is replaced by a fresh one with
    /// `classes` outputs (seeded); every other layer is copied exactly.
    /// Auxiliary heads are dropped: they belong to pre-training and predict
    /// the old classes.
    public func withHead(_ classes: Int, seed: UInt64 = 0) throws -> Model {
        guard let last = net.layers.last as? Linear else {
            throw LearnError("with_head(): the model's last layer must be linear, got \(net.layers.last?.kind ?? "nothing")")
        }
        let kept = net.layers.dropLast().filter { !($0 is AuxHead) }.map { $0.copy() }
        let m = Model(kept + [Linear(last.inFeatures, classes, seed: seed)], inputShape: inputShape)
        m.training = training
        return m
    }

    /// The first input shape this model can infer (a leading linear or batchnorm).
    var guessedInputShape: [Int]? {
        if let s = inputShape { return s }
        for l in net.layers {
            if let lin = l as? Linear { return [lin.inFeatures] }
            if let bn = l as? BatchNorm { return [bn.channels] }
            if l is Dropout || l is ReLU { continue }
            return nil
        }
        return nil
    }

    /// A table of layers, output shapes and parameter counts.
    public func summary(inputShape given: [Int]? = nil) -> String {
        var shape: [Int]? = given ?? guessedInputShape
        var rows: [(String, String, String)] = [("layer", "output", "params")]
        for (i, l) in net.layers.enumerated() {
            if let s = shape { shape = try? l.outputShape(s) }
            let count = l.parameters.filter(\.trainable).reduce(0) { $0 + $1.count }
            let out = shape.map { "[" + $0.map(String.init).joined(separator: ", ") + "]" } ?? "?"
            rows.append(("\(i)  \(l.label)", out, "\(count)"))
        }
        let w0 = rows.map(\.0.count).max()!, w1 = rows.map(\.1.count).max()!, w2 = rows.map(\.2.count).max()!
        func pad(_ s: String, _ w: Int, right: Bool = false) -> String {
            let p = String(repeating: " ", count: max(0, w - s.count))
            return right ? p + s : s + p
        }
        var lines = rows.map { pad($0.0, w0) + "  " + pad($0.1, w1) + "  " + pad($0.2, w2, right: true) }
        lines.insert(String(repeating: "─", count: w0 + w1 + w2 + 4), at: 1)
        let frozen = net.parameters.filter { $0.trainable && $0.frozen }.reduce(0) { $0 + $1.count }
        lines.append("total \(parameterCount) parameters" + (frozen > 0 ? " (\(frozen) frozen)" : ""))
        return lines.joined(separator: "\n")
    }

    /// Runs the network (in eval mode unless `training`) on x [N, …] in
    /// chunks (of 256: a convolution unfolds its whole chunk, so this bounds
    /// memory), returning the output of layers[0...through] (default: all).
    public func forward(_ x: Tensor, through: Int? = nil, chunk: Int = 256) throws -> Tensor {
        try withLearningBLAS { try forwardInChunks(x, through: through, chunk: chunk) }
    }

    private func forwardInChunks(_ x: Tensor, through: Int?, chunk: Int) throws -> Tensor {
        guard x.ndim >= 1 else { throw LearnError("a model's input needs a batch axis, got a 0-d tensor") }
        guard !net.layers.isEmpty else { return x }
        let last = through ?? net.layers.count - 1
        guard last >= 0 && last < net.layers.count else {
            throw LearnError("layer index out of range for a model of \(net.layers.count) layers")
        }
        // Every layer checks its input shape before any kernel runs (kernels trust their shapes).
        _ = try net.outputShape(Array(x.shape.dropFirst()))
        let n = x.shape[0], rowSize = x.count / max(n, 1)
        let ctx = ForwardContext(training: false)
        var outShape: [Int]? = nil
        var out: [Float] = []
        var start = 0
        repeat {
            let end = min(n, start + chunk)
            let part = Array(x.data[start * rowSize..<end * rowSize])
            let y = net.forward(Node(shape: [end - start] + x.shape.dropFirst(), value: part, needsGrad: false), ctx, through: last)
            if outShape == nil { outShape = Array(y.shape.dropFirst()) }
            out += y.value
            start = end
        } while start < n
        return Tensor(shape: [n] + (outShape ?? []), data: out)
    }

    /// Logits [N, classes].
    public func predict(_ x: Tensor) throws -> Tensor { try forward(x) }

    /// The output of layer `layer` (negative counts from the end: −1 is the
    /// logits, −2 the penultimate layer's output), flattened to [N, D].
    public func features(_ x: Tensor, layer: Int = -2) throws -> Tensor {
        let count = net.layers.count
        let index = layer < 0 ? count + layer : layer
        guard index >= 0 && index < count else {
            throw LearnError("features(): layer \(layer) is out of range for a model of \(count) layers")
        }
        let f = try forward(x, through: index)
        return Tensor(shape: [f.shape[0], f.count / max(1, f.shape[0])], data: f.data)
    }

    /// The mean over classes present in `labels` of each class's top-1 accuracy.
    public func meanPerClassAccuracy(_ x: Tensor, _ labels: [Int]) throws -> Double {
        let predicted = argmaxRows(try forward(x))
        var hits: [Int: (Int, Int)] = [:]
        for (p, y) in zip(predicted, labels) { let h = hits[y] ?? (0, 0); hits[y] = (h.0 + (p == y ? 1 : 0), h.1 + 1) }
        guard !hits.isEmpty else { return 0 }
        return hits.values.map { Double($0.0) / Double($0.1) }.reduce(0, +) / Double(hits.count)
    }

    /// Top-1 accuracy on labelled examples.
    public func accuracy(_ x: Tensor, _ labels: [Int]) throws -> Double {
        let logits = try forward(x)
        return Double(zip(argmaxRows(logits), labels).filter { $0 == $1 }.count) / Double(max(labels.count, 1))
    }
}

/// The index of each row's largest value of a [N, C] tensor.
public func argmaxRows(_ t: Tensor) -> [Int] {
    let n = t.shape[0], c = t.count / max(n, 1)
    return (0..<n).map { i in
        var best = 0
        for j in 1..<max(c, 1) where t.data[i * c + j] > t.data[i * c + best] { best = j }
        return best
    }
}
