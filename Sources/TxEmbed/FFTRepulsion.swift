import CFFTW
import Foundation

// Interpolation-based repulsion in 2-D after Linderman et al. (FIt-SNE, 2019):
// the square around the embedding is cut into boxes, each with `p` equispaced
// interpolation nodes per axis, so all nodes form one equispaced m×m grid.
// Every point spreads its charges onto its box's p×p nodes with Lagrange weights,
// the kernels w = 1/(1+d²) and w² are applied to the grid by FFT convolution
// (the kernel matrix over an equispaced grid is Toeplitz), and the potentials are
// interpolated back to the points with the same weights. Per iteration:
// O(N p²) + O(m² log m), independent of N² .
//
// Charges: 1 under w (Σ_j w_ij, for Z, no cancellation) and 1, y0, y1 under w²
// (Σ_j w_ij² (y_i − y_j) = y_i Σ w² − Σ w² y_j). Single-precision FFTW with
// FFTW_ESTIMATE plans, so the plan, and with it every bit of the result, is the
// same from run to run; all sums have a fixed order.

/// Serialises FFTW's planner, which is not thread-safe (executing plans is).
private let plannerLock = NSLock()

/// Settings of the interpolation grid (openTSNE's defaults).
public struct FFTGridOptions: Sendable {
    /// Interpolation nodes per box and axis (1…16).
    public var pointsPerBox = 3
    /// At least this many boxes per axis.
    public var minBoxes = 50
    /// Boxes are at most this wide (in embedding units).
    public var maxBoxWidth = 1.0
    public init() {}
}

final class FFTRepulsion {
    let options: FFTGridOptions
    private var m = 0          // grid nodes per axis
    private var size = 0       // padded FFT size per axis, 2m
    // The charges fill only the first m of the 2m rows, and only the first m rows of the
    // potentials are needed: rows and columns are transformed separately so that the
    // all-zero and unused rows are skipped (a quarter of the work). The kernels are even
    // in both axes, so their transforms are real: a DCT-I of the (m+1)² quadrant.
    private var rowsForward: OpaquePointer?, columnsForward: OpaquePointer?
    private var columnsBackward: OpaquePointer?, rowsBackward: OpaquePointer?
    private var kernelPlan: OpaquePointer?
    /// The node spacing the kernels' transforms were made for (−1: none yet).
    private var kernelSpacing = -1.0
    /// Real m×2m arrays: 0, 1, 2 charges 1, y0, y1; 3…6 potentials.
    private var real: [UnsafeMutablePointer<Float>] = []
    /// Complex 2m×(m+1) arrays: transforms of the 3 charges, then 4 products.
    private var spectra: [UnsafeMutablePointer<fftwf_complex>] = []
    /// (m+1)² arrays: kernels w, w² on the offsets 0…m, then their transforms.
    private var kernels: [UnsafeMutablePointer<Float>] = []
    // per point: box indices and Lagrange weights, reused between iterations
    private var boxX: [Int32] = [], boxY: [Int32] = []
    private var weightX: [Double] = [], weightY: [Double] = []

    init(options: FFTGridOptions = FFTGridOptions()) { self.options = options }

    deinit { release() }

    private func release() {
        plannerLock.lock()
        for plan in [rowsForward, columnsForward, columnsBackward, rowsBackward, kernelPlan] {
            if let plan { fftwf_destroy_plan(plan) }
        }
        plannerLock.unlock()
        rowsForward = nil; columnsForward = nil; columnsBackward = nil; rowsBackward = nil; kernelPlan = nil
        for r in real { fftwf_free(r) }
        for s in spectra { fftwf_free(s) }
        for k in kernels { fftwf_free(k) }
        real = []; spectra = []; kernels = []
    }

    /// Buffers and plans for an m×m grid (kept while m stays the same).
    private func prepare(_ newM: Int) {
        if newM == m && rowsForward != nil { return }
        release()
        m = newM; size = 2 * newM; kernelSpacing = -1
        let half = newM + 1
        real = (0..<7).map { _ in fftwf_alloc_real(newM * size)! }
        spectra = (0..<7).map { _ in fftwf_alloc_complex(size * half)! }
        kernels = (0..<4).map { _ in fftwf_alloc_real(half * half)! }
        var n = [Int32(size)]
        let flags = UInt32(FFTW_ESTIMATE)
        plannerLock.lock()
        rowsForward = fftwf_plan_many_dft_r2c(1, &n, Int32(newM), real[0], nil, 1, Int32(size),
                                              spectra[0], nil, 1, Int32(half), flags)
        columnsForward = fftwf_plan_many_dft(1, &n, Int32(half), spectra[0], nil, Int32(half), 1,
                                             spectra[0], nil, Int32(half), 1, FFTW_FORWARD, flags)
        columnsBackward = fftwf_plan_many_dft(1, &n, Int32(half), spectra[3], nil, Int32(half), 1,
                                              spectra[3], nil, Int32(half), 1, FFTW_BACKWARD, flags)
        rowsBackward = fftwf_plan_many_dft_c2r(1, &n, Int32(newM), spectra[3], nil, 1, Int32(half),
                                               real[3], nil, 1, Int32(size), flags)
        kernelPlan = fftwf_plan_r2r_2d(Int32(half), Int32(half), kernels[0], kernels[2], FFTW_REDFT00, FFTW_REDFT00, flags)
        plannerLock.unlock()
    }

    /// Smallest n' ≥ n whose only prime factors are 2, 3, 5 and 7 (fast FFT sizes).
    static func smooth(_ n: Int) -> Int {
        var c = max(n, 1)
        while true {
            var r = c
            for f in [2, 3, 5, 7] { while r % f == 0 { r /= f } }
            if r == 1 { return c }
            c += 1
        }
    }

    /// Subtracts (1/Z) Σ_j w_ij² (y_i − y_j) from grad (2-D, `[N·2]`); returns Z = Σ_{i≠j} w_ij.
    func repulsive(_ y: UnsafeBufferPointer<Double>, _ n: Int, _ grad: UnsafeMutableBufferPointer<Double>) -> Double {
        let p = options.pointsPerBox
        var lo = Double.infinity, hi = -Double.infinity
        var finite = true
        for t in 0..<(2 * n) { let v = y[t]; finite = finite && v.isFinite; lo = min(lo, v); hi = max(hi, v) }
        // a diverged (non-finite) map: no grid; the exact sum gives NaN without a trap
        guard finite else { return Gradient.exactRepulsive(y, n, 2, grad) }
        let range = max(hi - lo, 1e-6) * (1 + 1e-9)   // the largest point stays inside the last box
        // Box width: at most maxBoxWidth, narrow enough for minBoxes boxes, and quantised down
        // to the ladder 2^(j/16), so that it (and with it the kernels' transforms, which are
        // kept) changes now and then rather than every iteration.
        var boxWidth = options.maxBoxWidth
        let narrow = range / Double(options.minBoxes)
        if narrow < boxWidth { boxWidth = exp2((16 * log2(narrow)).rounded(.down) / 16) }
        var boxes = Int(min((range / boxWidth).rounded(.up), 1e6))
        // at most ~900 nodes per axis (memory): a map that wide gets wider boxes instead
        let maxBoxes = max(1, 900 / p)
        if boxes > maxBoxes { boxes = maxBoxes; boxWidth = range / Double(boxes) }
        // the padded FFT size 2·boxes·p factors into small primes
        while FFTRepulsion.smooth(2 * boxes * p) != 2 * boxes * p { boxes += 1 }
        prepare(boxes * p)
        let spacing = boxWidth / Double(p)
        let m = self.m, size = self.size, half = m + 1

        // Lagrange weights of the p nodes at (k + ½)/p inside a box, for every point
        if boxX.count != n { boxX = [Int32](repeating: 0, count: n); boxY = boxX }
        if weightX.count != n * p { weightX = [Double](repeating: 0, count: n * p); weightY = weightX }
        var nodes = [Double](repeating: 0, count: p), denominators = [Double](repeating: 1, count: p)
        for k in 0..<p { nodes[k] = (Double(k) + 0.5) / Double(p) }
        for k in 0..<p { for l in 0..<p where l != k { denominators[k] *= nodes[k] - nodes[l] } }
        boxX.withUnsafeMutableBufferPointer { bx in boxY.withUnsafeMutableBufferPointer { by in
        weightX.withUnsafeMutableBufferPointer { wx in weightY.withUnsafeMutableBufferPointer { wy in
            let bxp = bx, byp = by, wxp = wx, wyp = wy
            parallel(workerChunks) { c in
                for i in chunkRange(c, workerChunks, n) {
                    for axis in 0..<2 {
                        let u = (y[2 * i + axis] - lo) / boxWidth
                        let b = min(max(Int(min(max(u, 0), Double(boxes))), 0), boxes - 1)
                        let t = u - Double(b)
                        if axis == 0 { bxp[i] = Int32(b) } else { byp[i] = Int32(b) }
                        for k in 0..<p {
                            var v = 1 / denominators[k]
                            for l in 0..<p where l != k { v *= t - nodes[l] }
                            if axis == 0 { wxp[i * p + k] = v } else { wyp[i * p + k] = v }
                        }
                    }
                }
            }
        }}}}

        // kernels on the grid offsets, and the spread charges, transformed
        let real = self.real, spectra = self.spectra, kernels = self.kernels
        let rowsForward = self.rowsForward, columnsForward = self.columnsForward
        let columnsBackward = self.columnsBackward, rowsBackward = self.rowsBackward, kernelPlan = self.kernelPlan
        let freshKernels = spacing != kernelSpacing
        kernelSpacing = spacing
        DispatchQueue.concurrentPerform(iterations: freshKernels ? 5 : 3) { index in
            let task = freshKernels ? index : index + 2
            if task < 2 {
                let k = kernels[task]
                for a in 0..<half {
                    let da = Double(a) * spacing
                    for b in 0..<half {
                        let db = Double(b) * spacing
                        let w = 1 / (1 + da * da + db * db)
                        k[a * half + b] = Float(task == 0 ? w : w * w)
                    }
                }
                fftwf_execute_r2r(kernelPlan, k, kernels[2 + task])
                return
            }
            let c = task - 2, out = real[c]
            out.update(repeating: 0, count: m * size)
            boxX.withUnsafeBufferPointer { bx in boxY.withUnsafeBufferPointer { by in
            weightX.withUnsafeBufferPointer { wx in weightY.withUnsafeBufferPointer { wy in
                for i in 0..<n {
                    let q = c == 0 ? 1.0 : y[2 * i + c - 1]
                    let rx = Int(bx[i]) * p, ry = Int(by[i]) * p
                    for a in 0..<p {
                        let f = wx[i * p + a] * q
                        let row = (rx + a) * size + ry
                        for b in 0..<p { out[row + b] += Float(f * wy[i * p + b]) }
                    }
                }
            }}}}
            let spectrum = spectra[c]
            fftwf_execute_dft_r2c(rowsForward, out, spectrum)
            (spectrum + m * half).update(repeating: (0, 0), count: m * half)   // the zero rows
            fftwf_execute_dft(columnsForward, spectrum, spectrum)
        }
        // products kernel × charge, back-transformed: (w, 1), (w², 1), (w², y0), (w², y1)
        let pairs = [(0, 0), (1, 0), (1, 1), (1, 2)]
        let scale = 1 / Float(size * size)
        DispatchQueue.concurrentPerform(iterations: 4) { task in
            let (kernel, charge) = pairs[task]
            let k = kernels[2 + kernel], q = spectra[charge], out = spectra[3 + task]
            for r in 0..<size {
                let kr = (r <= m ? r : size - r) * half   // the kernel's spectrum is even
                for t in 0..<half {
                    let f = k[kr + t] * scale, v = q[r * half + t]
                    out[r * half + t] = (f * v.0, f * v.1)
                }
            }
            fftwf_execute_dft(columnsBackward, out, out)
            fftwf_execute_dft_c2r(rowsBackward, out, real[3 + task])
        }

        // interpolate the potentials back to the points
        var rep = [Double](repeating: 0, count: 2 * n)
        var zs = [Double](repeating: 0, count: workerChunks)
        rep.withUnsafeMutableBufferPointer { rp in zs.withUnsafeMutableBufferPointer { zp in
        boxX.withUnsafeBufferPointer { bx in boxY.withUnsafeBufferPointer { by in
        weightX.withUnsafeBufferPointer { wx in weightY.withUnsafeBufferPointer { wy in
            let rpp = rp, zpp = zp
            let sumW = real[3], sumW2 = real[4], sumW2y0 = real[5], sumW2y1 = real[6]
            parallel(workerChunks) { c in
                var z = 0.0
                for i in chunkRange(c, workerChunks, n) {
                    var s0 = 0.0, s1 = 0.0, s2 = 0.0, s3 = 0.0
                    let rx = Int(bx[i]) * p, ry = Int(by[i]) * p
                    for a in 0..<p {
                        let row = (rx + a) * size + ry
                        var t0 = 0.0, t1 = 0.0, t2 = 0.0, t3 = 0.0
                        for b in 0..<p {
                            let v = wy[i * p + b]
                            t0 += v * Double(sumW[row + b]); t1 += v * Double(sumW2[row + b])
                            t2 += v * Double(sumW2y0[row + b]); t3 += v * Double(sumW2y1[row + b])
                        }
                        let u = wx[i * p + a]
                        s0 += u * t0; s1 += u * t1; s2 += u * t2; s3 += u * t3
                    }
                    z += s0 - 1   // minus w_ii = 1
                    rpp[2 * i] = y[2 * i] * s1 - s2
                    rpp[2 * i + 1] = y[2 * i + 1] * s1 - s3
                }
                zpp[c] = z
            }
        }}}}}}
        let z = zs.reduce(0, +)
        for t in 0..<(2 * n) { grad[t] -= rep[t] / z }
        return z
    }
}
