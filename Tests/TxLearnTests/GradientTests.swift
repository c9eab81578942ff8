import Foundation
import Testing
import TxData
import TxTensor
@testable import TxLearn


@Suite struct GradientTests {
    @Test func linearLayer() {
        let x = randomParameter("x", [4, 5], seed: 1)
        let lin = Linear(5, 3, seed: 2)
        let ctx = ForwardContext(training: true)
        gradCheck([x, lin.weight, lin.bias]) { lin.forward(.leaf(x), ctx) }
    }

    @Test func matmulPlain() {
        let a = randomParameter("a", [3, 4], seed: 3), b = randomParameter("b", [4, 2], seed: 4)
        gradCheck([a, b]) { Op.matmul(.leaf(a), .leaf(b)) }
    }

    @Test func relu() {
        let x = randomParameter("x", [3, 6], seed: 5, awayFromZero: true)
        gradCheck([x]) { Op.relu(.leaf(x)) }
    }

    @Test func biasOverSpatialAxes() {
        let x = randomParameter("x", [2, 3, 2, 2], seed: 6), b = randomParameter("b", [3], seed: 7)
        gradCheck([x, b]) { Op.addBias(.leaf(x), .leaf(b)) }
    }

    @Test func dropoutFixedMask() {
        let x = randomParameter("x", [4, 5], seed: 8)
        var rng = RandomSource(seed: 9)
        let mask = (0..<20).map { _ in rng.nextDouble() < 0.3 ? Float(0) : Float(1 / 0.7) }
        gradCheck([x]) { Op.mulMask(.leaf(x), mask) }
    }

    @Test func dropoutLayerIsIdentityInEval() {
        let x = Node.constant(Tensor(shape: [2, 3], data: [1, 2, 3, 4, 5, 6]))
        let y = Dropout(0.5).forward(x, ForwardContext(training: false))
        #expect(y.value == x.value)
        let z = Dropout(0.5).forward(x, ForwardContext(training: true, seed: 1))
        #expect(z.value.allSatisfy { $0 == 0 } == false)
        #expect(zip(z.value, x.value).allSatisfy { $0 == 0 || $0 == 2 * $1 })
    }

    @Test(arguments: [true, false])
    func batchNormTraining(scale: Bool) {
        let x = randomParameter("x", [5, 3], seed: 10)
        let bn = BatchNorm(3, scale: scale)
        var rng = RandomSource(seed: 11)
        if let g = bn.gamma { for i in 0..<3 { g.value[i] = Float(1 + rng.nextNormal() * 0.3) } }
        for i in 0..<3 { bn.beta.value[i] = Float(rng.nextNormal()) }
        let ctx = ForwardContext(training: true)
        gradCheck([x, bn.beta] + (bn.gamma.map { [$0] } ?? [])) { bn.forward(.leaf(x), ctx) }
    }

    @Test func batchNormSpatialAndEval() {
        let x = randomParameter("x", [3, 2, 2, 2], seed: 12)
        let bn = BatchNorm(2)
        gradCheck([x, bn.gamma!, bn.beta]) { bn.forward(.leaf(x), ForwardContext(training: true)) }
        for i in 0..<2 { bn.runningMean.value[i] = 0.3; bn.runningVar.value[i] = 2 }
        gradCheck([x, bn.gamma!, bn.beta]) { bn.forward(.leaf(x), ForwardContext(training: false)) }
    }

    @Test func batchNormStatistics() {
        let bn = BatchNorm(1)
        let x = Node.constant(Tensor(shape: [4, 1], data: [1, 2, 3, 4]))
        let y = bn.forward(x, ForwardContext(training: true))
        let mean = y.value.reduce(0, +) / 4
        #expect(abs(mean) < 1e-6)
        // running: 0.9·0 + 0.1·2.5; variance (unbiased 5/3): 0.9·1 + 0.1·5/3
        #expect(abs(bn.runningMean.value[0] - 0.25) < 1e-6)
        #expect(abs(bn.runningVar.value[0] - (0.9 + 0.1 * 5 / 3)) < 1e-6)
    }

    @Test(arguments: [0.0, 0.1, 0.3])
    func softmaxCrossEntropy(smoothing: Double) {
        let z = randomParameter("z", [4, 5], seed: 13)
        let labels = [0, 3, 4, 1]
        gradCheck([z]) { Op.softmaxCrossEntropy(.leaf(z), labels: labels, smoothing: Float(smoothing)).loss }
    }

    @Test func crossEntropyValueAndStability() {
        // Uniform logits: loss = log C for any smoothing; huge logits stay finite.
        let z = Node.constant(Tensor(shape: [2, 4], data: [Float](repeating: 0, count: 8)))
        let (l, _) = Op.softmaxCrossEntropy(z, labels: [0, 1], smoothing: 0.1)
        #expect(abs(Double(l.value[0]) - log(4.0)) < 1e-6)
        let big = Node.constant(Tensor(shape: [1, 3], data: [1000, 0, -1000]))
        let (l2, c) = Op.softmaxCrossEntropy(big, labels: [1], smoothing: 0)
        #expect(abs(l2.value[0] - 1000) < 1e-3)
        #expect(c == 0)
        // With smoothing ε the loss is (1-ε)·CE + ε·mean(lse - z).
        let (l3, _) = Op.softmaxCrossEntropy(big, labels: [0], smoothing: 0.3)
        #expect(abs(Double(l3.value[0]) - 0.3 * 1000) < 1e-2)
    }

    @Test func mlpEndToEnd() {
        let x = randomParameter("x", [6, 4], seed: 14)
        let model = Model([Linear(4, 5, seed: 1), BatchNorm(5, scale: false), ReLU(), Linear(5, 3, seed: 2)])
        let ctx = ForwardContext(training: true)
        let labels = [0, 1, 2, 0, 1, 2]
        let ps = model.net.parameters.filter(\.trainable)
        gradCheck([x] + ps, eps: 1e-3, atol: 5e-3) {
            Op.softmaxCrossEntropy(model.net.forward(.leaf(x), ctx), labels: labels, smoothing: 0.1).loss
        }
    }
}

@Suite struct OptimizerTests {
    @Test func nesterovMatchesPyTorch() {
        let p = Parameter("p", shape: [1], value: [1])
        let sgd = SGD(momentum: 0.9, nesterov: true, weightDecay: 0)
        p.grad = [1]; sgd.step([p], lr: 0.1)
        #expect(abs(p.value[0] - 0.81) < 1e-6)
        p.grad = [1]; sgd.step([p], lr: 0.1)
        #expect(abs(p.value[0] - 0.539) < 1e-6)
    }

    @Test func momentumAndWeightDecay() {
        let p = Parameter("p", shape: [1], value: [2])
        let sgd = SGD(momentum: 0.5, nesterov: false, weightDecay: 0.1)
        p.grad = [1]; sgd.step([p], lr: 1)      // d = 1.2, b = 1.2 → 0.8
        #expect(abs(p.value[0] - 0.8) < 1e-6)
        p.grad = [1]; sgd.step([p], lr: 1)      // d = 1.08, b = 0.6 + 1.08 → −0.88
        #expect(abs(p.value[0] + 0.88) < 1e-5)
        let q = Parameter("q", shape: [1], value: [2]); q.frozen = true
        q.grad = [1]; sgd.step([q], lr: 1)
        #expect(q.value == [2])
    }

    @Test func schedules() {
        #expect(Schedule.cosine.rate(0.1, step: 0, totalSteps: 10, epoch: 0, epochs: 1) == 0.1)
        #expect(abs(Schedule.cosine.rate(0.1, step: 5, totalSteps: 10, epoch: 0, epochs: 1) - 0.05) < 1e-12)
        #expect(Schedule.step.rate(0.1, step: 0, totalSteps: 1, epoch: 5, epochs: 10) == 0.01)
        #expect(Schedule.step.rate(0.1, step: 0, totalSteps: 1, epoch: 8, epochs: 10) == 0.001)
    }
}
