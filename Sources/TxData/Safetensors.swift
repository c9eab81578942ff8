#if canImport(Glibc)
import Glibc
#endif
import TxTensor

/// The contents of a `.safetensors` file: named tensors in the order of their
/// data in the file, and the header's `__metadata__` (string → string) in
/// header order (empty when the file has none).
public struct SafetensorsContents {
    public var tensors: [(name: String, tensor: Tensor)]
    public var metadata: [(key: String, value: String)]
    public init(tensors: [(name: String, tensor: Tensor)], metadata: [(key: String, value: String)] = []) {
        self.tensors = tensors
        self.metadata = metadata
    }
}

/// Reads a `.safetensors` file (Hugging Face's format: an 8-byte little-endian
/// header length, a JSON header, then the raw little-endian data). The file is
/// mapped into memory and each tensor converted to Float32 straight from the
/// mapping. See ``Safetensors/decode(_:name:)`` for what is checked.
public func readSafetensors(_ path: String) throws -> SafetensorsContents {
    try NumPy.checkPath(path)
    let fd = open(path, O_RDONLY)
    guard fd >= 0 else { throw DataError("can't read '\(path)': \(String(cString: strerror(errno)))") }
    defer { close(fd) }
    var st = stat()
    guard fstat(fd, &st) == 0 else { throw DataError("can't read '\(path)': \(String(cString: strerror(errno)))") }
    if (st.st_mode & S_IFMT) == S_IFDIR { throw DataError("can't read '\(path)': it is a directory") }
    guard (st.st_mode & S_IFMT) == S_IFREG, st.st_size > 0 else {
        // A pipe or an empty file: one read into memory.
        let bytes = try NumPy.readFile(path)
        return try bytes.withUnsafeBytes { try Safetensors.decode($0, name: path) }
    }
    let size = Int(st.st_size)
    guard let base = mmap(nil, size, PROT_READ, MAP_PRIVATE, fd, 0), base != MAP_FAILED else {
        throw DataError("can't read '\(path)': \(String(cString: strerror(errno)))")
    }
    defer { munmap(base, size) }
    return try Safetensors.decode(UnsafeRawBufferPointer(start: base, count: size), name: path)
}

/// Writes named tensors as a `.safetensors` file (every tensor as F32, in the
/// order given) with optional `__metadata__`, atomically (a temporary file
/// beside `path`, then renamed). The header is compact JSON, as the reference
/// implementation writes it, padded with spaces to a multiple of 8 bytes.
/// - Throws: `DataError` naming the file for an empty, repeated or reserved
///   (`__metadata__`) tensor name, a repeated metadata key, or a failed write.
public func writeSafetensors(_ path: String, _ tensors: [(name: String, tensor: Tensor)],
                             metadata: [(key: String, value: String)] = []) throws {
    try NumPy.checkPath(path)
    let bytes = try Safetensors.encode(tensors, metadata: metadata, name: path)
    try NumPy.writeAtomically(path, bytes)
}

/// The safetensors format: parsing that never trusts the header, and the writer.
public enum Safetensors {
    /// The reference implementation's limit on the header's size.
    public static let maxHeaderSize = 100_000_000

    /// Decodes the bytes of a `.safetensors` file; `name` names it in errors.
    ///
    /// Checked, as the reference implementation does: the header length fits
    /// the file (and the 100 MB limit); the header is UTF-8 JSON, an object
    /// starting with `{`; `__metadata__`, when present, maps strings to
    /// strings; every other entry is an object with a known `dtype`, a `shape`
    /// of whole numbers ≥ 0 and `data_offsets` [begin, end] with begin ≤ end
    /// inside the data section; shape product × element size equals end − begin
    /// (overflow-checked); and the ranges, sorted, tile the data section
    /// exactly (no overlap, no hole, nothing after the last tensor).
    /// - Throws: `DataError` naming the file and the tensor or problem.
    public static func decode(_ bytes: UnsafeRawBufferPointer, name: String) throws -> SafetensorsContents {
        func fail(_ problem: String) -> DataError { DataError("can't read '\(name)': \(problem)") }
        guard bytes.count >= 8 else {
            throw fail("not a .safetensors file (it has \(bytes.count) bytes; the header length alone takes 8)")
        }
        let declared = UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: 0, as: UInt64.self))
        guard declared <= UInt64(bytes.count - 8) else {
            throw fail("its header length is \(declared) bytes but only \(bytes.count - 8) bytes follow; the file is truncated or not a .safetensors file")
        }
        let headerLength = Int(declared)
        guard headerLength <= maxHeaderSize else {
            throw fail("its header is \(headerLength) bytes, more than the format's limit of \(maxHeaderSize)")
        }
        let header = UnsafeRawBufferPointer(rebasing: bytes[8..<8 + headerLength])
        guard header.first == UInt8(ascii: "{") else {
            throw fail("its header does not start with '{' (not a .safetensors file)")
        }
        let document: JSONValue
        do {
            var parser = JSONParser(header)
            document = try parser.parseDocument()
        } catch let e as DataError {
            throw fail("its header is not valid JSON (\(e.message))")
        }
        guard case .object(let members) = document else { throw fail("its header is not a JSON object") }

        let dataStart = 8 + headerLength
        let dataLength = bytes.count - dataStart
        var metadata: [(key: String, value: String)] = []
        var entries: [Entry] = []
        var seen = Set<String>()
        for (key, value) in members {
            guard seen.insert(key).inserted else { throw fail("its header lists '\(key)' twice") }
            if key == "__metadata__" {
                metadata = try parseMetadata(value, fail)
            } else {
                entries.append(try parseEntry(key, value, dataLength: dataLength, fail))
            }
        }

        // The ranges must tile the data section: sorted by offset, each begins
        // where the previous one ended.
        entries.sort { ($0.begin, $0.end) < ($1.begin, $1.end) }
        var position = 0
        var previous: String? = nil
        for e in entries {
            if e.begin < position {
                throw fail("tensor '\(e.name)' (bytes \(e.begin)..<\(e.end)) overlaps tensor '\(previous ?? "")' (which ends at byte \(position))")
            }
            if e.begin > position {
                throw fail("bytes \(position)..<\(e.begin) of the data section, before tensor '\(e.name)', belong to no tensor")
            }
            position = e.end
            previous = e.name
        }
        guard position == dataLength else {
            throw fail("its data section has \(dataLength) bytes but the tensors cover only \(position) (\(dataLength - position) bytes belong to no tensor)")
        }

        let tensors = entries.map { e -> (name: String, tensor: Tensor) in
            let raw = UnsafeRawBufferPointer(rebasing: bytes[dataStart + e.begin..<dataStart + e.end])
            return (e.name, Tensor(shape: e.shape, data: e.dtype.convert(raw, count: e.count)))
        }
        return SafetensorsContents(tensors: tensors, metadata: metadata)
    }

    /// One validated header entry.
    private struct Entry {
        let name: String
        let dtype: SafetensorsDType
        let shape: [Int]
        let count: Int
        let begin: Int, end: Int
    }

    private static func parseMetadata(_ value: JSONValue, _ fail: (String) -> DataError) throws -> [(key: String, value: String)] {
        guard case .object(let pairs) = value else {
            throw fail("its '__metadata__' must be an object of strings, got \(value.kindName)")
        }
        var seen = Set<String>()
        return try pairs.map { key, v in
            guard seen.insert(key).inserted else { throw fail("its '__metadata__' lists '\(key)' twice") }
            guard case .string(let s) = v else {
                throw fail("its '__metadata__' value for '\(key)' must be a string, got \(v.kindName)")
            }
            return (key, s)
        }
    }

    private static func parseEntry(_ name: String, _ value: JSONValue, dataLength: Int,
                                   _ fail: (String) -> DataError) throws -> Entry {
        func bad(_ problem: String) -> DataError { fail("tensor '\(name)': \(problem)") }
        guard case .object(let fields) = value else { throw bad("its header entry must be an object, got \(value.kindName)") }
        func field(_ key: String) throws -> JSONValue {
            guard let v = fields.last(where: { $0.key == key })?.value else { throw bad("its header entry has no '\(key)'") }
            return v
        }
        guard case .string(let dtypeName) = try field("dtype") else { throw bad("'dtype' must be a string") }
        guard let dtype = SafetensorsDType(rawValue: dtypeName) else {
            throw bad("unsupported dtype '\(dtypeName)' (supported: \(SafetensorsDType.supportedList))")
        }
        guard case .array(let dims) = try field("shape") else { throw bad("'shape' must be an array of whole numbers") }
        guard dims.count <= Tensor.maxDimensions else {
            throw bad("its shape has \(dims.count) dimensions; a tensor has at most \(Tensor.maxDimensions)")
        }
        let shape = try dims.map { d -> Int in
            guard let n = d.integer, n >= 0 else { throw bad("'shape' must hold whole numbers ≥ 0, got \(d.kindName)") }
            return n
        }
        guard case .array(let offsets) = try field("data_offsets"), offsets.count == 2,
              let begin = offsets[0].integer, let end = offsets[1].integer, begin >= 0, end >= 0 else {
            throw bad("'data_offsets' must be two whole numbers [begin, end]")
        }
        guard begin <= end else { throw bad("its data_offsets [\(begin), \(end)] end before they begin") }
        guard end <= dataLength else {
            throw bad("its data_offsets [\(begin), \(end)] are out of range: the data section has \(dataLength) bytes")
        }
        var count = 1, overflow = false
        for d in shape where !overflow {
            (count, overflow) = count.multipliedReportingOverflow(by: d)
        }
        let (size, sizeOverflow) = count.multipliedReportingOverflow(by: dtype.size)
        let shapeText = "[" + shape.map(String.init).joined(separator: ", ") + "]"
        guard !overflow, !sizeOverflow, size == end - begin else {
            let needs = overflow || sizeOverflow ? "more bytes than fit in memory" : "\(size) bytes"
            throw bad("shape \(shapeText) of \(dtypeName) needs \(needs) but its data_offsets [\(begin), \(end)] hold \(end - begin)")
        }
        do { _ = try Tensor.elementCount(shape) } catch let e as TensorError { throw bad(e.message) }
        return Entry(name: name, dtype: dtype, shape: shape, count: count, begin: begin, end: end)
    }

    /// The bytes of a `.safetensors` file holding `tensors` as F32 in the
    /// given order; `name` names the file in errors.
    public static func encode(_ tensors: [(name: String, tensor: Tensor)], metadata: [(key: String, value: String)] = [],
                              name: String) throws -> [UInt8] {
        func fail(_ problem: String) -> DataError { DataError("can't write '\(name)': \(problem)") }
        var parts: [String] = []
        if !metadata.isEmpty {
            var keys = Set<String>()
            for (k, _) in metadata where !keys.insert(k).inserted { throw fail("the metadata key '\(k)' appears twice") }
            parts.append(jsonQuoted("__metadata__") + ":{"
                         + metadata.map { jsonQuoted($0.key) + ":" + jsonQuoted($0.value) }.joined(separator: ",") + "}")
        }
        var names = Set<String>()
        var offset = 0
        for (n, t) in tensors {
            guard !n.isEmpty else { throw fail("a tensor name is empty") }
            guard n != "__metadata__" else { throw fail("'__metadata__' is reserved for metadata, not a tensor name") }
            guard names.insert(n).inserted else { throw fail("the tensor name '\(n)' appears twice") }
            let end = offset + t.count * 4
            parts.append(jsonQuoted(n) + ":{\"dtype\":\"F32\",\"shape\":[" + t.shape.map(String.init).joined(separator: ",")
                         + "],\"data_offsets\":[\(offset),\(end)]}")
            offset = end
        }
        var header = Array(("{" + parts.joined(separator: ",") + "}").utf8)
        // Spaces up to a multiple of 8, so the data starts 8-byte aligned.
        header += [UInt8](repeating: 0x20, count: (8 - header.count % 8) % 8)
        var out: [UInt8] = []
        out.reserveCapacity(8 + header.count + offset)
        withUnsafeBytes(of: UInt64(header.count).littleEndian) { out += $0 }
        out += header
        for (_, t) in tensors {
            #if _endian(little)
            t.data.withUnsafeBytes { out += $0 }
            #else
            for v in t.data { withUnsafeBytes(of: v.bitPattern.littleEndian) { out += $0 } }
            #endif
        }
        return out
    }
}
