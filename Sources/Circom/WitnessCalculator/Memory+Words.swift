import WasmKit

/// Reads and writes 32-bit words of a linear memory, with the bounds checks that `Memory`'s own
/// accessors leave to preconditions.
extension WasmKit.Memory {
    func word(at byteOffset: Int) throws(WitnessCalculatorError) -> UInt32 {
        guard byteOffset >= 0, byteOffset + 4 <= byteCount else {
            throw .protocolViolation("memory read at \(byteOffset) is outside the \(byteCount)-byte memory")
        }
        return withUnsafeBufferPointer(offset: UInt(byteOffset), count: 4) {
            UInt32(littleEndian: $0.loadUnaligned(as: UInt32.self))
        }
    }

    func setWord(_ value: UInt32, at byteOffset: Int) throws(WitnessCalculatorError) {
        guard byteOffset >= 0, byteOffset + 4 <= byteCount else {
            throw .protocolViolation("memory write at \(byteOffset) is outside the \(byteCount)-byte memory")
        }
        withUnsafeMutableBufferPointer(offset: UInt(byteOffset), count: 4) {
            $0.storeBytes(of: value.littleEndian, as: UInt32.self)
        }
    }

    /// The bytes of a NUL-terminated string (at most `limit` bytes of it), as circom 1's `p2str` reads them.
    func cString(at byteOffset: Int, limit: Int = 4096) -> String {
        guard byteOffset >= 0, byteOffset < byteCount else { return "" }
        let count = Swift.min(limit, byteCount - byteOffset)
        return withUnsafeBufferPointer(offset: UInt(byteOffset), count: count) { buffer in
            let end = buffer.firstIndex(of: 0) ?? buffer.count
            return String(decoding: buffer[..<end], as: UTF8.self)
        }
    }
}
