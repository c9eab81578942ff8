import Foundation
import Testing
@testable import TxData

@Suite("ImageFolder") struct ImageFolderTests {
    /// A 3-wide, 2-high image whose every sample differs: R = 10y + x + 1,
    /// G = 100 + R, B = 255 - R (R including the offset), alpha 255.
    static func gradient(_ offset: UInt8) -> [UInt8] {
        var px: [UInt8] = []
        for y in 0..<2 { for x in 0..<3 {
            let r = UInt8(10 * y + x + 1) + offset
            px += [r, r + 100, 255 - r, 255]
        } }
        return px
    }

    @Test func readsClassesFilesAndPixelsInOrder() throws {
        let root = try makeTempFolder()
        try makeFolder(root + "/zebra"); try makeFolder(root + "/apple")
        try writeTestPNG(root + "/zebra/b.png", width: 3, height: 2, rgba: Self.gradient(0))
        try writeTestPNG(root + "/apple/2.png", width: 3, height: 2, rgba: Self.gradient(20))
        try writeTestPNG(root + "/apple/10.png", width: 3, height: 2, rgba: Self.gradient(40))
        try writeBytes(root + "/apple/notes.txt", Array("not an image".utf8))
        try writeBytes(root + "/zebra/.hidden.png", [1, 2, 3])
        let ds = try readImages(root)
        #expect(ds.classes == ["apple", "zebra"])
        #expect(ds.x.shape == [3, 3, 2, 3])
        #expect(ds.y.data == [0, 0, 1])
        #expect(ds.imageShape == [3, 2, 3])
        // Sorted by bytes: "10.png" before "2.png".
        for (n, offset) in [(0, 40), (1, 20), (2, 0)] {
            for y in 0..<2 { for x in 0..<3 {
                let r = Float(10 * y + x + 1 + offset)
                let plane = 6, base = n * 18 + y * 3 + x
                #expect(ds.x.data[base] == r / 255)
                #expect(ds.x.data[base + plane] == (r + 100) / 255)
                #expect(ds.x.data[base + 2 * plane] == (255 - r) / 255)
            } }
        }
        #expect(ds.description == "Dataset \(URL(fileURLWithPath: root).lastPathComponent): 3 × [3, 2, 3] (3×2×3 images), 2 classes")
    }

    @Test func alphaIsCompositedOnBlackAndGreyIsLuminance() throws {
        let root = try makeTempFolder()
        try makeFolder(root + "/a")
        try writeTestPNG(root + "/a/x.png", width: 2, height: 1, rgba: [200, 100, 50, 128, 255, 0, 0, 255])
        let rgb = try readImages(root)
        let a: Float = 128 / 255
        #expect(abs(rgb.x.data[0] - 200 / 255 * a) < 1e-6)
        #expect(abs(rgb.x.data[2] - 100 / 255 * a) < 1e-6)
        #expect(abs(rgb.x.data[4] - 50 / 255 * a) < 1e-6)
        #expect(rgb.x.data[1] == 1 && rgb.x.data[3] == 0 && rgb.x.data[5] == 0)
        let grey = try readImages(root, channels: 1)
        #expect(grey.x.shape == [1, 1, 1, 2])
        #expect(abs(grey.x.data[0] - (0.299 * 200 + 0.587 * 100 + 0.114 * 50) / 255 * a) < 1e-6)
        #expect(abs(grey.x.data[1] - 0.299) < 1e-6)
    }

    @Test func readsJPEGWithRowsAndColumnsInPlace() throws {
        // 16 wide, 8 high: left half red, right half blue; top row band green.
        var rgb: [UInt8] = []
        for y in 0..<8 { for x in 0..<16 {
            rgb += y == 0 ? [0, 255, 0] : (x < 8 ? [255, 0, 0] : [0, 0, 255])
        } }
        let root = try makeTempFolder()
        try makeFolder(root + "/c")
        try writeBytes(root + "/c/p.JPG", encodeTestJPEG(width: 16, height: 8, rgb: rgb))
        let ds = try readImages(root)
        #expect(ds.x.shape == [1, 3, 8, 16])
        func at(_ c: Int, _ y: Int, _ x: Int) -> Float { ds.x.data[c * 128 + y * 16 + x] }
        #expect(at(1, 0, 3) > 0.9 && at(0, 0, 3) < 0.1)
        #expect(at(0, 5, 2) > 0.9 && at(2, 5, 2) < 0.1)
        #expect(at(2, 5, 13) > 0.9 && at(0, 5, 13) < 0.1)
    }

    @Test func greyJPEGIsReplicatedIntoRGB() throws {
        // 8×8 grey: top half 40, bottom half 200 (flat 8×8 block edges survive quality 100 closely).
        let grey = (0..<64).map { $0 < 32 ? UInt8(40) : UInt8(200) }
        let root = try makeTempFolder()
        try makeFolder(root + "/g")
        try writeBytes(root + "/g/a.jpeg", encodeTestJPEG(width: 8, height: 8, rgb: grey, grey: true))
        let ds = try readImages(root)
        #expect(ds.x.shape == [1, 3, 8, 8])
        for p in 0..<64 {
            #expect(ds.x.data[p] == ds.x.data[64 + p] && ds.x.data[p] == ds.x.data[128 + p])
            #expect(abs(ds.x.data[p] * 255 - Float(grey[p])) < 12, "pixel \(p)")
        }
        let one = try readImages(root, channels: 1)
        #expect(one.x.data == Array(ds.x.data[0..<64]))
    }

    @Test func differingSizesNeedSizeAndResize() throws {
        let root = try makeTempFolder()
        try makeFolder(root + "/a")
        try writeTestPNG(root + "/a/1.png", width: 3, height: 2, rgba: Self.gradient(0))
        try writeTestPNG(root + "/a/2.png", width: 2, height: 2, rgba: [UInt8](repeating: 255, count: 16))
        let e = #expect(throws: DataError.self) { try readImages(root) }
        #expect(e?.message.contains("2.png") == true && e?.message.contains("size:") == true)
        let ds = try readImages(root, size: (4, 4), resize: .area)
        #expect(ds.x.shape == [2, 3, 4, 4])
        #expect(ds.x.data[(3 * 16)..<(4 * 16)].allSatisfy { $0 == 1 })
    }

    @Test func resizeBilinearAndArea() {
        // 2×2 → 4×4 bilinear (half-pixel centres): edge rows copy, inner rows mix 3:1.
        let up = Resize.planes([0, 4, 8, 12], channels: 1, height: 2, width: 2, toHeight: 4, width: 4, method: .bilinear)
        #expect(up[0..<4] == [0, 1, 3, 4])
        #expect(up[4..<8] == [2, 3, 5, 6])
        #expect(up[12..<16] == [8, 9, 11, 12])
        // 4×2 (h 4, w 2) → 2×1 area: means of 2×2 blocks.
        let down = Resize.planes([1, 2, 3, 4, 5, 6, 7, 8], channels: 1, height: 4, width: 2, toHeight: 2, width: 1, method: .area)
        #expect(down == [2.5, 6.5])
        // 3 → 2 area: fractional coverage (1, ½ | ½, 1) / 1.5.
        let frac = Resize.planes([3, 6, 9], channels: 1, height: 1, width: 3, toHeight: 1, width: 2, method: .area)
        #expect(abs(frac[0] - 4) < 1e-6 && abs(frac[1] - 8) < 1e-6)
    }

    @Test func badFilesAreNamedOrSkipped() throws {
        let root = try makeTempFolder()
        try makeFolder(root + "/a")
        try writeTestPNG(root + "/a/good.png", width: 3, height: 2, rgba: Self.gradient(0))
        let png = try Data(contentsOf: URL(fileURLWithPath: root + "/a/good.png"))
        try writeBytes(root + "/a/cut.png", Array(png.prefix(png.count / 2)))
        let e1 = #expect(throws: DataError.self) { try readImages(root) }
        #expect(e1?.message.contains("cut.png") == true)
        var warnings: [String] = []
        let ds = try readImages(root, skipBad: true, warn: { warnings.append($0) })
        #expect(ds.count == 1)
        #expect(warnings.count == 1 && warnings[0].contains("cut.png"))

        try FileManager.default.removeItem(atPath: root + "/a/cut.png")
        try writeBytes(root + "/a/text.jpg", Array("hello, world".utf8))
        let e2 = #expect(throws: DataError.self) { try readImages(root) }
        #expect(e2?.message.contains("text.jpg") == true && e2?.message.contains("not a PNG or JPEG") == true)

        try FileManager.default.removeItem(atPath: root + "/a/text.jpg")
        let jpeg = encodeTestJPEG(width: 16, height: 16, rgb: [UInt8](repeating: 90, count: 768))
        try writeBytes(root + "/a/cut.jpg", Array(jpeg.prefix(jpeg.count * 2 / 3)))
        let e3 = #expect(throws: DataError.self) { try readImages(root, size: (2, 3)) }
        #expect(e3?.message.contains("cut.jpg") == true)
        try writeBytes(root + "/a/empty.png", [])
        let e4 = #expect(throws: DataError.self) { try decodeImage([], name: root + "/a/empty.png") }
        #expect(e4?.message.contains("empty") == true)
    }

    @Test func folderErrors() throws {
        let root = try makeTempFolder()
        let missing = #expect(throws: DataError.self) { try readImages(root + "/nope") }
        #expect(missing?.message.contains("no such folder") == true)
        let empty = #expect(throws: DataError.self) { try readImages(root) }
        #expect(empty?.message.contains("no class sub-folders") == true)
        try writeTestPNG(root + "/loose.png", width: 3, height: 2, rgba: Self.gradient(0))
        let loose = #expect(throws: DataError.self) { try readImages(root) }
        #expect(loose?.message.contains("1 image should go into such folders") == true)
        try makeFolder(root + "/cats")
        let noImages = #expect(throws: DataError.self) { try readImages(root) }
        #expect(noImages?.message.contains("holds no images") == true)
        try writeTestPNG(root + "/cats/c.png", width: 3, height: 2, rgba: Self.gradient(0))
        let huge = #expect(throws: DataError.self) { try readImages(root, size: (65536, 65536)) }
        #expect(huge?.message.contains("too many values") == true)
        #expect(throws: DataError.self) { try readImages(root, channels: 2) }
        #expect(throws: DataError.self) { try readImages(root + "/loose.png") }
    }

    @Test func writePNGRoundTrips() throws {
        let root = try makeTempFolder()
        let t = try shapes(n: 2, seed: 3, size: 12).x
        let first = TxTensorSlice.first(t)
        try writePNG(root + "/k/one/0.png", first)
        let back = try readImages(root + "/k")
        #expect(back.x.shape == [1, 3, 12, 12])
        for (a, b) in zip(back.x.data, first.data) { #expect(abs(a - b) <= 0.5 / 255 + 1e-6) }
        #expect(throws: DataError.self) { try writePNG(root + "/bad.png", t) }
    }
}

import TxTensor
enum TxTensorSlice {
    static func first(_ t: Tensor) -> Tensor {
        let per = t.shape.dropFirst().reduce(1, *)
        return Tensor(shape: Array(t.shape.dropFirst()), data: Array(t.data[0..<per]))
    }
}
