import Testing
@testable import TxAnalysis

/// |a − b| ≤ rel·|b| (or both NaN, or equal infinities).
func close(_ a: Double, _ b: Double, rel: Double = 1e-10, abs absTol: Double = 0) -> Bool {
    if a.isNaN && b.isNaN { return true }
    if a == b { return true }
    return abs(a - b) <= max(rel * abs(b), absTol)
}

/// Reference values were computed with SciPy 1.17.1 (NumPy 2.x) by this script
/// (abridged; the full snippet is next to each data set):
///
///     from scipy import stats
///     def show(x, y):
///         p = stats.pearsonr(x, y); ci = p.confidence_interval()
///         s = stats.spearmanr(x, y); k = stats.kendalltau(x, y)
///         print(p.statistic, p.pvalue, ci.low, ci.high, s.statistic, s.pvalue, k.statistic, k.pvalue)
struct Reference {
    let name: String
    let x: [Double], y: [Double]
    let pearson: (r: Double, p: Double, lo: Double, hi: Double)
    let spearman: (r: Double, p: Double)
    let kendall: (r: Double, p: Double)
    /// Which Kendall p-value method SciPy's 'auto' picks.
    let kendallMethod: String
}

let trig: (x: [Double], y: [Double]) = {
    // i = np.arange(500.0); x = np.sin(i); y = 0.2 * x + np.cos(3 * i)
    let x = (0..<500).map { sin(Double($0)) }
    let y = (0..<500).map { 0.2 * x[$0] + cos(3 * Double($0)) }
    return (x, y)
}()

let references: [Reference] = [
    // SciPy's pearsonr docstring example: show([1, 2, 3, 4, 5, 6, 7], [10, 9, 2.5, 6, 4, 3, 2])
    Reference(name: "scipy pearsonr docs", x: [1, 2, 3, 4, 5, 6, 7], y: [10, 9, 2.5, 6, 4, 3, 2],
              pearson: (-0.8285038835884277, 0.021280260007523342, -0.9739212552869811, -0.20060647400568454),
              spearman: (-0.7857142857142859, 0.03623846267982715),
              kendall: (-0.7142857142857143, 0.03015873015873016), kendallMethod: "exact"),
    // SciPy's spearmanr docstring example: show([1, 2, 3, 4, 5], [5, 6, 7, 8, 7])
    Reference(name: "scipy spearmanr docs", x: [1, 2, 3, 4, 5], y: [5, 6, 7, 8, 7],
              pearson: (0.8320502943378436, 0.0805095732984986, -0.18884637201382123, 0.9885972938541849),
              spearman: (0.8207826816681233, 0.08858700531354384),
              kendall: (0.7378647873726218, 0.07697417298126674), kendallMethod: "asymptotic"),
    // SciPy's kendalltau docstring example: show([12, 2, 1, 12, 2], [1, 4, 7, 1, 0])
    Reference(name: "scipy kendalltau docs", x: [12, 2, 1, 12, 2], y: [1, 4, 7, 1, 0],
              pearson: (-0.5566399985665696, 0.32978798042638324, -0.9649935012650155, 0.6398693003949079),
              spearman: (-0.5407380704358752, 0.3467146139768868),
              kendall: (-0.4714045207910316, 0.28274545993277467), kendallMethod: "asymptotic"),
    // R's ?cor.test example (Hollander & Wolfe 1973, p. 187): R prints
    // cor 0.5711816, t = 1.8411, df = 7, p = 0.1082, 95% CI -0.1497426 0.8955795;
    // Kendall T = 26, tau 0.4444444 (exact; two-sided p = 2 × 0.05972).
    // SciPy's values (show(x, y)) agree and have more digits:
    Reference(name: "R cor.test (Hollander & Wolfe)",
              x: [44.4, 45.9, 41.9, 53.3, 44.7, 44.1, 50.7, 45.2, 60.1],
              y: [2.6, 3.1, 2.5, 5.0, 3.6, 4.0, 5.2, 2.8, 3.8],
              pearson: (0.5711815575638288, 0.10817305434949381, -0.14974263303675717, 0.8955794618387394),
              spearman: (0.6, 0.08762282904140249),
              kendall: (0.4444444444444444, 0.11943893298059964), kendallMethod: "exact"),
    // rng = np.random.default_rng(12345); x = rng.normal(size=40); y = 0.3 * x + rng.normal(size=40),
    // rounded to 6 decimals; show(x, y)
    Reference(name: "normal n = 40", x: x40, y: y40,
              pearson: (0.36380573599561816, 0.021018359578354587, 0.05898059191239862, 0.6065728575508748),
              spearman: (0.34934333958724206, 0.02713884749824425),
              kendall: (0.258974358974359, 0.01859715860674969), kendallMethod: "asymptotic"),
    // show(x[:30], y[:30])
    Reference(name: "normal n = 30", x: Array(x40[..<30]), y: Array(y40[..<30]),
              pearson: (0.33262704419834466, 0.07249564860271572, -0.031405688023219094, 0.6187483776123694),
              spearman: (0.31790878754171303, 0.08689569231081333),
              kendall: (0.25057471264367814, 0.05344665404681454), kendallMethod: "exact"),
    // Integers with many ties: xt = rng.integers(0, 5, size=60); yt = xt + rng.integers(0, 4, size=60)
    // (same rng, continued); show(xt, yt)
    Reference(name: "ties n = 60", x: xt60, y: yt60,
              pearson: (0.7793466709797326, 2.2244401689399387e-13, 0.6550541536652259, 0.8625723063713826),
              spearman: (0.779977922337125, 2.066675630822903e-13),
              kendall: (0.6710469437696571, 5.927514461423067e-11), kendallMethod: "asymptotic"),
    // show(x[:33], y[:33]) with the trig data: the largest n SciPy's Kendall treats exactly
    Reference(name: "trig n = 33", x: Array(trig.x[..<33]), y: Array(trig.y[..<33]),
              pearson: (0.16985321782921675, 0.3446584229660237, -0.18419668171137074, 0.484887394459751),
              spearman: (0.2165775401069519, 0.22604742780194953),
              kendall: (0.13636363636363638, 0.2736433388865907), kendallMethod: "exact"),
    // show(x[:34], y[:34]): one more and Kendall is asymptotic
    Reference(name: "trig n = 34", x: Array(trig.x[..<34]), y: Array(trig.y[..<34]),
              pearson: (0.17720162917743032, 0.3160689341187547, -0.171224438263785, 0.486230676776162),
              spearman: (0.2161955691367456, 0.21942439895810825),
              kendall: (0.13725490196078433, 0.2536693418121705), kendallMethod: "asymptotic"),
    // show(x, y) with all 500 points
    Reference(name: "trig n = 500", x: trig.x, y: trig.y,
              pearson: (0.19502034164581616, 1.1225374641131415e-05, 0.1091971840041012, 0.2779574542405772),
              spearman: (0.2132999891999568, 1.486110632690789e-06),
              kendall: (0.14420841683366734, 1.4354167603364411e-06), kendallMethod: "asymptotic"),
    // show(x[:200], x[:200] + 0.1*np.cos(3*i[:200])): tiny p-values
    Reference(name: "trig strong n = 200", x: Array(trig.x[..<200]),
              y: (0..<200).map { trig.x[$0] + 0.1 * cos(3 * Double($0)) },
              pearson: (0.9950093641927245, 3.691398902619845e-200, 0.9934067724151533, 0.9962231578743097),
              spearman: (0.9892582314557865, 2.5388117537105203e-167),
              kendall: (0.9235175879396984, 5.155634333704441e-84), kendallMethod: "asymptotic"),
]

let x40: [Double] = [-1.423825, 1.263728, -0.870662, -0.259173, -0.075343, -0.740885, -1.367793, 0.648893, 0.361058,
    -1.952863, 2.34741, 0.968497, -0.759387, 0.902198, -0.466953, -0.06069, 0.788844, -1.256668, 0.575858, 1.398979,
    1.322298, -0.299699, 0.902919, -1.621583, -0.158189, 0.449484, -1.343601, -0.081688, 1.72474, 2.618159, 0.777361,
    0.828633, -0.958988, -1.209388, -1.412292, 0.541547, 0.751939, -0.65876, -1.228675, 0.257558]
let y40: [Double] = [-0.114245, 0.248307, 1.008785, -0.170714, -0.088754, -1.33048, -0.274381, 1.541746, 0.169461,
    -0.514944, 1.137877, 0.568033, 0.302436, 0.80738, 0.478264, -0.813224, 0.536684, -1.979702, 0.439556, -0.84193,
    0.325419, 0.38414, -0.143978, -0.388758, -1.687875, -0.722414, 0.285201, -1.179036, 1.167874, -0.602912, -0.674174,
    -0.846835, -0.280551, 0.171543, -1.489495, -0.019009, 1.847534, -0.51502, -1.184417, 0.463846]
let xt60: [Double] = [0, 3, 0, 0, 4, 1, 2, 3, 4, 0, 4, 4, 3, 2, 1, 3, 3, 1, 3, 0, 1, 0, 1, 1, 4, 4, 4, 4, 3, 2, 2, 1, 2,
    1, 3, 4, 0, 0, 1, 2, 2, 0, 0, 1, 2, 3, 2, 1, 2, 2, 4, 1, 1, 2, 0, 1, 0, 1, 0, 1]
let yt60: [Double] = [1, 3, 1, 1, 4, 4, 5, 6, 4, 0, 7, 7, 6, 2, 3, 5, 4, 4, 6, 0, 3, 1, 4, 2, 7, 5, 6, 6, 4, 2, 5, 2, 3,
    4, 3, 4, 1, 1, 4, 3, 4, 3, 1, 4, 5, 5, 2, 2, 2, 4, 4, 2, 1, 5, 1, 3, 0, 4, 1, 4]

#if canImport(Glibc)
import Glibc
#endif

@Suite("Correlation against SciPy and R")
struct CorrelationTests {
    @Test(arguments: references.indices)
    func pearson(_ i: Int) throws {
        let ref = references[i]
        let r = try Correlation.pearson(ref.x, ref.y)
        #expect(close(r.r, ref.pearson.r, rel: 1e-13), "\(ref.name): r \(r.r) vs \(ref.pearson.r)")
        #expect(close(r.p, ref.pearson.p, rel: 1e-10), "\(ref.name): p \(r.p) vs \(ref.pearson.p)")
        #expect(close(r.ci.lower, ref.pearson.lo, rel: 1e-12), "\(ref.name): ci \(r.ci.lower) vs \(ref.pearson.lo)")
        #expect(close(r.ci.upper, ref.pearson.hi, rel: 1e-12), "\(ref.name): ci \(r.ci.upper) vs \(ref.pearson.hi)")
        #expect(r.n == ref.x.count && r.warning == nil && r.pMethod == "exact beta")
    }

    @Test(arguments: references.indices)
    func spearman(_ i: Int) throws {
        let ref = references[i]
        let r = try Correlation.spearman(ref.x, ref.y)
        #expect(close(r.r, ref.spearman.r, rel: 1e-13), "\(ref.name): ρ \(r.r) vs \(ref.spearman.r)")
        #expect(close(r.p, ref.spearman.p, rel: 1e-10), "\(ref.name): p \(r.p) vs \(ref.spearman.p)")
        // Fisher z interval, se = 1/√(n − 3), like Pearson's.
        let fisher = Correlation.fisherInterval(r.r, n: ref.x.count)
        #expect(r.ci == fisher && r.ci.lower < r.r && r.r < r.ci.upper)
    }

    @Test(arguments: references.indices)
    func kendall(_ i: Int) throws {
        let ref = references[i]
        let r = try Correlation.kendall(ref.x, ref.y)
        #expect(close(r.r, ref.kendall.r, rel: 1e-13), "\(ref.name): τ \(r.r) vs \(ref.kendall.r)")
        #expect(close(r.p, ref.kendall.p, rel: 1e-10), "\(ref.name): p \(r.p) vs \(ref.kendall.p)")
        #expect(r.pMethod == ref.kendallMethod, "\(ref.name): \(r.pMethod)")
    }

    @Test func rCorTestPrintedValues() throws {
        // R 4.x, ?cor.test: t = 1.8411, df = 7, p-value = 0.1082, CI -0.1497426 0.8955795, cor 0.5711816
        let ref = references[3]
        let p = try Correlation.pearson(ref.x, ref.y)
        #expect(abs(p.r - 0.5711816) < 5e-8)
        #expect(abs(p.p - 0.1082) < 5e-5)
        #expect(abs(p.ci.lower - -0.1497426) < 5e-8 && abs(p.ci.upper - 0.8955795) < 5e-8)
        let t = p.r * (7 / (1 - p.r * p.r)).squareRoot()
        #expect(abs(t - 1.8411) < 5e-5)
        // cor.test(x, y, method = "kendall", alternative = "greater"): T = 26, p-value = 0.05972
        let k = try Correlation.kendall(ref.x, ref.y)
        #expect(abs(k.p / 2 - 0.05972) < 5e-6)
    }

    @Test func kendallExactDistribution() {
        // from scipy.stats._mstats_basic import _kendall_p_exact as k; k(n, c, 'two-sided')
        #expect(close(Correlation.kendallExactP(n: 10, c: 30), 0.21637345679012346, rel: 1e-13))
        #expect(close(Correlation.kendallExactP(n: 20, c: 120), 0.11260412706479736, rel: 1e-12))
        #expect(close(Correlation.kendallExactP(n: 33, c: 300), 0.2736433388865907, rel: 1e-12))
        #expect(close(Correlation.kendallExactP(n: 9, c: 26), 0.11943893298059964, rel: 1e-13))
        #expect(Correlation.kendallExactP(n: 200, c: 1) == 0)
        #expect(Correlation.kendallExactP(n: 12, c: 33) == 1)
        // n = 4: the 24 permutations by inversions are 1, 3, 5, 6, 5, 3, 1.
        #expect(close(Correlation.kendallExactP(n: 4, c: 1), 2 * 4 / 24, rel: 1e-15))
        #expect(close(Correlation.kendallExactP(n: 4, c: 2), 2 * 9 / 24, rel: 1e-15))
    }

    @Test func kendallManyPointsIsFast() throws {
        // O(n log n): 200,000 points in well under a second, even in a debug build.
        let n = 200_000
        let x = (0..<n).map { sin(Double($0)) }, y = (0..<n).map { sin(Double($0) * 1.0001) + cos(Double($0)) }
        let r = try Correlation.kendall(x, y)
        #expect(r.r > -1 && r.r < 1 && r.pMethod == "asymptotic")
        // Against the O(n²) definition on a prefix.
        let m = 300
        var s = 0.0
        for i in 0..<m { for j in (i + 1)..<m { s += ((x[i] - x[j]) * (y[i] - y[j])).sign == .minus ? -1 : 1 } }
        #expect(close(try Correlation.kendall(Array(x[..<m]), Array(y[..<m])).r, s / Double(m * (m - 1) / 2), rel: 1e-13))
    }

    @Test func averageRanks() {
        #expect(Correlation.rankAverage([10, 20, 10, 30, 20, 20]) == [1.5, 4, 1.5, 6, 4, 4])
    }

    @Test func nanInputPropagates() throws {
        for method in CorrelationMethod.allCases {
            let r = try Correlation.compute(method, [1, 2, .nan, 4], [2, 3, 4, 1])
            #expect(r.r.isNaN && r.p.isNaN && r.ci.lower.isNaN, "\(method)")
            #expect(r.warning == Correlation.nanWarning)
        }
    }

    @Test func constantInputIsNaNWithAWarning() throws {
        for method in CorrelationMethod.allCases {
            let r = try Correlation.compute(method, [1, 1, 1, 1], [2, 3, 4, 1])
            #expect(r.r.isNaN && r.p.isNaN, "\(method)")
            #expect(r.warning == "input is constant; correlation is undefined")
        }
    }

    @Test func twoPointsAsSciPy() throws {
        // stats.pearsonr([1, 2], [2, 3]) → (1.0, 1.0); spearmanr → p nan; kendalltau → (1.0, 1.0)
        let p = try Correlation.pearson([1, 2], [2, 3])
        #expect(p.r == 1 && p.p == 1)
        #expect(try Correlation.spearman([1, 2], [2, 3]).p.isNaN)
        let k = try Correlation.kendall([1, 2], [3, 2])
        #expect(k.r == -1 && k.p == 1)
    }

    @Test func errors() {
        #expect(throws: StatsError("pearson(): x and y must have the same length, got 3 and 2")) {
            try Correlation.pearson([1, 2, 3], [1, 2])
        }
        #expect(throws: StatsError("kendall(): needs at least 2 pairs, got 1")) {
            try Correlation.kendall([1], [1])
        }
        #expect(throws: StatsError.self) { try CorrelationMethod(name: "pearsn") }
    }

    @Test func correlationMatrix() throws {
        let cols = [x40, y40, x40.map { -2 * $0 }, [Double](repeating: 3, count: 40)]
        let m = try Correlation.matrix(cols)
        #expect(m[0][0] == 1 && close(m[0][1], 0.36380573599561816, rel: 1e-13) && m[1][0] == m[0][1])
        #expect(close(m[0][2], -1, rel: 1e-15) && m[3][3].isNaN && m[0][3].isNaN)
        let s = try Correlation.matrix(cols, method: .spearman)
        #expect(close(s[0][1], 0.34934333958724206, rel: 1e-13))
        let k = try Correlation.matrix(cols, method: .kendall)
        #expect(close(k[1][0], 0.258974358974359, rel: 1e-13))
    }
}
