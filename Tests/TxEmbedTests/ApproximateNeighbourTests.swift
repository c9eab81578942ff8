import Foundation
import Testing
import TxData
import TxTensor
@testable import TxEmbed

/// Fraction of the exact k-NN sets that the approximate search found.
private func recall(_ a: Neighbours, _ b: Neighbours) -> Double {
    var hits = 0
    for i in 0..<a.n {
        let truth = Set(b.indices[(i * b.k)..<((i + 1) * b.k)])
        for m in 0..<a.k where truth.contains(a.indices[i * a.k + m]) { hits += 1 }
    }
    return Double(hits) / Double(a.n * a.k)
}

/// `n` points in `d` dims around `clusters` random centres (spread 6) with unit noise.
private func clustered(_ n: Int, _ d: Int, clusters: Int, seed: UInt64) throws -> Tensor {
    let x = try Tensor.randn([n, d], seed: seed)
    let centres = try Tensor.randn([clusters, d], seed: seed + 1)
    for i in 0..<n { let c = (i * 7) % clusters; for a in 0..<d { x.data[i * d + a] += 6 * centres.data[c * d + a] } }
    return x
}

/// Every row: k neighbours, no self, no repeats, ascending Float64 distances that are the true ones.
private func checkWellFormed(_ x: Tensor, _ nb: Neighbours) {
    let n = x.shape[0], d = x.shape[1], k = nb.k
    for i in 0..<n {
        let row = Array(nb.indices[(i * k)..<((i + 1) * k)])
        #expect(!row.contains(i) && Set(row).count == k && row.allSatisfy { $0 >= 0 && $0 < n }, "row \(i)")
        for m in 0..<k {
            var s = 0.0
            for a in 0..<d { let v = Double(x.data[i * d + a]) - Double(x.data[row[m] * d + a]); s += v * v }
            #expect(nb.distances[i * k + m] == s)
            if m > 0 { #expect(nb.distances[i * k + m - 1] <= nb.distances[i * k + m]) }
        }
    }
}

@Test func approximateNeighboursHaveHighRecallOnClusters() throws {
    let x = try clustered(2000, 20, clusters: 12, seed: 41)
    let exact = try Affinities.exactKNN(x, k: 90)
    var o = ApproximateKNNOptions(); o.seed = 3
    let approx = try Affinities.approximateKNN(x, k: 90, options: o)
    let r = recall(approx, exact)
    #expect(r >= 0.95, "recall \(r)")
    checkWellFormed(x, approx)
    // from a poor start (2 trees) NN-descent still gets there, and does the work
    var few = o; few.trees = 2
    let joined = recall(try Affinities.approximateKNN(x, k: 90, options: few), exact)
    few.maxRounds = 0
    let treesOnly = recall(try Affinities.approximateKNN(x, k: 90, options: few), exact)
    #expect(joined >= 0.95 && treesOnly < joined - 0.05, "2 trees: recall \(treesOnly), after NN-descent \(joined)")
    print("clusters 2000×20, k = 90: recall \(r); 2 trees \(treesOnly), + NN-descent \(joined)")
}

@Test func approximateNeighboursHaveHighRecallOnUniformData() throws {
    let u = try Tensor.rand([2000, 8], seed: 8)
    let exact = try Affinities.exactKNN(u, k: 30)
    let approx = try Affinities.approximateKNN(u, k: 30)
    let r = recall(approx, exact)
    #expect(r >= 0.95, "recall \(r)")
    // the distances it keeps are never better than the true k-th
    for i in 0..<2000 { #expect(approx.distances[i * 30 + 29] >= exact.distances[i * 30 + 29]) }
}

@Test func approximateNeighboursAreDeterministic() throws {
    let x = try clustered(2500, 16, clusters: 6, seed: 5)
    var o = ApproximateKNNOptions(); o.seed = 17
    let a = try Affinities.approximateKNN(x, k: 45, options: o)
    let b = try Affinities.approximateKNN(x, k: 45, options: o)
    #expect(a.indices == b.indices && a.distances == b.distances)
    // another seed: other trees, still (nearly) the same answer
    o.seed = 18
    let c = try Affinities.approximateKNN(x, k: 45, options: o)
    #expect(recall(c, a) >= 0.95)
    // and seeded t-SNE runs with approximate neighbours stay bit-identical
    var t = TSNEOptions(); t.iterations = 60; t.earlyIterations = 20; t.neighbours = .approx; t.seed = 2
    let small = try clustered(400, 10, clusters: 4, seed: 9)
    let r1 = try TSNE.run(small, options: t), r2 = try TSNE.run(small, options: t)
    #expect(r1.embedding.data == r2.embedding.data && r1.kl == r2.kl)
}

@Test func approximateNeighboursOnTinyAndDegenerateInput() throws {
    // N ≤ k + 1: every other point is a neighbour; the exact search answers
    let five = try Tensor.randn([5, 3], seed: 1)
    let nb5 = try Affinities.approximateKNN(five, k: 4)
    #expect(nb5.indices.count == 20)
    checkWellFormed(five, nb5)
    #expect(try Affinities.approximateKNN(five, k: 4).indices == Affinities.exactKNN(five, k: 4).indices)
    // a few points more than k
    let ten = try Tensor.randn([10, 2], seed: 2)
    let nb10 = try Affinities.approximateKNN(ten, k: 7)
    checkWellFormed(ten, nb10)
    #expect(recall(nb10, try Affinities.exactKNN(ten, k: 7)) == 1)
    // every point three times: the two copies come first, at distance 0
    let base = try Tensor.randn([300, 6], seed: 3)
    let dup = Tensor(shape: [900, 6], data: base.data + base.data + base.data)
    let nbd = try Affinities.approximateKNN(dup, k: 20)
    checkWellFormed(dup, nbd)
    for i in 0..<900 {
        #expect(nbd.distances[i * 20] == 0 && nbd.distances[i * 20 + 1] == 0)
        #expect(Set(nbd.indices[(i * 20)..<(i * 20 + 2)]) == Set([0, 300, 600].map { $0 + i % 300 }).subtracting([i]))
    }
    // all points equal: any k others, all at distance 0, and t-SNE still runs
    let same = Tensor(shape: [200, 4], data: [Float](repeating: 1.5, count: 800))
    let nbs = try Affinities.approximateKNN(same, k: 30)
    checkWellFormed(same, nbs)
    #expect(nbs.distances.allSatisfy { $0 == 0 })
    var t = TSNEOptions(); t.iterations = 20; t.earlyIterations = 10; t.neighbours = .approx
    let e = try TSNE.run(same, options: t)
    #expect(e.embedding.data.allSatisfy { $0.isFinite })
    // the public entry point checks k
    #expect(throws: TSNEError.self) { try TSNE.nearestNeighbours(five, k: 5, search: .approx) }
    #expect(throws: TSNEError.self) { try TSNE.nearestNeighbours(five, k: 0) }
}

@Test func tsneWithApproximateNeighboursKeepsItsQuality() throws {
    let ds = try Dataset.digits()
    let sub = ds.select(Array(stride(from: 0, to: 1797, by: 3)))  // 599 points: k = 90 < N − 1
    var o = TSNEOptions()
    o.iterations = 500; o.method = .bh
    o.neighbours = .exact
    let exact = try TSNE.run(sub.x, options: o)
    o.neighbours = .approx
    let approx = try TSNE.run(sub.x, options: o)
    let te = try EmbeddingQuality.trustworthiness(sub.x, exact.embedding, k: 10)
    let ta = try EmbeddingQuality.trustworthiness(sub.x, approx.embedding, k: 10)
    #expect(abs(ta - te) <= 0.005, "trustworthiness exact \(te), approximate \(ta)")
    #expect(abs(approx.kl - exact.kl) <= 0.02 * exact.kl, "KL exact \(exact.kl), approximate \(approx.kl)")
    print("digits subsample (599): trustworthiness exact \(te) approx \(ta), KL \(exact.kl) / \(approx.kl)")
}
