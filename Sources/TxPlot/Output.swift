import CCairo
import CPNGWrite
import Glibc

extension Figure {
    /// Renders to 8-bit RGBA (straight alpha), (width × scale) × (height × scale) pixels.
    public func render(width: Int = 800, height: Int = 600, scale: Double = 1) throws -> (rgba: [UInt8], width: Int, height: Int) {
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
        let stride = Int(cairo_image_surface_get_stride(surface))
        guard let data = cairo_image_surface_get_data(surface) else { throw PlotError("drawing failed: no pixels") }
        var out = [UInt8](repeating: 0, count: w * h * 4)
        out.withUnsafeMutableBufferPointer { dst in
            for yy in 0..<h {
                let row = UnsafeRawPointer(data + yy * stride).assumingMemoryBound(to: UInt32.self)
                var o = yy * w * 4
                for xx in 0..<w {
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
        return (out, w, h)
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
        let img = try render(width: width, height: height, scale: scale)
        var errbuf = [CChar](repeating: 0, count: 256)
        var out: UnsafeMutablePointer<UInt8>?
        var count = 0
        let rc = withCStrings(Figure.chunks(software: software, source: source)) { keys, values, n in
            img.rgba.withUnsafeBufferPointer { px in
                tx_png_encode_rgba(px.baseAddress, Int32(img.width), Int32(img.height), Int32(img.width * 4),
                                   keys, values, n, &out, &count, &errbuf, Int32(errbuf.count))
            }
        }
        guard rc == 0, let out else { throw PlotError("can't encode PNG: \(String(cString: errbuf))") }
        defer { tx_png_free(out) }
        return Array(UnsafeBufferPointer(start: out, count: count))
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
        let img = try render(width: width, height: height, scale: scale)
        let temp = "\(target).tmp-\(getpid())"
        var errbuf = [CChar](repeating: 0, count: 256)
        let rc = withCStrings(Figure.chunks(software: software, source: source)) { keys, values, n in
            img.rgba.withUnsafeBufferPointer { px in
                tx_png_write_rgba(temp, px.baseAddress, Int32(img.width), Int32(img.height), Int32(img.width * 4),
                                  keys, values, n, &errbuf, Int32(errbuf.count))
            }
        }
        guard rc == 0 else {
            unlink(temp)
            throw PlotError("can't write '\(path)': \(String(cString: errbuf))")
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
