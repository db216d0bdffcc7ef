import Crypto
import Foundation
import SwiftASN1
import X509

/// A development certificate authority and a server certificate for `localhost` and 127.0.0.1, made
/// fresh for a devnet or a test. Provers and clients trust the CA's PEM file. Not for production: the CA
/// key sits beside the certificates.
public struct DevelopmentCertificates: Sendable {
    public let caCertificatePath: String
    public let serverCertificatePath: String
    public let serverKeyPath: String

    /// Writes `ca.pem`, `ca-key.pem`, `server.pem` and `server-key.pem` into `directory`, or reuses
    /// them if a previous run left them there.
    public static func ensure(in directory: String) throws -> DevelopmentCertificates {
        let dir = URL(fileURLWithPath: directory, isDirectory: true)
        let paths = DevelopmentCertificates(
            caCertificatePath: dir.appendingPathComponent("ca.pem").path,
            serverCertificatePath: dir.appendingPathComponent("server.pem").path,
            serverKeyPath: dir.appendingPathComponent("server-key.pem").path)
        let fm = FileManager.default
        if fm.fileExists(atPath: paths.caCertificatePath), fm.fileExists(atPath: paths.serverCertificatePath),
            fm.fileExists(atPath: paths.serverKeyPath)
        {
            return paths
        }
        try fm.createDirectory(at: dir, withIntermediateDirectories: true)
        do {
            let now = Date()
            let caKey = P256.Signing.PrivateKey()
            let caName = try DistinguishedName {
                OrganizationName("ProverNet")
                CommonName("ProverNet development CA")
            }
            let ca = try Certificate(
                version: .v3, serialNumber: Certificate.SerialNumber(), publicKey: .init(caKey.publicKey),
                notValidBefore: now.addingTimeInterval(-3600), notValidAfter: now.addingTimeInterval(365 * 86400),
                issuer: caName, subject: caName, signatureAlgorithm: .ecdsaWithSHA256,
                extensions: try Certificate.Extensions {
                    Critical(BasicConstraints.isCertificateAuthority(maxPathLength: 0))
                    Critical(KeyUsage(keyCertSign: true, cRLSign: true))
                },
                issuerPrivateKey: .init(caKey))
            let serverKey = P256.Signing.PrivateKey()
            let server = try Certificate(
                version: .v3, serialNumber: Certificate.SerialNumber(), publicKey: .init(serverKey.publicKey),
                notValidBefore: now.addingTimeInterval(-3600), notValidAfter: now.addingTimeInterval(365 * 86400),
                issuer: caName,
                subject: try DistinguishedName {
                    OrganizationName("ProverNet")
                    CommonName("localhost")
                },
                signatureAlgorithm: .ecdsaWithSHA256,
                extensions: try Certificate.Extensions {
                    Critical(BasicConstraints.notCertificateAuthority)
                    Critical(KeyUsage(digitalSignature: true, keyEncipherment: true))
                    try ExtendedKeyUsage([.serverAuth])
                    SubjectAlternativeNames([
                        .dnsName("localhost"),
                        .ipAddress(ASN1OctetString(contentBytes: [127, 0, 0, 1])),
                        .ipAddress(ASN1OctetString(contentBytes: ArraySlice([UInt8](repeating: 0, count: 15) + [1]))),
                    ])
                },
                issuerPrivateKey: .init(caKey))
            try write(try ca.serializeAsPEM().pemString, to: paths.caCertificatePath, mode: 0o644)
            try write(caKey.pemRepresentation, to: dir.appendingPathComponent("ca-key.pem").path, mode: 0o600)
            try write(try server.serializeAsPEM().pemString, to: paths.serverCertificatePath, mode: 0o644)
            try write(serverKey.pemRepresentation, to: paths.serverKeyPath, mode: 0o600)
        } catch {
            throw GatewayError.tls("cannot make development certificates in \(directory): \(error)")
        }
        return paths
    }

    static func write(_ text: String, to path: String, mode: Int) throws {
        guard
            FileManager.default.createFile(
                atPath: path, contents: Data((text + "\n").utf8), attributes: [.posixPermissions: mode])
        else { throw GatewayError.tls("cannot write \(path)") }
    }
}
