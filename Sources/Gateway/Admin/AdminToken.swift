import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The gateway's local admin token: 256 random bits, written as 64 hex digits to `DATA_DIR/admin.token`
/// (mode 0600) at each start, replacing the last one. The admin RPCs that change the allowlist need it as
/// `authorization: Bearer <token>`, so only someone who can read the gateway's data directory on its
/// machine can change who proves. (API keys with roles come later; this keeps a stranger from allowlisting
/// itself meanwhile.)
public struct AdminToken: Sendable, Equatable {
    /// The file's name in the data directory.
    public static let fileName = "admin.token"

    /// The token as text: 64 lowercase hex digits.
    public let text: String

    /// A token from its text (64 hex digits, white space around it ignored).
    public init(text: String) throws(GatewayError) {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines).lowercased()
        guard trimmed.utf8.count == 64, trimmed.utf8.allSatisfy({ (48...57).contains($0) || (97...102).contains($0) })
        else {
            throw .configuration("an admin token is 64 hex digits")
        }
        self.text = trimmed
    }

    /// A fresh token from the system's cryptographically secure generator.
    public static func random() -> AdminToken {
        var generator = SystemRandomNumberGenerator()
        let hex = (0..<4).map { _ in
            let word = generator.next() as UInt64
            let digits = String(word, radix: 16)
            return String(repeating: "0", count: 16 - digits.count) + digits
        }.joined()
        // 64 hex digits by construction.
        return AdminToken(checkedText: hex)
    }

    private init(checkedText: String) { text = checkedText }

    /// The token file of a data directory.
    public static func path(inDataDirectory directory: String) -> String {
        (directory as NSString).appendingPathComponent(fileName)
    }

    /// Writes a fresh token to the data directory, readable by this user only, and returns it. The file is
    /// written beside and renamed over the old one, so a reader never sees half a token.
    public static func create(inDataDirectory directory: String) throws(GatewayError) -> AdminToken {
        let token = random()
        let path = path(inDataDirectory: directory)
        let temporary = path + ".\(getpid()).tmp"
        unlink(temporary)
        let fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL, 0o600)
        guard fd >= 0 else {
            throw .configuration("cannot write the admin token \(temporary): \(String(cString: strerror(errno)))")
        }
        let bytes = Array((token.text + "\n").utf8)
        let written = bytes.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        let synced = fsync(fd) == 0
        close(fd)
        guard written == bytes.count, synced, rename(temporary, path) == 0 else {
            let reason = String(cString: strerror(errno))
            unlink(temporary)
            throw .configuration("cannot write the admin token \(path): \(reason)")
        }
        return token
    }

    /// Reads the token that the gateway of a data directory wrote at its start.
    public static func read(fromDataDirectory directory: String) throws(GatewayError) -> AdminToken {
        let path = path(inDataDirectory: directory)
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw .configuration(
                "cannot read the admin token \(path) (is the gateway running with --data-dir \(directory), and are you its user?): \(error.localizedDescription)"
            )
        }
        return try AdminToken(text: text)
    }

    /// Whether `presented` is this token, compared in a time that does not depend on where they differ.
    public func matches(_ presented: String) -> Bool {
        let expected = Array(text.utf8)
        let given = Array(presented.utf8)
        guard given.count == expected.count else { return false }
        var difference: UInt8 = 0
        for index in expected.indices { difference |= expected[index] ^ given[index] }
        return difference == 0
    }
}
