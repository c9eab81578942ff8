// Exact vs approximate k nearest neighbours for t-SNE's P (k = 90 = 3·perplexity 30):
// wall time of each search and the approximate search's recall against the exact one.
//   swift run -c release knn-bench X.npy [N ...] [--reuse-exact DIR]
//   (each N: the first N rows; float32/float64 .npy)
import Foundation
import TxEmbed
import TxTensor

/// Reads a C-order 2-D float32 or float64 .npy file.
func readNpy(_ path: String) throws -> Tensor {
    let data = try Data(contentsOf: URL(fileURLWithPath: path))
    let bytes = [UInt8](data)
    guard bytes.count > 10, bytes[0] == 0x93 else { throw NSError(domain: "knn-bench: \(path) is not a .npy file", code: 1) }
    let major = bytes[6]
    let headerLen = major == 1 ? Int(bytes[8]) | Int(bytes[9]) << 8
        : Int(bytes[8]) | Int(bytes[9]) << 8 | Int(bytes[10]) << 16 | Int(bytes[11]) << 24
    let start = major == 1 ? 10 : 12
    let header = String(decoding: bytes[start..<(start + headerLen)], as: UTF8.self)
    let shapeText = header.components(separatedBy: "'shape': (")[1].components(separatedBy: ")")[0]
    let shape = shapeText.split(separator: ",").compactMap { Int($0.trimmingCharacters(in: .whitespaces)) }
    let body = bytes[(start + headerLen)...]
    let count = shape.reduce(1, *)
    var values = [Float](repeating: 0, count: count)
    body.withUnsafeBytes { raw in
        if header.contains("<f8") { for i in 0..<count { values[i] = Float(raw.loadUnaligned(fromByteOffset: i * 8, as: Double.self)) } }
        else { for i in 0..<count { values[i] = raw.loadUnaligned(fromByteOffset: i * 4, as: Float.self) } }
    }
    return Tensor(shape: shape, data: values)
}

func seconds(_ body: () throws -> Void) rethrows -> Double {
    let t = Date(); try body(); return Date().timeIntervalSince(t)
}

let args = CommandLine.arguments
guard args.count > 1 else { print("usage: knn-bench X.npy [N ...]"); exit(2) }
let x = try readNpy(args[1])
let numbers = args.dropFirst(2).filter { !$0.hasPrefix("--") }.compactMap { Int($0) }
let sizes = numbers.isEmpty ? [x.shape[0]] : numbers
let k = 90
print("N\tD\texact_s\tapprox_s\tratio\trecall\tsame_seed_identical")
for n in sizes {
    guard n >= 92 && n <= x.shape[0] else { print("skipping N = \(n): the file has \(x.shape[0]) rows (k = 90 needs N > 91)"); continue }
    let d = x.shape[1]
    let sub = Tensor(shape: [n, d], data: Array(x.data[0..<(n * d)]))
    var exact: (indices: [Int], distances: [Double]) = ([], [])
    var approx: (indices: [Int], distances: [Double]) = ([], [])
    var te = Double.nan
    // --reuse-exact DIR: keep the exact answer between runs (for tuning the approximate search)
    let cache = args.firstIndex(of: "--reuse-exact").map { args[$0 + 1] + "/exact-\(URL(fileURLWithPath: args[1]).deletingPathExtension().lastPathComponent)-\(n).bin" }
    if let cache, let data = FileManager.default.contents(atPath: cache) {
        exact.indices = data.withUnsafeBytes { Array($0.bindMemory(to: Int.self)) }
    } else {
        te = try seconds { exact = try TSNE.nearestNeighbours(sub, k: k, search: .exact) }
        if let cache { try exact.indices.withUnsafeBytes { try Data($0).write(to: URL(fileURLWithPath: cache)) } }
    }
    let ta = try seconds { approx = try TSNE.nearestNeighbours(sub, k: k, search: .approx, seed: 0) }
    var hits = 0
    for i in 0..<n {
        let truth = Set(exact.indices[(i * k)..<((i + 1) * k)])
        for m in 0..<k where truth.contains(approx.indices[i * k + m]) { hits += 1 }
    }
    let again = try TSNE.nearestNeighbours(sub, k: k, search: .approx, seed: 0)
    let recall = Double(hits) / Double(n * k)
    print("\(n)\t\(d)\t\(String(format: "%.2f", te))\t\(String(format: "%.2f", ta))\t\(String(format: "%.2f", ta / te))\t\(String(format: "%.4f", recall))\t\(again.indices == approx.indices)")
}
