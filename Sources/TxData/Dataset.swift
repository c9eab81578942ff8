import TxTensor

/// The error of `TxData`: a bad argument, a malformed file. `message` is
/// meant to be shown to the user as is (it names the file when there is one).
public struct DataError: Error, CustomStringConvertible, Equatable {
    public let message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

/// A labelled set of examples: `x` is `[N, …]` (one row per example), `y` is
/// `[N]` labels stored as floats (class indices for a classification set),
/// `classes` names the classes (`classes[k]` is label `k`).
///
/// A dataset is immutable; every operation returns a new one. Operations that
/// only select or reorder rows share nothing with the original's tensors.
/// Every random operation takes an explicit seed and is deterministic.
public final class Dataset: @unchecked Sendable {
    public let x: Tensor
    public let y: Tensor
    public let classes: [String]
    public let name: String
    /// How one example looks as an image (`[8, 8]`, `[32, 32, 3]`), for display
    /// and plotting; nil when the examples are not images.
    public let imageShape: [Int]?

    /// Wraps tensors as a dataset, checking that they fit together.
    ///
    /// - Parameters:
    ///   - classes: the class names; nil derives `"0"…"K-1"` from whole-number
    ///     labels `0..<K`, or none when the labels are not class indices.
    /// - Throws: `DataError` when `x` is 0-d, `y` is not `[N]`, or a label is not
    ///   a class index of `classes`.
    public init(x: Tensor, y: Tensor, classes: [String]? = nil, name: String = "",
                imageShape: [Int]? = nil) throws {
        guard x.ndim >= 1 else { throw DataError("a dataset's x needs a first axis of examples, got a 0-d tensor") }
        guard y.ndim == 1 else {
            throw DataError("a dataset's y must be a vector of labels, got shape \(Dataset.shapeText(y.shape))")
        }
        guard y.shape[0] == x.shape[0] else {
            throw DataError("x has \(x.shape[0]) examples but y has \(y.shape[0]) labels")
        }
        let perExample = x.shape.dropFirst().reduce(1, *)
        if let imageShape {
            guard imageShape.reduce(1, *) == perExample else {
                throw DataError("image shape \(Dataset.shapeText(imageShape)) does not hold the \(perExample) values of one example")
            }
        }
        if let classes {
            for (i, label) in y.data.enumerated() {
                guard label == label.rounded(), label >= 0, Int(label) < classes.count else {
                    throw DataError("label \(Dataset.numberText(label)) of example \(i) is not a class index (there are \(classes.count) classes, 0–\(classes.count - 1))")
                }
            }
            self.classes = classes
        } else if y.data.allSatisfy({ $0 == $0.rounded() && $0 >= 0 && $0 < 100_000 }) {
            let k = y.data.max().map { Int($0) + 1 } ?? 0
            self.classes = (0..<k).map(String.init)
        } else {
            self.classes = []
        }
        self.x = x
        self.y = y
        self.name = name
        self.imageShape = imageShape
    }

    /// Already-validated parts (used by operations that keep the labels).
    private init(checked x: Tensor, _ y: Tensor, _ classes: [String], _ name: String, _ imageShape: [Int]?) {
        self.x = x; self.y = y; self.classes = classes; self.name = name; self.imageShape = imageShape
    }

    /// The number of examples.
    public var count: Int { x.shape[0] }

    /// The shape of one example (`[64]` for digits).
    public var exampleShape: [Int] { Array(x.shape.dropFirst()) }

    /// Values per example.
    var featureCount: Int { exampleShape.reduce(1, *) }

    /// `Dataset digits: 1797 × [64] (8×8 images), 10 classes`.
    public var description: String {
        var s = "Dataset" + (name.isEmpty ? "" : " " + name) + ": \(count) × " + Dataset.shapeText(exampleShape)
        if let imageShape { s += " (" + imageShape.map(String.init).joined(separator: "×") + " images)" }
        if !classes.isEmpty { s += ", \(classes.count) class" + (classes.count == 1 ? "" : "es") }
        return s
    }

    // MARK: - Selecting rows

    /// The examples at `indices`, in that order (indices must be in range).
    public func select(_ indices: [Int]) -> Dataset {
        let f = featureCount
        let xs = [Float](unsafeUninitializedCapacity: indices.count * f) { buf, n in
            x.data.withUnsafeBufferPointer { src in
                for (k, i) in indices.enumerated() {
                    for j in 0..<f { buf[k * f + j] = src[i * f + j] }
                }
            }
            n = indices.count * f
        }
        let ys = indices.map { y.data[$0] }
        return Dataset(checked: Tensor(shape: [indices.count] + exampleShape, data: xs),
                       Tensor(shape: [indices.count], data: ys), classes, name, imageShape)
    }

    /// One example: its features (shape `exampleShape`) and its label.
    /// Negative indices count from the end.
    /// - Throws: `DataError` when the index is out of range.
    public func example(_ index: Int) throws -> (x: Tensor, y: Float) {
        let i = index < 0 ? index + count : index
        guard i >= 0, i < count else {
            throw DataError("index \(index) is out of range for a dataset of \(count) example\(count == 1 ? "" : "s")")
        }
        let f = featureCount
        return (Tensor(shape: exampleShape, data: Array(x.data[i * f..<(i + 1) * f])), y.data[i])
    }

    public subscript(_ index: Int) -> (x: Tensor, y: Float) {
        get throws { try example(index) }
    }

    /// The first `n` examples (all of them when `n` ≥ count).
    /// - Throws: `DataError` when `n` < 1.
    public func take(_ n: Int) throws -> Dataset {
        guard n >= 1 else { throw DataError("take(): n must be at least 1, got \(n)") }
        return select(Array(0..<Swift.min(n, count)))
    }

    /// The examples in a random order fixed by `seed`.
    public func shuffled(seed: UInt64) -> Dataset {
        select(Dataset.permutation(count, seed: seed))
    }

    /// Splits into a first part of `round(fraction × N)` examples and the rest,
    /// at random (fixed by `seed`). Stratified, each class is split in the same
    /// proportion (as close as whole numbers allow; the first part still has
    /// exactly `round(fraction × N)` examples).
    /// - Throws: `DataError` when `fraction` is not in (0, 1), when either part
    ///   would be empty, or (stratified) when the labels are not class indices.
    public func split(_ fraction: Double, seed: UInt64, stratified: Bool = false) throws -> (Dataset, Dataset) {
        guard fraction > 0, fraction < 1 else {
            throw DataError("split(): fraction must be between 0 and 1 (exclusive), got \(fraction)")
        }
        let n1 = Int((fraction * Double(count)).rounded())
        guard n1 >= 1, n1 < count else {
            throw DataError("split(): a fraction of \(fraction) of \(count) example\(count == 1 ? "" : "s") leaves \(n1 < 1 ? "the first" : "the second") part empty")
        }
        var rng = RandomSource(seed: seed)
        guard stratified else {
            let order = Dataset.permutation(count, &rng)
            return (select(Array(order[..<n1])), select(Array(order[n1...])))
        }
        // Group example indices by label, in label order.
        var groups: [Float: [Int]] = [:]
        for (i, label) in y.data.enumerated() {
            guard label == label.rounded() else {
                throw DataError("split(stratify: true) needs whole-number class labels, found \(Dataset.numberText(label))")
            }
            groups[label, default: []].append(i)
        }
        let labels = groups.keys.sorted()
        // Largest-remainder allocation: floor(f·n_c) each, then one more to the
        // classes with the largest remainders until the first part has n1.
        var quota = labels.map { Int((fraction * Double(groups[$0]!.count)).rounded(.down)) }
        let remainders = labels.enumerated().map { k, label in
            (k, fraction * Double(groups[label]!.count) - Double(quota[k]))
        }.sorted { $0.1 != $1.1 ? $0.1 > $1.1 : $0.0 < $1.0 }
        var missing = n1 - quota.reduce(0, +)
        for (k, _) in remainders where missing > 0 && quota[k] < groups[labels[k]]!.count {
            quota[k] += 1
            missing -= 1
        }
        var first: [Int] = [], second: [Int] = []
        for (k, label) in labels.enumerated() {
            let members = groups[label]!
            let order = Dataset.permutation(members.count, &rng)
            first += order[..<quota[k]].map { members[$0] }
            second += order[quota[k]...].map { members[$0] }
        }
        // Mix the classes within each part.
        let p1 = Dataset.permutation(first.count, &rng), p2 = Dataset.permutation(second.count, &rng)
        return (select(p1.map { first[$0] }), select(p2.map { second[$0] }))
    }

    /// The examples whose label is one of `labels`, in their original order.
    /// Labels keep their values (and `classes` stays the same).
    /// - Throws: `DataError` when `labels` is empty or names a label no example has.
    public func filter(labels: [Int]) throws -> Dataset {
        guard !labels.isEmpty else { throw DataError("filter(): no labels given (the result would be empty)") }
        let present = Set(y.data)
        for label in labels where !present.contains(Float(label)) {
            let known = present.sorted().map { Dataset.numberText($0) }
            let list = known.count <= 12 ? known.joined(separator: ", ") : known.prefix(12).joined(separator: ", ") + ", …"
            throw DataError("filter(): label \(label) is not in this dataset (its labels: \(list))")
        }
        let wanted = Set(labels.map(Float.init))
        return select(y.data.indices.filter { wanted.contains(y.data[$0]) })
    }

    /// Standardises each feature: `(x - mean) / std`. A nil `mean` or `std` is
    /// computed from this dataset (population std, as NumPy); a feature whose
    /// std is 0 is divided by 1 instead (as scikit-learn's StandardScaler).
    /// Given statistics need one value per feature (or a single value).
    public func normalized(mean: Tensor? = nil, std: Tensor? = nil) throws -> Dataset {
        let f = featureCount, n = count
        func given(_ t: Tensor, _ what: String) throws -> [Float] {
            if t.count == 1 { return [Float](repeating: t.data[0], count: f) }
            guard t.count == f else {
                throw DataError("normalize(): \(what) has \(t.count) values (shape \(Dataset.shapeText(t.shape))) but each example has \(f)")
            }
            return t.data
        }
        var mu: [Float]
        if let mean { mu = try given(mean, "mean") } else {
            guard n > 0 else { throw DataError("normalize(): can't compute a mean of no examples") }
            var acc = [Double](repeating: 0, count: f)
            x.data.withUnsafeBufferPointer { src in
                for i in 0..<n { for j in 0..<f { acc[j] += Double(src[i * f + j]) } }
            }
            mu = acc.map { Float($0 / Double(n)) }
        }
        var sigma: [Float]
        if let std { sigma = try given(std, "std") } else {
            guard n > 0 else { throw DataError("normalize(): can't compute a std of no examples") }
            var acc = [Double](repeating: 0, count: f)
            x.data.withUnsafeBufferPointer { src in
                for i in 0..<n { for j in 0..<f { let d = Double(src[i * f + j]) - Double(mu[j]); acc[j] += d * d } }
            }
            sigma = acc.map { Float(($0 / Double(n)).squareRoot()) }
        }
        for j in 0..<f where sigma[j] == 0 { sigma[j] = 1 }
        let out = [Float](unsafeUninitializedCapacity: n * f) { buf, k in
            x.data.withUnsafeBufferPointer { src in
                for i in 0..<n { for j in 0..<f { buf[i * f + j] = (src[i * f + j] - mu[j]) / sigma[j] } }
            }
            k = n * f
        }
        return Dataset(checked: Tensor(shape: x.shape, data: out), y.copy(), classes, name, imageShape)
    }

    /// Mini-batches of `size` examples (the last may be smaller), in a random
    /// order fixed by `seed` when `shuffle`, else in order.
    public func batches(size: Int, shuffle: Bool = true, seed: UInt64 = 0) throws -> [(x: Tensor, y: Tensor)] {
        guard size >= 1 else { throw DataError("batches(): size must be at least 1, got \(size)") }
        let order = shuffle ? Dataset.permutation(count, seed: seed) : Array(0..<count)
        return stride(from: 0, to: count, by: size).map { start in
            let part = select(Array(order[start..<Swift.min(start + size, count)]))
            return (part.x, part.y)
        }
    }

    /// A dataset with each example's features replaced by `transform(example)`;
    /// every result must have the same shape. Labels and classes are kept; the
    /// image shape is kept when the number of values per example is unchanged.
    public func map(_ transform: (Tensor) throws -> Tensor) throws -> Dataset {
        var rows: [Tensor] = []
        rows.reserveCapacity(count)
        for i in 0..<count { rows.append(try transform(try example(i).x)) }
        return try mapped(rows)
    }

    /// A dataset whose examples are `rows` (one per example, equal shapes).
    public func mapped(_ rows: [Tensor]) throws -> Dataset {
        guard rows.count == count else { throw DataError("map(): got \(rows.count) results for \(count) examples") }
        guard let first = rows.first else { return self }
        var data: [Float] = []
        data.reserveCapacity(rows.count * first.count)
        for (i, r) in rows.enumerated() {
            guard r.shape == first.shape else {
                throw DataError("map(): example \(i) became shape \(Dataset.shapeText(r.shape)) but example 0 became \(Dataset.shapeText(first.shape)); every result must have the same shape")
            }
            data += r.data
        }
        let keepImage = imageShape.flatMap { $0.reduce(1, *) == first.count ? $0 : nil }
        return Dataset(checked: Tensor(shape: [count] + first.shape, data: data), y.copy(), classes, name, keepImage)
    }

    // MARK: - Helpers

    /// A Fisher–Yates permutation of `0..<n` from `seed`.
    public static func permutation(_ n: Int, seed: UInt64) -> [Int] {
        var rng = RandomSource(seed: seed)
        return permutation(n, &rng)
    }

    static func permutation(_ n: Int, _ rng: inout RandomSource) -> [Int] {
        var p = Array(0..<n)
        if n < 2 { return p }
        for i in stride(from: n - 1, to: 0, by: -1) {
            p.swapAt(i, rng.nextInt(below: i + 1))
        }
        return p
    }

    static func shapeText(_ shape: [Int]) -> String {
        "[" + shape.map(String.init).joined(separator: ", ") + "]"
    }

    static func numberText(_ x: Float) -> String {
        x == x.rounded() && abs(x) < 1e9 ? String(Int(x)) : "\(x)"
    }
}

extension Dataset: CustomStringConvertible {}
