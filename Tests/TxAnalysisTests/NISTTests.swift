import Foundation
import Testing
@testable import TxAnalysis

/// NIST Statistical Reference Datasets (../shared/testdata/nist_strd): the
/// certified values are given to 15 significant digits.
enum NIST {
    static let folder: String = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { url.deleteLastPathComponent() }
        return url.deletingLastPathComponent().path + "/shared/testdata/nist_strd"
    }()

    static let certified: [String: Any] = {
        guard let data = FileManager.default.contents(atPath: folder + "/certified.json"),
              let json = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else { return [:] }
        return json
    }()

    static func entry(_ group: String, _ name: String) throws -> [String: Any] {
        guard let g = certified[group] as? [String: Any], let e = g[name] as? [String: Any] else {
            throw StatsError("NIST \(group)/\(name) not found under \(folder)")
        }
        return e
    }

    static func value(_ s: Any?) -> Double {
        Double((s as? String ?? "nan").replacingOccurrences(of: "E", with: "e")) ?? .nan
    }

    /// Log relative error: the number of correct significant digits.
    static func lre(_ x: Double, _ c: Double) -> Double {
        if x == c { return 16 }
        if c == 0 { return -log10(abs(x)) }
        return min(16, -log10(abs(x - c) / abs(c)))
    }
}

@Suite("NIST StRD")
struct NISTTests {
    /// Digits reached for the mean and the standard deviation. NumAcc3 and
    /// NumAcc4 (1000000.2, 10000000.2, … ± 0.1) lose digits before any
    /// arithmetic: the decimal inputs are not representable in binary64, and
    /// their representation error (≈ 1e-10 and 1e-9) is 1e-9 and 1e-8 of the
    /// 0.1 standard deviation. The sd computed from the rounded inputs is
    /// correct to double precision.
    static let univariate: [(String, Double, Double)] = [
        ("Lew", 15, 14), ("Lottery", 15, 15), ("Mavro", 15, 12.5), ("Michelso", 15, 13),
        ("NumAcc1", 15, 15), ("NumAcc2", 15, 15), ("NumAcc3", 15, 9), ("NumAcc4", 15, 8),
    ]

    @Test(arguments: univariate.map(\.0))
    func meanAndStandardDeviation(_ name: String) throws {
        let e = try NIST.entry("univariate", name)
        let y = (e["y"] as? [Any] ?? []).compactMap { ($0 as? NSNumber)?.doubleValue }
        #expect(y.count == (e["n"] as? Int))
        let cert = e["certified"] as? [String: Any] ?? [:]
        let (_, meanDigits, sdDigits) = Self.univariate.first { $0.0 == name }!
        let mean = NIST.lre(Descriptive.mean(y), NIST.value(cert["mean"]))
        let sd = NIST.lre(Descriptive.std(y), NIST.value(cert["sd_n_minus_1"]))
        let lag = NIST.lre(Descriptive.lag1Autocorrelation(y), NIST.value(cert["lag1_autocorrelation"]))
        #expect(mean >= meanDigits, "\(name) mean: \(mean) digits")
        #expect(sd >= sdDigits, "\(name) sd: \(sd) digits")
        #expect(lag >= min(sdDigits, 10), "\(name) lag-1 autocorrelation: \(lag) digits")
    }

    /// Minimum correct digits for coefficients, their standard errors, the
    /// residual sd and R².
    static let regressions: [(String, Double)] = [
        ("Norris", 13), ("Longley", 13), ("Pontius", 13), ("NoInt1", 13), ("NoInt2", 13),
        ("Filip", 13), ("Wampler1", 13), ("Wampler2", 13), ("Wampler3", 13), ("Wampler4", 13), ("Wampler5", 13),
    ]

    @Test(arguments: regressions.map(\.0))
    func linearRegression(_ name: String) throws {
        let e = try NIST.entry("linear_regression", name)
        let data = (e["data"] as? [[Any]] ?? []).map { $0.compactMap { ($0 as? NSNumber)?.doubleValue } }
        let cert = e["certified"] as? [String: Any] ?? [:]
        let params = cert["params"] as? [String: Any] ?? [:]
        let paramSD = cert["param_sd"] as? [String: Any] ?? [:]
        let model = e["model"] as? String ?? ""
        let intercept = params["B0"] != nil
        let y = data.map { $0[0] }
        // Polynomial models (x**2 …) expand one predictor into powers.
        let degree = params.count - (intercept ? 1 : 0)
        let fit = model.contains("x**")
            ? try Descriptive.polynomialFit(data.map { $0[1] }, y, degree: degree)
            : try Descriptive.leastSquares(data.map { Array($0.dropFirst()) }, y, intercept: intercept)
        let digits = Self.regressions.first { $0.0 == name }!.1
        let first = intercept ? 0 : 1
        for (k, b) in fit.coefficients.enumerated() {
            let key = "B\(k + first)"
            let c = NIST.value(params[key]), s = NIST.value(paramSD[key])
            #expect(NIST.lre(b, c) >= digits, "\(name) \(key) = \(b) vs \(c): \(NIST.lre(b, c)) digits")
            if s == 0 {
                #expect(abs(fit.standardErrors[k]) < 1e-8 * max(1, abs(c)), "\(name) sd(\(key)) = \(fit.standardErrors[k])")
            } else {
                let l = NIST.lre(fit.standardErrors[k], s)
                #expect(l >= digits - 1, "\(name) sd(\(key)) = \(fit.standardErrors[k]) vs \(s): \(l) digits")
            }
        }
        let rsd = NIST.value(cert["residual_sd"])
        if rsd == 0 {
            #expect(fit.residualSD < 1e-8, "\(name) residual sd \(fit.residualSD)")
        } else {
            #expect(NIST.lre(fit.residualSD, rsd) >= digits - 1, "\(name) residual sd \(fit.residualSD) vs \(rsd)")
        }
        let r2 = NIST.value(cert["r_squared"])
        #expect(NIST.lre(fit.rSquared, r2) >= digits - 1, "\(name) R² \(fit.rSquared) vs \(r2)")
    }
}
