/// LSD radix sort of 64-bit keys (11-bit digits, 6 passes; a pass whose digit is the
/// same for every key is skipped). Ranking a million values this way is several times
/// faster than a comparison sort, and it is stable, so equal keys keep their order.
enum RadixSort {
    private static let bits = 11
    private static let buckets = 1 << bits
    private static let passes = (64 + bits - 1) / bits

    /// Sorts `keys` ascending, applying the same permutation to `payload` (when non-empty).
    static func sort(_ keys: inout [UInt64], payload: inout [Int32]) {
        let n = keys.count
        let carry = !payload.isEmpty
        precondition(!carry || payload.count == n)
        if n < 2 { return }
        var counts = [Int](repeating: 0, count: passes * buckets)
        keys.withUnsafeBufferPointer { k in
            for v in k {
                for p in 0..<passes { counts[p * buckets + Int((v >> UInt64(p * bits)) & UInt64(buckets - 1))] += 1 }
            }
        }
        var keyBuffer = [UInt64](repeating: 0, count: n)
        var payloadBuffer = [Int32](repeating: 0, count: carry ? n : 0)
        for p in 0..<passes {
            let base = p * buckets
            // a digit shared by every key leaves the order as it is
            if counts[base + Int((keys[0] >> UInt64(p * bits)) & UInt64(buckets - 1))] == n { continue }
            var start = 0
            for b in 0..<buckets { let c = counts[base + b]; counts[base + b] = start; start += c }
            keys.withUnsafeBufferPointer { src in keyBuffer.withUnsafeMutableBufferPointer { dst in
            payload.withUnsafeBufferPointer { psrc in payloadBuffer.withUnsafeMutableBufferPointer { pdst in
                counts.withUnsafeMutableBufferPointer { offsets in
                    let shift = UInt64(p * bits), mask = UInt64(buckets - 1)
                    for i in 0..<n {
                        let d = base + Int((src[i] >> shift) & mask)
                        let at = offsets[d]
                        dst[at] = src[i]
                        if carry { pdst[at] = psrc[i] }
                        offsets[d] = at + 1
                    }
                }
            }}}}
            swap(&keys, &keyBuffer)
            if carry { swap(&payload, &payloadBuffer) }
        }
    }

    /// An order-preserving map of a Double (not NaN) to UInt64: negative values have all
    /// bits flipped, others the sign bit set; equal values (−0 and +0 too) get equal keys.
    @inline(__always) static func key(_ v: Double) -> UInt64 {
        let b = (v == 0 ? 0.0 : v).bitPattern   // −0 and +0 compare equal: one key
        return b >> 63 == 1 ? ~b : b | (1 << 63)
    }
}
