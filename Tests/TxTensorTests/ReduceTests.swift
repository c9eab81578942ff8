import Testing
@testable import TxTensor

@Suite struct ReduceTests {
    let m = T([2, 3], [1, 2, 3, 4, 5, 6])

    @Test func sumMeanOverAxes() throws {
        #expect(try m.reduce(.sum, axis: nil, keepdims: false).data == [21])
        #expect(try m.reduce(.sum, axis: nil, keepdims: false).shape == [])
        #expect(try m.reduce(.sum, axis: nil, keepdims: true).shape == [1, 1])
        let s0 = try m.reduce(.sum, axis: 0, keepdims: false)
        #expect(s0.shape == [3] && s0.data == [5, 7, 9])
        let s1 = try m.reduce(.sum, axis: -1, keepdims: true)
        #expect(s1.shape == [2, 1] && s1.data == [6, 15])
        #expect(try m.reduce(.mean, axis: 1, keepdims: false).data == [2, 5])
        #expect(try m.reduce(.mean, axis: nil, keepdims: false).data == [3.5])
        #expect(try m.reduce(.prod, axis: 0, keepdims: false).data == [4, 10, 18])
    }

    @Test func stdVarNorm() throws {
        // Population statistics, like NumPy's default ddof=0.
        let v = try m.reduce(.var, axis: 1, keepdims: false)
        #expect(close(v.data, [2.0 / 3, 2.0 / 3]))
        let s = try m.reduce(.std, axis: 0, keepdims: false)
        #expect(close(s.data, [1.5, 1.5, 1.5]))
        #expect(close(try m.reduce(.var, axis: nil, keepdims: false).data, [35.0 / 12]))
        #expect(close(try T([2], [3, 4]).reduce(.norm, axis: nil, keepdims: false).data, [5]))
        #expect(close(try m.reduce(.norm, axis: 1, keepdims: false).data, [Float(14).squareRoot(), Float(77).squareRoot()]))
    }

    @Test func minMaxArg() throws {
        let x = T([2, 3], [3, 9, 1, 7, 2, 8])
        #expect(try x.reduce(.max, axis: nil, keepdims: false).data == [9])
        #expect(try x.reduce(.min, axis: 0, keepdims: false).data == [3, 2, 1])
        #expect(try x.reduce(.max, axis: 1, keepdims: true).data == [9, 8])
        #expect(try x.reduce(.argmax, axis: nil, keepdims: false).data == [1])
        #expect(try x.reduce(.argmax, axis: nil, keepdims: false).shape == [])
        #expect(try x.reduce(.argmax, axis: 1, keepdims: false).data == [1, 2])
        #expect(try x.reduce(.argmin, axis: 0, keepdims: false).data == [0, 1, 0])
        // Ties go to the first occurrence.
        #expect(try T([4], [1, 5, 5, 0]).reduce(.argmax, axis: 0, keepdims: false).data == [1])
        #expect(try T([3], [1, .nan, 2]).reduce(.max, axis: nil, keepdims: false).data[0].isNaN)
    }

    @Test func reduceErrors() {
        #expect(errorMessage { try self.m.reduce(.sum, axis: 2, keepdims: false) }
                == "axis 2 is out of range for a tensor with 2 dimensions")
        #expect(errorMessage { try self.m.reduce(.sum, axis: -3, keepdims: false) } != nil)
        #expect(errorMessage { try T([0], []).reduce(.max, axis: nil, keepdims: false) }
                == "max of an empty tensor (shape [0])")
        #expect(errorMessage { try T([0, 3], []).reduce(.argmin, axis: 0, keepdims: false) } != nil)
        #expect((try? T([0, 3], []).reduce(.max, axis: 1, keepdims: false))?.shape == [0])
        #expect((try? T([0], []).reduce(.sum, axis: nil, keepdims: false))?.data == [0])
    }

    @Test func softmaxRowsSumToOne() throws {
        let x = T([2, 3], [1, 2, 3, 1000, 1000, 1000])
        let s = try x.softmax(axis: -1)
        let sums = try s.reduce(.sum, axis: 1, keepdims: false)
        #expect(close(sums.data, [1, 1]))
        #expect(close(Array(s.data[3...]), [1.0 / 3, 1.0 / 3, 1.0 / 3]))
        #expect(close(Array(s.data[..<3]), [0.09003057, 0.24472847, 0.66524096]))
        let l = try x.logSoftmax(axis: 1)
        #expect(close(l.data, s.data.map { Float(Foundation_log(Double($0))) }, tol: 1e-4))
        let cols = try x.softmax(axis: 0)
        #expect(close(try cols.reduce(.sum, axis: 0, keepdims: false).data, [1, 1, 1]))
    }

    @Test func oneHot() throws {
        let h = try Tensor.oneHot(T([3], [0, 2, 1]), 3)
        #expect(h.shape == [3, 3])
        #expect(h.data == [1, 0, 0, 0, 0, 1, 0, 1, 0])
        #expect(errorMessage { try Tensor.oneHot(T([1], [3]), 3) } == "one-hot label 3 is out of range for 3 classes")
        #expect(errorMessage { try Tensor.oneHot(T([1], [0.5]), 3) } != nil)
        #expect(errorMessage { try Tensor.oneHot(T([1], [.infinity]), 3) } == "one-hot label inf is out of range for 3 classes")
        #expect(errorMessage { try Tensor.oneHot(T([1], [.nan]), 3) } != nil)
    }

    @Test func sortArgsortUnique() throws {
        let x = T([2, 3], [3, 1, 2, 0, 5, -1])
        #expect(try x.sorted(axis: -1).data == [1, 2, 3, -1, 0, 5])
        #expect(try x.sorted(axis: 0).data == [0, 1, -1, 3, 5, 2])
        #expect(try T([5], [2, 1, 2, 1, 0]).argsort(axis: -1).data == [4, 1, 3, 0, 2])  // stable
        #expect(try x.argsort(axis: 0).data == [1, 0, 1, 0, 1, 0])
        #expect(T([6], [3, 1, 3, 2, 1, 7]).unique().data == [1, 2, 3, 7])
        #expect(errorMessage { try Tensor(scalar: 1).sorted(axis: -1) } != nil)
    }
}

import Foundation
private func Foundation_log(_ x: Double) -> Double { log(x) }
