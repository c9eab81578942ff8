import Testing
@testable import TxTensor

@Suite struct LinearAlgebraTests {
    @Test func matmulSmallExact() throws {
        let a = T([2, 3], [1, 2, 3, 4, 5, 6])
        let b = T([3, 2], [7, 8, 9, 10, 11, 12])
        let c = try Tensor.matmul(a, b)
        #expect(c.shape == [2, 2] && c.data == [58, 64, 139, 154])
    }

    @Test func matmulOneDimensional() throws {
        let a = T([2, 3], [1, 2, 3, 4, 5, 6])
        let v = T([3], [1, 0, -1])
        let av = try Tensor.matmul(a, v)
        #expect(av.shape == [2] && av.data == [-2, -2])
        let w = T([2], [1, 1])
        let wa = try Tensor.matmul(w, a)
        #expect(wa.shape == [3] && wa.data == [5, 7, 9])
        let d = try Tensor.matmul(v, T([3], [4, 5, 6]))
        #expect(d.shape == [] && d.data == [-2])
        #expect(try Tensor.dot(v, T([3], [4, 5, 6])).data == [-2])
        #expect(try Tensor.dot(Tensor(scalar: 2), v).data == [2, 0, -2])
    }

    @Test func matmulBatched() throws {
        let a = T([2, 2, 2], [1, 0, 0, 1, 2, 0, 0, 2])   // I and 2I
        let b = T([2, 2], [1, 2, 3, 4])
        let c = try Tensor.matmul(a, b)
        #expect(c.shape == [2, 2, 2] && c.data == [1, 2, 3, 4, 2, 4, 6, 8])
        let d = try Tensor.matmul(b, a)                    // 2-D broadcast against a batch
        #expect(d.shape == [2, 2, 2] && d.data == [1, 2, 3, 4, 2, 4, 6, 8])
        let e = try Tensor.matmul(T([3, 1, 2, 2], (0..<12).map(Float.init)), T([2, 2, 1], [1, 1, 1, -1]))
        #expect(e.shape == [3, 2, 2, 1])
        #expect(Array(e.data[..<4]) == [1, 5, -1, -1])
        let f = try Tensor.matmul(a, T([2], [1, 2]))          // batch × vector
        #expect(f.shape == [2, 2] && f.data == [1, 2, 2, 4])
        let g = try Tensor.matmul(T([2], [1, 2]), a)          // vector × batch
        #expect(g.shape == [2, 2] && g.data == [1, 2, 2, 4])
        #expect(errorMessage { try Tensor.matmul(T([2, 2, 2], [Float](repeating: 0, count: 8)),
                                                 T([3, 2, 2], [Float](repeating: 0, count: 12))) } != nil)
    }

    @Test func matmulErrors() {
        let a = T([3, 4], [Float](repeating: 1, count: 12))
        let b = T([5, 2], [Float](repeating: 1, count: 10))
        #expect(errorMessage { try Tensor.matmul(a, b) } == "matmul shapes don't fit: [3, 4] @ [5, 2] (4 ≠ 5)")
        #expect(errorMessage { try Tensor.matmul(T([3], [1, 2, 3]), T([2], [1, 2])) }
                == "matmul shapes don't fit: [3] @ [2] (3 ≠ 2)")
        #expect(errorMessage { try Tensor.matmul(Tensor(scalar: 1), a) } != nil)
        #expect((try? Tensor.matmul(T([2, 0], []), T([0, 3], [])))?.data == [0, 0, 0, 0, 0, 0])
    }

    @Test func outer() {
        let o = Tensor.outer(T([2], [1, 2]), T([3], [1, 10, 100]))
        #expect(o.shape == [2, 3] && o.data == [1, 10, 100, 2, 20, 200])
    }

    @Test func svdReconstructs() throws {
        for shape in [[3, 2], [2, 4], [4, 4]] {
            let a = try Tensor.randn(shape, seed: 7)
            let (u, s, vt) = try a.svd()
            let k = min(shape[0], shape[1])
            #expect(u.shape == [shape[0], k] && s.shape == [k] && vt.shape == [k, shape[1]])
            #expect(zip(s.data, s.data.dropFirst()).allSatisfy { $0 >= $1 })
            let us = try Tensor.binary(.mul, u, s)           // U·diag(S) by broadcasting over columns
            let back = try Tensor.matmul(us, vt)
            #expect(close(back.data, a.data, tol: 1e-4))
        }
        let (_, s, _) = try T([2, 2], [3, 0, 0, -2]).svd()
        #expect(close(s.data, [3, 2]))
        #expect(errorMessage { try T([3], [1, 2, 3]).svd() } == "svd needs a 2-D matrix, got shape [3]")
        #expect(errorMessage { try T([1, 1], [.nan]).svd() } != nil)
    }

    @Test func eighKnownMatrix() throws {
        // [[2, 1], [1, 2]] has eigenvalues 1 and 3 with vectors (1, -1)/√2 and (1, 1)/√2.
        let a = T([2, 2], [2, 1, 1, 2])
        let (w, v) = try a.eigh()
        #expect(close(w.data, [1, 3]))
        let r = Float(0.5).squareRoot()
        let col0 = [v.data[0], v.data[2]], col1 = [v.data[1], v.data[3]]
        #expect(close(col0.map(Swift.abs), [r, r]) && col0[0] * col0[1] < 0)
        #expect(close(col1.map(Swift.abs), [r, r]) && col1[0] * col1[1] > 0)
        // Like NumPy, only the lower triangle is read.
        #expect(close(try T([2, 2], [2, 99, 1, 2]).eigh().values.data, [1, 3]))
        // A·V = V·diag(w) on a bigger random symmetric matrix.
        let b = try Tensor.randn([5, 5], seed: 3)
        let sym = try Tensor.binary(.add, b, b.transposed(nil))
        let (w2, v2) = try sym.eigh()
        #expect(zip(w2.data, w2.data.dropFirst()).allSatisfy { $0 <= $1 })
        let lhs = try Tensor.matmul(sym, v2), rhs = try Tensor.binary(.mul, v2, w2)
        #expect(close(lhs.data, rhs.data, tol: 1e-4))
        #expect(errorMessage { try T([2, 3], [Float](repeating: 0, count: 6)).eigh() } == "eigh needs a square matrix, got shape [2, 3]")
    }

    @Test func solveAndInverse() throws {
        let a = T([3, 3], [4, 1, 0, 1, 3, 1, 0, 1, 2])
        let x = try Tensor.solve(a, T([3], [5, 5, 3]))   // solution (1, 1, 1)
        #expect(x.shape == [3] && close(x.data, [1, 1, 1]))
        let b2 = T([3, 2], [5, 4, 5, 1, 3, 0])             // columns: A·(1,1,1) and A·(1,0,0)
        let x2 = try Tensor.solve(a, b2)
        #expect(x2.shape == [3, 2] && close(x2.data, [1, 1, 1, 0, 1, 0]))
        let inv = try a.inverse()
        let id = try Tensor.matmul(a, inv)
        #expect(close(id.data, try Tensor.eye(3).data, tol: 1e-5))
        let nonsym = T([2, 2], [1, 2, 3, 4])
        #expect(close(try nonsym.inverse().data, [-2, 1, 1.5, -0.5]))
        let singular = T([2, 2], [1, 2, 2, 4])
        #expect(errorMessage { try singular.inverse() } == "matrix is singular")
        #expect(errorMessage { try Tensor.solve(singular, T([2], [1, 1])) } == "matrix is singular")
        #expect(errorMessage { try Tensor.solve(a, T([2], [1, 1])) } == "solve shapes don't fit: [3, 3] and [2]")
    }
}
