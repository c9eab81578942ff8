import OrderedCollections
import TxData
import TxTensor

extension Builtins {
    /// Datasets and data files: `digits()`, `dataset(...)`, `.npy` reading and writing.
    static let data: [Builtin] = [
        Builtin("digits()", "The 1797 8×8 handwritten digits (UCI optdigits, as in scikit-learn; CC BY 4.0): x is [1797, 64] with pixels 0–16, y the labels 0–9. Embedded, so it works offline.",
                example: "ds = digits()   # Dataset digits: 1797 × [64] (8×8 images), 10 classes") { _ in
            .object(DatasetObject(try Dataset.digits()))
        },
        Builtin("dataset(x, y, classes = nil, name = nil)", "A dataset from examples x ([N, …]) and labels y ([N]); classes names labels 0, 1, … (default: \"0\", \"1\", … from whole-number labels).",
                example: #"dataset(randn(6, 2, seed: 0), [0, 1, 0, 1, 0, 1], classes: ["cat", "dog"])"#) { a in
            let classes = try a.optional("classes").map { v in try items(v).map(\.printed) }
            let name = try a.optional("name").map { _ in try a.string("name") } ?? ""
            return .object(DatasetObject(try Dataset(x: try a.tensor("x"), y: try a.tensor("y").flattenedLabels(),
                                                     classes: classes, name: name)))
        },
        Builtin("read_npy(path)", "Reads a NumPy .npy file (float, int, uint or bool; either byte order; C or Fortran order) as a Float32 tensor.",
                example: #"write_npy("/tmp/tx-example.npy", eye(2)); read_npy("/tmp/tx-example.npy")"#) { a in
            .tensor(try readNpy(try a.string("path")))
        },
        Builtin("write_npy(path, t)", "Writes a tensor as a NumPy .npy file (float32), atomically.",
                example: #"write_npy("/tmp/tx-example.npy", arange(6).reshape(2, 3))"#) { a in
            try writeNpy(try a.string("path"), try a.tensor("t"))
            return .nil
        },
        Builtin("read_idx(images, labels, classes = nil)", "A dataset from MNIST-style IDX files (MNIST, Fashion-MNIST, KMNIST), plain or .gz: x is [N, rows, cols] with pixels scaled to [0, 1], y the labels.",
                example: #"write_npy("/tmp/tx-example.npy", eye(2)); try { read_idx("/tmp/tx-example.npy", "/tmp/tx-example.npy") } catch e { print(e.message) }"#) { a in
            let classes = try a.optional("classes").map { v in try items(v).map(\.printed) }
            return .object(DatasetObject(try readIDX(images: try a.string("images"), labels: try a.string("labels"), classes: classes)))
        },
        Builtin("fashion_mnist(split = \"train\")", "Fashion-MNIST (60,000 train or 10,000 test 28×28 images, 10 named classes) from $TX_DATA or /usr/share/datasets/fashion-mnist (Debian: apt-get install dataset-fashion-mnist).",
                example: #"try { fashion_mnist("test") } catch e { print(e.message) }"#) { a in
            .object(DatasetObject(try Dataset.fashionMNIST(split: try a.string("split"))))
        },
        Builtin("read_cifar(path, split = \"train\", label = \"fine\")", "CIFAR-10/100 binary batches (a .bin file or a folder: data_batch_*.bin / train.bin, or test with split: \"test\"): x is [N, 3, 32, 32] in [0, 1] (channels first); label picks CIFAR-100's fine or coarse labels.",
                example: #"try { read_cifar("/tmp/no-such-cifar") } catch e { print(e.message) }"#) { a in
            let label = try a.string("label")
            guard let which = CIFARLabel(rawValue: label) else {
                throw TxError.runtime("read_cifar(): label must be \"fine\" or \"coarse\", got \"\(label)\"")
            }
            return .object(DatasetObject(try readCIFAR(try a.string("path"), split: try a.string("split"), label: which)))
        },
        Builtin("read_npz(path)", "Reads a NumPy .npz archive (np.savez or np.savez_compressed) as a dict of tensors, in archive order.",
                example: #"write_npz("/tmp/tx-example.npz", {w: eye(2)}); read_npz("/tmp/tx-example.npz")"#) { a in
            var entries = OrderedDictionary<String, Value>()
            for (name, t) in try readNPZEntries(try a.string("path")) { entries[name] = .tensor(t) }
            return .dict(DictObject(entries))
        },
        Builtin("write_npz(path, dict, compressed = true)", "Writes a dict of tensors as a NumPy .npz archive (float32 members, deflated unless compressed: false), atomically.",
                example: #"write_npz("/tmp/tx-example.npz", {w: eye(2), b: [1, 2]})"#) { a in
            guard case .dict(let d) = a["dict"] else { throw a.fail("dict", "a dict of tensors", a["dict"]) }
            var entries: [(name: String, tensor: Tensor)] = []
            for (name, v) in d.entries {
                do { entries.append((name, try toTensor(v))) } catch {
                    throw TxError.runtime("write_npz(): '\(name)' must be a tensor or numbers, got \(v.typeName)")
                }
            }
            try writeNPZ(try a.string("path"), entries, compressed: try a.bool("compressed"))
            return .nil
        },
        Builtin("read_images(dir, size = nil, channels = 3, skip_bad = false, resize = \"bilinear\")", "A dataset from a folder with one sub-folder per class (PNG/JPEG; classes and files in sorted order): x is [N, channels, H, W] in [0, 1]; size (n or [h, w]) resizes (\"bilinear\" or \"area\"); alpha is composited on black; channels 1 is luminance; skip_bad skips unreadable files with a warning.",
                example: #"img = shapes(2, size: 8).x; write_png("/tmp/tx-ex-imgs/a/0.png", img[0]); read_images("/tmp/tx-ex-imgs")"#) { a in
            var size: (height: Int, width: Int)?
            if let v = a.optional("size") {
                let given: [Double]
                if case .number(let x) = v { given = [x] } else { given = try numbers(v, "read_images") }
                let dims = try given.map { x -> Int in
                    guard let n = exactInt(x) else { throw TxError.runtime("read_images(): size must be whole numbers, got \(formatNumber(x))") }
                    return n
                }
                guard dims.count == 1 || dims.count == 2 else {
                    throw TxError.runtime("read_images(): size must be a number or [height, width], got \(dims.count) numbers")
                }
                size = (dims[0], dims.count == 2 ? dims[1] : dims[0])
            }
            let method = try a.string("resize")
            guard let resize = ResizeMethod(rawValue: method) else {
                throw TxError.runtime("read_images(): resize must be \"bilinear\" or \"area\", got \"\(method)\"")
            }
            return .object(DatasetObject(try readImages(try a.string("dir"), size: size, channels: try a.int("channels"),
                                                        skipBad: try a.bool("skip_bad"), resize: resize)))
        },
        Builtin("write_png(path, image)", "Writes an image tensor ([H, W], [1, H, W] or [3, H, W], values in [0, 1]) as an 8-bit PNG, atomically, creating missing folders.",
                example: #"write_png("/tmp/tx-example.png", shapes(1, size: 16).x[0])"#) { a in
            try writePNG(try a.string("path"), try a.tensor("image"))
            return .nil
        },
        Builtin("shapes(n, seed = 0, size = 32, task = \"shape\")", "A procedural image dataset for offline transfer experiments: n images [n, 3, size, size] of 1–4 anti-aliased objects (circle/square/triangle/cross/ring; 6 colours; plain/stripes/dots/checker) on varied backgrounds; task (\"shape\", \"color\", \"texture\", \"count\") picks the labels of the same images.",
                example: #"shapes(100, seed: 1, task: "color")   # Dataset shapes color: 100 × [3, 32, 32] (3×32×32 images), 6 classes"#) { a in
            let task = try a.string("task")
            guard let which = ShapesTask(rawValue: task) else {
                throw TxError.runtime("shapes(): task must be one of \(ShapesTask.allCases.map { "\"\($0.rawValue)\"" }.joined(separator: ", ")), got \"\(task)\"")
            }
            return .object(DatasetObject(try shapes(n: try a.int("n"), seed: try dataSeed(a), size: try a.int("size"), task: which)))
        },
    ]

    /// Properties and methods of datasets: `ds.x`, `ds.split(0.8)`, …
    static let datasetMethods: [Builtin] = [
        Builtin("x", "The examples, a tensor [N, …].", example: "digits().x.shape   # [1797, 64]", receiver: "dataset") { a in
            .tensor(try datasetReceiver(a).x)
        },
        Builtin("y", "The labels, a tensor [N].", example: "digits().y[0:3]   # [0, 1, 2]", receiver: "dataset") { a in
            .tensor(try datasetReceiver(a).y)
        },
        Builtin("classes", "The class names (classes[k] names label k).", example: "digits().classes[9]   # \"9\"", receiver: "dataset") { a in
            .list(ListObject(try datasetReceiver(a).classes.map { .string($0) }))
        },
        Builtin("shape", "The shape of one example.", example: "digits().shape   # [64]", receiver: "dataset") { a in
            .list(ListObject(try datasetReceiver(a).exampleShape.map { .number(Double($0)) }))
        },
        Builtin("name", "The dataset's name (\"\" when it has none).", example: "digits().name   # \"digits\"", receiver: "dataset") { a in
            .string(try datasetReceiver(a).name)
        },
        Builtin("take(n)", "The first n examples.", example: "digits().take(100)", receiver: "dataset") { a in
            .object(DatasetObject(try datasetReceiver(a).take(try a.int("n"))))
        },
        Builtin("shuffle(seed = 0)", "The examples in a random order fixed by seed.", example: "digits().shuffle(seed: 1)",
                receiver: "dataset") { a in
            .object(DatasetObject(try datasetReceiver(a).shuffled(seed: try dataSeed(a))))
        },
        Builtin("split(frac, seed = 0, stratify = false)", "[a, b]: a random frac of the examples and the rest; stratify keeps each class's proportion.",
                example: "train, test = digits().split(0.8, stratify: true)", receiver: "dataset") { a in
            let (first, second) = try datasetReceiver(a).split(try a.number("frac"), seed: try dataSeed(a),
                                                                 stratified: try a.bool("stratify"))
            return .list(ListObject([.object(DatasetObject(first)), .object(DatasetObject(second))]))
        },
        Builtin("filter(labels)", "The examples whose label is one of labels (labels keep their values).",
                example: "digits().filter(labels: [3, 8])", receiver: "dataset") { a in
            let labels = try numbers(a["labels"], "filter").map { x -> Int in
                guard let n = exactInt(x) else { throw TxError.runtime("dataset.filter(): labels must be whole numbers, got \(formatNumber(x))") }
                return n
            }
            return .object(DatasetObject(try datasetReceiver(a).filter(labels: labels)))
        },
        Builtin("normalize(mean = nil, std = nil)", "Standardises each feature to (x - mean) / std; nil statistics come from this data (a constant feature is divided by 1).",
                example: "train, test = digits().split(0.8); test.normalize(train.x.mean(axis: 0), train.x.std(axis: 0))",
                receiver: "dataset") { a in
            let mean = try a.optional("mean").map { _ in try a.tensor("mean") }
            let std = try a.optional("std").map { _ in try a.tensor("std") }
            return .object(DatasetObject(try datasetReceiver(a).normalized(mean: mean, std: std)))
        },
        Builtin("batches(size, shuffle = true, seed = 0)", "A list of [x, y] mini-batches of size examples (the last may be smaller), shuffled by seed.",
                example: "for x, y in digits().batches(256) { print(x.shape) }", receiver: "dataset") { a in
            let parts = try datasetReceiver(a).batches(size: try a.int("size"), shuffle: try a.bool("shuffle"), seed: try dataSeed(a))
            return .list(ListObject(parts.map { .list(ListObject([.tensor($0.x), .tensor($0.y)])) }))
        },
        Builtin("map(f)", "A dataset with each example x replaced by f(x) (results must share one shape); labels are kept.",
                example: "digits().take(3).map(x -> x.reshape(8, 8) / 16).x.shape   # [3, 8, 8]", receiver: "dataset") { a in
            let ds = try datasetReceiver(a)
            let f = try a.function("f")
            var rows: [Tensor] = []
            rows.reserveCapacity(ds.count)
            for i in 0..<ds.count {
                let result = try f.call(a.interp, [exampleValue(try ds.example(i).x)], [])
                do { rows.append(try toTensor(result)) } catch {
                    throw TxError.runtime("dataset.map(): f must return a tensor or a number, got \(result.typeName)")
                }
            }
            return .object(DatasetObject(try ds.mapped(rows)))
        },
    ]
}

/// A dataset as a tx value: `len(ds)`, `ds[i]` → `[x, y]`, `for x, y in ds`,
/// members and methods from `Builtins.datasetMethods`.
final class DatasetObject: NativeObject, SizedObject, IndexableObject, IterableObject {
    let dataset: Dataset
    init(_ dataset: Dataset) { self.dataset = dataset }

    var typeName: String { "dataset" }
    var display: String { dataset.description }
    var count: Int { dataset.count }
    var memberNames: [String] { ["x", "y", "classes", "shape", "name"] }

    /// Properties and methods come from the method table (`Builtins.method(for:)`).
    func member(_ name: String, _ interp: Interpreter) throws -> Value? { nil }

    /// `ds[i]` → `[x_i, y_i]` (negative i counts from the end); `ds[indices]`
    /// (a list, range or tensor of indices) → a dataset of those examples.
    func element(_ index: Value) throws -> Value {
        switch index {
        case .number(let x):
            guard let i = exactInt(x) else { throw TxError.runtime("a dataset index must be a whole number, got \(formatNumber(x))") }
            return pair(try dataset.example(i))
        case .list, .range, .tensor:
            let indices = try numbers(index, "dataset indexing").map {
                try resolveIndex(.number($0), count: dataset.count, what: "dataset")
            }
            return .object(DatasetObject(dataset.select(indices)))
        default:
            throw TxError.runtime("a dataset is indexed by a number or a list of numbers, got \(index.typeName)")
        }
    }

    func makeIterator() throws -> AnyIterator<Value> {
        var i = 0
        let ds = dataset
        return AnyIterator {
            guard i < ds.count, let example = try? ds.example(i) else { return nil }
            i += 1
            return self.pair(example)
        }
    }

    private func pair(_ example: (x: Tensor, y: Float)) -> Value {
        .list(ListObject([exampleValue(example.x), .number(Double(example.y))]))
    }
}

/// One example's features: a tensor, or a number when examples are scalars.
private func exampleValue(_ x: Tensor) -> Value {
    x.ndim == 0 ? .number(widen(x.data[0])) : .tensor(x)
}

private func datasetReceiver(_ a: Arguments) throws -> Dataset {
    guard case .object(let o as DatasetObject)? = a.receiver else { throw TxError.runtime("expected a dataset receiver") }
    return o.dataset
}

private func dataSeed(_ a: Arguments) throws -> UInt64 {
    let s = try a.int("seed")
    guard s >= 0 else { throw TxError.runtime("seed must be ≥ 0, got \(s)") }
    return UInt64(s)
}

private extension Tensor {
    /// Labels given as [N, 1] (a column) become [N].
    func flattenedLabels() throws -> Tensor {
        ndim == 2 && shape[1] == 1 ? try reshaped([shape[0]]) : self
    }
}
