import Foundation
import Testing
import TxTensor
@testable import TxData

/// An IDX image file: `count` images of rows × cols, pixel (k, r, c) = 40k + 10r + c.
func idxImages(count: Int, rows: Int, cols: Int, magic: Int = 0x0803) -> [UInt8] {
    var out = be32(magic) + be32(count) + be32(rows) + be32(cols)
    for k in 0..<count { for r in 0..<rows { for c in 0..<cols { out.append(UInt8((40 * k + 10 * r + c) % 256)) } } }
    return out
}

func idxLabels(_ labels: [UInt8], magic: Int = 0x0801) -> [UInt8] { be32(magic) + be32(labels.count) + labels }

@Suite("IDX files (MNIST, Fashion-MNIST)")
struct IDXTests {
    @Test func readsPlainFilesWithExactPixelsAndLabelOrder() throws {
        let dir = try makeTempFolder()
        // 2 rows × 3 columns: a row/column mix-up changes the shape and every value.
        try writeBytes(dir + "/img", idxImages(count: 3, rows: 2, cols: 3))
        try writeBytes(dir + "/lab", idxLabels([7, 0, 2]))
        let ds = try readIDX(images: dir + "/img", labels: dir + "/lab")
        #expect(ds.x.shape == [3, 2, 3])
        #expect(ds.imageShape == [2, 3])
        #expect(ds.y.data == [7, 0, 2])
        #expect(ds.classes.count == 8)
        for k in 0..<3 { for r in 0..<2 { for c in 0..<3 {
            #expect(ds.x.data[k * 6 + r * 3 + c] == Float(40 * k + 10 * r + c) / 255)
        } } }
        #expect(ds.description == "Dataset img: 3 × [2, 3] (2×3 images), 8 classes")
    }

    @Test func scalesPixelsToTheUnitInterval() throws {
        let dir = try makeTempFolder()
        try writeBytes(dir + "/i", be32(0x803) + be32(1) + be32(1) + be32(3) + [0, 128, 255])
        try writeBytes(dir + "/l", idxLabels([1]))
        let ds = try readIDX(images: dir + "/i", labels: dir + "/l", classes: ["a", "b"])
        #expect(ds.x.data == [0, 128 / 255, 1])
        #expect(ds.classes == ["a", "b"])
    }

    @Test func readsGzipFiles() throws {
        let dir = try makeTempFolder()
        // Large enough to span several stored deflate blocks and read chunks.
        let images = idxImages(count: 1000, rows: 28, cols: 28)
        let labels = idxLabels((0..<1000).map { UInt8($0 % 10) })
        try writeBytes(dir + "/train-images-idx3-ubyte.gz", gzipStored(images))
        try writeBytes(dir + "/train-labels-idx1-ubyte.gz", gzipStored(labels))
        let ds = try readIDX(images: dir + "/train-images-idx3-ubyte.gz", labels: dir + "/train-labels-idx1-ubyte.gz")
        #expect(ds.x.shape == [1000, 28, 28])
        #expect(ds.name == "train")
        #expect(ds.y.data == (0..<1000).map { Float($0 % 10) })
        #expect(ds.x.data == images.dropFirst(16).map { Float($0) / 255 })
    }

    @Test func rejectsMalformedFilesNamingThem() throws {
        let dir = try makeTempFolder()
        let img = dir + "/img", lab = dir + "/lab"
        try writeBytes(lab, idxLabels([1, 2]))
        try writeBytes(img, idxImages(count: 2, rows: 2, cols: 2, magic: 0x0802))
        expectDataError("'\(img)'", "bad magic number 0x00000802", "0x00000803") { _ = try readIDX(images: img, labels: lab) }
        // Swapped files.
        try writeBytes(img, idxImages(count: 2, rows: 2, cols: 2))
        expectDataError("'\(lab)'", "swapped") { _ = try readIDX(images: lab, labels: img) }
        // Truncated pixel data.
        try writeBytes(img, Array(idxImages(count: 2, rows: 2, cols: 2).dropLast(3)))
        expectDataError("'\(img)'", "truncated", "2 images of 2×2 pixels (8 bytes)", "only 5 bytes") {
            _ = try readIDX(images: img, labels: lab)
        }
        // A header promising far more than the file holds fails before allocating.
        try writeBytes(img, gzipStored(be32(0x803) + be32(100_000) + be32(100) + be32(100) + [1, 2, 3]))
        expectDataError("'\(img)'", "truncated", "far too small") { _ = try readIDX(images: img, labels: lab) }
        try writeBytes(img, be32(0x803) + be32(100_000) + be32(100) + be32(100) + [1, 2, 3])
        expectDataError("'\(img)'", "truncated", "only 3 bytes") { _ = try readIDX(images: img, labels: lab) }
        // Truncated header, empty file.
        try writeBytes(img, be32(0x803) + be32(2) + [0, 0])
        expectDataError("'\(img)'", "truncated: the header needs 16 bytes but the file has only 10") {
            _ = try readIDX(images: img, labels: lab)
        }
        try writeBytes(img, [])
        expectDataError("'\(img)'", "empty") { _ = try readIDX(images: img, labels: lab) }
        // Extra data after the promised images.
        try writeBytes(img, idxImages(count: 2, rows: 2, cols: 2) + [9])
        expectDataError("'\(img)'", "more data follows") { _ = try readIDX(images: img, labels: lab) }
        // Zero-sized images.
        try writeBytes(img, be32(0x803) + be32(2) + be32(0) + be32(2))
        expectDataError("'\(img)'", "bad image size 0×2") { _ = try readIDX(images: img, labels: lab) }
        // Counts that disagree.
        try writeBytes(img, idxImages(count: 3, rows: 2, cols: 2))
        expectDataError("'\(img)' holds 3 images but '\(lab)' holds 2 labels") { _ = try readIDX(images: img, labels: lab) }
        // Labels beyond the given classes.
        try writeBytes(img, idxImages(count: 2, rows: 2, cols: 2))
        expectDataError("'\(lab)'", "label 2 of example 1 is not a class index") {
            _ = try readIDX(images: img, labels: lab, classes: ["a", "b"])
        }
        // Truncated and corrupt gzip data.
        let gz = gzipStored(idxImages(count: 2, rows: 2, cols: 2))
        try writeBytes(img, Array(gz.dropLast(12)))
        expectDataError("'\(img)'", "truncated") { _ = try readIDX(images: img, labels: lab) }
        var bad = gz
        bad[bad.count - 5] ^= 0xFF  // the CRC
        try writeBytes(img, bad)
        expectDataError("'\(img)'", "corrupt gzip data") { _ = try readIDX(images: img, labels: lab) }
        // Missing file and a folder.
        expectDataError("'\(dir)/nope'", "No such file") { _ = try readIDX(images: dir + "/nope", labels: lab) }
        expectDataError("'\(dir)'", "directory") { _ = try readIDX(images: dir, labels: lab) }
    }

    @Test func fashionMNISTFindsItsFilesOrSaysHowToInstallThem() throws {
        let empty = try makeTempFolder()
        expectDataError("Fashion-MNIST is not installed", "apt-get install dataset-fashion-mnist", "TX_DATA", empty) {
            _ = try Dataset.fashionMNIST(split: "train", folders: [empty])
        }
        expectDataError("split must be \"train\" or \"test\"") { _ = try Dataset.fashionMNIST(split: "val", folders: [empty]) }
        let dir = try makeTempFolder()
        try writeBytes(dir + "/t10k-images-idx3-ubyte.gz", gzipStored(idxImages(count: 2, rows: 28, cols: 28)))
        try writeBytes(dir + "/t10k-labels-idx1-ubyte", idxLabels([9, 0]))
        let ds = try Dataset.fashionMNIST(split: "test", folders: [empty, dir])
        #expect(ds.count == 2 && ds.y.data == [9, 0])
        #expect(ds.classes.count == 10 && ds.classes[0] == "T-shirt/top" && ds.classes[9] == "Ankle boot")
        #expect(ds.description == "Dataset fashion-mnist test: 2 × [28, 28] (28×28 images), 10 classes")
        #expect(Dataset.fashionMNISTFolders(txData: "/data/") == ["/data/fashion-mnist", "/data", "/usr/share/datasets/fashion-mnist"])
    }

    /// Runs on the real files when they are installed (Debian dataset-fashion-mnist, or $TX_DATA).
    @Test func readsTheRealFashionMNISTWhenInstalled() throws {
        let folders = Dataset.fashionMNISTFolders()
        guard folders.contains(where: { FileManager.default.fileExists(atPath: $0 + "/train-images-idx3-ubyte.gz") }) else { return }
        let ds = try Dataset.fashionMNIST(split: "train")
        #expect(ds.x.shape == [60000, 28, 28])
        #expect(Array(ds.y.data.prefix(4)) == [9, 0, 0, 3])
        let counts = (0..<10).map { k in ds.y.data.filter { $0 == Float(k) }.count }
        #expect(counts == [Int](repeating: 6000, count: 10))
    }
}
