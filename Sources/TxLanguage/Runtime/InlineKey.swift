/// A dict key that is a short ASCII string, as its 16 bytes.
///
/// Swift stores an ASCII string of at most 15 bytes inside the `String`
/// itself ("small" form: the bytes, zero-padded, then a tag byte holding
/// the count). Two such strings are equal exactly when their 16 bytes are,
/// so a small dict of short ASCII keys is searched with two integer
/// comparisons per key instead of a call into the String comparison
/// (canonical equivalence can't make different ASCII bytes equal).
struct InlineKey: Equatable {
    let low: UInt64, high: UInt64

    /// The key's bytes, or nil when `key` is not in the small ASCII form
    /// (longer, non-ASCII, or held in a buffer): those take the general route.
    @inline(__always) init?(_ key: String) {
        #if arch(x86_64) || arch(arm64)
        let (low, high) = unsafeBitCast(key, to: (UInt64, UInt64).self)
        // Top nibble 0b1110: immortal, small, ASCII (the standard library's
        // 64-bit string layout).
        guard high >> 60 == 0xE else { return nil }
        self.low = low; self.high = high
        #else
        return nil
        #endif
    }

    /// Whether this build's strings are laid out as `init?` assumes; checked
    /// once, so a different layout only turns the fast path off.
    static let layoutHolds: Bool = {
        let short = String(12), same = "1" + "2", other = "13"
        guard let a = InlineKey(short), let b = InlineKey(same), let c = InlineKey(other) else { return false }
        return a == b && a != c && InlineKey("é") == nil
            && InlineKey(String(repeating: "x", count: 16)) == nil
    }()
}
