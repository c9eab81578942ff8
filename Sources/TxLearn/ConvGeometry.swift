import Foundation

/// The sizes of one convolution and the data movement around its GEMMs:
/// unfolding a batch into columns (im2col), folding column gradients back
/// (col2im), and switching between [N, O, HW] and [O, N·HW] layouts. Work is
/// split over examples (each task writes only its own examples' values, so
/// results do not depend on the number of cores).
struct ConvGeometry {
    let n: Int, c: Int, h: Int, w: Int, o: Int, k: Int, stride: Int, padding: Int
    let ho: Int, wo: Int

    init(n: Int, c: Int, h: Int, w: Int, o: Int, k: Int, stride: Int, padding: Int) {
        self.n = n; self.c = c; self.h = h; self.w = w; self.o = o; self.k = k
        self.stride = stride; self.padding = padding
        ho = Op.windowOut(h, k, stride, padding)
        wo = Op.windowOut(w, k, stride, padding)
    }

    var hw: Int { ho * wo }
    var ckk: Int { c * k * k }
    /// Columns of the unfolded batch: one per example and output position.
    var columns: Int { n * hw }

    /// With stride 1, the output columns ox whose input column ox − padding + kx
    /// lies inside the image: [lo, hi).
    @inline(__always) func validColumns(_ kx: Int) -> (Int, Int) {
        (max(0, padding - kx), min(wo, w + padding - kx))
    }

    /// Runs body over example ranges, in parallel when the work is large enough to pay.
    func forExamples(work: Int, _ body: (Range<Int>) -> Void) {
        parallelRanges(n, tasks: min(n, 8), minimum: work * n >= 1 << 16 ? 0 : Int.max, body)
    }

    /// im2col: x [N, C, H, W] → cols [C·k·k, N·HW]; positions in the padding are 0.
    /// Every value of cols is written exactly once (no zero-fill pass first:
    /// the matrix is tens of megabytes per batch).
    func unfold(_ x: [Float]) -> [Float] {
        var cols = [Float](unsafeUninitializedCapacity: ckk * columns) { _, done in done = ckk * columns }
        x.withUnsafeBufferPointer { xv in cols.withUnsafeMutableBufferPointer { col in
            let xp = xv.baseAddress!, cp = col.baseAddress!
            forExamples(work: ckk * hw) { examples in
                for i in examples {
                    let xb = i * c * h * w
                    for ch in 0..<c { for ky in 0..<k { for kx in 0..<k {
                        let row = ((ch * k + ky) * k + kx) * columns + i * hw
                        for oy in 0..<ho {
                            let out = cp + row + oy * wo
                            let iy = oy * stride - padding + ky
                            guard iy >= 0 && iy < h else { out.update(repeating: 0, count: wo); continue }
                            let src = xb + (ch * h + iy) * w
                            if stride == 1 {   // a contiguous run: ix = ox − padding + kx
                                let (lo, hi) = validColumns(kx)
                                if lo < hi {
                                    out.update(repeating: 0, count: lo)
                                    (out + lo).update(from: xp + src + lo - padding + kx, count: hi - lo)
                                    (out + hi).update(repeating: 0, count: wo - hi)
                                } else {
                                    out.update(repeating: 0, count: wo)
                                }
                                continue
                            }
                            for ox in 0..<wo {
                                let ix = ox * stride - padding + kx
                                out[ox] = ix >= 0 && ix < w ? xp[src + ix] : 0
                            }
                        }
                    } } }
                }
            }
        } }
        return cols
    }

    /// col2im: adds dcols [C·k·k, N·HW] into dx [N, C, H, W].
    func fold(_ dcols: [Float], into dx: inout [Float]) {
        dcols.withUnsafeBufferPointer { dc in dx.withUnsafeMutableBufferPointer { d in
            let dp = d.baseAddress!, cp = dc.baseAddress!
            forExamples(work: ckk * hw) { examples in
                for i in examples {
                    let xb = i * c * h * w
                    for ch in 0..<c { for ky in 0..<k { for kx in 0..<k {
                        let row = ((ch * k + ky) * k + kx) * columns + i * hw
                        for oy in 0..<ho {
                            let iy = oy * stride - padding + ky
                            guard iy >= 0 && iy < h else { continue }
                            let dst = xb + (ch * h + iy) * w
                            if stride == 1 {   // a contiguous run, as in unfold
                                let (lo, hi) = validColumns(kx)
                                let d = dp + dst - padding + kx, c = cp + row + oy * wo
                                var ox = lo
                                while ox < hi { d[ox] += c[ox]; ox += 1 }
                                continue
                            }
                            for ox in 0..<wo {
                                let ix = ox * stride - padding + kx
                                if ix >= 0 && ix < w { dp[dst + ix] += cp[row + oy * wo + ox] }
                            }
                        }
                    } } }
                }
            }
        } }
    }

    /// [O, N·HW] → [N, O, HW].
    func channelsToBatch(_ wide: [Float]) -> [Float] {
        var out = [Float](unsafeUninitializedCapacity: wide.count) { _, done in done = wide.count }   // fully overwritten
        wide.withUnsafeBufferPointer { src in out.withUnsafeMutableBufferPointer { dst in
            let s = src.baseAddress!, d = dst.baseAddress!
            forExamples(work: o * hw) { examples in
                for i in examples { for ch in 0..<o {
                    (d + (i * o + ch) * hw).update(from: s + ch * columns + i * hw, count: hw)
                } }
            }
        } }
        return out
    }

    /// [N, O, HW] → [O, N·HW].
    func batchToChannels(_ batch: [Float]) -> [Float] {
        var out = [Float](unsafeUninitializedCapacity: batch.count) { _, done in done = batch.count }   // fully overwritten
        batch.withUnsafeBufferPointer { src in out.withUnsafeMutableBufferPointer { dst in
            let s = src.baseAddress!, d = dst.baseAddress!
            forExamples(work: o * hw) { examples in
                for i in examples { for ch in 0..<o {
                    (d + ch * columns + i * hw).update(from: s + (i * o + ch) * hw, count: hw)
                } }
            }
        } }
        return out
    }
}
