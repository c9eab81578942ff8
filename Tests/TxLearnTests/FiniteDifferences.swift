import Testing
import TxTensor
@testable import TxLearn

/// Central finite differences against the backward pass. The forward runs in
/// Float32; the probe loss Σ out ⊙ R (R drawn from `probeSeed`) is summed in
/// Float64, and inputs are kept O(1) so a step of 1e-2 gives differences good
/// to ~1e-3. Each gradient entry must be within atol + rtol·|numeric|.
func gradCheck(_ targets: [Parameter], eps: Float = 1e-2, atol: Double = 3e-3, rtol: Double = 2e-2,
               probeSeed: UInt64 = 99, _ build: () -> Node, sourceLocation: SourceLocation = #_sourceLocation) {
    var rng = RandomSource(seed: probeSeed)
    let probe = build()
    let r = (0..<probe.value.count).map { _ in Float(rng.nextNormal()) }
    func loss() -> Double {
        let out = build()
        var s = 0.0
        for i in 0..<r.count { s += Double(out.value[i]) * Double(r[i]) }
        return s
    }
    for p in targets { p.zeroGrad() }
    Op.weightedSum(build(), r).backward()
    for p in targets {
        let analytic = p.grad
        for i in 0..<p.count {
            let v = p.value[i]
            p.value[i] = v + eps; let up = loss()
            p.value[i] = v - eps; let down = loss()
            p.value[i] = v
            let numeric = (up - down) / (2 * Double(eps))
            let err = abs(numeric - Double(analytic[i]))
            #expect(err <= atol + rtol * abs(numeric), "\(p.name)[\(i)]: analytic \(analytic[i]) vs numeric \(numeric)",
                    sourceLocation: sourceLocation)
        }
    }
}

/// A parameter of standard normal values from `seed`; `awayFromZero` pushes
/// values off 0 (so kinks such as relu's are not straddled by ±eps).
func randomParameter(_ name: String, _ shape: [Int], seed: UInt64, awayFromZero: Bool = false) -> Parameter {
    var rng = RandomSource(seed: seed)
    let n = shape.reduce(1, *)
    let v = (0..<n).map { _ -> Float in
        var x = Float(rng.nextNormal())
        if awayFromZero && abs(x) < 0.1 { x = x < 0 ? x - 0.2 : x + 0.2 }
        return x
    }
    return Parameter(name, shape: shape, value: v)
}
