import Crypto
import Foundation
import SwiftASN1
import X509

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A development certificate authority and a server certificate, made fresh for a devnet, a test or a
/// gateway started with `--dev-tls`. The server certificate names `localhost`, the loopback addresses, the
/// gateway's listening address (every address of the host when it listens on all of them) and any name given
/// with `--tls-name`, so that a prover on another machine can check it. Provers and clients trust the CA's
/// PEM file. Not for production: the CA key sits beside the certificates.
public struct DevelopmentCertificates: Sendable {
    public let caCertificatePath: String
    public let serverCertificatePath: String
    public let serverKeyPath: String

    /// A name the server certificate carries: a DNS name or an IP address.
    public enum Name: Sendable, Hashable, Comparable, CustomStringConvertible {
        case dns(String)
        /// 4 or 16 bytes.
        case ip([UInt8])

        /// An address literal as an `.ip`, anything else as a `.dns` name (lowercased).
        public init(_ text: String) {
            if let bytes = Self.addressBytes(text) {
                self = .ip(bytes)
            } else {
                self = .dns(text.lowercased())
            }
        }

        /// Names before addresses, each in the order of its text.
        public static func < (a: Name, b: Name) -> Bool {
            switch (a, b) {
            case (.dns(let x), .dns(let y)): x < y
            case (.dns, .ip): true
            case (.ip, .dns): false
            case (.ip(let x), .ip(let y)): x.lexicographicallyPrecedes(y)
            }
        }

        public var description: String {
            switch self {
            case .dns(let name): return name
            case .ip(let bytes):
                var buffer = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN))
                let family = bytes.count == 4 ? AF_INET : AF_INET6
                let text = bytes.withUnsafeBytes { inet_ntop(family, $0.baseAddress, &buffer, socklen_t(buffer.count)) }
                return text == nil ? bytes.map(String.init).joined(separator: ".") : Self.string(buffer)
            }
        }

        /// The text of a NUL-terminated C buffer.
        static func string(_ buffer: [CChar]) -> String {
            String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        }

        var generalName: GeneralName {
            switch self {
            case .dns(let name): .dnsName(name)
            case .ip(let bytes): .ipAddress(ASN1OctetString(contentBytes: ArraySlice(bytes)))
            }
        }

        /// The bytes of an IPv4 or IPv6 literal, nil for anything else.
        static func addressBytes(_ text: String) -> [UInt8]? {
            var v4 = in_addr()
            if inet_pton(AF_INET, text, &v4) == 1 { return withUnsafeBytes(of: &v4) { Array($0) } }
            var v6 = in6_addr()
            if inet_pton(AF_INET6, text, &v6) == 1 { return withUnsafeBytes(of: &v6) { Array($0) } }
            return nil
        }
    }

    /// The names a development certificate for a gateway listening on `host` carries: localhost and the
    /// loopback addresses, the host itself, every address of this machine and its host name when `host` is
    /// a wildcard (0.0.0.0 or ::), and `extra` (`--tls-name`).
    public static func names(listeningOn host: String, extra: [String] = []) -> [Name] {
        var names: Set<Name> = [.dns("localhost"), Name("127.0.0.1"), Name("::1")]
        if host == "0.0.0.0" || host == "::" || host.isEmpty {
            for address in interfaceAddresses() { names.insert(Name(address)) }
            let hostName = ProcessInfo.processInfo.hostName
            if !hostName.isEmpty, Name.addressBytes(hostName) == nil { names.insert(.dns(hostName.lowercased())) }
        } else {
            names.insert(Name(host))
        }
        for name in extra where !name.isEmpty { names.insert(Name(name)) }
        return names.sorted()
    }

    /// This machine's IPv4 and IPv6 addresses (link-local IPv6 ones left out: they need a scope).
    static func interfaceAddresses() -> [String] {
        var list: UnsafeMutablePointer<ifaddrs>?
        guard getifaddrs(&list) == 0, let first = list else { return [] }
        defer { freeifaddrs(list) }
        var addresses: [String] = []
        for entry in sequence(first: first, next: { $0.pointee.ifa_next }) {
            guard let address = entry.pointee.ifa_addr else { continue }
            let family = Int32(address.pointee.sa_family)
            var buffer = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN))
            if family == AF_INET {
                var v4 = address.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { $0.pointee.sin_addr }
                guard inet_ntop(AF_INET, &v4, &buffer, socklen_t(buffer.count)) != nil else { continue }
            } else if family == AF_INET6 {
                var v6 = address.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { $0.pointee.sin6_addr }
                guard inet_ntop(AF_INET6, &v6, &buffer, socklen_t(buffer.count)) != nil else { continue }
            } else {
                continue
            }
            let text = Name.string(buffer)
            if !text.lowercased().hasPrefix("fe80") { addresses.append(text) }
        }
        return addresses
    }

    /// Writes `ca.pem`, `ca-key.pem`, `server.pem` and `server-key.pem` into `directory`, or reuses them if a
    /// previous run left them there. A server certificate that lacks one of `names` is made again, signed by
    /// the same CA (so provers keep the CA file they have).
    public static func ensure(in directory: String, names: [Name] = names(listeningOn: "127.0.0.1")) throws
        -> DevelopmentCertificates
    {
        let dir = URL(fileURLWithPath: directory, isDirectory: true)
        let paths = DevelopmentCertificates(
            caCertificatePath: dir.appendingPathComponent("ca.pem").path,
            serverCertificatePath: dir.appendingPathComponent("server.pem").path,
            serverKeyPath: dir.appendingPathComponent("server-key.pem").path)
        let caKeyPath = dir.appendingPathComponent("ca-key.pem").path
        let fm = FileManager.default
        do {
            try fm.createDirectory(at: dir, withIntermediateDirectories: true)
            let now = Date()
            // The CA: the one a previous run left, else a new one.
            let ca: Certificate
            let caKey: P256.Signing.PrivateKey
            if let text = try? String(contentsOfFile: paths.caCertificatePath, encoding: .utf8),
                let keyText = try? String(contentsOfFile: caKeyPath, encoding: .utf8),
                let existing = try? Certificate(pemEncoded: text),
                let key = try? P256.Signing.PrivateKey(pemRepresentation: keyText)
            {
                ca = existing
                caKey = key
            } else {
                caKey = P256.Signing.PrivateKey()
                let caName = try DistinguishedName {
                    OrganizationName("ProverNet")
                    CommonName("ProverNet development CA")
                }
                ca = try Certificate(
                    version: .v3, serialNumber: Certificate.SerialNumber(), publicKey: .init(caKey.publicKey),
                    notValidBefore: now.addingTimeInterval(-3600), notValidAfter: now.addingTimeInterval(365 * 86400),
                    issuer: caName, subject: caName, signatureAlgorithm: .ecdsaWithSHA256,
                    extensions: try Certificate.Extensions {
                        Critical(BasicConstraints.isCertificateAuthority(maxPathLength: 0))
                        Critical(KeyUsage(keyCertSign: true, cRLSign: true))
                    },
                    issuerPrivateKey: .init(caKey))
                try write(try ca.serializeAsPEM().pemString, to: paths.caCertificatePath, mode: 0o644)
                try write(caKey.pemRepresentation, to: caKeyPath, mode: 0o600)
                try? fm.removeItem(atPath: paths.serverCertificatePath)
            }
            if let text = try? String(contentsOfFile: paths.serverCertificatePath, encoding: .utf8),
                let server = try? Certificate(pemEncoded: text), server.issuer == ca.subject,
                fm.fileExists(atPath: paths.serverKeyPath),
                let carried = try? server.extensions.subjectAlternativeNames,
                Set(names.map(\.generalName)).isSubset(of: Set(carried))
            {
                return paths
            }
            let serverKey = P256.Signing.PrivateKey()
            let server = try Certificate(
                version: .v3, serialNumber: Certificate.SerialNumber(), publicKey: .init(serverKey.publicKey),
                notValidBefore: now.addingTimeInterval(-3600), notValidAfter: now.addingTimeInterval(365 * 86400),
                issuer: ca.subject,
                subject: try DistinguishedName {
                    OrganizationName("ProverNet")
                    CommonName("localhost")
                },
                signatureAlgorithm: .ecdsaWithSHA256,
                extensions: try Certificate.Extensions {
                    Critical(BasicConstraints.notCertificateAuthority)
                    Critical(KeyUsage(digitalSignature: true, keyEncipherment: true))
                    try ExtendedKeyUsage([.serverAuth])
                    SubjectAlternativeNames(names.map(\.generalName))
                },
                issuerPrivateKey: .init(caKey))
            try write(serverKey.pemRepresentation, to: paths.serverKeyPath, mode: 0o600)
            try write(try server.serializeAsPEM().pemString, to: paths.serverCertificatePath, mode: 0o644)
        } catch let error as GatewayError {
            throw error
        } catch {
            throw GatewayError.tls("cannot make development certificates in \(directory): \(error)")
        }
        return paths
    }

    static func write(_ text: String, to path: String, mode: Int) throws {
        // Replaced, not rewritten in place: a key file keeps its mode, and a reader never sees half a file.
        let temporary = path + ".tmp"
        try? FileManager.default.removeItem(atPath: temporary)
        guard
            FileManager.default.createFile(
                atPath: temporary, contents: Data((text + "\n").utf8), attributes: [.posixPermissions: mode])
        else { throw GatewayError.tls("cannot write \(path)") }
        guard rename(temporary, path) == 0 else { throw GatewayError.tls("cannot write \(path)") }
    }
}
