import TxPlot
import TxTensor

extension Builtins {
    /// Figures: each plot returns a figure; `fig.save(path)` writes a PNG.
    static let plots: [Builtin] = [
        Builtin("scatter(points_or_x, y = nil, color = nil, labels = nil, title = \"\", xlabel = \"\", ylabel = \"\", size = 3, alpha = 0.8, legend = true)",
                "A scatter plot of an [N, 2] tensor (or x and y): color per point — class labels (tab10, with a legend naming them by labels) or values (viridis, with a colour bar); size is the marker radius in pixels.",
                example: #"scatter(randn(200, 2, seed: 0), color: arange(200) % 3, labels: ["a", "b", "c"], title: "demo")"#) { a in
            let size = try a.number("size"), alpha = try a.number("alpha"), legend = try a.bool("legend")
            let title = try a.string("title"), xlabel = try a.string("xlabel"), ylabel = try a.string("ylabel")
            let classes = try a.optional("labels").map { try names($0) }
            let color = try a.optional("color").map { try numbers($0, "scatter") }
            let fig: Figure
            if case .nil = a["y"] {
                let points = try a.tensor("points_or_x")
                fig = try plotting {
                    guard points.ndim == 2, points.shape[1] == 2 else {
                        throw PlotError("scatter(): give an [N, 2] tensor, or x and y (got a tensor of shape \(points.shape) and no y)")
                    }
                    let n = points.shape[0], d = points.data
                    return try Figure.scatter(x: (0..<n).map { Double(d[2 * $0]) }, y: (0..<n).map { Double(d[2 * $0 + 1]) },
                                              color: color, classes: classes, title: title, xlabel: xlabel, ylabel: ylabel,
                                              size: size, alpha: alpha, legend: legend)
                }
            } else {
                let x = try numbers(a["points_or_x"], "scatter"), y = try numbers(a["y"], "scatter")
                fig = try plotting {
                    try Figure.scatter(x: x, y: y, color: color, classes: classes, title: title, xlabel: xlabel,
                                       ylabel: ylabel, size: size, alpha: alpha, legend: legend)
                }
            }
            return .object(FigureObject(a.interp, fig))
        },
        Builtin("line(x, ys = nil, labels = nil, title = \"\", xlabel = \"\", ylabel = \"\")",
                "Line plot (training curves): ys is one series or a list of series (a 2-D tensor: one per row) against x; line(ys) plots against 0, 1, …; labels names the series in a legend.",
                example: #"line([1, 2, 3], [[0.9, 0.5, 0.4], [1.0, 0.8, 0.7]], labels: ["train", "val"], xlabel: "epoch")"#) { a in
            // line(ys) plots one series or several against 0, 1, …
            let x: [Double]?, ys: [[Double]]
            if case .nil = a["ys"] {
                ys = try series(a["x"]); x = nil
            } else {
                x = try numbers(a["x"], "line"); ys = try series(a["ys"])
            }
            let labels = try a.optional("labels").map { try names($0) }
            let title = try a.string("title"), xlabel = try a.string("xlabel"), ylabel = try a.string("ylabel")
            return .object(FigureObject(a.interp, try plotting {
                try Figure.line(x: x, ys: ys, labels: labels, title: title, xlabel: xlabel, ylabel: ylabel)
            }))
        },
        Builtin("bar(names, values, title = \"\", xlabel = \"\", ylabel = \"\")", "A bar chart: one bar per name.",
                example: #"bar(["resnet50", "mobilenet"], [76.1, 70.6], ylabel: "top-1 (%)")"#) { a in
            let n = try names(a["names"]), v = try numbers(a["values"], "bar")
            let title = try a.string("title"), xlabel = try a.string("xlabel"), ylabel = try a.string("ylabel")
            return .object(FigureObject(a.interp, try plotting {
                try Figure.bar(names: n, values: v, title: title, xlabel: xlabel, ylabel: ylabel)
            }))
        },
        Builtin("hist(values, bins = 30, title = \"\", xlabel = \"\", ylabel = \"count\")", "A histogram of values in equal-width bins.",
                example: "hist(randn(1000, seed: 0), bins: 20)") { a in
            let v = try numbers(a["values"], "hist"), bins = try a.int("bins")
            let title = try a.string("title"), xlabel = try a.string("xlabel"), ylabel = try a.string("ylabel")
            return .object(FigureObject(a.interp, try plotting {
                try Figure.hist(values: v, bins: bins, title: title, xlabel: xlabel, ylabel: ylabel)
            }))
        },
        Builtin("heatmap(matrix, xlabels = nil, ylabels = nil, colorbar = true, title = \"\")",
                "A matrix (e.g. correlations) as coloured cells: a diverging palette centred on 0, values written in the cells when they fit.",
                example: #"heatmap([[1, 0.3], [0.3, 1]], xlabels: ["a", "b"], ylabels: ["a", "b"])"#) { a in
            let m = try series(a["matrix"])
            let xl = try a.optional("xlabels").map { try names($0) }, yl = try a.optional("ylabels").map { try names($0) }
            let cb = try a.bool("colorbar"), title = try a.string("title")
            return .object(FigureObject(a.interp, try plotting {
                try Figure.heatmap(matrix: m, xlabels: xl, ylabels: yl, colorbar: cb, title: title)
            }))
        },
        Builtin("corrplot(x, y, names = nil, title = \"\", xlabel = \"\", ylabel = \"\", logit = false, fit = true)",
                "The paper's chart: labelled points, a least-squares line, Pearson r with p and Spearman ρ in the corner; logit: log-odds axes with ticks in percent (values in % or as fractions).",
                example: #"corrplot([71.9, 76.1, 78.0], [85.0, 88.2, 89.9], names: ["vgg", "resnet", "inception"], logit: true)"#) { a in
            let x = try numbers(a["x"], "corrplot"), y = try numbers(a["y"], "corrplot")
            let n = try a.optional("names").map { try names($0) }
            let title = try a.string("title"), xlabel = try a.string("xlabel"), ylabel = try a.string("ylabel")
            let logit = try a.bool("logit"), fit = try a.bool("fit")
            return .object(FigureObject(a.interp, try plotting {
                try Figure.corrplot(x: x, y: y, names: n, title: title, xlabel: xlabel, ylabel: ylabel, logit: logit, fit: fit)
            }))
        },
        Builtin("grid(figs, cols = 3, title = \"\")", "Small multiples: a list of figures in a grid of cols columns.",
                example: "grid([hist(randn(100, seed: 0)), hist(randn(100, seed: 1))], cols: 2)") { a in
            let figs = try items(a["figs"]).map { v -> Figure in
                guard case .object(let o as FigureObject) = v else {
                    throw TxError.runtime("grid(): figs must be a list of figures, found \(v.typeName)")
                }
                return o.figure
            }
            let cols = try a.int("cols"), title = try a.string("title")
            return .object(FigureObject(a.interp, try plotting { try Figure.grid(figs, cols: cols, title: title) }))
        },
    ]

    /// Methods of figures.
    static let figureMethods: [Builtin] = [
        Builtin("save(path, width = 800, height = 600, scale = 1)",
                "Writes the figure as a PNG (atomically; scale 2 doubles the pixels for sharp text); returns the figure.",
                example: #"hist([1, 2, 2, 3]).save("/tmp/tx-example-hist.png")"#, receiver: "figure") { a in
            guard case .object(let o as FigureObject)? = a.receiver else { throw TxError.runtime("expected a figure receiver") }
            let path = try a.string("path"), w = try a.int("width"), h = try a.int("height"), scale = try a.number("scale")
            let source = fileName(a.interp.scriptPath) ?? o.source
            try plotting { try o.figure.save(path, width: w, height: h, scale: scale, software: "tx \(txVersion)", source: source) }
            return a.receiver!
        },
        Builtin("kind", "What the figure plots: \"scatter\", \"line\", \"bar\", \"hist\", \"heatmap\", \"corrplot\" or \"grid\".",
                example: "hist([1, 2]).kind   # \"hist\"", receiver: "figure") { a in
            guard case .object(let o as FigureObject)? = a.receiver else { throw TxError.runtime("expected a figure receiver") }
            return .string(o.figure.kind)
        },
        Builtin("path", "Where the figure was last saved (nil before any save).",
                example: #"hist([1, 2]).save("/tmp/tx-example-hist.png").path"#, receiver: "figure") { a in
            guard case .object(let o as FigureObject)? = a.receiver else { throw TxError.runtime("expected a figure receiver") }
            return o.figure.savedPath.map { .string($0) } ?? .nil
        },
    ]
}

/// A figure as a tx value; notebooks embed its PNG.
final class FigureObject: NativeObject, ImageValue {
    let figure: Figure
    /// The file name of the script that made the figure (nil in the REPL and
    /// `-e`), for PNGs encoded after the script's run has ended (notebooks).
    let source: String?
    init(_ interp: Interpreter, _ figure: Figure) { self.figure = figure; source = fileName(interp.scriptPath) }

    var typeName: String { "figure" }
    var display: String {
        let size = figure.savedSize ?? (800, 600)
        var s = "Figure \(size.width)×\(size.height) \(figure.kind)"
        if !figure.title.isEmpty { s += " " + quotedShort(figure.title) }
        if let path = figure.savedPath { s += ", saved to \(path)" }
        return s
    }
    var memberNames: [String] { ["save", "kind", "path"] }
    func member(_ name: String, _ interp: Interpreter) throws -> Value? { nil }
    func pngBytes() throws -> [UInt8] {
        try plotting { try figure.pngBytes(width: 800, height: 600, software: "tx \(txVersion)", source: source) }
    }
    func rgbaPixels(width: Int, height: Int) throws -> [UInt8] {
        try plotting { try figure.render(width: width, height: height).rgba }
    }
}

/// PlotError → a tx runtime error.
private func plotting<T>(_ body: () throws -> T) throws -> T {
    do { return try body() } catch let e as PlotError { throw TxError.runtime(e.message) }
}

/// Names from a list of strings or numbers (e.g. ds.classes, or labels 0…9).
private func names(_ v: Value) throws -> [String] {
    try items(v).map { item in
        if case .string(let s) = item { return s }
        return item.printed
    }
}

/// A list of number series: a flat list (one series), a list of lists, or a 2-D tensor (one per row).
private func series(_ v: Value) throws -> [[Double]] {
    if case .tensor(let t) = v {
        if t.ndim <= 1 { return [t.data.map(Double.init)] }
        guard t.ndim == 2 else { throw TxError.runtime("expected a 1-D or 2-D tensor, got shape \(t.shape)") }
        let cols = t.shape[1]
        return (0..<t.shape[0]).map { r in (0..<cols).map { Double(t.data[r * cols + $0]) } }
    }
    let list = try items(v)
    if list.allSatisfy({ if case .number = $0 { return true }; if case .bool = $0 { return true }; return false }) {
        return [try numbers(v, "plot")]
    }
    return try list.map { try numbers($0, "plot") }
}

/// A path's last component (PNGs record the script's name, not where it lives).
private func fileName(_ path: String?) -> String? {
    guard let path, let last = path.split(separator: "/").last else { return nil }
    return String(last)
}
