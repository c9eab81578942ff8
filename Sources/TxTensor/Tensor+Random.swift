import Foundation

/// A small, fast, seedable pseudo-random generator: xoshiro256** seeded through
/// splitmix64, with (polar) Box–Muller normals.
///
/// The same seed always gives the same sequence, on every platform.
public struct RandomSource: RandomNumberGenerator, Sendable {
    private var s0: UInt64
    private var s1: UInt64
    private var s2: UInt64
    private var s3: UInt64
    /// The second normal of the last Box–Muller pair, not yet handed out.
    private var spareNormal: Double?

    /// A generator whose whole state is derived from `seed`.
    public init(seed: UInt64) {
        var x = seed
        func splitmix() -> UInt64 {
            x &+= 0x9E37_79B9_7F4A_7C15
            var z = x
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        s0 = splitmix(); s1 = splitmix(); s2 = splitmix(); s3 = splitmix()
        spareNormal = nil
    }

    /// The next 64 uniformly distributed bits.
    @inline(__always)
    public mutating func nextUInt64() -> UInt64 {
        let result = ((s1 &* 5) << 7 | (s1 &* 5) >> 57) &* 9
        let t = s1 << 17
        s2 ^= s0
        s3 ^= s1
        s1 ^= s2
        s0 ^= s3
        s2 ^= t
        s3 = s3 << 45 | s3 >> 19
        return result
    }

    /// `RandomNumberGenerator` conformance; the same as ``nextUInt64()``.
    public mutating func next() -> UInt64 { nextUInt64() }

    /// A uniform double in `[0, 1)` with 53 random bits.
    @inline(__always)
    public mutating func nextDouble() -> Double {
        Double(nextUInt64() >> 11) * 0x1p-53
    }

    /// A uniform float in `[0, 1)` with 24 random bits (never rounds up to 1).
    @inline(__always)
    mutating func nextFloat() -> Float {
        Float(nextUInt64() >> 40) * 0x1p-24
    }

    /// A standard normal (mean 0, standard deviation 1) sample, by the polar
    /// (Marsaglia) form of Box–Muller: no sine or cosine, and each accepted
    /// pair yields two samples.
    public mutating func nextNormal() -> Double {
        if let spare = spareNormal {
            spareNormal = nil
            return spare
        }
        var u = 0.0, v = 0.0, s = 0.0
        repeat {
            u = 2 * nextDouble() - 1
            v = 2 * nextDouble() - 1
            s = u * u + v * v
        } while s >= 1 || s == 0
        let f = (-2 * Foundation.log(s) / s).squareRoot()
        spareNormal = v * f
        return u * f
    }

    /// A uniform integer in `0..<n` without modulo bias (Lemire's method); 0 when `n <= 0`.
    public mutating func nextInt(below n: Int) -> Int {
        guard n > 0 else { return 0 }
        let bound = UInt64(n)
        var m = nextUInt64().multipliedFullWidth(by: bound)
        if m.low < bound {
            let threshold = (0 &- bound) % bound
            while m.low < threshold {
                m = nextUInt64().multipliedFullWidth(by: bound)
            }
        }
        return Int(m.high)
    }
}

/// The interpreter-wide generator behind `seed(n)` and the unseeded random
/// functions; it starts seeded with 0 so runs are reproducible by default.
public enum GlobalRandom {
    /// The shared generator. Not synchronized: use it from one thread at a time.
    nonisolated(unsafe) public static var source = RandomSource(seed: 0)

    /// Restarts the shared generator from `s`.
    public static func seed(_ s: UInt64) {
        source = RandomSource(seed: s)
    }
}

extension Tensor {
    /// Runs `body` with the generator for `seed`: a fresh one, or the global one (updated afterwards).
    @inline(__always)
    static func withSource<R>(_ seed: UInt64?, _ body: (inout RandomSource) throws -> R) rethrows -> R {
        if let seed {
            var src = RandomSource(seed: seed)
            return try body(&src)
        }
        var src = GlobalRandom.source
        defer { GlobalRandom.source = src }
        return try body(&src)
    }

    /// Uniform samples from `[0, 1)`; `seed: nil` draws from ``GlobalRandom``.
    /// - Throws: `TensorError` for a bad shape.
    public static func rand(_ shape: [Int], seed: UInt64?) throws -> Tensor {
        let n = try elementCount(shape)
        return withSource(seed) { src in
            build(shape, count: n) { p in
                for i in 0..<n { p[i] = src.nextFloat() }
            }
        }
    }

    /// Standard normal samples; `seed: nil` draws from ``GlobalRandom``.
    /// - Throws: `TensorError` for a bad shape.
    public static func randn(_ shape: [Int], seed: UInt64?) throws -> Tensor {
        let n = try elementCount(shape)
        return withSource(seed) { src in
            build(shape, count: n) { p in
                for i in 0..<n { p[i] = Float(src.nextNormal()) }
            }
        }
    }

    /// Uniform integers from `lo..<hi` (as floats); `seed: nil` draws from ``GlobalRandom``.
    /// - Throws: `TensorError` if `lo >= hi` or for a bad shape.
    public static func randint(_ lo: Int, _ hi: Int, _ shape: [Int], seed: UInt64?) throws -> Tensor {
        guard lo < hi else { throw TensorError("randint needs low < high, got \(lo) and \(hi)") }
        let (width, overflow) = hi.subtractingReportingOverflow(lo)
        guard !overflow else { throw TensorError("randint range \(lo)..<\(hi) is too wide") }
        let n = try elementCount(shape)
        return withSource(seed) { src in
            build(shape, count: n) { p in
                for i in 0..<n { p[i] = Float(lo + src.nextInt(below: width)) }
            }
        }
    }
}
