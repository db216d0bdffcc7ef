import Foundation
import Glibc

/// A secret written to a new file that only this user can read (mode 0600), synced before it counts as
/// written: the gateway's sealing key, and the API keys and TOTP secret a devnet or `admin init` keeps. It never
/// replaces a file: a secret that is there already stays.
public enum SecretFile {
    /// Writes `bytes` to `path` (creating its folder); the reason, if it cannot, names the file.
    public static func create(_ bytes: [UInt8], at path: String) throws(SecretFileError) {
        let directory = (path as NSString).deletingLastPathComponent
        do {
            if !directory.isEmpty {
                try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            }
        } catch {
            throw SecretFileError(path: path, reason: "cannot make its folder: \(error)")
        }
        let fd = Glibc.open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw SecretFileError(path: path, reason: String(cString: strerror(errno))) }
        let written = bytes.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        let synced = fsync(fd) == 0
        close(fd)
        guard written == bytes.count, synced else {
            unlink(path)
            throw SecretFileError(path: path, reason: "cannot write it")
        }
    }
}

public struct SecretFileError: Error, Sendable, Equatable, CustomStringConvertible {
    public var path: String
    public var reason: String

    public var description: String { "cannot write the secret \(path): \(reason)" }
}
