#if canImport(Glibc)
import Glibc
#endif
import Dispatch
import TxTensor

/// The label tasks of the procedural `shapes` dataset; every task labels the
/// same images (see docs/data.md).
public enum ShapesTask: String, CaseIterable, Sendable {
    /// What the objects are: circle, square, triangle, cross, ring.
    case shape
    /// Their colour: red, green, blue, yellow, magenta, cyan.
    case color
    /// Their surface: plain, stripes, dots, checker.
    case texture
    /// How many objects there are: 1–4.
    case count

    /// The class names, in label order.
    public var classes: [String] {
        switch self {
        case .shape: return Shapes.shapeNames
        case .color: return Shapes.colorNames
        case .texture: return Shapes.textureNames
        case .count: return ["1", "2", "3", "4"]
        }
    }
}

/// A procedural image dataset for offline transfer experiments: `n` RGB
/// images `[n, 3, size, size]` in [0, 1], each holding one to four objects of
/// one shape, colour and texture on a varied background (a tinted grey with a
/// gradient and pixel noise). Objects are anti-aliased (coverage from a signed
/// distance, a one-pixel ramp), so the classes stay learnable at 16–32 pixels.
///
/// Each factor is balanced (its classes differ in size by at most one) and
/// drawn independently of the others. The images depend only on `n`, `seed`
/// and `size`; `task` only picks which factor becomes `y`, so one seed gives
/// the same images under every task (pretrain on `shape`, probe on `count`).
///
/// - Throws: `DataError` for `n` < 1, a size outside 8…256, or n × size² too large.
public func shapes(n: Int, seed: UInt64 = 0, size: Int = 32, task: ShapesTask = .shape) throws -> Dataset {
    guard n >= 1 else { throw DataError("shapes(): n must be at least 1, got \(n)") }
    guard size >= 8, size <= 256 else { throw DataError("shapes(): size must be between 8 and 256 pixels, got \(size)") }
    guard n <= (1 << 31) / (3 * size * size) else {
        throw DataError("shapes(): \(n) images of \(size)×\(size) are too many (over 2³¹ values)")
    }
    let factors = Shapes.factors(n, seed: seed)
    let plane = size * size
    let pixels = [Float](unsafeUninitializedCapacity: n * 3 * plane) { out, count in
        // Each image has its own random stream, so drawing chunks in parallel
        // gives the same bytes as drawing them in order.
        let chunk = 256, chunks = (n + chunk - 1) / chunk
        let base = out.baseAddress!
        DispatchQueue.concurrentPerform(iterations: chunks) { c in
            for i in (c * chunk)..<Swift.min(n, (c + 1) * chunk) {
                Shapes.draw(factors[i], image: i, seed: seed, size: size,
                            into: UnsafeMutableBufferPointer(start: base + i * 3 * plane, count: 3 * plane))
            }
        }
        count = n * 3 * plane
    }
    let labels = factors.map { f -> Float in
        switch task {
        case .shape: return Float(f.shape)
        case .color: return Float(f.color)
        case .texture: return Float(f.texture)
        case .count: return Float(f.count - 1)
        }
    }
    return try Dataset(x: Tensor(shape: [n, 3, size, size], data: pixels), y: Tensor(shape: [n], data: labels),
                       classes: task.classes, name: "shapes " + task.rawValue, imageShape: [3, size, size])
}

enum Shapes {
    static let shapeNames = ["circle", "square", "triangle", "cross", "ring"]
    static let colorNames = ["red", "green", "blue", "yellow", "magenta", "cyan"]
    static let textureNames = ["plain", "stripes", "dots", "checker"]
    static let palette: [(Float, Float, Float)] = [(0.9, 0.12, 0.1), (0.15, 0.8, 0.2), (0.15, 0.3, 0.95),
                                                   (0.95, 0.88, 0.15), (0.9, 0.2, 0.85), (0.15, 0.85, 0.9)]

    struct Factors { var shape = 0, color = 0, texture = 0, count = 1 }

    /// Balanced, independent factors: factor value i is `perm[i] mod K` for a
    /// random permutation per factor.
    static func factors(_ n: Int, seed: UInt64) -> [Factors] {
        var rng = RandomSource(seed: seed ^ 0x5348_4150_4553)  // "SHAPES"
        let ps = Dataset.permutation(n, &rng), pc = Dataset.permutation(n, &rng)
        let pt = Dataset.permutation(n, &rng), pn = Dataset.permutation(n, &rng)
        return (0..<n).map { i in
            Factors(shape: ps[i] % shapeNames.count, color: pc[i] % colorNames.count,
                    texture: pt[i] % textureNames.count, count: pn[i] % 4 + 1)
        }
    }

    /// Signed distance (pixels, negative inside) from (dx, dy) to a shape of
    /// radius r centred at the origin (y grows downwards).
    @inline(__always)
    static func distance(_ shape: Int, _ dx: Float, _ dy: Float, _ r: Float) -> Float {
        func box(_ x: Float, _ y: Float, _ hx: Float, _ hy: Float) -> Float {
            let qx = abs(x) - hx, qy = abs(y) - hy
            let ox = Swift.max(qx, 0), oy = Swift.max(qy, 0)
            return (ox * ox + oy * oy).squareRoot() + Swift.min(Swift.max(qx, qy), 0)
        }
        switch shape {
        case 0: return (dx * dx + dy * dy).squareRoot() - r
        case 1: return box(dx, dy, 0.82 * r, 0.82 * r)
        case 2:
            // Equilateral triangle pointing up, half side h, centred on its centroid.
            let k: Float = 1.7320508, h = 0.95 * r
            var px = abs(dx) - h, py = -dy + h / k
            if px + k * py > 0 { (px, py) = ((px - k * py) / 2, (-k * px - py) / 2) }
            px -= Swift.min(Swift.max(px, -2 * h), 0)
            let len = (px * px + py * py).squareRoot()
            return py > 0 ? -len : len
        case 3: return Swift.min(box(dx, dy, r, 0.32 * r), box(dx, dy, 0.32 * r, r))
        default: return abs((dx * dx + dy * dy).squareRoot() - 0.68 * r) - 0.32 * r
        }
    }

    /// The texture's brightness factor in [0.3, 1] at (dx, dy) from the
    /// object's centre; `period` in pixels, `angle` for stripes.
    @inline(__always)
    static func texture(_ t: Int, _ dx: Float, _ dy: Float, period: Float, cosA: Float, sinA: Float) -> Float {
        let dark: Float = 0.3
        func ramp(_ v: Float) -> Float { Swift.min(Swift.max(v, 0), 1) }
        switch t {
        case 1:
            let s = sin(2 * Float.pi * (dx * cosA + dy * sinA) / period)
            return dark + (1 - dark) * ramp(0.5 + 1.5 * s)
        case 2:
            let gx = dx / period - (dx / period).rounded(), gy = dy / period - (dy / period).rounded()
            let d = (gx * gx + gy * gy).squareRoot() * period - 0.3 * period
            return 1 - (1 - dark) * ramp(0.5 - d)
        case 3:
            let s = sin(Float.pi * dx / (period / 2 * 1.0001) + 0.5) * sin(Float.pi * dy / (period / 2 * 1.0001) + 0.5)
            return dark + (1 - dark) * ramp(0.5 + 2 * s)
        default: return 1
        }
    }

    /// Draws image `image` (factors `f`) as 3 planes into `out`.
    static func draw(_ f: Factors, image: Int, seed: UInt64, size: Int, into out: UnsafeMutableBufferPointer<Float>) {
        var rng = RandomSource(seed: seed &+ 0x9E37_79B9_7F4A_7C15 &* UInt64(image + 1))
        func uniform(_ lo: Float, _ hi: Float) -> Float { lo + (hi - lo) * Float(rng.nextDouble()) }
        let s = Float(size), plane = size * size
        // Background: a dim-to-bright, weakly tinted grey, a gradient, and noise.
        let grey = uniform(0.1, 0.75)
        let tint = (uniform(-0.08, 0.08), uniform(-0.08, 0.08), uniform(-0.08, 0.08))
        let ga = uniform(0, 2 * Float.pi), gAmp = uniform(0, 0.3) / s
        let gx = cos(ga) * gAmp, gy = sin(ga) * gAmp
        let base = [grey + tint.0, grey + tint.1, grey + tint.2]
        for y in 0..<size {
            for x in 0..<size {
                let g = (Float(x) - s / 2) * gx + (Float(y) - s / 2) * gy
                let noise = uniform(-0.03, 0.03)
                for c in 0..<3 { out[c * plane + y * size + x] = Swift.min(Swift.max(base[c] + g + noise, 0), 1) }
            }
        }
        // Objects: one colour (brightness jittered), non-overlapping when possible.
        let k = f.count
        let r = s * (k == 1 ? uniform(0.2, 0.3) : k == 2 ? uniform(0.15, 0.21) : uniform(0.12, 0.16))
        let shade = uniform(0.8, 1.0)
        let color = [palette[f.color].0 * shade, palette[f.color].1 * shade, palette[f.color].2 * shade]
        let period = Swift.max(3, s / 8) * uniform(0.9, 1.15)
        let angle = uniform(0, Float.pi)
        let cosA = cos(angle), sinA = sin(angle)
        var centres: [(Float, Float)] = []
        for _ in 0..<k {
            var best = (s / 2, s / 2), bestGap = -Float.infinity
            for _ in 0..<40 {
                let c = (uniform(r + 1, s - r - 1), uniform(r + 1, s - r - 1))
                var gap = Float.infinity
                for (ox, oy) in centres {
                    let dx: Float = ox - c.0, dy: Float = oy - c.1
                    gap = Swift.min(gap, (dx * dx + dy * dy).squareRoot() - 2.25 * r)
                }
                if centres.isEmpty { gap = 0 }
                if gap > bestGap { best = c; bestGap = gap }
                if gap >= 0 { break }
            }
            centres.append(best)
        }
        for (cx, cy) in centres {
            let x0 = Swift.max(0, Int(cx - r - 2)), x1 = Swift.min(size - 1, Int(cx + r + 2))
            let y0 = Swift.max(0, Int(cy - r - 2)), y1 = Swift.min(size - 1, Int(cy + r + 2))
            guard x0 <= x1, y0 <= y1 else { continue }
            for y in y0...y1 {
                for x in x0...x1 {
                    let dx = Float(x) + 0.5 - cx, dy = Float(y) + 0.5 - cy
                    let cover = Swift.min(Swift.max(0.5 - distance(f.shape, dx, dy, r), 0), 1)
                    if cover <= 0 { continue }
                    let t = texture(f.texture, dx, dy, period: period, cosA: cosA, sinA: sinA)
                    for c in 0..<3 {
                        let o = c * plane + y * size + x
                        out[o] = out[o] * (1 - cover) + color[c] * t * cover
                    }
                }
            }
        }
    }
}
