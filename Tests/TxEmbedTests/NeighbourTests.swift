import Testing
import TxTensor
@testable import TxEmbed

@Test func neighboursAreExactOnLargerDataWithTies() throws {
    // 2500 points on a coarse lattice: many equal distances at the k-th neighbour
    let n = 2500, d = 4
    let r = try Tensor.randn([n, d], seed: 31)
    let x = Tensor(shape: [n, d], data: r.data.map { ($0 * 2).rounded() })
    let nb = try Affinities.exactKNN(x, k: 30)
    for i in stride(from: 0, to: n, by: 97) {
        var all: [(Double, Int)] = []
        for j in 0..<n where j != i {
            var s = 0.0
            for a in 0..<d { let v = Double(x.data[i * d + a]) - Double(x.data[j * d + a]); s += v * v }
            all.append((s, j))
        }
        all.sort { $0.0 < $1.0 || ($0.0 == $1.0 && $0.1 < $1.1) }
        let got = Array(nb.distances[(i * 30)..<((i + 1) * 30)])
        #expect(got == all.prefix(30).map { $0.0 }, "row \(i)")
        // the same neighbours up to ties at the boundary distance
        let cut = all[29].0
        let strict = Set(all.prefix(30).filter { $0.0 < cut }.map { $0.1 })
        #expect(strict.isSubset(of: Set(nb.indices[(i * 30)..<((i + 1) * 30)])))
    }
}
