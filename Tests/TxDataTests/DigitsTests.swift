import Testing
import TxTensor
@testable import TxData

/// FNV-1a (64-bit) of bytes, as recorded in docs/data.md.
func fnv1a64(_ bytes: [UInt8]) -> UInt64 {
    var h: UInt64 = 0xCBF2_9CE4_8422_2325
    for b in bytes { h = (h ^ UInt64(b)) &* 0x0000_0100_0000_01B3 }
    return h
}

@Suite("Embedded digits")
struct DigitsTests {
    @Test func shapeNamesAndDisplay() throws {
        let ds = try Dataset.digits()
        #expect(ds.count == 1797)
        #expect(ds.x.shape == [1797, 64])
        #expect(ds.y.shape == [1797])
        #expect(ds.classes == ["0", "1", "2", "3", "4", "5", "6", "7", "8", "9"])
        #expect(ds.imageShape == [8, 8])
        #expect(ds.description == "Dataset digits: 1797 × [64] (8×8 images), 10 classes")
    }

    /// The checksums docs/data.md records (pixel bytes and label bytes, in order).
    @Test func matchesTheDocumentedChecksums() throws {
        let ds = try Dataset.digits()
        #expect(ds.x.data.allSatisfy { $0 >= 0 && $0 <= 16 && $0 == $0.rounded() })
        #expect(fnv1a64(ds.x.data.map { UInt8($0) }) == 0x493F_A2F6_7DF5_50A1)
        #expect(fnv1a64(ds.y.data.map { UInt8($0) }) == 0x5C66_ED87_5B0A_9785)
        #expect(ds.x.data.reduce(0, +) == 561_718)
    }

    @Test func classCounts() throws {
        let ds = try Dataset.digits()
        var counts = [Int](repeating: 0, count: 10)
        for label in ds.y.data { counts[Int(label)] += 1 }
        #expect(counts == [178, 182, 177, 183, 181, 182, 181, 179, 174, 180])
    }

    @Test func knownPixels() throws {
        let ds = try Dataset.digits()
        // The first image is a 0: row 0 of its 8×8 grid is 0 0 5 13 9 1 0 0.
        #expect(Array(ds.x.data[0..<8]) == [0, 0, 5, 13, 9, 1, 0, 0])
        #expect(ds.x.data[5 * 64 + 27] == 16)
        #expect(ds.x.data[100 * 64 + 3 * 8 + 5] == 16)  // image 100, row 3, column 5
        #expect(Array(ds.y.data[0..<10]) == [0, 1, 2, 3, 4, 5, 6, 7, 8, 9])
        #expect(Array(ds.y.data[1792...]) == [9, 0, 8, 9, 8])
        let last = try ds.example(-1)
        #expect(last.y == 8 && last.x.shape == [64])
        #expect(Array(last.x.data[0..<16]) == [0, 0, 10, 14, 8, 1, 0, 0, 0, 2, 16, 14, 6, 1, 0, 0])
    }

    @Test func eachCallGivesFreshTensors() throws {
        let a = try Dataset.digits()
        a.x.data[0] = 99
        #expect(try Dataset.digits().x.data[0] == 0)
    }
}
