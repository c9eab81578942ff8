import Testing
import TxTensor
@testable import TxData

/// A small dataset whose features identify each row: x[i] = [i, 100 + i], label i % 3.
func toy(_ n: Int = 30) throws -> Dataset {
    try Dataset(x: Tensor(shape: [n, 2], data: (0..<n).flatMap { [Float($0), Float(100 + $0)] }),
                y: Tensor(shape: [n], data: (0..<n).map { Float($0 % 3) }),
                classes: ["a", "b", "c"], name: "toy")
}

/// The row ids (x[:, 0]) of a toy dataset, checking each row is intact.
func ids(_ ds: Dataset) -> [Int] {
    (0..<ds.count).map { i in
        let id = ds.x.data[2 * i]
        #expect(ds.x.data[2 * i + 1] == 100 + id)
        #expect(ds.y.data[i] == Float(Int(id) % 3))
        return Int(id)
    }
}

@Suite("Datasets")
struct DatasetTests {
    @Test func construction() throws {
        let ds = try toy()
        #expect(ds.description == "Dataset toy: 30 × [2], 3 classes")
        #expect(ds.exampleShape == [2])
        let derived = try Dataset(x: Tensor.zeros([4, 2]), y: Tensor(shape: [4], data: [0, 2, 1, 2]))
        #expect(derived.classes == ["0", "1", "2"])
        #expect(derived.description == "Dataset: 4 × [2], 3 classes")
        let regression = try Dataset(x: Tensor.zeros([2, 1]), y: Tensor(shape: [2], data: [0.5, 1]))
        #expect(regression.classes.isEmpty && regression.description == "Dataset: 2 × [1]")
        #expect(throws: DataError("x has 4 examples but y has 3 labels")) {
            try Dataset(x: Tensor.zeros([4, 2]), y: Tensor.zeros([3]))
        }
        #expect(throws: DataError("label 3 of example 1 is not a class index (there are 2 classes, 0–1)")) {
            try Dataset(x: Tensor.zeros([2, 2]), y: Tensor(shape: [2], data: [0, 3]), classes: ["a", "b"])
        }
    }

    @Test func indexingAndTake() throws {
        let ds = try toy()
        let (x, y) = try ds[4]
        #expect(x.data == [4, 104] && y == 1)
        #expect(try ds[-1].x.data == [29, 129])
        #expect(throws: DataError("index 30 is out of range for a dataset of 30 examples")) { try ds[30] }
        #expect(ids(try ds.take(5)) == [0, 1, 2, 3, 4])
        #expect(try ds.take(100).count == 30)
        #expect(throws: DataError.self) { try ds.take(0) }
    }

    @Test func shuffleIsADeterministicPermutation() throws {
        let ds = try toy()
        let a = ids(ds.shuffled(seed: 7)), b = ids(ds.shuffled(seed: 7)), c = ids(ds.shuffled(seed: 8))
        #expect(a == b)
        #expect(a != c)
        #expect(a.sorted() == Array(0..<30))
        #expect(a != Array(0..<30))
    }

    @Test func splitSizesAndDisjointness() throws {
        let ds = try toy(31)
        let (a, b) = try ds.split(0.8, seed: 1)
        #expect(a.count == 25 && b.count == 6)  // round(0.8 × 31) = 25
        #expect((ids(a) + ids(b)).sorted() == Array(0..<31))
        let (a2, _) = try ds.split(0.8, seed: 1)
        #expect(ids(a2) == ids(a))
        #expect(try ids(ds.split(0.8, seed: 2).0) != ids(a))
        #expect(throws: DataError("split(): fraction must be between 0 and 1 (exclusive), got 1.0")) { try ds.split(1, seed: 0) }
        #expect(throws: DataError.self) { try ds.split(0, seed: 0) }
        #expect(throws: DataError("split(): a fraction of 0.01 of 31 examples leaves the first part empty")) {
            try ds.split(0.01, seed: 0)
        }
    }

    @Test func stratifiedSplitKeepsClassProportions() throws {
        let digits = try Dataset.digits()
        let (train, test) = try digits.split(0.75, seed: 3, stratified: true)
        #expect(train.count == 1348 && test.count == 449)  // round(0.75 × 1797)
        let all = [178, 182, 177, 183, 181, 182, 181, 179, 174, 180]
        var counts = [Int](repeating: 0, count: 10)
        for label in train.y.data { counts[Int(label)] += 1 }
        for k in 0..<10 {
            let exact = 0.75 * Double(all[k])
            #expect(Double(counts[k]) >= exact.rounded(.down) && Double(counts[k]) <= exact.rounded(.up), "class \(k)")
        }
        // Classes are mixed, not in blocks.
        #expect(Array(train.y.data.prefix(20)) != Array(repeating: train.y.data[0], count: 20))
        let again = try digits.split(0.75, seed: 3, stratified: true)
        #expect(again.0.x.data == train.x.data && again.1.y.data == test.y.data)
        // A small set: 9 of each of 3 classes, a third in the first part → exactly 3 each.
        let (small, _) = try toy(27).split(1.0 / 3, seed: 0, stratified: true)
        #expect(small.y.data.filter { $0 == 0 }.count == 3 && small.y.data.filter { $0 == 2 }.count == 3)
    }

    @Test func filterByLabels() throws {
        let ds = try toy()
        let f = try ds.filter(labels: [2, 0])
        #expect(ids(f) == (0..<30).filter { $0 % 3 != 1 })
        #expect(f.classes == ["a", "b", "c"])
        #expect(throws: DataError("filter(): label 5 is not in this dataset (its labels: 0, 1, 2)")) { try ds.filter(labels: [5]) }
        #expect(throws: DataError.self) { try ds.filter(labels: []) }
    }

    @Test func normalizePerFeature() throws {
        let ds = try Dataset(x: Tensor(shape: [4, 2], data: [1, 5, 3, 5, 5, 5, 7, 5]), y: Tensor.zeros([4]))
        let n = try ds.normalized()
        // Feature 0: mean 4, std √5; feature 1 is constant: divided by 1.
        let s: Float = Float(5).squareRoot()
        let expected: [Float] = [-3, 0, -1, 0, 1, 0, 3, 0].map { $0 == 0 ? 0 : $0 / s }
        #expect(n.x.data == expected)
        let given = try ds.normalized(mean: Tensor(shape: [2], data: [1, 1]), std: Tensor(scalar: 2))
        #expect(given.x.data == [0, 2, 1, 2, 2, 2, 3, 2])
        #expect(throws: DataError("normalize(): mean has 3 values (shape [3]) but each example has 2")) {
            try ds.normalized(mean: Tensor.zeros([3]))
        }
        let digits = try Dataset.digits().normalized()
        var total: Float = 0
        for i in 0..<1797 { total += digits.x.data[i * 64 + 1] }
        let mean0: Float = total / 1797
        #expect(abs(mean0) < 1e-5)
        #expect(abs(digits.x.data[1] - (-0.33501649)) < 1e-5)  // sklearn StandardScaler's value
    }

    @Test func batchesCoverEveryExampleOnce() throws {
        let ds = try toy(10)
        let ordered = try ds.batches(size: 4, shuffle: false)
        #expect(ordered.map { $0.x.shape } == [[4, 2], [4, 2], [2, 2]])
        #expect(ordered[2].y.data == [2, 0])
        let shuffled = try ds.batches(size: 4, seed: 5)
        let seen = shuffled.flatMap { b in (0..<b.y.count).map { Int(b.x.data[2 * $0]) } }
        #expect(seen.sorted() == Array(0..<10) && seen != Array(0..<10))
        #expect(try ds.batches(size: 4, seed: 5).map { $0.y.data } == shuffled.map { $0.y.data })
        #expect(throws: DataError.self) { try ds.batches(size: 0) }
    }

    @Test func mapTransformsEachExample() throws {
        let digits = try Dataset.digits().take(3)
        let images = try digits.map { try $0.reshaped([8, 8]) }
        #expect(images.x.shape == [3, 8, 8] && images.imageShape == [8, 8])
        let sums = try digits.map { Tensor(shape: [1], data: [$0.data.reduce(0, +)]) }
        #expect(sums.x.shape == [3, 1] && sums.imageShape == nil && sums.y.data == [0, 1, 2])
        #expect(throws: DataError.self) {
            try digits.map { row -> Tensor in
                let first = row.data[2] == 5
                return try Tensor.zeros(first ? [2] : [3])
            }
        }
    }
}
