import Foundation
import TxTensor

extension Op {
    /// Output size of a convolution or pooling window along one axis.
    /// 0 when the window does not fit (integer division would round a
    /// negative span up to a first window that reads outside the input).
    static func windowOut(_ size: Int, _ k: Int, _ stride: Int, _ pad: Int) -> Int {
        let span = size + 2 * pad - k
        return span < 0 ? 0 : span / stride + 1
    }

    /// 2-D convolution (cross-correlation, as PyTorch) of x [N, C, H, W] with
    /// w [O, C, k, k], plus a bias b [O] per output channel when given. The whole batch is
    /// unfolded (im2col) into one [C·k·k, N·Ho·Wo] matrix so that the forward
    /// pass and both gradients are one large sgemm each, which BLAS runs on
    /// every core; unfolding and folding back are split over examples.
    /// - Complexity: O(N·O·C·k²·Ho·Wo) time, O(N·C·k²·Ho·Wo) extra memory.
    public static func conv2d(_ x: Node, _ w: Node, bias: Node? = nil, stride: Int = 1, padding: Int = 0) -> Node {
        precondition(x.shape.count == 4 && w.shape.count == 4 && w.shape[1] == x.shape[1] && w.shape[2] == w.shape[3],
                     "conv2d shapes: x \(x.shape), w \(w.shape)")
        let g = ConvGeometry(n: x.shape[0], c: x.shape[1], h: x.shape[2], w: x.shape[3], o: w.shape[0], k: w.shape[2],
                             stride: stride, padding: padding)
        precondition(g.ho > 0 && g.wo > 0, "conv2d: a \(g.k)×\(g.k) kernel doesn't fit a \(g.h)×\(g.w) input")
        let cols = g.unfold(x.value)
        // Y' [O, N·HW] = W [O, CKK] · cols [CKK, N·HW], then reordered to [N, O, HW].
        var wide = [Float](unsafeUninitializedCapacity: g.o * g.columns) { _, done in done = g.o * g.columns }   // sgemm overwrites
        w.value.withUnsafeBufferPointer { wv in cols.withUnsafeBufferPointer { col in wide.withUnsafeMutableBufferPointer { y in
            gemm(wv.baseAddress!, col.baseAddress!, y.baseAddress!, m: g.o, n: g.columns, k: g.ckk)
            if let bias {   // each output channel is one contiguous row here
                for o in 0..<g.o { let b = bias.value[o], row = y.baseAddress! + o * g.columns; for j in 0..<g.columns { row[j] += b } }
            }
        } } }
        let out = g.channelsToBatch(wide)
        let node = Node(shape: [g.n, g.o, g.ho, g.wo], value: out, parents: bias.map { [x, w, $0] } ?? [x, w])
        node.backwardFn = { y in
            let dyWide = g.batchToChannels(y.grad)   // [O, N·HW]
            if let bias, bias.needsGrad {   // db [O] += row sums of dY'
                bias.ensureGrad()
                dyWide.withUnsafeBufferPointer { dy in
                    for o in 0..<g.o { bias.grad[o] += rowSum(dy.baseAddress! + o * g.columns, g.columns) }
                }
            }
            if w.needsGrad {   // dW [O, CKK] += dY' [O, N·HW] · colsᵀ
                w.ensureGrad()
                dyWide.withUnsafeBufferPointer { dy in cols.withUnsafeBufferPointer { col in w.grad.withUnsafeMutableBufferPointer { dw in
                    gemm(dy.baseAddress!, col.baseAddress!, dw.baseAddress!, m: g.o, n: g.ckk, k: g.columns,
                         transB: true, accumulate: true)
                } } }
            }
            guard x.needsGrad else { return }
            x.ensureGrad()
            var dcols = [Float](unsafeUninitializedCapacity: g.ckk * g.columns) { _, done in done = g.ckk * g.columns }   // Wᵀ · dY' (sgemm overwrites), then folded back
            w.value.withUnsafeBufferPointer { wv in dyWide.withUnsafeBufferPointer { dy in dcols.withUnsafeMutableBufferPointer { dc in
                gemm(wv.baseAddress!, dy.baseAddress!, dc.baseAddress!, m: g.ckk, n: g.columns, k: g.o, transA: true)
            } } }
            g.fold(dcols, into: &x.grad)
        }
        return node
    }

    /// Max pooling of x [N, C, H, W] over k×k windows with the given stride
    /// (no padding); the gradient goes to each window's (first) maximum.
    public static func maxPool2d(_ x: Node, k: Int, stride: Int) -> Node {
        let (n, c, h, wd) = (x.shape[0], x.shape[1], x.shape[2], x.shape[3])
        let ho = windowOut(h, k, stride, 0), wo = windowOut(wd, k, stride, 0)
        precondition(ho > 0 && wo > 0, "maxpool: a \(k)×\(k) window doesn't fit a \(h)×\(wd) input")
        var out = [Float](repeating: 0, count: n * c * ho * wo)
        var argmax = [Int32](repeating: 0, count: out.count)
        x.value.withUnsafeBufferPointer { xb in out.withUnsafeMutableBufferPointer { ob in argmax.withUnsafeMutableBufferPointer { ab in
            let xv = xb.baseAddress!, o = ob.baseAddress!, am = ab.baseAddress!
            parallelRanges(n * c, minimum: x.value.count >= 1 << 18 ? 2 : Int.max) { planes in
                for plane in planes {
                    let base = plane * h * wd
                    var q = plane * ho * wo
                    for oy in 0..<ho { for ox in 0..<wo {
                        var best = base + oy * stride * wd + ox * stride
                        var top = xv[best]
                        for ky in 0..<k {
                            let row = base + (oy * stride + ky) * wd + ox * stride
                            for kx in 0..<k where xv[row + kx] > top { best = row + kx; top = xv[best] }
                        }
                        o[q] = top; am[q] = Int32(truncatingIfNeeded: best - base); q += 1
                    } }
                }
            }
        } } }
        let node = Node(shape: [n, c, ho, wo], value: out, parents: [x])
        node.backwardFn = { y in
            let per = ho * wo, planeSize = h * wd
            if x.grad.isEmpty && stride == k && ho * k == h && wo * k == wd {
                // Windows tile the input: each input value is written once, the
                // window's gradient at its maximum and 0 elsewhere (no zero-fill pass).
                let g = [Float](unsafeUninitializedCapacity: x.value.count) { dxb, done in
                    y.grad.withUnsafeBufferPointer { dyb in argmax.withUnsafeBufferPointer { amb in
                        let dx = dxb.baseAddress!, dy = dyb.baseAddress!, am = amb.baseAddress!
                        parallelRanges(n * c, minimum: x.value.count >= 1 << 18 ? 2 : Int.max) { planes in
                            for plane in planes {
                                let base = plane * planeSize
                                for oy in 0..<ho { for ox in 0..<wo {
                                    let q = plane * per + oy * wo + ox, top = Int(am[q])
                                    for ky in 0..<k { for kx in 0..<k {
                                        let at = (oy * k + ky) * wd + ox * k + kx
                                        dx[base + at] = at == top ? dy[q] : 0
                                    } }
                                } }
                            }
                        }
                    } }
                    done = x.value.count
                }
                x.accumulateGrad(g)
                return
            }
            x.ensureGrad()
            x.grad.withUnsafeMutableBufferPointer { dxb in y.grad.withUnsafeBufferPointer { dyb in argmax.withUnsafeBufferPointer { amb in
                let dx = dxb.baseAddress!, dy = dyb.baseAddress!, am = amb.baseAddress!
                parallelRanges(n * c, minimum: dxb.count >= 1 << 18 ? 2 : Int.max) { planes in
                    for plane in planes {
                        let base = plane * planeSize
                        for q in plane * per..<(plane + 1) * per { dx[base + Int(am[q])] += dy[q] }
                    }
                }
            } } }
        }
        return node
    }

    /// The mean over the spatial axes: [N, C, H, W] → [N, C].
    public static func globalAvgPool(_ x: Node) -> Node {
        let (n, c) = (x.shape[0], x.shape[1])
        let hw = x.value.count / max(1, n * c)
        var out = [Float](repeating: 0, count: n * c)
        for p in 0..<(n * c) {
            var s: Float = 0
            for j in 0..<hw { s += x.value[p * hw + j] }
            out[p] = s / Float(hw)
        }
        let node = Node(shape: [n, c], value: out, parents: [x])
        node.backwardFn = { y in
            x.ensureGrad()
            let inv = 1 / Float(hw)
            for p in 0..<(n * c) { let g = y.grad[p] * inv; for j in 0..<hw { x.grad[p * hw + j] += g } }
        }
        return node
    }
}

public final class Conv2d: Layer {
    public let inChannels: Int, outChannels: Int, kernel: Int, stride: Int, padding: Int
    public let weight: Parameter, bias: Parameter

    /// Kaiming-uniform initialisation as PyTorch's `nn.Conv2d`: U(−1/√fan_in, 1/√fan_in), fan_in = in·k·k.
    public init(_ inChannels: Int, _ outChannels: Int, kernel: Int, stride: Int = 1, padding: Int = 0, seed: UInt64 = 0) {
        self.inChannels = inChannels; self.outChannels = outChannels
        self.kernel = kernel; self.stride = stride; self.padding = padding
        weight = Parameter("weight", shape: [outChannels, inChannels, kernel, kernel],
                           value: [Float](repeating: 0, count: outChannels * inChannels * kernel * kernel))
        bias = Parameter("bias", shape: [outChannels], value: [Float](repeating: 0, count: outChannels))
        super.init()
        var rng = RandomSource(seed: seed)
        reset(&rng)
    }
    private init(copying o: Conv2d) {
        inChannels = o.inChannels; outChannels = o.outChannels; kernel = o.kernel; stride = o.stride; padding = o.padding
        weight = o.weight.copy(); bias = o.bias.copy()
    }
    public override func reset(_ rng: inout RandomSource) {
        let bound = 1 / Double(inChannels * kernel * kernel).squareRoot()
        for i in 0..<weight.count { weight.value[i] = Float((2 * rng.nextDouble() - 1) * bound) }
        for i in 0..<bias.count { bias.value[i] = Float((2 * rng.nextDouble() - 1) * bound) }
    }
    public override var kind: String { "conv2d" }
    public override var label: String {
        "conv2d(\(inChannels), \(outChannels), \(kernel)" + (stride != 1 ? ", stride: \(stride)" : "") + (padding != 0 ? ", padding: \(padding)" : "") + ")"
    }
    public override var parameters: [Parameter] { [weight, bias] }
    public override func forward(_ x: Node, _ ctx: ForwardContext) -> Node {
        Op.conv2d(x, .leaf(weight), bias: .leaf(bias), stride: stride, padding: padding)
    }
    public override func outputShape(_ input: [Int]) throws -> [Int] {
        guard input.count == 3, input[0] == inChannels else {
            throw LearnError("\(label) expects examples of shape [\(inChannels), H, W], got \(input)")
        }
        let ho = Op.windowOut(input[1], kernel, stride, padding), wo = Op.windowOut(input[2], kernel, stride, padding)
        guard ho > 0 && wo > 0 else { throw LearnError("\(label): the kernel doesn't fit a \(input[1])×\(input[2]) input") }
        return [outChannels, ho, wo]
    }
    public override func copy() -> Layer { Conv2d(copying: self) }
}

public final class GlobalAvgPool: Layer {
    public override init() {}
    public override var kind: String { "global_avgpool" }
    public override func forward(_ x: Node, _ ctx: ForwardContext) -> Node { Op.globalAvgPool(x) }
    public override func outputShape(_ input: [Int]) throws -> [Int] {
        guard input.count == 3 else { throw LearnError("global_avgpool expects examples of shape [C, H, W], got \(input)") }
        return [input[0]]
    }
    public override func copy() -> Layer { GlobalAvgPool() }
}
