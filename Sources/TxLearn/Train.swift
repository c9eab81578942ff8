import Foundation
import TxTensor

/// Learning-rate schedules. `cosine` anneals per step (per mini-batch):
/// lr·½(1 + cos(π·t/T)) over all T steps of the run, reaching 0 at the end.
/// `step` is per epoch: lr, then lr/10 from half of the epochs, lr/100 from
/// three quarters. `constant` keeps lr.
public enum Schedule: String, Sendable, CaseIterable {
    case cosine, step, constant

    public func rate(_ lr: Double, step: Int, totalSteps: Int, epoch: Int, epochs: Int) -> Double {
        switch self {
        case .constant: return lr
        case .cosine: return lr * 0.5 * (1 + cos(Double.pi * Double(step) / Double(max(totalSteps, 1))))
        case .step:
            let e = Double(epoch) / Double(max(epochs, 1))
            return e >= 0.75 ? lr / 100 : e >= 0.5 ? lr / 10 : lr
        }
    }
}

public struct FitOptions: Sendable {
    public var epochs = 10
    public var lr = 0.1
    public var batch = 64
    public var momentum = 0.9
    public var nesterov = true
    public var weightDecay = 0.0
    public var labelSmoothing = 0.0
    public var schedule = Schedule.cosine
    /// Weight of the auxiliary heads' cross-entropy in the training loss.
    public var auxWeight = 0.4
    public var augment = Augment.none
    public var seed: UInt64 = 0
    public init() {}
}

/// Training-time augmentation of image examples [C, H, W], drawn per
/// example from the fit's seed: `crop` shifts the image by up to
/// max(1, ⌊H/8⌋) pixels each way with zero fill (a padded random crop, 4
/// pixels on 32×32 as for CIFAR), `flip` mirrors it left–right with
/// probability ½, `both` does both.
public enum Augment: String, Sendable, CaseIterable {
    case none, crop, flip, both

    /// Augments `count` examples of shape [c, h, w] stored back to back in `xb`.
    func apply(_ xb: inout [Float], count: Int, c: Int, h: Int, w: Int, rng: inout RandomSource) {
        guard self != .none else { return }
        let pad = max(1, h / 8), plane = h * w, size = c * plane
        var tmp = [Float](repeating: 0, count: size)
        for e in 0..<count {
            let dy = self == .flip ? 0 : rng.nextInt(below: 2 * pad + 1) - pad
            let dx = self == .flip ? 0 : rng.nextInt(below: 2 * pad + 1) - pad
            let mirror = self == .crop ? false : rng.nextDouble() < 0.5
            if dy == 0 && dx == 0 && !mirror { continue }
            xb.withUnsafeMutableBufferPointer { x in
                let base = e * size
                for ch in 0..<c { for y in 0..<h { for xx in 0..<w {
                    let sy = y + dy, sxu = (mirror ? w - 1 - xx : xx) + dx
                    tmp[ch * plane + y * w + xx] = sy >= 0 && sy < h && sxu >= 0 && sxu < w ? x[base + ch * plane + sy * w + sxu] : 0
                } } }
                for i in 0..<size { x[base + i] = tmp[i] }
            }
        }
    }
}

public struct EpochRecord: Sendable, Equatable {
    public var epoch: Int
    public var loss: Double
    public var trainAccuracy: Double
    public var valAccuracy: Double?
    public var seconds: Double
}

public struct History: Sendable {
    public var epochs: [EpochRecord] = []
    /// True when `shouldStop` ended training early (the weights reached are kept).
    public var stopped = false
}

/// SGD with momentum as PyTorch's `torch.optim.SGD` (dampening 0):
/// g ← ∇ + wd·p; b ← μ·b + g (b = g on the first step);
/// p ← p − lr·(g + μ·b) with Nesterov, p − lr·b without.
public struct SGD {
    public var momentum: Double, nesterov: Bool, weightDecay: Double
    public init(momentum: Double, nesterov: Bool, weightDecay: Double) {
        self.momentum = momentum; self.nesterov = nesterov; self.weightDecay = weightDecay
    }
    public func step(_ params: [Parameter], lr: Double) {
        let mu = Float(momentum), wd = Float(weightDecay), rate = Float(lr)
        for p in params where p.trainable && !p.frozen {
            let first = p.velocity.isEmpty
            if first && mu != 0 { p.velocity = [Float](repeating: 0, count: p.count) }
            p.value.withUnsafeMutableBufferPointer { v in p.grad.withUnsafeBufferPointer { g in
                if mu == 0 {
                    for i in 0..<v.count { v[i] -= rate * (g[i] + wd * v[i]) }
                    return
                }
                p.velocity.withUnsafeMutableBufferPointer { b in
                    for i in 0..<v.count {
                        let d = g[i] + wd * v[i]
                        b[i] = first ? d : mu * b[i] + d
                        v[i] -= rate * (nesterov ? d + mu * b[i] : b[i])
                    }
                }
            } }
        }
    }
}

/// Integer class labels from a label tensor, checked.
public func classLabels(_ y: Tensor) throws -> [Int] {
    try y.data.map { v in
        guard v >= 0, v == v.rounded(), v < 1e9 else { throw LearnError("labels must be whole numbers ≥ 0, got \(v)") }
        return Int(v)
    }
}

/// Trains `model` with mini-batch SGD on softmax cross-entropy (plus
/// `auxWeight` × the cross-entropy of any auxiliary heads; the recorded
/// loss is the main head's).
///
/// Each epoch visits the examples in an order drawn from `seed` (the same
/// seed gives bit-identical weights and history). A trailing batch of one
/// example is skipped (batch norm cannot train on it). `progress` runs after
/// every epoch; `shouldStop` is polled before every step and ends training
/// early, keeping the weights reached.
public func fit(_ model: Model, x: Tensor, y: [Int], options o: FitOptions,
                val: (x: Tensor, y: [Int])? = nil,
                progress: ((EpochRecord) -> Void)? = nil,
                batchProgress: ((_ epoch: Int, _ done: Int, _ total: Int, _ loss: Double, _ acc: Double) -> Void)? = nil,
                shouldStop: () -> Bool = { false }) throws -> History {
    try withLearningBLAS {
        try train(model, x: x, y: y, options: o, val: val, progress: progress, batchProgress: batchProgress, shouldStop: shouldStop)
    }
}

private func train(_ model: Model, x: Tensor, y: [Int], options o: FitOptions,
                   val: (x: Tensor, y: [Int])?,
                   progress: ((EpochRecord) -> Void)?,
                   batchProgress: ((_ epoch: Int, _ done: Int, _ total: Int, _ loss: Double, _ acc: Double) -> Void)?,
                   shouldStop: () -> Bool) throws -> History {
    let n = x.shape.first ?? 0
    guard n == y.count else { throw LearnError("fit(): \(n) examples but \(y.count) labels") }
    guard n > 1 else { throw LearnError("fit(): needs at least 2 examples") }
    guard o.batch >= 1 else { throw LearnError("fit(): batch must be ≥ 1, got \(o.batch)") }
    guard o.epochs >= 0 else { throw LearnError("fit(): epochs must be ≥ 0") }
    guard o.labelSmoothing >= 0 && o.labelSmoothing < 1 else { throw LearnError("fit(): label_smoothing must be in [0, 1)") }
    let classes = try model.net.outputShape(Array(x.shape.dropFirst())).reduce(1, *)
    if let bad = y.first(where: { $0 >= classes }) {
        throw LearnError("fit(): label \(bad) is out of range for a model with \(classes) outputs")
    }
    if let val, val.x.shape.first != val.y.count { throw LearnError("fit(): validation examples and labels differ in number") }
    let rowSize = x.count / n
    let exampleShape = Array(x.shape.dropFirst())
    if o.augment != .none && exampleShape.count != 3 {
        throw LearnError("fit(): augment needs image examples [C, H, W], got examples of shape \(exampleShape)")
    }
    guard o.auxWeight >= 0 else { throw LearnError("fit(): aux_weight must be ≥ 0") }
    if model.inputShape == nil { model.inputShape = exampleShape }
    var rng = RandomSource(seed: o.seed)
    var augmentRNG = RandomSource(seed: o.seed &+ 0x9E3779B97F4A7C15)
    let ctx = ForwardContext(training: true, seed: o.seed &+ 0x5DEECE66D)
    let params = model.net.parameters.filter { $0.trainable }
    let sgd = SGD(momentum: o.momentum, nesterov: o.nesterov, weightDecay: o.weightDecay)
    let batchesPerEpoch = (n + o.batch - 1) / o.batch
    let totalSteps = batchesPerEpoch * o.epochs
    var step = 0
    var history = History()
    var order = Array(0..<n)
    let wasTraining = model.training
    defer { model.training = wasTraining }
    var xb = [Float](), yb = [Int]()
    for epoch in 0..<o.epochs {
        let start = Date()
        model.training = true
        for i in stride(from: n - 1, to: 0, by: -1) { order.swapAt(i, rng.nextInt(below: i + 1)) }
        var lossSum = 0.0, correct = 0, seen = 0
        var b = 0
        while b < n {
            let end = min(n, b + o.batch)
            defer { b = end }
            if end - b < 2 { continue }
            if shouldStop() { history.stopped = true; break }
            let m = end - b
            xb.removeAll(keepingCapacity: true); yb.removeAll(keepingCapacity: true)
            x.data.withUnsafeBufferPointer { xs in
                for k in b..<end {
                    let r = order[k]
                    xb.append(contentsOf: xs[r * rowSize..<(r + 1) * rowSize])
                    yb.append(y[r])
                }
            }
            if o.augment != .none {
                o.augment.apply(&xb, count: m, c: exampleShape[0], h: exampleShape[1], w: exampleShape[2], rng: &augmentRNG)
            }
            for p in params { p.zeroGrad() }
            let input = Node(shape: [m] + exampleShape, value: xb, needsGrad: false)
            ctx.auxOutputs.removeAll()
            let logits = model.net.forward(input, ctx)
            let (loss, c) = Op.softmaxCrossEntropy(logits, labels: yb, smoothing: Float(o.labelSmoothing))
            var objective = loss
            for aux in ctx.auxOutputs {
                guard aux.shape.count == 2 && aux.shape[1] == classes else {
                    throw LearnError("fit(): an auxiliary head gives outputs of shape \(Array(aux.shape.dropFirst())), but the model has \(classes) classes")
                }
                let (auxLoss, _) = Op.softmaxCrossEntropy(aux, labels: yb, smoothing: Float(o.labelSmoothing))
                objective = Op.add(objective, auxLoss, scaleB: Float(o.auxWeight))
            }
            ctx.auxOutputs.removeAll()
            objective.backward()
            let rate = o.schedule.rate(o.lr, step: step, totalSteps: totalSteps, epoch: epoch, epochs: o.epochs)
            sgd.step(params, lr: rate)
            step += 1
            lossSum += Double(loss.value[0]) * Double(m)
            correct += c
            seen += m
            batchProgress?(epoch + 1, end, n, lossSum / Double(seen), Double(correct) / Double(seen))
        }
        if history.stopped { break }
        model.training = false
        var record = EpochRecord(epoch: epoch + 1, loss: lossSum / Double(max(seen, 1)),
                                 trainAccuracy: Double(correct) / Double(max(seen, 1)), valAccuracy: nil, seconds: 0)
        if let val { record.valAccuracy = try model.accuracy(val.x, val.y) }
        record.seconds = Date().timeIntervalSince(start)
        history.epochs.append(record)
        progress?(record)
    }
    return history
}
