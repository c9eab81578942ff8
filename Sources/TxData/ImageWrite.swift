import CPNGWrite
#if canImport(Glibc)
import Glibc
#endif
import TxTensor

/// Creates the folders above `path` that do not exist yet (as `mkdir -p`).
func makeParentFolders(_ path: String) throws {
    var parts = path.split(separator: "/", omittingEmptySubsequences: false).dropLast()
    var prefix = ""
    if parts.first == "" { prefix = "/"; parts = parts.dropFirst() }
    for part in parts where !part.isEmpty {
        prefix += String(part)
        if ImageFolder.kind(prefix) == .missing, mkdir(prefix, 0o755) != 0, errno != EEXIST {
            throw DataError("can't create the folder '\(prefix)': \(String(cString: strerror(errno)))")
        }
        prefix += "/"
    }
}

/// Writes an image tensor as an 8-bit PNG file, atomically: `[H, W]` or
/// `[1, H, W]` grey, or `[3, H, W]` RGB (channels first, as `read_images`
/// returns them), with values in [0, 1] (clamped; NaN becomes 0) rounded to
/// `v × 255`. Missing parent folders are created (to build class folders
/// for `read_images`). Reading it back with `read_images` gives the values to
/// within 1/510.
/// - Throws: `DataError` naming the file for a bad shape or a failed write.
public func writePNG(_ path: String, _ image: Tensor) throws {
    try NumPy.checkPath(path)
    let s = image.shape
    let (c, h, w): (Int, Int, Int)
    switch s.count {
    case 2: (c, h, w) = (1, s[0], s[1])
    case 3 where s[0] == 1 || s[0] == 3: (c, h, w) = (s[0], s[1], s[2])
    default:
        throw DataError("write_png('\(path)'): the image must be [H, W], [1, H, W] or [3, H, W], got [\(s.map(String.init).joined(separator: ", "))]")
    }
    guard h >= 1, w >= 1, h <= 65536, w <= 65536 else {
        throw DataError("write_png('\(path)'): an image of \(h)×\(w) pixels can't be written as PNG")
    }
    let plane = h * w
    var rgba = [UInt8](repeating: 255, count: plane * 4)
    image.data.withUnsafeBufferPointer { src in
        for p in 0..<plane {
            for k in 0..<3 {
                let v = src[(c == 1 ? 0 : k) * plane + p]
                rgba[4 * p + k] = v > 0 ? (v < 1 ? UInt8((v * 255).rounded()) : 255) : 0
            }
        }
    }
    var out: UnsafeMutablePointer<UInt8>?
    var length = 0
    var err = [CChar](repeating: 0, count: 256)
    let status = tx_png_encode_rgba(rgba, Int32(w), Int32(h), Int32(w * 4), nil, nil, 0, &out, &length, &err, 256)
    guard status == 0, let out else {
        throw DataError("can't write '\(path)': \(String(decoding: err.prefix(while: { $0 != 0 }).map { UInt8(bitPattern: $0) }, as: UTF8.self))")
    }
    defer { tx_png_free(out) }
    try makeParentFolders(path)
    try NumPy.writeAtomically(path, Array(UnsafeBufferPointer(start: out, count: length)))
}
