import CCairo
import TxAnalysis
import Glibc

/// One axis: its limits and labelled ticks.
struct Axis {
    var lo: Double, hi: Double
    var ticks: [(value: Double, label: String)]

    /// Limits padded around lo…hi, with nice ticks inside them.
    static func numeric(_ lo: Double, _ hi: Double, pad: Double = 0.05) -> Axis {
        let (a, b) = Ticks.limits(lo, hi, pad: pad)
        return fixed(a, b)
    }
    /// Exactly lo…hi, with nice ticks inside.
    static func fixed(_ lo: Double, _ hi: Double) -> Axis {
        let t = Ticks.ticks(lo, hi)
        return Axis(lo: lo, hi: hi, ticks: Array(zip(t.values, Ticks.labels(t.values, step: t.step))).map { ($0.0, $0.1) })
    }
}

/// What sits right of the plot area.
enum Side {
    case none
    case legend([(String, RGB)], Marker)
    case colorbar(lo: Double, hi: Double, map: (Double) -> RGB)
    enum Marker { case dot, line, box }
}

enum Style {
    static let pad = 12.0
    static let tickLength = 4.0
    static let tickSize = 11.0
    static let labelSize = 13.0
    static let titleSize = 16.0
    static let legendSize = 11.0
}

extension Figure {
    /// Draws the whole figure into r (logical units).
    func draw(_ c: Canvas, _ r: Rect) {
        c.fillRect(r, RGB(1, 1, 1))
        switch spec {
        case .scatter(let s): drawScatter(c, r, s)
        case .line(let x, let ys, let labels): drawLine(c, r, x, ys, labels)
        case .bar(let names, let values): drawBar(c, r, names, values)
        case .hist(let values, let bins): drawHist(c, r, values, bins)
        case .heatmap(let m, let xl, let yl, let cb): drawHeatmap(c, r, m, xl, yl, cb)
        case .corrplot(let s): drawCorr(c, r, s)
        case .grid(let figs, let cols): drawGrid(c, r, figs, cols)
        }
    }

    // MARK: - Axes frame

    /// Lays out title, labels, ticks and the side panel around a plot area,
    /// draws `content` clipped to it, then the frame and ticks. Returns the plot area.
    @discardableResult
    func drawAxes(_ c: Canvas, _ r: Rect, x: Axis, y: Axis, side: Side = .none, frame: Bool = true,
                  content: (Rect, (Double) -> Double, (Double) -> Double) -> Void) -> Rect {
        let tickW = y.ticks.map { c.textWidth($0.label, size: Style.tickSize) }.max() ?? 0
        let left = r.x + Style.pad + (ylabel.isEmpty ? 0 : Canvas.lineHeight(Style.labelSize) + 4)
            + tickW + Style.tickLength + 4
        let top = r.y + Style.pad + (title.isEmpty ? Style.tickSize * 0.5 : Canvas.lineHeight(Style.titleSize) + 8)
        let sideW = sideWidth(c, side)
        let lastTick = x.ticks.last.map { c.textWidth($0.label, size: Style.tickSize) / 2 } ?? 0
        let right = r.maxX - Style.pad - max(sideW, lastTick)
        let plotW = max(right - left, 10)
        // x tick labels: rotated when they would overlap
        let xWidths = x.ticks.map { c.textWidth($0.label, size: Style.tickSize) }
        let slot = plotW / Double(max(x.ticks.count, 1))
        let rotate = (xWidths.max() ?? 0) > slot * 0.9
        let xTickH = rotate ? (xWidths.max() ?? 0) * 0.71 + Style.tickSize : Canvas.lineHeight(Style.tickSize)
        let bottom = r.maxY - Style.pad - (xlabel.isEmpty ? 0 : Canvas.lineHeight(Style.labelSize) + 4)
            - xTickH - Style.tickLength - 3
        let plot = Rect(x: left, y: top, w: plotW, h: max(bottom - top, 10))
        let xspan = x.hi - x.lo, yspan = y.hi - y.lo
        let px: (Double) -> Double = { plot.x + ($0 - x.lo) / xspan * plot.w }
        let py: (Double) -> Double = { plot.maxY - ($0 - y.lo) / yspan * plot.h }

        cairo_save(c.cr)
        cairo_rectangle(c.cr, plot.x, plot.y, plot.w, plot.h)
        cairo_clip(c.cr)
        content(plot, px, py)
        cairo_restore(c.cr)

        let ink = Canvas.ink
        if frame {
            c.hline(plot.x, plot.maxX, plot.y, ink)
            c.hline(plot.x, plot.maxX, plot.maxY, ink)
            c.vline(plot.x, plot.y, plot.maxY, ink)
            c.vline(plot.maxX, plot.y, plot.maxY, ink)
        }
        for (i, t) in x.ticks.enumerated() {
            let X = px(t.value)
            c.vline(X, plot.maxY, plot.maxY + Style.tickLength, ink)
            let ty = plot.maxY + Style.tickLength + 3
            if rotate {
                c.text(t.label, X, ty + 2, size: Style.tickSize, h: .right, v: .middle, angle: -Double.pi / 4)
            } else {
                _ = i
                c.text(t.label, X, ty, size: Style.tickSize, h: .center, v: .top)
            }
        }
        for t in y.ticks {
            let Y = py(t.value)
            c.hline(plot.x - Style.tickLength, plot.x, Y, ink)
            c.text(t.label, plot.x - Style.tickLength - 3, Y, size: Style.tickSize, h: .right, v: .middle)
        }
        if !title.isEmpty {
            c.text(title, plot.x + plot.w / 2, r.y + Style.pad, size: Style.titleSize, h: .center, v: .top)
        }
        if !xlabel.isEmpty {
            c.text(xlabel, plot.x + plot.w / 2, r.maxY - Style.pad, size: Style.labelSize, h: .center, v: .bottom)
        }
        if !ylabel.isEmpty {
            c.text(ylabel, r.x + Style.pad, plot.y + plot.h / 2, size: Style.labelSize, h: .center, v: .top,
                   angle: -Double.pi / 2)
        }
        drawSide(c, side, plot)
        lastPlotArea = plot
        return plot
    }

    func sideWidth(_ c: Canvas, _ side: Side) -> Double {
        switch side {
        case .none: return 0
        case .legend(let entries, _):
            let w = entries.map { c.textWidth($0.0, size: Style.legendSize) }.max() ?? 0
            return 12 + 8 + 18 + 6 + w + 8
        case .colorbar(let lo, let hi, _):
            let a = Axis.fixed(lo, hi)
            let w = a.ticks.map { c.textWidth($0.label, size: Style.tickSize) }.max() ?? 0
            return 16 + 16 + Style.tickLength + 3 + w
        }
    }

    func drawSide(_ c: Canvas, _ side: Side, _ plot: Rect) {
        switch side {
        case .none: return
        case .legend(let entries, let marker):
            guard !entries.isEmpty else { return }
            let row = Canvas.lineHeight(Style.legendSize) + 4
            let w = (entries.map { c.textWidth($0.0, size: Style.legendSize) }.max() ?? 0) + 8 + 18 + 6 + 8
            let box = Rect(x: plot.maxX + 12, y: plot.y, w: w, h: row * Double(entries.count) + 10)
            c.fillRect(box, RGB(1, 1, 1))
            c.color(RGB(0.8, 0.8, 0.8))
            cairo_set_line_width(c.cr, 1)
            cairo_rectangle(c.cr, c.snap(box.x), c.snap(box.y), box.w, box.h)
            cairo_stroke(c.cr)
            for (i, e) in entries.enumerated() {
                let cy = box.y + 5 + row * (Double(i) + 0.5)
                let mx = box.x + 8 + 9
                switch marker {
                case .dot:
                    c.color(e.1)
                    cairo_arc(c.cr, mx, cy, 4.5, 0, 2 * Double.pi)
                    cairo_fill(c.cr)
                case .line:
                    c.line(mx - 9, cy, mx + 9, cy, e.1, width: 2)
                case .box:
                    c.fillRect(Rect(x: mx - 6, y: cy - 5, w: 12, h: 10), e.1)
                }
                c.text(e.0, box.x + 8 + 18 + 6, cy, size: Style.legendSize, h: .left, v: .middle)
            }
        case .colorbar(let lo, let hi, let map):
            let bar = Rect(x: plot.maxX + 16, y: plot.y, w: 16, h: plot.h)
            let steps = max(Int(bar.h), 2)
            for i in 0..<steps {
                let t = 1 - Double(i) / Double(steps - 1)
                c.fillRect(Rect(x: bar.x, y: bar.y + bar.h * Double(i) / Double(steps), w: bar.w,
                                h: bar.h / Double(steps) + 0.6), map(t))
            }
            let a = Axis.fixed(lo, hi)
            let ink = Canvas.ink
            c.color(ink)
            cairo_set_line_width(c.cr, 1)
            cairo_rectangle(c.cr, c.snap(bar.x), c.snap(bar.y), bar.w, bar.h)
            cairo_stroke(c.cr)
            for t in a.ticks {
                let Y = bar.maxY - (t.value - lo) / (hi - lo) * bar.h
                c.hline(bar.maxX, bar.maxX + Style.tickLength, Y, ink)
                c.text(t.label, bar.maxX + Style.tickLength + 3, Y, size: Style.tickSize, h: .left, v: .middle)
            }
        }
    }

    // MARK: - Plots

    func drawScatter(_ c: Canvas, _ r: Rect, _ s: Scatter) {
        let x = Axis.numeric(s.x.min()!, s.x.max()!), y = Axis.numeric(s.y.min()!, s.y.max()!)
        var side = Side.none
        var classCount = 0
        var cmin = 0.0, cmax = 1.0
        if let color = s.color {
            if s.categorical {
                classCount = max(s.classes?.count ?? 0, Int(color.max() ?? 0) + 1)
                if s.legend {
                    let names = (0..<classCount).map { k in s.classes.map { $0[k] } ?? String(k) }
                    side = .legend(names.enumerated().map { ($0.element, Palette.categorical($0.offset, count: classCount)) }, .dot)
                }
            } else {
                cmin = color.min()!; cmax = color.max()!
                if Ticks.isFlat(cmin, cmax) { (cmin, cmax) = Ticks.limits(cmin, cmax) }
                if s.legend { side = .colorbar(lo: cmin, hi: cmax, map: Palette.viridis) }
            }
        }
        drawAxes(c, r, x: x, y: y, side: side) { _, px, py in
            if let color = s.color, s.categorical {
                let palette = (0..<classCount).map { Palette.categorical($0, count: classCount) }
                c.points(x: s.x, y: s.y, px: px, py: py, colors: color.map { Int($0) }, palette: palette,
                         radius: s.size, alpha: s.alpha)
            } else if let color = s.color {
                // viridis in 256 steps, as matplotlib's colour maps are
                let palette = (0..<256).map { Palette.viridis(Double($0) / 255) }
                let span = cmax - cmin
                let index = color.map { Int((min(max(($0 - cmin) / span, 0), 1) * 255).rounded()) }
                c.points(x: s.x, y: s.y, px: px, py: py, colors: index, palette: palette, radius: s.size, alpha: s.alpha)
            } else {
                c.points(x: s.x, y: s.y, px: px, py: py, colors: nil, palette: [Palette.tab10[0]],
                         radius: s.size, alpha: s.alpha)
            }
        }
    }

    func drawLine(_ c: Canvas, _ r: Rect, _ xs: [Double], _ ys: [[Double]], _ labels: [String]?) {
        let all = ys.flatMap { $0 }
        let x = Axis.numeric(xs.min()!, xs.max()!, pad: 0.03), y = Axis.numeric(all.min()!, all.max()!)
        let colors = ys.indices.map { Palette.categorical($0, count: ys.count) }
        let side: Side = labels.map { .legend(Array(zip($0, colors)).map { ($0.0, $0.1) }, .line) } ?? .none
        drawAxes(c, r, x: x, y: y, side: side) { _, px, py in
            cairo_set_line_join(c.cr, CAIRO_LINE_JOIN_ROUND)
            cairo_set_line_cap(c.cr, CAIRO_LINE_CAP_ROUND)
            for (k, series) in ys.enumerated() {
                c.color(colors[k])
                cairo_set_line_width(c.cr, 2)
                for (i, v) in series.enumerated() {
                    if i == 0 { cairo_move_to(c.cr, px(xs[i]), py(v)) } else { cairo_line_to(c.cr, px(xs[i]), py(v)) }
                }
                if series.count == 1 {
                    cairo_arc(c.cr, px(xs[0]), py(series[0]), 2.5, 0, 2 * Double.pi)
                    cairo_fill(c.cr)
                } else {
                    cairo_stroke(c.cr)
                }
            }
        }
    }

    /// Limits for bars: always including 0, padded away from it.
    static func barAxis(_ values: [Double]) -> Axis {
        var lo = min(0, values.min()!), hi = max(0, values.max()!)
        if lo == hi { hi = 1 }
        let d = (hi - lo) * 0.05
        if hi > 0 { hi += d }
        if lo < 0 { lo -= d }
        return Axis.fixed(lo, hi)
    }

    func drawBar(_ c: Canvas, _ r: Rect, _ names: [String], _ values: [Double]) {
        let n = values.count
        let x = Axis(lo: -0.6, hi: Double(n) - 0.4, ticks: names.enumerated().map { (Double($0.offset), $0.element) })
        let y = Figure.barAxis(values)
        drawAxes(c, r, x: x, y: y) { _, px, py in
            for (i, v) in values.enumerated() {
                let x0 = px(Double(i) - 0.4), x1 = px(Double(i) + 0.4)
                let y0 = py(0), y1 = py(v)
                c.fillRect(Rect(x: x0, y: min(y0, y1), w: x1 - x0, h: abs(y1 - y0)), Palette.tab10[0])
            }
            if y.lo < 0 { c.hline(px(x.lo), px(x.hi), py(0), Canvas.ink) }
        }
    }

    func drawHist(_ c: Canvas, _ r: Rect, _ values: [Double], _ bins: Int) {
        var lo = values.min()!, hi = values.max()!
        if Ticks.isFlat(lo, hi) { (lo, hi) = Ticks.limits(lo, hi) }
        let width = (hi - lo) / Double(bins)
        var counts = [Double](repeating: 0, count: bins)
        for v in values { counts[min(max(Int(min((v - lo) / width, 1e9)), 0), bins - 1)] += 1 }
        let x = Axis.numeric(lo, hi)
        let y = Figure.barAxis(counts)
        drawAxes(c, r, x: x, y: y) { _, px, py in
            for (i, n) in counts.enumerated() where n > 0 {
                let x0 = px(lo + Double(i) * width), x1 = px(lo + Double(i + 1) * width)
                let rect = Rect(x: x0, y: py(n), w: x1 - x0, h: py(0) - py(n))
                c.fillRect(rect, Palette.tab10[0])
                c.color(RGB(1, 1, 1))
                cairo_set_line_width(c.cr, 0.6)
                cairo_rectangle(c.cr, rect.x, rect.y, rect.w, rect.h)
                cairo_stroke(c.cr)
            }
        }
    }

    func drawHeatmap(_ c: Canvas, _ r: Rect, _ m: [[Double]], _ xl: [String]?, _ yl: [String]?, _ colorbar: Bool) {
        let rows = m.count, cols = m[0].count
        var vmax = m.flatMap { $0 }.map(abs).max() ?? 1
        if !(vmax > 1e-290) { vmax = 1 }  // all (nearly) zero
        func thin(_ labels: [String], _ span: Double, value: (Int) -> Double) -> [(value: Double, label: String)] {
            let step = max(1, Int((Double(labels.count) * 14 / max(span, 1)).rounded(.up)))
            return labels.enumerated().filter { $0.offset % step == 0 }.map { (value($0.offset), $0.element) }
        }
        let xnames = xl ?? (0..<cols).map { String($0) }, ynames = yl ?? (0..<rows).map { String($0) }
        let x = Axis(lo: 0, hi: Double(cols), ticks: thin(xnames, r.w * 0.7) { Double($0) + 0.5 })
        let y = Axis(lo: 0, hi: Double(rows), ticks: thin(ynames, r.h * 0.7) { Double(rows - $0) - 0.5 })
        let side: Side = colorbar ? .colorbar(lo: -vmax, hi: vmax, map: Palette.diverging) : .none
        drawAxes(c, r, x: x, y: y, side: side) { plot, px, py in
            let cw = plot.w / Double(cols), ch = plot.h / Double(rows)
            let size = min(11, ch * 0.45)
            var annotate = rows * cols <= 400 && size >= 7
            if annotate {
                let widest = c.textWidth("−0.00", size: size)
                annotate = widest + 4 <= cw
            }
            for i in 0..<rows {
                for j in 0..<cols {
                    let v = m[i][j]
                    let color = Palette.diverging((v / vmax + 1) / 2)
                    let x0 = px(Double(j)), y0 = py(Double(rows - i))
                    // cells overlap by a hair so no seams show
                    c.fillRect(Rect(x: x0, y: y0, w: cw + 0.5, h: ch + 0.5), color)
                    if annotate {
                        let label = abs(v) < 100 ? Ticks.fixed(v, 2) : Ticks.shortNumber(v)
                        c.text(label, x0 + cw / 2, y0 + ch / 2, size: size,
                               color: color.luminance < 0.5 ? RGB(1, 1, 1) : Canvas.ink, h: .center, v: .middle)
                    }
                }
            }
        }
    }

    func drawCorr(_ c: Canvas, _ r: Rect, _ s: Corr) {
        func scale(_ v: [Double]) -> Double { v.allSatisfy { $0 <= 1 } ? 1 : 100 }
        let sx = scale(s.x), sy = scale(s.y)
        let tx = s.logit ? s.x.map { Ticks.logit($0 / sx) } : s.x
        let ty = s.logit ? s.y.map { Ticks.logit($0 / sy) } : s.y
        var x = Axis.numeric(tx.min()!, tx.max()!, pad: 0.08), y = Axis.numeric(ty.min()!, ty.max()!, pad: 0.12)
        if s.logit {
            x.ticks = Ticks.logitTicks(x.lo, x.hi)
            y.ticks = Ticks.logitTicks(y.lo, y.hi)
        }
        let stats = CorrelationSummary(tx, ty)
        drawAxes(c, r, x: x, y: y) { plot, px, py in
            if s.fit, let (a, b) = stats.fit {
                cairo_set_dash(c.cr, [6, 4], 2, 0)
                c.line(px(x.lo), py(a + b * x.lo), px(x.hi), py(a + b * x.hi), RGB(0.45, 0.45, 0.45), width: 1.5)
                cairo_set_dash(c.cr, nil, 0, 0)
            }
            for i in tx.indices {
                let X = px(tx[i]), Y = py(ty[i])
                c.color(Palette.tab10[0])
                cairo_arc(c.cr, X, Y, 5, 0, 2 * Double.pi)
                cairo_fill_preserve(c.cr)
                c.color(RGB(1, 1, 1))
                cairo_set_line_width(c.cr, 1)
                cairo_stroke(c.cr)
                if let name = s.names?[i], !name.isEmpty {
                    let w = c.textWidth(name, size: 10)
                    let onLeft = X + 8 + w > plot.maxX - 2
                    c.text(name, onLeft ? X - 8 : X + 8, Y - 3, size: 10, color: RGB(0.25, 0.25, 0.25),
                           h: onLeft ? .right : .left, v: .baseline)
                }
            }
            var lines: [String] = []
            if let r = stats.r {
                lines.append("r = \(Ticks.fixed(r, 2))" + (stats.p.map { ", p = \(pString($0))" } ?? ""))
            }
            if let rho = stats.rho { lines.append("ρ = \(Ticks.fixed(rho, 2))") }
            let size = 12.0, lh = Canvas.lineHeight(size)
            // the corner away from the fitted trend
            let rising = (stats.fit?.1 ?? 1) >= 0
            let w = lines.map { c.textWidth($0, size: size) }.max() ?? 0
            let bx = plot.x + 8, by = rising ? plot.y + 8 : plot.maxY - 8 - lh * Double(lines.count)
            if !lines.isEmpty {
                c.fillRect(Rect(x: bx - 4, y: by - 2, w: w + 8, h: lh * Double(lines.count) + 4), RGB(1, 1, 1), 0.85)
            }
            for (i, line) in lines.enumerated() {
                c.text(line, bx, by + lh * Double(i), size: size, h: .left, v: .top)
            }
        }
    }

    func drawGrid(_ c: Canvas, _ r: Rect, _ figs: [Figure], _ cols: Int) {
        let rows = (figs.count + cols - 1) / cols
        var top = r.y
        if !title.isEmpty {
            c.text(title, r.x + r.w / 2, r.y + Style.pad, size: Style.titleSize, bold: true, h: .center, v: .top)
            top += Style.pad + Canvas.lineHeight(Style.titleSize) + 4
        }
        let cw = r.w / Double(cols), ch = (r.maxY - top) / Double(rows)
        let k = max(0.4, min(1, cw / 420, ch / 320))
        for (i, f) in figs.enumerated() {
            let cx = r.x + cw * Double(i % cols), cy = top + ch * Double(i / cols)
            cairo_save(c.cr)
            cairo_translate(c.cr, cx, cy)
            cairo_scale(c.cr, k, k)
            let sub = Canvas(c.cr, scale: c.scale * k)
            f.draw(sub, Rect(x: 0, y: 0, w: cw / k, h: ch / k))
            cairo_restore(c.cr)
        }
    }
}

func pString(_ p: Double) -> String {
    if p >= 0.001 { return Ticks.fixed(p, 3) }
    if p == 0 { return "0" }
    let e = Int(floor(log10(p)))
    var m = p / pow(10, Double(e)), e2 = e
    if m >= 9.95 { m /= 10; e2 += 1 }
    return "\(Ticks.fixed(m, 1))e−\(abs(e2))"
}

/// Pearson r with its two-sided p, Spearman ρ (from TxAnalysis, the same
/// numbers `pearson`/`spearman` give), and the least-squares line.
struct CorrelationSummary {
    var r: Double?, p: Double?, rho: Double?
    var fit: (Double, Double)?

    init(_ x: [Double], _ y: [Double]) {
        let n = x.count
        guard n >= 2 else { return }
        let mx = x.reduce(0, +) / Double(n), my = y.reduce(0, +) / Double(n)
        var sxy = 0.0, sxx = 0.0
        for i in 0..<n { sxy += (x[i] - mx) * (y[i] - my); sxx += (x[i] - mx) * (x[i] - mx) }
        if sxx > 0 { fit = (my - sxy / sxx * mx, sxy / sxx) }
        if let pearson = try? Correlation.pearson(x, y), pearson.r.isFinite {
            r = pearson.r
            if n >= 3 { p = pearson.p }
        }
        if n >= 3, let spearman = try? Correlation.spearman(x, y), spearman.r.isFinite { rho = spearman.r }
    }
}
