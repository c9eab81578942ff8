import Glibc
import Testing
@testable import TxPlot

/// Degenerate data draws without trapping; impossible data is a clear error
/// and a failed save leaves nothing behind.
@Suite struct EdgeCaseTests {
    @Test func hugeValuesAreRejected() {
        #expect(throws: PlotError("scatter(): x has 1e308 at index 0; values beyond ±1e300 can't be plotted")) {
            try Figure.scatter(x: [1e308, -1e308], y: [1, 2])
        }
        #expect(throws: PlotError.self) { try Figure.bar(names: ["a", "b"], values: [1, -1e301]) }
        #expect(throws: PlotError("scatter(): size (the marker radius in pixels) must be at most 200, got 1000")) {
            try Figure.scatter(x: [1], y: [1], size: 1000)
        }
    }

    @Test func tinyAndFlatRangesDraw() throws {
        let tiny = Double.leastNonzeroMagnitude * 2000  // about 1e-320, a denormal
        let figs: [Figure] = [
            try Figure.scatter(x: [0, tiny], y: [1, 2]),
            try Figure.scatter(x: [1e300, 1e300], y: [-1e300, 1e300], color: [5e299, 5e299 * (1 + 1e-15)]),
            try Figure.hist(values: [0, .leastNonzeroMagnitude]),
            try Figure.hist(values: [3, 3, 3]),
            try Figure.heatmap(matrix: [[tiny, -tiny]]),
            try Figure.line(x: [1, 1], ys: [[2, 2]]),
            try Figure.bar(names: ["a", "b"], values: [1e300, -1e300]),
        ]
        for f in figs {
            let img = try f.render(width: 200, height: 150)
            #expect(img.width == 200 && img.rgba.count == 200 * 150 * 4, "\(f.kind)")
        }
    }

    @Test func failedSaveLeavesNoFile() throws {
        let fig = try Figure.hist(values: [1, 2, 3])
        let path = tempPath("badsize")
        #expect(throws: PlotError("figure size must be 16…20000 pixels each way, got 5×600")) {
            try fig.save(path, width: 5)
        }
        #expect(throws: PlotError("scale must be 0.25…8, got nan")) { try fig.save(path, scale: .nan) }
        #expect(!exists(path))
        #expect(leftovers("txplot-test-\(getpid())-badsize").isEmpty)
    }

    /// Sprite-blended markers land where Cairo's would: the disc's colour at
    /// its centre, background a radius and a pixel away.
    @Test func markersAtTheirPixels() throws {
        let fig = try Figure.scatter(x: [0, 10], y: [0, 10], color: [0, 1], size: 4, alpha: 1, legend: false)
        let img = try fig.render(width: 300, height: 300)
        let area = try #require(fig.plotArea)
        // 0…10 padded by 5%: (0, 0) is 1/22 of the way in from the lower left
        let cx = area.x + area.w / 22, cy = area.y + area.h * 21 / 22
        func rgb(_ x: Double, _ y: Double) -> [UInt8] {
            let o = (Int(y) * img.width + Int(x)) * 4
            return Array(img.rgba[o..<o + 3])
        }
        #expect(rgb(cx, cy) == [0x1f, 0x77, 0xb4])
        #expect(rgb(cx + 6, cy) == [255, 255, 255])
        #expect(rgb(cx, cy - 6) == [255, 255, 255])
        // at 2× the same disc covers twice the pixels across
        let big = try fig.render(width: 300, height: 300, scale: 2)
        let o = (Int(cy * 2) * big.width + Int(cx * 2 + 6)) * 4
        #expect(Array(big.rgba[o..<o + 3]) == [0x1f, 0x77, 0xb4])
    }
}

@Suite struct MarkerSpriteTests {
    /// Bands split the rows only: any number of them gives the same pixels.
    @Test func bandsDoNotChangeThePixels() {
        var r = Golden.Numbers(state: 3)
        var pts = PlacedPoints()
        for _ in 0..<5000 {
            pts.px.append(Int32(r.next() * 120) - 10); pts.py.append(Int32(r.next() * 120) - 10)
            pts.sub.append(UInt8(r.next() * 64)); pts.color.append(UInt16(r.next() * 3))
        }
        let sprites = MarkerSprites(radius: 2.6, alpha: 0.7)
        let palette: [UInt32] = [0xff1f77b4, 0xffff7f0e, 0xff2ca02c]
        func draw(_ bands: Int) -> [UInt32] {
            var image = [UInt32](repeating: 0xffffffff, count: 100 * 100)
            image.withUnsafeMutableBytes { raw in
                sprites.blend(pts, palette: palette, into: raw.baseAddress!.assumingMemoryBound(to: UInt8.self),
                              stride: 400, clipX: 0..<100, clipY: 3..<97, bands: bands)
            }
            return image
        }
        let one = draw(1)
        #expect(one.contains { $0 != 0xffffffff })
        #expect(one[0] == 0xffffffff && one[99 * 100 + 50] == 0xffffffff, "rows outside the clip stay untouched")
        for bands in [2, 3, 8, 94] { #expect(draw(bands) == one, "\(bands) bands") }
    }

    /// A whole covered pixel takes the colour at alpha; the disc's area is
    /// close to π r² whatever the sub-pixel offset.
    @Test func coverage() {
        let s = MarkerSprites(radius: 3, alpha: 1)
        let cells = s.side * s.side
        for offset in 0..<(MarkerSprites.steps * MarkerSprites.steps) {
            let mask = s.masks[offset * cells..<(offset + 1) * cells]
            let area = mask.reduce(0.0) { $0 + Double($1) / 255 }
            #expect(abs(area - Double.pi * 9) < 0.15, "offset \(offset): area \(area)")
            #expect(mask.max() == 255)
        }
        #expect(over(0xffffffff, 0xff000000, 255) == 0xff000000)
        #expect(over(0xffffffff, 0xff000000, 0) == 0xffffffff)
        #expect(over(0xffffffff, 0xff000000, 128) == 0xff7f7f7f)  // 255·127/255
    }
}
