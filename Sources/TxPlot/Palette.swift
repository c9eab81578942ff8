/// An RGB colour with components in 0…1.
public struct RGB: Equatable, Sendable {
    public let r: Double, g: Double, b: Double
    public init(_ r: Double, _ g: Double, _ b: Double) { self.r = r; self.g = g; self.b = b }
    /// From 0xRRGGBB.
    public init(hex: UInt32) {
        self.init(Double((hex >> 16) & 0xff) / 255, Double((hex >> 8) & 0xff) / 255, Double(hex & 0xff) / 255)
    }
    /// Perceived brightness (0 dark … 1 light), for choosing text colour on a fill.
    var luminance: Double { 0.299 * r + 0.587 * g + 0.114 * b }

    static func mix(_ a: RGB, _ b: RGB, _ t: Double) -> RGB {
        RGB(a.r + (b.r - a.r) * t, a.g + (b.g - a.g) * t, a.b + (b.b - a.b) * t)
    }
}

/// The colour maps figures use (matplotlib's, so figures look familiar).
public enum Palette {
    /// tab10: the colour-blind-friendly categorical palette.
    public static let tab10: [RGB] = [0x1f77b4, 0xff7f0e, 0x2ca02c, 0xd62728, 0x9467bd,
                                      0x8c564b, 0xe377c2, 0x7f7f7f, 0xbcbd22, 0x17becf].map { RGB(hex: $0) }
    /// tab20, for more than ten classes.
    public static let tab20: [RGB] = [0x1f77b4, 0xaec7e8, 0xff7f0e, 0xffbb78, 0x2ca02c, 0x98df8a, 0xd62728,
                                      0xff9896, 0x9467bd, 0xc5b0d5, 0x8c564b, 0xc49c94, 0xe377c2, 0xf7b6d2,
                                      0x7f7f7f, 0xc7c7c7, 0xbcbd22, 0xdbdb8d, 0x17becf, 0x9edae5].map { RGB(hex: $0) }

    /// The colour of class k among `count` classes.
    public static func categorical(_ k: Int, count: Int) -> RGB {
        let p = count <= 10 ? tab10 : tab20
        return p[((k % p.count) + p.count) % p.count]
    }

    static let viridisStops: [RGB] = [0x440154, 0x482878, 0x3e4989, 0x31688e, 0x26828e,
                                      0x1f9e89, 0x35b779, 0x6ece58, 0xb5de2b, 0xfde725].map { RGB(hex: $0) }
    /// RdBu reversed: blue (−) → near-white (0) → red (+).
    static let divergingStops: [RGB] = [0x053061, 0x2166ac, 0x4393c3, 0x92c5de, 0xd1e5f0, 0xf7f7f7,
                                        0xfddbc7, 0xf4a582, 0xd6604d, 0xb2182b, 0x67001f].map { RGB(hex: $0) }

    /// viridis at t in 0…1 (continuous colour).
    public static func viridis(_ t: Double) -> RGB { interpolate(viridisStops, t) }
    /// The diverging map at t in 0…1 (0.5 is the centre).
    public static func diverging(_ t: Double) -> RGB { interpolate(divergingStops, t) }

    static func interpolate(_ stops: [RGB], _ t: Double) -> RGB {
        let t = t.isNaN ? 0 : min(max(t, 0), 1)
        let x = t * Double(stops.count - 1)
        let i = min(Int(x), stops.count - 2)
        return RGB.mix(stops[i], stops[i + 1], x - Double(i))
    }
}
