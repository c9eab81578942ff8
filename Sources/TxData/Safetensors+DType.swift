/// The element types of the safetensors format that tx reads, all converted
/// to Float32 (integers beyond 2^24 and F64 values round to the nearest
/// Float32, as `tensor.float()` does in PyTorch). Sub-byte and complex types
/// (F4, F6_*, F8_E8M0, C64) are rejected as unsupported.
enum SafetensorsDType: String, CaseIterable {
    case BOOL, U8, I8, F8_E5M2, F8_E4M3, I16, U16, F16, BF16, I32, U32, F32, I64, U64, F64

    /// Bytes per element.
    var size: Int {
        switch self {
        case .BOOL, .U8, .I8, .F8_E5M2, .F8_E4M3: return 1
        case .I16, .U16, .F16, .BF16: return 2
        case .I32, .U32, .F32: return 4
        case .I64, .U64, .F64: return 8
        }
    }

    static let supportedList = allCases.map(\.rawValue).joined(separator: ", ")

    /// `count` little-endian elements from `raw`, as Float32 (one copy).
    func convert(_ raw: UnsafeRawBufferPointer, count: Int) -> [Float] {
        [Float](unsafeUninitializedCapacity: count) { out, n in
            switch self {
            case .F32:
                #if _endian(little)
                if count > 0 { UnsafeMutableRawBufferPointer(out).copyMemory(from: UnsafeRawBufferPointer(rebasing: raw[0..<count * 4])) }
                #else
                decode(raw, out, UInt32.self) { Float(bitPattern: $0) }
                #endif
            case .F16: decode(raw, out, UInt16.self) { Float(Float16(bitPattern: $0)) }
            case .BF16: decode(raw, out, UInt16.self) { Float(bitPattern: UInt32($0) << 16) }
            case .F64: decode(raw, out, UInt64.self) { Float(Double(bitPattern: $0)) }
            case .F8_E5M2: decode(raw, out, UInt8.self) { Float(Float16(bitPattern: UInt16($0) << 8)) }
            case .F8_E4M3: decode(raw, out, UInt8.self, float8E4M3)
            case .BOOL: decode(raw, out, UInt8.self) { $0 == 0 ? 0 : 1 }
            case .U8: decode(raw, out, UInt8.self) { Float($0) }
            case .I8: decode(raw, out, Int8.self) { Float($0) }
            case .I16: decode(raw, out, Int16.self) { Float($0) }
            case .U16: decode(raw, out, UInt16.self) { Float($0) }
            case .I32: decode(raw, out, Int32.self) { Float($0) }
            case .U32: decode(raw, out, UInt32.self) { Float($0) }
            case .I64: decode(raw, out, Int64.self) { Float($0) }
            case .U64: decode(raw, out, UInt64.self) { Float($0) }
            }
            n = count
        }
    }
}

@inline(__always)
private func decode<T: FixedWidthInteger>(_ raw: UnsafeRawBufferPointer, _ out: UnsafeMutableBufferPointer<Float>,
                                          _: T.Type, _ convert: (T) -> Float) {
    let size = MemoryLayout<T>.size
    for k in 0..<out.count {
        out[k] = convert(T(littleEndian: raw.loadUnaligned(fromByteOffset: k * size, as: T.self)))
    }
}

/// OCP FP8 E4M3 ("fn": no infinities; S.1111.111 is NaN): 4 exponent bits
/// with bias 7, 3 mantissa bits, subnormals when the exponent is 0.
private func float8E4M3(_ b: UInt8) -> Float {
    let sign: Float = b & 0x80 != 0 ? -1 : 1
    let exponent = Int((b >> 3) & 0x0F), mantissa = Float(b & 0x07)
    if exponent == 15 && b & 0x07 == 7 { return .nan }
    if exponent == 0 { return sign * mantissa / 8 * 0x1p-6 }
    return sign * (1 + mantissa / 8) * Float(sign: .plus, exponent: exponent - 7, significand: 1)
}
