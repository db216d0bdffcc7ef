/// EIP-191 version 0x45 ("personal_sign"): keccak256("\x19Ethereum Signed Message:\n" ‖ decimal length ‖ message).
public enum EIP191 {
    /// The hash a wallet signs for `message` with `personal_sign`.
    public static func hash(message: [UInt8]) -> [UInt8] {
        Keccak256.hash(Array("\u{19}Ethereum Signed Message:\n\(message.count)".utf8) + message)
    }

    /// `key`'s personal_sign signature of `message`.
    public static func sign(message: [UInt8], with key: PrivateKey) throws(EthereumError) -> Signature {
        try key.sign(hash: hash(message: message))
    }

    /// The address whose personal_sign signature `signature` is.
    public static func recover(message: [UInt8], signature: Signature) throws(EthereumError) -> Address {
        try signature.recoverAddress(hash: hash(message: message))
    }
}
