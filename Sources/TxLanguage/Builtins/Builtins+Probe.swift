import TxAnalysis
import TxTensor

extension Builtins {
    /// The linear probe: L2-regularised multinomial logistic regression (TxAnalysis).
    static let probes: [Builtin] = [
        Builtin("logreg(x, y, l2 = 1e-4, max_iter = 1000)",
                "Multinomial logistic regression on the rows of x [N, D] with whole-number labels y [N], fit by L-BFGS (strong Wolfe line search) to mean cross-entropy + l2/2·‖W‖² (bias not penalised; scikit-learn's C = 1/(l2·N)). Deterministic. → classifier with .predict(x), .accuracy(x, y), .coefficients.",
                example: "m = logreg(tensor([[0], [1], [2], [3]]), tensor([0, 0, 1, 1])); m.predict(tensor([[0], [3]]))   # [0, 1]") { a in
            let x = try a.tensor("x"), y = try a.tensor("y")
            let l2 = try a.number("l2"), maxIter = try a.int("max_iter")
            let m = try probing { try LogisticRegression.fit(x: x, y: y, l2: l2, maxIter: maxIter) }
            return .object(ClassifierObject(m))
        },
        Builtin("logreg_cv(xtrain, ytrain, xval, yval, l2s = nil)",
                "Fits logreg for each L2 strength (nil → logspace(-6, 2, 9)), strong to weak with warm starts, and keeps the best on the validation set (ties → the stronger penalty). The classifier's .scores lists [l2, accuracy] per grid value.",
                example: "x = tensor([[0], [1], [2], [3]]); y = tensor([0, 0, 1, 1]); logreg_cv(x, y, x, y, l2s: [0.01, 1]).l2   # 0.01") { a in
            let xtr = try a.tensor("xtrain"), ytr = try a.tensor("ytrain")
            let xva = try a.tensor("xval"), yva = try a.tensor("yval")
            var grid = (0...8).map { pow10(Double($0) - 6) }
            if let v = a.optional("l2s") { grid = try numbers(v, "logreg_cv") }
            let r = try probing { try logregCV(xtr, ytr, xva, yva, l2s: grid) }
            return .object(ClassifierObject(r.best, scores: r.scores))
        },
    ]

    /// Methods and properties of classifiers.
    static let classifierMethods: [Builtin] = [
        Builtin("predict(x)", "Predicted labels of the rows of x → tensor [N].",
                example: "logreg(tensor([[0], [1], [2], [3]]), tensor([0, 0, 1, 1])).predict(tensor([[3]]))   # [1]",
                receiver: "classifier") { a in
            let m = try classifier(a)
            let x = try a.tensor("x")
            return .tensor(try probing { try m.predict(x) })
        },
        Builtin("accuracy(x, y)", "The fraction of rows of x whose predicted label equals y.",
                example: "x = tensor([[0], [1], [2], [3]]); y = tensor([0, 0, 1, 1]); logreg(x, y).accuracy(x, y)   # 1",
                receiver: "classifier") { a in
            let m = try classifier(a)
            let x = try a.tensor("x"), y = try a.tensor("y")
            return .number(try probing { try m.accuracy(x, y) })
        },
        Builtin("probabilities(x)", "Class probabilities of the rows of x → tensor [N, K] (columns in .classes order).",
                example: "logreg(tensor([[0], [1], [2], [3]]), tensor([0, 0, 1, 1])).probabilities(tensor([[0]])).shape   # [1, 2]",
                receiver: "classifier") { a in
            let m = try classifier(a)
            let x = try a.tensor("x")
            return .tensor(try probing { try m.probabilities(x) })
        },
        Builtin("l2", "The L2 strength the classifier was fit with (for logreg_cv: the one chosen).",
                example: "logreg(tensor([[0], [1]]), tensor([0, 1]), l2: 0.5).l2   # 0.5", receiver: "classifier") { a in
            .number(try classifier(a).l2)
        },
        Builtin("iterations", "L-BFGS iterations taken.",
                example: "logreg(tensor([[0], [1]]), tensor([0, 1])).iterations > 0   # true", receiver: "classifier") { a in
            .number(Double(try classifier(a).iterations))
        },
        Builtin("converged", "Whether the fit met its tolerance before max_iter.",
                example: "logreg(tensor([[0], [1]]), tensor([0, 1]), l2: 1).converged   # true", receiver: "classifier") { a in
            .bool(try classifier(a).converged)
        },
        Builtin("coefficients", "The weights, a tensor [D, K] (features × classes).",
                example: "logreg(tensor([[0], [1]]), tensor([0, 1])).coefficients.shape   # [1, 2]", receiver: "classifier") { a in
            .tensor(try classifier(a).coefficients)
        },
        Builtin("intercept", "The biases, a tensor [K] (not penalised; they sum to 0).",
                example: "logreg(tensor([[0], [1]]), tensor([0, 1])).intercept.shape   # [2]", receiver: "classifier") { a in
            .tensor(try classifier(a).intercept)
        },
        Builtin("classes", "The label values, sorted (column k of probabilities is classes[k]).",
                example: "logreg(tensor([[0], [1]]), tensor([3, 5])).classes   # [3, 5]", receiver: "classifier") { a in
            .list(ListObject(try classifier(a).classes.map { .number($0) }))
        },
        Builtin("scores", "For logreg_cv: [l2, validation accuracy] for each grid value (nil for logreg).",
                example: "x = tensor([[0], [1]]); y = tensor([0, 1]); len(logreg_cv(x, y, x, y, l2s: [0.1, 1]).scores)   # 2",
                receiver: "classifier") { a in
            guard case .object(let o)? = a.receiver, let c = o as? ClassifierObject else {
                throw TxError.runtime("scores: not a classifier")
            }
            guard let s = c.scores else { return .nil }
            return .list(ListObject(s.map { .list(ListObject([.number($0.l2), .number($0.accuracy)])) }))
        },
    ]
}

/// A fitted linear probe.
final class ClassifierObject: NativeObject {
    let model: LogisticRegression.Classifier
    /// (l2, validation accuracy) per grid value, for `logreg_cv`.
    let scores: [(l2: Double, accuracy: Double)]?
    init(_ model: LogisticRegression.Classifier, scores: [(l2: Double, accuracy: Double)]? = nil) {
        self.model = model; self.scores = scores
    }

    var typeName: String { "classifier" }
    var display: String {
        let it = model.iterations
        return "LogisticRegression: \(model.features) feature\(model.features == 1 ? "" : "s") → \(model.classCount) classes, "
            + "l2 = \(formatNumber(model.l2)), \(it) iteration\(it == 1 ? "" : "s")" + (model.converged ? "" : " (not converged)")
    }
    var memberNames: [String] {
        ["predict", "accuracy", "probabilities", "l2", "iterations", "converged", "coefficients", "intercept", "classes", "scores"]
    }
    /// Properties and methods come from the method table (`Builtins.method(for:)`).
    func member(_ name: String, _ interp: Interpreter) throws -> Value? { nil }
}

private func classifier(_ a: Arguments) throws -> LogisticRegression.Classifier {
    guard case .object(let o)? = a.receiver, let c = o as? ClassifierObject else {
        throw TxError.runtime("\(a.builtin.displayName)(): the receiver is not a classifier")
    }
    return c.model
}

private func pow10(_ e: Double) -> Double {
    var r = 1.0
    for _ in 0..<Int(Swift.abs(e)) { r *= 10 }
    return e < 0 ? 1 / r : r
}

/// StatsError → a tx runtime error.
private func probing<T>(_ body: () throws -> T) throws -> T {
    do { return try body() } catch let e as StatsError { throw TxError.runtime(e.message) }
}
