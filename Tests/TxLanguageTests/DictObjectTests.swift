import Testing
import TxLanguage

/// Dict look-ups: short ASCII keys are compared by their bytes, everything
/// else by String equality; both must find exactly what Swift's `==` finds.
@Suite struct DictObjectTests {
    @Test func shortKeysFoundWhateverTheirStorage() {
        let d = DictObject()
        d.set("alpha", .number(1))
        d.set(String(12), .number(2))
        // The same text held in a heap buffer instead of inline.
        var buffered = String()
        buffered.reserveCapacity(64)
        buffered += "alpha"
        #expect(d.value(forKey: buffered).map(number) == 1)
        #expect(d.value(forKey: "1" + "2").map(number) == 2)
        #expect(d.value(forKey: "alph") == nil)
        #expect(d.value(forKey: "alpha ") == nil)
        d.set(buffered, .number(3))
        #expect(d.entries.count == 2)
        #expect(d.value(forKey: "alpha").map(number) == 3)
        // A buffered key stored first is still found by its inline twin.
        let e = DictObject()
        e.set(buffered, .number(4))
        #expect(e.value(forKey: "alpha").map(number) == 4)
    }

    @Test func nonASCIIKeysUseUnicodeEquality() {
        let d = DictObject()
        d.set("caf\u{E9}", .number(1))  // é as one scalar
        #expect(d.value(forKey: "cafe\u{301}").map(number) == 1)  // e + combining accent
        d.set("x", .number(2))
        #expect(d.value(forKey: "x").map(number) == 2)
        #expect(d.entries.count == 2)
    }

    @Test func manyKeysRemovalsAndOrder() {
        let d = DictObject()
        for i in 0..<50 { d.set("k\(i)", .number(Double(i))) }
        for i in 0..<50 { #expect(d.value(forKey: "k\(i)").map(number) == Double(i)) }
        #expect(d.value(forKey: "k50") == nil)

        let small = DictObject()
        for key in ["a", "b", "c", "d"] { small.set(key, .number(1)) }
        #expect(small.removeValue(forKey: "b").map(number) == 1)
        #expect(small.removeValue(forKey: "b") == nil)
        #expect(small.value(forKey: "c").map(number) == 1)
        small.set("b", .number(7))
        #expect(Array(small.entries.keys) == ["a", "c", "d", "b"])
        #expect(small.value(forKey: "b").map(number) == 7)
        #expect(small.value(forKey: "d").map(number) == 1)
    }

    private func number(_ v: Value) -> Double? {
        if case .number(let x) = v { return x }
        return nil
    }
}
