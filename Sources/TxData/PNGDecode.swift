import CPNG

/// PNG decoding through libpng's simplified API (`png_image_*`), which reports
/// errors by return value (Swift cannot use libpng's setjmp-based API).
///
/// Samples are read as stored, with no colour management: gAMA, cHRM, sRGB
/// and iCCP chunks are dropped before libpng sees the file, so libpng treats
/// 8-bit data as sRGB and 16-bit data as linear and converts neither (the
/// values match Pillow, pypng and PyTorch's readers, not a colour-managed
/// viewer). Palette, grey (1–16 bits), tRNS and Adam7 interlacing are expanded
/// by libpng. 16-bit images come back at 16 bits with premultiplied alpha.
enum PNGDecoder {
    static let signature: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]

    // png.h's format flags (macros Swift does not import when they combine others).
    private static let flagAlpha: UInt32 = 0x01, flagColor: UInt32 = 0x02, flagLinear: UInt32 = 0x04

    static func decode(_ bytes: [UInt8], name: String) throws -> RGBAImage {
        func fail(_ problem: String) -> DataError { DataError("can't read '\(name)': \(problem)") }
        let data = withoutColorChunks(bytes)
        var image = png_image()
        image.version = UInt32(PNG_IMAGE_VERSION)
        defer { png_image_free(&image) }
        func message() -> String {
            withUnsafeBytes(of: image.message) { raw in
                String(decoding: raw.prefix(while: { $0 != 0 }), as: UTF8.self)
            }
        }
        // libpng reads from `data` until finish_read, so both calls stay inside.
        return try data.withUnsafeBytes { raw -> RGBAImage in
            guard png_image_begin_read_from_memory(&image, raw.baseAddress, raw.count) != 0 else {
                throw fail("not a valid PNG file (libpng: \(message()))")
            }
            let width = Int(image.width), height = Int(image.height)
            guard width > 0, height > 0, width <= maxImagePixels / height else {
                throw fail("the PNG header's size \(width)×\(height) is too large")
            }
            let sixteen = image.format & flagLinear != 0
            image.format = flagColor | flagAlpha | (sixteen ? flagLinear : 0)
            let count = width * height * 4
            var failed = false
            let samples: [UInt16]
            if sixteen {
                samples = [UInt16](unsafeUninitializedCapacity: count) { buf, n in
                    failed = png_image_finish_read(&image, nil, buf.baseAddress, 0, nil) == 0
                    if failed { buf.initialize(repeating: 0) }
                    n = count
                }
            } else {
                var bytes8 = [UInt8](repeating: 0, count: count)
                failed = bytes8.withUnsafeMutableBytes {
                    png_image_finish_read(&image, nil, $0.baseAddress, 0, nil) == 0
                }
                samples = bytes8.map(UInt16.init)
            }
            if failed { throw fail("corrupt or truncated PNG data (libpng: \(message()))") }
            return RGBAImage(width: width, height: height, samples: samples,
                             maxValue: sixteen ? 65535 : 255, premultiplied: sixteen)
        }
    }

    /// The file without its colour-space chunks (see the type's comment). A
    /// file whose chunk list is damaged is returned as it is, for libpng to
    /// reject with its own message.
    static func withoutColorChunks(_ bytes: [UInt8]) -> [UInt8] {
        guard bytes.count > 8, Array(bytes[0..<8]) == signature else { return bytes }
        let dropped: Set<[UInt8]> = [Array("gAMA".utf8), Array("cHRM".utf8), Array("sRGB".utf8), Array("iCCP".utf8)]
        var out = Array(bytes[0..<8])
        out.reserveCapacity(bytes.count)
        var i = 8
        var changed = false
        while i + 12 <= bytes.count {
            let length = Int(bytes[i]) << 24 | Int(bytes[i + 1]) << 16 | Int(bytes[i + 2]) << 8 | Int(bytes[i + 3])
            let end = i + 12 + length
            guard length <= Int(Int32.max), end <= bytes.count else { break }
            if dropped.contains(Array(bytes[i + 4..<i + 8])) {
                changed = true
            } else {
                out += bytes[i..<end]
            }
            i = end
        }
        guard changed else { return bytes }
        if i < bytes.count { out += bytes[i...] }
        return out
    }
}
