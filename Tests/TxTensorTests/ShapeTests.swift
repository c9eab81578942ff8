import Testing
@testable import TxTensor

@Suite struct ShapeTests {
    let x = T([2, 3], [1, 2, 3, 4, 5, 6])

    @Test func reshapeInfersMinusOne() throws {
        let r = try x.reshaped([3, -1])
        #expect(r.shape == [3, 2] && r.data == x.data)
        #expect(try x.reshaped([-1]).shape == [6])
        #expect(try T([0, 3], []).reshaped([-1, 3]).shape == [0, 3])
    }

    @Test func reshapeErrors() {
        #expect(errorMessage { try self.x.reshaped([4, 2]) } == "can't reshape [2, 3] (6 elements) into [4, 2]")
        #expect(errorMessage { try self.x.reshaped([4, -1]) } == "can't reshape [2, 3] (6 elements) into [4, -1]")
        #expect(errorMessage { try self.x.reshaped([-1, -1]) } != nil)
        #expect(errorMessage { try self.x.reshaped([-2, -3]) } != nil)
    }

    @Test func transpose() throws {
        let t = try x.transposed(nil)
        #expect(t.shape == [3, 2] && t.data == [1, 4, 2, 5, 3, 6])
        let y = T([2, 3, 4], (0..<24).map(Float.init))
        let p = try y.transposed([1, 0, 2])
        #expect(p.shape == [3, 2, 4])
        #expect(Array(p.data[..<8]) == [0, 1, 2, 3, 12, 13, 14, 15])
        let r = try y.transposed(nil)
        #expect(r.shape == [4, 3, 2])
        #expect(Array(r.data[..<6]) == [0, 12, 4, 16, 8, 20])
        #expect(try y.transposed([-1, 0, 1]).shape == [4, 2, 3])
        #expect(errorMessage { try y.transposed([0, 0, 1]) } != nil)
        #expect(errorMessage { try y.transposed([0, 1]) } != nil)
        // A big 2-D transpose crosses block edges.
        let big = T([37, 45], (0..<(37 * 45)).map(Float.init))
        let bt = try big.transposed(nil)
        #expect(bt.data[1 * 37 + 2] == big.data[2 * 45 + 1])
        #expect(try bt.transposed(nil).data == big.data)
    }

    @Test func squeezeUnsqueezeFlatten() throws {
        let y = T([1, 3, 1], [1, 2, 3])
        #expect(try y.squeezed(axis: nil).shape == [3])
        #expect(try y.squeezed(axis: -1).shape == [1, 3])
        #expect(errorMessage { try y.squeezed(axis: 1) } == "can't squeeze axis 1 of size 3 (shape [1, 3, 1])")
        #expect(try x.unsqueezed(axis: 0).shape == [1, 2, 3])
        #expect(try x.unsqueezed(axis: -1).shape == [2, 3, 1])
        #expect(try x.unsqueezed(axis: 2).shape == [2, 3, 1])
        #expect(errorMessage { try self.x.unsqueezed(axis: 4) } != nil)
        #expect(x.flattened().shape == [6])
    }

    @Test func concatAndStack() throws {
        let a = T([2, 2], [1, 2, 3, 4])
        let b = T([1, 2], [5, 6])
        let c0 = try Tensor.concat([a, b], axis: 0)
        #expect(c0.shape == [3, 2] && c0.data == [1, 2, 3, 4, 5, 6])
        let c1 = try Tensor.concat([a, T([2, 1], [7, 8])], axis: 1)
        #expect(c1.shape == [2, 3] && c1.data == [1, 2, 7, 3, 4, 8])
        #expect(errorMessage { try Tensor.concat([a, b], axis: 1) }
                == "concat shapes don't fit along axis 1: [2, 2] and [1, 2]")
        #expect(errorMessage { try Tensor.concat([], axis: 0) } != nil)
        let s0 = try Tensor.stack([T([2], [1, 2]), T([2], [3, 4])], axis: 0)
        #expect(s0.shape == [2, 2] && s0.data == [1, 2, 3, 4])
        let s1 = try Tensor.stack([T([2], [1, 2]), T([2], [3, 4])], axis: -1)
        #expect(s1.shape == [2, 2] && s1.data == [1, 3, 2, 4])
        #expect(errorMessage { try Tensor.stack([a, b], axis: 0) } != nil)
    }

    @Test func nestedRoundTrip() throws {
        let n = NestedArray.list([.list([.scalar(1), .scalar(2)]), .list([.scalar(3), .scalar(4)])])
        let t = try Tensor.fromNested(n)
        #expect(t.shape == [2, 2] && t.data == [1, 2, 3, 4])
        #expect(t.toNested() == n)
        #expect(try Tensor.fromNested(.scalar(2)).shape == [])
        #expect(try Tensor.fromNested(.list([])).shape == [0])
        let ragged = NestedArray.list([.list([.scalar(1), .scalar(2)]), .list([.scalar(3)])])
        #expect(errorMessage { try Tensor.fromNested(ragged) }?.hasPrefix("ragged nested list: ") == true)
        let mixed = NestedArray.list([.scalar(1), .list([.scalar(3)])])
        #expect(errorMessage { try Tensor.fromNested(mixed) }?.hasPrefix("ragged nested list: ") == true)
    }

    @Test func validatingInitAndCounts() {
        #expect(errorMessage { try Tensor(validating: [2, 2], data: [1, 2, 3]) } == "shape [2, 2] needs 4 elements, got 3")
        #expect(errorMessage { try Tensor.zeros([-1, 2]) } == "negative dimension -1 in shape [-1, 2]")
        #expect(errorMessage { try Tensor.zeros([1 << 20, 1 << 20]) }?
                    .hasPrefix("tensor of 1099511627776 elements (4096 GiB) is too large for this machine's memory") == true)
        #expect(errorMessage { try Tensor.zeros([1 << 40, 1 << 40]) }?.contains("elements (") == true)
        #expect((try? Tensor.zeros([1 << 40, 0]))?.count == 0)
    }
}
