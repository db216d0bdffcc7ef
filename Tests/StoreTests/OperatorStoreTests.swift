import Foundation
import Testing

@testable import Store

/// Prover authorizations revoked one by one, on both stores: a revocation reads back, is audited once, and
/// revoking again keeps the first.
@Suite struct OperatorStoreTests {
    static let address = "0x" + String(repeating: "ab", count: 20)

    @Test(arguments: StoreKind.available)
    func aRevokedAuthorizationReadsBackAndIsAuditedOnce(_ kind: StoreKind) async throws {
        let scratch = try await kind.open()
        let store = try #require(scratch.store as? any OperatorStore)
        _ = try await store.allowOperator(address: Self.address, name: "acme", actor: "key:a1", atMillis: 10)
        #expect(try await store.authorizationRevocation(address: Self.address, nonce: 7) == nil)
        let first = try await store.revokeAuthorization(
            address: Self.address, nonce: 7, reason: "laptop stolen", actor: "key:o1", atMillis: 20)
        #expect(
            first
                == AuthorizationRevocation(address: Self.address, nonce: 7, reason: "laptop stolen", revokedMillis: 20))
        // Again: the first record stands, and nothing more is audited.
        let again = try await store.revokeAuthorization(
            address: Self.address, nonce: 7, reason: "again", actor: "key:o1", atMillis: 30)
        #expect(again == first)
        #expect(try await store.authorizationRevocation(address: Self.address, nonce: 7) == first)
        #expect(try await store.authorizationRevocation(address: Self.address, nonce: 8) == nil)
        let big = try await store.revokeAuthorization(
            address: Self.address, nonce: (1 << 53) - 1, reason: "", actor: "key:o1", atMillis: 31)
        #expect(big.nonce == (1 << 53) - 1)
        #expect(try await store.authorizationRevocation(address: Self.address, nonce: UInt64.max) == nil)
        await #expect(throws: StoreError.self) {
            try await store.revokeAuthorization(
                address: Self.address, nonce: UInt64.max, reason: "", actor: "key:o1", atMillis: 40)
        }
        let entries = try await scratch.store.auditEntries(after: 0, limit: 100)
        #expect(
            entries.map(\.action) == [
                "operator.allowed", "operator.authorization-revoked", "operator.authorization-revoked",
            ])
        let revoked = try #require(entries.dropFirst().first)
        #expect(revoked.actor == "key:o1" && revoked.subject == Self.address)
        #expect(revoked.details.contains(#""nonce":"7""#) && revoked.details.contains("laptop stolen"))
        try await scratch.store.close()
        await scratch.remove()
    }
}
