import Testing
@testable import TxTensor

@Suite struct CreationRandomTests {
    @Test func creation() throws {
        #expect(try Tensor.zeros([2, 2]).data == [0, 0, 0, 0])
        #expect(try Tensor.ones([3]).data == [1, 1, 1])
        #expect(try Tensor.full([2], 7).data == [7, 7])
        #expect(try Tensor.eye(2).data == [1, 0, 0, 1])
        #expect(try Tensor.arange(0, 5, 1).data == [0, 1, 2, 3, 4])
        #expect(try Tensor.arange(5, 0, -2).data == [5, 3, 1])
        #expect(try Tensor.arange(0, 1, 0.25).data == [0, 0.25, 0.5, 0.75])
        #expect(try Tensor.arange(3, 1, 1).shape == [0])
        #expect(try Tensor.arange(0, -1e300, 1).shape == [0])
        #expect(errorMessage { try Tensor.arange(0, 1e300, 1) }?.hasSuffix("is too large") == true)
        #expect(errorMessage { try Tensor.arange(0, 1, 0) } == "arange step must not be 0")
        #expect(try Tensor.linspace(0, 1, 5).data == [0, 0.25, 0.5, 0.75, 1])
        #expect(try Tensor.linspace(2, 3, 1).data == [2])
        #expect(close(try Tensor.logspace(0, 2, 3).data, [1, 10, 100]))
        #expect(errorMessage { try Tensor.linspace(0, 1, -1) } != nil)
        #expect(errorMessage { try Tensor.eye(-1) } != nil)
    }

    @Test func seededRandomIsReproducible() throws {
        let a = try Tensor.rand([100], seed: 42), b = try Tensor.rand([100], seed: 42)
        let c = try Tensor.rand([100], seed: 43)
        #expect(a.data == b.data)
        #expect(a.data != c.data)
        #expect(a.data.allSatisfy { $0 >= 0 && $0 < 1 })
        #expect(try Tensor.randn([50], seed: 1).data == Tensor.randn([50], seed: 1).data)
        #expect(try Tensor.randn([50], seed: 1).data != Tensor.randn([50], seed: 2).data)
        let r = try Tensor.randint(-2, 3, [1000], seed: 9)
        #expect(r.data.allSatisfy { $0 >= -2 && $0 < 3 && $0.rounded() == $0 })
        #expect(Set(r.data).count == 5)
        #expect(r.data == (try Tensor.randint(-2, 3, [1000], seed: 9)).data)
        #expect(errorMessage { try Tensor.randint(3, 3, [1], seed: 0) } != nil)
    }

    @Test func globalSeed() throws {
        GlobalRandom.seed(5)
        let a = try Tensor.rand([10], seed: nil)
        let b = try Tensor.rand([10], seed: nil)
        GlobalRandom.seed(5)
        let c = try Tensor.rand([10], seed: nil)
        #expect(a.data != b.data)
        #expect(a.data == c.data)
        #expect(a.data == (try Tensor.rand([10], seed: 5)).data)
    }

    @Test func randnMoments() throws {
        let x = try Tensor.randn([10_000], seed: 123)
        let mean = try x.reduce(.mean, axis: nil, keepdims: false).item()
        let std = try x.reduce(.std, axis: nil, keepdims: false).item()
        #expect(Swift.abs(mean) < 0.05)
        #expect(Swift.abs(std - 1) < 0.05)
        let u = try Tensor.rand([10_000], seed: 123)
        #expect(Swift.abs(try u.reduce(.mean, axis: nil, keepdims: false).item() - 0.5) < 0.02)
    }

    @Test func randomSourceBasics() {
        var s = RandomSource(seed: 0)
        var t = RandomSource(seed: 0)
        #expect(s.nextUInt64() == t.nextUInt64())
        for _ in 0..<1000 {
            let d = s.nextDouble()
            #expect(d >= 0 && d < 1)
            let i = s.nextInt(below: 7)
            #expect(i >= 0 && i < 7)
        }
        #expect(s.nextInt(below: 0) == 0)
    }
}
