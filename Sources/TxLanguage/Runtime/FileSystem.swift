import CSupport
#if canImport(Glibc)
import Glibc
#endif

/// File and process helpers on libc, so the language core needs no Foundation.
public enum FileSystem {
    /// Reads a whole UTF-8 text file.
    /// - Throws: an error naming the path and the system's reason.
    public static func readText(_ path: String) throws -> String {
        try checkPath(path)
        if isDirectory(path) { throw TxError.runtime("can't read '\(path)': it is a directory") }
        var st = stat()
        if stat(path, &st) == 0 && (st.st_mode & S_IFMT) != S_IFREG {
            throw TxError.runtime("can't read '\(path)': not a regular file")
        }
        guard let f = fopen(path, "rb") else { throw TxError.runtime("can't read '\(path)': \(reason())") }
        defer { fclose(f) }
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = fread(&buffer, 1, buffer.count, f)
            if n > 0 { bytes.append(contentsOf: buffer[0..<n]) }
            if n < buffer.count {
                if ferror(f) != 0 { throw TxError.runtime("can't read '\(path)': \(reason())") }
                break
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Writes bytes to a temporary file beside `path`, then renames it into
    /// place, so a failed write never leaves a partial file.
    public static func writeAtomically(_ path: String, _ bytes: [UInt8]) throws {
        try checkPath(path)
        // Writing through a symlink replaces what it points to, not the link.
        var path = path
        var st = stat()
        if lstat(path, &st) == 0 && (st.st_mode & S_IFMT) == S_IFLNK, let target = realPath(path) { path = target }
        if isDirectory(path) { throw TxError.runtime("can't write '\(path)': it is a directory") }
        let temp = "\(path).tmp-\(getpid())"
        guard let f = fopen(temp, "wb") else { throw TxError.runtime("can't write '\(path)': \(reason())") }
        let written = bytes.withUnsafeBufferPointer { fwrite($0.baseAddress, 1, $0.count, f) }
        let flushed = fflush(f) == 0
        fclose(f)
        guard written == bytes.count, flushed else {
            unlink(temp)
            throw TxError.runtime("can't write '\(path)': \(reason())")
        }
        guard rename(temp, path) == 0 else {
            let why = reason()
            unlink(temp)
            throw TxError.runtime("can't write '\(path)': \(why)")
        }
    }

    public static func writeText(_ path: String, _ text: String) throws {
        try writeAtomically(path, Array(text.utf8))
    }

    public static func exists(_ path: String) -> Bool { !path.contains("\0") && access(path, F_OK) == 0 }

    /// C paths end at a NUL byte: refuse one rather than silently truncate.
    static func checkPath(_ path: String) throws {
        if path.isEmpty { throw TxError.runtime("empty file path") }
        if path.contains("\0") { throw TxError.runtime("file path contains a NUL character") }
    }

    public static func isDirectory(_ path: String) -> Bool {
        var st = stat()
        return stat(path, &st) == 0 && (st.st_mode & S_IFMT) == S_IFDIR
    }

    /// The canonical absolute path, or nil if it does not exist.
    public static func realPath(_ path: String) -> String? {
        guard let p = realpath(path, nil) else { return nil }
        defer { free(p) }
        return String(cString: p)
    }

    /// The directory part of a path ("." for a bare name).
    public static func directory(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        return slash == path.startIndex ? "/" : String(path[..<slash])
    }

    public static func join(_ dir: String, _ name: String) -> String {
        name.hasPrefix("/") ? name : (dir.hasSuffix("/") ? dir + name : dir + "/" + name)
    }

    public static func environment(_ name: String) -> String? {
        getenv(name).map { String(cString: $0) }
    }

    /// The running executable's path (from /proc/self/exe).
    public static var executablePath: String? { realPath("/proc/self/exe") }

    /// Entries of a directory, sorted.
    public static func list(_ dir: String) -> [String] {
        guard let d = opendir(dir) else { return [] }
        defer { closedir(d) }
        var names: [String] = []
        while let entry = readdir(d) {
            let name = withUnsafePointer(to: entry.pointee.d_name) {
                $0.withMemoryRebound(to: CChar.self, capacity: 256) { String(cString: $0) }
            }
            if name != "." && name != ".." { names.append(name) }
        }
        return names.sorted()
    }

    private static func reason() -> String { String(cString: strerror(errno)) }
}

/// Wall-clock seconds (monotonic) and process CPU seconds.
public enum Clock {
    public static func wall() -> Double {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) * 1e-9
    }
    public static func cpu() -> Double {
        var ts = timespec()
        clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) * 1e-9
    }
}

/// Runs `body` on a thread with a large stack, so deep (but bounded) tx
/// recursion and deeply nested data never overflow the C stack.
public func runWithLargeStack(_ body: @escaping () -> Int32) -> Int32 {
    final class Box { let body: () -> Int32; var result: Int32 = 0; init(_ b: @escaping () -> Int32) { body = b } }
    let box = Box(body)
    var attr = pthread_attr_t()
    pthread_attr_init(&attr)
    // TX_STACK_MB overrides the size (tools like valgrind can't map 1 GiB).
    let megabytes = FileSystem.environment("TX_STACK_MB").flatMap { Int($0) }.map { min(max($0, 8), 4096) } ?? 1024
    pthread_attr_setstacksize(&attr, megabytes << 20)
    var thread = pthread_t()
    let context = Unmanaged.passRetained(box).toOpaque()
    let status = pthread_create(&thread, &attr, { raw in
        let box = Unmanaged<Box>.fromOpaque(raw!).takeRetainedValue()
        box.result = box.body()
        return nil
    }, context)
    pthread_attr_destroy(&attr)
    if status == 0 { tx_block_sigint_in_this_thread() }
    guard status == 0 else {
        Unmanaged<Box>.fromOpaque(context).release()
        return body()
    }
    pthread_join(thread, nil)
    return box.result
}
