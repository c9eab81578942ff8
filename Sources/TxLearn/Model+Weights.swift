import TxTensor

/// Weights in and out of a model under PyTorch's `state_dict()` names
/// (`0.weight`, `1.running_mean`, …: the names of an `nn.Sequential` of the
/// same layers), so a file written by PyTorch loads into the tx model built
/// from the same layers, and the other way round.
///
/// Batch norm without scale: tx's `batchnorm(c, scale: false)` keeps β (as
/// TensorFlow's `scale=False`, the paper's setting) but has no γ, while
/// PyTorch's `BatchNorm2d(affine=False)` has neither. Such a layer saves
/// `bias`, `running_mean` and `running_var` (round trips in tx are exact). On
/// loading, a missing `bias` for it means β = 0 (what PyTorch's affine=False
/// computes), and a `weight` is accepted only when every value is 1 (PyTorch's
/// affine=True with γ fixed at 1) and then dropped; any other γ cannot be
/// represented and is an error.
extension Model {
    /// Every parameter and buffer (running statistics included) as a named
    /// tensor, in `namedParameters` order. The tensors are copies (copy-on-write).
    public var stateDict: [(name: String, tensor: Tensor)] {
        namedParameters.map { ($0.0, $0.1.tensor) }
    }

    /// Replaces every weight with the tensor of the same name.
    ///
    /// All or nothing: every problem is found before any weight changes.
    /// Each model tensor must be present with the model's shape; keys the
    /// model lacks are errors, except PyTorch's `*.num_batches_tracked`
    /// (ignored) and the batch-norm cases in the extension's notes. The
    /// optimiser's momentum is cleared: loaded weights are a fresh start.
    /// - Throws: `LearnError` listing the missing, unexpected and mismatched
    ///   tensors (each with its name and both shapes).
    public func load(stateDict: [(name: String, tensor: Tensor)]) throws {
        let params = namedParameters
        let modelNames = Set(params.map(\.0))
        var given: [String: Tensor] = [:]
        for (name, t) in stateDict {
            guard given.updateValue(t, forKey: name) == nil else { throw LearnError("the weights hold '\(name)' twice") }
        }
        /// "1.bias" → "1.": names under the same layer share this prefix.
        func prefix(_ name: String) -> String {
            guard let dot = name.lastIndex(of: ".") else { return "" }
            return String(name[...dot])
        }
        /// A batch-norm layer without γ: it has running statistics but no weight.
        func isScaleFreeNorm(_ p: String) -> Bool {
            modelNames.contains(p + "running_mean") && !modelNames.contains(p + "weight")
        }

        var problems: [String] = []
        var plan: [(Parameter, [Float])] = []
        for (name, p) in params {
            if let t = given[name] {
                if t.shape == p.shape { plan.append((p, t.data)) } else {
                    problems.append("'\(name)' has shape \(shapeText(p.shape)) in the model but \(shapeText(t.shape)) in the weights")
                }
            } else if prefix(name) + "bias" == name && isScaleFreeNorm(prefix(name)) {
                plan.append((p, [Float](repeating: 0, count: p.count)))  // PyTorch's affine=False: β = 0
            } else {
                problems.append("'\(name)' (shape \(shapeText(p.shape))) is missing from the weights")
            }
        }
        for (name, t) in stateDict where !modelNames.contains(name) {
            let last = name.split(separator: ".").last.map(String.init) ?? name
            if last == "num_batches_tracked" { continue }
            let p = prefix(name)
            if last == "weight" && isScaleFreeNorm(p) {
                if let mean = params.first(where: { $0.0 == p + "running_mean" })?.1,
                   t.shape == mean.shape, t.data.allSatisfy({ $0 == 1 }) { continue }
                problems.append("'\(name)' is a batch-norm scale γ, but the model's layer is batchnorm without scale; only a γ of all ones can be dropped")
                continue
            }
            problems.append("'\(name)' (shape \(shapeText(t.shape))) is not a tensor of this model")
        }
        guard problems.isEmpty else {
            let shown = problems.prefix(8).joined(separator: "; ")
            let more = problems.count > 8 ? "; and \(problems.count - 8) more" : ""
            throw LearnError("the weights don't fit the model: \(shown)\(more)")
        }
        for (p, values) in plan {
            p.value = values
            p.velocity = []
        }
    }
}

private func shapeText(_ shape: [Int]) -> String {
    "[" + shape.map(String.init).joined(separator: ", ") + "]"
}
