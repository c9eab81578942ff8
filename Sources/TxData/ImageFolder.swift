#if canImport(Glibc)
import Glibc
#endif
import TxTensor

/// Reads a folder of images laid out one sub-folder per class
/// (`dir/cat/001.png`, `dir/dog/a.jpg`, …), as torchvision's `ImageFolder`.
///
/// - Classes are the sub-folder names, sorted; label `k` is `classes[k]`.
///   Files are taken in sorted name order within each class, so the order is
///   the same on every machine. Hidden entries (`.…`) are ignored, and so are
///   files whose name does not end in `.png`, `.jpg` or `.jpeg` (any case).
///   The format is then told from each file's bytes, not its name.
/// - `x` is `[N, channels, H, W]` Float32 in [0, 1], channels first. PNG
///   (any colour type, 1–16 bits, palette, tRNS, interlaced) and JPEG (grey
///   or colour) are normalised alike; samples are taken as stored, without
///   colour management. Alpha is composited on black (colour × alpha).
///   `channels` 1 is luminance (0.299 R + 0.587 G + 0.114 B), 3 is RGB.
/// - `size` (height, width) resizes every image with `resize`; without it all
///   images must have the size of the first.
/// - With `skipBad`, an unreadable image is left out and `warn` gets one line
///   naming it; otherwise it is an error naming it.
/// - A progress line goes to stderr for folders of 2,000 or more images, only
///   when stderr is a terminal.
///
/// - Throws: `DataError` naming the folder or file: a missing folder, one with
///   no class sub-folders or no images, an unreadable or malformed image, an
///   image whose size differs (without `size`), a bad argument.
public func readImages(_ dir: String, size: (height: Int, width: Int)? = nil, channels: Int = 3,
                       skipBad: Bool = false, resize: ResizeMethod = .bilinear,
                       warn: (String) -> Void = ImageFolder.warnOnStderr) throws -> Dataset {
    guard channels == 1 || channels == 3 else {
        throw DataError("read_images(): channels must be 1 (grey) or 3 (RGB), got \(channels)")
    }
    if let size, size.height < 1 || size.width < 1 || size.height > 65536 || size.width > 65536 {
        throw DataError("read_images(): size must be between 1 and 65536 pixels, got \(size.height)×\(size.width)")
    }
    try NumPy.checkPath(dir)
    let root = dir.count > 1 && dir.hasSuffix("/") ? String(dir.dropLast()) : dir
    guard ImageFolder.kind(root) == .directory else {
        throw DataError(ImageFolder.kind(root) == .missing
            ? "can't read '\(dir)': no such folder" : "can't read '\(dir)': not a folder (read_images wants a folder with one sub-folder per class)")
    }
    let entries = try ImageFolder.list(root)
    let classes = entries.filter { ImageFolder.kind(root + "/" + $0) == .directory }
    guard !classes.isEmpty else {
        let loose = entries.filter(ImageFolder.isImageName).count
        throw DataError("'\(dir)' has no class sub-folders: read_images wants one sub-folder per class (\(dir)/cat/1.png, \(dir)/dog/2.png, …)"
                        + (loose > 0 ? "; its \(loose) image\(loose == 1 ? "" : "s") should go into such folders" : ""))
    }
    var files: [(path: String, label: Int)] = []
    for (k, name) in classes.enumerated() {
        let folder = root + "/" + name
        for file in try ImageFolder.list(folder) where ImageFolder.isImageName(file) {
            let path = folder + "/" + file
            if ImageFolder.kind(path) == .file { files.append((path, k)) }
        }
    }
    guard !files.isEmpty else {
        throw DataError("'\(dir)' holds no images: its class folders (\(classes.prefix(5).joined(separator: ", "))\(classes.count > 5 ? ", …" : "")) have no .png, .jpg or .jpeg files")
    }
    var target = size
    var pixels: [Float] = []
    var labels: [Float] = []
    labels.reserveCapacity(files.count)
    let progress = files.count >= 2000 && isatty(2) != 0
    var shown = -1
    for (i, file) in files.enumerated() {
        if progress, i * 100 / files.count != shown {
            shown = i * 100 / files.count
            ImageFolder.writeStderr("\rread_images: \(i)/\(files.count) images (\(shown)%)")
        }
        let image: RGBAImage
        do {
            image = try decodeImage(try NumPy.readFile(file.path), name: file.path)
        } catch let e as DataError {
            guard skipBad else {
                if progress { ImageFolder.writeStderr("\n") }
                throw e
            }
            warn("read_images: skipping " + e.message.replacingPrefix("can't read ", with: ""))
            continue
        }
        if target == nil { target = (image.height, image.width) }
        if pixels.isEmpty {
            // Refuse what could never be allocated (a clear error, not a crash).
            let perImage = channels * target!.height * target!.width
            let (total, overflow) = files.count.multipliedReportingOverflow(by: perImage)
            guard !overflow, total <= 1 << 32 else {
                throw DataError("read_images('\(dir)'): \(files.count) images of \(target!.height)×\(target!.width)×\(channels) are too many values for one tensor (at most 2³²); pass a smaller size: or split the folder")
            }
            pixels.reserveCapacity(total)
        }
        let (oh, ow) = target!
        if size == nil && (image.height != oh || image.width != ow) {
            if progress { ImageFolder.writeStderr("\n") }
            throw DataError("'\(file.path)' is \(image.width)×\(image.height) pixels but the images before it are \(ow)×\(oh); pass size: to resize them all to one size")
        }
        let planes = image.planes(channels: channels)
        pixels += Resize.planes(planes, channels: channels, height: image.height, width: image.width,
                                toHeight: oh, width: ow, method: resize)
        labels.append(Float(file.label))
    }
    if progress { ImageFolder.writeStderr("\rread_images: \(files.count)/\(files.count) images (100%)\n") }
    guard let finalSize = target, !labels.isEmpty else {
        throw DataError("'\(dir)' holds no readable images (all \(files.count) were skipped)")
    }
    let n = labels.count, (oh, ow) = finalSize
    let name = root.split(separator: "/").last.map(String.init) ?? root
    return try Dataset(x: Tensor(shape: [n, channels, oh, ow], data: pixels), y: Tensor(shape: [n], data: labels),
                       classes: classes, name: name, imageShape: [channels, oh, ow])
}

/// Folder listing helpers for ``readImages(_:size:channels:skipBad:resize:warn:)``.
public enum ImageFolder {
    enum Kind { case file, directory, other, missing }

    /// Writes a warning line to stderr.
    public static func warnOnStderr(_ line: String) { writeStderr(line + "\n") }

    static func writeStderr(_ text: String) {
        var bytes = Array(text.utf8)
        _ = bytes.withUnsafeMutableBytes { write(2, $0.baseAddress, $0.count) }
    }

    /// What `path` is (symbolic links followed).
    static func kind(_ path: String) -> Kind {
        var st = stat()
        guard stat(path, &st) == 0 else { return .missing }
        switch st.st_mode & S_IFMT {
        case S_IFREG: return .file
        case S_IFDIR: return .directory
        default: return .other
        }
    }

    static func isImageName(_ name: String) -> Bool {
        let lower = name.lowercased()
        return !name.hasPrefix(".") && (lower.hasSuffix(".png") || lower.hasSuffix(".jpg") || lower.hasSuffix(".jpeg"))
    }

    /// The folder's entries except `.`, `..` and hidden ones, sorted by their
    /// UTF-8 bytes (the same order everywhere).
    static func list(_ folder: String) throws -> [String] {
        guard let dir = opendir(folder) else {
            throw DataError("can't read '\(folder)': \(String(cString: strerror(errno)))")
        }
        defer { closedir(dir) }
        var names: [String] = []
        while let entry = readdir(dir) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix(while: { $0 != 0 }), as: UTF8.self)
            }
            if !name.hasPrefix(".") { names.append(name) }
        }
        return names.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
    }
}

extension String {
    func replacingPrefix(_ prefix: String, with other: String) -> String {
        hasPrefix(prefix) ? other + dropFirst(prefix.count) : self
    }
}
