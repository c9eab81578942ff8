import Foundation
import Testing
import TxTensor
@testable import TxData

@Suite("safetensors files")
struct SafetensorsTests {
    private static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures").path

    /// A file from a header (JSON text, written as is) and data bytes.
    private func file(_ header: String, _ data: [UInt8] = [], declaredLength: UInt64? = nil) -> [UInt8] {
        file(Array(header.utf8), data, declaredLength: declaredLength)
    }

    private func file(_ h: [UInt8], _ data: [UInt8] = [], declaredLength: UInt64? = nil) -> [UInt8] {
        var out: [UInt8] = []
        withUnsafeBytes(of: (declaredLength ?? UInt64(h.count)).littleEndian) { out += $0 }
        return out + h + data
    }

    private func decode(_ bytes: [UInt8]) throws -> SafetensorsContents {
        try bytes.withUnsafeBytes { try Safetensors.decode($0, name: "bad.safetensors") }
    }

    /// Bit patterns, so −0 and +0 differ; every NaN maps to one pattern (PyTorch's payloads vary).
    private func bits(_ t: Tensor) -> [UInt32] { t.data.map { $0.isNaN ? Float.nan.bitPattern : $0.bitPattern } }

    @Test func roundTripKeepsBytesValuesOrderAndMetadata() throws {
        let dir = try makeTempFolder()
        let path = dir + "/w.safetensors"
        let tensors: [(name: String, tensor: Tensor)] = [
            ("conv.weight", Tensor(shape: [2, 1, 2, 3], data: (0..<12).map { Float($0) * 0.25 - 1 })),
            ("a \"quoted\" é/name", Tensor(shape: [3], data: [.nan, -0.0, .infinity])),
            ("scalar", Tensor(scalar: 42)),
            ("empty", Tensor(shape: [0, 5], data: [])),
            ("0.bias", Tensor(shape: [1], data: [Float.leastNonzeroMagnitude])),
        ]
        let metadata = [(key: "format", value: "pt"), (key: "note", value: "line\nbreak\u{1}")]
        try writeSafetensors(path, tensors, metadata: metadata)
        let bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: path)))
        let headerLength = Int(bytes[0]) | Int(bytes[1]) << 8 | Int(bytes[2]) << 16
        #expect(headerLength % 8 == 0)
        #expect((8 + headerLength + 12 * 4 + 3 * 4 + 4 + 4) == bytes.count)
        let header = String(decoding: bytes[8..<8 + headerLength], as: UTF8.self)
        #expect(header.hasPrefix(#"{"__metadata__":{"format":"pt","note":"line\nbreak\u0001"},"conv.weight":{"dtype":"F32","shape":[2,1,2,3],"data_offsets":[0,48]}"#))

        let back = try readSafetensors(path)
        #expect(back.tensors.map(\.name) == tensors.map(\.name))
        #expect(back.tensors.map(\.tensor.shape) == tensors.map(\.tensor.shape))
        for (a, b) in zip(back.tensors, tensors) { #expect(bits(a.tensor) == bits(b.tensor), "\(a.name)") }
        #expect(back.metadata.map(\.key) == ["format", "note"] && back.metadata[1].value == "line\nbreak\u{1}")
        // Writing what was read gives the same bytes; the temporary file is gone.
        try writeSafetensors(path, back.tensors, metadata: back.metadata)
        #expect(try [UInt8](Data(contentsOf: URL(fileURLWithPath: path))) == bytes)
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir) == ["w.safetensors"])
    }

    @Test func writesTheReferenceImplementationsBytes() throws {
        // st_reference.safetensors came from safetensors.numpy.save_file (see the fixture script).
        let a = Tensor(shape: [2, 3], data: (0..<2).flatMap { i in (0..<3).map { j in Float(10 * i + j) + 0.5 } })
        let b = Tensor(shape: [5], data: (0..<5).map { Float(-$0) / 4 })  // +0 first, as NumPy's integer negation gives
        let ours = try Safetensors.encode([("a", a), ("b", b), ("c.scalar", Tensor(scalar: 3))],
                                          metadata: [("format", "np")], name: "x")
        let reference = try [UInt8](Data(contentsOf: URL(fileURLWithPath: Self.fixtures + "/st_reference.safetensors")))
        #expect(ours == reference)
    }

    @Test func readsEveryDtypeAsPyTorchConvertsIt() throws {
        let file = try readSafetensors(Self.fixtures + "/st_dtypes.safetensors")
        let expected = try readNPZ(Self.fixtures + "/st_dtypes_expected.npz")
        #expect(Set(file.tensors.map(\.name)) == Set(expected.keys))
        #expect(file.tensors.map(\.name).prefix(3) == ["i64", "f64", "empty"])  // data order, not name order
        #expect(file.metadata.count == 1 && file.metadata[0] == (key: "purpose", value: "dtype fixtures"))
        for (name, t) in file.tensors {
            let e = try #require(expected[name])
            #expect(t.shape == e.shape, "\(name)")
            #expect(bits(t) == bits(e), "\(name): \(t.data) vs \(e.data)")
        }
        let i64 = try #require(file.tensors.first { $0.name == "i64" }?.tensor)
        #expect(i64.data == [-0x1p63, 5, 0x1p40, 0x1p63])
        let bf16 = try #require(file.tensors.first { $0.name == "bf16" }?.tensor)
        #expect(bf16.data[4] == 65536 && bf16.data[8] == .infinity && bf16.data[10].isNaN)
    }

    @Test func rejectsHeadersThatDoNotFitTheFile() {
        expectDataError("bad.safetensors", "header length alone takes 8") { _ = try decode([1, 0, 0]) }
        expectDataError("header length is 1000 bytes but only 2 bytes follow") {
            _ = try decode(file("{}", declaredLength: 1000))
        }
        expectDataError("header length is 18446744073709551615") { _ = try decode(file("{}", declaredLength: .max)) }
        expectDataError("not valid JSON", "expected") { _ = try decode(file(#"{"a": {"dtype": "F32""#)) }
        expectDataError("not valid JSON") { _ = try decode(file(#"{"a":1,}"#)) }
        expectDataError("does not start with '{'") { _ = try decode(file("[1, 2]")) }
        expectDataError("not valid JSON", "not valid UTF-8") { _ = try decode(file(Array(#"{"a"#.utf8) + [0xFF] + Array(#"":1}"#.utf8))) }
        expectDataError("tensor 'a'", "must be an object") { _ = try decode(file(#"{"a": 3}"#)) }
        expectDataError("tensor 'a'", "no 'data_offsets'") { _ = try decode(file(#"{"a": {"dtype": "F32", "shape": [1]}}"#, [0, 0, 0, 0])) }
        expectDataError("'__metadata__' value for 'n' must be a string") {
            _ = try decode(file(#"{"__metadata__": {"n": 3}}"#))
        }
        expectDataError("lists 'a' twice") {
            _ = try decode(file(#"{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"a":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}"#, [UInt8](repeating: 0, count: 8)))
        }
    }

    @Test func rejectsBadOffsetsShapesAndDtypes() {
        let eight = [UInt8](repeating: 0, count: 8)
        func entry(_ name: String, _ dtype: String = "F32", _ shape: String = "[1]", _ offsets: String) -> String {
            #""\#(name)":{"dtype":"\#(dtype)","shape":\#(shape),"data_offsets":\#(offsets)}"#
        }
        expectDataError("bad.safetensors", "tensor 'b'", "overlaps tensor 'a'") {
            _ = try decode(file("{" + entry("a", "F32", "[2]", "[0,8]") + "," + entry("b", "F32", "[1]", "[4,8]") + "}", eight))
        }
        expectDataError("tensor 'b'", "[4, 12] are out of range", "8 bytes") {
            _ = try decode(file("{" + entry("a", "F32", "[1]", "[0,4]") + "," + entry("b", "F32", "[2]", "[4,12]") + "}", eight))
        }
        expectDataError("tensor 'a'", "[8, 4] end before they begin") {
            _ = try decode(file("{" + entry("a", "F32", "[1]", "[8,4]") + "}", eight))
        }
        expectDataError("bytes 0..<4", "before tensor 'a'", "belong to no tensor") {
            _ = try decode(file("{" + entry("a", "F32", "[1]", "[4,8]") + "}", eight))
        }
        expectDataError("data section has 8 bytes but the tensors cover only 4") {
            _ = try decode(file("{" + entry("a", "F32", "[1]", "[0,4]") + "}", eight))
        }
        expectDataError("tensor 'w'", "unsupported dtype 'Q4'", "BF16") {
            _ = try decode(file("{" + entry("w", "Q4", "[8]", "[0,8]") + "}", eight))
        }
        expectDataError("tensor 'w'", "shape [3] of F32 needs 12 bytes", "hold 8") {
            _ = try decode(file("{" + entry("w", "F32", "[3]", "[0,8]") + "}", eight))
        }
        expectDataError("tensor 'w'", "shape [2] of F16 needs 4 bytes", "hold 8") {
            _ = try decode(file("{" + entry("w", "F16", "[2]", "[0,8]") + "}", eight))
        }
        expectDataError("tensor 'w'", "more bytes than fit in memory") {
            _ = try decode(file("{" + entry("w", "F32", "[4611686018427387904, 4]", "[0,8]") + "}", eight))
        }
        expectDataError("tensor 'w'", "whole numbers ≥ 0", "-2") {
            _ = try decode(file("{" + entry("w", "F32", "[-2]", "[0,8]") + "}", eight))
        }
        expectDataError("tensor 'w'", "whole numbers ≥ 0", "2.0") {
            _ = try decode(file("{" + entry("w", "F32", "[2.0]", "[0,8]") + "}", eight))
        }
        expectDataError("tensor 'w'", "'data_offsets' must be two whole numbers") {
            _ = try decode(file("{" + entry("w", "F32", "[2]", "[0,99999999999999999999]") + "}", eight))
        }
    }

    @Test func rejectsTruncatedAndMissingFiles() throws {
        let dir = try makeTempFolder()
        let good = try Safetensors.encode([("w", Tensor(shape: [4], data: [1, 2, 3, 4]))], name: "x")
        try writeBytes(dir + "/cut.safetensors", Array(good.dropLast(3)))
        expectDataError("cut.safetensors", "tensor 'w'", "out of range") { _ = try readSafetensors(dir + "/cut.safetensors") }
        try writeBytes(dir + "/head.safetensors", Array(good.prefix(20)))
        expectDataError("head.safetensors", "only 12 bytes follow") { _ = try readSafetensors(dir + "/head.safetensors") }
        try writeBytes(dir + "/empty.safetensors", [])
        expectDataError("empty.safetensors", "it has 0 bytes") { _ = try readSafetensors(dir + "/empty.safetensors") }
        expectDataError("nope.safetensors", "No such file") { _ = try readSafetensors(dir + "/nope.safetensors") }
        expectDataError("directory") { _ = try readSafetensors(dir) }
    }

    @Test func writerRejectsBadNames() throws {
        let dir = try makeTempFolder()
        let t = Tensor(shape: [1], data: [1])
        expectDataError("w.safetensors", "'a' appears twice") { try writeSafetensors(dir + "/w.safetensors", [("a", t), ("a", t)]) }
        expectDataError("reserved") { try writeSafetensors(dir + "/w.safetensors", [("__metadata__", t)]) }
        expectDataError("empty") { try writeSafetensors(dir + "/w.safetensors", [("", t)]) }
        expectDataError("metadata key 'k' appears twice") {
            try writeSafetensors(dir + "/w.safetensors", [("a", t)], metadata: [("k", "1"), ("k", "2")])
        }
        expectDataError("directory") { try writeSafetensors(dir, [("a", t)]) }
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir).isEmpty)
    }
}
