import Foundation
import Testing
import TxTensor
@testable import TxData

@Suite("NumPy .npz archives")
struct NPZTests {
    @Test func readsAHandBuiltStoredArchive() throws {
        let dir = try makeTempFolder()
        // As np.savez writes: stored members named "<key>.npy"; [2, 3] so a transpose shows.
        let a = npy("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }", data: f32([0, 1, 2, 10, 11, 12]))
        let b = npy("{'descr': '|u1', 'fortran_order': False, 'shape': (3,), }", data: [255, 0, 7])
        try writeBytes(dir + "/s.npz", zipStored([("a.npy", a), ("b.npy", b)]))
        let entries = try readNPZEntries(dir + "/s.npz")
        #expect(entries.map(\.name) == ["a", "b"])
        #expect(entries[0].tensor.shape == [2, 3] && entries[0].tensor.data == [0, 1, 2, 10, 11, 12])
        #expect(try readNPZ(dir + "/s.npz")["b"]?.data == [255, 0, 7])
    }

    @Test func writesStoredAndDeflatedArchivesAtomically() throws {
        let dir = try makeTempFolder()
        let x = Tensor(shape: [3, 4], data: (0..<12).map { Float($0) * 1.5 })
        let y = Tensor(shape: [1000], data: [Float](repeating: 2, count: 1000))
        for compressed in [true, false] {
            let path = dir + "/w\(compressed).npz"
            try writeNPZ(path, [("x", x), ("labels", y)], compressed: compressed)
            let back = try readNPZEntries(path)
            #expect(back.map(\.name) == ["x", "labels"])
            #expect(back[0].tensor.shape == [3, 4] && back[0].tensor.data == x.data)
            #expect(back[1].tensor.data == y.data)
        }
        let sizeDeflated = try FileManager.default.attributesOfItem(atPath: dir + "/wtrue.npz")[.size] as! Int
        let sizeStored = try FileManager.default.attributesOfItem(atPath: dir + "/wfalse.npz")[.size] as! Int
        #expect(sizeDeflated < sizeStored)
        // Overwrite in place; no temporary file left behind.
        try writeNPZ(dir + "/wtrue.npz", ["only": x])
        #expect(try readNPZ(dir + "/wtrue.npz").keys.sorted() == ["only"])
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir).sorted() == ["wfalse.npz", "wtrue.npz"])
        expectDataError("appears twice") { try writeNPZ(dir + "/d.npz", [("a", x), ("a", x)]) }
        expectDataError("directory") { try writeNPZ(dir, ["a": x]) }
    }

    @Test func rejectsBadArchives() throws {
        let dir = try makeTempFolder()
        try writeBytes(dir + "/not.npz", Array("hello, not a zip".utf8))
        expectDataError("can't read '\(dir)/not.npz': not a .npz file (it is not a ZIP archive)") { _ = try readNPZ(dir + "/not.npz") }
        try writeBytes(dir + "/empty.npz", [])
        expectDataError("'\(dir)/empty.npz'", "not a ZIP archive") { _ = try readNPZ(dir + "/empty.npz") }
        let bad = npy("{'descr': '<c8', 'fortran_order': False, 'shape': (1,), }", data: [0, 0, 0, 0, 0, 0, 0, 0])
        try writeBytes(dir + "/bad.npz", zipStored([("z.npy", bad)]))
        expectDataError("'\(dir)/bad.npz/z.npy'", "unsupported dtype '<c8'") { _ = try readNPZ(dir + "/bad.npz") }
        var corrupt = zipStored([("a.npy", npy("{'descr': '|u1', 'fortran_order': False, 'shape': (3,), }", data: [1, 2, 3]))])
        corrupt[30 + 5 + 128 + 1] ^= 0xFF  // a data byte: the CRC no longer matches
        try writeBytes(dir + "/crc.npz", corrupt)
        expectDataError("'\(dir)/crc.npz'", "damaged") { _ = try readNPZ(dir + "/crc.npz") }
        expectDataError("'\(dir)/missing.npz'", "No such file") { _ = try readNPZ(dir + "/missing.npz") }
    }
}
