import Testing
@testable import TxAnalysis

/// Large inputs take the radix-sort path (≥ 512 values); these compare it with plain definitions.
private func sample(_ n: Int, seed: UInt64) -> ([Double], [Double]) {
    var g = Xoshiro256(seed: seed)
    var x: [Double] = [], y: [Double] = []
    for _ in 0..<n {
        // one decimal: many ties; both signs and both zeros
        let a = Double(Int(g.next(below: 201)) - 100) / 10
        x.append(a == 0 && g.next(below: 2) == 0 ? -0.0 : a)
        y.append(a / 2 + Double(Int(g.next(below: 101)) - 50) / 10)
    }
    return (x, y)
}

@Test func radixSortSortsAndCarriesThePayload() {
    var g = Xoshiro256(seed: 5)
    var keys = (0..<5000).map { _ in g.next() >> (g.next() % 40) }
    let expected = keys.sorted()
    let original = keys
    var payload = (0..<Int32(5000)).map { $0 }
    RadixSort.sort(&keys, payload: &payload)
    #expect(keys == expected)
    #expect(payload.map { original[Int($0)] } == expected)
    // stable: equal keys keep their input order
    for i in 1..<5000 where keys[i] == keys[i - 1] { #expect(payload[i] > payload[i - 1]) }
}

@Test func largeRankingsMatchTheirDefinitions() throws {
    let (x, y) = sample(3000, seed: 9)
    // average ranks: 1 + (number smaller) + (number equal − 1) / 2
    let ranks = Correlation.rankAverage(x)
    for i in stride(from: 0, to: 3000, by: 37) {
        let smaller = x.filter { $0 < x[i] }.count, equal = x.filter { $0 == x[i] }.count
        #expect(ranks[i] == 1 + Double(smaller) + Double(equal - 1) / 2)
    }
    // τ-b from all pairs
    var concordant = 0, discordant = 0, tiesX = 0, tiesY = 0
    for i in 0..<3000 {
        for j in (i + 1)..<3000 {
            let a = x[i] < x[j] ? -1 : (x[i] > x[j] ? 1 : 0)
            let b = y[i] < y[j] ? -1 : (y[i] > y[j] ? 1 : 0)
            if a == 0 && b == 0 { continue }
            if a == 0 { tiesX += 1 } else if b == 0 { tiesY += 1 } else if a == b { concordant += 1 } else { discordant += 1 }
        }
    }
    let n0 = Double(concordant + discordant)
    let tau = Double(concordant - discordant) / ((n0 + Double(tiesX)) * (n0 + Double(tiesY))).squareRoot()
    let r = try Correlation.kendall(x, y)
    #expect(abs(r.r - tau) < 1e-12, "τ \(r.r) vs \(tau)")
}

@Test func splitInversionCountEqualsTheSerialOne() {
    var g = Xoshiro256(seed: 12)
    var a = (0..<70_001).map { _ in g.next(below: 5000) }
    var b = a
    let split = Correlation.countInversions(&a), serial = Correlation.countInversionsSerial(&b)
    #expect(split == serial && split > 0)
    #expect(a == b && a == a.sorted())
    // a few by hand
    var small = [3, 1, 2, 2, 0]
    #expect(Correlation.countInversions(&small) == 7)   // 3>1, 3>2 twice, 3>0, 1>0, 2>0 twice
}
