/// Anti-aliased disc coverage, pre-rendered once per figure at 8×8 sub-pixel
/// offsets, so a scatter of a million points is a million small table blends
/// instead of a million Cairo path fills.
struct MarkerSprites {
    /// Sub-pixel positions per pixel along each axis (points snap to 1/8 pixel).
    static let steps = 8
    /// The sprite spans pixels −reach…reach around the point's pixel.
    let reach: Int
    /// Side of one sprite in pixels (2·reach + 1).
    let side: Int
    /// For offset (sx, sy): side² opacities 0…255 (coverage × alpha), row by row.
    let masks: [UInt8]
    /// For each mask row: the first and one-past-last column that is not 0.
    let spans: [UInt8]

    /// The largest radius (device pixels) drawn with sprites; bigger discs
    /// are few and drawn by Cairo (their sprites would be large).
    static let maxRadius = 24.0

    /// Discs of `radius` device pixels drawn with `alpha`.
    init(radius: Double, alpha: Double) {
        let s = MarkerSprites.steps
        // the disc's centre lies in the middle pixel, so ⌈radius⌉ pixels either side hold it
        reach = max(1, Int(radius.rounded(.up)))
        side = 2 * reach + 1
        let side = side, reach = reach
        // Coverage by 16×16 samples per pixel: close to Cairo's own anti-aliasing.
        let samples = 16
        let r2 = radius * radius
        var masks = [UInt8](repeating: 0, count: s * s * side * side)
        for sy in 0..<s {
            for sx in 0..<s {
                // the disc's centre within the sprite: the middle of its sub-pixel cell
                let cx = Double(reach) + (Double(sx) + 0.5) / Double(s)
                let cy = Double(reach) + (Double(sy) + 0.5) / Double(s)
                let base = (sy * s + sx) * side * side
                for j in 0..<side {
                    for i in 0..<side {
                        // whole pixels in or out need no sampling
                        let nx = max(Double(i) - cx, 0, cx - Double(i + 1)), ny = max(Double(j) - cy, 0, cy - Double(j + 1))
                        if nx * nx + ny * ny >= r2 { continue }
                        let fx = max(abs(Double(i) - cx), abs(Double(i + 1) - cx))
                        let fy = max(abs(Double(j) - cy), abs(Double(j + 1) - cy))
                        if fx * fx + fy * fy <= r2 {
                            masks[base + j * side + i] = UInt8((alpha * 255).rounded())
                            continue
                        }
                        var inside = 0
                        for v in 0..<samples {
                            let dy = Double(j) + (Double(v) + 0.5) / Double(samples) - cy
                            for u in 0..<samples {
                                let dx = Double(i) + (Double(u) + 0.5) / Double(samples) - cx
                                if dx * dx + dy * dy <= r2 { inside += 1 }
                            }
                        }
                        let coverage = Double(inside) / Double(samples * samples)
                        masks[base + j * side + i] = UInt8((coverage * alpha * 255).rounded())
                    }
                }
            }
        }
        var spans = [UInt8](repeating: 0, count: s * s * side * 2)
        for row in 0..<(s * s * side) {
            let cells = masks[row * side..<(row + 1) * side]
            if let first = cells.firstIndex(where: { $0 != 0 }), let last = cells.lastIndex(where: { $0 != 0 }) {
                spans[2 * row] = UInt8(first - row * side); spans[2 * row + 1] = UInt8(last + 1 - row * side)
            }
        }
        self.masks = masks
        self.spans = spans
    }
}

/// Points placed for blending: device pixel, sub-pixel offset and colour.
struct PlacedPoints {
    var px: [Int32] = [], py: [Int32] = [], sub: [UInt8] = [], color: [UInt16] = []
}

extension MarkerSprites {
    /// Blends points (in order) over a Cairo ARGB32 image (premultiplied,
    /// native-endian) inside `clip` (pixel rows and columns, end-exclusive).
    /// `palette` holds opaque colours as 0xAARRGGBB. Rows are split into
    /// bands drawn in parallel; each band draws every point in the same order,
    /// so the pixels are the same whatever the number of threads.
    func blend(_ pts: PlacedPoints, palette: [UInt32], into data: UnsafeMutablePointer<UInt8>, stride: Int,
               clipX: Range<Int>, clipY: Range<Int>, bands: Int? = nil) {
        guard !clipX.isEmpty, !clipY.isEmpty, !pts.px.isEmpty else { return }
        let bands = max(1, min(bands ?? Parallel.threads, clipY.count))
        let rowsPerBand = (clipY.count + bands - 1) / bands
        let base = UnsafeMutableRawPointer(data)
        Parallel.run(bands) { band in
            let y0 = clipY.lowerBound + band * rowsPerBand
            let y1 = min(clipY.upperBound, y0 + rowsPerBand)
            guard y0 < y1 else { return }
            blendBand(pts, palette, base, stride, clipX, y0..<y1)
        }
    }

    private func blendBand(_ pts: PlacedPoints, _ palette: [UInt32], _ base: UnsafeMutableRawPointer, _ stride: Int,
                           _ clipX: Range<Int>, _ rows: Range<Int>) {
        let reach = reach, side = side
        let lo = rows.lowerBound, hi = rows.upperBound, xlo = clipX.lowerBound, xhi = clipX.upperBound
        masks.withUnsafeBufferPointer { m in
          spans.withUnsafeBufferPointer { sp in
            palette.withUnsafeBufferPointer { pal in
                pts.px.withUnsafeBufferPointer { pxs in
                    pts.py.withUnsafeBufferPointer { pys in
                        pts.sub.withUnsafeBufferPointer { subs in
                            pts.color.withUnsafeBufferPointer { cols in
                                for k in 0..<pxs.count {
                                    let cy = Int(pys[k])
                                    let top = max(cy - reach, lo), bottom = min(cy + reach + 1, hi)
                                    if top >= bottom { continue }
                                    let cx = Int(pxs[k])
                                    let left = max(cx - reach, xlo), right = min(cx + reach + 1, xhi)
                                    if left >= right { continue }
                                    let src = pal[Int(cols[k])]
                                    let sprite = Int(subs[k]) * side
                                    for y in top..<bottom {
                                        let r = sprite + y - cy + reach  // the sprite row's index
                                        let x0 = max(left, cx - reach + Int(sp[2 * r]))
                                        let x1 = min(right, cx - reach + Int(sp[2 * r + 1]))
                                        if x0 >= x1 { continue }
                                        let row = (base + y * stride).assumingMemoryBound(to: UInt32.self)
                                        let mrow = r * side - (cx - reach)
                                        for x in x0..<x1 {
                                            let a = UInt32(m[mrow + x])
                                            if a == 255 { row[x] = src } else if a != 0 { row[x] = over(row[x], src, a) }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
          }
        }
    }
}

/// `src` (opaque, premultiplied ARGB) at opacity a/255 over `dst`, two
/// channels per multiply, rounded exactly like x/255.
@inline(__always)
func over(_ dst: UInt32, _ src: UInt32, _ a: UInt32) -> UInt32 {
    let ia = 255 - a
    var rb = (src & 0xff00ff) &* a &+ (dst & 0xff00ff) &* ia &+ 0x800080
    rb = ((rb &+ ((rb >> 8) & 0xff00ff)) >> 8) & 0xff00ff
    var ag = ((src >> 8) & 0xff00ff) &* a &+ ((dst >> 8) & 0xff00ff) &* ia &+ 0x800080
    ag = (ag &+ ((ag >> 8) & 0xff00ff)) & 0xff00ff00
    return rb | ag
}
