import COpenBLAS
/// The result of principal component analysis.
public struct PCAResult {
    /// The data projected onto the components, `[N, k]`.
    public let projected: Tensor
    /// The components (unit vectors, one per row), `[k, D]`.
    public let components: Tensor
    /// Variance along each component (divided by N − 1, as scikit-learn does), `[k]`.
    public let explainedVariance: Tensor
    /// Each component's share of the total variance, `[k]`.
    public let explainedVarianceRatio: Tensor
    /// The per-feature mean that was subtracted, `[D]`.
    public let mean: Tensor
}

extension Tensor {
    /// Principal component analysis of the rows of a `[N, D]` matrix.
    ///
    /// Centres the data, forms the `[D, D]` covariance with one GEMM and
    /// decomposes it with LAPACK `ssyevd` (fast when D ≪ N, the usual case for
    /// features). Each component's sign is fixed so its largest-magnitude
    /// entry is positive, so results are deterministic. With `whiten`, the
    /// projection is divided by each component's standard deviation.
    /// - Throws: for a non-matrix, `k` outside 1...D, fewer than 2 rows, or non-finite data.
    /// - Complexity: O(N·D² + D³).
    public func pca(k: Int, whiten: Bool = false) throws -> PCAResult {
        guard ndim == 2 else { throw TensorError("pca needs a [N, D] matrix, got shape \(shapeString(shape))") }
        let n = shape[0], d = shape[1]
        guard n >= 2 else { throw TensorError("pca needs at least 2 rows, got \(n)") }
        guard k >= 1 && k <= d else { throw TensorError("pca: k must be between 1 and \(d) (the number of features), got \(k)") }
        guard data.allSatisfy({ $0.isFinite }) else { throw TensorError("pca: the data contains NaN or infinity") }

        let mean = try reduce(.mean, axis: 0, keepdims: false)
        let centred = Tensor.binary(.sub, self, 0)  // copy
        centred.data.withUnsafeMutableBufferPointer { x in
            mean.data.withUnsafeBufferPointer { mu in
                for i in 0..<n { for j in 0..<d { x[i * d + j] -= mu[j] } }
            }
        }
        // Xᵀ X / (n − 1) by SYRK: one triangle, half the flops of a GEMM and no transposed copy
        let covariance = Tensor(shape: [d, d], data: [Float](repeating: 0, count: d * d))
        centred.data.withUnsafeBufferPointer { x in
            covariance.data.withUnsafeMutableBufferPointer { c in
                cblas_ssyrk(CblasRowMajor, CblasUpper, CblasTrans, Int32(d), Int32(n), 1 / Float(n - 1),
                            x.baseAddress, Int32(d), 0, c.baseAddress, Int32(d))
                for i in 0..<d { for j in 0..<i { c[i * d + j] = c[j * d + i] } }   // mirror into the lower half
            }
        }
        let (values, vectors) = try covariance.eigh()
        let total = values.data.reduce(0) { $0 + Double(max($1, 0)) }

        // Largest eigenvalues last in eigh's order: take them in reverse.
        var components = [Float](repeating: 0, count: k * d)
        var variance = [Float](repeating: 0, count: k)
        for c in 0..<k {
            let column = d - 1 - c
            variance[c] = max(values.data[column], 0)
            var largest: Float = 0
            for j in 0..<d where abs(vectors.data[j * d + column]) > abs(largest) { largest = vectors.data[j * d + column] }
            let sign: Float = largest < 0 ? -1 : 1
            for j in 0..<d { components[c * d + j] = sign * vectors.data[j * d + column] }
        }
        let componentTensor = Tensor(shape: [k, d], data: components)
        let projected = try Tensor.matmul(centred, try componentTensor.transposed(nil))
        if whiten {
            projected.data.withUnsafeMutableBufferPointer { p in
                for c in 0..<k {
                    let s = variance[c] > 0 ? 1 / variance[c].squareRoot() : 0
                    for i in 0..<n { p[i * k + c] *= s }
                }
            }
        }
        let ratio = variance.map { total > 0 ? Float(Double($0) / total) : 0 }
        return PCAResult(projected: projected, components: componentTensor,
                         explainedVariance: Tensor(shape: [k], data: variance),
                         explainedVarianceRatio: Tensor(shape: [k], data: ratio), mean: mean)
    }
}
