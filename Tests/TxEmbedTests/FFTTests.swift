import Foundation
import Testing
import TxData
import TxTensor
@testable import TxEmbed

/// Relative L2 error of `b` against `a`.
private func relativeError(_ a: [Double], _ b: [Double]) -> Double {
    var err = 0.0, norm = 0.0
    for t in a.indices { err += (a[t] - b[t]) * (a[t] - b[t]); norm += a[t] * a[t] }
    return (err / norm).squareRoot()
}

@Test func fftRepulsionMatchesExactRepulsion() throws {
    let n = 500
    // spread 8: a map ~55 wide, where interpolation (not the 50-box minimum) sets the error
    for (seed, spread) in [(UInt64(41), 2.0), (42, 8.0)] {
        let y = try Tensor.randn([n, 2], seed: seed).data.map { Double($0) * spread }
        var exact = [Double](repeating: 0, count: 2 * n)
        let zExact = y.withUnsafeBufferPointer { yp in exact.withUnsafeMutableBufferPointer { Gradient.exactRepulsive(yp, n, 2, $0) } }
        // enough interpolation points: error well below 1e-3 (measured 1e-4)
        var fine = FFTGridOptions()
        fine.pointsPerBox = 5; fine.maxBoxWidth = 0.5
        var approx = [Double](repeating: 0, count: 2 * n)
        let z = y.withUnsafeBufferPointer { yp in
            approx.withUnsafeMutableBufferPointer { FFTRepulsion(options: fine).repulsive(yp, n, $0) }
        }
        let e = relativeError(exact, approx)
        #expect(e < 1e-3, "spread \(spread): relative error \(e)")
        #expect(abs(z - zExact) / zExact < 1e-4, "spread \(spread): Z \(z) vs \(zExact)")
        // openTSNE's default grid (3 points per unit-wide box): a few percent on a sparse
        // cloud this wide (measured 0.03), 1.5e-4 when the 50-box minimum makes boxes narrow
        var coarse = [Double](repeating: 0, count: 2 * n)
        _ = y.withUnsafeBufferPointer { yp in coarse.withUnsafeMutableBufferPointer { FFTRepulsion().repulsive(yp, n, $0) } }
        #expect(relativeError(exact, coarse) < (spread < 4 ? 1e-3 : 5e-2))
    }
}

@Test func fftGradientMatchesExactGradient() throws {
    let x = try Tensor.randn([300, 5], seed: 44)
    let p = try TSNE.affinities(x, perplexity: 15)
    let y = try Tensor.randn([300, 2], seed: 45).data.map { Double($0) * 4 }
    var grid = FFTGridOptions()
    grid.pointsPerBox = 5
    let exact = TSNE.gradient(y, dims: 2, p: p, exaggeration: 12, method: .exact)
    let fft = TSNE.gradient(y, dims: 2, p: p, exaggeration: 12, method: .fft, grid: grid)
    #expect(relativeError(exact, fft) < 1e-3)
}

@Test func fftEmbedsDigitsWell() throws {
    let ds = try Dataset.digits()
    let sub = ds.select(Array(stride(from: 0, to: 1797, by: 2)))  // 899 points, all classes
    var o = TSNEOptions()
    o.iterations = 500; o.method = .fft
    let r = try TSNE.run(sub.x, options: o)
    #expect(r.method == .fft)
    let trust = try EmbeddingQuality.trustworthiness(sub.x, r.embedding, k: 10)
    let acc = try EmbeddingQuality.knnAccuracy(r.embedding, labels: sub.y, k: 10)
    #expect(trust >= 0.98, "trustworthiness \(trust)")
    #expect(acc >= 0.95, "10-NN accuracy \(acc)")
    #expect(r.kl > 0 && r.kl < 1.5, "KL \(r.kl)")
    print("digits subsample (899), fft: trustworthiness \(trust), 10-NN \(acc), KL \(r.kl)")
}

@Test func fftRunsAreBitIdenticalAndStoppable() throws {
    let x = try Tensor.randn([700, 6], seed: 46)
    var o = TSNEOptions()
    o.iterations = 100; o.earlyIterations = 40; o.method = .fft; o.seed = 3; o.initialization = .random
    let a = try TSNE.run(x, options: o), b = try TSNE.run(x, options: o)
    #expect(a.embedding.data.map(\.bitPattern) == b.embedding.data.map(\.bitPattern))
    #expect(a.kl.bitPattern == b.kl.bitPattern && a.kl.isFinite)
    var seen: [Int] = []
    let stopped = try TSNE.run(x, options: o, progress: { it, kl, _, _ in seen.append(it); #expect(kl.isFinite); return true })
    #expect(seen == [50] && stopped.iterations == 50 && stopped.stoppedEarly)
    var polls = 0
    let interrupted = try TSNE.run(x, options: o, shouldStop: { polls += 1; return polls > 7 })
    #expect(interrupted.iterations == 7 && interrupted.stoppedEarly)
}

@Test func fftNeedsTwoDimensions() throws {
    let x = try Tensor.randn([50, 4], seed: 47)
    var o = TSNEOptions()
    o.method = .fft; o.iterations = 10
    for dims in [1, 3] {
        o.dims = dims
        #expect(throws: TSNEError.self) { try TSNE.run(x, options: o) }
    }
    o.dims = 2
    o.grid.pointsPerBox = 0
    #expect(throws: TSNEError.self) { try TSNE.run(x, options: o) }
}

@Test func fftHandlesDegenerateMaps() throws {
    // 20 points in one spot: every w_ij = 1, so Z = 20·19 and no net force
    let same = [Double](repeating: 0.5, count: 40)
    var g = [Double](repeating: 0, count: 40)
    let z = same.withUnsafeBufferPointer { yp in g.withUnsafeMutableBufferPointer { FFTRepulsion().repulsive(yp, 20, $0) } }
    #expect(abs(z - 380) < 1e-3 * 380)
    #expect(g.allSatisfy { abs($0) < 1e-6 })
    // a diverged map gives NaN, not a trap
    var bad = same
    bad[3] = .nan; bad[8] = .infinity
    let zBad = bad.withUnsafeBufferPointer { yp in g.withUnsafeMutableBufferPointer { FFTRepulsion().repulsive(yp, 20, $0) } }
    #expect(!zBad.isFinite || g.contains { !$0.isFinite })
}
