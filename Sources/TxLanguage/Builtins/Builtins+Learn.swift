import CSupport
import Foundation
import OrderedCollections
import TxData
import TxLearn
import TxTensor
#if canImport(Glibc)
import Glibc
#endif

extension Builtins {
    /// Layers, models and training (TxLearn).
    static let learning: [Builtin] = [
        Builtin("linear(in, out, seed = 0)", "A fully connected layer y = x·Wᵀ + b (weights Kaiming-uniform as PyTorch, drawn from seed).",
                example: "linear(64, 10).params   # 650") { a in
            let i = try a.int("in"), o = try a.int("out")
            guard i >= 1, o >= 1 else { throw TxError.runtime("linear(): sizes must be ≥ 1, got \(i), \(o)") }
            return model(Model(layer: Linear(i, o, seed: try learnSeed(a))))
        },
        Builtin("relu(t = nil)", "max(t, 0) of each element of a tensor or number; without an argument, the relu layer.",
                example: "relu(tensor([-1, 2]))   # [0, 2]") { a in
            switch a["t"] {
            case .nil: return model(Model(layer: ReLU()))
            case .number(let x): return .number(x.isNaN ? x : max(x, 0))
            default: return .tensor(try a.tensor("t").unary(.relu))
            }
        },
        Builtin("dropout(p)", "Inverted dropout: in training zeroes each value with probability p and scales the rest by 1/(1−p); inactive in evaluation.",
                example: "dropout(0.5)") { a in
            let p = try a.number("p")
            guard p >= 0 && p < 1 else { throw TxError.runtime("dropout(): p must be in [0, 1), got \(formatNumber(p))") }
            return model(Model(layer: Dropout(p)))
        },
        Builtin("batchnorm(c, scale = true)", "Batch normalisation of c channels (batch statistics in training, running ones with momentum 0.1 in evaluation); scale: false drops γ, the paper's batch-norm without scale.",
                example: "batchnorm(32, scale: false).params   # 32") { a in
            let c = try a.int("c")
            guard c >= 1 else { throw TxError.runtime("batchnorm(): c must be ≥ 1, got \(c)") }
            return model(Model(layer: BatchNorm(c, scale: try a.bool("scale"))))
        },
        Builtin("conv2d(in, out, k, stride = 1, padding = 0, seed = 0)", "A 2-D convolution layer (k×k kernels, im2col + BLAS) on examples [in, H, W]; weights Kaiming-uniform as PyTorch.",
                example: "conv2d(1, 8, 3, padding: 1).params   # 80") { a in
            let (i, o, k) = (try a.int("in"), try a.int("out"), try a.int("k"))
            let (s, p) = (try a.int("stride"), try a.int("padding"))
            guard i >= 1, o >= 1, k >= 1, s >= 1, p >= 0 else {
                throw TxError.runtime("conv2d(): sizes, k and stride must be ≥ 1 and padding ≥ 0")
            }
            return model(Model(layer: Conv2d(i, o, kernel: k, stride: s, padding: p, seed: try learnSeed(a))))
        },
        Builtin("maxpool(k)", "Max pooling over k×k windows with stride k.", example: "maxpool(2)") { a in
            let k = try a.int("k")
            guard k >= 1 else { throw TxError.runtime("maxpool(): k must be ≥ 1, got \(k)") }
            return model(Model(layer: MaxPool2d(k)))
        },
        Builtin("global_avgpool()", "The mean over the spatial axes: [C, H, W] → [C].", example: "global_avgpool()") { _ in
            model(Model(layer: GlobalAvgPool()))
        },
        Builtin("flatten()", "The layer that flattens each example to a vector.", example: "flatten()") { _ in
            model(Model(layer: Flatten()))
        },
        Builtin("sequential(layers, seed = 0)", "A model applying layers in order; the weights are copied and drawn afresh from seed.",
                example: "sequential([linear(4, 8), relu(), linear(8, 2)]).params   # 58") { a in
            let parts = try a.list("layers").items.map { v -> Layer in
                guard case .object(let o as ModelObject) = v else {
                    throw TxError.runtime("sequential(): layers must be layers or models, got \(v.typeName)")
                }
                let layers = o.model.layers.map { $0.copy() }
                return layers.count == 1 ? layers[0] : Sequential(layers)
            }
            let m = Model(parts)
            m.initialize(seed: try learnSeed(a))
            return model(m)
        },
        Builtin("avgpool(k)", "Average pooling over k×k windows with stride k.", example: "avgpool(2)") { a in
            let k = try a.int("k")
            guard k >= 1 else { throw TxError.runtime("avgpool(): k must be ≥ 1, got \(k)") }
            return model(Model(layer: AvgPool2d(k)))
        },
        Builtin("residual(block)", "x + block(x): a residual connection around a layer or model that keeps the shape (as in ResNets); its weights are named block.….",
                example: "residual(sequential([linear(4, 4), relu(), linear(4, 4)])).params   # 40") { a in
            model(Model([Residual(try layerArgument(a, "block", "residual"))]))
        },
        Builtin("aux_head(head)", "An auxiliary classifier branching off the main path (as Inception's): in training fit adds aux_weight × its cross-entropy to the loss; in evaluation it is skipped. The main path passes through unchanged.",
                example: "aux_head(sequential([global_avgpool(), linear(16, 10)])).params   # 170") { a in
            model(Model([AuxHead(try layerArgument(a, "head", "aux_head"))]))
        },
        zooModel("mlp(sizes, dropout = 0, seed = 0)", "A multilayer perceptron (stdlib/zoo.tx): linear layers of the given sizes with relu (and dropout when > 0) between them.",
                 example: "mlp([64, 32, 10]).params   # 2410"),
        zooModel("cnn(width = 32, depth = 3, classes = 10, bn_scale = true, dropout = 0, aux_head = false, channels = 3, size = 32, seed = 0)",
                 "A small VGG-style CNN (stdlib/zoo.tx) for [channels, size, size] images: depth blocks of conv3×3–batchnorm–relu–maxpool doubling the width, global average pooling, dropout, linear. The paper's switches: bn_scale (batch-norm γ), dropout, aux_head (an auxiliary classifier on the middle block).",
                 example: "cnn(width: 8, depth: 2, channels: 1, size: 8).params   # 1466"),
        zooModel("resnet(width = 16, blocks = [2, 2, 2], classes = 10, bn_scale = true, dropout = 0, aux_head = false, channels = 3, seed = 0)",
                 "A small ResNet (stdlib/zoo.tx): a conv–bn–relu stem, stages of residual blocks (blocks[s] each; stride-2 conv between stages doubles the width), global average pooling, dropout, linear; with the paper's switches bn_scale, dropout and aux_head.",
                 example: "resnet(width: 4, blocks: [1, 1], channels: 1).params   # 1962"),
        Builtin("fit(model, train, epochs = 10, lr = 0.1, batch = 64, momentum = 0.9, nesterov = true, weight_decay = 0, label_smoothing = 0, aux_weight = 0.4, schedule = \"cosine\", augment = false, val = nil, seed = 0, quiet = false)",
                "Trains model in place by SGD on softmax cross-entropy (+ aux_weight × the auxiliary heads' loss); returns the history table (epoch, loss, train_acc, val_acc, seconds). schedule: \"cosine\" (per step), \"step\" (÷10 at 50% and 75% of the epochs) or \"constant\"; augment: true (random shifted crops and left–right flips), \"crop\" or \"flip\". Shows a progress bar on a terminal; Ctrl-C stops and keeps the weights reached.",
                example: "fit(mlp([2, 8, 2]), dataset(randn(32, 2, seed: 0), randn(32, seed: 1) > 0), epochs: 1, quiet: true)[0].epoch   # 1") { a in
            let m = try modelArgument(a, "model", "fit")
            let train = try datasetArgument(a["train"], "fit", "train")
            var o = FitOptions()
            o.epochs = try a.int("epochs")
            o.lr = try a.number("lr")
            o.batch = try a.int("batch")
            o.momentum = try a.number("momentum")
            o.nesterov = try a.bool("nesterov")
            o.weightDecay = try a.number("weight_decay")
            o.labelSmoothing = try a.number("label_smoothing")
            o.auxWeight = try a.number("aux_weight")
            o.augment = try augmentArgument(a)
            o.seed = try learnSeed(a)
            let s = try a.string("schedule")
            guard let schedule = Schedule(rawValue: s) else {
                throw TxError.runtime("fit(): schedule must be \"cosine\", \"step\" or \"constant\", got \"\(s)\"")
            }
            o.schedule = schedule
            guard o.lr >= 0, o.momentum >= 0, o.weightDecay >= 0 else {
                throw TxError.runtime("fit(): lr, momentum and weight_decay must be ≥ 0")
            }
            var val: (x: Tensor, y: [Int])? = nil
            if a.optional("val") != nil {
                let v = try datasetArgument(a["val"], "fit", "val")
                val = (v.x, try learn("fit") { try classLabels(v.y) })
            }
            let quiet = try a.bool("quiet")
            let bar = TrainingProgress(epochs: o.epochs, quiet: quiet)
            let history = try learn("fit") {
                try fit(m, x: train.x, y: try classLabels(train.y), options: o, val: val,
                        progress: bar.epochEnded, batchProgress: bar.batchEnded,
                        shouldStop: { tx_interrupt_pending() != 0 })
            }
            if history.stopped {
                tx_clear_interrupt()
                bar.clear()
                fputs("  training interrupted after \(history.epochs.count) epoch\(history.epochs.count == 1 ? "" : "s"); keeping the weights reached\n", stderr)
            }
            return .object(TableObject(try historyTable(history)))
        },
        Builtin("evaluate(model, ds, mean_per_class = false)", "Top-1 accuracy of model on a dataset (evaluation mode); mean_per_class: the mean of the per-class accuracies.",
                example: "evaluate(mlp([2, 2]), dataset(tensor([[1, 0], [0, 1]]), [0, 1])) <= 1   # true") { a in
            let m = try modelArgument(a, "model", "evaluate")
            let ds = try datasetArgument(a["ds"], "evaluate", "ds")
            let perClass = try a.bool("mean_per_class")
            return .number(try learn("evaluate") {
                perClass ? try m.meanPerClassAccuracy(ds.x, try classLabels(ds.y)) : try m.accuracy(ds.x, try classLabels(ds.y))
            })
        },
        Builtin("predict(model, x)", "The model's outputs (logits, [N, classes]) for the examples x (a tensor [N, …] or a dataset); argmax(axis: 1) gives labels.",
                example: "predict(mlp([3, 2]), ones(4, 3)).shape   # [4, 2]") { a in
            let m = try modelArgument(a, "model", "predict")
            let x = try inputs(a["x"], "predict")
            return .tensor(try learn("predict") { try m.predict(x) })
        },
        Builtin("features(model, ds, layer = -2)", "The output of one layer for every example (−2: the penultimate layer, −1: the logits) as an [N, D] tensor; ds is a dataset or a tensor.",
                example: "features(mlp([3, 5, 2]), ones(4, 3)).shape   # [4, 5]") { a in
            let m = try modelArgument(a, "model", "features")
            let x = try inputs(a["ds"], "features")
            let layer = try a.int("layer")
            return .tensor(try learn("features") { try m.features(x, layer: layer) })
        },
        Builtin("clone(model)", "An independent copy of a model (every weight and running statistic copied).",
                example: "clone(mlp([4, 2])).params   # 10") { a in
            model(try modelArgument(a, "model", "clone").clone())
        },
    ]

    /// Properties and methods of models and layers.
    static let modelMethods: [Builtin] = [
        Builtin("summary(shape = nil)", "A table of the layers with their output shapes and parameter counts; shape is one example's shape (default: inferred, or the training data's).",
                example: "print(mlp([64, 32, 10]).summary())", receiver: "model") { a in
            let shape = try a.optional("shape").map { v in try numbers(v, "summary").map { x -> Int in
                guard let n = exactInt(x), n >= 1 else { throw TxError.runtime("summary(): shape must hold whole numbers ≥ 1") }
                return n
            } }
            return .string(try modelReceiver(a).summary(inputShape: shape))
        },
        Builtin("params", "The number of trainable parameters (running statistics not counted).",
                example: "mlp([64, 32, 10]).params   # 2410", receiver: "model") { a in
            .number(Double(try modelReceiver(a).parameterCount))
        },
        Builtin("layers", "The number of top-level layers.", example: "mlp([4, 8, 2]).layers   # 3", receiver: "model") { a in
            .number(Double(try modelReceiver(a).layers.count))
        },
        Builtin("clone()", "An independent copy (every weight and running statistic copied).",
                example: "mlp([4, 2]).clone().params   # 10", receiver: "model") { a in
            model(try modelReceiver(a).clone())
        },
        Builtin("freeze()", "Freezes every current parameter (training leaves them unchanged); returns the model.",
                example: "mlp([4, 8, 2]).freeze().with_head(3)", receiver: "model") { a in
            try modelReceiver(a).freeze()
            return a.receiver!
        },
        Builtin("with_head(classes, seed = 0)", "A copy whose final linear layer is replaced by a fresh one with classes outputs; every other layer is copied exactly.",
                example: "mlp([64, 32, 10]).with_head(3).params   # 2179", receiver: "model") { a in
            let m = try modelReceiver(a)
            let c = try a.int("classes")
            guard c >= 1 else { throw TxError.runtime("with_head(): classes must be ≥ 1, got \(c)") }
            return model(try learn("with_head") { try m.withHead(c, seed: try learnSeed(a)) })
        },
    ]
}

/// A model (or a single layer) as a tx value.
final class ModelObject: NativeObject {
    let model: Model
    init(_ model: Model) { self.model = model }
    var typeName: String { "model" }
    var display: String {
        let layers = model.layers
        if layers.count == 1 { return "Layer \(layers[0].label), \(model.parameterCount) parameters" }
        return "Model: \(layers.count) layers (" + layers.map(\.kind).joined(separator: ", ") + "), \(model.parameterCount) parameters"
    }
    var memberNames: [String] { ["params", "layers"] }
    func member(_ name: String, _ interp: Interpreter) throws -> Value? { nil }
}

private func model(_ m: Model) -> Value { .object(ModelObject(m)) }

/// A layer argument: a one-layer model is that layer, a longer one a sequential block (copied).
private func layerArgument(_ a: Arguments, _ name: String, _ function: String) throws -> Layer {
    guard case .object(let o as ModelObject) = a[name] else {
        throw TxError.runtime("\(function)(): '\(name)' must be a layer or model, got \(a[name].typeName)")
    }
    let layers = o.model.layers.map { $0.copy() }
    return layers.count == 1 ? layers[0] : Sequential(layers)
}

/// A zoo model: declared here (signature, help, example) and written in tx
/// in stdlib/zoo.tx, whose function of the same name gets the bound arguments.
private func zooModel(_ signature: String, _ summary: String, example: String) -> Builtin {
    Builtin(signature, summary, example: example) { a in
        let name = a.builtin.name
        let zoo = try a.interp.importModule("zoo", isPath: false, from: SourceFile(name: "<zoo>", text: ""))
        guard case .function(let f)? = zoo.value(of: name) else {
            throw TxError.runtime("\(name)(): stdlib/zoo.tx does not define \(name)")
        }
        return try f.call(a.interp, a.builtin.parameters.map { a[$0.name] }, [])
    }
}

private func augmentArgument(_ a: Arguments) throws -> Augment {
    switch a["augment"] {
    case .bool(let b): return b ? .both : .none
    case .nil: return .none
    case .string(let s):
        if let x = Augment(rawValue: s), x != .both { return x }
        throw TxError.runtime("fit(): augment must be true, false, \"crop\" or \"flip\", got \"\(s)\"")
    case let v: throw TxError.runtime("fit(): augment must be true, false, \"crop\" or \"flip\", got \(v.typeName)")
    }
}

/// The history as a table: epoch, loss, train_acc, val_acc (nan without val), seconds.
private func historyTable(_ h: History) throws -> Table {
    let e = h.epochs
    return try Table(names: ["epoch", "loss", "train_acc", "val_acc", "seconds"], columns: [
        .number(e.map { Double($0.epoch) }), .number(e.map(\.loss)), .number(e.map(\.trainAccuracy)),
        .number(e.map { $0.valAccuracy ?? .nan }), .number(e.map(\.seconds)),
    ])
}

/// fit's progress: on a terminal one line rewritten after each batch
/// (epoch, batch, loss, accuracy, examples/s; at most 10 times a second),
/// then one line per epoch; off a terminal only the epoch lines.
private final class TrainingProgress {
    let epochs: Int, quiet: Bool
    let terminal = isatty(2) != 0
    var epochStart = Date(), lastDraw = Date.distantPast, drawn = false, currentEpoch = 0

    init(epochs: Int, quiet: Bool) { self.epochs = epochs; self.quiet = quiet }

    func batchEnded(epoch: Int, done: Int, total: Int, loss: Double, acc: Double) {
        guard !quiet, terminal else { return }
        let now = Date()
        if epoch != currentEpoch { currentEpoch = epoch; epochStart = now }
        guard now.timeIntervalSince(lastDraw) >= 0.1 || done == total else { return }
        lastDraw = now
        let rate = Double(done) / max(now.timeIntervalSince(epochStart), 1e-9)
        let width = 20, filled = min(width, width * done / max(total, 1))
        let barText = String(repeating: "█", count: filled) + String(repeating: "·", count: width - filled)
        fputs("\r\u{1B}[K  epoch \(epoch)/\(epochs) \(barText) \(done)/\(total)  loss \(fixed(loss, 4))  acc \(fixed(100 * acc, 1))%  \(Int(rate.rounded())) ex/s", stderr)
        drawn = true
    }

    func epochEnded(_ r: EpochRecord) {
        guard !quiet else { return }
        clear()
        var line = "  epoch \(r.epoch)/\(epochs)  loss \(fixed(r.loss, 4))  train \(fixed(100 * r.trainAccuracy, 1))%"
        if let v = r.valAccuracy { line += "  val \(fixed(100 * v, 1))%" }
        line += "  \(fixed(r.seconds, 2))s"
        fputs(line + "\n", stderr)
    }

    func clear() {
        if drawn { fputs("\r\u{1B}[K", stderr); drawn = false }
    }
}

private func modelReceiver(_ a: Arguments) throws -> Model {
    guard case .object(let o as ModelObject)? = a.receiver else { throw TxError.runtime("expected a model receiver") }
    return o.model
}

private func modelArgument(_ a: Arguments, _ name: String, _ function: String) throws -> Model {
    guard case .object(let o as ModelObject) = a[name] else {
        throw TxError.runtime("\(function)(): '\(name)' must be a model, got \(a[name].typeName)")
    }
    return o.model
}

private func datasetArgument(_ v: Value, _ function: String, _ name: String) throws -> Dataset {
    guard case .object(let o as DatasetObject) = v else {
        throw TxError.runtime("\(function)(): '\(name)' must be a dataset, got \(v.typeName)")
    }
    return o.dataset
}

/// Examples from a dataset or a tensor.
private func inputs(_ v: Value, _ function: String) throws -> Tensor {
    if case .object(let o as DatasetObject) = v { return o.dataset.x }
    return try toTensor(v)
}

private func learnSeed(_ a: Arguments) throws -> UInt64 {
    let s = try a.int("seed")
    guard s >= 0 else { throw TxError.runtime("seed must be ≥ 0, got \(s)") }
    return UInt64(s)
}

/// Runs TxLearn code, turning its errors into tx runtime errors.
private func learn<T>(_ function: String, _ body: () throws -> T) throws -> T {
    do { return try body() } catch let e as LearnError {
        throw TxError.runtime(e.message.hasPrefix(function + "()") ? e.message : "\(function)(): \(e.message)")
    }
}

private func fixed(_ x: Double, _ digits: Int) -> String {
    String(format: "%.\(digits)f", x)
}
