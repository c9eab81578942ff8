import CCairo

extension Canvas {
    /// Scatter markers: a disc of `radius` (logical units) at (px(x[i]), py(y[i]))
    /// for each i in order, coloured `palette[colors[i]]` (or palette[0]) at
    /// `alpha`, inside the current clip. `px` and `py` must be affine.
    /// Discs are blended from pre-rendered sprites straight into the image;
    /// Cairo draws them only when the drawing is rotated or the discs are big.
    func points(x: [Double], y: [Double], px: (Double) -> Double, py: (Double) -> Double,
                colors: [Int]?, palette: [RGB], radius: Double, alpha: Double) {
        var m = cairo_matrix_t()
        cairo_get_matrix(cr, &m)
        let target = cairo_get_target(cr)
        let deviceRadius = radius * m.xx
        guard m.xy == 0, m.yx == 0, m.xx == m.yy, m.xx > 0, deviceRadius <= MarkerSprites.maxRadius,
              let target, cairo_surface_get_type(target) == CAIRO_SURFACE_TYPE_IMAGE,
              cairo_image_surface_get_format(target) == CAIRO_FORMAT_ARGB32 else {
            pathPoints(x: x, y: y, px: px, py: py, colors: colors, palette: palette, radius: radius, alpha: alpha)
            return
        }
        // user → device, folded into one affine map per axis
        let ax = (px(1) - px(0)) * m.xx, bx = px(0) * m.xx + m.x0
        let ay = (py(1) - py(0)) * m.yy, by = py(0) * m.yy + m.y0
        var x0 = 0.0, y0 = 0.0, x1 = 0.0, y1 = 0.0
        cairo_clip_extents(cr, &x0, &y0, &x1, &y1)
        let width = Int(cairo_image_surface_get_width(target)), height = Int(cairo_image_surface_get_height(target))
        let clipX = pixelRange(x0 * m.xx + m.x0, x1 * m.xx + m.x0, limit: width)
        let clipY = pixelRange(y0 * m.yy + m.y0, y1 * m.yy + m.y0, limit: height)

        let steps = Double(MarkerSprites.steps)
        let n = x.count
        var placed = PlacedPoints()
        placed.px = [Int32](repeating: 0, count: n); placed.py = placed.px
        placed.sub = [UInt8](repeating: 0, count: n)
        placed.color = [UInt16](repeating: 0, count: n)
        for i in 0..<n {
            // in 1/8 pixels; far-off points are clamped well outside the image
            let qx = Int(min(max((ax * x[i] + bx) * steps, -1e8), 1e8).rounded(.down))
            let qy = Int(min(max((ay * y[i] + by) * steps, -1e8), 1e8).rounded(.down))
            placed.px[i] = Int32(qx >> 3); placed.py[i] = Int32(qy >> 3)
            placed.sub[i] = UInt8((qy & 7) * 8 + (qx & 7))
            if let colors { placed.color[i] = UInt16(truncatingIfNeeded: colors[i]) }
        }
        let argb = palette.map { c -> UInt32 in
            func byte(_ v: Double) -> UInt32 { UInt32(min(max(v, 0), 1) * 255 + 0.5) }
            return 0xff00_0000 | byte(c.r) << 16 | byte(c.g) << 8 | byte(c.b)
        }
        let sprites = MarkerSprites(radius: deviceRadius, alpha: alpha)
        cairo_surface_flush(target)
        guard let data = cairo_image_surface_get_data(target) else { return }
        sprites.blend(placed, palette: argb, into: data, stride: Int(cairo_image_surface_get_stride(target)),
                      clipX: clipX, clipY: clipY)
        cairo_surface_mark_dirty(target)
    }

    /// Whole pixels touched by lo…hi, within 0..<limit.
    private func pixelRange(_ lo: Double, _ hi: Double, limit: Int) -> Range<Int> {
        guard lo.isFinite, hi.isFinite else { return 0..<0 }
        let a = Int(max(0, min(Double(limit), lo.rounded(.down))))
        let b = Int(max(0, min(Double(limit), hi.rounded(.up))))
        return a..<max(a, b)
    }

    /// The same discs drawn as Cairo paths.
    private func pathPoints(x: [Double], y: [Double], px: (Double) -> Double, py: (Double) -> Double,
                            colors: [Int]?, palette: [RGB], radius: Double, alpha: Double) {
        var last = -1
        for i in x.indices {
            let k = colors?[i] ?? 0
            if k != last { color(palette[k], alpha); last = k }
            cairo_arc(cr, px(x[i]), py(y[i]), radius, 0, 2 * Double.pi)
            cairo_fill(cr)
        }
    }
}
