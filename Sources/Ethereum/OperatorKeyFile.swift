import Foundation

/// An operator's secp256k1 key on disk: 64 hex digits and a newline, mode 0600. Created once; never overwritten.
/// A key the operator already has comes in as hex (`--import-hex`) or from a Web3 Secret Storage keystore
/// (`--import-keystore`, `Keystore`); better still, it stays in a hardware wallet that signs the typed data.
public enum OperatorKeyFile {
    /// Creates `path` holding `key` (a fresh one when nil); throws if the file exists.
    public static func create(at path: String, key: PrivateKey? = nil) throws -> PrivateKey {
        let key = key ?? PrivateKey.generate()
        let url = URL(fileURLWithPath: path)
        try FileManager.default.createDirectory(
            at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        // O_EXCL: refuse to overwrite, atomically, even if another process creates the file meanwhile.
        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard fd >= 0 else {
            if errno == EEXIST {
                throw OperatorKeyError.exists(path)
            }
            throw OperatorKeyError.unwritable(path, String(cString: strerror(errno)))
        }
        defer { close(fd) }
        let text = Array((Hex.encode(key.rawBytes, prefixed: false) + "\n").utf8)
        let written = text.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        guard written == text.count else { throw OperatorKeyError.unwritable(path, "short write") }
        return key
    }

    /// Reads the key at `path`.
    public static func load(_ path: String) throws -> PrivateKey {
        guard let data = FileManager.default.contents(atPath: path) else { throw OperatorKeyError.unreadable(path) }
        do {
            return try PrivateKey(hex: String(decoding: data, as: UTF8.self))
        } catch {
            throw OperatorKeyError.invalid(path)
        }
    }
}

/// Why an operator key file cannot be made or read.
public enum OperatorKeyError: Error, Equatable, CustomStringConvertible {
    case exists(String)
    case unwritable(String, String)
    case unreadable(String)
    case invalid(String)

    public var description: String {
        switch self {
        case .exists(let path): "\(path) exists: an operator key is never overwritten (choose another file)"
        case .unwritable(let path, let why): "cannot write \(path): \(why)"
        case .unreadable(let path): "cannot read the operator key \(path)"
        case .invalid(let path): "\(path) does not hold a secp256k1 private key (64 hex digits)"
        }
    }
}
