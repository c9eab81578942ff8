import CCairo
import Glibc

struct Rect {
    var x: Double, y: Double, w: Double, h: Double
    var maxX: Double { x + w }
    var maxY: Double { y + h }
}

enum HAlign { case left, center, right }
enum VAlign { case top, middle, baseline, bottom }

/// A thin layer over a Cairo context in logical units (device pixels / scale):
/// colours, lines, and text in DejaVu Sans measured with cairo_text_extents.
final class Canvas {
    let cr: OpaquePointer
    /// Device pixels per logical unit, for snapping 1-unit lines to pixels.
    let scale: Double

    static let fontFamily = "DejaVu Sans"
    static let ink = RGB(0.1, 0.1, 0.1)
    static let gridGray = RGB(0.88, 0.88, 0.88)

    init(_ cr: OpaquePointer, scale: Double) {
        self.cr = cr
        self.scale = scale
        let options = cairo_font_options_create()
        cairo_font_options_set_antialias(options, CAIRO_ANTIALIAS_GRAY)
        cairo_font_options_set_hint_style(options, CAIRO_HINT_STYLE_NONE)
        cairo_font_options_set_hint_metrics(options, CAIRO_HINT_METRICS_OFF)
        cairo_set_font_options(cr, options)
        cairo_font_options_destroy(options)
        cairo_set_antialias(cr, CAIRO_ANTIALIAS_DEFAULT)
    }

    func color(_ c: RGB, _ alpha: Double = 1) {
        if alpha >= 1 { cairo_set_source_rgb(cr, c.r, c.g, c.b) } else { cairo_set_source_rgba(cr, c.r, c.g, c.b, alpha) }
    }

    func fillRect(_ r: Rect, _ c: RGB, _ alpha: Double = 1) {
        color(c, alpha)
        cairo_rectangle(cr, r.x, r.y, r.w, r.h)
        cairo_fill(cr)
    }

    /// A coordinate snapped so a line `width` units wide lands on whole device pixels.
    func snap(_ v: Double, width: Double = 1) -> Double {
        let px = max(1, (width * scale).rounded())
        let odd = Int(px) % 2 == 1
        return ((v * scale).rounded(.down) + (odd ? 0.5 : 0)) / scale
    }

    func line(_ x0: Double, _ y0: Double, _ x1: Double, _ y1: Double, _ c: RGB, width: Double = 1) {
        color(c)
        cairo_set_line_width(cr, width)
        cairo_move_to(cr, x0, y0)
        cairo_line_to(cr, x1, y1)
        cairo_stroke(cr)
    }

    /// A crisp horizontal or vertical line.
    func hline(_ x0: Double, _ x1: Double, _ y: Double, _ c: RGB, width: Double = 1) {
        let sy = snap(y, width: width)
        line(x0, sy, x1, sy, c, width: width)
    }
    func vline(_ x: Double, _ y0: Double, _ y1: Double, _ c: RGB, width: Double = 1) {
        let sx = snap(x, width: width)
        line(sx, y0, sx, y1, c, width: width)
    }

    func font(_ size: Double, bold: Bool = false) {
        cairo_select_font_face(cr, Canvas.fontFamily, CAIRO_FONT_SLANT_NORMAL,
                               bold ? CAIRO_FONT_WEIGHT_BOLD : CAIRO_FONT_WEIGHT_NORMAL)
        cairo_set_font_size(cr, size)
    }

    /// The advance width of text at a size.
    func textWidth(_ s: String, size: Double, bold: Bool = false) -> Double {
        guard !s.isEmpty else { return 0 }
        font(size, bold: bold)
        var e = cairo_text_extents_t()
        cairo_text_extents(cr, s, &e)
        return e.x_advance
    }

    /// Line height of text at a size (DejaVu Sans: ascent 0.93 em + descent 0.24 em).
    static func lineHeight(_ size: Double) -> Double { size * 1.17 }

    /// Draws text anchored at (x, y); `angle` in radians (−π/2 reads bottom to top).
    func text(_ s: String, _ x: Double, _ y: Double, size: Double, bold: Bool = false, color c: RGB = Canvas.ink,
              h: HAlign = .left, v: VAlign = .baseline, angle: Double = 0) {
        guard !s.isEmpty else { return }
        let w = textWidth(s, size: size, bold: bold)
        let dx: Double = h == .left ? 0 : h == .center ? -w / 2 : -w
        let dy: Double
        switch v {
        case .baseline: dy = 0
        case .top: dy = size * 0.93
        case .middle: dy = size * 0.36
        case .bottom: dy = -size * 0.24
        }
        color(c)
        cairo_save(cr)
        cairo_translate(cr, x, y)
        if angle != 0 { cairo_rotate(cr, angle) }
        cairo_move_to(cr, dx, dy)
        cairo_show_text(cr, s)
        cairo_restore(cr)
    }
}
