import Testing
@testable import TxTensor

@Suite struct IndexTests {
    let x = T([3, 4], (0..<12).map(Float.init))

    @Test func integerAndNegativeIndices() throws {
        let row = try x.get([.index(-1)])
        #expect(row.shape == [4] && row.data == [8, 9, 10, 11])
        let e = try x.get([.index(1), .index(-2)])
        #expect(e.shape == [] && e.data == [6])
        #expect(try e.item() == 6)
        let col = try x.get([.all, .index(0)])
        #expect(col.shape == [3] && col.data == [0, 4, 8])
    }

    @Test func slicesWithStepsAndClamping() throws {
        let s = try x.get([.slice(start: nil, stop: nil, step: -1)])
        #expect(s.shape == [3, 4] && Array(s.data[..<4]) == [8, 9, 10, 11])
        let t = try x.get([.slice(start: 1, stop: nil, step: nil), .slice(start: nil, stop: nil, step: 2)])
        #expect(t.shape == [2, 2] && t.data == [4, 6, 8, 10])
        let u = try x.get([.all, .slice(start: -3, stop: -1, step: nil)])
        #expect(u.shape == [3, 2] && u.data == [1, 2, 5, 6, 9, 10])
        let v = try x.get([.index(0), .slice(start: 10, stop: -10, step: -2)])
        #expect(v.data == [3, 1])
        let w = try x.get([.slice(start: 5, stop: 10, step: nil)])
        #expect(w.shape == [0, 4])
        let r = try T([5], [0, 1, 2, 3, 4]).get([.slice(start: -100, stop: 100, step: 3)])
        #expect(r.data == [0, 3])
        #expect(errorMessage { try self.x.get([.slice(start: nil, stop: nil, step: 0)]) } == "slice step must not be 0")
        #expect(try x.get([.slice(start: nil, stop: nil, step: .max)]).shape == [1, 4])
        #expect(try x.get([.slice(start: nil, stop: nil, step: .min)]).data == [8, 9, 10, 11])
        #expect(try x.get([.slice(start: .min, stop: .max, step: nil)]).shape == [3, 4])
    }

    @Test func indexErrors() {
        #expect(errorMessage { try self.x.get([.index(5)]) } == "index 5 is out of range for axis 0 with size 3")
        #expect(errorMessage { try self.x.get([.all, .index(-5)]) } == "index -5 is out of range for axis 1 with size 4")
        #expect(errorMessage { try self.x.get([.index(0), .index(0), .index(0)]) } != nil)
        #expect(errorMessage { try self.x.item() } != nil)
    }

    @Test func masksAndFancyIndices() throws {
        let mask = Tensor.binary(.gt, x, 6.5)
        let sel = try x.get([.mask(mask)])
        #expect(sel.shape == [5] && sel.data == [7, 8, 9, 10, 11])
        let rows = try x.get([.mask(T([3], [1, 0, 1]))])
        #expect(rows.shape == [2, 4] && rows.data == [0, 1, 2, 3, 8, 9, 10, 11])
        let cols = try x.get([.all, .mask(T([4], [0, 1, 0, 1]))])
        #expect(cols.shape == [3, 2] && cols.data == [1, 3, 5, 7, 9, 11])
        #expect(errorMessage { try self.x.get([.mask(T([2], [1, 0]))]) } != nil)
        let picked = try x.get([.indices([2, 0, -1])])
        #expect(picked.shape == [3, 4] && Array(picked.data[..<4]) == [8, 9, 10, 11])
        let pc = try x.get([.index(1), .indices([3, 3, 0])])
        #expect(pc.data == [7, 7, 4])
        #expect(errorMessage { try self.x.get([.indices([3])]) } == "index 3 is out of range for axis 0 with size 3")
        let na = try x.get([.newAxis, .index(0)])
        #expect(na.shape == [1, 4])
    }

    @Test func setViaSliceMaskAndScalar() throws {
        let y = x.copy()
        try y.set([.slice(start: nil, stop: nil, step: 2), .index(1)], 100)
        #expect(y.data[1] == 100 && y.data[9] == 100 && y.data[5] == 5)
        #expect(x.data[1] == 1)   // the copy is independent
        try y.set([.index(1)], T([4], [-1, -2, -3, -4]))
        #expect(Array(y.data[4..<8]) == [-1, -2, -3, -4])
        try y.set([.all, .slice(start: 2, stop: nil, step: nil)], T([2], [7, 8]))
        #expect(y.data[2] == 7 && y.data[3] == 8 && y.data[10] == 7 && y.data[11] == 8)
        try y.set([.mask(Tensor.binary(.lt, y, 0))], 0)
        #expect(Array(y.data[4..<8]) == [0, 0, 7, 8])
        #expect(errorMessage { try y.set([.index(0)], T([3], [1, 2, 3])) }
                == "can't assign shape [3] to a region of shape [4]")
        try y.set([], y)   // self-assignment is fine
        try y.set([.index(0)], T([1], [5]))
        #expect(Array(y.data[..<4]) == [5, 5, 5, 5])
    }
}
