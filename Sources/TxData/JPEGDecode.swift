import CTurboJPEG

/// JPEG decoding through libjpeg-turbo's TurboJPEG API (accurate integer IDCT,
/// as Pillow uses by default). Grey JPEGs come back with R = G = B; CMYK
/// JPEGs are refused. A warning (such as a truncated file) counts as an error.
enum JPEGDecoder {
    static func decode(_ bytes: [UInt8], name: String) throws -> RGBAImage {
        func fail(_ problem: String) -> DataError { DataError("can't read '\(name)': \(problem)") }
        guard let handle = tjInitDecompress() else { throw fail("libjpeg-turbo could not start a decoder") }
        defer { tjDestroy(handle) }
        func message() -> String { String(cString: tjGetErrorStr2(handle)) }
        return try bytes.withUnsafeBufferPointer { src -> RGBAImage in
            let size = UInt(src.count)
            var w: Int32 = 0, h: Int32 = 0, subsampling: Int32 = 0, colorspace: Int32 = 0
            guard tjDecompressHeader3(handle, src.baseAddress, size, &w, &h, &subsampling, &colorspace) == 0 else {
                throw fail("not a valid JPEG file (libjpeg-turbo: \(message()))")
            }
            let width = Int(w), height = Int(h)
            guard width > 0, height > 0, width <= maxImagePixels / height else {
                throw fail("the JPEG header's size \(width)×\(height) is too large")
            }
            if colorspace == Int32(TJCS_CMYK.rawValue) || colorspace == Int32(TJCS_YCCK.rawValue) {
                throw fail("CMYK JPEG images are not supported (convert it to RGB)")
            }
            var rgba = [UInt8](repeating: 0, count: width * height * 4)
            let status = rgba.withUnsafeMutableBufferPointer {
                tjDecompress2(handle, src.baseAddress, size, $0.baseAddress, w, 0, h,
                              Int32(TJPF_RGBA.rawValue), Int32(TJFLAG_ACCURATEDCT))
            }
            guard status == 0 else { throw fail("corrupt or truncated JPEG data (libjpeg-turbo: \(message()))") }
            return RGBAImage(width: width, height: height, samples: rgba.map(UInt16.init),
                             maxValue: 255, premultiplied: false)
        }
    }
}
