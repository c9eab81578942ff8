import Testing
@testable import TxAnalysis

@Suite("Bootstrap")
struct BootstrapTests {
    let hx: [Double] = [44.4, 45.9, 41.9, 53.3, 44.7, 44.1, 50.7, 45.2, 60.1]
    let hy: [Double] = [2.6, 3.1, 2.5, 5.0, 3.6, 4.0, 5.2, 2.8, 3.8]

    /// SciPy's private `_bca_interval` on a fixed bootstrap distribution, so the
    /// BCa arithmetic is checked exactly (no random numbers involved):
    ///
    ///     from scipy.stats._resampling import _bca_interval
    ///     import scipy._lib.array_api_compat.numpy as xpn
    ///     def stat(i, axis=-1): ...Pearson r of hx[i], hy[i] along the last axis...
    ///     r = stat(np.arange(9)); theta = r + 0.15 * np.sin(np.arange(200) * 1.3)
    ///     a1, a2, ahat = _bca_interval((np.arange(9),), stat, -1, 0.025, theta, None, xpn)
    ///     np.percentile(theta, a1*100), np.percentile(theta, a2*100)
    ///     np.percentile(theta, 2.5), np.percentile(theta, 97.5), np.std(theta, ddof=1)
    @Test func bcaArithmeticMatchesSciPy() throws {
        let r = try Correlation.coefficient(.pearson, hx, hy)
        #expect(close(r, 0.5711815575638286, rel: 1e-14))
        let theta = (0..<200).map { r + 0.15 * sin(Double($0) * 1.3) }
        let (a1, a2) = try Bootstrap.bcaLevels(hx, hy, estimate: r, theta: theta, alpha: 0.025) {
            try Correlation.coefficient(.pearson, $0, $1)
        }
        #expect(close(a1, 0.006067143107292953, rel: 1e-10))
        #expect(close(a2, 0.9431456118269619, rel: 1e-10))
        let sorted = theta.sorted()
        #expect(close(Bootstrap.percentile(sorted, a1), 0.4214162201040549, rel: 1e-10))
        #expect(close(Bootstrap.percentile(sorted, a2), 0.7191030814456575, rel: 1e-10))
        #expect(close(Bootstrap.percentile(sorted, 0.025), 0.42144511511280136, rel: 1e-12))
        #expect(close(Bootstrap.percentile(sorted, 0.975), 0.7209703636980668, rel: 1e-12))
        #expect(close(Descriptive.std(theta), 0.10624318159288461, rel: 1e-12))
    }

    /// A real bootstrap agrees with SciPy's to Monte Carlo error:
    ///
    ///     stats.bootstrap((x40, y40), lambda a, b, axis=-1: stats.spearmanr(a, b).statistic,
    ///                     paired=True, vectorized=False, n_resamples=99999, method=m,
    ///                     rng=np.random.default_rng(0))
    ///     BCa (0.03829250382012227, 0.5975144162116874), percentile (0.04719593212839864,
    ///     0.6033944911365697), standard_error 0.14267785740649114
    @Test func spearmanBootstrapAgreesWithSciPy() throws {
        let stat: ([Double], [Double]) throws -> Double = { try Correlation.coefficient(.spearman, $0, $1) }
        let bca = try Bootstrap.paired(x40, y40, resamples: 2000, seed: 1, method: .bca, statistic: stat)
        #expect(abs(bca.ci.lower - 0.03829250382012227) < 0.03 && abs(bca.ci.upper - 0.5975144162116874) < 0.03,
                "\(bca.ci)")
        #expect(abs(bca.se - 0.14267785740649114) < 0.01)
        #expect(close(bca.estimate, 0.34934333958724206, rel: 1e-13))
        let pct = try Bootstrap.paired(x40, y40, resamples: 2000, seed: 1, method: .percentile, statistic: stat)
        #expect(abs(pct.ci.lower - 0.04719593212839864) < 0.03 && abs(pct.ci.upper - 0.6033944911365697) < 0.03,
                "\(pct.ci)")
        // Same seed, same resamples: the two methods share the distribution.
        #expect(pct.distribution == bca.distribution && pct.se == bca.se)
    }

    @Test func seededRunsAreIdentical() throws {
        let stat: ([Double], [Double]) throws -> Double = { try Correlation.coefficient(.pearson, $0, $1) }
        let a = try Bootstrap.paired(x40, y40, resamples: 500, seed: 42, statistic: stat)
        let b = try Bootstrap.paired(x40, y40, resamples: 500, seed: 42, statistic: stat)
        let c = try Bootstrap.paired(x40, y40, resamples: 500, seed: 43, statistic: stat)
        #expect(a.distribution == b.distribution && a.ci == b.ci)
        #expect(a.distribution != c.distribution)
    }

    @Test func nanResamplesGiveAnUndefinedInterval() throws {
        // Three pairs: some resamples repeat one point, so r is NaN there.
        let r = try Bootstrap.paired([1, 2, 3], [1, 3, 2], resamples: 200, seed: 0) {
            try Correlation.coefficient(.pearson, $0, $1)
        }
        #expect(r.ci.lower.isNaN && r.warning != nil && close(r.estimate, 0.5, rel: 1e-15))
    }

    @Test func generatorIsUniform() {
        var rng = Xoshiro256(seed: 7)
        var counts = [Int](repeating: 0, count: 7)
        for _ in 0..<70_000 { counts[rng.next(below: 7)] += 1 }
        #expect(counts.allSatisfy { abs($0 - 10_000) < 500 })
    }

    @Test func errors() {
        #expect(throws: StatsError.self) { try Bootstrap.paired([1, 2], [1], statistic: { _, _ in 0 }) }
        #expect(throws: StatsError.self) { try Bootstrap.paired([1, 2], [1, 2], resamples: 1, statistic: { _, _ in 0 }) }
        struct Boom: Error {}
        #expect(throws: Boom.self) { try Bootstrap.paired([1, 2], [1, 2], resamples: 10, statistic: { _, _ in throw Boom() }) }
    }
}

#if canImport(Glibc)
import Glibc
#endif
