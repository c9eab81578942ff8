import Testing
import TxTensor
@testable import TxLearn

@Suite struct CompositeTests {
    @Test(arguments: [(2, 2), (2, 1), (3, 3)])
    func avgPoolGradientAndValues(k: Int, stride: Int) throws {
        let x = randomParameter("x", [2, 2, 6, 6], seed: 1)
        gradCheck([x], probeSeed: 7) { Op.avgPool2d(.leaf(x), k: k, stride: stride) }
        let out = Op.avgPool2d(.leaf(x), k: k, stride: stride)
        let first = (0..<k).flatMap { y in (0..<k).map { x.value[y * 6 + $0] } }.reduce(0, +) / Float(k * k)
        #expect(abs(out.value[0] - first) < 1e-6)
        #expect(try AvgPool2d(k, stride: stride).outputShape([2, 6, 6]) == Array(out.shape.dropFirst()))
    }

    @Test func residualAddsTheBlockAndPassesGradientsBothWays() throws {
        let x = randomParameter("x", [3, 4], seed: 2)
        let block = Sequential([Linear(4, 4, seed: 1), ReLU(), Linear(4, 4, seed: 2)])
        let res = Residual(block)
        let ctx = ForwardContext(training: true)
        gradCheck([x] + res.parameters, probeSeed: 7) { res.forward(.leaf(x), ctx) }
        let plain = block.forward(.leaf(x), ctx).value
        let out = res.forward(.leaf(x), ctx).value
        for i in 0..<out.count { #expect(abs(out[i] - (plain[i] + x.value[i])) < 1e-6) }
        #expect(res.namedParameters.map(\.0) == ["block.0.weight", "block.0.bias", "block.2.weight", "block.2.bias"])
        #expect(throws: LearnError.self) { try Residual(Linear(4, 3)).outputShape([4]) }
    }

    @Test func auxHeadRunsOnlyInTrainingAndAddsItsLoss() throws {
        let head = Sequential([Linear(4, 3, seed: 5)])
        let model = Model([Linear(2, 4, seed: 1), ReLU(), AuxHead(head), Linear(4, 3, seed: 2)])
        let x = Tensor(shape: [6, 2], data: [0.5, -1, 1, 2, -0.3, 0.7, 2, -2, 0, 1, -1, 0])
        let y = [0, 1, 2, 0, 1, 2]
        // Evaluation: identical to the model without the head.
        let without = Model([model.layers[0].copy(), ReLU(), model.layers[3].copy()])
        #expect(try model.predict(x).data == (try without.predict(x)).data)
        // Training: the head's logits are collected and its weights learn only when aux_weight > 0.
        let ctx = ForwardContext(training: true)
        _ = model.net.forward(Node.constant(x), ctx)
        #expect(ctx.auxOutputs.count == 1 && ctx.auxOutputs[0].shape == [6, 3])
        for weight in [0.0, 0.4] {
            let m = model.clone()
            let before = (m.layers[2] as! AuxHead).head.parameters[0].value
            var o = FitOptions(); o.epochs = 1; o.batch = 6; o.auxWeight = weight; o.lr = 0.5
            _ = try fit(m, x: x, y: y, options: o)
            let after = (m.layers[2] as! AuxHead).head.parameters[0].value
            #expect((before == after) == (weight == 0), "aux_weight \(weight)")
        }
        // with_head drops the auxiliary head (it predicts the old classes).
        let tuned = try model.withHead(5)
        #expect(!tuned.layers.contains { $0 is AuxHead })
        #expect(tuned.layers.count == 3)
    }

    @Test func auxHeadWithTheWrongClassCountIsAnError() throws {
        let model = Model([Linear(2, 4), AuxHead(Linear(4, 7)), Linear(4, 3)])
        var o = FitOptions(); o.epochs = 1; o.batch = 4
        #expect(throws: LearnError.self) {
            try fit(model, x: Tensor(shape: [4, 2], data: [Float](repeating: 1, count: 8)), y: [0, 1, 2, 0], options: o)
        }
    }

    @Test func augmentShiftsAndFlipsDeterministically() throws {
        // One 1×4×4 image with distinct pixels; flips mirror columns, crops shift with zero fill.
        let image: [Float] = (1...16).map(Float.init)
        var flipped = image
        var rng = RandomSource(seed: 3)
        var sawMirror = false
        for _ in 0..<20 {
            flipped = image
            Augment.flip.apply(&flipped, count: 1, c: 1, h: 4, w: 4, rng: &rng)
            if flipped != image {
                sawMirror = true
                #expect(Array(flipped[0..<4]) == [4, 3, 2, 1])
            }
        }
        #expect(sawMirror)
        var a = image, b = image
        var r1 = RandomSource(seed: 9), r2 = RandomSource(seed: 9)
        Augment.both.apply(&a, count: 1, c: 1, h: 4, w: 4, rng: &r1)
        Augment.both.apply(&b, count: 1, c: 1, h: 4, w: 4, rng: &r2)
        #expect(a == b)
        var cropped = image
        var r3 = RandomSource(seed: 1)
        for _ in 0..<10 { cropped = image; Augment.crop.apply(&cropped, count: 1, c: 1, h: 4, w: 4, rng: &r3); if cropped != image { break } }
        #expect(cropped.contains(0), "a shifted crop fills with zeros")
        #expect(Set(cropped.filter { $0 != 0 }).isSubset(of: Set(image)))
    }

    @Test func windowsThatDoNotFitAreErrorsNotOutOfBoundsReads() throws {
        #expect(Op.windowOut(4, 9, 9, 0) == 0)
        #expect(Op.windowOut(3, 5, 1, 0) == 0)
        #expect(Op.windowOut(3, 5, 1, 1) == 1)
        #expect(throws: LearnError.self) { try AvgPool2d(9).outputShape([1, 4, 4]) }
        #expect(throws: LearnError.self) { try MaxPool2d(5).outputShape([1, 4, 4]) }
        #expect(throws: LearnError.self) { try Conv2d(1, 2, kernel: 5).outputShape([1, 3, 3]) }
        // predict/features check every layer's input shape before running kernels.
        let model = Model([Conv2d(3, 4, kernel: 3, padding: 1), Flatten()])
        #expect(throws: LearnError.self) { try model.predict(Tensor(shape: [2, 1, 8, 8], data: [Float](repeating: 0, count: 128))) }
        var o = FitOptions(); o.epochs = 1
        #expect(throws: LearnError.self) {
            try fit(Model([AvgPool2d(9), Flatten(), Linear(1, 2)]), x: Tensor(shape: [4, 1, 4, 4], data: [Float](repeating: 1, count: 64)),
                    y: [0, 1, 0, 1], options: o)
        }
    }

    @Test func augmentNeedsImages() {
        var o = FitOptions(); o.augment = .crop
        #expect(throws: LearnError.self) {
            try fit(Model([Linear(2, 2)]), x: Tensor(shape: [4, 2], data: [Float](repeating: 1, count: 8)), y: [0, 1, 0, 1], options: o)
        }
    }

    @Test func batchedConvolutionMatchesADirectSum() {
        // The batch-wide im2col GEMM against the definition, stride 2 and padding 1.
        let x = randomParameter("x", [3, 2, 5, 5], seed: 4)
        let conv = Conv2d(2, 3, kernel: 3, stride: 2, padding: 1, seed: 5)
        let out = conv.forward(.leaf(x), ForwardContext(training: false))
        #expect(out.shape == [3, 3, 3, 3])
        for n in 0..<3 { for o in 0..<3 { for oy in 0..<3 { for ox in 0..<3 {
            var s = conv.bias.value[o]
            for c in 0..<2 { for ky in 0..<3 { for kx in 0..<3 {
                let iy = oy * 2 - 1 + ky, ix = ox * 2 - 1 + kx
                guard iy >= 0 && iy < 5 && ix >= 0 && ix < 5 else { continue }
                s += conv.weight.value[((o * 2 + c) * 3 + ky) * 3 + kx] * x.value[((n * 2 + c) * 5 + iy) * 5 + ix]
            } } }
            #expect(abs(out.value[((n * 3 + o) * 3 + oy) * 3 + ox] - s) < 1e-5)
        } } } }
    }
}
