#if canImport(Glibc)
import Glibc
#endif

/// Asks the kernel to back a large, freshly allocated buffer with transparent
/// huge pages before it is filled (as NumPy does for its arrays): filling
/// 100 MB then takes a few dozen page faults instead of 25,000. Only a hint;
/// failure (no THP, a small buffer) changes nothing.
@inline(__always)
func adviseHugePages(_ base: UnsafeMutableRawPointer?, bytes: Int) {
    #if os(Linux)
    guard let base, bytes >= 4 << 20 else { return }
    let page = 4096
    let start = (Int(bitPattern: base) + page - 1) / page * page
    let end = (Int(bitPattern: base) + bytes) / page * page
    guard end > start, let p = UnsafeMutableRawPointer(bitPattern: start) else { return }
    _ = madvise(p, end - start, 14)  // MADV_HUGEPAGE
    #endif
}
