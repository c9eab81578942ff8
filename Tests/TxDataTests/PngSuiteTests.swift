import Foundation
import Testing
@testable import TxData

/// PngSuite (../shared/testdata/pngsuite) through read_images' PNG path, against
/// checksums from an independent decoder (Fixtures/make_pngsuite_fixture.py, pypng).
@Suite("PngSuite") struct PngSuiteTests {
    static let suite = Fixtures.directory + "../../../../shared/testdata/pngsuite/png/"

    struct Reference { let name: String; let width: Int; let height: Int; let sum: Double; let weighted: Double }

    static func references() throws -> [Reference] {
        let text = try String(contentsOfFile: Fixtures.directory + "pngsuite.txt", encoding: .utf8)
        return text.split(separator: "\n").filter { !$0.hasPrefix("#") }.map { line in
            let f = line.split(separator: " ")
            return Reference(name: String(f[0]), width: Int(f[1])!, height: Int(f[2])!, sum: Double(f[3])!, weighted: Double(f[4])!)
        }
    }

    /// 16-bit colour is premultiplied by libpng at 16 bits (½/65535 per sample);
    /// everything else differs from the reference only by Float32 rounding.
    static func tolerance(_ count: Int) -> Double { 1e-5 * Double(count) + 1e-4 }

    @Test func all161ValidFilesDecodeToTheReferencePixels() throws {
        let refs = try Self.references()
        #expect(refs.count == 161)
        for ref in refs {
            let path = Self.suite + ref.name + ".png"
            let image = try decodeImage(try NumPy.readFile(path), name: path)
            #expect(image.width == ref.width && image.height == ref.height, "\(ref.name)")
            let planes = image.planes(channels: 3)
            let (s, w) = weightedSum(planes[...])
            #expect(abs(s - ref.sum) <= Self.tolerance(planes.count), "\(ref.name): sum \(s) vs \(ref.sum)")
            #expect(abs(w - ref.weighted) <= Self.tolerance(planes.count), "\(ref.name): weighted \(w) vs \(ref.weighted)")
        }
    }

    @Test func the32x32FilesThroughReadImages() throws {
        let refs = try Self.references().filter { $0.width == 32 && $0.height == 32 }
        #expect(refs.count > 100)
        let root = try makeTempFolder()
        try makeFolder(root + "/suite")
        for ref in refs {
            try FileManager.default.createSymbolicLink(atPath: root + "/suite/" + ref.name + ".png",
                                                       withDestinationPath: Self.suite + ref.name + ".png")
        }
        let ds = try readImages(root)
        #expect(ds.x.shape == [refs.count, 3, 32, 32])
        let per = 3 * 32 * 32
        for (i, ref) in refs.sorted(by: { $0.name.utf8.lexicographicallyPrecedes($1.name.utf8) }).enumerated() {
            let (s, w) = weightedSum(ds.x.data[(i * per)..<((i + 1) * per)])
            #expect(abs(s - ref.sum) <= Self.tolerance(per) && abs(w - ref.weighted) <= Self.tolerance(per), "\(ref.name)")
        }
    }

    @Test func corruptFilesAreRejectedByName() throws {
        let names = try FileManager.default.contentsOfDirectory(atPath: Self.suite).filter { $0.hasPrefix("x") }.sorted()
        #expect(names.count == 14)
        for name in names {
            let path = Self.suite + name
            let e = #expect(throws: DataError.self, "\(name)") { try decodeImage(try NumPy.readFile(path), name: path) }
            #expect(e?.message.contains(name) == true)
        }
        let root = try makeTempFolder()
        try makeFolder(root + "/bad")
        try FileManager.default.createSymbolicLink(atPath: root + "/bad/xcsn0g01.png", withDestinationPath: Self.suite + "xcsn0g01.png")
        let e = #expect(throws: DataError.self) { try readImages(root) }
        #expect(e?.message.contains("xcsn0g01.png") == true)
    }
}
