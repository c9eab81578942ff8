import Testing
@testable import TxAnalysis

@Suite("Special functions and metrics against SciPy")
struct SpecialFunctionTests {
    @Test func incompleteBeta() {
        // special.betainc(2.5, 3.5, 0.3), betainc(100, 120, 0.5), betainc(0.5, 10, 0.01), betaincc(50, 50, 0.7)
        #expect(close(Special.incompleteBeta(2.5, 3.5, 0.3), 0.29675298929566646, rel: 1e-13))
        #expect(close(Special.incompleteBeta(100, 120, 0.5), 0.9117960627949818, rel: 1e-12))
        #expect(close(Special.incompleteBeta(0.5, 10, 0.01), 0.3420718248432154, rel: 1e-13))
        #expect(close(Special.incompleteBetaComplement(50, 50, 0.7), 1.5547799761443383e-05, rel: 1e-11))
        #expect(Special.incompleteBeta(2, 3, 0) == 0 && Special.incompleteBeta(2, 3, 1) == 1)
    }

    @Test func studentT() {
        // stats.t.sf(2.5, 7), t.sf(0.3, 3.5), t.sf(12., 50), t.cdf(-1.2, 1)
        #expect(close(Special.studentTSF(2.5, df: 7), 0.020496109292876444, rel: 1e-12))
        #expect(close(Special.studentTSF(0.3, df: 3.5), 0.3905667049199448, rel: 1e-12))
        #expect(close(Special.studentTSF(12, df: 50), 1.2311903126662716e-16, rel: 1e-10))
        #expect(close(Special.studentTCDF(-1.2, df: 1), 0.22114206162369554, rel: 1e-12))
    }

    @Test func normal() {
        // special.ndtri(0.975), ndtri(1e-10), ndtri(0.3), ndtr(-8.5)
        #expect(close(Special.normalQuantile(0.975), 1.959963984540054, rel: 1e-15))
        #expect(close(Special.normalQuantile(1e-10), -6.361340902404056, rel: 1e-14))
        #expect(close(Special.normalQuantile(0.3), -0.5244005127080409, rel: 1e-14))
        #expect(close(Special.normalCDF(-8.5), 9.47953482220325e-18, rel: 1e-13))
        for p in [1e-300, 1e-20, 0.01, 0.2, 0.5, 0.7, 0.99, 1 - 1e-12] {
            #expect(close(Special.normalCDF(Special.normalQuantile(p)), p, rel: 1e-12), "\(p)")
        }
    }

    @Test func logit() {
        // special.logit([0.761, 0.5, 0.45, 0.01, 0.999, 0, 1])
        #expect(close(Metrics.logit(0.761), 1.1581698059301753, rel: 1e-14))
        #expect(Metrics.logit(0.5) == 0)
        #expect(close(Metrics.logit(0.45), -0.2006706954621511, rel: 1e-14))
        #expect(close(Metrics.logit(0.01), -4.59511985013459, rel: 1e-14))
        #expect(close(Metrics.logit(0.999), 6.906754778648553, rel: 1e-13))
        #expect(Metrics.logit(0) == -.infinity && Metrics.logit(1) == .infinity)
        #expect(Metrics.logit(1.5).isNaN && Metrics.logit(-0.1).isNaN)
        #expect(close(Metrics.expit(Metrics.logit(0.3)), 0.3, rel: 1e-15))
    }

    @Test func accuracyAndConfusion() throws {
        let pred = [0, 1, 2, 2, 1, 0], y = [0, 1, 1, 2, 1, 2]
        #expect(try Metrics.accuracy(pred, y) == 4.0 / 6)
        // sklearn.metrics.confusion_matrix(y, pred): rows true, columns predicted
        #expect(try Metrics.confusion(pred, y) == [[1, 0, 0], [0, 2, 1], [1, 0, 1]])
        #expect(try Metrics.confusion([0], [0], classes: 2) == [[1, 0], [0, 0]])
        #expect(throws: StatsError.self) { try Metrics.accuracy([1, 2], [1]) }
        #expect(throws: StatsError.self) { try Metrics.confusion([-1], [0]) }
    }
}
