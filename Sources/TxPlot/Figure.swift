import TxTensor

/// A plotting error: bad data or arguments, or a file that can't be written.
public struct PlotError: Error, CustomStringConvertible, Equatable {
    public let message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

/// A figure: what to draw, kept as data and drawn with Cairo when saved, so
/// one figure can be saved at several sizes. Figures are deterministic: the
/// same calls give the same PNG bytes.
public final class Figure {
    /// scatter, line, bar, hist, heatmap, corrplot or grid.
    public let kind: String
    public let title: String
    let xlabel: String
    let ylabel: String
    let spec: Spec
    /// Where the last render put the plot area (logical units), for tests.
    var lastPlotArea: Rect?
    /// The last render's plot area in logical units (x, y, width, height); nil before any.
    public var plotArea: (x: Double, y: Double, w: Double, h: Double)? {
        lastPlotArea.map { ($0.x, $0.y, $0.w, $0.h) }
    }
    /// The path of the last successful `save`, and its size.
    public private(set) var savedPath: String?
    public private(set) var savedSize: (width: Int, height: Int)?
    func recordSave(_ path: String, _ w: Int, _ h: Int) { savedPath = path; savedSize = (w, h) }

    enum Spec {
        case scatter(Scatter)
        case line(x: [Double], ys: [[Double]], labels: [String]?)
        case bar(names: [String], values: [Double])
        case hist(values: [Double], bins: Int)
        case heatmap(matrix: [[Double]], xlabels: [String]?, ylabels: [String]?, colorbar: Bool)
        case corrplot(Corr)
        case grid(figs: [Figure], cols: Int)
    }

    struct Scatter {
        var x: [Double], y: [Double]
        /// Per point: a class index (categorical) or a value (continuous); nil for one colour.
        var color: [Double]?
        var classes: [String]?
        var categorical: Bool
        var size: Double, alpha: Double, legend: Bool
    }

    struct Corr {
        var x: [Double], y: [Double], names: [String]?
        var logit: Bool, fit: Bool
    }

    init(kind: String, title: String, xlabel: String = "", ylabel: String = "", spec: Spec) {
        self.kind = kind; self.title = title; self.xlabel = xlabel; self.ylabel = ylabel; self.spec = spec
    }

    // MARK: - Plots

    /// Points (x[i], y[i]). `color`: per-point class labels (0, 1, …; with
    /// `classes` naming them, or whole numbers) drawn in tab10 with a legend,
    /// or other numbers drawn with viridis and a colour bar. `size` is the
    /// marker radius in pixels.
    public static func scatter(x: [Double], y: [Double], color: [Double]? = nil, classes: [String]? = nil,
                               title: String = "", xlabel: String = "", ylabel: String = "",
                               size: Double = 3, alpha: Double = 0.8, legend: Bool = true) throws -> Figure {
        let f = "scatter()"
        try nonEmpty(x, f, "x")
        try sameLength(x, y, f, "x", "y")
        try finite(x, f, "x"); try finite(y, f, "y")
        try positive(size, f, "size")
        guard size <= 200 else { throw PlotError("\(f): size (the marker radius in pixels) must be at most 200, got \(Ticks.shortNumber(size))") }
        guard alpha > 0, alpha <= 1 else { throw PlotError("\(f): alpha must be in (0, 1], got \(Ticks.shortNumber(alpha))") }
        var categorical = false
        if let c = color {
            try sameLength(x, c, f, "x", "color")
            try finite(c, f, "color")
            let whole = c.allSatisfy { $0 >= 0 && $0 == $0.rounded() && $0 < 1000 }
            if let classes {
                guard whole else { throw PlotError("\(f): with class names, color must hold class indices 0, 1, …") }
                if let top = c.max(), Int(top) >= classes.count {
                    throw PlotError("\(f): label \(Int(top)) has no class name (\(classes.count) names given)")
                }
                categorical = true
            } else {
                categorical = whole && distinctCount(c, upTo: 21) <= 20
            }
        } else if classes != nil {
            throw PlotError("\(f): class names need color (the per-point labels)")
        }
        return Figure(kind: "scatter", title: title, xlabel: xlabel, ylabel: ylabel,
                      spec: .scatter(Scatter(x: x, y: y, color: color, classes: classes, categorical: categorical,
                                             size: size, alpha: alpha, legend: legend)))
    }

    /// A scatter of an [N, 2] tensor's rows, coloured by an optional label tensor.
    public static func scatter(points: Tensor, color: Tensor? = nil, classes: [String]? = nil,
                               title: String = "", xlabel: String = "", ylabel: String = "",
                               size: Double = 3, alpha: Double = 0.8, legend: Bool = true) throws -> Figure {
        guard points.ndim == 2, points.shape[1] == 2 else {
            throw PlotError("scatter(): points must be an [N, 2] tensor, got \(points.shape)")
        }
        let n = points.shape[0]
        let d = points.data
        var x = [Double](repeating: 0, count: n), y = x
        for i in 0..<n { x[i] = Double(d[2 * i]); y[i] = Double(d[2 * i + 1]) }
        return try scatter(x: x, y: y, color: color.map { $0.data.map(Double.init) }, classes: classes,
                           title: title, xlabel: xlabel, ylabel: ylabel, size: size, alpha: alpha, legend: legend)
    }

    /// Line series ys[k] against x (nil: 0, 1, …), with a legend when labels are given.
    public static func line(x: [Double]?, ys: [[Double]], labels: [String]? = nil,
                            title: String = "", xlabel: String = "", ylabel: String = "") throws -> Figure {
        let f = "line()"
        guard !ys.isEmpty else { throw PlotError("\(f): no data (ys is empty)") }
        let n = ys[0].count
        for (k, s) in ys.enumerated() {
            try nonEmpty(s, f, "ys[\(k)]")
            try finite(s, f, "ys[\(k)]")
            if s.count != n { throw PlotError("\(f): ys[\(k)] has \(s.count) values but ys[0] has \(n)") }
        }
        let xs = x ?? (0..<n).map(Double.init)
        if let x { try sameLength(x, ys[0], f, "x", "ys[0]"); try finite(x, f, "x") }
        if let labels, labels.count != ys.count {
            throw PlotError("\(f): \(labels.count) labels for \(ys.count) series")
        }
        return Figure(kind: "line", title: title, xlabel: xlabel, ylabel: ylabel, spec: .line(x: xs, ys: ys, labels: labels))
    }

    /// One bar per name.
    public static func bar(names: [String], values: [Double], title: String = "", xlabel: String = "",
                           ylabel: String = "") throws -> Figure {
        let f = "bar()"
        try nonEmpty(values, f, "values")
        if names.count != values.count { throw PlotError("\(f): \(names.count) names but \(values.count) values") }
        try finite(values, f, "values")
        return Figure(kind: "bar", title: title, xlabel: xlabel, ylabel: ylabel, spec: .bar(names: names, values: values))
    }

    /// A histogram of values in `bins` equal-width bins.
    public static func hist(values: [Double], bins: Int = 30, title: String = "", xlabel: String = "",
                            ylabel: String = "count") throws -> Figure {
        let f = "hist()"
        try nonEmpty(values, f, "values")
        try finite(values, f, "values")
        guard bins >= 1, bins <= 10_000 else { throw PlotError("\(f): bins must be 1…10000, got \(bins)") }
        return Figure(kind: "hist", title: title, xlabel: xlabel, ylabel: ylabel, spec: .hist(values: values, bins: bins))
    }

    /// A matrix as coloured cells (diverging palette centred on 0), annotated when small.
    public static func heatmap(matrix: [[Double]], xlabels: [String]? = nil, ylabels: [String]? = nil,
                               colorbar: Bool = true, title: String = "") throws -> Figure {
        let f = "heatmap()"
        guard let first = matrix.first, !first.isEmpty else { throw PlotError("\(f): no data (the matrix is empty)") }
        for (i, row) in matrix.enumerated() {
            if row.count != first.count { throw PlotError("\(f): row \(i) has \(row.count) values but row 0 has \(first.count)") }
            try finite(row, f, "matrix row \(i)")
        }
        if let xlabels, xlabels.count != first.count {
            throw PlotError("\(f): \(xlabels.count) xlabels for \(first.count) columns")
        }
        if let ylabels, ylabels.count != matrix.count {
            throw PlotError("\(f): \(ylabels.count) ylabels for \(matrix.count) rows")
        }
        return Figure(kind: "heatmap", title: title,
                      spec: .heatmap(matrix: matrix, xlabels: xlabels, ylabels: ylabels, colorbar: colorbar))
    }

    /// The "ImageNet accuracy vs transfer accuracy" chart: labelled points, a
    /// least-squares line, Pearson r, Spearman ρ and p in the corner; with
    /// `logit`, log-odds axes labelled in percent (values in % or fractions).
    public static func corrplot(x: [Double], y: [Double], names: [String]? = nil, title: String = "",
                                xlabel: String = "", ylabel: String = "", logit: Bool = false,
                                fit: Bool = true) throws -> Figure {
        let f = "corrplot()"
        try nonEmpty(x, f, "x")
        try sameLength(x, y, f, "x", "y")
        try finite(x, f, "x"); try finite(y, f, "y")
        if let names, names.count != x.count { throw PlotError("\(f): \(names.count) names for \(x.count) points") }
        if logit {
            for (v, what) in [(x, "x"), (y, "y")] {
                let scale = v.allSatisfy { $0 <= 1 } ? 1.0 : 100.0
                if let bad = v.first(where: { $0 <= 0 || $0 >= scale }) {
                    throw PlotError("\(f): logit axes need accuracies strictly between 0 and \(scale == 1 ? "1" : "100"); \(what) has \(Ticks.shortNumber(bad))")
                }
            }
        }
        return Figure(kind: "corrplot", title: title, xlabel: xlabel, ylabel: ylabel,
                      spec: .corrplot(Corr(x: x, y: y, names: names, logit: logit, fit: fit)))
    }

    /// Small multiples: figures in a grid of `cols` columns.
    public static func grid(_ figs: [Figure], cols: Int = 3, title: String = "") throws -> Figure {
        guard !figs.isEmpty else { throw PlotError("grid(): no figures") }
        guard cols >= 1 else { throw PlotError("grid(): cols must be ≥ 1, got \(cols)") }
        return Figure(kind: "grid", title: title, spec: .grid(figs: figs, cols: min(cols, figs.count)))
    }

    // MARK: - Validation

    static func nonEmpty(_ v: [Double], _ f: String, _ name: String) throws {
        if v.isEmpty { throw PlotError("\(f): no data (\(name) is empty)") }
    }
    static func sameLength(_ a: [Double], _ b: [Double], _ f: String, _ an: String, _ bn: String) throws {
        if a.count != b.count { throw PlotError("\(f): \(an) has \(a.count) values but \(bn) has \(b.count)") }
    }
    /// Largest magnitude plotted: axis padding and spans stay finite.
    static let largest = 1e300

    static func finite(_ v: [Double], _ f: String, _ name: String) throws {
        if let i = v.firstIndex(where: { !$0.isFinite }) {
            throw PlotError("\(f): \(name) has \(v[i].isNaN ? "NaN" : "an infinite value") at index \(i)")
        }
        if let i = v.firstIndex(where: { abs($0) > largest }) {
            throw PlotError("\(f): \(name) has \(Ticks.shortNumber(v[i])) at index \(i); values beyond ±1e300 can't be plotted")
        }
    }
    /// How many different values v holds, counting no further than `limit`.
    static func distinctCount(_ v: [Double], upTo limit: Int) -> Int {
        var seen: [Double] = []
        for x in v where !seen.contains(x) {
            seen.append(x)
            if seen.count >= limit { break }
        }
        return seen.count
    }
    static func positive(_ x: Double, _ f: String, _ name: String) throws {
        guard x > 0, x.isFinite else { throw PlotError("\(f): \(name) must be > 0, got \(Ticks.shortNumber(x))") }
    }
}
