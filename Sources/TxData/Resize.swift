/// How `read_images` resizes an image to the requested size.
public enum ResizeMethod: String, Sendable {
    /// Bilinear interpolation between the four nearest pixels, pixel centres
    /// aligned (`align_corners = false`, as PyTorch and OpenCV). Shrinking by
    /// much more than 2× skips pixels: use `area` for that.
    case bilinear
    /// Each output pixel is the mean of the input area it covers (fractional
    /// pixels weighted by coverage): the right choice for shrinking.
    case area
}

/// Resampling planes of floats, one axis at a time (both methods separate
/// into a row pass and a column pass).
enum Resize {
    /// The taps of one output coordinate: input indices and their weights.
    struct Taps {
        var start: [Int] = []      // per output index: first entry in index/weight
        var index: [Int] = []
        var weight: [Float] = []
    }

    static func taps(from n: Int, to m: Int, _ method: ResizeMethod) -> Taps {
        var t = Taps()
        let scale = Double(n) / Double(m)
        for o in 0..<m {
            t.start.append(t.index.count)
            switch method {
            case .bilinear:
                let s = Swift.min(Swift.max((Double(o) + 0.5) * scale - 0.5, 0), Double(n - 1))
                let i0 = Int(s), i1 = Swift.min(i0 + 1, n - 1)
                let f = s - Double(i0)
                t.index += [i0, i1]
                t.weight += [Float(1 - f), Float(f)]
            case .area:
                let lo = Double(o) * scale, hi = Double(o + 1) * scale
                var i = Int(lo)
                while Double(i) < hi && i < n {
                    let cover = Swift.min(hi, Double(i + 1)) - Swift.max(lo, Double(i))
                    if cover > 0 {
                        t.index.append(i)
                        t.weight.append(Float(cover / scale))
                    }
                    i += 1
                }
            }
        }
        t.start.append(t.index.count)
        return t
    }

    /// `planes` ([C, h, w] flattened) resized to [C, oh, ow].
    static func planes(_ src: [Float], channels: Int, height h: Int, width w: Int,
                       toHeight oh: Int, width ow: Int, method: ResizeMethod) -> [Float] {
        if h == oh && w == ow { return src }
        let tx = taps(from: w, to: ow, method), ty = taps(from: h, to: oh, method)
        var rows = [Float](repeating: 0, count: h * ow)   // one channel, columns resized
        var out = [Float](repeating: 0, count: channels * oh * ow)
        for c in 0..<channels {
            let base = c * h * w
            for y in 0..<h {
                for o in 0..<ow {
                    var sum: Float = 0
                    for k in tx.start[o]..<tx.start[o + 1] { sum += tx.weight[k] * src[base + y * w + tx.index[k]] }
                    rows[y * ow + o] = sum
                }
            }
            let obase = c * oh * ow
            for o in 0..<oh {
                for x in 0..<ow {
                    var sum: Float = 0
                    for k in ty.start[o]..<ty.start[o + 1] { sum += ty.weight[k] * rows[ty.index[k] * ow + x] }
                    out[obase + o * ow + x] = sum
                }
            }
        }
        return out
    }
}
