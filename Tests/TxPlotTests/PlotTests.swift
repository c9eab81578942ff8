import CPNGWrite
import Glibc
import Testing
@testable import TxPlot

/// A PNG re-read with libpng, as RGBA.
struct Image {
    let width: Int, height: Int
    let pixels: [UInt8]

    init(_ path: String) throws {
        var w: Int32 = 0, h: Int32 = 0
        var buf: UnsafeMutablePointer<UInt8>?
        guard tx_png_read_rgba(path, &w, &h, &buf) == 0, let buf else { throw PlotError("can't read \(path)") }
        defer { tx_png_free(buf) }
        width = Int(w); height = Int(h)
        pixels = Array(UnsafeBufferPointer(start: buf, count: width * height * 4))
    }

    func rgb(_ x: Int, _ y: Int) -> (Int, Int, Int) {
        let o = (y * width + x) * 4
        return (Int(pixels[o]), Int(pixels[o + 1]), Int(pixels[o + 2]))
    }
    func isDark(_ x: Int, _ y: Int) -> Bool { let (r, g, b) = rgb(x, y); return r + g + b < 300 }
    func darkPixels(x: Range<Int>, y: Range<Int>) -> Int {
        var n = 0
        for yy in y { for xx in x where isDark(xx, yy) { n += 1 } }
        return n
    }
}

func tempPath(_ name: String) -> String { "/tmp/txplot-test-\(getpid())-\(name).png" }

func fileBytes(_ path: String) -> [UInt8] {
    guard let f = fopen(path, "rb") else { return [] }
    defer { fclose(f) }
    var out: [UInt8] = [], buf = [UInt8](repeating: 0, count: 65536)
    while true {
        let n = fread(&buf, 1, buf.count, f)
        out += buf[0..<n]
        if n < buf.count { break }
    }
    return out
}

func exists(_ path: String) -> Bool { access(path, F_OK) == 0 }

/// Files in /tmp whose names start with prefix (to catch leftover temporaries).
func leftovers(_ prefix: String) -> [String] {
    guard let d = opendir("/tmp") else { return [] }
    defer { closedir(d) }
    var names: [String] = []
    while let e = readdir(d) {
        let name = withUnsafePointer(to: e.pointee.d_name) { $0.withMemoryRebound(to: CChar.self, capacity: 256) { String(cString: $0) } }
        if name.hasPrefix(prefix) { names.append(name) }
    }
    return names
}

func close(_ a: (Int, Int, Int), _ b: (Int, Int, Int), _ tol: Int = 3) -> Bool {
    abs(a.0 - b.0) <= tol && abs(a.1 - b.1) <= tol && abs(a.2 - b.2) <= tol
}

@Suite struct ScatterTests {
    @Test func sizeBackgroundAndKnownPoint() throws {
        // one big point of class 0 at the centre of its axes
        let fig = try Figure.scatter(x: [0, 1, 2], y: [0, 1, 2], color: [0, 1, 2], classes: ["cat", "dog", "bird"],
                                     title: "Digits ρ ≥ γ", xlabel: "dim 1", ylabel: "dim 2", size: 10, alpha: 1)
        let path = tempPath("scatter")
        defer { unlink(path) }
        try fig.save(path)
        let img = try Image(path)
        #expect(img.width == 800 && img.height == 600)
        #expect(img.rgb(2, 2) == (255, 255, 255))
        #expect(img.rgb(797, 597) == (255, 255, 255))
        let area = try #require(fig.plotArea)
        // x, y limits are 0…2 padded by 5%: the point (0, 0) sits 1/22 in from the lower-left corner
        let px = Int(area.x + area.w / 22), py = Int(area.y + area.h * 21 / 22)
        #expect(close(img.rgb(px, py), (0x1f, 0x77, 0xb4)))
        let px2 = Int(area.x + area.w * 21 / 22), py2 = Int(area.y + area.h / 22)
        #expect(close(img.rgb(px2, py2), (0x2c, 0xa0, 0x2c)))  // class 2: tab10 green
        // the axes frame: left spine dark along its height, bottom spine along its width
        let left = Int(area.x), bottom = Int(area.y + area.h)
        #expect((Int(area.y) + 5..<bottom - 5).allSatisfy { img.isDark(left, $0) })
        #expect((left + 5..<Int(area.x + area.w) - 5).allSatisfy { img.isDark($0, bottom) })
        // just inside the frame is background
        #expect(img.rgb(left + 3, Int(area.y + area.h / 2)) == (255, 255, 255))
        // title above the plot area, legend to its right: dark text pixels
        #expect(img.darkPixels(x: 250..<550, y: 0..<Int(area.y)) > 50)
        #expect(img.darkPixels(x: Int(area.x + area.w) + 10..<800, y: Int(area.y)..<Int(area.y) + 80) > 40)
        #expect(fig.savedPath == path)
    }

    @Test func textChunkAndDeterminism() throws {
        let xs = (0..<500).map { Double($0 % 37) * 0.7 }, ys = (0..<500).map { Double(($0 * 7) % 41) }
        let fig = try Figure.scatter(x: xs, y: ys, color: xs.map { Double(Int($0) % 10) }, title: "t")
        let a = tempPath("det-a"), b = tempPath("det-b")
        defer { unlink(a); unlink(b) }
        try fig.save(a, software: "tx 0.1.0", source: "study.tx")
        try Figure.scatter(x: xs, y: ys, color: xs.map { Double(Int($0) % 10) }, title: "t")
            .save(b, software: "tx 0.1.0", source: "study.tx")
        let bytesA = fileBytes(a)
        #expect(!bytesA.isEmpty && bytesA == fileBytes(b))
        let text = String(decoding: bytesA.prefix(400), as: UTF8.self)
        #expect(text.contains("tEXtSoftware\0tx 0.1.0"))
        #expect(text.contains("tEXtSource\0study.tx"))
        #expect(try fig.pngBytes(software: "tx 0.1.0", source: "study.tx") == bytesA)
    }

    @Test func doubleScale() throws {
        let fig = try Figure.scatter(x: [1, 2], y: [3, 4], title: "scaled")
        let path = tempPath("scale2")
        defer { unlink(path) }
        try fig.save(path, width: 400, height: 300, scale: 2)
        let img = try Image(path)
        #expect(img.width == 800 && img.height == 600)
        #expect(img.rgb(0, 0) == (255, 255, 255))
        let area = try #require(fig.plotArea)
        #expect(img.isDark(Int(area.x * 2), Int((area.y + area.h / 2) * 2)))
    }

    @Test func continuousColour() throws {
        let n = 2000
        let xs = (0..<n).map { Double($0) }, fig = try Figure.scatter(x: xs, y: xs.map { $0 * $0 }, color: xs.map { $0 / 7 })
        let png = try fig.pngBytes()
        #expect(png.count > 1000)
        guard case .scatter(let s) = fig.spec else { Issue.record("not a scatter"); return }
        #expect(!s.categorical)
    }

    /// 100,000 points (drawn from sprites) all land: every class's colour shows.
    @Test func manyPointsAllDrawn() throws {
        var state: UInt64 = 1
        func next() -> Double { state = state &* 6364136223846793005 &+ 1442695040888963407; return Double(state >> 11) / Double(1 << 53) }
        let n = 100_000
        let xs = (0..<n).map { _ in next() }, ys = (0..<n).map { _ in next() }
        let fig = try Figure.scatter(x: xs, y: ys, color: (0..<n).map { Double($0 % 10) }, alpha: 1, legend: false)
        let img = try fig.render(width: 800, height: 800)
        var colours = Set<UInt32>()
        for i in stride(from: 0, to: img.rgba.count, by: 4) {
            colours.insert(UInt32(img.rgba[i]) << 16 | UInt32(img.rgba[i + 1]) << 8 | UInt32(img.rgba[i + 2]))
        }
        for c in Palette.tab10 {
            let hex = UInt32((c.r * 255).rounded()) << 16 | UInt32((c.g * 255).rounded()) << 8 | UInt32((c.b * 255).rounded())
            #expect(colours.contains(hex), "class colour \(String(hex, radix: 16))")
        }
        // the data's square (inside the 5% padding) is nearly covered: little white is left
        let area = try #require(fig.plotArea)
        var white = 0, total = 0
        for y in Int(area.y + area.h / 22) + 3..<Int(area.y + area.h * 21 / 22) - 3 {
            for x in Int(area.x + area.w / 22) + 3..<Int(area.x + area.w * 21 / 22) - 3 {
                let o = (y * img.width + x) * 4
                total += 1
                if img.rgba[o] == 255 && img.rgba[o + 1] == 255 && img.rgba[o + 2] == 255 { white += 1 }
            }
        }
        #expect(Double(white) / Double(total) < 0.05)
    }
}

@Suite struct ErrorTests {
    @Test func badArguments() throws {
        #expect(throws: PlotError("scatter(): x has 3 values but y has 2")) {
            try Figure.scatter(x: [1, 2, 3], y: [1, 2])
        }
        #expect(throws: PlotError("scatter(): y has NaN at index 1")) {
            try Figure.scatter(x: [1, 2], y: [1, .nan])
        }
        #expect(throws: PlotError("scatter(): no data (x is empty)")) { try Figure.scatter(x: [], y: []) }
        #expect(throws: PlotError.self) { try Figure.line(x: [1, 2], ys: [[1, 2, 3]]) }
        #expect(throws: PlotError.self) { try Figure.bar(names: ["a"], values: [1, 2]) }
        #expect(throws: PlotError.self) { try Figure.hist(values: [1, .infinity]) }
        #expect(throws: PlotError.self) { try Figure.heatmap(matrix: [[1, 2], [3]]) }
        #expect(throws: PlotError.self) { try Figure.corrplot(x: [50, 60, 101], y: [1, 2, 3], logit: true) }
        #expect(throws: PlotError.self) { try Figure.grid([]) }
    }

    @Test func unwritablePathLeavesNoFile() throws {
        let fig = try Figure.scatter(x: [1, 2], y: [1, 2])
        let dir = "/tmp/txplot-test-\(getpid())-nodir/sub"
        #expect(throws: PlotError.self) { try fig.save(dir + "/x.png") }
        #expect(!exists(dir + "/x.png"))
        #expect(throws: PlotError.self) { try fig.save("/tmp") }
        // a read-only directory: the temporary can't be created, nothing is left
        let ro = "/tmp/txplot-test-\(getpid())-ro"
        mkdir(ro, 0o755)
        defer { rmdir(ro) }
        if getuid() != 0 {
            chmod(ro, 0o555)
            #expect(throws: PlotError.self) { try fig.save(ro + "/x.png") }
            chmod(ro, 0o755)
        }
        #expect(leftovers("txplot-test-\(getpid())-ro").count == 1)  // just the directory
        #expect(fig.savedPath == nil)
    }
}

@Suite struct OtherPlotTests {
    @Test func everyKindRenders() throws {
        let figs: [Figure] = [
            try Figure.line(x: [1, 2, 3, 4], ys: [[0.9, 0.5, 0.3, 0.2], [1.0, 0.7, 0.6, 0.55]], labels: ["train", "val"],
                            title: "loss", xlabel: "epoch", ylabel: "loss"),
            try Figure.bar(names: ["resnet50", "inception-v3", "mobilenet"], values: [76.1, 78.0, 70.6], title: "top-1"),
            try Figure.hist(values: (0..<1000).map { sin(Double($0)) }, bins: 20, title: "sin"),
            try Figure.heatmap(matrix: [[1, 0.5, -0.2], [0.5, 1, 0.1], [-0.2, 0.1, 1]], xlabels: ["a", "b", "c"],
                               ylabels: ["a", "b", "c"], title: "correlation"),
            try Figure.corrplot(x: [71.9, 76.1, 77.4, 78.0, 80.5], y: [85.0, 88.2, 89.0, 89.9, 92.1],
                                names: ["vgg", "resnet50", "resnet152", "inception-v3", "nasnet"],
                                title: "transfer", xlabel: "ImageNet top-1 (%)", ylabel: "transfer accuracy (%)",
                                logit: true),
        ]
        for (i, f) in figs.enumerated() {
            let path = tempPath("kind\(i)")
            try f.save(path)
            let img = try Image(path)
            #expect(img.width == 800 && img.height == 600)
            #expect(img.rgb(1, 1) == (255, 255, 255))
            #expect(img.darkPixels(x: 200..<600, y: 0..<40) > 30, "title of \(f.kind)")
            unlink(path)
        }
        let g = try Figure.grid(figs, cols: 3, title: "all")
        let path = tempPath("grid")
        defer { unlink(path) }
        try g.save(path, width: 1200, height: 800)
        #expect(try Image(path).width == 1200)
    }

    @Test func correlationStatistics() {
        let c = CorrelationSummary([1, 2, 3, 4, 5], [2, 4, 5, 4, 5])
        #expect(abs(c.r! - 0.7745966692414834) < 1e-12)
        #expect(abs(c.p! - 0.1240270) < 1e-6)  // scipy.stats.pearsonr
        #expect(abs(c.rho! - 0.7378647873726218) < 1e-12)
        #expect(Ticks.ticks(0, 1).values == [0, 0.2, 0.4, 0.6000000000000001, 0.8, 1])
        #expect(Ticks.labels([0, 0.5, 1], step: 0.5) == ["0.0", "0.5", "1.0"])
        #expect(Ticks.fixed(-2.5, 1) == "−2.5")
        #expect(pString(2.1e-9) == "2.1e−9")
    }
}
