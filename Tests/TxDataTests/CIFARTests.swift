import Foundation
import Testing
import TxTensor
@testable import TxData

/// Pixel byte at channel c, row r, column x of record k: distinct per position,
/// so an HWC/CHW or row/column mix-up changes the values.
func cifarPixel(_ k: Int, _ c: Int, _ r: Int, _ x: Int) -> UInt8 {
    UInt8((c * 1024 + r * 32 + x + 7 * k) % 251)
}

func cifarRecords(_ labels: [[UInt8]], firstIndex: Int = 0) -> [UInt8] {
    var out: [UInt8] = []
    for (i, l) in labels.enumerated() {
        out += l
        for c in 0..<3 { for r in 0..<32 { for x in 0..<32 { out.append(cifarPixel(firstIndex + i, c, r, x)) } } }
    }
    return out
}

@Suite("CIFAR binary batches")
struct CIFARTests {
    @Test func readsCIFAR10AsChannelsFirst() throws {
        let dir = try makeTempFolder()
        try writeBytes(dir + "/test_batch.bin", cifarRecords([[3], [9]]))
        let ds = try readCIFAR(dir + "/test_batch.bin")
        #expect(ds.x.shape == [2, 3, 32, 32])
        #expect(ds.imageShape == [3, 32, 32])
        #expect(ds.y.data == [3, 9])
        #expect(ds.classes[3] == "cat" && ds.classes[9] == "truck")
        var expected: [Float] = []
        for k in 0..<2 { for c in 0..<3 { for r in 0..<32 { for x in 0..<32 { expected.append(Float(cifarPixel(k, c, r, x)) / 255) } } } }
        #expect(ds.x.data == expected)
        // Spot checks of the layout: [k, c, r, x].
        #expect(ds.x.data[1 * 3072 + 2 * 1024 + 5 * 32 + 31] == Float(cifarPixel(1, 2, 5, 31)) / 255)
    }

    @Test func readsAFolderOfBatchesInNumberOrderWithMetaNames() throws {
        let dir = try makeTempFolder()
        // data_batch_10 must come after data_batch_2.
        try writeBytes(dir + "/data_batch_2.bin", cifarRecords([[1]], firstIndex: 1))
        try writeBytes(dir + "/data_batch_10.bin", cifarRecords([[2], [0]], firstIndex: 2))
        try writeBytes(dir + "/data_batch_1.bin", cifarRecords([[4]], firstIndex: 0))
        try writeBytes(dir + "/test_batch.bin", cifarRecords([[5]]))
        try writeBytes(dir + "/batches.meta.txt", Array("a\nb\nc\nd\ne\nf\ng\nh\ni\nj\n\n".utf8))
        let ds = try readCIFAR(dir)
        #expect(ds.y.data == [4, 1, 2, 0])
        #expect(ds.classes == ["a", "b", "c", "d", "e", "f", "g", "h", "i", "j"])
        #expect(ds.x.data[3 * 3072 + 100] == Float(cifarPixel(3, 0, 3, 4)) / 255)
        let test = try readCIFAR(dir + "/", split: "test")
        #expect(test.y.data == [5] && test.count == 1)
        #expect(ds.description == "Dataset cifar-10 train: 4 × [3, 32, 32] (3×32×32 images), 10 classes")
    }

    @Test func readsCIFAR100FineAndCoarse() throws {
        let dir = try makeTempFolder()
        try writeBytes(dir + "/train.bin", cifarRecords([[11, 99], [0, 42]]))
        let fine = try readCIFAR(dir)
        #expect(fine.y.data == [99, 42] && fine.classes.count == 100)
        #expect(fine.x.data[3072 + 1024] == Float(cifarPixel(1, 1, 0, 0)) / 255)
        let coarse = try readCIFAR(dir + "/train.bin", label: .coarse)
        #expect(coarse.y.data == [11, 0] && coarse.classes.count == 20)
        let names = (0..<100).map { "fine\($0)" }.joined(separator: "\n") + "\n"
        try writeBytes(dir + "/fine_label_names.txt", Array(names.utf8))
        #expect(try readCIFAR(dir).classes[99] == "fine99")
        // A size that is not a whole number of records is caught even without the name.
        try writeBytes(dir + "/mystery.bin", cifarRecords([[1, 2]]))
        #expect(try readCIFAR(dir + "/mystery.bin").y.data == [2])
    }

    @Test func rejectsBadSizesAndMisreadFormats() throws {
        let dir = try makeTempFolder()
        let bad = dir + "/data_batch_1.bin"
        try writeBytes(bad, Array(cifarRecords([[1], [2]]).dropLast(1)))
        expectDataError("'\(bad)'", "6145 bytes", "not a whole number of 3073-byte CIFAR-10 records") { _ = try readCIFAR(bad) }
        let odd = dir + "/odd.bin"
        try writeBytes(odd, [1, 2, 3])
        expectDataError("'\(odd)'", "not a whole number of CIFAR records") { _ = try readCIFAR(odd) }
        // A CIFAR-100 file named like a CIFAR-10 batch: its size gives it away.
        try writeBytes(bad, cifarRecords([[1, 2], [3, 4]]))
        expectDataError("'\(bad)'", "3074-byte CIFAR-100 records", "is it a CIFAR-100 file?") { _ = try readCIFAR(bad) }
        // When the size fits both (3073 × 3074 bytes), a label ≥ 10 gives it away.
        var big = cifarRecords([[1, 2]])
        big = [UInt8](repeating: 0, count: 0) + (0..<3073).flatMap { _ in big }
        for r in 0..<3073 { for p in 2..<3074 { big[r * 3074 + p] = 200 } }
        try writeBytes(bad, big)
        expectDataError("'\(bad)'", "record 1 has label 200", "CIFAR-100") { _ = try readCIFAR(bad) }
        #expect(try readCIFAR(bad, format: .cifar100).count == 3073)
        // CIFAR-100 labels out of range; an empty file; a folder without batches; a bad meta file.
        try writeBytes(dir + "/test.bin", cifarRecords([[25, 2]]))
        expectDataError("'\(dir)/test.bin'", "0–19") { _ = try readCIFAR(dir + "/test.bin") }
        try writeBytes(dir + "/empty.bin", [])
        expectDataError("'\(dir)/empty.bin'", "empty") { _ = try readCIFAR(dir + "/empty.bin") }
        let none = try makeTempFolder()
        expectDataError("'\(none)'", "no data_batch_*.bin") { _ = try readCIFAR(none) }
        let meta = try makeTempFolder()
        try writeBytes(meta + "/test_batch.bin", cifarRecords([[1]]))
        try writeBytes(meta + "/batches.meta.txt", Array("cat\ndog\n".utf8))
        expectDataError("'\(meta)/batches.meta.txt'", "expected 10 class names") { _ = try readCIFAR(meta + "/test_batch.bin") }
        expectDataError("split must be") { _ = try readCIFAR(meta, split: "valid") }
    }
}
