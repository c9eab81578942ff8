import Foundation

extension Tensor {
    /// One-line summary: shape, dtype and value range, e.g.
    /// `"Tensor [1797, 2] f32  min -41.23 max 44.91"` (4 significant digits).
    ///
    /// A tensor holding NaN adds `"  nan 3"` (the NaN count); an empty one is
    /// `"Tensor [0, 3] f32 (empty)"`; a 0-d one is `"Tensor [] f32 = 3.5"`.
    /// - Complexity: O(n).
    public var summary: String {
        let head = "Tensor \(shapeString(shape)) f32"
        if ndim == 0 { return "\(head) = \(Tensor.formatGeneral(data[0], digits: 6))" }
        if count == 0 { return "\(head) (empty)" }
        var lo = Float.infinity, hi = -Float.infinity
        var nans = 0
        var seen = false
        for v in data {
            if v.isNaN { nans += 1; continue }
            seen = true
            if v < lo { lo = v }
            if v > hi { hi = v }
        }
        var text = head
        if seen {
            text += "  min \(Tensor.formatGeneral(lo, digits: 4)) max \(Tensor.formatGeneral(hi, digits: 4))"
        }
        if nans > 0 { text += "  nan \(nans)" }
        return text
    }

    /// A NumPy-style preview of the values.
    ///
    /// Nested brackets, one row of the last axis per line, elements separated
    /// by `", "` and right-aligned to a common width:
    ///
    ///     [[ 1,  2, 30],
    ///      [ 4,  5,  6]]
    ///
    /// Blocks of 3-D and higher tensors are separated by blank lines. An axis
    /// longer than 6 shows its first and last 3 entries around `...`.
    /// Number format (chosen from the displayed values, like NumPy):
    /// - all integral (and below 1e16): plain integers, `[1, 2, 3]`;
    /// - otherwise fixed point with the fewest decimals (at most 4) that show
    ///   every value, `[0.50, 1.25]`;
    /// - scientific `1.5e-07` when magnitudes are ≥ 1e8, < 1e-4, or span more than 1000×;
    /// - `nan`, `inf` and `-inf` as words.
    ///
    /// A 0-d tensor previews as its value alone.
    /// - Complexity: O(shown elements).
    public var preview: String {
        let strides = Tensor.contiguousStrides(shape)
        // Indices shown along each axis; nil marks the "..." gap.
        let shown: [[Int?]] = shape.map { size in
            size > 6 ? [0, 1, 2, nil, size - 3, size - 2, size - 1] : (0..<size).map { $0 }
        }
        var values: [Float] = []
        func gather(_ axis: Int, _ offset: Int) {
            if axis == ndim { values.append(data[offset]); return }
            for i in shown[axis] { if let i { gather(axis + 1, offset + i * strides[axis]) } }
        }
        gather(0, 0)
        let format = Tensor.NumberFormat(values)
        let width = values.reduce(0) { max($0, format.string($1).count) }
        func render(_ axis: Int, _ offset: Int) -> String {
            if axis == ndim {
                let s = format.string(data[offset])
                return String(repeating: " ", count: width - s.count) + s
            }
            let items = shown[axis].map { i in i.map { render(axis + 1, offset + $0 * strides[axis]) } ?? "..." }
            if axis == ndim - 1 { return "[" + items.joined(separator: ", ") + "]" }
            let sep = "," + String(repeating: "\n", count: ndim - axis - 1) + String(repeating: " ", count: axis + 1)
            return "[" + items.joined(separator: sep) + "]"
        }
        return render(0, 0)
    }

    /// ``summary``, a newline and ``preview`` (just the summary for a 0-d tensor).
    public var display: String {
        ndim == 0 ? summary : summary + "\n" + preview
    }

    /// `%g`-style text with `digits` significant digits; `nan`, `inf`, `-inf` for specials.
    static func formatGeneral(_ v: Float, digits: Int) -> String {
        if v.isNaN { return "nan" }
        if v.isInfinite { return v < 0 ? "-inf" : "inf" }
        if v == 0 { return "0" }
        return String(format: "%.\(digits)g", Double(v))
    }

    /// The common number format of a preview, chosen from the values shown.
    struct NumberFormat {
        enum Style { case integer, fixed(Int), scientific(Int) }
        let style: Style

        init(_ values: [Float]) {
            let finite = values.filter { $0.isFinite }.map { Double($0) }
            let maxAbs = finite.map(Swift.abs).max() ?? 0
            let minAbs = finite.map(Swift.abs).filter { $0 > 0 }.min() ?? 0
            if finite.allSatisfy({ $0.rounded() == $0 }) && maxAbs < 1e16 {
                style = .integer
            } else if maxAbs >= 1e8 || (minAbs > 0 && (minAbs < 1e-4 || maxAbs / minAbs > 1e3)) {
                let d = finite.map { NumberFormat.decimals(String(format: "%.4e", $0), exponent: true) }.max() ?? 0
                style = .scientific(d)
            } else {
                let d = finite.map { NumberFormat.decimals(String(format: "%.4f", $0), exponent: false) }.max() ?? 0
                style = .fixed(max(d, 1))
            }
        }

        /// Decimals left in `text` once trailing zeros of the fraction are dropped.
        static func decimals(_ text: String, exponent: Bool) -> Int {
            var mantissa = Substring(text)
            if exponent, let e = mantissa.firstIndex(of: "e") { mantissa = mantissa[..<e] }
            guard let dot = mantissa.firstIndex(of: ".") else { return 0 }
            let fraction = mantissa[mantissa.index(after: dot)...]
            return fraction.count - fraction.reversed().prefix(while: { $0 == "0" }).count
        }

        func string(_ v: Float) -> String {
            if v.isNaN { return "nan" }
            if v.isInfinite { return v < 0 ? "-inf" : "inf" }
            switch style {
            case .integer:
                return v == 0 ? "0" : String(format: "%.0f", Double(v))
            case .fixed(let d):
                return String(format: "%.\(d)f", Double(v))
            case .scientific(let d):
                return String(format: "%.\(d)e", Double(v))
            }
        }
    }
}
