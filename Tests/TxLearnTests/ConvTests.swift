import Testing
import TxTensor
@testable import TxLearn

@Suite struct ConvTests {
    private func param(_ name: String, _ shape: [Int], seed: UInt64) -> Parameter {
        randomParameter(name, shape, seed: seed)
    }

    private func check(_ targets: [Parameter], eps: Float = 1e-2, _ build: () -> Node,
                       sourceLocation: SourceLocation = #_sourceLocation) {
        gradCheck(targets, eps: eps, atol: 5e-3, probeSeed: 5, build, sourceLocation: sourceLocation)
    }

    @Test func convForwardByHand() {
        // 1×1×3×3 input 1…9, kernel [[1, 0], [0, -1]]: out[i][j] = x[i][j] − x[i+1][j+1] = −4.
        let x = Node.constant(Tensor(shape: [1, 1, 3, 3], data: (1...9).map(Float.init)))
        let w = Node.constant(Tensor(shape: [1, 1, 2, 2], data: [1, 0, 0, -1]))
        #expect(Op.conv2d(x, w).value == [-4, -4, -4, -4])
        // padding 1, stride 2: windows start at (0,0),(0,2),(2,0),(2,2) of the padded grid.
        let y = Op.conv2d(x, w, stride: 2, padding: 1)
        #expect(y.shape == [1, 1, 2, 2])
        #expect(y.value == [-1, -3, -7, 5 - 9])
    }

    @Test(arguments: [(1, 0), (2, 1), (1, 1)])
    func conv2dGradient(stride: Int, padding: Int) {
        let x = param("x", [2, 2, 5, 5], seed: 1)
        let conv = Conv2d(2, 3, kernel: 3, stride: stride, padding: padding, seed: 2)
        let ctx = ForwardContext(training: true)
        check([x, conv.weight, conv.bias]) { conv.forward(.leaf(x), ctx) }
        let predicted: [Int] = (try? conv.outputShape([2, 5, 5])) ?? []
        let actual: [Int] = Array(conv.forward(.leaf(x), ctx).shape.dropFirst())
        #expect(predicted == actual)
    }

    @Test func maxPoolGradient() {
        // Well-separated values so no window's maximum changes under ±eps.
        var rng = RandomSource(seed: 3)
        var values: [Float] = []
        for i in 0..<64 { values.append(Float(i) * 0.1 - 3) }
        for i in stride(from: values.count - 1, to: 0, by: -1) { values.swapAt(i, rng.nextInt(below: i + 1)) }
        let x = Parameter("x", shape: [2, 2, 4, 4], value: values)
        check([x]) { MaxPool2d(2).forward(.leaf(x), ForwardContext(training: true)) }
        #expect(MaxPool2d(2).forward(.leaf(x), ForwardContext(training: true)).shape == [2, 2, 2, 2])
    }

    @Test func globalAvgPoolGradient() {
        let x = param("x", [2, 3, 2, 2], seed: 4)
        check([x]) { GlobalAvgPool().forward(.leaf(x), ForwardContext(training: true)) }
    }

    @Test func smallCNNEndToEnd() {
        let x = param("x", [3, 1, 6, 6], seed: 6)
        let model = Model([Conv2d(1, 4, kernel: 3, padding: 1, seed: 1), BatchNorm(4, scale: false), ReLU(),
                           Conv2d(4, 4, kernel: 3, stride: 2, seed: 2), GlobalAvgPool(), Linear(4, 3, seed: 3)])
        let ctx = ForwardContext(training: true)
        check([x] + model.net.parameters.filter(\.trainable), eps: 1e-3) {
            Op.softmaxCrossEntropy(model.net.forward(.leaf(x), ctx), labels: [0, 1, 2], smoothing: 0.1).loss
        }
        #expect(model.summary(inputShape: [1, 6, 6]).contains("[4, 2, 2]"))
    }
}
