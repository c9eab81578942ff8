import Testing
@testable import TxTensor

/// Randomized checks of the strided fast paths against naive reference loops.
@Suite struct PropertyTests {
    /// The multi-index of flat position `i` in `shape`.
    func unravel(_ i: Int, _ shape: [Int]) -> [Int] {
        var rest = i
        var idx = [Int](repeating: 0, count: shape.count)
        for d in stride(from: shape.count - 1, through: 0, by: -1) {
            idx[d] = rest % shape[d]
            rest /= shape[d]
        }
        return idx
    }

    func ravel(_ idx: [Int], _ shape: [Int]) -> Int {
        zip(idx, shape).reduce(0) { $0 * $1.1 + $1.0 }
    }

    @Test func broadcastingMatchesNaive() throws {
        var g = RandomSource(seed: 2024)
        for _ in 0..<200 {
            let nd = 1 + g.nextInt(below: 4)
            let out = (0..<nd).map { _ in 1 + g.nextInt(below: 4) }
            // Each operand drops some leading axes and sets some sizes to 1.
            func operand() -> [Int] {
                let drop = g.nextInt(below: nd + 1)
                return out.dropFirst(drop).map { g.nextInt(below: 3) == 0 ? 1 : $0 }
            }
            let sa = operand(), sb = operand()
            let a = try Tensor.rand(sa, seed: g.nextUInt64()), b = try Tensor.rand(sb, seed: g.nextUInt64())
            let c = try Tensor.binary(.sub, a, b)
            let shape = try Tensor.broadcastShape(sa, sb)
            #expect(c.shape == shape)
            for i in 0..<c.count {
                let idx = unravel(i, shape)
                func pick(_ t: Tensor) -> Float {
                    let lead = shape.count - t.ndim
                    let sub = t.shape.indices.map { t.shape[$0] == 1 ? 0 : idx[lead + $0] }
                    return t.data[ravel(sub, t.shape)]
                }
                #expect(c.data[i] == pick(a) - pick(b))
            }
        }
    }

    @Test func slicingMatchesNaive() throws {
        var g = RandomSource(seed: 7)
        let x = T([5, 6, 4], (0..<120).map(Float.init))
        for _ in 0..<300 {
            var index: [TensorIndex] = []
            var picks: [[Int]] = []      // source positions per axis
            var kept: [Bool] = []
            var usedList = false
            for axis in 0..<(1 + g.nextInt(below: 3)) {
                let size = x.shape[axis]
                switch g.nextInt(below: 4) {
                case 0:
                    let i = g.nextInt(below: 2 * size) - size
                    index.append(.index(i)); picks.append([i < 0 ? i + size : i]); kept.append(false)
                case 1 where !usedList:
                    usedList = true
                    let l = (0..<g.nextInt(below: 4)).map { _ in g.nextInt(below: size) }
                    index.append(.indices(l)); picks.append(l); kept.append(true)
                default:
                    func bound() -> Int? { g.nextInt(below: 3) == 0 ? nil : g.nextInt(below: 2 * size + 4) - size - 2 }
                    let step = [1, 2, 3, -1, -2][g.nextInt(below: 5)]
                    let s = bound(), e = bound()
                    index.append(.slice(start: s, stop: e, step: step))
                    picks.append(Array(0..<size).pythonSlice(s, e, step)); kept.append(true)
                }
            }
            while picks.count < 3 { picks.append(Array(0..<x.shape[picks.count])); kept.append(true) }
            var expected: [Float] = []
            for i in picks[0] { for j in picks[1] { for k in picks[2] { expected.append(x.data[(i * 6 + j) * 4 + k]) } } }
            let got = try x.get(index)
            #expect(got.data == expected)
            #expect(got.shape == zip(picks, kept).filter { $0.1 }.map { $0.0.count })
            // set writes exactly the same positions.
            let y = try Tensor.zeros(x.shape)
            try y.set(index, 1)
            let marked = y.data.enumerated().filter { $0.element == 1 }.map { Float($0.offset) }
            #expect(marked == Set(expected).sorted())
        }
    }
}

extension Array {
    /// Python's `list[start:stop:step]`, written the obvious way.
    func pythonSlice(_ start: Int?, _ stop: Int?, _ step: Int) -> [Element] {
        let n = count
        var out: [Element] = []
        if step > 0 {
            var s = start.map { $0 < 0 ? Swift.max($0 + n, 0) : Swift.min($0, n) } ?? 0
            let e = stop.map { $0 < 0 ? Swift.max($0 + n, 0) : Swift.min($0, n) } ?? n
            while s < e { out.append(self[s]); s += step }
        } else {
            var s = start.map { $0 < 0 ? Swift.max($0 + n, -1) : Swift.min($0, n - 1) } ?? n - 1
            let e = stop.map { $0 < 0 ? Swift.max($0 + n, -1) : Swift.min($0, n - 1) } ?? -1
            while s > e { out.append(self[s]); s += step }
        }
        return out
    }
}
