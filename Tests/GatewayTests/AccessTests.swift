import Foundation
import GRPCCore
import Logging
import ProverNetAPI
import ProverNetCore
import ProverNetCrypto
import Store
import Testing

@testable import Gateway

/// The pieces of access control on their own: TOTP against RFC 6238's vectors, base 32, API key secrets,
/// sealing, the role table, the limits, and the key ring over a real SQLite store.
struct AccessTests {
    /// RFC 6238, Appendix B: the seeds are ASCII "1234567890" repeated to the hash's key length; 8 digits.
    @Test(arguments: [
        (Int64(59), "94287082", "46119246", "90693936"),
        (Int64(1_111_111_109), "07081804", "68084774", "25091201"),
        (Int64(1_111_111_111), "14050471", "67062674", "99943326"),
        (Int64(1_234_567_890), "89005924", "91819424", "93441116"),
        (Int64(2_000_000_000), "69279037", "90698825", "38618901"),
        (Int64(20_000_000_000), "65353130", "77737706", "47863826"),
    ])
    func totpMatchesRFC6238(time: Int64, sha1: String, sha256: String, sha512: String) {
        func seed(_ length: Int) -> [UInt8] { Array(String(repeating: "1234567890", count: 7).utf8.prefix(length)) }
        #expect(TOTP(secret: seed(20), algorithm: .sha1, digits: 8).code(atUnixSeconds: time) == sha1)
        #expect(TOTP(secret: seed(32), algorithm: .sha256, digits: 8).code(atUnixSeconds: time) == sha256)
        #expect(TOTP(secret: seed(64), algorithm: .sha512, digits: 8).code(atUnixSeconds: time) == sha512)
    }

    @Test func aCodeMatchesOneStepEitherSideAndNoFurther() {
        let totp = TOTP(secret: TOTP.randomSecret())
        let now: Int64 = 1_800_000_015
        let step = totp.step(atUnixSeconds: now)
        for offset in -1...1 {
            #expect(
                totp.matchingStep(totp.code(step: step + Int64(offset)), atUnixSeconds: now) == step + Int64(offset))
        }
        // Codes two steps away are refused (unless they happen to equal a nearer one).
        for offset: Int64 in [-2, 2] {
            let code = totp.code(step: step + offset)
            let nearer = (-1...1).map { totp.code(step: step + Int64($0)) }
            if !nearer.contains(code) { #expect(totp.matchingStep(code, atUnixSeconds: now) == nil) }
        }
        #expect(totp.matchingStep("12345", atUnixSeconds: now) == nil)
        #expect(totp.matchingStep("12345a", atUnixSeconds: now) == nil)
        #expect(
            totp.uri(account: "ops (ab)", issuer: "ProverNet").hasPrefix(
                "otpauth://totp/ProverNet:ops%20%28ab%29?secret="))
    }

    @Test func base32FollowsRFC4648() {
        let vectors = [
            ("", ""), ("f", "MY"), ("fo", "MZXQ"), ("foo", "MZXW6"), ("foob", "MZXW6YQ"), ("fooba", "MZXW6YTB"),
            ("foobar", "MZXW6YTBOI"),
        ]
        for (plain, encoded) in vectors {
            #expect(Base32.encode(Array(plain.utf8)) == encoded)
            #expect(Base32.decode(encoded) == Array(plain.utf8))
            #expect(Base32.decode(encoded.lowercased() + "====") == Array(plain.utf8))
        }
        #expect(Base32.decode("MZ1W") == nil)
        let random = TOTP.randomSecret()
        #expect(Base32.decode(Base32.encode(random)) == random)
    }

    @Test func anAPIKeyIsKeptOnlyAsAHashAndParsedStrictly() throws {
        let key = APIKeySecret.random()
        #expect(key.text.count == 4 + 16 + 1 + 64)
        let parsed = try #require(APIKeySecret(text: " \(key.text)\n"))
        #expect(parsed == key && parsed.matches(storedHash: key.hash))
        #expect(!key.hash.contains(key.text.suffix(64)))
        #expect(!APIKeySecret.random().matches(storedHash: key.hash))
        #expect("\(key)" == "API key \(key.id)")
        for bad in [
            "", "pnk_", String(key.text.dropLast()), key.text + "0", key.text.uppercased(),
            "xyz_" + key.text.dropFirst(4),
        ] {
            #expect(APIKeySecret(text: bad) == nil, "\(bad)")
        }
    }

    @Test func aSealedSecretOpensOnlyWithItsKeyAndContext() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("seal-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let sealer = try SecretSealer.loadOrCreate(dataDirectory: directory)
        let path = (directory as NSString).appendingPathComponent(SecretSealer.fileName)
        let mode = try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? NSNumber
        #expect(mode?.intValue == 0o600)
        let secret = TOTP.randomSecret()
        let sealed = try sealer.seal(secret, context: "key-a")
        #expect(try SecretSealer.loadOrCreate(dataDirectory: directory).open(sealed, context: "key-a") == secret)
        #expect(throws: SealingError.self) { try sealer.open(sealed, context: "key-b") }
        var changed = sealed
        changed[changed.count / 2] ^= 1
        #expect(throws: SealingError.self) { try sealer.open(changed, context: "key-a") }
        let other = SecretSealer.ephemeral()
        #expect(throws: SealingError.self) { try other.open(sealed, context: "key-a") }
    }

    @Test func everyClientAndAdminMethodHasARuleAndChangesNeedACode() {
        let policy = AccessPolicy.standard
        let methods = Provernet_V1_ClientService.Method.descriptors + Provernet_V1_AdminService.Method.descriptors
        for method in methods {
            guard case .rule(let rule) = policy.decision(for: method) else {
                Issue.record("\(method) has no rule")
                continue
            }
            // Every administrative change needs a code, but one: revoking an authorization, whose authority is
            // the operator's own signature of the revocation (checked by its handler).
            let signedByTheOperator = method == Provernet_V1_AdminService.Method.RevokeAuthorization.descriptor
            let changes =
                !method.method.hasPrefix("List") && method.service == Provernet_V1_AdminService.descriptor
                && !signedByTheOperator
            #expect(rule.needsOneTimeCode == changes, "\(method)")
            if signedByTheOperator { #expect(rule.roles == [.operator, .admin]) }
            if rule.roles.contains(.viewer) { #expect(!rule.needsOneTimeCode && !rule.isSubmission, "\(method)") }
        }
        for method in Provernet_V1_ProverService.Method.descriptors {
            guard case .open = policy.decision(for: method) else {
                Issue.record("\(method) should be open to provers")
                continue
            }
        }
        let unknown = MethodDescriptor(service: Provernet_V1_AdminService.descriptor, method: "DropEverything")
        guard case .denied = policy.decision(for: unknown) else {
            Issue.record("an admin method without a rule is not denied")
            return
        }
    }

    @Test func bucketsRefillAtTheirRateAndAddressesBackOff() throws {
        final class FakeClock: @unchecked Sendable {
            var now = 1_000.0
        }
        let clock = FakeClock()
        var access = AccessLimits()
        access.submissionsPerSecond = 1
        access.submissionBurst = 2
        access.failuresPerMinute = 2
        access.firstBackoffSeconds = 10
        let limits = CallLimits(limits: access, now: { clock.now })
        try limits.admit(keyID: "a", submission: true)
        try limits.admit(keyID: "a", submission: true)
        #expect(throws: GatewayError.self) { try limits.admit(keyID: "a", submission: true) }
        try limits.admit(keyID: "b", submission: true)
        clock.now += 1
        try limits.admit(keyID: "a", submission: true)
        // Three failures in a minute (over 2): the address waits 10 s, then 20 s the next time.
        for _ in 0..<3 { limits.failed("10.0.0.1") }
        #expect(throws: GatewayError.self) { try limits.checkPeer("10.0.0.1") }
        try limits.checkPeer("10.0.0.2")
        clock.now += 10.5
        try limits.checkPeer("10.0.0.1")
        for _ in 0..<3 { limits.failed("10.0.0.1") }
        clock.now += 10.5
        #expect(throws: GatewayError.self) { try limits.checkPeer("10.0.0.1") }
        clock.now += 10
        try limits.checkPeer("10.0.0.1")
        #expect(AuthorizationInterceptor.address("ipv4:127.0.0.1:5123") == "127.0.0.1")
        #expect(AuthorizationInterceptor.address("ipv6:[::1]:5123") == "[::1]")
    }

    @Test func theKeyRingAuthenticatesChecksCodesOnceAndForgetsRevokedKeys() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("keys-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let store = try SQLiteStore(path: (directory as NSString).appendingPathComponent("gateway.sqlite"))
        let admin = try await KeyBootstrap.initialize(store: store, dataDirectory: directory, name: "root")
        await #expect(throws: GatewayError.self) {
            _ = try await KeyBootstrap.initialize(store: store, dataDirectory: directory, name: "again")
        }
        let ring = try await KeyRing(
            store: store, sealer: try SecretSealer.loadOrCreate(dataDirectory: directory),
            logger: Logger(label: "test"))
        func metadata(_ key: String?, otp: String? = nil) -> Metadata {
            var m = Metadata()
            if let key { m.addString("Bearer \(key)", forKey: "authorization") }
            if let otp { m.addString(otp, forKey: "x-provernet-otp") }
            return m
        }
        let principal = try ring.authenticate(metadata(admin.secret.text))
        #expect(principal.role == .admin && principal.keyID == admin.record.id)
        #expect(throws: GatewayError.self) { try ring.authenticate(metadata(nil)) }
        #expect(throws: GatewayError.self) { try ring.authenticate(metadata("Bearer nonsense")) }
        #expect(throws: GatewayError.self) { try ring.authenticate(metadata(APIKeySecret.random().text)) }
        // A one-time code works once.
        let totp = try #require(admin.totp)
        let code = totp.code(atUnixSeconds: Int64(Date().timeIntervalSince1970))
        try await ring.checkOneTimeCode(metadata(nil, otp: code), principal: principal, action: "AllowProver")
        await #expect(throws: GatewayError.self) {
            try await ring.checkOneTimeCode(metadata(nil, otp: code), principal: principal, action: "AllowProver")
        }
        await #expect(throws: GatewayError.self) {
            try await ring.checkOneTimeCode(metadata(nil), principal: principal, action: "AllowProver")
        }
        // A client key has no second factor: it cannot make changes even with a code.
        let client = try await ring.create(
            name: "c", role: .client, operatorAddress: nil, expiresMillis: nil, actor: principal.actor)
        let clientPrincipal = try ring.authenticate(metadata(client.secret.text))
        await #expect(throws: GatewayError.self) {
            try await ring.checkOneTimeCode(metadata(nil, otp: code), principal: clientPrincipal, action: "CreateKey")
        }
        // Revoked: refused at once; the store keeps the revocation.
        _ = try await ring.revoke(id: client.record.id, actor: principal.actor)
        #expect(throws: GatewayError.self) { try ring.authenticate(metadata(client.secret.text)) }
        #expect(try await store.key(id: client.record.id)?.revokedMillis != nil)
        // The stored records hold no secret.
        for record in try await store.keys() {
            #expect(!record.secretHash.contains(admin.secret.text.suffix(64)))
        }
        // An expired key stops working.
        let brief = try await ring.create(
            name: "brief", role: .viewer, operatorAddress: nil, expiresMillis: Clock.nowMillis() + 300,
            actor: principal.actor)
        #expect(try ring.authenticate(metadata(brief.secret.text)).role == .viewer)
        try await Task.sleep(for: .milliseconds(400))
        #expect(throws: GatewayError.self) { try ring.authenticate(metadata(brief.secret.text)) }
        let operatorKey = try? KeyMaking.make(
            name: "op", role: .operator, operatorAddress: "nonsense", expiresMillis: nil, createdBy: "t",
            sealer: SecretSealer.ephemeral(), atMillis: 0)
        #expect(operatorKey == nil)
        try await store.close()
    }
}
