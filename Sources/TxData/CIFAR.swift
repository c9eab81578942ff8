#if canImport(Glibc)
import Glibc
#endif
import TxTensor

/// The two CIFAR binary layouts.
public enum CIFARFormat: Int, Sendable {
    /// CIFAR-10: 3073-byte records, one label byte (0–9) then 3072 pixel bytes.
    case cifar10 = 10
    /// CIFAR-100: 3074-byte records, a coarse label (0–19), a fine label (0–99), then 3072 pixel bytes.
    case cifar100 = 100

    var recordSize: Int { self == .cifar10 ? 3073 : 3074 }
    var labelBytes: Int { self == .cifar10 ? 1 : 2 }
    var title: String { self == .cifar10 ? "CIFAR-10" : "CIFAR-100" }
}

/// Which CIFAR-100 label becomes `y`.
public enum CIFARLabel: String, Sendable {
    case fine, coarse
}

/// Reads CIFAR-10 or CIFAR-100 binary batches ("binary version" of
/// https://www.cs.toronto.edu/~kriz/cifar.html).
///
/// `path` is one `.bin` file or a folder. In a folder, the `train` split is
/// `data_batch_1.bin`…`data_batch_5.bin` (CIFAR-10, in number order) or
/// `train.bin` (CIFAR-100); the `test` split is `test_batch.bin` or `test.bin`.
///
/// Images are `[N, 3, 32, 32]` Float32 in [0, 1] (`byte / 255`), channels first
/// (CHW, as PyTorch and the files store them: 1024 red bytes row by row, then
/// green, then blue). Class names come from `batches.meta.txt` (CIFAR-10) or
/// `fine_label_names.txt` / `coarse_label_names.txt` (CIFAR-100) beside the
/// files when present; otherwise CIFAR-10's standard ten names, or `"0"`…`"99"`.
///
/// Which format a file is (unless `format` says): the file name first
/// (`data_batch_*`, `test_batch*` → CIFAR-10; `train.bin`, `test.bin` →
/// CIFAR-100), then the size: 3073-byte records divide CIFAR-10 files and
/// 3074-byte records CIFAR-100 files, and a size that both divide (only files
/// of at least 3074 records) counts as CIFAR-10 unless a CIFAR-100 name file
/// is beside it. A CIFAR-100 file taken for CIFAR-10 is caught by its size
/// when the two differ, and otherwise by a label byte ≥ 10 (after the first
/// record the misaligned "labels" are pixel bytes, which are almost never all
/// below 10).
///
/// - Throws: `DataError` naming the file for a size that is not a whole number
///   of records, a label out of range, a size that fits the other format
///   better, a missing file, or an empty folder.
public func readCIFAR(_ path: String, split: String = "train", label: CIFARLabel = .fine,
                      format: CIFARFormat? = nil) throws -> Dataset {
    try NumPy.checkPath(path)
    guard split == "train" || split == "test" else {
        throw DataError("read_cifar(): split must be \"train\" or \"test\", got \"\(split)\"")
    }
    var st = stat()
    guard stat(path, &st) == 0 else { throw DataError("can't read '\(path)': \(String(cString: strerror(errno)))") }
    let files: [String]
    let folder: String
    if (st.st_mode & S_IFMT) == S_IFDIR {
        folder = path.hasSuffix("/") && path.count > 1 ? String(path.dropLast()) : path
        files = try CIFAR.batchFiles(in: folder, split: split)
    } else {
        files = [path]
        folder = path.contains("/") ? String(path[..<path.lastIndex(of: "/")!]) : "."
    }
    let hasFineNames = CIFAR.isFile(folder + "/fine_label_names.txt")
    // Sizes first: check every file before allocating the output.
    var plan: [(path: String, format: CIFARFormat, records: Int)] = []
    for file in files {
        var fst = stat()
        guard stat(file, &fst) == 0 else { throw DataError("can't read '\(file)': \(String(cString: strerror(errno)))") }
        guard (fst.st_mode & S_IFMT) == S_IFREG else { throw DataError("can't read '\(file)': not a regular file") }
        let size = Int(fst.st_size)
        let f = try CIFAR.format(of: file, size: size, given: format, fineNamesBeside: hasFineNames)
        plan.append((file, f, size / f.recordSize))
    }
    let fmt = plan[0].format
    if let other = plan.first(where: { $0.format != fmt }) {
        throw DataError("'\(other.path)' is \(other.format.title) but '\(plan[0].path)' is \(fmt.title); read them separately")
    }
    let n = plan.reduce(0) { $0 + $1.records }
    guard n > 0 else { throw DataError("can't read '\(files[0])': the file is empty (no CIFAR records)") }
    let pixelsPerImage = 3072
    var labels = [Float]()
    labels.reserveCapacity(n)
    var table = [Float](repeating: 0, count: 256)
    for b in 0..<256 { table[b] = Float(b) / 255 }
    var failure: DataError?
    let pixels = [Float](unsafeUninitializedCapacity: n * pixelsPerImage) { out, initialized in
        out.initialize(repeating: 0)
        initialized = n * pixelsPerImage
        var index = 0
        for part in plan {
            let bytes: [UInt8]
            do { bytes = try NumPy.readFile(part.path) } catch let e as DataError { failure = e; return } catch { return }
            guard bytes.count == part.records * fmt.recordSize else {
                failure = DataError("can't read '\(part.path)': its size changed while it was read"); return
            }
            let labelLimit = fmt == .cifar10 ? 10 : (label == .fine ? 100 : 20)
            bytes.withUnsafeBufferPointer { src in
                table.withUnsafeBufferPointer { lut in
                    for r in 0..<part.records {
                        let base = r * fmt.recordSize
                        if fmt == .cifar100 && (src[base] >= 20 || src[base + 1] >= 100) {
                            failure = DataError("can't read '\(part.path)': record \(r) has labels \(src[base]) (coarse) and \(src[base + 1]) (fine), but CIFAR-100 labels are 0–19 and 0–99; is this a CIFAR-100 binary file?")
                            return
                        }
                        let l = fmt == .cifar10 ? src[base] : (label == .coarse ? src[base] : src[base + 1])
                        guard Int(l) < labelLimit else {
                            var why = "can't read '\(part.path)': record \(r) has label \(l), but \(fmt.title) labels are 0–\(labelLimit - 1)"
                            if fmt == .cifar10 { why += "; is this a CIFAR-100 file (3074-byte records)? Pass format: 100 to read it as one" }
                            failure = DataError(why)
                            return
                        }
                        labels.append(Float(l))
                        let p = base + fmt.labelBytes
                        let o = index * pixelsPerImage
                        for k in 0..<pixelsPerImage { out[o + k] = lut[Int(src[p + k])] }
                        index += 1
                    }
                }
            }
            if failure != nil { return }
        }
    }
    if let failure { throw failure }
    let classes = try CIFAR.classNames(folder: folder, format: fmt, label: label)
    let x = Tensor(shape: [n, 3, 32, 32], data: pixels)
    let name = fmt == .cifar10 ? "cifar-10" : "cifar-100" + (label == .coarse ? " coarse" : "")
    do {
        return try Dataset(x: x, y: Tensor(shape: [n], data: labels), classes: classes,
                           name: name + (files.count == 1 ? "" : " " + split), imageShape: [3, 32, 32])
    } catch let e as DataError {
        throw DataError("'\(path)': \(e.message) (check the class name file)")
    }
}

enum CIFAR {
    static let cifar10Classes = ["airplane", "automobile", "bird", "cat", "deer",
                                 "dog", "frog", "horse", "ship", "truck"]

    static func isFile(_ path: String) -> Bool {
        var st = stat()
        return stat(path, &st) == 0 && (st.st_mode & S_IFMT) == S_IFREG
    }

    /// The batch files of one split in a CIFAR folder.
    static func batchFiles(in folder: String, split: String) throws -> [String] {
        if split == "test" {
            for name in ["test_batch.bin", "test.bin"] where isFile(folder + "/" + name) { return [folder + "/" + name] }
            throw DataError("can't read '\(folder)': it holds no test_batch.bin (CIFAR-10) or test.bin (CIFAR-100)")
        }
        var batches: [(Int, String)] = []
        if let dir = opendir(folder) {
            defer { closedir(dir) }
            while let entry = readdir(dir) {
                let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                    String(cString: raw.bindMemory(to: CChar.self).baseAddress!)
                }
                if name.hasPrefix("data_batch_"), name.hasSuffix(".bin"),
                   let k = Int(name.dropFirst("data_batch_".count).dropLast(4)) {
                    batches.append((k, folder + "/" + name))
                }
            }
        } else {
            throw DataError("can't read '\(folder)': \(String(cString: strerror(errno)))")
        }
        if !batches.isEmpty { return batches.sorted { $0.0 < $1.0 }.map(\.1) }
        if isFile(folder + "/train.bin") { return [folder + "/train.bin"] }
        throw DataError("can't read '\(folder)': it holds no data_batch_*.bin (CIFAR-10) or train.bin (CIFAR-100)")
    }

    /// The format of one file, from `given`, its name and its size (see `readCIFAR`).
    static func format(of path: String, size: Int, given: CIFARFormat?, fineNamesBeside: Bool) throws -> CIFARFormat {
        let base = path.split(separator: "/").last.map(String.init) ?? path
        let by10 = size % 3073 == 0, by100 = size % 3074 == 0
        var named: CIFARFormat?
        if base.hasPrefix("data_batch") || base.hasPrefix("test_batch") { named = .cifar10 }
        if base == "train.bin" || base == "test.bin" { named = .cifar100 }
        let expected = given ?? named
        if let expected {
            let fits = expected == .cifar10 ? by10 : by100
            let otherFits = expected == .cifar10 ? by100 : by10
            if !fits {
                let other: CIFARFormat = expected == .cifar10 ? .cifar100 : .cifar10
                var why = "can't read '\(path)': its size (\(size) bytes) is not a whole number of \(expected.recordSize)-byte \(expected.title) records"
                if otherFits && size > 0 {
                    why += "; it is a whole number (\(size / other.recordSize)) of \(other.recordSize)-byte \(other.title) records — is it a \(other.title) file?"
                }
                throw DataError(why)
            }
            return expected
        }
        switch (by10, by100) {
        case (true, false): return .cifar10
        case (false, true): return .cifar100
        case (true, true): return fineNamesBeside ? .cifar100 : .cifar10
        case (false, false):
            throw DataError("can't read '\(path)': its size (\(size) bytes) is not a whole number of CIFAR records (3073 bytes for CIFAR-10, 3074 for CIFAR-100); the file is truncated or not a CIFAR binary batch")
        }
    }

    /// Class names from the name files beside the batches, when present.
    static func classNames(folder: String, format: CIFARFormat, label: CIFARLabel) throws -> [String] {
        let file: String
        if format == .cifar10 {
            file = folder + "/batches.meta.txt"
            guard isFile(file) else { return cifar10Classes }
        } else {
            file = folder + (label == .fine ? "/fine_label_names.txt" : "/coarse_label_names.txt")
            guard isFile(file) else { return (0..<(label == .fine ? 100 : 20)).map(String.init) }
        }
        let text = String(decoding: try NumPy.readFile(file), as: UTF8.self)
        var names = text.split(separator: "\n", omittingEmptySubsequences: false).map { line -> String in
            var s = Substring(line)
            while let c = s.last, c == "\r" || c == " " || c == "\t" { s = s.dropLast() }
            while let c = s.first, c == " " || c == "\t" { s = s.dropFirst() }
            return String(s)
        }
        while names.last == "" { names.removeLast() }
        let expected = format == .cifar10 ? 10 : (label == .fine ? 100 : 20)
        guard names.count == expected, !names.contains("") else {
            throw DataError("can't read '\(file)': expected \(expected) class names, one per line, but found \(names.filter { !$0.isEmpty }.count)")
        }
        return names
    }
}
