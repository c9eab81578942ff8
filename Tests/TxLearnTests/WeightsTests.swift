import Foundation
import Testing
import TxData
import TxTensor
@testable import TxLearn

@Suite("model weights (safetensors, PyTorch names)")
struct WeightsTests {
    private static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures").path

    /// The tx twin of the fixture script's PyTorch CNN.
    private func cnn(classes: Int = 10) -> Model {
        Model([Conv2d(1, 4, kernel: 3, padding: 1), BatchNorm(4), ReLU(), MaxPool2d(2), Flatten(), Linear(64, classes)])
    }

    private func maxDifference(_ a: Tensor, _ b: Tensor) -> Float {
        zip(a.data, b.data).map { abs($0 - $1) }.max() ?? 0
    }

    private func expectLearnError(_ fragments: String..., sourceLocation: SourceLocation = #_sourceLocation, _ body: () throws -> Void) {
        do {
            try body()
            Issue.record("expected an error containing \(fragments)", sourceLocation: sourceLocation)
        } catch let e as LearnError {
            for f in fragments { #expect(e.message.contains(f), "\(e.message)", sourceLocation: sourceLocation) }
        } catch {
            Issue.record("unexpected error \(error)", sourceLocation: sourceLocation)
        }
    }

    @Test(arguments: ["cnn", "cnn_f16", "cnn_bf16"])
    func pytorchCNNGivesPyTorchsOutputs(_ name: String) throws {
        let x = try readNpy(Self.fixtures + "/cnn_input.npy")
        let expected = try readNpy(Self.fixtures + "/\(name)_output.npy")
        let file = try readSafetensors(Self.fixtures + "/\(name).safetensors")
        let m = cnn()
        #expect(maxDifference(try m.predict(x), expected) > 0.01)  // fresh weights give other outputs
        try m.load(stateDict: file.tensors)
        let y = try m.predict(x)
        #expect(y.shape == [5, 10])
        #expect(maxDifference(y, expected) <= 1e-5, "\(name): max |Δ| \(maxDifference(y, expected))")
    }

    @Test func namesMatchPyTorchsStateDict() throws {
        let file = try readSafetensors(Self.fixtures + "/cnn.safetensors")
        let torchNames = Set(file.tensors.map(\.name).filter { !$0.hasSuffix("num_batches_tracked") })
        let ours = cnn().stateDict
        #expect(Set(ours.map(\.name)) == torchNames)
        #expect(ours.map(\.name) == ["0.weight", "0.bias", "1.weight", "1.bias", "1.running_mean", "1.running_var", "5.weight", "5.bias"])
    }

    @Test func pytorchBatchNormWithoutAffineLoadsAsBetaZero() throws {
        // PyTorch's BatchNorm1d(affine=False) has no weight and no bias; tx's scale-free batchnorm keeps β.
        let x = try readNpy(Self.fixtures + "/mlp_noscale_input.npy")
        let expected = try readNpy(Self.fixtures + "/mlp_noscale_output.npy")
        let m = Model([Linear(8, 6), BatchNorm(6, scale: false), ReLU(), Linear(6, 3)])
        let beta = try #require(m.layers[1] as? BatchNorm).beta
        beta.value = [Float](repeating: 0.3, count: 6)
        try m.load(stateDict: try readSafetensors(Self.fixtures + "/mlp_noscale.safetensors").tensors)
        #expect(beta.value == [Float](repeating: 0, count: 6))
        #expect(maxDifference(try m.predict(x), expected) <= 1e-5)
    }

    @Test func saveAndLoadRoundTripExactly() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("txlearn-weights-\(UUID().uuidString.prefix(8))").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let build = { (seed: UInt64) -> Model in
            let m = Model([Conv2d(1, 3, kernel: 3), BatchNorm(3, scale: false), ReLU(), Flatten(), Linear(12, 4)])
            m.initialize(seed: seed)
            return m
        }
        let source = build(1)
        // Non-default running statistics and β, so every tensor carries information.
        let bn = try #require(source.layers[1] as? BatchNorm)
        bn.beta.value = [0.5, -1, 2]; bn.runningMean.value = [0.1, 0.2, 0.3]; bn.runningVar.value = [2, 3, 4]
        try writeSafetensors(dir + "/m.safetensors", source.stateDict)
        let target = build(2)
        var rng = RandomSource(seed: 9)
        let x = Tensor(shape: [6, 1, 4, 4], data: (0..<96).map { _ in Float(rng.nextNormal()) })
        #expect(try target.predict(x).data != source.predict(x).data)
        try target.load(stateDict: try readSafetensors(dir + "/m.safetensors").tensors)
        #expect(try target.predict(x).data == source.predict(x).data)
        for (a, b) in zip(target.stateDict, source.stateDict) {
            #expect(a.name == b.name && a.tensor.shape == b.tensor.shape && a.tensor.data == b.tensor.data)
        }
        #expect(target.stateDict.map(\.name) == ["0.weight", "0.bias", "1.bias", "1.running_mean", "1.running_var", "4.weight", "4.bias"])
    }

    @Test func mismatchesAreNamedAndNothingChanges() throws {
        let file = try readSafetensors(Self.fixtures + "/cnn.safetensors").tensors
        let m = cnn(classes: 5)
        let before = m.stateDict
        expectLearnError("'5.weight' has shape [5, 64] in the model but [10, 64] in the weights", "'5.bias' has shape [5]") {
            try m.load(stateDict: file)
        }
        // All or nothing: the conv and batch-norm tensors, which fit, were not loaded either.
        for (a, b) in zip(m.stateDict, before) { #expect(a.tensor.data == b.tensor.data, "\(a.name) changed") }

        expectLearnError("'1.running_var' (shape [4]) is missing") {
            try cnn().load(stateDict: file.filter { $0.name != "1.running_var" })
        }
        expectLearnError("'extra.weight' (shape [2]) is not a tensor of this model") {
            try cnn().load(stateDict: file + [("extra.weight", Tensor(shape: [2], data: [1, 2]))])
        }
        expectLearnError("'0.bias' twice") { try cnn().load(stateDict: file + [("0.bias", Tensor(shape: [4], data: [0, 0, 0, 0]))]) }
    }

    @Test func scaleFreeBatchNormAcceptsOnlyAUnitGamma() throws {
        let named = try readSafetensors(Self.fixtures + "/cnn.safetensors").tensors
        let unit = named.map { $0.name == "1.weight" ? ($0.name, Tensor(shape: [4], data: [1, 1, 1, 1])) : $0 }
        let m = Model([Conv2d(1, 4, kernel: 3, padding: 1), BatchNorm(4, scale: false), ReLU(), MaxPool2d(2), Flatten(), Linear(64, 10)])
        try m.load(stateDict: unit)
        #expect(m.stateDict.first { $0.name == "1.bias" }?.tensor.data == named.first { $0.name == "1.bias" }?.tensor.data)
        expectLearnError("'1.weight' is a batch-norm scale γ", "without scale") { try m.load(stateDict: named) }
    }
}
