import Foundation
import Testing

@testable import Gateway

/// The rules of a gateway's health among several on one database (issue 17): a follower is ready only while it
/// knows the leader it follows; `/readyz`'s body names the role; a gateway on its own database says what it said.
@Suite struct GatewayHealthTests {
    @Test(arguments: [
        (listening: true, databaseOK: true, leaderKnown: true, state: GatewayHealth.State.ready),
        (listening: true, databaseOK: true, leaderKnown: false, state: .unavailable),
        (listening: true, databaseOK: false, leaderKnown: true, state: .unavailable),
        (listening: false, databaseOK: true, leaderKnown: true, state: .starting),
    ])
    func aFollowerIsReadyOnlyWhileItKnowsItsLeader(
        _ c: (listening: Bool, databaseOK: Bool, leaderKnown: Bool, state: GatewayHealth.State)
    ) {
        #expect(
            GatewayHealth.classify(
                listening: c.listening, draining: false, stopped: false, databaseOK: c.databaseOK,
                leaderKnown: c.leaderKnown) == c.state)
    }

    @Test func theReadyBodyNamesTheRoleAndTheLeader() throws {
        var health = GatewayHealth(
            state: .ready, live: true, ready: true, version: "v", grpcPort: 7443, draining: false, database: "ok")
        #expect(health.readyText == "ok")
        health.role = .leader
        #expect(health.readyText == "ok: leader")
        health.role = .follower
        health.leader = "gw-a.example.org:7443"
        #expect(health.readyText == "ok: follower of gw-a.example.org:7443")
        // /health's JSON: a gateway on its own has neither key; a follower both.
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        let json = try #require(
            try JSONSerialization.jsonObject(with: try encoder.encode(health)) as? [String: Any])
        #expect(json["role"] as? String == "follower" && json["leader"] as? String == "gw-a.example.org:7443")
        health.role = nil
        health.leader = nil
        let alone = try #require(
            try JSONSerialization.jsonObject(with: try encoder.encode(health)) as? [String: Any])
        #expect(alone["role"] == nil && alone["leader"] == nil)
    }
}
