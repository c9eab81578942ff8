#if canImport(Glibc)
import Glibc
#endif
import CGzip
import TxTensor

/// Reads an MNIST-style pair of IDX files (MNIST, Fashion-MNIST, KMNIST,
/// EMNIST), each plain or gzip-compressed (`.gz`; compression is detected from
/// the bytes, not the name).
///
/// The image file holds `00 00 08 03`, then the big-endian image count, rows
/// and columns, then one unsigned byte per pixel (row-major, image after
/// image). The label file holds `00 00 08 01`, the count, then one byte per
/// label.
///
/// The dataset's `x` is `[N, rows, cols]` Float32 with each pixel byte scaled
/// to [0, 1] (`byte / 255`, so 0 → 0 and 255 → 1, exactly); `y` holds the
/// labels as floats; `imageShape` is `[rows, cols]`. The files are read in one
/// streaming pass straight into the output tensor (no whole-file copy).
///
/// - Parameters:
///   - classes: the class names; nil derives `"0"…"K-1"` from the labels.
///   - name: the dataset's name; nil uses the image file's name without
///     `.gz` and its `-images-idx3-ubyte` suffix.
/// - Throws: `DataError` naming the file for a missing or unreadable file,
///   bad or swapped magic numbers, zero-sized dimensions, truncated or
///   overlong data, corrupt gzip data, image and label counts that disagree,
///   and labels that are not class indices of `classes`.
public func readIDX(images: String, labels: String, classes: [String]? = nil, name: String? = nil) throws -> Dataset {
    let (pixels, dims) = try IDX.read(images, kind: .images)
    let (labelValues, labelDims) = try IDX.read(labels, kind: .labels)
    guard dims[0] == labelDims[0] else {
        throw DataError("'\(images)' holds \(dims[0]) images but '\(labels)' holds \(labelDims[0]) labels; the counts must agree")
    }
    let n = dims[0]
    let x = Tensor(shape: [n, dims[1], dims[2]], data: pixels)
    let y = Tensor(shape: [n], data: labelValues)
    do {
        return try Dataset(x: x, y: y, classes: classes, name: name ?? IDX.datasetName(images),
                           imageShape: [dims[1], dims[2]])
    } catch let e as DataError {
        throw DataError("'\(labels)': \(e.message)")
    }
}

/// Reading IDX files (see ``readIDX(images:labels:classes:name:)``).
public enum IDX {
    enum Kind {
        case images, labels
        var magic: UInt32 { self == .images ? 0x0000_0803 : 0x0000_0801 }
        var dimensions: Int { self == .images ? 3 : 1 }
        var what: String { self == .images ? "an IDX image file" : "an IDX label file" }
    }

    /// The values of one IDX file (pixels scaled to [0, 1] for images, raw
    /// bytes for labels) and its dimensions.
    static func read(_ path: String, kind: Kind) throws -> ([Float], [Int]) {
        func fail(_ problem: String) -> DataError { DataError("can't read '\(path)': \(problem)") }
        let file = try GzipFile(path)
        defer { file.close() }
        var header = [UInt8](repeating: 0, count: 4 + 4 * kind.dimensions)
        let got = try file.read(into: &header)
        guard got >= 4 else {
            throw fail(got == 0 ? "the file is empty (expected \(kind.what))" : "the file is only \(got) bytes long (expected \(kind.what))")
        }
        let magic = UInt32(header[0]) << 24 | UInt32(header[1]) << 16 | UInt32(header[2]) << 8 | UInt32(header[3])
        guard magic == kind.magic else {
            var why = "bad magic number 0x\(hex(magic)) (\(kind.what) starts with 0x\(hex(kind.magic)))"
            if magic == 0x0000_0801 { why += "; this is a label file — are the image and label files swapped?" }
            if magic == 0x0000_0803 { why += "; this is an image file — are the image and label files swapped?" }
            if header[0] == 0 && header[1] == 0 && header[2] != 0x08 {
                why += "; its data type 0x\(String(header[2], radix: 16)) is not unsigned bytes (0x08)"
            }
            throw fail(why)
        }
        guard got == header.count else {
            throw fail("truncated: the header needs \(header.count) bytes but the file has only \(got)")
        }
        var dims: [Int] = []
        for d in 0..<kind.dimensions {
            let o = 4 + 4 * d
            dims.append(Int(UInt32(header[o]) << 24 | UInt32(header[o + 1]) << 16 | UInt32(header[o + 2]) << 8 | UInt32(header[o + 3])))
        }
        if kind == .images {
            guard dims[1] > 0, dims[2] > 0 else { throw fail("bad image size \(dims[1])×\(dims[2]) in the header") }
        }
        let count = dims.reduce(1, *)  // at most 3 × 32 bits: fits an Int
        guard count <= Int(Int32.max) * 4 else {
            throw fail("the header's dimensions \(dims.map(String.init).joined(separator: "×")) are too large")
        }
        let what = kind == .images
            ? "\(dims[0]) images of \(dims[1])×\(dims[2]) pixels (\(count) bytes)"
            : "\(dims[0]) labels (\(count) bytes)"
        // Check the promise against the file before allocating for it: plain data
        // is never shorter than the file, and deflate expands at most 1032-fold.
        let available = file.isCompressed ? file.size * 1032 + 1024 : file.size - header.count
        if count > available {
            throw fail("truncated: the header promises \(what) but " + (file.isCompressed
                ? "the compressed file is far too small to hold them" : "only \(Swift.max(0, available)) bytes of data follow"))
        }
        // Each pixel byte becomes byte/255; labels stay whole numbers.
        var table = [Float](repeating: 0, count: 256)
        for b in 0..<256 { table[b] = kind == .images ? Float(b) / 255 : Float(b) }
        var failure: DataError?
        let values = [Float](unsafeUninitializedCapacity: count) { out, initialized in
            initialized = 0
            adviseHugePages(out.baseAddress, bytes: count * 4)
            var chunk = [UInt8](repeating: 0, count: 1 << 18)
            var filled = 0
            defer { initialized = filled }  // on failure, only what was read (the array is dropped)
            table.withUnsafeBufferPointer { lut in
                while filled < count {
                    let want = Swift.min(chunk.count, count - filled)
                    let n: Int
                    do { n = try chunk.withUnsafeMutableBytes { try file.read(into: $0.baseAddress!, want) } } catch let e as DataError {
                        failure = e; return
                    } catch { failure = fail("\(error)"); return }
                    if n == 0 {
                        failure = fail("truncated: the header promises \(what) but only \(filled) bytes of data follow")
                        return
                    }
                    chunk.withUnsafeBufferPointer { src in
                        for k in 0..<n { out[filled + k] = lut[Int(src[k])] }
                    }
                    filled += n
                }
            }
        }
        if let failure { throw failure }
        var extra = [UInt8](repeating: 0, count: 1)
        if try file.read(into: &extra) > 0 {
            throw fail("the header promises \(what) but more data follows (is it the right file?)")
        }
        return (values, dims)
    }

    /// `train-images-idx3-ubyte.gz` → `train`.
    static func datasetName(_ path: String) -> String {
        var base = path.split(separator: "/").last.map(String.init) ?? path
        for suffix in [".gz", "-images-idx3-ubyte", "-images.idx3-ubyte", ".idx3-ubyte", "-idx3-ubyte"] where base.hasSuffix(suffix) {
            base.removeLast(suffix.count)
        }
        return base
    }

    private static func hex(_ v: UInt32) -> String {
        let s = String(v, radix: 16)
        return String(repeating: "0", count: Swift.max(0, 8 - s.count)) + s
    }
}

/// A file read through zlib's gz functions: gzip data is inflated, anything
/// else is read as it is.
final class GzipFile {
    let path: String
    private var handle: gzFile?

    init(_ path: String) throws {
        try NumPy.checkPath(path)
        var st = stat()
        guard stat(path, &st) == 0 else {
            throw DataError("can't read '\(path)': \(String(cString: strerror(errno)))")
        }
        if (st.st_mode & S_IFMT) == S_IFDIR { throw DataError("can't read '\(path)': it is a directory") }
        guard let h = gzopen(path, "rb") else {
            throw DataError("can't read '\(path)': \(String(cString: strerror(errno)))")
        }
        gzbuffer(h, 1 << 17)
        self.path = path
        self.handle = h
        self.size = Int(st.st_size)
    }

    /// The file's size on disk.
    let size: Int

    /// Whether the data is gzip-compressed (known once something was read).
    var isCompressed: Bool { handle.map { gzdirect($0) == 0 } ?? false }

    /// Reads up to `count` bytes; fewer only at the end of the data.
    func read(into buffer: UnsafeMutableRawPointer, _ count: Int) throws -> Int {
        guard let h = handle else { return 0 }
        var total = 0
        while total < count {
            let want = UInt32(Swift.min(count - total, 1 << 30))
            let n = gzread(h, buffer + total, want)
            if n < 0 {
                var code: Int32 = 0
                let msg = gzerror(h, &code).map { String(cString: $0) } ?? "read error"
                throw DataError("can't read '\(path)': \(code == Z_ERRNO ? String(cString: strerror(errno)) : "truncated or corrupt gzip data (\(msg))")")
            }
            if n == 0 {
                // A gzip stream cut short reads as a clean end; zlib reports it here.
                var code: Int32 = 0
                let msg = gzerror(h, &code).map { String(cString: $0) } ?? ""
                if code != Z_OK {
                    throw DataError("can't read '\(path)': truncated or corrupt gzip data (\(msg))")
                }
                break
            }
            total += Int(n)
        }
        return total
    }

    func read(into bytes: inout [UInt8]) throws -> Int {
        let count = bytes.count
        return try bytes.withUnsafeMutableBytes { try read(into: $0.baseAddress!, count) }
    }

    func close() {
        if let h = handle { gzclose(h) }
        handle = nil
    }

    deinit { close() }
}

// MARK: - Fashion-MNIST

extension Dataset {
    /// Fashion-MNIST's ten classes, in label order.
    public static let fashionMNISTClasses = ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
                                             "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"]

    /// The folders searched for Fashion-MNIST: `$TX_DATA/fashion-mnist`,
    /// `$TX_DATA`, then Debian's `/usr/share/datasets/fashion-mnist`
    /// (package `dataset-fashion-mnist`).
    public static func fashionMNISTFolders(txData: String? = nil) -> [String] {
        var folders: [String] = []
        let env = txData ?? getenv("TX_DATA").map { String(cString: $0) }
        if let env, !env.isEmpty {
            let base = env.hasSuffix("/") && env.count > 1 ? String(env.dropLast()) : env
            folders += [base + "/fashion-mnist", base]
        }
        return folders + ["/usr/share/datasets/fashion-mnist"]
    }

    /// Fashion-MNIST (Zalando, MIT licence): 60,000 training or 10,000 test
    /// 28×28 greyscale images of clothing in ten classes, read with
    /// ``readIDX(images:labels:classes:name:)`` from the first of `folders`
    /// that holds `train-images-idx3-ubyte(.gz)` and its label file
    /// (`t10k-…` for the test split).
    /// - Throws: `DataError` for a split other than "train" or "test", and,
    ///   when the files are nowhere, one saying where it looked and how to
    ///   install them.
    public static func fashionMNIST(split: String = "train", folders: [String]? = nil) throws -> Dataset {
        let prefix: String
        switch split {
        case "train": prefix = "train"
        case "test", "t10k": prefix = "t10k"
        default: throw DataError("fashion_mnist(): split must be \"train\" or \"test\", got \"\(split)\"")
        }
        let folders = folders ?? fashionMNISTFolders()
        func find(_ folder: String, _ stem: String) -> String? {
            for candidate in [folder + "/" + stem + ".gz", folder + "/" + stem] {
                var st = stat()
                if stat(candidate, &st) == 0, (st.st_mode & S_IFMT) == S_IFREG { return candidate }
            }
            return nil
        }
        for folder in folders {
            guard let images = find(folder, "\(prefix)-images-idx3-ubyte") else { continue }
            guard let labels = find(folder, "\(prefix)-labels-idx1-ubyte") else {
                throw DataError("fashion_mnist(): found '\(images)' but not its labels '\(folder)/\(prefix)-labels-idx1-ubyte.gz'")
            }
            return try readIDX(images: images, labels: labels, classes: fashionMNISTClasses,
                               name: "fashion-mnist " + (prefix == "train" ? "train" : "test"))
        }
        throw DataError("""
            Fashion-MNIST is not installed: no \(prefix)-images-idx3-ubyte.gz in \(folders.joined(separator: ", ")). \
            Install it with `sudo apt-get install dataset-fashion-mnist` (Debian/Ubuntu; files go to /usr/share/datasets/fashion-mnist), \
            or download the four *-ubyte.gz files from https://github.com/zalandoresearch/fashion-mnist and set TX_DATA to their folder.
            """)
    }
}
