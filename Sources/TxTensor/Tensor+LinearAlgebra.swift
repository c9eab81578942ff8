import COpenBLAS

extension Tensor {
    /// Checks that a BLAS/LAPACK dimension fits the 32-bit integers those libraries take.
    private static func blasInt(_ n: Int, _ what: String) throws -> Int32 {
        guard let v = Int32(exactly: n) else {
            throw TensorError("\(what) dimension \(n) is too large for BLAS")
        }
        return v
    }

    /// The product of two matrices (or stacks of them), like `numpy.matmul`.
    ///
    /// A 1-D left operand is a row vector and a 1-D right operand a column
    /// vector (that axis is dropped from the result; 1-D·1-D gives a 0-d inner
    /// product). Leading "batch" axes broadcast. Every product is one
    /// `cblas_sgemm` on contiguous buffers; an N-D × 2-D product is a single call.
    ///
    /// - Throws: `TensorError("matmul shapes don't fit: [3, 4] @ [5, 2] (4 ≠ 5)")`,
    ///   for 0-d operands, or when batch axes don't broadcast.
    /// - Complexity: O(batch × m × k × n).
    public static func matmul(_ a: Tensor, _ b: Tensor) throws -> Tensor {
        guard a.ndim > 0, b.ndim > 0 else {
            throw TensorError("matmul needs tensors with at least one dimension, got \(shapeString(a.shape)) @ \(shapeString(b.shape))")
        }
        let aShape = a.ndim == 1 ? [1] + a.shape : a.shape
        let bShape = b.ndim == 1 ? b.shape + [1] : b.shape
        let m = aShape[aShape.count - 2], k = aShape[aShape.count - 1]
        let k2 = bShape[bShape.count - 2], n = bShape[bShape.count - 1]
        guard k == k2 else {
            throw TensorError("matmul shapes don't fit: \(shapeString(a.shape)) @ \(shapeString(b.shape)) (\(k) ≠ \(k2))")
        }
        let batchA = Array(aShape.dropLast(2)), batchB = Array(bShape.dropLast(2))
        let batch: [Int]
        do {
            batch = try broadcastShape(batchA, batchB)
        } catch {
            throw TensorError("matmul batch dimensions don't broadcast: \(shapeString(a.shape)) @ \(shapeString(b.shape))")
        }
        var outShape = batch + [m, n]
        let total = try elementCount(outShape)
        if b.ndim == 1 { outShape.removeLast() }
        if a.ndim == 1 { outShape.remove(at: outShape.count - (b.ndim == 1 ? 1 : 2)) }

        if a.ndim == 1 && b.ndim == 1 {
            let kk = try blasInt(k, "matmul")
            let dot = a.data.withUnsafeBufferPointer { pa in
                b.data.withUnsafeBufferPointer { pb in
                    k == 0 ? 0 : cblas_sdot(kk, pa.baseAddress, 1, pb.baseAddress, 1)
                }
            }
            return Tensor(scalar: dot)
        }
        let batchCount = batch.reduce(1, *)
        // An N-D × 2-D product is one tall matrix times the 2-D one.
        let foldRows = batchB.isEmpty && batchA == batch
        let rowsPerCall = foldRows ? m * batchCount : m
        let (mm, nn, kk) = (try blasInt(rowsPerCall, "matmul"), try blasInt(n, "matmul"), try blasInt(k, "matmul"))
        var out = [Float](repeating: 0, count: total)
        guard total > 0, k > 0 else { return Tensor(shape: outShape, data: out) }
        a.data.withUnsafeBufferPointer { pa in
            b.data.withUnsafeBufferPointer { pb in
                out.withUnsafeMutableBufferPointer { pc in
                    guard let A = pa.baseAddress, let B = pb.baseAddress, let C = pc.baseAddress else { return }
                    func gemm(_ offA: Int, _ offB: Int, _ offC: Int) {
                        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, mm, nn, kk,
                                    1, A + offA, kk, B + offB, nn, 0, C + offC, nn)
                    }
                    if foldRows || batch.isEmpty {
                        gemm(0, 0, 0)
                        return
                    }
                    // Broadcast batch axes: matrix-sized strides, 0 where an operand is broadcast.
                    let sa = broadcastStrides(batchA, to: batch).map { $0 * m * k }
                    let sb = broadcastStrides(batchB, to: batch).map { $0 * k * n }
                    var index = [Int](repeating: 0, count: batch.count)
                    for c in 0..<batchCount {
                        var offA = 0, offB = 0
                        for d in 0..<batch.count { offA += index[d] * sa[d]; offB += index[d] * sb[d] }
                        gemm(offA, offB, c * m * n)
                        var d = batch.count - 1
                        while d >= 0 {
                            index[d] += 1
                            if index[d] < batch[d] { break }
                            index[d] = 0
                            d -= 1
                        }
                    }
                }
            }
        }
        return Tensor(shape: outShape, data: out)
    }

    /// The inner product of two 1-D tensors (a 0-d result); a product with a
    /// 0-d operand multiplies elementwise; anything else is ``matmul(_:_:)``.
    /// - Throws: `TensorError` when the shapes don't fit.
    public static func dot(_ a: Tensor, _ b: Tensor) throws -> Tensor {
        if a.ndim == 0 || b.ndim == 0 { return try binary(.mul, a, b) }
        return try matmul(a, b)
    }

    /// The outer product of the flattened operands: shape `[a.count, b.count]`.
    ///
    /// It cannot throw, so callers taking sizes from users should first check
    /// `try Tensor.elementCount([a.count, b.count])`.
    /// - Complexity: O(a.count × b.count).
    public static func outer(_ a: Tensor, _ b: Tensor) -> Tensor {
        let m = a.count, n = b.count
        return a.data.withUnsafeBufferPointer { pa in
            b.data.withUnsafeBufferPointer { pb in
                build([m, n], count: m * n) { out in
                    for i in 0..<m {
                        let x = pa[i]
                        for j in 0..<n { out[i * n + j] = x * pb[j] }
                    }
                }
            }
        }
    }

    /// Checks that this is a 2-D matrix (square if asked) of finite numbers.
    private func requireMatrix(_ what: String, square: Bool, finite: Bool) throws {
        guard ndim == 2 else {
            throw TensorError("\(what) needs a 2-D matrix, got shape \(shapeString(shape))")
        }
        if square && shape[0] != shape[1] {
            throw TensorError("\(what) needs a square matrix, got shape \(shapeString(shape))")
        }
        _ = try Tensor.blasInt(max(shape[0], shape[1]), what)
        if finite && data.contains(where: { !$0.isFinite }) {
            throw TensorError("\(what) of a matrix containing NaN or infinity")
        }
    }

    /// The reduced singular value decomposition `A = U · diag(S) · Vt` of an
    /// m×n matrix, like `numpy.linalg.svd(A, full_matrices=False)`: U is m×k,
    /// S has k values in descending order, Vt is k×n, k = min(m, n).
    ///
    /// Uses LAPACK `sgesdd_`. LAPACK is column-major, so it is handed the
    /// row-major buffer as Aᵀ; the factors of Aᵀ read back row-major are
    /// exactly Vt and U of A, so no transposes are needed.
    /// - Throws: `TensorError` for a non-2-D or non-finite input, or if LAPACK fails to converge.
    /// - Complexity: O(m n min(m, n)).
    public func svd() throws -> (u: Tensor, s: Tensor, vt: Tensor) {
        try requireMatrix("svd", square: false, finite: true)
        let m = shape[0], n = shape[1], k = min(m, n)
        if k == 0 {
            return (try Tensor.zeros([m, 0]), try Tensor.zeros([0]), try Tensor.zeros([0, n]))
        }
        // Column-major view: X = Aᵀ is n×m with leading dimension n.
        var a = data
        var s = [Float](repeating: 0, count: k)
        var ux = [Float](repeating: 0, count: n * k)      // n×k, column-major: Vt of A, row-major k×n
        var vtx = [Float](repeating: 0, count: k * m)     // k×m, column-major: U of A, row-major m×k
        var jobz = CChar(UInt8(ascii: "S"))
        var rows = Int32(n), cols = Int32(m)
        var lda = Int32(max(1, n)), ldu = Int32(max(1, n)), ldvt = Int32(max(1, k))
        var iwork = [Int32](repeating: 0, count: 8 * k)
        var info: Int32 = 0
        var lwork: Int32 = -1
        var query: Float = 0
        sgesdd_(&jobz, &rows, &cols, &a, &lda, &s, &ux, &ldu, &vtx, &ldvt, &query, &lwork, &iwork, &info)
        guard info == 0 else { throw TensorError("svd failed (LAPACK info \(info))") }
        let size = Int(query * 1.01) + 64     // the float-encoded size can round down for big matrices
        lwork = try Tensor.blasInt(size, "svd")
        var work = [Float](repeating: 0, count: size)
        sgesdd_(&jobz, &rows, &cols, &a, &lda, &s, &ux, &ldu, &vtx, &ldvt, &work, &lwork, &iwork, &info)
        if info > 0 { throw TensorError("svd did not converge") }
        guard info == 0 else { throw TensorError("svd failed (LAPACK info \(info))") }
        return (Tensor(shape: [m, k], data: vtx), Tensor(shape: [k], data: s), Tensor(shape: [k, n], data: ux))
    }

    /// Eigenvalues (ascending) and eigenvectors (the columns of `vectors`) of a
    /// symmetric matrix, like `numpy.linalg.eigh`: only the lower triangle is read.
    ///
    /// Uses LAPACK `ssyevd_` (divide and conquer).
    /// - Throws: `TensorError` for a non-square or non-finite input, or if LAPACK fails to converge.
    /// - Complexity: O(n³).
    public func eigh() throws -> (values: Tensor, vectors: Tensor) {
        try requireMatrix("eigh", square: true, finite: true)
        let n = shape[0]
        if n == 0 { return (try Tensor.zeros([0]), try Tensor.zeros([0, 0])) }
        // The row-major lower triangle is the column-major upper one.
        var a = data
        var w = [Float](repeating: 0, count: n)
        var jobz = CChar(UInt8(ascii: "V")), uplo = CChar(UInt8(ascii: "U"))
        var nn = Int32(n), lda = Int32(n)
        var info: Int32 = 0
        var lwork: Int32 = -1, liwork: Int32 = -1
        var wq: Float = 0
        var iq: Int32 = 0
        ssyevd_(&jobz, &uplo, &nn, &a, &lda, &w, &wq, &lwork, &iq, &liwork, &info)
        guard info == 0 else { throw TensorError("eigh failed (LAPACK info \(info))") }
        let size = Int(wq * 1.01) + 64
        lwork = try Tensor.blasInt(size, "eigh")
        liwork = max(iq, 1)
        var work = [Float](repeating: 0, count: size)
        var iwork = [Int32](repeating: 0, count: Int(liwork))
        ssyevd_(&jobz, &uplo, &nn, &a, &lda, &w, &work, &lwork, &iwork, &liwork, &info)
        if info > 0 { throw TensorError("eigh did not converge") }
        guard info == 0 else { throw TensorError("eigh failed (LAPACK info \(info))") }
        // Column-major eigenvectors: transpose so they are the columns of a row-major matrix.
        let vectors = a.withUnsafeBufferPointer { src in
            Tensor.build([n, n], count: n * n) { dst in Tensor.transpose2D(src, dst, rows: n, cols: n) }
        }
        return (Tensor(shape: [n], data: w), vectors)
    }

    /// The solution `x` of `a · x = b` for a square `a` and `b` of shape `[n]` or `[n, k]`.
    ///
    /// Uses LAPACK `sgesv_` (LU with partial pivoting).
    /// - Throws: `TensorError("matrix is singular")`, or when the shapes don't fit.
    /// - Complexity: O(n³ + n² k).
    public static func solve(_ a: Tensor, _ b: Tensor) throws -> Tensor {
        try a.requireMatrix("solve", square: true, finite: false)
        let n = a.shape[0]
        guard (b.ndim == 1 || b.ndim == 2), b.shape[0] == n else {
            throw TensorError("solve shapes don't fit: \(shapeString(a.shape)) and \(shapeString(b.shape))")
        }
        let k = b.ndim == 1 ? 1 : b.shape[1]
        if n == 0 || k == 0 { return try zeros(b.shape) }
        // LAPACK wants column-major: transpose A, and B when it has several columns.
        var colA = [Float](repeating: 0, count: n * n)
        a.data.withUnsafeBufferPointer { src in
            colA.withUnsafeMutableBufferPointer { dst in transpose2D(src, dst, rows: n, cols: n) }
        }
        var colB: [Float]
        if k == 1 {
            colB = b.data
        } else {
            colB = [Float](repeating: 0, count: n * k)
            b.data.withUnsafeBufferPointer { src in
                colB.withUnsafeMutableBufferPointer { dst in transpose2D(src, dst, rows: n, cols: k) }
            }
        }
        var nn = Int32(n), nrhs = try blasInt(k, "solve"), lda = Int32(n), ldb = Int32(n)
        var ipiv = [Int32](repeating: 0, count: n)
        var info: Int32 = 0
        sgesv_(&nn, &nrhs, &colA, &lda, &ipiv, &colB, &ldb, &info)
        if info > 0 { throw TensorError("matrix is singular") }
        guard info == 0 else { throw TensorError("solve failed (LAPACK info \(info))") }
        if k == 1 { return Tensor(shape: b.shape, data: colB) }
        let x = colB.withUnsafeBufferPointer { src in
            build([n, k], count: n * k) { dst in transpose2D(src, dst, rows: k, cols: n) }
        }
        return x
    }

    /// The inverse of a square matrix.
    ///
    /// Uses LAPACK `sgetrf_` + `sgetri_`. The row-major buffer is Aᵀ to LAPACK,
    /// and inv(Aᵀ) read back row-major is inv(A), so no transposes are needed.
    /// - Throws: `TensorError("matrix is singular")`, or for a non-square input.
    /// - Complexity: O(n³).
    public func inverse() throws -> Tensor {
        try requireMatrix("inverse", square: true, finite: false)
        let n = shape[0]
        if n == 0 { return try Tensor.zeros([0, 0]) }
        var a = data
        var mm = Int32(n), nn = Int32(n), lda = Int32(n)
        var ipiv = [Int32](repeating: 0, count: n)
        var info: Int32 = 0
        sgetrf_(&mm, &nn, &a, &lda, &ipiv, &info)
        if info > 0 { throw TensorError("matrix is singular") }
        guard info == 0 else { throw TensorError("inverse failed (LAPACK info \(info))") }
        var lwork: Int32 = -1
        var query: Float = 0
        sgetri_(&nn, &a, &lda, &ipiv, &query, &lwork, &info)
        let size = max(Int(query) + 64, n)
        lwork = try Tensor.blasInt(size, "inverse")
        var work = [Float](repeating: 0, count: size)
        sgetri_(&nn, &a, &lda, &ipiv, &work, &lwork, &info)
        if info > 0 { throw TensorError("matrix is singular") }
        guard info == 0 else { throw TensorError("inverse failed (LAPACK info \(info))") }
        return Tensor(shape: [n, n], data: a)
    }
}
