import Foundation
import ProverNetCore
import ProverNetCrypto
import TestSupport
import Testing

/// The prover's identity key file, through the library and through `provernet prover key`.
@Suite struct IdentityKeyTests {
    @Test func createsAKeyOnceThenLoadsTheSameOne() throws {
        let dir = try ScratchDirectory()
        defer { dir.remove() }
        let path = dir.file("keys/prover.key").path
        let created = try ProverIdentity.loadOrCreate(at: path)
        let loaded = try ProverIdentity.loadOrCreate(at: path)
        #expect(created.publicKey == loaded.publicKey)
        #expect(created.publicKey.count == 32)
        let permissions = try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? NSNumber
        #expect(permissions?.intValue == 0o600)
        // The signature it makes is the one the gateway checks.
        let nonce = ProverAuthentication.newNonce()
        #expect(
            ProverAuthentication.verify(
                signature: try loaded.sign(nonce: nonce), nonce: nonce, publicKey: created.publicKey))
    }

    @Test func theKeyCommandPrintsThePublicKeyAndRefusesAMalformedFile() throws {
        let dir = try ScratchDirectory()
        defer { dir.remove() }
        let path = dir.file("prover.key").path
        let first = try run(["prover", "key", "--key", path])
        #expect(first.status == 0, "\(first.stderr)")
        let printed = try JSONSerialization.jsonObject(with: Data(first.stdout.utf8)) as? [String: String]
        let identity = try ProverIdentity.loadOrCreate(at: path)
        #expect(printed == ["public_key": identity.publicKey.hex, "prover_id": identity.proverID.rawValue])
        #expect(try run(["prover", "key", "--key", path]).stdout == first.stdout)

        try Data("not a key\n".utf8).write(to: dir.file("bad.key"))
        let bad = try run(["prover", "key", "--key", dir.file("bad.key").path])
        #expect(bad.status == 2)
        #expect(bad.stdout.isEmpty)
        #expect(bad.stderr.contains("64-hex-digit Ed25519 private key"))
        #expect(throws: (any Error).self) { try ProverIdentity.loadOrCreate(at: dir.file("bad.key").path) }
    }

    /// Runs the binary to its end (output to files, so a chatty run cannot block on a full pipe).
    func run(_ arguments: [String]) throws -> CommandRun {
        try CommandRun.run(Binary.provernet, arguments)
    }
}
