import OrderedCollections
import TxData
import TxLearn
import TxTensor

extension Builtins {
    /// Model weights and `.safetensors` files (TxData's format, TxLearn's names).
    static let weights: [Builtin] = [
        Builtin("save(model, path)", "Writes the model's weights and running statistics to a .safetensors file (F32, atomically) under PyTorch's state_dict names (0.weight, 1.running_mean, …), so torch's load_state_dict reads it.",
                example: #"save(mlp([4, 8, 2]), "mlp.safetensors")"#) { a in
            let m = try weightsModel(a, "save")
            let path = try a.string("path")
            let layers = m.layers.map(\.label).joined(separator: ", ")
            try writeSafetensors(path, m.stateDict,
                                 metadata: [("format", "pt"), ("producer", "tx \(txVersion)"), ("layers", layers)])
            return .nil
        },
        Builtin("load(model, path)", "Loads weights from a .safetensors file (from save(), or PyTorch's save_file(model.state_dict()); F32, F16, BF16, F64 and integer tensors) into model in place and returns it; every tensor must be present with the model's shape, and nothing changes on an error.",
                example: #"m = mlp([4, 8, 2], seed: 1); save(m, "m.safetensors"); load(mlp([4, 8, 2]), "m.safetensors")"#) { a in
            let m = try weightsModel(a, "load")
            let path = try a.string("path")
            let file = try readSafetensors(path)
            do { try m.load(stateDict: file.tensors) } catch let e as LearnError {
                throw TxError.runtime("load(): '\(path)': \(e.message)")
            }
            return a["model"]
        },
        Builtin("read_safetensors(path)", "Reads a .safetensors file as a dict of tensors in file order (every dtype converted to f32), with the header's __metadata__ (a dict of strings) first when present.",
                example: #"write_safetensors("w.safetensors", {w: eye(2)}, metadata: {note: "hi"}); read_safetensors("w.safetensors").__metadata__.note   # "hi""#) { a in
            let file = try readSafetensors(try a.string("path"))
            var entries = OrderedDictionary<String, Value>()
            if !file.metadata.isEmpty {
                var meta = OrderedDictionary<String, Value>()
                for (k, v) in file.metadata { meta[k] = .string(v) }
                entries["__metadata__"] = .dict(DictObject(meta))
            }
            for (name, t) in file.tensors { entries[name] = .tensor(t) }
            return .dict(DictObject(entries))
        },
        Builtin("write_safetensors(path, dict, metadata = nil)", "Writes a dict of tensors as a .safetensors file (F32, in dict order), atomically; metadata (or the dict's __metadata__ entry) is a dict whose values are strings, numbers or bools, stored as strings.",
                example: #"write_safetensors("w.safetensors", {w: eye(2), b: [1, 2]}, metadata: {epochs: 3})"#) { a in
            let path = try a.string("path")
            guard case .dict(let d) = a["dict"] else { throw a.fail("dict", "a dict of tensors", a["dict"]) }
            var tensors: [(name: String, tensor: Tensor)] = []
            var metadataValue = a.optional("metadata")
            for (name, v) in d.entries {
                if name == "__metadata__" {
                    guard metadataValue == nil else {
                        throw TxError.runtime("write_safetensors(): metadata is given twice (the metadata argument and the dict's __metadata__)")
                    }
                    metadataValue = v
                    continue
                }
                do { tensors.append((name, try toTensor(v))) } catch {
                    throw TxError.runtime("write_safetensors(): '\(name)' must be a tensor or numbers, got \(v.typeName)")
                }
            }
            var metadata: [(key: String, value: String)] = []
            if let mv = metadataValue {
                guard case .dict(let md) = mv else {
                    throw TxError.runtime("write_safetensors(): metadata must be a dict of strings, got \(mv.typeName)")
                }
                for (k, v) in md.entries {
                    switch v {
                    case .string(let s): metadata.append((k, s))
                    case .number, .bool: metadata.append((k, v.printed))
                    default:
                        throw TxError.runtime("write_safetensors(): metadata '\(k)' must be a string, number or bool, got \(v.typeName)")
                    }
                }
            }
            try writeSafetensors(path, tensors, metadata: metadata)
            return .nil
        },
    ]
}

private func weightsModel(_ a: Arguments, _ function: String) throws -> Model {
    guard case .object(let o as ModelObject) = a["model"] else {
        throw TxError.runtime("\(function)(): 'model' must be a model, got \(a["model"].typeName)")
    }
    return o.model
}
