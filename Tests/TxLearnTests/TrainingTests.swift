import Testing
import TxData
import TxTensor
@testable import TxLearn

/// Digits normalised to [0, 1], split 1400 / 397 by a fixed permutation.
private func digitsSplit() throws -> (train: Dataset, test: Dataset) {
    let ds = try Dataset.digits()
    let scaled = try Dataset(x: Tensor(shape: ds.x.shape, data: ds.x.data.map { $0 / 16 }), y: ds.y, name: "digits")
    let order = Dataset.permutation(ds.count, seed: 0)
    return (scaled.select(Array(order[0..<1400])), scaled.select(Array(order[1400...])))
}

private func mlp(_ sizes: [Int], dropout: Double = 0, bn: Bool = false, seed: UInt64 = 0) -> Model {
    var layers: [Layer] = []
    for i in 0..<(sizes.count - 1) {
        layers.append(Linear(sizes[i], sizes[i + 1]))
        if i < sizes.count - 2 {
            if bn { layers.append(BatchNorm(sizes[i + 1])) }
            layers.append(ReLU())
            if dropout > 0 { layers.append(Dropout(dropout)) }
        }
    }
    let m = Model(layers)
    m.initialize(seed: seed)
    return m
}

@Suite struct TrainingTests {
    @Test func mlpLearnsDigits() throws {
        let (train, test) = try digitsSplit()
        let model = mlp([64, 256, 10])
        var o = FitOptions()
        o.epochs = 30; o.lr = 0.1; o.batch = 64; o.seed = 0
        let h = try fit(model, x: train.x, y: try classLabels(train.y), options: o,
                        val: (test.x, try classLabels(test.y)))
        let acc = try model.accuracy(test.x, try classLabels(test.y))
        #expect(acc >= 0.97, "test accuracy \(acc)")
        #expect(h.epochs.count == 30)
        print("digits MLP test accuracy", acc, "seconds/epoch", h.epochs.map(\.seconds).reduce(0, +) / 30)
        #expect(h.epochs.last!.valAccuracy == acc)
        #expect(h.epochs.last!.loss < h.epochs.first!.loss)
    }

    @Test func sameSeedSameHistoryAndWeights() throws {
        let (train, test) = try digitsSplit()
        var o = FitOptions()
        o.epochs = 2; o.labelSmoothing = 0.1; o.weightDecay = 5e-4; o.seed = 7
        func run() throws -> (History, [[Float]]) {
            let model = mlp([64, 32, 10], dropout: 0.2, bn: true, seed: 3)
            let h = try fit(model, x: train.x, y: try classLabels(train.y), options: o, val: (test.x, try classLabels(test.y)))
            return (h, model.net.parameters.map(\.value))
        }
        let (h1, w1) = try run(), (h2, w2) = try run()
        #expect(w1 == w2)
        #expect(h1.epochs.map(\.loss) == h2.epochs.map(\.loss))
        #expect(h1.epochs.map(\.trainAccuracy) == h2.epochs.map(\.trainAccuracy))
        #expect(h1.epochs.map(\.valAccuracy) == h2.epochs.map(\.valAccuracy))
    }

    @Test func withHeadCopiesEverythingElse() throws {
        let model = mlp([64, 16, 10], bn: true, seed: 1)
        let (train, _) = try digitsSplit()
        var o = FitOptions(); o.epochs = 1
        _ = try fit(model, x: train.x, y: try classLabels(train.y), options: o)
        let tuned = try model.withHead(3, seed: 5)
        let a = model.namedParameters, b = tuned.namedParameters
        #expect(a.count == b.count)
        for ((na, pa), (nb, pb)) in zip(a, b) {
            #expect(na == nb)
            if na.hasPrefix("\(model.layers.count - 1).") {
                #expect(pb.shape[0] == 3)
            } else {
                #expect(pa.value == pb.value, "\(na)")
                #expect(pa !== pb)
            }
        }
        #expect(try tuned.predict(train.x).shape == [1400, 3])
        let f1: Tensor = try model.features(train.x)
        let f2: Tensor = try tuned.features(train.x)
        #expect(f1.shape == [1400, 16])
        #expect(f1.data == f2.data)
    }

    @Test func freezeKeepsWeights() throws {
        let model = mlp([64, 16, 10], seed: 1)
        model.freeze()
        let tuned = try model.withHead(10)
        let before = tuned.namedParameters.map { $0.1.value }
        let (train, _) = try digitsSplit()
        var o = FitOptions(); o.epochs = 1
        _ = try fit(tuned, x: train.x, y: try classLabels(train.y), options: o)
        let after = tuned.namedParameters.map { $0.1.value }
        #expect(before[0] == after[0] && before[1] == after[1])
        #expect(before[2] != after[2])
        let expected: Int = 1024 + 16 + 160 + 10
        #expect(tuned.parameterCount == expected)
    }

    @Test func summaryAndStop() throws {
        let model = mlp([64, 32, 10], dropout: 0.5, bn: true)
        let s = model.summary()
        #expect(s.contains("linear(64, 32)"))
        #expect(s.contains("[10]"))
        let total: Int = 2048 + 32 + 32 + 32 + 320 + 10
        #expect(s.contains("total \(total) parameters"))
        let (train, _) = try digitsSplit()
        var o = FitOptions(); o.epochs = 3
        var calls = 0
        let h = try fit(model, x: train.x, y: try classLabels(train.y), options: o, shouldStop: { calls += 1; return calls > 5 })
        #expect(h.stopped)
        #expect(h.epochs.isEmpty)
        #expect(throws: LearnError.self) { try fit(model, x: train.x, y: [Int](repeating: 12, count: 1400), options: o) }
    }
}
