import Foundation
import Testing
import TxData
import TxTensor
@testable import TxEmbed

private func gaussianBlobs(_ n: Int, _ d: Int, clusters: Int, seed: UInt64) throws -> (Tensor, Tensor) {
    let x = try Tensor.randn([n, d], seed: seed)
    var labels = [Float](repeating: 0, count: n)
    for i in 0..<n {
        let c = i % clusters
        labels[i] = Float(c)
        let angle = 2 * Float.pi * Float(c) / Float(clusters)
        x.data[i * d] += 10 * cos(angle)
        x.data[i * d + 1] += 10 * sin(angle)
    }
    return (x, Tensor(shape: [n], data: labels))
}

@Test func perplexitySearchHitsTargetEntropy() throws {
    let x = try Tensor.randn([300, 6], seed: 3)
    for perplexity in [5.0, 30.0] {
        let r = try TSNE.conditionalAffinities(x, perplexity: perplexity)
        #expect(r.k == Int(3 * perplexity))
        for i in 0..<300 {
            var h = 0.0, s = 0.0
            for t in 0..<r.k { let p = r.p[i * r.k + t]; s += p; if p > 0 { h -= p * log(p) } }
            #expect(abs(s - 1) < 1e-12)
            #expect(abs(h - log(perplexity)) < 1e-5, "row \(i): entropy \(h) vs \(log(perplexity))")
            // log2 form of the same statement
            #expect(abs(h / log(2) - log2(perplexity)) < 1e-5)
        }
    }
}

@Test func neighboursAreExact() throws {
    let x = try Tensor.randn([120, 5], seed: 9)
    let r = try TSNE.conditionalAffinities(x, perplexity: 10)
    for i in [0, 17, 119] {
        var all: [(Double, Int)] = []
        for j in 0..<120 where j != i {
            var s = 0.0
            for a in 0..<5 { let v = Double(x.data[i * 5 + a]) - Double(x.data[j * 5 + a]); s += v * v }
            all.append((s, j))
        }
        all.sort { $0.0 < $1.0 }
        #expect(Array(r.indices[(i * r.k)..<((i + 1) * r.k)]) == all.prefix(r.k).map { $0.1 })
    }
}

@Test func symmetricAffinitiesSumToOne() throws {
    let x = try Tensor.randn([200, 4], seed: 1)
    let p = try TSNE.affinities(x, perplexity: 20)
    #expect(abs(p.sum - 1) < 1e-12)
    for i in stride(from: 0, to: 200, by: 7) {
        for e in p.rowStart[i]..<p.rowStart[i + 1] {
            let j = p.columns[e]
            #expect(j != i)
            #expect(p.values[e] == p.value(j, i))
        }
    }
}

@Test func exactGradientMatchesFiniteDifferences() throws {
    let x = try Tensor.randn([25, 4], seed: 5)
    let p = try TSNE.affinities(x, perplexity: 5)
    let y0 = try Tensor.randn([25, 2], seed: 6).data.map(Double.init)
    let g = TSNE.gradient(y0, dims: 2, p: p, method: .exact)
    let h = 1e-5
    var worst = 0.0
    for t in y0.indices {
        var yp = y0, ym = y0
        yp[t] += h; ym[t] -= h
        let fd = (TSNE.klDivergence(yp, dims: 2, p: p) - TSNE.klDivergence(ym, dims: 2, p: p)) / (2 * h)
        worst = max(worst, abs(fd - g[t]) / max(1e-3, abs(g[t])))
    }
    #expect(worst < 1e-5, "worst relative error \(worst)")
    // 3-D too
    let y3 = try Tensor.randn([25, 3], seed: 7).data.map(Double.init)
    let g3 = TSNE.gradient(y3, dims: 3, p: p, method: .exact)
    for t in stride(from: 0, to: y3.count, by: 5) {
        var yp = y3, ym = y3
        yp[t] += h; ym[t] -= h
        let fd = (TSNE.klDivergence(yp, dims: 3, p: p) - TSNE.klDivergence(ym, dims: 3, p: p)) / (2 * h)
        #expect(abs(fd - g3[t]) <= 1e-5 * max(1e-3, abs(g3[t])))
    }
}

@Test func barnesHutWithThetaZeroEqualsExact() throws {
    let (x, _) = try gaussianBlobs(300, 5, clusters: 4, seed: 2)
    let p = try TSNE.affinities(x, perplexity: 15)
    let y = try Tensor.randn([300, 2], seed: 4).data.map { Double($0) * 3 }
    let exact = TSNE.gradient(y, dims: 2, p: p, exaggeration: 12, method: .exact)
    let bh0 = TSNE.gradient(y, dims: 2, p: p, exaggeration: 12, method: .bh, theta: 0)
    let scale = exact.map(abs).max()!
    for t in y.indices { #expect(abs(exact[t] - bh0[t]) <= 1e-12 * scale) }
    // θ = 0.5 is an approximation, but a close one
    let bh = TSNE.gradient(y, dims: 2, p: p, exaggeration: 12, method: .bh, theta: 0.5)
    var err = 0.0, norm = 0.0
    for t in y.indices { err += (exact[t] - bh[t]) * (exact[t] - bh[t]); norm += exact[t] * exact[t] }
    #expect((err / norm).squareRoot() < 0.05)
}

@Test func seededRunsAreBitIdentical() throws {
    let (x, _) = try gaussianBlobs(240, 6, clusters: 3, seed: 8)
    for (method, initialization) in [(TSNEMethod.bh, TSNEInit.random), (.exact, .pca)] {
        var o = TSNEOptions()
        o.iterations = 120; o.earlyIterations = 50; o.method = method; o.initialization = initialization; o.seed = 11
        let a = try TSNE.run(x, options: o), b = try TSNE.run(x, options: o)
        #expect(a.embedding.shape == [240, 2])
        #expect(a.embedding.data.map(\.bitPattern) == b.embedding.data.map(\.bitPattern))
        #expect(a.kl.bitPattern == b.kl.bitPattern)
        #expect(a.kl.isFinite && a.kl > 0)
    }
    var o = TSNEOptions()
    o.iterations = 60; o.earlyIterations = 20; o.initialization = .random
    o.seed = 1
    let s1 = try TSNE.run(x, options: o)
    o.seed = 2
    let s2 = try TSNE.run(x, options: o)
    #expect(s1.embedding.data != s2.embedding.data)
}

@Test func progressAndStopping() throws {
    let (x, _) = try gaussianBlobs(150, 4, clusters: 3, seed: 1)
    var o = TSNEOptions()
    o.iterations = 300; o.earlyIterations = 100
    var seen: [Int] = []
    let r = try TSNE.run(x, options: o, progress: { it, kl, t, emb in
        seen.append(it)
        #expect(kl.isFinite && t >= 0 && emb.shape == [150, 2])
        return it >= 150
    })
    #expect(seen == [50, 100, 150])
    #expect(r.iterations == 150 && r.stoppedEarly)
    var polls = 0
    let s = try TSNE.run(x, options: o, shouldStop: { polls += 1; return polls > 30 })
    #expect(s.iterations == 30 && s.stoppedEarly && s.embedding.shape == [150, 2])
    // three dimensions: Barnes–Hut with an octree
    o.dims = 3; o.iterations = 80; o.method = .bh
    let d3 = try TSNE.run(x, options: o)
    #expect(d3.embedding.shape == [150, 3] && d3.method == .bh)
    // four: exact
    o.dims = 4
    let d4 = try TSNE.run(x, options: o)
    #expect(d4.embedding.shape == [150, 4] && d4.method == .exact)
}

@Test func qualityMeasures() throws {
    // an embedding equal to the data is perfectly trustworthy
    let (x, labels) = try gaussianBlobs(200, 2, clusters: 4, seed: 3)
    #expect(try EmbeddingQuality.trustworthiness(x, x, k: 10) == 1)
    #expect(try EmbeddingQuality.knnAccuracy(x, labels: labels, k: 10) > 0.95)
    // a random embedding is not
    let noise = try Tensor.randn([200, 2], seed: 99)
    #expect(try EmbeddingQuality.trustworthiness(x, noise, k: 10) < 0.7)
    // ties go to the smallest label: 4 points on a line, k = 2
    let line = Tensor(shape: [4, 1], data: [0, 1, 2, 3])
    let lab = Tensor(shape: [4], data: [1, 0, 1, 0])
    // 0: nbrs {1, 2} → labels 0,1 tie → 0 (wrong); 1: {0, 2} → 1,1 → 1 (wrong)
    // 2: {1, 3} → 0,0 → 0 (wrong); 3: {2, 1} → 1,0 tie → 0 (right)
    #expect(try EmbeddingQuality.knnAccuracy(line, labels: lab, k: 2) == 0.25)
}

@Test func digitsSubsampleEmbedsWell() throws {
    let ds = try Dataset.digits()
    let idx = Array(stride(from: 0, to: 1797, by: 3))  // 599 points, all classes
    let sub = ds.select(idx)
    var o = TSNEOptions()
    o.iterations = 500; o.method = .bh
    let r = try TSNE.run(sub.x, options: o)
    let trust = try EmbeddingQuality.trustworthiness(sub.x, r.embedding, k: 10)
    let acc = try EmbeddingQuality.knnAccuracy(r.embedding, labels: sub.y, k: 10)
    #expect(trust >= 0.97, "trustworthiness \(trust)")
    #expect(acc >= 0.93, "10-NN accuracy \(acc)")
    #expect(r.kl > 0 && r.kl < 1.5, "KL \(r.kl)")
    print("digits subsample (599): trustworthiness \(trust), 10-NN \(acc), KL \(r.kl)")
}

@Test func transformPlacesNewPointsIntoAFixedMap() throws {
    let ds = try Dataset.digits()
    let train = ds.select(Array(stride(from: 0, to: 1500, by: 4)))   // 375 reference points
    let test = ds.select(Array(stride(from: 1501, to: 1797, by: 2)))  // 148 new points
    var o = TSNEOptions()
    o.iterations = 400; o.method = .bh
    let r = try TSNE.run(train.x, options: o)
    let before = r.embedding.data
    let placed = try TSNE.transform(test.x, reference: train.x, embedding: r.embedding)
    #expect(placed.shape == [148, 2])
    #expect(r.embedding.data == before)
    let again = try TSNE.transform(test.x, reference: train.x, embedding: r.embedding)
    #expect(placed.data.map(\.bitPattern) == again.data.map(\.bitPattern))
    // classify each placed point by its 10 nearest reference points in the map
    var correct = 0
    for i in 0..<test.count {
        var d: [(Float, Int)] = []
        for j in 0..<train.count {
            let a = placed.data[2 * i] - r.embedding.data[2 * j], b = placed.data[2 * i + 1] - r.embedding.data[2 * j + 1]
            d.append((a * a + b * b, j))
        }
        d.sort { $0.0 < $1.0 || ($0.0 == $1.0 && $0.1 < $1.1) }
        var votes = [Int](repeating: 0, count: 10)
        for t in 0..<10 { votes[Int(train.y.data[d[t].1])] += 1 }
        var best = 0
        for c in 0..<10 where votes[c] > votes[best] { best = c }
        if best == Int(test.y.data[i]) { correct += 1 }
    }
    let acc = Double(correct) / Double(test.count)
    print("transform: 10-NN accuracy of placed points \(acc)")
    #expect(acc >= 0.85, "accuracy of placed points \(acc)")
    // exact repulsion (θ = 0) lands close to the Barnes–Hut placement
    var exact = TransformOptions()
    exact.theta = 0
    let placedExact = try TSNE.transform(test.x, reference: train.x, embedding: r.embedding, options: exact)
    var far = 0
    for i in 0..<test.count {
        let a = placed.data[2 * i] - placedExact.data[2 * i], b = placed.data[2 * i + 1] - placedExact.data[2 * i + 1]
        if (a * a + b * b).squareRoot() > 1 { far += 1 }
    }
    #expect(far <= test.count / 10)
}

@Test func duplicatePointsAndTinyInputs() throws {
    // many identical rows: uniform affinities where all neighbours coincide, no NaN
    var data = [Float](repeating: 0, count: 60 * 3)
    for i in 30..<60 { data[i * 3] = Float(i % 5) }
    let x = Tensor(shape: [60, 3], data: data)
    var o = TSNEOptions()
    o.iterations = 100; o.earlyIterations = 50; o.perplexity = 5
    for method in [TSNEMethod.exact, .bh] {
        o.method = method
        let r = try TSNE.run(x, options: o)
        let finite = r.embedding.data.allSatisfy { $0.isFinite }
        #expect(finite)
        #expect(r.kl.isFinite)
    }
    // two and three points
    for n in [2, 3] {
        let r = try TSNE.run(try Tensor.randn([n, 4], seed: 1), options: o)
        let finite = r.embedding.data.allSatisfy { $0.isFinite }
        #expect(r.embedding.shape == [n, 2] && finite)
    }
    #expect(throws: TSNEError.self) { try TSNE.run(Tensor(shape: [1, 3], data: [1, 2, 3])) }
    #expect(throws: TSNEError.self) { try TSNE.run(Tensor(shape: [2, 2], data: [1, .nan, 3, 4])) }
}

@Test func parallelTreeBuildIsExactAndDeterministic() throws {
    // N ≥ 1000: the quadtree's subtrees are built in parallel and merged
    let (x, _) = try gaussianBlobs(1200, 3, clusters: 5, seed: 12)
    let p = try TSNE.affinities(x, perplexity: 10)
    let y = try Tensor.randn([1200, 2], seed: 13).data.map { Double($0) * 5 }
    let exact = TSNE.gradient(y, dims: 2, p: p, method: .exact)
    let bh0 = TSNE.gradient(y, dims: 2, p: p, method: .bh, theta: 0)
    let scale = exact.map(abs).max()!
    var worst = 0.0
    for t in y.indices { worst = max(worst, abs(exact[t] - bh0[t])) }
    #expect(worst <= 1e-12 * scale)
    let a = TSNE.gradient(y, dims: 2, p: p, method: .bh, theta: 0.5)
    for _ in 0..<3 {
        let b = TSNE.gradient(y, dims: 2, p: p, method: .bh, theta: 0.5)
        #expect(a.map(\.bitPattern) == b.map(\.bitPattern))
    }
}

@Test func octreeWithThetaZeroEqualsExact() throws {
    let (x, _) = try gaussianBlobs(300, 5, clusters: 4, seed: 21)
    let p = try TSNE.affinities(x, perplexity: 15)
    let y = try Tensor.randn([300, 3], seed: 22).data.map { Double($0) * 3 }
    let exact = TSNE.gradient(y, dims: 3, p: p, exaggeration: 4, method: .exact)
    let bh0 = TSNE.gradient(y, dims: 3, p: p, exaggeration: 4, method: .bh, theta: 0)
    let scale = exact.map(abs).max()!
    for t in y.indices { #expect(abs(exact[t] - bh0[t]) <= 1e-12 * scale) }
    let bh = TSNE.gradient(y, dims: 3, p: p, exaggeration: 4, method: .bh, theta: 0.5)
    var err = 0.0, norm = 0.0
    for t in y.indices { err += (exact[t] - bh[t]) * (exact[t] - bh[t]); norm += exact[t] * exact[t] }
    #expect((err / norm).squareRoot() < 0.05)
    // duplicate points do not break the tree
    var dup = y
    for i in 0..<50 { for a in 0..<3 { dup[3 * (i + 50) + a] = dup[3 * i + a] } }
    let g = TSNE.gradient(dup, dims: 3, p: p, method: .bh, theta: 0.5)
    #expect(g.allSatisfy { $0.isFinite })
}
