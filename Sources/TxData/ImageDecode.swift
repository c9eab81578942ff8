/// One decoded image: `width × height` RGBA samples, row-major and interleaved
/// (`samples[(y * width + x) * 4 + c]`), each from 0 to `maxValue` (255 for
/// 8-bit sources, 65535 for 16-bit PNGs).
///
/// When `premultiplied` is true the colour samples are already multiplied by
/// alpha (libpng's simplified API does that for 16-bit output).
public struct RGBAImage: Sendable {
    public let width: Int
    public let height: Int
    public let samples: [UInt16]
    public let maxValue: Int
    public let premultiplied: Bool

    /// The image as `channels` planes (channels first, `[C, H, W]` flattened),
    /// Float32 in [0, 1]. Alpha is composited on black (colour × alpha), so a
    /// transparent pixel is black; `channels` 1 is the luminance
    /// 0.299 R + 0.587 G + 0.114 B (ITU-R BT.601, as Pillow's "L" mode), 3 is RGB
    /// (a grey image has R = G = B).
    public func planes(channels: Int) -> [Float] {
        let n = width * height
        let m = Float(maxValue), top = UInt16(maxValue)
        return [Float](unsafeUninitializedCapacity: channels * n) { out, count in
            samples.withUnsafeBufferPointer { s in
                for p in 0..<n {
                    // v / max exactly (as the other readers scale bytes); alpha only when not opaque.
                    var r = Float(s[4 * p]) / m, g = Float(s[4 * p + 1]) / m, b = Float(s[4 * p + 2]) / m
                    if !premultiplied && s[4 * p + 3] != top {
                        let a = Float(s[4 * p + 3]) / m
                        r *= a; g *= a; b *= a
                    }
                    if channels == 1 {
                        // A grey source (r == g == b) keeps its exact value.
                        out[p] = r == g && g == b ? r : 0.299 * r + 0.587 * g + 0.114 * b
                    } else {
                        out[p] = r; out[n + p] = g; out[2 * n + p] = b
                    }
                }
            }
            count = channels * n
        }
    }
}

/// The image formats `read_images` decodes, recognised by their first bytes.
public enum ImageFormat: String, Sendable {
    case png = "PNG", jpeg = "JPEG"

    /// The format of a file's bytes, or nil when it is neither PNG nor JPEG.
    public static func detect(_ bytes: [UInt8]) -> ImageFormat? {
        if bytes.count >= 8, Array(bytes[0..<8]) == PNGDecoder.signature { return .png }
        if bytes.count >= 3, bytes[0] == 0xFF, bytes[1] == 0xD8, bytes[2] == 0xFF { return .jpeg }
        return nil
    }
}

/// Decodes a PNG or JPEG file's bytes (chosen by the bytes, not the name).
/// - Throws: `DataError` naming `name` when the bytes are neither, or broken.
public func decodeImage(_ bytes: [UInt8], name: String) throws -> RGBAImage {
    switch ImageFormat.detect(bytes) {
    case .png: return try PNGDecoder.decode(bytes, name: name)
    case .jpeg: return try JPEGDecoder.decode(bytes, name: name)
    case nil:
        if bytes.isEmpty { throw DataError("can't read '\(name)': the file is empty (expected a PNG or JPEG image)") }
        let head = bytes.prefix(8).map { b -> String in
            let s = String(b, radix: 16)
            return b < 16 ? "0" + s : s
        }.joined(separator: " ")
        if bytes.count >= 4, bytes[0] == 0x89, bytes[1] == 0x50 || bytes[2] == 0x4E {
            throw DataError("can't read '\(name)': not a valid PNG file (bad signature \(head); damaged in transfer?)")
        }
        throw DataError("can't read '\(name)': not a PNG or JPEG image (it starts with \(head))")
    }
}

/// The largest image decoded, in pixels: bigger headers are refused before
/// anything is allocated for them (a corrupt header can claim 4 billion²).
let maxImagePixels = 1 << 28
