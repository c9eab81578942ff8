import Testing
@testable import TxTensor

@Suite struct PCATests {
    /// With every component kept, PCA is a rotation: the projection times the
    /// components plus the mean gives the data back, and the ratios sum to 1.
    @Test func allComponentsReconstructAndExplainEverything() throws {
        let x = try Tensor.randn([200, 6], seed: 3)
        let r = try x.pca(k: 6)
        #expect(r.projected.shape == [200, 6] && r.components.shape == [6, 6])
        let ratioSum = r.explainedVarianceRatio.data.reduce(0, +)
        #expect(abs(ratioSum - 1) < 1e-5)
        let back = try Tensor.binary(.add, try Tensor.matmul(r.projected, r.components), r.mean)
        let err = try Tensor.binary(.sub, back, x).unary(.abs).reduce(.max, axis: nil, keepdims: false).data[0]
        #expect(err < 1e-4)
        // Variances come out largest first.
        #expect(zip(r.explainedVariance.data, r.explainedVariance.data.dropFirst()).allSatisfy { $0 >= $1 })
    }

    /// The first component of data stretched along one axis is that axis, with
    /// its variance (scikit-learn divides by N − 1, as here).
    @Test func findsTheStretchedAxis() throws {
        let x = try Tensor.randn([2000, 3], seed: 7)
        for i in 0..<2000 { x.data[i * 3 + 1] *= 10 }
        let r = try x.pca(k: 1)
        #expect(abs(abs(r.components.data[1]) - 1) < 1e-3)
        #expect(r.components.data[1] > 0, "sign fixed: largest entry positive")
        #expect(abs(r.explainedVariance.data[0] - 100) < 8)
    }

    @Test func badArguments() throws {
        #expect(throws: TensorError.self) { try Tensor.zeros([10]).pca(k: 1) }
        #expect(throws: TensorError.self) { try Tensor.zeros([10, 3]).pca(k: 4) }
        #expect(throws: TensorError.self) { try Tensor.zeros([1, 3]).pca(k: 1) }
    }
}
