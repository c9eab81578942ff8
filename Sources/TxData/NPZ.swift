#if canImport(Glibc)
import Glibc
#endif
import Foundation
import TxTensor
import ZIPFoundation

/// Reads a NumPy `.npz` file (what `np.savez` and `np.savez_compressed`
/// write: a ZIP archive of `.npy` members, stored or deflated) as named
/// tensors in archive order; `x.npy` is named `x`. Each member is decoded like
/// ``readNpy(_:)``. ZIP handling is ZIPFoundation's.
/// - Throws: `DataError` naming the file for a missing file, a file that is
///   not a ZIP archive, a damaged member (bad CRC, bad deflate data), a member
///   that is not a valid `.npy` (named `file.npz/member.npy`), or two members
///   with the same name.
public func readNPZEntries(_ path: String) throws -> [(name: String, tensor: Tensor)] {
    try NumPy.checkPath(path)
    var st = stat()
    guard stat(path, &st) == 0 else { throw DataError("can't read '\(path)': \(String(cString: strerror(errno)))") }
    if (st.st_mode & S_IFMT) == S_IFDIR { throw DataError("can't read '\(path)': it is a directory") }
    let archive: Archive
    do {
        archive = try Archive(url: URL(fileURLWithPath: path), accessMode: .read)
    } catch {
        throw DataError("can't read '\(path)': not a .npz file (it is not a ZIP archive)")
    }
    var out: [(name: String, tensor: Tensor)] = []
    var seen = Set<String>()
    for entry in archive where entry.type == .file {
        var data = Data()
        let crc: CRC32
        do {
            crc = try archive.extract(entry, consumer: { data.append($0) })
        } catch {
            throw DataError("can't read '\(path)': its member '\(entry.path)' is damaged (\(error))")
        }
        // ZIPFoundation returns the CRC-32 of what it read; checking it is ours to do.
        guard crc == entry.checksum else {
            throw DataError("can't read '\(path)': its member '\(entry.path)' is damaged (CRC-32 mismatch)")
        }
        let bytes = [UInt8](data)
        let name = entry.path.hasSuffix(".npy") ? String(entry.path.dropLast(4)) : entry.path
        guard seen.insert(name).inserted else { throw DataError("can't read '\(path)': it holds '\(name)' twice") }
        out.append((name, try NumPy.decode(bytes, name: "\(path)/\(entry.path)")))
    }
    return out
}

/// ``readNPZEntries(_:)`` as a dictionary.
public func readNPZ(_ path: String) throws -> [String: Tensor] {
    Dictionary(try readNPZEntries(path).map { ($0.name, $0.tensor) }, uniquingKeysWith: { a, _ in a })
}

/// Writes named tensors as a `.npz` archive, each as `name.npy` (float32, see
/// ``writeNpy(_:_:)``), deflated when `compressed` (like `np.savez_compressed`)
/// or stored. Atomic: the archive is built beside `path`, then renamed into place.
/// - Throws: `DataError` for an empty or duplicate name, or a failed write.
public func writeNPZ(_ path: String, _ entries: [(name: String, tensor: Tensor)], compressed: Bool = true) throws {
    try NumPy.checkPath(path)
    var seen = Set<String>()
    for (name, _) in entries {
        guard !name.isEmpty else { throw DataError("can't write '\(path)': an array name is empty") }
        guard seen.insert(name).inserted else { throw DataError("can't write '\(path)': the name '\(name)' appears twice") }
    }
    var st = stat()
    if stat(path, &st) == 0 && (st.st_mode & S_IFMT) == S_IFDIR {
        throw DataError("can't write '\(path)': it is a directory")
    }
    let temp = "\(path).tmp-\(getpid())"
    unlink(temp)
    do {
        let archive = try Archive(url: URL(fileURLWithPath: temp), accessMode: .create)
        for (name, tensor) in entries {
            let bytes = NumPy.encode(tensor)
            try archive.addEntry(with: name + ".npy", type: .file, uncompressedSize: Int64(bytes.count),
                                 compressionMethod: compressed ? .deflate : .none) { position, size in
                let start = Int(position)
                return Data(bytes[start..<start + size])
            }
        }
    } catch {
        unlink(temp)
        throw DataError("can't write '\(path)': \(error)")
    }
    guard rename(temp, path) == 0 else {
        let why = String(cString: strerror(errno))
        unlink(temp)
        throw DataError("can't write '\(path)': \(why)")
    }
}

/// ``writeNPZ(_:_:compressed:)`` with the names in sorted order.
public func writeNPZ(_ path: String, _ dict: [String: Tensor], compressed: Bool = true) throws {
    try writeNPZ(path, dict.keys.sorted().map { ($0, dict[$0]!) }, compressed: compressed)
}
