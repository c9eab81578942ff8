import Testing
@testable import TxTensor

@Suite struct ElementwiseTests {
    @Test func broadcastRowVector() throws {
        let a = T([2, 3], [1, 2, 3, 4, 5, 6])
        let b = T([3], [10, 20, 30])
        let c = try Tensor.binary(.add, a, b)
        #expect(c.shape == [2, 3])
        #expect(c.data == [11, 22, 33, 14, 25, 36])
    }

    @Test func broadcastColumnTimesRow() throws {
        let a = T([2, 1], [1, 2])
        let b = T([1, 3], [1, 10, 100])
        let c = try Tensor.binary(.mul, a, b)
        #expect(c.shape == [2, 3])
        #expect(c.data == [1, 10, 100, 2, 20, 200])
    }

    @Test func broadcastMiddleAxisAndScalarTensor() throws {
        let a = T([2, 3, 2], (0..<12).map(Float.init))
        let b = T([3, 1], [100, 200, 300])
        let c = try Tensor.binary(.add, a, b)
        #expect(c.shape == [2, 3, 2])
        #expect(c.data == [100, 101, 202, 203, 304, 305, 106, 107, 208, 209, 310, 311])
        let s = try Tensor.binary(.sub, Tensor(scalar: 1), a)
        #expect(s.shape == [2, 3, 2])
        #expect(s.data[11] == -10)
        let one = try Tensor.binary(.mul, T([1, 1, 1], [2]), T([3], [1, 2, 3]))
        #expect(one.shape == [1, 1, 3])
        #expect(one.data == [2, 4, 6])
    }

    @Test func broadcastShapeErrors() throws {
        #expect(errorMessage { try Tensor.broadcastShape([3], [4]) } == "can't broadcast [3] with [4]")
        #expect(errorMessage { try Tensor.binary(.add, T([2, 3], [0, 0, 0, 0, 0, 0]), T([2], [0, 0])) }
                == "can't broadcast [2, 3] with [2]")
        #expect(try Tensor.broadcastShape([5, 1, 4], [3, 1]) == [5, 3, 4])
        #expect(try Tensor.broadcastShape([], [2, 2]) == [2, 2])
        #expect(errorMessage { try Tensor.binary(.add, T([1 << 20, 1], []), T([1, 1 << 20], [])) }?
                    .contains("is too large for this machine's memory") == true)
    }

    @Test func floorMod() {
        let a = T([4], [7, -7, 7, -7])
        let b = T([4], [3, 3, -3, -3])
        let m = try? Tensor.binary(.mod, a, b)
        #expect(m?.data == [1, 2, -2, -1])
        #expect(Tensor.binary(.mod, T([2], [5.5, -0.5]), 2).data == [1.5, 1.5])
        #expect(Tensor.binary(.mod, 1, T([1], [0])).data[0].isNaN)
        // Agrees with fmod-based floor modulo over many values, including large quotients.
        var g = RandomSource(seed: 11)
        for _ in 0..<2000 {
            let x = Float(g.nextNormal() * 1e6), y = Float(g.nextNormal() * (g.nextDouble() < 0.5 ? 1e-3 : 10))
            var r = x.truncatingRemainder(dividingBy: y)
            if r != 0 && (r < 0) != (y < 0) { r += y }
            let got = Tensor.binary(.mod, x, T([1], [y])).data[0]
            #expect(got == r || Swift.abs(got - r) <= Swift.abs(y) * 1e-6, "\(x) mod \(y): \(got) vs \(r)")
        }
    }

    @Test func comparisonsGiveZeroOne() throws {
        let a = T([4], [1, 2, 3, .nan])
        let b = T([4], [2, 2, 2, 2])
        #expect(try Tensor.binary(.lt, a, b).data == [1, 0, 0, 0])
        #expect(try Tensor.binary(.le, a, b).data == [1, 1, 0, 0])
        #expect(try Tensor.binary(.gt, a, b).data == [0, 0, 1, 0])
        #expect(try Tensor.binary(.ge, a, b).data == [0, 1, 1, 0])
        #expect(try Tensor.binary(.eq, a, b).data == [0, 1, 0, 0])
        #expect(try Tensor.binary(.ne, a, b).data == [1, 0, 1, 1])
        #expect(Tensor.binary(.gt, a, 1.5).data == [0, 1, 1, 0])
        #expect(Tensor.binary(.gt, 1.5, a).data == [1, 0, 0, 0])
    }

    @Test func arithmeticAndMinMax() throws {
        let a = T([3], [1, 4, 9])
        #expect(Tensor.binary(.pow, a, 0.5).data == [1, 2, 3])
        #expect(Tensor.binary(.div, 36, a).data == [36, 9, 4])
        #expect(Tensor.binary(.sub, a, 1).data == [0, 3, 8])
        let m = try Tensor.binary(.minimum, a, T([3], [2, 2, .nan]))
        #expect(m.data[0] == 1 && m.data[1] == 2 && m.data[2].isNaN)
        #expect(try Tensor.binary(.maximum, a, T([1], [5])).data == [5, 5, 9])
    }

    @Test func unaryOps() throws {
        let x = T([5], [-1.5, -0.5, 0, 0.5, 2.5])
        #expect(x.unary(.neg).data == [1.5, 0.5, 0, -0.5, -2.5])
        #expect(x.unary(.abs).data == [1.5, 0.5, 0, 0.5, 2.5])
        #expect(x.unary(.relu).data == [0, 0, 0, 0.5, 2.5])
        #expect(x.unary(.floor).data == [-2, -1, 0, 0, 2])
        #expect(x.unary(.ceil).data == [-1, 0, 0, 1, 3])
        #expect(x.unary(.round).data == [-2, 0, 0, 0, 2])   // halves to even, like NumPy
        #expect(x.unary(.sign).data == [-1, -1, 0, 1, 1])
        #expect(close(T([2], [0, 1]).unary(.exp).data, [1, 2.7182817]))
        #expect(close(T([2], [1, 4]).unary(.log).data, [0, 1.3862944]))
        #expect(T([2], [4, 9]).unary(.sqrt).data == [2, 3])
        let s = T([3], [-1000, 0, 1000]).unary(.sigmoid).data
        #expect(s == [0, 0.5, 1])
        #expect(close(T([1], [0]).unary(.tanh).data + T([1], [0]).unary(.sin).data + T([1], [0]).unary(.cos).data,
                      [0, 0, 1]))
    }

    @Test func clipAndWhere() throws {
        let x = T([4], [-2, 0.5, 3, .nan])
        let c = x.clip(0, 1)
        #expect(Array(c.data.prefix(3)) == [0, 0.5, 1])
        #expect(c.data[3].isNaN)
        let cond = T([2, 1], [1, 0])
        let w = try Tensor.where(cond, T([3], [1, 2, 3]), Tensor(scalar: -1))
        #expect(w.shape == [2, 3])
        #expect(w.data == [1, 2, 3, -1, -1, -1])
        #expect(errorMessage { try Tensor.where(T([2], [1, 0]), T([3], [1, 2, 3]), Tensor(scalar: 0)) } != nil)
    }
}
