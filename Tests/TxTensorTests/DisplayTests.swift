import Testing
@testable import TxTensor

@Suite struct DisplayTests {
    @Test func summaries() {
        #expect(T([2, 3], [1, 2, 3, 4, 5, 6]).summary == "Tensor [2, 3] f32  min 1 max 6")
        #expect(T([3], [-41.2345, 0.5, 44.9]).summary == "Tensor [3] f32  min -41.23 max 44.9")
        #expect(T([3], [1, .nan, .nan]).summary == "Tensor [3] f32  min 1 max 1  nan 2")
        #expect(T([0, 3], []).summary == "Tensor [0, 3] f32 (empty)")
        #expect(Tensor(scalar: 3.5).summary == "Tensor [] f32 = 3.5")
        #expect(Tensor(scalar: 3.5).display == "Tensor [] f32 = 3.5")
    }

    @Test func previews() {
        #expect(T([2, 2], [1, 2, 3, 4]).preview == "[[1, 2],\n [3, 4]]")
        #expect(T([2, 3], [1, 2, 30, 4, 5, 6]).preview == "[[ 1,  2, 30],\n [ 4,  5,  6]]")
        #expect(T([3], [0.5, 1.25, -2]).preview == "[ 0.50,  1.25, -2.00]")
        #expect(T([2], [1e-7, 1]).preview == "[1e-07, 1e+00]")
        #expect(T([3], [1, .nan, -.infinity]).preview == "[   1,  nan, -inf]")
        #expect(T([0], []).preview == "[]")
        #expect(T([2, 1, 2], [1, 2, 3, 4]).preview == "[[[1, 2]],\n\n [[3, 4]]]")
        #expect(T([2, 2], [1, 2, 3, 4]).display == "Tensor [2, 2] f32  min 1 max 4\n[[1, 2],\n [3, 4]]")
    }

    @Test func longAxesAreElided() {
        let v = T([10], (0..<10).map(Float.init))
        #expect(v.preview == "[0, 1, 2, ..., 7, 8, 9]")
        let m = T([8, 2], (0..<16).map(Float.init))
        #expect(m.preview == "[[ 0,  1],\n [ 2,  3],\n [ 4,  5],\n ...,\n [10, 11],\n [12, 13],\n [14, 15]]")
    }
}
