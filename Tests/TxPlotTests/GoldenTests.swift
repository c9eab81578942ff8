import Glibc
import Testing
@testable import TxPlot

/// Reference figures compared with PNGs in Tests/TxPlotTests/Golden/.
///
/// Regenerate them all (after a deliberate change to how figures look) with
///
///     TX_REGENERATE_GOLDEN=1 swift test --filter TxPlotTests.GoldenTests
///
/// and look at the new PNGs before committing them.
enum Golden {
    static let directory: String = {
        let file = #filePath  // <repo>/Tests/TxPlotTests/GoldenTests.swift
        return String(file[..<file.lastIndex(of: "/")!]) + "/Golden"
    }()
    static var regenerating: Bool { getenv("TX_REGENERATE_GOLDEN").map { String(cString: $0) == "1" } ?? false }

    /// A pixel differs when some channel is off by more than this (of 255):
    /// glyph edges move a little between Cairo/FreeType versions.
    static let channelTolerance = 48
    /// At most this fraction of pixels may differ.
    static let maxDiffering = 0.004

    /// Deterministic pseudo-random numbers in [0, 1) (a 64-bit LCG).
    struct Numbers {
        var state: UInt64
        mutating func next() -> Double {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Double(state >> 11) / Double(1 << 53)
        }
        /// Standard normal (Box–Muller).
        mutating func normal() -> Double {
            let u = max(next(), 1e-12), v = next()
            return (-2 * log(u)).squareRoot() * cos(2 * Double.pi * v)
        }
    }

    /// Ten clusters on a circle, like a t-SNE map of ten classes.
    static func clusters(_ n: Int, seed: UInt64) throws -> Figure {
        var r = Numbers(state: seed)
        var x: [Double] = [], y: [Double] = [], c: [Double] = []
        for i in 0..<n {
            let k = i % 10, angle = 2 * Double.pi * Double(k) / 10
            x.append(10 * cos(angle) + 1.5 * r.normal()); y.append(10 * sin(angle) + 1.5 * r.normal())
            c.append(Double(k))
        }
        let names = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"]
        return try Figure.scatter(x: x, y: y, color: c, classes: names, title: "t-SNE of digits (ρ ≥ 0)",
                                  xlabel: "t-SNE 1", ylabel: "t-SNE 2")
    }

    static func curves(shift: Double = 0) throws -> Figure {
        let epochs = (1...20).map(Double.init)
        return try Figure.line(x: epochs, ys: [epochs.map { 2 / $0 + 0.1 }, epochs.map { 2.2 / $0 + 0.25 + shift }],
                               labels: ["train", "validation"], title: "loss", xlabel: "epoch", ylabel: "cross-entropy")
    }

    static func bars(_ top1: Double = 76.1) throws -> Figure {
        try Figure.bar(names: ["vgg16", "resnet50", "inception-v3", "mobilenet-v2", "nasnet"],
                       values: [71.6, top1, 78.0, 71.8, 82.7], title: "ImageNet top-1", ylabel: "accuracy (%)")
    }

    static func histogram(seed: UInt64 = 7) throws -> Figure {
        var r = Numbers(state: seed)
        return try Figure.hist(values: (0..<3000).map { _ in r.normal() }, bins: 25, title: "activations",
                               xlabel: "value")
    }

    static func heat(flip: Bool = false) throws -> Figure {
        let m: [[Double]] = [[1, 0.62, -0.35, 0.1], [0.62, 1, -0.2, 0.44], [-0.35, -0.2, 1, flip ? -0.71 : 0.71],
                             [0.1, 0.44, flip ? -0.71 : 0.71, 1]]
        let names = ["depth", "width", "top-1", "transfer"]
        return try Figure.heatmap(matrix: m, xlabels: names, ylabels: names, title: "correlations")
    }

    static func corr() throws -> Figure {
        try Figure.corrplot(x: [71.6, 74.9, 76.1, 77.4, 78.0, 78.8, 80.5, 82.7],
                            y: [84.2, 86.0, 88.2, 89.0, 89.9, 89.1, 91.0, 92.4],
                            names: ["vgg16", "resnet50-v2", "resnet50", "resnet152", "inception-v3", "inception-v4",
                                    "inc-resnet-v2", "nasnet"],
                            title: "Transfer vs ImageNet", xlabel: "ImageNet top-1 (%)",
                            ylabel: "transfer accuracy (%)", logit: true)
    }

    /// (file name, figure, width, height)
    static func figures() throws -> [(String, Figure, Int, Int)] {
        [("scatter_classes", try clusters(1800, seed: 1), 640, 560),
         ("line_legend", try curves(), 640, 480),
         ("bar", try bars(), 640, 480),
         ("hist", try histogram(), 640, 480),
         ("heatmap", try heat(), 640, 520),
         ("corrplot_logit", try corr(), 720, 540),
         ("grid", try Figure.grid([try curves(), try bars(), try histogram(), try heat()], cols: 2,
                                  title: "small multiples"), 900, 700)]
    }

    struct Comparison {
        var differing: Int, total: Int
        var fraction: Double { Double(differing) / Double(max(total, 1)) }
        var matches: Bool { fraction <= Golden.maxDiffering }
    }

    static func compare(_ a: Image, _ b: Image) -> Comparison? {
        guard a.width == b.width, a.height == b.height else { return nil }
        var differing = 0
        for i in stride(from: 0, to: a.pixels.count, by: 4) {
            for ch in 0..<4 where abs(Int(a.pixels[i + ch]) - Int(b.pixels[i + ch])) > channelTolerance {
                differing += 1
                break
            }
        }
        return Comparison(differing: differing, total: a.width * a.height)
    }

    /// Saves the figure to a temporary PNG (the whole save path, libpng
    /// included) and reads it back.
    static func rendered(_ fig: Figure, _ w: Int, _ h: Int, as name: String) throws -> (Image, String) {
        let path = "/tmp/tx-golden-\(getpid())-\(name)-actual.png"
        try fig.save(path, width: w, height: h, software: "tx golden")
        return (try Image(path), path)
    }
}

@Suite("Golden images")
struct GoldenTests {
    @Test func figuresMatchTheirReferences() throws {
        for (name, fig, w, h) in try Golden.figures() {
            let (actual, path) = try Golden.rendered(fig, w, h, as: name)
            let golden = Golden.directory + "/\(name).png"
            if Golden.regenerating {
                #expect(rename(path, golden) == 0 || copy(path, golden), "can't write \(golden)")
                continue
            }
            guard let expected = try? Image(golden) else {
                Issue.record("no reference image \(golden); the actual one is at \(path). Regenerate with TX_REGENERATE_GOLDEN=1 swift test --filter TxPlotTests.GoldenTests")
                continue
            }
            guard let c = Golden.compare(actual, expected) else {
                Issue.record("\(name): \(actual.width)×\(actual.height) but the reference is \(expected.width)×\(expected.height); actual image: \(path)")
                continue
            }
            if c.matches {
                unlink(path)
            } else {
                Issue.record("\(name): \(c.differing) of \(c.total) pixels differ (\(Int(c.fraction * 1000)) ‰) from \(golden); actual image: \(path)")
            }
        }
    }

    /// The comparison is not so loose that a changed figure passes.
    @Test func changedFiguresDoNotMatch() throws {
        if Golden.regenerating { return }
        let changed: [(String, Figure, Int, Int)] = [
            ("scatter_classes", try Golden.clusters(1800, seed: 2), 640, 560),  // other points
            ("line_legend", try Golden.curves(shift: 0.08), 640, 480),           // validation curve moved up
            ("bar", try Golden.bars(70), 640, 480),                              // one bar lower
            ("hist", try Golden.histogram(seed: 8), 640, 480),                   // other sample
            ("heatmap", try Golden.heat(flip: true), 640, 520),                  // two cells change sign
        ]
        for (name, fig, w, h) in changed {
            let (actual, path) = try Golden.rendered(fig, w, h, as: name + "-changed")
            defer { unlink(path) }
            let expected = try Image(Golden.directory + "/\(name).png")
            let c = try #require(Golden.compare(actual, expected))
            #expect(!c.matches, "\(name): a changed figure differs in only \(c.differing) pixels")
        }
    }

    /// Same calls, same pixels: the comparison's baseline is exact.
    @Test func sameFigureIsIdentical() throws {
        let (a, pa) = try Golden.rendered(try Golden.clusters(1800, seed: 1), 640, 560, as: "same-a")
        let (b, pb) = try Golden.rendered(try Golden.clusters(1800, seed: 1), 640, 560, as: "same-b")
        defer { unlink(pa); unlink(pb) }
        #expect(Golden.compare(a, b)?.differing == 0)
    }
}

/// Copies a file (rename fails across file systems).
private func copy(_ from: String, _ to: String) -> Bool {
    let bytes = fileBytes(from)
    guard !bytes.isEmpty, let f = fopen(to, "wb") else { return false }
    defer { fclose(f) }
    return fwrite(bytes, 1, bytes.count, f) == bytes.count
}
