import Testing
import TxTensor
@testable import TxData

@Suite("Shapes") struct ShapesTests {
    @Test func sameSeedSameImagesWhateverTheTask() throws {
        let a = try shapes(n: 60, seed: 7, size: 24, task: .shape)
        let b = try shapes(n: 60, seed: 7, size: 24, task: .color)
        let c = try shapes(n: 60, seed: 8, size: 24, task: .shape)
        #expect(a.x.shape == [60, 3, 24, 24])
        #expect(a.x.data == b.x.data)
        #expect(a.x.data != c.x.data)
        #expect(a.y.data != b.y.data)
        #expect(try shapes(n: 60, seed: 7, size: 24, task: .shape).x.data == a.x.data)
        #expect(a.x.data.allSatisfy { $0 >= 0 && $0 <= 1 })
        #expect(a.classes == ["circle", "square", "triangle", "cross", "ring"])
        #expect(a.description == "Dataset shapes shape: 60 × [3, 24, 24] (3×24×24 images), 5 classes")
    }

    @Test func parallelDrawingIsDeterministic() throws {
        // More than one 256-image chunk: drawn in parallel, the bytes must not change.
        let a = try shapes(n: 700, seed: 11, size: 8), b = try shapes(n: 700, seed: 11, size: 8)
        #expect(a.x.data == b.x.data)
        #expect(a.x.data[(699 * 192)..<(700 * 192)].contains { $0 != 0 })
    }

    @Test func everyTaskIsBalanced() throws {
        for task in ShapesTask.allCases {
            let ds = try shapes(n: 1000, seed: 1, size: 16, task: task)
            var counts = [Int](repeating: 0, count: task.classes.count)
            for y in ds.y.data { counts[Int(y)] += 1 }
            #expect(counts.max()! - counts.min()! <= 1, "\(task): \(counts)")
        }
    }

    @Test func objectsAreDrawnInTheirColour() throws {
        // The most saturated pixel of each image has its class's dominant channel.
        let ds = try shapes(n: 300, seed: 2, size: 32, task: .color)
        let plane = 32 * 32
        var right = 0
        for i in 0..<ds.count {
            var mean = [Double](repeating: 0, count: 3), weight = 0.0
            for p in 0..<plane {
                let v = (0..<3).map { Double(ds.x.data[(i * 3 + $0) * plane + p]) }
                let sat = v.max()! - v.min()!
                if sat > 0.35 { for c in 0..<3 { mean[c] += v[c] }; weight += 1 }
            }
            guard weight > 0 else { continue }
            let palette = Shapes.palette.map { [Double($0.0), Double($0.1), Double($0.2)] }
            let m = mean.map { $0 / weight }
            let nearest = palette.indices.min { a, b in
                zip(palette[a], m).map { ($0 - $1) * ($0 - $1) }.reduce(0, +) < zip(palette[b], m).map { ($0 - $1) * ($0 - $1) }.reduce(0, +)
            }!
            if nearest == Int(ds.y.data[i]) { right += 1 }
        }
        #expect(right >= 270, "\(right) of 300")
    }

    @Test func nearestCentroidOnChannelMeansBeatsChanceOnColour() throws {
        let ds = try shapes(n: 1200, seed: 3, size: 16, task: .color)
        let plane = 256
        func features(_ i: Int) -> [Double] {
            let m = (0..<3).map { c in (0..<plane).reduce(0.0) { $0 + Double(ds.x.data[(i * 3 + c) * plane + $1]) } / Double(plane) }
            let grey = m.reduce(0, +) / 3
            return m.map { $0 - grey }
        }
        var centroids = [[Double]](repeating: [0, 0, 0], count: 6), counts = [Double](repeating: 0, count: 6)
        for i in 0..<900 {
            let k = Int(ds.y.data[i]), f = features(i)
            for c in 0..<3 { centroids[k][c] += f[c] }
            counts[k] += 1
        }
        for k in 0..<6 { centroids[k] = centroids[k].map { $0 / counts[k] } }
        var right = 0
        for i in 900..<1200 {
            let f = features(i)
            let guess = (0..<6).min { a, b in
                zip(centroids[a], f).map { ($0 - $1) * ($0 - $1) }.reduce(0, +) < zip(centroids[b], f).map { ($0 - $1) * ($0 - $1) }.reduce(0, +)
            }!
            if guess == Int(ds.y.data[i]) { right += 1 }
        }
        // Chance is 1/6 (50 of 300).
        #expect(right >= 150, "\(right) of 300")
    }

    @Test func badArguments() {
        #expect(throws: DataError.self) { try shapes(n: 0) }
        #expect(throws: DataError.self) { try shapes(n: 5, size: 4) }
        #expect(throws: DataError.self) { try shapes(n: 1 << 40) }
    }
}
