#if canImport(Glibc)
import Glibc
#endif
import TxTensor

/// Reads a NumPy `.npy` file as a Float32 tensor. See ``NumPy/decode(_:name:)``.
///
/// Little-endian float32 data is read straight into the tensor; other types
/// are read once and converted (one extra copy, of the file's size).
public func readNpy(_ path: String) throws -> Tensor {
    try NumPy.checkPath(path)
    var st = stat()
    guard stat(path, &st) == 0 else { throw DataError("can't read '\(path)': \(String(cString: strerror(errno)))") }
    // Pipes and other special files: read them whole.
    guard (st.st_mode & S_IFMT) == S_IFREG else { return try NumPy.decode(try NumPy.readFile(path), name: path) }
    guard let f = fopen(path, "rb") else { throw DataError("can't read '\(path)': \(String(cString: strerror(errno)))") }
    defer { fclose(f) }
    let size = Int(st.st_size)
    func read(_ count: Int) -> [UInt8] {
        [UInt8](unsafeUninitializedCapacity: count) { buf, n in n = fread(buf.baseAddress, 1, count, f) }
    }
    var head = read(Swift.min(size, 12))
    if head.count >= 10, Array(head[0..<6]) == NumPy.magic {
        let length = head[6] == 1 ? Int(head[8]) | Int(head[9]) << 8
            : head.count >= 12 ? Int(head[8]) | Int(head[9]) << 8 | Int(head[10]) << 16 | Int(head[11]) << 24 : 0
        let start = head[6] == 1 ? 10 : 12
        if head.count > start { head.removeLast(head.count - start); fseek(f, start, SEEK_SET) }
        head += read(Swift.max(0, Swift.min(length, size - start)))
    }
    let layout = try NumPy.Layout(head, fileSize: size, name: path)
    fseek(f, layout.dataStart, SEEK_SET)
    var failed = false
    let values: [Float]
    if layout.dtype.kind == .float && layout.dtype.size == 4 && layout.dtype.bigEndian == (1.bigEndian == 1) {
        values = [Float](unsafeUninitializedCapacity: layout.count) { buf, n in
            adviseHugePages(buf.baseAddress, bytes: layout.count * 4)
            let got = fread(buf.baseAddress, 4, layout.count, f)
            failed = got < layout.count
            if failed { buf.initialize(repeating: 0) }
            n = layout.count
        }
    } else {
        let data = read(layout.count * layout.dtype.size)
        failed = data.count < layout.count * layout.dtype.size
        values = failed ? [] : data.withUnsafeBytes { layout.dtype.convert($0, count: layout.count) }
    }
    if failed { throw DataError("can't read '\(path)': the file changed or could not be read while it was read") }
    return try layout.tensor(values)
}

/// Writes a tensor as a `.npy` file (`<f4`, C order, format 1.0; 2.0 for a
/// very long header) atomically: to a temporary file beside `path`, then
/// renamed into place, so a failed write never leaves a partial file.
public func writeNpy(_ path: String, _ tensor: Tensor) throws {
    let header = NumPy.header(tensor)
    try NumPy.writeAtomically(path) { f in
        guard fwrite(header, 1, header.count, f) == header.count else { return false }
        #if _endian(little)
        // float32 in memory is already '<f4': write the tensor's storage as it is.
        return tensor.data.withUnsafeBufferPointer { fwrite($0.baseAddress, 4, $0.count, f) } == tensor.count
        #else
        let bytes = NumPy.encode(tensor)
        return bytes.withUnsafeBufferPointer { fwrite($0.baseAddress! + header.count, 1, $0.count - header.count, f) } == bytes.count - header.count
        #endif
    }
}

/// The NumPy `.npy` format (versions 1.0, 2.0 and 3.0): a magic string, a
/// version, a little-endian header length, a header that is a Python dict
/// literal (`{'descr': '<f8', 'fortran_order': False, 'shape': (3, 4), }`),
/// then the raw elements. The header is parsed as data, never evaluated.
public enum NumPy {
    static let magic: [UInt8] = [0x93] + Array("NUMPY".utf8)
    /// The element types read, by kind and size.
    static let supported = "f2, f4, f8, i1, i2, i4, i8, u1, u2, u4, u8, b1"

    /// Decodes the bytes of a `.npy` file; `name` names it in errors.
    ///
    /// Elements of any supported dtype (`f2 f4 f8 i1 i2 i4 i8 u1 u2 u4 u8 b1`,
    /// little-endian `<`, big-endian `>`, or `|`/`=` for the machine's order)
    /// are converted to Float32; Fortran-ordered data is reordered to row-major.
    /// - Throws: `DataError` naming the file for bad magic bytes, an unknown
    ///   version, a header that runs past the end or can't be parsed, an
    ///   unsupported dtype, or a data size that disagrees with the shape.
    public static func decode(_ bytes: [UInt8], name: String) throws -> Tensor {
        let layout = try Layout(bytes, fileSize: bytes.count, name: name)
        let values = bytes.withUnsafeBytes { raw in
            layout.dtype.convert(UnsafeRawBufferPointer(rebasing: raw[layout.dataStart...]), count: layout.count)
        }
        return try layout.tensor(values)
    }

    /// What a `.npy` header says: the element type, order and shape, and where the data starts.
    struct Layout {
        let dtype: DType
        let fortran: Bool
        let shape: [Int]
        let count: Int
        let dataStart: Int

        /// The tensor of `values` (row-major after reordering Fortran data).
        func tensor(_ values: [Float]) throws -> Tensor {
            if fortran && shape.count > 1 {
                // Column-major data is the row-major layout of the reversed shape, transposed.
                return try Tensor(shape: shape.reversed(), data: values).transposed(nil)
            }
            return Tensor(shape: shape, data: values)
        }

    /// Parses the header at the start of `bytes` (which must hold at least the
    /// whole header) of a file of `fileSize` bytes, checking the data size.
    init(_ bytes: [UInt8], fileSize: Int, name: String) throws {
        func fail(_ problem: String) -> DataError { DataError("can't read '\(name)': \(problem)") }
        guard bytes.count >= 10, Array(bytes[0..<6]) == magic else {
            throw fail("not a .npy file (it does not start with the bytes \\x93NUMPY)")
        }
        let major = bytes[6], minor = bytes[7]
        guard (1...3).contains(major), minor == 0 else {
            throw fail("unsupported .npy format version \(major).\(minor) (1.0, 2.0 and 3.0 are read)")
        }
        let headerStart: Int, headerLength: Int
        if major == 1 {
            headerStart = 10
            headerLength = Int(bytes[8]) | Int(bytes[9]) << 8
        } else {
            guard bytes.count >= 12 else { throw fail("the file ends inside its header length") }
            headerStart = 12
            headerLength = Int(bytes[8]) | Int(bytes[9]) << 8 | Int(bytes[10]) << 16 | Int(bytes[11]) << 24
        }
        guard headerStart + headerLength <= bytes.count else {
            throw fail("its header is \(headerLength) bytes long but the file has only \(bytes.count - headerStart) bytes after the header length")
        }
        let header = Array(bytes[headerStart..<headerStart + headerLength])
        let fields: [(String, PyLiteral)]
        do {
            var parser = PyLiteralParser(header)
            guard case .dict(let d) = try parser.parseDocument() else {
                throw DataError("the header is not a dict")
            }
            fields = d
        } catch let e as DataError {
            throw fail("bad header (\(e.message)): \(headerPreview(header))")
        }
        func field(_ key: String) throws -> PyLiteral {
            guard let v = fields.last(where: { $0.0 == key })?.1 else {
                throw fail("its header has no '\(key)' entry: \(headerPreview(header))")
            }
            return v
        }
        guard case .string(let descr) = try field("descr") else {
            throw fail("its dtype is structured or not a string (\(headerPreview(header))); only plain numeric dtypes (\(supported)) are read")
        }
        guard case .bool(let fortran) = try field("fortran_order") else {
            throw fail("its header's 'fortran_order' is not True or False")
        }
        guard case .tuple(let dims) = try field("shape") else { throw fail("its header's 'shape' is not a tuple") }
        var shape: [Int] = []
        for d in dims {
            guard case .int(let n) = d, n >= 0 else { throw fail("its header's 'shape' must hold whole numbers ≥ 0") }
            shape.append(n)
        }
        guard let dtype = DType(descr) else {
            throw fail("unsupported dtype '\(descr)' (supported: \(supported), with byte order <, > or |)")
        }
        let count: Int
        do { count = try Tensor.elementCount(shape) } catch let e as TensorError {
            throw fail("shape \(shapeText(shape)): \(e.message)")
        }
        let (needed, overflow) = count.multipliedReportingOverflow(by: dtype.size)
        let dataStart = headerStart + headerLength
        let available = fileSize - dataStart
        guard !overflow, needed == available else {
            let what = "shape \(shapeText(shape)) of '\(descr)' needs \(needed) bytes of data"
            if overflow || needed > available { throw fail("truncated: \(what) but only \(available) follow the header") }
            throw fail("\(what) but \(available) follow the header (\(available - needed) extra)")
        }
        self.dtype = dtype; self.fortran = fortran; self.shape = shape; self.count = count; self.dataStart = dataStart
    }
    }

    /// The bytes of a `.npy` file (format 1.0, or 2.0 when the header would
    /// not fit 1.0) holding `tensor` as little-endian float32 in C order.
    public static func encode(_ tensor: Tensor) -> [UInt8] {
        var out = header(tensor)
        let start = out.count
        out += [UInt8](repeating: 0, count: tensor.count * 4)
        out.withUnsafeMutableBytes { raw in
            tensor.data.withUnsafeBufferPointer { src in
                for (k, v) in src.enumerated() {
                    raw.storeBytes(of: v.bitPattern.littleEndian, toByteOffset: start + 4 * k, as: UInt32.self)
                }
            }
        }
        return out
    }

    /// The magic, version, length and padded header of a float32 C-order `.npy`
    /// file of `tensor`'s shape (the data follows, 64-byte aligned).
    static func header(_ tensor: Tensor) -> [UInt8] {
        let shapeText: String
        switch tensor.shape.count {
        case 0: shapeText = "()"
        case 1: shapeText = "(\(tensor.shape[0]),)"
        default: shapeText = "(" + tensor.shape.map(String.init).joined(separator: ", ") + ")"
        }
        var header = Array("{'descr': '<f4', 'fortran_order': False, 'shape': \(shapeText), }".utf8)
        // Pad with spaces and end with a newline so the data starts 64-byte aligned.
        var major: UInt8 = 1
        var prefix = 10
        if header.count + 1 + prefix > 65535 { major = 2; prefix = 12 }
        let total = (prefix + header.count + 1 + 63) / 64 * 64
        header += [UInt8](repeating: 0x20, count: total - prefix - header.count - 1) + [0x0A]
        var out = magic + [major, 0]
        let n = header.count
        out += major == 1 ? [UInt8(n & 0xFF), UInt8(n >> 8)]
                          : [UInt8(n & 0xFF), UInt8((n >> 8) & 0xFF), UInt8((n >> 16) & 0xFF), UInt8(n >> 24)]
        out += header
        return out
    }

    // MARK: - Files

    /// The whole contents of a regular file.
    /// - Throws: `DataError` naming the file and the system's reason.
    public static func readFile(_ path: String) throws -> [UInt8] {
        try checkPath(path)
        var st = stat()
        guard stat(path, &st) == 0 else { throw DataError("can't read '\(path)': \(reason())") }
        if (st.st_mode & S_IFMT) == S_IFDIR { throw DataError("can't read '\(path)': it is a directory") }
        guard let f = fopen(path, "rb") else { throw DataError("can't read '\(path)': \(reason())") }
        defer { fclose(f) }
        var bytes: [UInt8] = []
        if (st.st_mode & S_IFMT) == S_IFREG && st.st_size > 0 {
            let size = Int(st.st_size)
            var failed = false
            bytes = [UInt8](unsafeUninitializedCapacity: size) { buf, n in
                n = fread(buf.baseAddress, 1, size, f)
                failed = n < size && ferror(f) != 0
            }
            if failed { throw DataError("can't read '\(path)': \(reason())") }
        }
        // Anything beyond the size stat reported (a growing file, a pipe).
        var chunk = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = fread(&chunk, 1, chunk.count, f)
            if n > 0 { bytes += chunk[0..<n] }
            if n < chunk.count {
                if ferror(f) != 0 { throw DataError("can't read '\(path)': \(reason())") }
                break
            }
        }
        return bytes
    }

    /// Writes bytes to a temporary file beside `path`, then renames it into place.
    public static func writeAtomically(_ path: String, _ bytes: [UInt8]) throws {
        try writeAtomically(path) { f in bytes.withUnsafeBufferPointer { fwrite($0.baseAddress, 1, $0.count, f) } == bytes.count }
    }

    /// Writes through `body` (false: the write failed) to a temporary file
    /// beside `path`, then renames it into place.
    static func writeAtomically(_ path: String, _ body: (UnsafeMutablePointer<FILE>) -> Bool) throws {
        try checkPath(path)
        var path = path
        var st = stat()
        // Writing through a symlink replaces what it points to, not the link.
        if lstat(path, &st) == 0 && (st.st_mode & S_IFMT) == S_IFLNK, let p = realpath(path, nil) {
            path = String(cString: p)
            free(p)
        }
        if stat(path, &st) == 0 && (st.st_mode & S_IFMT) == S_IFDIR {
            throw DataError("can't write '\(path)': it is a directory")
        }
        let temp = "\(path).tmp-\(getpid())"
        guard let f = fopen(temp, "wb") else { throw DataError("can't write '\(path)': \(reason())") }
        let written = body(f)
        let flushed = fflush(f) == 0
        let closed = fclose(f) == 0
        guard written, flushed, closed else {
            let why = reason()
            unlink(temp)
            throw DataError("can't write '\(path)': \(why)")
        }
        guard rename(temp, path) == 0 else {
            let why = reason()
            unlink(temp)
            throw DataError("can't write '\(path)': \(why)")
        }
    }

    static func checkPath(_ path: String) throws {
        if path.isEmpty { throw DataError("empty file path") }
        if path.contains("\0") { throw DataError("file path contains a NUL character") }
    }

    private static func reason() -> String { String(cString: strerror(errno)) }

    private static func shapeText(_ shape: [Int]) -> String {
        "(" + shape.map(String.init).joined(separator: ", ") + (shape.count == 1 ? ",)" : ")")
    }

    /// The header as text for an error message, shortened.
    private static func headerPreview(_ header: [UInt8]) -> String {
        var text = String(decoding: header.prefix(120), as: UTF8.self)
        while let last = text.last, last == " " || last == "\n" { text.removeLast() }
        let escaped = text.unicodeScalars.map { $0.value < 0x20 || $0.value == 0x7F ? "\\x" + String($0.value, radix: 16) : String($0) }.joined()
        return escaped + (header.count > 120 ? "…" : "")
    }
}

// MARK: - Element types

/// A `.npy` element type: kind (`f`, `i`, `u`, `b`), size in bytes, byte order.
struct DType {
    enum Kind { case float, int, uint, bool }
    let kind: Kind
    let size: Int
    let bigEndian: Bool

    /// Parses `<f4`, `>i8`, `|u1`, `|b1`, `=f8` (`=` and `|` mean this machine's order).
    init?(_ descr: String) {
        var chars = Array(descr.utf8)
        var big = false
        if let first = chars.first, "<>|=".utf8.contains(first) {
            big = first == UInt8(ascii: ">")
            chars.removeFirst()
        }
        guard chars.count >= 2, let size = Int(String(decoding: chars.dropFirst(), as: UTF8.self)) else { return nil }
        switch (chars[0], size) {
        case (UInt8(ascii: "f"), 2), (UInt8(ascii: "f"), 4), (UInt8(ascii: "f"), 8): kind = .float
        case (UInt8(ascii: "i"), 1), (UInt8(ascii: "i"), 2), (UInt8(ascii: "i"), 4), (UInt8(ascii: "i"), 8): kind = .int
        case (UInt8(ascii: "u"), 1), (UInt8(ascii: "u"), 2), (UInt8(ascii: "u"), 4), (UInt8(ascii: "u"), 8): kind = .uint
        case (UInt8(ascii: "b"), 1): kind = .bool
        default: return nil
        }
        self.size = size
        self.bigEndian = big
    }

    /// `count` elements of this type from `raw`, as Float32.
    func convert(_ raw: UnsafeRawBufferPointer, count: Int) -> [Float] {
        [Float](unsafeUninitializedCapacity: count) { out, n in
            let big = bigEndian
            switch (kind, size) {
            case (.float, 2): fill(raw, out, UInt16.self, big) { Float(Float16(bitPattern: $0)) }
            case (.float, 4): fill(raw, out, UInt32.self, big) { Float(bitPattern: $0) }
            case (.float, 8): fill(raw, out, UInt64.self, big) { Float(Double(bitPattern: $0)) }
            case (.int, 1): fill(raw, out, Int8.self, big) { Float($0) }
            case (.int, 2): fill(raw, out, Int16.self, big) { Float($0) }
            case (.int, 4): fill(raw, out, Int32.self, big) { Float($0) }
            case (.int, 8): fill(raw, out, Int64.self, big) { Float($0) }
            case (.uint, 1): fill(raw, out, UInt8.self, big) { Float($0) }
            case (.uint, 2): fill(raw, out, UInt16.self, big) { Float($0) }
            case (.uint, 4): fill(raw, out, UInt32.self, big) { Float($0) }
            case (.uint, 8): fill(raw, out, UInt64.self, big) { Float($0) }
            default: fill(raw, out, UInt8.self, big) { $0 == 0 ? 0 : 1 }  // b1
            }
            n = count
        }
    }
}

@inline(__always)
private func fill<T: FixedWidthInteger>(_ raw: UnsafeRawBufferPointer, _ out: UnsafeMutableBufferPointer<Float>,
                                        _: T.Type, _ big: Bool, _ convert: (T) -> Float) {
    let size = MemoryLayout<T>.size
    for k in 0..<out.count {
        let v = raw.loadUnaligned(fromByteOffset: k * size, as: T.self)
        out[k] = convert(big ? T(bigEndian: v) : T(littleEndian: v))
    }
}

// MARK: - The header: a Python literal, parsed as data

/// The values a `.npy` header can hold.
enum PyLiteral: Equatable {
    case string(String)
    case int(Int)
    case bool(Bool)
    case none
    case tuple([PyLiteral])
    case list([PyLiteral])
    case dict([(String, PyLiteral)])

    static func == (a: PyLiteral, b: PyLiteral) -> Bool {
        switch (a, b) {
        case (.string(let x), .string(let y)): return x == y
        case (.int(let x), .int(let y)): return x == y
        case (.bool(let x), .bool(let y)): return x == y
        case (.none, .none): return true
        case (.tuple(let x), .tuple(let y)), (.list(let x), .list(let y)): return x == y
        case (.dict(let x), .dict(let y)):
            return x.count == y.count && zip(x, y).allSatisfy { $0.0 == $1.0 && $0.1 == $1.1 }
        default: return false
        }
    }
}

/// A small recursive-descent parser for Python literals: dicts with string
/// keys, tuples, lists, strings, integers, True, False and None. Nothing is
/// evaluated; anything else is an error.
struct PyLiteralParser {
    private let bytes: [UInt8]
    private var i = 0
    private var depth = 0

    init(_ bytes: [UInt8]) { self.bytes = bytes }

    /// One literal, then only whitespace (or NUL padding) to the end.
    mutating func parseDocument() throws -> PyLiteral {
        let v = try parseValue()
        skipSpace()
        while i < bytes.count, bytes[i] == 0 { i += 1 }
        guard i == bytes.count else { throw error("unexpected '\(char(i))' after the dict") }
        return v
    }

    private func char(_ k: Int) -> String { k < bytes.count ? String(decoding: [bytes[k]], as: UTF8.self) : "end" }

    private func error(_ message: String) -> DataError { DataError(message + " at byte \(i)") }

    private mutating func skipSpace() {
        while i < bytes.count, bytes[i] == 0x20 || bytes[i] == 0x0A || bytes[i] == 0x0D || bytes[i] == 0x09 { i += 1 }
    }

    private mutating func expect(_ c: UInt8) throws {
        skipSpace()
        guard i < bytes.count, bytes[i] == c else {
            throw error("expected '\(String(decoding: [c], as: UTF8.self))' but found \(i < bytes.count ? "'\(char(i))'" : "the end")")
        }
        i += 1
    }

    private mutating func parseValue() throws -> PyLiteral {
        skipSpace()
        guard i < bytes.count else { throw error("unexpected end of the header") }
        depth += 1
        defer { depth -= 1 }
        guard depth <= 32 else { throw error("nested too deeply") }
        let c = bytes[i]
        switch c {
        case UInt8(ascii: "{"):
            i += 1
            var entries: [(String, PyLiteral)] = []
            while true {
                skipSpace()
                if i < bytes.count, bytes[i] == UInt8(ascii: "}") { i += 1; return .dict(entries) }
                guard case .string(let key) = try parseValue() else { throw error("dict keys must be strings") }
                try expect(UInt8(ascii: ":"))
                entries.append((key, try parseValue()))
                skipSpace()
                if i < bytes.count, bytes[i] == UInt8(ascii: ",") { i += 1; continue }
                try expect(UInt8(ascii: "}"))
                return .dict(entries)
            }
        case UInt8(ascii: "("), UInt8(ascii: "["):
            let close = c == UInt8(ascii: "(") ? UInt8(ascii: ")") : UInt8(ascii: "]")
            i += 1
            var items: [PyLiteral] = []
            var sawComma = false
            while true {
                skipSpace()
                if i < bytes.count, bytes[i] == close { i += 1; break }
                items.append(try parseValue())
                skipSpace()
                if i < bytes.count, bytes[i] == UInt8(ascii: ",") { i += 1; sawComma = true; continue }
                try expect(close)
                break
            }
            if c == UInt8(ascii: "[") { return .list(items) }
            // `(3)` is just 3 in Python; `(3,)` is a tuple.
            if items.count == 1 && !sawComma { return items[0] }
            return .tuple(items)
        case UInt8(ascii: "'"), UInt8(ascii: "\""):
            i += 1
            var s: [UInt8] = []
            while i < bytes.count, bytes[i] != c {
                if bytes[i] == UInt8(ascii: "\\"), i + 1 < bytes.count { i += 1 }
                if bytes[i] == 0x0A { throw error("a string runs past the end of its line") }
                s.append(bytes[i])
                i += 1
            }
            guard i < bytes.count else { throw error("unterminated string") }
            i += 1
            return .string(String(decoding: s, as: UTF8.self))
        case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "+"):
            let start = i
            i += 1
            while i < bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[i]) { i += 1 }
            let text = String(decoding: bytes[start..<i], as: UTF8.self)
            if i < bytes.count, bytes[i] == UInt8(ascii: "L") || bytes[i] == UInt8(ascii: "l") { i += 1 }  // Python 2 longs
            guard let n = Int(text) else { throw error("bad or too large integer '\(text)'") }
            return .int(n)
        default:
            let start = i
            while i < bytes.count, (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(bytes[i])
                    || (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(bytes[i]) || bytes[i] == UInt8(ascii: "_") { i += 1 }
            switch String(decoding: bytes[start..<i], as: UTF8.self) {
            case "True": return .bool(true)
            case "False": return .bool(false)
            case "None": return .none
            case "": throw error("unexpected '\(char(i))'")
            case let word: i = start; throw error("unexpected name '\(word)' (only literals are allowed)")
            }
        }
    }
}
