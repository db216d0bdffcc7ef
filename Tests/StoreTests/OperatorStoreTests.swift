import Foundation
import Testing

@testable import Store

/// The operators' allowlist, stakes and revoked authorizations: what is written reads back, changes are
/// audited, and a revocation is kept once.
@Suite struct OperatorStoreTests {
    static let address = "0x" + String(repeating: "ab", count: 20)

    @Test func allowlistStakeAndRevocationsReadBackAndAreAudited() async throws {
        let scratch = try SQLiteStoreTests.Scratch()
        defer { scratch.remove() }
        let store = try SQLiteStore(path: scratch.path)
        #expect(try await store.operator(address: Self.address) == nil)
        let allowed = try await store.allowOperator(address: Self.address, name: "acme", actor: "key:a1", atMillis: 10)
        #expect(allowed.allowed && allowed.stake == "0" && allowed.name == "acme")
        try await store.setOperatorStake(address: Self.address, stake: "1000", actor: "key:a1", atMillis: 11)
        #expect(try await store.operator(address: Self.address)?.stake == "1000")
        await #expect(throws: StoreError.missing(table: "operator", id: "0x00")) {
            try await store.setOperatorStake(address: "0x00", stake: "1", actor: "key:a1", atMillis: 12)
        }

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
        #expect(try await store.authorizationRevocation(address: Self.address, nonce: UInt64.max) == nil)
        await #expect(throws: StoreError.self) {
            try await store.revokeAuthorization(
                address: Self.address, nonce: UInt64.max, reason: "", actor: "key:o1", atMillis: 40)
        }

        let actions = try await store.auditEntries(after: 0, limit: 100).map(\.action)
        #expect(actions == ["operator.allowed", "operator.stake", "operator.authorization-revoked"])
        let revoked = try #require(try await store.auditEntries(after: 0, limit: 100).last)
        #expect(revoked.actor == "key:o1" && revoked.subject == Self.address)
        #expect(revoked.details.contains(#""nonce":"7""#) && revoked.details.contains("laptop stolen"))
        try await store.close()
    }
}
