import Testing
import TxData
import TxTensor
@testable import TxAnalysis

/// The digits with a fixed seeded split (1400 train / 397 test), raw and standardised
/// with the training statistics (constant pixels divided by 1).
private struct DigitsSplit {
    let xTrain: Tensor, yTrain: Tensor, xTest: Tensor, yTest: Tensor
    let zTrain: Tensor, zTest: Tensor

    init(first1400: Bool = false) throws {
        let ds = try Dataset.digits()
        let train: Dataset, test: Dataset
        if first1400 {
            train = ds.select(Array(0..<1400)); test = ds.select(Array(1400..<1797))
        } else {
            (train, test) = try ds.split(1400.0 / 1797.0, seed: 0)
        }
        xTrain = train.x; yTrain = train.y; xTest = test.x; yTest = test.y
        let d = 64, n = 1400
        var mu = [Float](repeating: 0, count: d), sd = [Float](repeating: 0, count: d)
        for j in 0..<d {
            var m = 0.0
            for i in 0..<n { m += Double(xTrain.data[i * d + j]) }
            m /= Double(n)
            var v = 0.0
            for i in 0..<n { let e = Double(xTrain.data[i * d + j]) - m; v += e * e }
            let s = (v / Double(n)).squareRoot()
            mu[j] = Float(m); sd[j] = s > 0 ? Float(s) : 1
        }
        func z(_ t: Tensor) -> Tensor {
            Tensor(shape: t.shape, data: t.data.indices.map { (t.data[$0] - mu[$0 % d]) / sd[$0 % d] })
        }
        zTrain = z(xTrain); zTest = z(xTest)
    }
}

@Suite("Logistic regression (the linear probe)")
struct LogisticRegressionTests {
    @Test func digitsRawAndStandardised() throws {
        let s = try DigitsSplit()
        #expect(s.xTrain.shape == [1400, 64] && s.xTest.shape == [397, 64])
        let raw = try LogisticRegression.fit(x: s.xTrain, y: s.yTrain, l2: 1e-4, maxIter: 1000)
        let rawAcc = try raw.accuracy(s.xTest, s.yTest)
        #expect(rawAcc >= 0.95, "raw pixels: \(rawAcc)")
        #expect(raw.converged)
        let std = try LogisticRegression.fit(x: s.zTrain, y: s.yTrain, l2: 1e-4, maxIter: 1000)
        let stdAcc = try std.accuracy(s.zTest, s.yTest)
        #expect(stdAcc >= 0.95, "standardised: \(stdAcc)")
        #expect(std.converged && std.gradientNorm <= 1e-4)
        #expect(std.coefficients.shape == [64, 10])
        // Probabilities are rows summing to one, and predict is their argmax.
        let p = try std.probabilities(s.zTest)
        #expect(p.shape == [397, 10])
        for i in 0..<5 {
            let row = Array(p.data[(i * 10)..<(i * 10 + 10)])
            #expect(abs(row.reduce(0, +) - 1) < 1e-5)
            #expect(Float(row.firstIndex(of: row.max()!)!) == (try std.predict(s.zTest)).data[i])
        }
    }

    @Test func gradientMatchesFiniteDifferences() throws {
        let s = try DigitsSplit()
        let x = Tensor(shape: [60, 64], data: Array(s.zTrain.data[0..<(60 * 64)]))
        let y = Tensor(shape: [60], data: Array(s.yTrain.data[0..<60]))
        let k = 10, count = 64 * k + k
        // A generic point (bias included).
        var state: UInt64 = 12345
        let theta = (0..<count).map { _ -> Double in
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Double(Int64(bitPattern: state >> 11) % 2000) / 1000 * 0.3
        }
        let l2 = 0.05
        let (_, g) = try LogisticRegression.objective(x: x, y: y, l2: l2, parameters: theta)
        var worst = 0.0
        for i in stride(from: 0, to: count, by: 7) + [count - 1, count - 2] {
            let h = 1e-5
            var tp = theta, tm = theta
            tp[i] += h; tm[i] -= h
            let fp = try LogisticRegression.objective(x: x, y: y, l2: l2, parameters: tp).value
            let fm = try LogisticRegression.objective(x: x, y: y, l2: l2, parameters: tm).value
            let fd = (fp - fm) / (2 * h)
            worst = max(worst, abs(fd - g[i]) / max(1e-3, abs(g[i])))
        }
        #expect(worst < 1e-6, "worst relative error \(worst)")
    }

    /// Reference from scikit-learn 1.9.1 (multinomial, lbfgs):
    ///
    ///     rng = np.random.RandomState(0)
    ///     X = np.round(rng.randn(12, 3), 2); y = np.array([0,1,2]*4)
    ///     X[y==1,0] += 1.5; X[y==2,1] += 1.5
    ///     l2 = 0.1; N = len(X)
    ///     m = LogisticRegression(C=1/(l2*N), tol=1e-10, max_iter=10000).fit(X, y)
    ///     m.coef_, m.intercept_
    ///     P = m.predict_proba(X)
    ///     f = -np.mean(np.log(P[np.arange(N), y])) + l2/2*np.sum(m.coef_**2)
    @Test func matchesScikitLearnSmall() throws {
        let xs: [[Double]] = [[1.76, 0.4, 0.98], [3.74, 1.87, -0.98], [0.95, 1.35, -0.1], [0.41, 0.14, 1.45],
                              [2.26, 0.12, 0.44], [0.33, 2.99, -0.21], [0.31, -0.85, -2.55], [2.15, 0.86, -0.74],
                              [2.27, 0.05, 0.05], [-0.19, 1.53, 1.47], [1.65, 0.38, -0.89], [-1.98, 1.15, 0.16]]
        let x = Tensor(shape: [12, 3], data: xs.flatMap { $0.map { Float($0) } })
        let y = Tensor(shape: [12], data: (0..<12).map { Float($0 % 3) })
        let coef: [[Double]] = [[-0.45195583243573656, -0.5928565278712524, 0.3949927054811654],
                                [0.8478564537463138, 0.1046062536859775, -0.31867772175048564],
                                [-0.39590062131057735, 0.4882502741852749, -0.0763149837306796]]  // [K, D]
        let intercept = [1.0722507782187554, -1.3007486354747486, 0.22849785725599342]
        let m = try LogisticRegression.fit(x: x, y: y, l2: 0.1, maxIter: 1000, tol: 1e-10)
        #expect(m.converged)
        for kk in 0..<3 {
            for j in 0..<3 { #expect(abs(m.weights[j * 3 + kk] - coef[kk][j]) < 1e-6, "W[\(j), \(kk)]") }
            #expect(abs(m.bias[kk] - intercept[kk]) < 1e-6, "b[\(kk)]")
        }
        #expect(close(m.objective, 0.7456746717441506, rel: 1e-7))  // x is Float32 here, Float64 in NumPy
    }

    /// scikit-learn 1.9.1 on the digits, first 1400 rows to train, last 397 to test
    /// (the later rows are other writers, hence the lower accuracy):
    ///
    ///     X, y = load_digits(return_X_y=True); Xtr, ytr, Xte, yte = X[:1400], y[:1400], X[1400:], y[1400:]
    ///     mu = Xtr.mean(0); sd = Xtr.std(0); sd[sd==0] = 1      # "std" is (X - mu) / sd
    ///     m = LogisticRegression(C=1/(l2*1400), tol=1e-8, max_iter=10000).fit(a, ytr)
    ///     P = m.predict_proba(a); f = -np.mean(np.log(P[np.arange(1400), ytr])) + l2/2*np.sum(m.coef_**2)
    ///     std 1e-4: f = 0.016887130258050616, test acc 0.8992443324937027
    ///     std 1e-2: f = 0.24128948325589017,  test acc 0.9042821158690176
    ///     raw 1e-2: f = 0.040395264593845126, test acc 0.9193954659949622
    @Test func matchesScikitLearnDigits() throws {
        let s = try DigitsSplit(first1400: true)
        #expect(s.yTrain.data.reduce(0, +) == 6277)  // same rows as load_digits
        let cases: [(Tensor, Tensor, Double, Double, Double)] = [
            (s.zTrain, s.zTest, 1e-4, 0.016887130258050616, 0.8992443324937027),
            (s.zTrain, s.zTest, 1e-2, 0.24128948325589017, 0.9042821158690176),
            (s.xTrain, s.xTest, 1e-2, 0.040395264593845126, 0.9193954659949622),
        ]
        for (xtr, xte, l2, f, acc) in cases {
            let m = try LogisticRegression.fit(x: xtr, y: s.yTrain, l2: l2, maxIter: 20000, tol: 1e-8)
            #expect(abs(m.objective - f) <= 1e-7 * f, "l2 \(l2): f \(m.objective) vs \(f)")
            #expect(abs(try m.accuracy(xte, s.yTest) - acc) <= 1.5 / 397, "l2 \(l2)")
        }
    }

    @Test func crossValidationPicksAnInteriorL2() throws {
        let s = try DigitsSplit()
        // Validation: the last 397 training rows; train on the first 1003.
        func rows(_ t: Tensor, _ r: Range<Int>) -> Tensor {
            let w = t.ndim == 2 ? t.shape[1] : 1
            return Tensor(shape: t.ndim == 2 ? [r.count, w] : [r.count], data: Array(t.data[(r.lowerBound * w)..<(r.upperBound * w)]))
        }
        let xtr = rows(s.zTrain, 0..<1003), ytr = rows(s.yTrain, 0..<1003)
        let xva = rows(s.zTrain, 1003..<1400), yva = rows(s.yTrain, 1003..<1400)
        let grid = [1e-6, 1e-5, 1e-4, 1e-3, 1e-2, 1e-1, 1, 10, 100]
        let r = try logregCV(xtr, ytr, xva, yva, l2s: grid)
        #expect(r.scores.count == 9)
        #expect(r.scores.map(\.l2) == grid)
        #expect(r.bestL2 > 1e-6 && r.bestL2 < 100, "picked \(r.bestL2): \(r.scores)")
        let bestAcc = r.scores.map(\.accuracy).max()!
        #expect(r.scores.first { $0.l2 == r.bestL2 }!.accuracy == bestAcc)
        #expect(r.scores.last!.accuracy < bestAcc)  // l2 = 100 underfits
        #expect(try r.best.accuracy(s.zTest, s.yTest) >= 0.95)
        #expect(r.best.l2 == r.bestL2)
    }

    @Test func deterministic() throws {
        let s = try DigitsSplit()
        let a = try LogisticRegression.fit(x: s.xTrain, y: s.yTrain, l2: 1e-3, maxIter: 300)
        let b = try LogisticRegression.fit(x: s.xTrain, y: s.yTrain, l2: 1e-3, maxIter: 300)
        #expect(a.weights == b.weights && a.bias == b.bias && a.iterations == b.iterations)
    }

    @Test func labelsKeepTheirValues() throws {
        let x = Tensor(shape: [6, 1], data: [-3, -2, -1, 1, 2, 3])
        let y = Tensor(shape: [6], data: [7, 7, 7, -2, -2, -2])
        let m = try LogisticRegression.fit(x: x, y: y, l2: 1e-2)
        #expect(m.classes == [-2, 7])
        #expect(try m.predict(x).data == [7, 7, 7, -2, -2, -2])
        #expect(try m.accuracy(x, y) == 1)
    }

    @Test func errors() throws {
        let x = Tensor(shape: [4, 2], data: [0, 1, 1, 0, 2, 2, 3, 1])
        #expect(throws: StatsError.self) {  // x not a matrix
            try LogisticRegression.fit(x: Tensor(shape: [4], data: [0, 1, 2, 3]), y: Tensor(shape: [4], data: [0, 1, 0, 1]))
        }
        #expect(throws: StatsError.self) {  // row count mismatch
            try LogisticRegression.fit(x: x, y: Tensor(shape: [3], data: [0, 1, 0]))
        }
        #expect(throws: StatsError.self) {  // non-integral label
            try LogisticRegression.fit(x: x, y: Tensor(shape: [4], data: [0, 1, 0.5, 1]))
        }
        #expect(throws: StatsError.self) {  // one class
            try LogisticRegression.fit(x: x, y: Tensor(shape: [4], data: [2, 2, 2, 2]))
        }
        #expect(throws: StatsError.self) {  // negative l2
            try LogisticRegression.fit(x: x, y: Tensor(shape: [4], data: [0, 1, 0, 1]), l2: -1)
        }
        let m = try LogisticRegression.fit(x: x, y: Tensor(shape: [4], data: [0, 1, 0, 1]))
        #expect(throws: StatsError.self) { try m.predict(Tensor(shape: [2, 3], data: [0, 0, 0, 0, 0, 0])) }
        #expect(throws: StatsError.self) {
            try logregCV(x, Tensor(shape: [4], data: [0, 1, 0, 1]), x, Tensor(shape: [4], data: [0, 1, 0, 1]), l2s: [])
        }
    }
}
