extension EthereumPrecompile {
    /// ecPairing (address 0x08): k × 192 bytes of (G1, G2) pairs → 32 bytes, 1 if the product of the
    /// pairings is one (an empty input included), 0 otherwise.
    public static func pairing(_ input: [UInt8]) throws(BN254Error) -> [UInt8] {
        let pairs = try pairingInput(input)
        return [UInt8](repeating: 0, count: 31) + [Pairing.pairingCheck(pairs) ? 1 : 0]
    }
}
