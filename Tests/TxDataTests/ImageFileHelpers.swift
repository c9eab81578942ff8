import CPNGWrite
import CTurboJPEG
import Foundation
@testable import TxData

/// Writes an 8-bit RGBA PNG (rows top to bottom, pixels left to right).
func writeTestPNG(_ path: String, width: Int, height: Int, rgba: [UInt8]) throws {
    precondition(rgba.count == width * height * 4)
    var err = [CChar](repeating: 0, count: 256)
    guard tx_png_write_rgba(path, rgba, Int32(width), Int32(height), Int32(width * 4), nil, nil, 0, &err, 256) == 0 else {
        throw DataError("test PNG write failed: \(String(cString: err))")
    }
}

/// The bytes of an RGB JPEG (4:4:4, given quality), or a one-channel grey one, made with TurboJPEG.
func encodeTestJPEG(width: Int, height: Int, rgb: [UInt8], quality: Int32 = 100, grey: Bool = false) -> [UInt8] {
    let handle = tjInitCompress()!
    defer { tjDestroy(handle) }
    var out: UnsafeMutablePointer<UInt8>?
    var size: UInt = 0
    let status = tjCompress2(handle, rgb, Int32(width), 0, Int32(height), Int32((grey ? TJPF_GRAY : TJPF_RGB).rawValue),
                             &out, &size, Int32((grey ? TJSAMP_GRAY : TJSAMP_444).rawValue), quality, 0)
    precondition(status == 0, String(cString: tjGetErrorStr2(handle)))
    defer { tjFree(out) }
    return Array(UnsafeBufferPointer(start: out, count: Int(size)))
}

/// Makes `path` and its parents.
func makeFolder(_ path: String) throws {
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
}

/// Order-sensitive checksum of a flat array: w(i) = ((i · 2654435761) mod 2³²) / 2³²,
/// as Fixtures/make_pngsuite_fixture.py computes it.
func weightedSum(_ values: ArraySlice<Float>) -> (sum: Double, weighted: Double) {
    var s = 0.0, w = 0.0
    for (i, v) in values.enumerated() {
        s += Double(v)
        w += Double((UInt64(i) &* 2_654_435_761) % (1 << 32)) / 4_294_967_296.0 * Double(v)
    }
    return (s, w)
}
