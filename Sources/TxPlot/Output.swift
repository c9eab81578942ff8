import CCairo
import CPNGWrite
import Glibc

extension Figure {
    /// Renders to 8-bit RGBA (straight alpha), (width × scale) × (height × scale) pixels.
    public func render(width: Int = 800, height: Int = 600, scale: Double = 1) throws -> (rgba: [UInt8], width: Int, height: Int) {
        try withImage(width: width, height: height, scale: scale) { img in
            var out = [UInt8](repeating: 0, count: img.width * img.height * 4)
            out.withUnsafeMutableBufferPointer { dst in
                for yy in 0..<img.height {
                    let row = UnsafeRawPointer(img.data + yy * img.stride).assumingMemoryBound(to: UInt32.self)
                    var o = yy * img.width * 4
                    for xx in 0..<img.width {
                        let p = row[xx]  // premultiplied ARGB, native-endian
                        let a = p >> 24
                        var r = (p >> 16) & 0xff, g = (p >> 8) & 0xff, b = p & 0xff
                        if a != 255 && a != 0 {
                            r = (r * 255 + a / 2) / a; g = (g * 255 + a / 2) / a; b = (b * 255 + a / 2) / a
                        }
                        dst[o] = UInt8(truncatingIfNeeded: r); dst[o + 1] = UInt8(truncatingIfNeeded: g)
                        dst[o + 2] = UInt8(truncatingIfNeeded: b); dst[o + 3] = UInt8(truncatingIfNeeded: a)
                        o += 4
                    }
                }
            }
            return (out, img.width, img.height)
        }
    }

    /// A drawn figure's pixels in Cairo's ARGB32 layout, valid during `body`.
    struct Image {
        let data: UnsafeMutablePointer<UInt8>
        let width: Int, height: Int, stride: Int
        /// Every pixel has alpha 255 (figures paint a white background first).
        var isOpaque: Bool {
            for yy in 0..<height {
                let row = UnsafeRawPointer(data + yy * stride).assumingMemoryBound(to: UInt32.self)
                for xx in 0..<width where row[xx] >> 24 != 255 { return false }
            }
            return true
        }
    }

    /// Draws the figure on a Cairo image surface and hands its pixels to body.
    func withImage<R>(width: Int, height: Int, scale: Double, _ body: (Image) throws -> R) throws -> R {
        guard width >= 16, height >= 16, width <= 20_000, height <= 20_000 else {
            throw PlotError("figure size must be 16…20000 pixels each way, got \(width)×\(height)")
        }
        guard scale.isFinite, scale >= 0.25, scale <= 8 else {
            throw PlotError("scale must be 0.25…8, got \(Ticks.shortNumber(scale))")
        }
        let w = Int((Double(width) * scale).rounded()), h = Int((Double(height) * scale).rounded())
        guard w * h <= 100_000_000 else { throw PlotError("figure too large: \(w)×\(h) pixels") }
        guard let surface = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, Int32(w), Int32(h)),
              cairo_surface_status(surface) == CAIRO_STATUS_SUCCESS else {
            throw PlotError("can't create a \(w)×\(h) image (out of memory?)")
        }
        defer { cairo_surface_destroy(surface) }
        guard let cr = cairo_create(surface) else { throw PlotError("can't create a drawing context") }
        defer { cairo_destroy(cr) }
        cairo_scale(cr, scale, scale)
        draw(Canvas(cr, scale: scale), Rect(x: 0, y: 0, w: Double(width), h: Double(height)))
        if cairo_status(cr) != CAIRO_STATUS_SUCCESS {
            throw PlotError("drawing failed: \(String(cString: cairo_status_to_string(cairo_status(cr))))")
        }
        cairo_surface_flush(surface)
        guard let data = cairo_image_surface_get_data(surface) else { throw PlotError("drawing failed: no pixels") }
        return try body(Image(data: data, width: w, height: h, stride: Int(cairo_image_surface_get_stride(surface))))
    }

    /// Encodes with libpng, to `path` when given (errors name it `shownAs`),
    /// else to memory (returned).
    /// Opaque figures (all of them, in practice) go straight from Cairo's
    /// pixels to 8-bit RGB; anything else is un-premultiplied to RGBA first.
    func encode(to path: String?, shownAs: String? = nil, width: Int, height: Int, scale: Double, software: String,
                source: String?) throws -> [UInt8] {
        var errbuf = [CChar](repeating: 0, count: 256)
        var out: UnsafeMutablePointer<UInt8>?
        var count = 0
        let chunks = Figure.chunks(software: software, source: source)
        let opaque: Int32? = try withImage(width: width, height: height, scale: scale) { img in
            guard img.isOpaque else { return nil }
            return withCStrings(chunks) { keys, values, n in
                let w = Int32(img.width), h = Int32(img.height), stride = Int32(img.stride)
                if let path {
                    return tx_png_write_argb32(path, img.data, w, h, stride, keys, values, n, &errbuf, Int32(errbuf.count))
                }
                return tx_png_encode_argb32(img.data, w, h, stride, keys, values, n, &out, &count, &errbuf, Int32(errbuf.count))
            }
        }
        let rc: Int32
        if let opaque {
            rc = opaque
        } else {
            let img = try render(width: width, height: height, scale: scale)
            rc = withCStrings(chunks) { keys, values, n in
                img.rgba.withUnsafeBufferPointer { px in
                    let w = Int32(img.width), h = Int32(img.height)
                    if let path {
                        return tx_png_write_rgba(path, px.baseAddress, w, h, w * 4, keys, values, n, &errbuf, Int32(errbuf.count))
                    }
                    return tx_png_encode_rgba(px.baseAddress, w, h, w * 4, keys, values, n, &out, &count, &errbuf,
                                              Int32(errbuf.count))
                }
            }
        }
        defer { if let out { tx_png_free(out) } }
        guard rc == 0 else {
            throw PlotError(path.map { "can't write '\(shownAs ?? $0)': \(String(cString: errbuf))" }
                            ?? "can't encode PNG: \(String(cString: errbuf))")
        }
        guard path == nil else { return [] }
        guard let out else { throw PlotError("can't encode PNG: no output") }
        return Array(UnsafeBufferPointer(start: out, count: count))
    }

    /// Text chunks: Software, and Source when given.
    static func chunks(software: String, source: String?) -> [(String, String)] {
        var c = [("Software", software)]
        if let source, !source.isEmpty { c.append(("Source", source)) }
        return c
    }

    /// The figure as PNG bytes (notebooks embed these).
    public func pngBytes(width: Int = 800, height: Int = 600, scale: Double = 1,
                         software: String = "tx", source: String? = nil) throws -> [UInt8] {
        try encode(to: nil, width: width, height: height, scale: scale, software: software, source: source)
    }

    /// Saves as PNG: written to `path.tmp-PID`, then renamed into place, so a
    /// failure never leaves a partial file. Records text chunks "Software"
    /// and (when given) "Source"; no timestamps, so the bytes are reproducible.
    public func save(_ path: String, width: Int = 800, height: Int = 600, scale: Double = 1,
                     software: String = "tx", source: String? = nil) throws {
        if path.isEmpty { throw PlotError("can't save a figure: empty file path") }
        if path.contains("\0") { throw PlotError("can't save a figure: the path contains a NUL character") }
        var target = path
        var st = stat()
        if lstat(path, &st) == 0 && (st.st_mode & S_IFMT) == S_IFLNK, let real = realpath(path, nil) {
            target = String(cString: real)
            free(real)
        }
        if stat(target, &st) == 0 && (st.st_mode & S_IFMT) == S_IFDIR {
            throw PlotError("can't write '\(path)': it is a directory")
        }
        let temp = "\(target).tmp-\(getpid())"
        do {
            _ = try encode(to: temp, shownAs: path, width: width, height: height, scale: scale, software: software,
                           source: source)
        } catch {
            unlink(temp)
            throw error
        }
        guard rename(temp, target) == 0 else {
            let why = String(cString: strerror(errno))
            unlink(temp)
            throw PlotError("can't write '\(path)': \(why)")
        }
        recordSave(path, width, height)
    }
}

/// Calls body with C arrays of keys and values (valid only during the call).
private func withCStrings<R>(_ pairs: [(String, String)],
                             _ body: (UnsafePointer<UnsafePointer<CChar>?>, UnsafePointer<UnsafePointer<CChar>?>, Int32) -> R) -> R {
    let keys = pairs.map { strdup($0.0) }, values = pairs.map { strdup($0.1) }
    defer { keys.forEach { free($0) }; values.forEach { free($0) } }
    let k = keys.map { UnsafePointer($0) }, v = values.map { UnsafePointer($0) }
    return k.withUnsafeBufferPointer { kp in
        v.withUnsafeBufferPointer { vp in body(kp.baseAddress!, vp.baseAddress!, Int32(pairs.count)) }
    }
}
