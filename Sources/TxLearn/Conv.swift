import Foundation
import TxTensor

extension Op {
    /// Output size of a convolution or pooling window along one axis.
    static func windowOut(_ size: Int, _ k: Int, _ stride: Int, _ pad: Int) -> Int {
        (size + 2 * pad - k) / stride + 1
    }

    /// 2-D convolution (cross-correlation, as PyTorch) of x [N, C, H, W] with
    /// w [O, C, k, k] by im2col + sgemm per example; no bias (add it with `addBias`).
    public static func conv2d(_ x: Node, _ w: Node, stride: Int = 1, padding: Int = 0) -> Node {
        precondition(x.shape.count == 4 && w.shape.count == 4 && w.shape[1] == x.shape[1] && w.shape[2] == w.shape[3],
                     "conv2d shapes: x \(x.shape), w \(w.shape)")
        let (n, c, h, wd) = (x.shape[0], x.shape[1], x.shape[2], x.shape[3])
        let (o, k) = (w.shape[0], w.shape[2])
        let ho = windowOut(h, k, stride, padding), wo = windowOut(wd, k, stride, padding)
        precondition(ho > 0 && wo > 0, "conv2d: a \(k)×\(k) kernel doesn't fit a \(h)×\(wd) input")
        let ckk = c * k * k, hw = ho * wo
        var cols = [Float](repeating: 0, count: n * ckk * hw)
        var out = [Float](repeating: 0, count: n * o * hw)
        x.value.withUnsafeBufferPointer { xv in cols.withUnsafeMutableBufferPointer { col in
            for i in 0..<n {
                let xb = i * c * h * wd, cb = i * ckk * hw
                for ch in 0..<c { for ky in 0..<k { for kx in 0..<k {
                    let row = cb + ((ch * k + ky) * k + kx) * hw
                    for oy in 0..<ho {
                        let iy = oy * stride - padding + ky
                        guard iy >= 0 && iy < h else { continue }
                        for ox in 0..<wo {
                            let ix = ox * stride - padding + kx
                            if ix >= 0 && ix < wd { col[row + oy * wo + ox] = xv[xb + (ch * h + iy) * wd + ix] }
                        }
                    }
                } } }
            }
        } }
        w.value.withUnsafeBufferPointer { wv in cols.withUnsafeBufferPointer { col in out.withUnsafeMutableBufferPointer { ov in
            for i in 0..<n {
                gemm(wv.baseAddress!, col.baseAddress! + i * ckk * hw, ov.baseAddress! + i * o * hw, m: o, n: hw, k: ckk)
            }
        } } }
        let node = Node(shape: [n, o, ho, wo], value: out, parents: [x, w])
        node.backwardFn = { y in
            y.grad.withUnsafeBufferPointer { dy in
                if w.needsGrad {
                    w.ensureGrad()
                    cols.withUnsafeBufferPointer { col in w.grad.withUnsafeMutableBufferPointer { dw in
                        for i in 0..<n {   // dW [O, CKK] += dY_i [O, HW] · col_iᵀ
                            gemm(dy.baseAddress! + i * o * hw, col.baseAddress! + i * ckk * hw, dw.baseAddress!,
                                 m: o, n: ckk, k: hw, transB: true, accumulate: true)
                        }
                    } }
                }
                guard x.needsGrad else { return }
                x.ensureGrad()
                var dcol = [Float](repeating: 0, count: ckk * hw)
                w.value.withUnsafeBufferPointer { wv in x.grad.withUnsafeMutableBufferPointer { dx in dcol.withUnsafeMutableBufferPointer { dc in
                    for i in 0..<n {   // dcol [CKK, HW] = Wᵀ · dY_i, then col2im
                        gemm(wv.baseAddress!, dy.baseAddress! + i * o * hw, dc.baseAddress!, m: ckk, n: hw, k: o, transA: true)
                        let xb = i * c * h * wd
                        for ch in 0..<c { for ky in 0..<k { for kx in 0..<k {
                            let row = ((ch * k + ky) * k + kx) * hw
                            for oy in 0..<ho {
                                let iy = oy * stride - padding + ky
                                guard iy >= 0 && iy < h else { continue }
                                for ox in 0..<wo {
                                    let ix = ox * stride - padding + kx
                                    if ix >= 0 && ix < wd { dx[xb + (ch * h + iy) * wd + ix] += dc[row + oy * wo + ox] }
                                }
                            }
                        } } }
                    }
                } } }
            }
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
        var argmax = [Int](repeating: 0, count: out.count)
        x.value.withUnsafeBufferPointer { xv in
            var q = 0
            for plane in 0..<(n * c) {
                let base = plane * h * wd
                for oy in 0..<ho { for ox in 0..<wo {
                    var best = base + oy * stride * wd + ox * stride
                    for ky in 0..<k { for kx in 0..<k {
                        let idx = base + (oy * stride + ky) * wd + ox * stride + kx
                        if xv[idx] > xv[best] { best = idx }
                    } }
                    out[q] = xv[best]; argmax[q] = best; q += 1
                } }
            }
        }
        let node = Node(shape: [n, c, ho, wo], value: out, parents: [x])
        node.backwardFn = { y in
            x.ensureGrad()
            for q in 0..<argmax.count { x.grad[argmax[q]] += y.grad[q] }
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
        Op.addBias(Op.conv2d(x, .leaf(weight), stride: stride, padding: padding), .leaf(bias))
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

public final class MaxPool2d: Layer {
    public let kernel: Int, stride: Int
    public init(_ kernel: Int, stride: Int? = nil) { self.kernel = kernel; self.stride = stride ?? kernel }
    public override var kind: String { "maxpool" }
    public override var label: String { "maxpool(\(kernel))" }
    public override func forward(_ x: Node, _ ctx: ForwardContext) -> Node { Op.maxPool2d(x, k: kernel, stride: stride) }
    public override func outputShape(_ input: [Int]) throws -> [Int] {
        guard input.count == 3 else { throw LearnError("maxpool expects examples of shape [C, H, W], got \(input)") }
        let ho = Op.windowOut(input[1], kernel, stride, 0), wo = Op.windowOut(input[2], kernel, stride, 0)
        guard ho > 0 && wo > 0 else { throw LearnError("maxpool(\(kernel)) doesn't fit a \(input[1])×\(input[2]) input") }
        return [input[0], ho, wo]
    }
    public override func copy() -> Layer { MaxPool2d(kernel, stride: stride) }
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
