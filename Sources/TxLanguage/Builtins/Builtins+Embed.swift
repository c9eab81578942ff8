import CSupport
import TxEmbed
import TxTensor
#if canImport(Glibc)
import Glibc
#endif

extension Builtins {
    /// t-SNE and embedding quality measures (TxEmbed).
    static let embedding: [Builtin] = [
        Builtin("tsne(x, dims = 2, perplexity = 30, iters = 1000, early_exaggeration = 12, early_iters = 250, lr = \"auto\", init = \"pca\", method = \"auto\", theta = 0.5, seed = 0, callback = nil, quiet = false, neighbors = \"auto\")",
                "t-SNE embedding of the rows of x → [N, dims]; .kl is the final KL divergence. method: \"exact\", \"bh\" (Barnes–Hut), \"fft\" (FIt-SNE interpolation, 2-D only) or \"auto\" (exact below 1000 points, fft from 10,000 in 2-D, else bh). neighbors (for P): \"exact\" (brute force), \"approx\" (random-projection trees + NN-descent, from the seed) or \"auto\" (approx from \(TSNE.approximateFrom) points). callback(iter, kl, emb) runs every 50 iterations; returning true stops. Ctrl-C stops and returns the embedding reached so far.",
                example: "e = tsne(randn(60, 5, seed: 0), iters: 100, quiet: true); e.shape   # [60, 2]") { a in
            let x = try a.tensor("x")
            guard x.ndim == 2 else { throw TxError.runtime("tsne(): 'x' must be a [N, D] matrix, got shape \(x.shape)") }
            var o = TSNEOptions()
            o.dims = try a.int("dims")
            o.perplexity = try a.number("perplexity")
            o.iterations = try a.int("iters")
            o.earlyExaggeration = try a.number("early_exaggeration")
            o.earlyIterations = try a.int("early_iters")
            o.theta = try a.number("theta")
            guard o.dims >= 1 && o.dims <= 3 else { throw TxError.runtime("tsne(): 'dims' must be 1, 2 or 3, got \(o.dims)") }
            guard o.iterations >= 0 && o.earlyIterations >= 0 else { throw TxError.runtime("tsne(): iteration counts must be ≥ 0") }
            guard o.perplexity > 0 else { throw TxError.runtime("tsne(): 'perplexity' must be positive") }
            guard o.theta >= 0 else { throw TxError.runtime("tsne(): 'theta' must be ≥ 0") }
            switch a["lr"] {
            case .string(let s) where s == "auto": o.learningRate = nil
            case .number(let v) where v > 0 && v.isFinite: o.learningRate = v
            default: throw TxError.runtime("tsne(): 'lr' must be \"auto\" or a positive number")
            }
            switch try a.string("init") {
            case "pca": o.initialization = .pca
            case "random": o.initialization = .random
            case let s: throw TxError.runtime("tsne(): 'init' must be \"pca\" or \"random\", got \"\(s)\"")
            }
            let m = try a.string("method")
            guard let method = TSNEMethod(rawValue: m) else {
                throw TxError.runtime("tsne(): 'method' must be \"auto\", \"exact\", \"bh\" or \"fft\", got \"\(m)\"")
            }
            if method == .fft && o.dims != 2 {
                throw TxError.runtime("tsne(): method \"fft\" embeds into 2 dimensions only, got dims = \(o.dims); use \"bh\" or \"exact\"")
            }
            o.method = method
            let nm = try a.string("neighbors")
            guard let search = TSNENeighbours(rawValue: nm) else {
                throw TxError.runtime("tsne(): 'neighbors' must be \"auto\", \"exact\" or \"approx\", got \"\(nm)\"")
            }
            o.neighbours = search
            let seed = try a.int("seed")
            guard seed >= 0 else { throw TxError.runtime("tsne(): 'seed' must be ≥ 0, got \(seed)") }
            o.seed = UInt64(seed)
            let quiet = try a.bool("quiet")
            var callback: Function? = nil
            if a.optional("callback") != nil { callback = try a.function("callback") }
            let terminal = isatty(2) != 0
            var wroteProgress = false
            let total = o.iterations
            let progress: (Int, Double, Double, Tensor) throws -> Bool = { it, kl, seconds, emb in
                if !quiet {
                    let line = "  t-SNE \(it)/\(total)  KL \(formatFixed(kl, 3))  \(formatFixed(seconds, 1))s"
                    fputs(terminal ? "\r" + line + "\u{1B}[K" : line + "\n", stderr)
                    wroteProgress = true
                }
                if let f = callback {
                    return try a.call(f, .number(Double(it)), .number(kl), .tensor(emb)).isTruthy
                }
                return false
            }
            var interrupted = false
            let result: TSNEResult
            do {
                result = try TSNE.run(x, options: o, progress: progress,
                                      shouldStop: { if tx_interrupt_pending() != 0 { interrupted = true; return true }; return false })
            } catch let e as TSNEError {
                throw TxError.runtime("tsne(): \(e.description)")
            }
            if terminal && wroteProgress { fputs("\n", stderr) }
            if interrupted {
                // Ctrl-C: hand back the embedding reached so far; the script goes on.
                tx_clear_interrupt()
                fputs("  t-SNE interrupted at iteration \(result.iterations); returning the embedding so far\n", stderr)
            }
            let out = result.embedding
            out.attributes = ["kl": Tensor(scalar: Float(result.kl)),
                              "iterations": Tensor(scalar: Float(result.iterations)),
                              // the input rows, for .transform(x_new)
                              "tsne_input": x]
            return .tensor(out)
        },
        Builtin("knn_accuracy(emb, labels, k = 10)",
                "Leave-one-out k-NN accuracy of an embedding: each point's label by majority vote of its k nearest other points (ties → smallest label).",
                example: "knn_accuracy(tensor([[0], [1], [10], [11]]), tensor([0, 0, 1, 1]), k: 1)   # 1") { a in
            do {
                return .number(try EmbeddingQuality.knnAccuracy(try a.tensor("emb"), labels: try a.tensor("labels"), k: try a.int("k")))
            } catch let e as TSNEError { throw TxError.runtime("knn_accuracy(): \(e.description)") }
        },
        Builtin("trustworthiness(x, emb, k = 10)",
                "How well an embedding keeps local neighbourhoods (as sklearn.manifold.trustworthiness, Euclidean): 1 means no false neighbours.",
                example: "x = randn(50, 4, seed: 0); trustworthiness(x, x, k: 5)   # 1") { a in
            do {
                return .number(try EmbeddingQuality.trustworthiness(try a.tensor("x"), try a.tensor("emb"), k: try a.int("k")))
            } catch let e as TSNEError { throw TxError.runtime("trustworthiness(): \(e.description)") }
        },
    ]
}

extension Builtins {
    /// Methods of t-SNE results.
    static let embeddingMethods: [Builtin] = [
        Builtin("transform(x_new, perplexity = 5, iters = 100)",
                "Places new rows into an existing t-SNE map without moving the old points (as openTSNE does): each starts at the affinity-weighted mean of its nearest reference points and is then optimised alone against the fixed map.",
                example: "x = randn(80, 5, seed: 0); e = tsne(x, iters: 100, quiet: true); e.transform(x[0:3]).shape   # [3, 2]",
                receiver: "tensor") { a in
            guard case .tensor(let e)? = a.receiver, let x = e.attributes["tsne_input"] else {
                throw TxError.runtime("transform(): only the result of tsne() can place new points")
            }
            var o = TransformOptions()
            o.perplexity = try a.number("perplexity")
            o.iterations = try a.int("iters")
            guard o.perplexity > 0, o.iterations >= 0 else { throw TxError.runtime("transform(): 'perplexity' must be positive and 'iters' ≥ 0") }
            var xNew = try a.tensor("x_new")
            if xNew.ndim == 1 { xNew = Tensor(shape: [1, xNew.count], data: xNew.data) }
            let placed: Tensor
            do {
                placed = try TSNE.transform(xNew, reference: x, embedding: Tensor(shape: e.shape, data: e.data), options: o)
            } catch let err as TSNEError { throw TxError.runtime("transform(): \(err.description)") }
            return .tensor(placed)
        },
    ]
}

/// `x` with `digits` decimals (no locale).
private func formatFixed(_ x: Double, _ digits: Int) -> String {
    guard x.isFinite else { return "\(x)" }
    var p = 1.0
    for _ in 0..<digits { p *= 10 }
    let r = (x * p).rounded() / p
    var s = "\(r)"
    if let dot = s.firstIndex(of: ".") {
        let decimals = s.distance(from: dot, to: s.endIndex) - 1
        if decimals < digits { s += String(repeating: "0", count: digits - decimals) }
    } else if digits > 0 { s += "." + String(repeating: "0", count: digits) }
    return s
}
