/// How a circom witness generator names a signal: the 64-bit FNV-1a hash of its qualified name, passed to
/// the module as two 32-bit halves.
struct SignalHash: Equatable, Sendable {
    let value: UInt64

    /// Hashes `name` as circom's `fnvHash` does: over its UTF-16 code units (the same as its bytes for the
    /// ASCII names circom allows).
    init(_ name: String) {
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325
        for unit in name.utf16 {
            hash ^= UInt64(unit)
            hash = hash &* 0x0000_0100_0000_01B3
        }
        value = hash
    }

    /// The high 32 bits, the module's `hMSB` argument.
    var high: UInt32 { UInt32(truncatingIfNeeded: value >> 32) }
    /// The low 32 bits, the module's `hLSB` argument.
    var low: UInt32 { UInt32(truncatingIfNeeded: value) }
}
