import Foundation
import Testing
import TxTensor
@testable import TxData

enum Fixtures {
    static let directory: String = {
        var url = URL(fileURLWithPath: #filePath)
        url.deleteLastPathComponent()
        return url.path + "/Fixtures/"
    }()
    static func read(_ name: String) throws -> Tensor { try readNpy(directory + name) }
}

/// A .npy file's bytes with the given header text (padded as NumPy pads it).
func npy(_ header: String, data: [UInt8], version: UInt8 = 1, pad: Bool = true) -> [UInt8] {
    var h = Array(header.utf8)
    let prefix = version == 1 ? 10 : 12
    if pad {
        let total = (prefix + h.count + 1 + 63) / 64 * 64
        h += [UInt8](repeating: 0x20, count: total - prefix - h.count - 1) + [0x0A]
    }
    var out: [UInt8] = [0x93] + Array("NUMPY".utf8) + [version, 0]
    let n = h.count
    out += version == 1 ? [UInt8(n & 0xFF), UInt8(n >> 8)] : [UInt8(n & 0xFF), UInt8(n >> 8), 0, 0]
    return out + h + data
}

/// Little-endian float32 bytes.
func f32(_ xs: [Float]) -> [UInt8] {
    xs.flatMap { x in (0..<4).map { UInt8(truncatingIfNeeded: x.bitPattern >> (8 * $0)) } }
}

func expectError(_ bytes: [UInt8], _ fragment: String, sourceLocation: SourceLocation = #_sourceLocation) {
    do {
        let t = try NumPy.decode(bytes, name: "bad.npy")
        Issue.record("expected an error containing \(fragment), got a tensor of shape \(t.shape)", sourceLocation: sourceLocation)
    } catch let e as DataError {
        #expect(e.message.hasPrefix("can't read 'bad.npy': "), sourceLocation: sourceLocation)
        #expect(e.message.contains(fragment), "\(e.message)", sourceLocation: sourceLocation)
    } catch {
        Issue.record("unexpected error \(error)", sourceLocation: sourceLocation)
    }
    // The same bytes as a file go through readNpy's streaming reader: same message.
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("txdata-bad-\(UUID().uuidString.prefix(8)).npy").path
    defer { try? FileManager.default.removeItem(atPath: path) }
    do {
        try writeBytes(path, bytes)
        let t = try readNpy(path)
        Issue.record("readNpy: expected an error containing \(fragment), got a tensor of shape \(t.shape)", sourceLocation: sourceLocation)
    } catch let e as DataError {
        #expect(e.message.hasPrefix("can't read '\(path)': "), sourceLocation: sourceLocation)
        #expect(e.message.contains(fragment), "readNpy: \(e.message)", sourceLocation: sourceLocation)
    } catch {
        Issue.record("readNpy: unexpected error \(error)", sourceLocation: sourceLocation)
    }
}

@Suite("NumPy .npy files")
struct NumPyTests {
    /// a[i, j] = 10 i + j + offset on shape [3, 4]: transposing would change it.
    static func grid(_ offset: Float) -> [Float] {
        (0..<3).flatMap { i in (0..<4).map { j in Float(10 * i + j) + offset } }
    }

    @Test func readsNumPysFilesOfEveryDtypeAndOrder() throws {
        let c = try Fixtures.read("f4_c.npy")
        #expect(c.shape == [3, 4] && c.data == Self.grid(0.5))
        let f = try Fixtures.read("f8_big_fortran.npy")
        #expect(f.shape == [3, 4] && f.data == Self.grid(0.25))
        let f3 = try Fixtures.read("i4_fortran_3d.npy")
        #expect(f3.shape == [2, 3, 4])
        var expected3: [Float] = []
        for i in 0..<2 { for j in 0..<3 { for k in 0..<4 { expected3.append(Float(100 * i + 10 * j + k)) } } }
        #expect(f3.data == expected3)
        #expect(try Fixtures.read("i1.npy").data == [-128, -1, 0, 127])
        #expect(try Fixtures.read("i2_big.npy").data == [-300, 1, 32767])
        #expect(try Fixtures.read("i8.npy").data == [-5, 1_099_511_627_776])
        let u1 = try Fixtures.read("u1.npy")
        #expect(u1.shape == [1, 3] && u1.data == [0, 255, 7])
        #expect(try Fixtures.read("u2_big.npy").data == [65535, 256])
        #expect(try Fixtures.read("u4.npy").data == [4_000_000_000, 3])
        #expect(try Fixtures.read("u8_big.npy").data == [1, 9_007_199_254_740_992])
        #expect(try Fixtures.read("b1.npy").data == [1, 0, 1])
        #expect(try Fixtures.read("f2.npy").data == [0.5, -2, 65504])
        let s = try Fixtures.read("scalar.npy")
        #expect(s.shape == [] && s.data == [3.5])
        let e = try Fixtures.read("empty.npy")
        #expect(e.shape == [0, 3] && e.data.isEmpty)
        #expect(try Fixtures.read("v2.npy").data == Self.grid(0.5))
        let v3 = try Fixtures.read("v3_big_fortran.npy")
        #expect(v3.shape == [3, 4] && v3.data == Self.grid(0))
    }

    @Test func readsTheDigitsFileLikeTheEmbeddedSet() throws {
        let path = Fixtures.directory + "../../../../shared/peers/data/digits_X.npy"
        guard FileManager.default.fileExists(atPath: path) else { return }
        let x = try readNpy(path)
        #expect(x.shape == [1797, 64])
        #expect(x.data == (try Dataset.digits()).x.data)
    }

    @Test func writeThenReadRoundTrips() throws {
        let dir = NSTemporaryDirectory() + "tx-npy-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let cases: [Tensor] = [
            Tensor(shape: [3, 4], data: Self.grid(0.5)),
            Tensor(shape: [2, 3, 1], data: [1, -2, 3.25, .infinity, -0.0, 1e-30]),
            Tensor(shape: [5], data: [1, 2, 3, 4, 5]),
            Tensor(scalar: 7),
            Tensor(shape: [0, 2], data: []),
        ]
        for (k, t) in cases.enumerated() {
            let path = dir + "/t\(k).npy"
            try writeNpy(path, t)
            let back = try readNpy(path)
            #expect(back.shape == t.shape)
            #expect(back.data.map(\.bitPattern) == t.data.map(\.bitPattern))
            let bytes = try NumPy.readFile(path)
            #expect(bytes.count % 64 == (t.count * 4) % 64, "data starts 64-byte aligned")
            #expect(String(decoding: bytes[10..<60], as: UTF8.self).hasPrefix("{'descr': '<f4', 'fortran_order': False, 'shape': "))
        }
        // Exactly what NumPy writes for the same array.
        #expect(try NumPy.readFile(dir + "/t0.npy") == NumPy.readFile(Fixtures.directory + "f4_c.npy"))
        // Overwriting replaces the file and leaves no temporary behind.
        try writeNpy(dir + "/t0.npy", Tensor(scalar: 1))
        #expect(try readNpy(dir + "/t0.npy").data == [1])
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir).sorted() == (0..<5).map { "t\($0).npy" })
        #expect(throws: DataError.self) { try writeNpy(dir + "/missing/x.npy", Tensor(scalar: 1)) }
        #expect(throws: DataError("can't write '\(dir)': it is a directory")) { try writeNpy(dir, Tensor(scalar: 1)) }
    }

    @Test func rejectsMalformedFiles() {
        let good = "{'descr': '<f4', 'fortran_order': False, 'shape': (2,), }"
        #expect(throws: Never.self) { try NumPy.decode(npy(good, data: f32([1, 2])), name: "ok.npy") }
        expectError(Array("PK\u{3}\u{4}not numpy".utf8), "not a .npy file")
        expectError([], "not a .npy file")
        expectError(Array(npy(good, data: f32([1, 2])).prefix(9)), "not a .npy file")
        var wrongVersion = npy(good, data: f32([1, 2]))
        wrongVersion[6] = 4
        expectError(wrongVersion, "unsupported .npy format version 4.0")
        expectError(npy(good, data: f32([1])), "truncated: shape (2,) of '<f4' needs 8 bytes of data but only 4 follow the header")
        expectError(npy(good, data: f32([1, 2, 3])), "needs 8 bytes of data but 12 follow the header (4 extra)")
        var long = npy(good, data: [])
        long[8] = 0xFF; long[9] = 0x7F
        expectError(long, "its header is 32767 bytes long but the file has only 118 bytes after the header length")
        expectError(npy("{'descr': '<c8', 'fortran_order': False, 'shape': (2,), }", data: f32([1, 2, 3, 4])),
                    "unsupported dtype '<c8'")
        expectError(npy("{'descr': '<U3', 'fortran_order': False, 'shape': (1,), }", data: [0, 0, 0]), "unsupported dtype '<U3'")
        expectError(npy("{'descr': '|O', 'fortran_order': False, 'shape': (1,), }", data: [0, 0, 0, 0, 0, 0, 0, 0]),
                    "unsupported dtype '|O'")
        expectError(npy("{'descr': [('a', '<f4')], 'fortran_order': False, 'shape': (1,), }", data: f32([1])), "structured")
        expectError(npy("{'descr': '<f4', 'shape': (2,), }", data: f32([1, 2])), "no 'fortran_order' entry")
        expectError(npy("{'descr': '<f4', 'fortran_order': False, 'shape': (-2,), }", data: []), "whole numbers ≥ 0")
        expectError(npy("{'descr': '<f4', 'fortran_order': 0, 'shape': (2,), }", data: f32([1, 2])), "'fortran_order' is not True or False")
        expectError(npy("{'descr': __import__('os').system('true'), 'fortran_order': False, 'shape': (2,), }", data: f32([1, 2])),
                    "unexpected name '__import__'")
        expectError(npy("{'descr': '<f4', 'fortran_order': False, 'shape': (2,) ", data: f32([1, 2])), "bad header")
        expectError(npy("[1, 2]", data: []), "the header is not a dict")
        expectError(npy("{'descr': '<f4', 'fortran_order': False, 'shape': (99999999999, 99999999999), }", data: []),
                    "too large")
        expectError(npy("{'descr': '<f4', 'fortran_order': False, 'shape': (99999999999999999999,), }", data: []),
                    "bad or too large integer")
        expectError(npy(String(repeating: "(", count: 100), data: []), "nested too deeply")
    }

    @Test func headersAreParsedAsData() throws {
        var p = PyLiteralParser(Array("{\"a\": (1, 2L), 'b': [True, None, 'x\\'y'], 'c': (3), 'd': (), }".utf8))
        #expect(try p.parseDocument() == .dict([("a", .tuple([.int(1), .int(2)])),
                                                ("b", .list([.bool(true), .none, .string("x'y")])),
                                                ("c", .int(3)), ("d", .tuple([]))]))
        // Version 2.0 headers, headers without padding and with the keys in any order.
        let t = try NumPy.decode(npy("{'shape': (1, 2), 'fortran_order': True, 'descr': '>f4'}", data: [0x3F, 0x80, 0, 0, 0x40, 0, 0, 0],
                                     version: 2, pad: false), name: "x.npy")
        #expect(t.shape == [1, 2] && t.data == [1, 2])
    }

    @Test func missingFilesAndDirectoriesAreNamed() {
        #expect(throws: DataError("can't read '/nonexistent/x.npy': No such file or directory")) { try readNpy("/nonexistent/x.npy") }
        #expect(throws: DataError("can't read '/tmp': it is a directory")) { try readNpy("/tmp") }
        #expect(throws: DataError("empty file path")) { try readNpy("") }
    }
}
