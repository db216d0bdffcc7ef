import Ethereum
import Foundation
import Gateway
import ProverNetClient
import ProverNetCore
import ProverNetTesting
import TestSupport
import Testing

extension NetworkTests {
    /// The EigenLayer registry end to end: a real EVM (eth-tester + py-evm behind Tests/Chain/chain.py) with the
    /// Vyper test doubles of DelegationManager, AVSDirectory and AllocationManager, state changed by real
    /// transactions, and real gateway and prover processes.
    @Suite(.enabled(if: EthereumPython.enabled, "needs .venv-eth (eth-tester, py-evm, vyper): run scripts/setup"))
    struct OperatorChainTests {
        typealias T = OperatorTests

        /// A fresh key's operator, made an EigenLayer operator (or not) on the chain.
        static func chainOperator(
            _ network: ProcessNetwork, _ chain: LocalChain, _ name: String, isOperator: Bool
        ) async throws -> (path: String, address: String) {
            let op = try T.operatorKey(network, name)
            if isOperator {
                try await chain.transact(
                    chain.delegationManager, "setOperator(address,bool)",
                    [.address(try Address(op.address)), .bool(true)])
            }
            try await T.admin(network, ["allow-operator", "--address", op.address, "--name", name])
            return op
        }

        static func gatewayArguments(_ chain: LocalChain, avs: Address, strategy: Address, registration: [String])
            -> [String]
        {
            [
                "--require-operators", "--network", "testnet", "--operator-registry", "eigenlayer", "--eth-rpc",
                chain.url, "--delegation-manager", chain.delegationManager.checksummed, "--avs", avs.checksummed,
                "--strategy", strategy.checksummed, "--minimum-stake", "1000", "--operator-refresh-seconds", "1",
                "--registry-grace-seconds", "4",
            ] + registration
        }

        @Test func avsDirectoryRegistrationStakeOnChainSuspendsAndResumesAndTheChainGoingAwayFailsClosedAfterGrace()
            async throws
        {
            let chain = try await LocalChain.start()
            defer { chain.stop() }
            let (avs, strategy) = (chain.accounts[8], chain.accounts[9])
            let network = try await ProcessNetwork.started(
                executable: BuiltBinary.provernet,
                settings: .init(
                    gatewayArguments: Self.gatewayArguments(
                        chain, avs: avs, strategy: strategy,
                        registration: ["--avs-directory", chain.avsDirectory.checksummed])))
            func register(_ address: String) async throws {
                try await chain.transact(
                    chain.avsDirectory, "setStatus(address,address,uint8)",
                    [.address(avs), .address(try Address(address)), .uint(UInt256(1))])
            }
            func stake(_ address: String, _ amount: UInt64) async throws {
                try await chain.transact(
                    chain.delegationManager, "setShares(address,address,uint256)",
                    [.address(try Address(address)), .address(strategy), .uint(UInt256(amount))])
            }
            let good = try await Self.chainOperator(network, chain, "good", isOperator: true)
            try await register(good.address)
            try await stake(good.address, 1000)
            let notOperator = try await Self.chainOperator(network, chain, "not-operator", isOperator: false)
            let notAVS = try await Self.chainOperator(network, chain, "not-avs", isOperator: true)
            try await stake(notAVS.address, 5000)
            let poor = try await Self.chainOperator(network, chain, "poor", isOperator: true)
            try await register(poor.address)
            try await stake(poor.address, 999)

            for (name, op, expected) in [
                ("p-not-operator", notOperator, "not an EigenLayer operator"),
                ("p-not-avs", notAVS, "not registered with AVS"),
                ("p-poor", poor, "below the minimum stake: 999 < 1000"),
            ] {
                let key = try await T.proverKey(network, name)
                let file = try T.authorize(network, operatorKey: op.path, proverKey: key, file: "\(name).json")
                let log = try await T.suspension(network, name, authorization: file)
                #expect(log.contains(expected), "\(name): \(log.suffix(1500))")
            }

            let key = try await T.proverKey(network, "p-good")
            let file = try T.authorize(network, operatorKey: good.path, proverKey: key, file: "good.json")
            try await network.startProver("p-good", extra: ["--authorization", file])
            try await network.waitForProvers(1)
            #expect(try await T.prove(network, 2) == .done)
            let listed = try await T.waitForStatus(network, good.address, "active")
            #expect(listed.source == "eigenlayer" && listed.registered && listed.stake == "1000")

            // Stake lowered on the chain by a real transaction: suspended within a refresh; raised: resumed.
            try await stake(good.address, 10)
            let suspended = try await T.waitForStatus(network, good.address, "suspended", timeout: 10)
            #expect(suspended.status.contains("below the minimum stake: 10 < 1000"))
            try await stake(good.address, 2000)
            try await T.waitForStatus(network, good.address, "active", timeout: 10)
            #expect(try await T.prove(network, 1) == .done)

            // The chain goes away: the last known state holds for the grace period, then the registry fails closed.
            try await chain.setOffline(true)
            let wentAway = Date()
            try await Task.sleep(for: .seconds(2))
            #expect(try await T.operators(network).first { $0.address == good.address }?.status == "active")
            let closed = try await T.waitForStatus(network, good.address, "suspended", timeout: 20)
            #expect(closed.status.contains("registry unavailable"), "\(closed.status)")
            // The grace period counts from the last good read, at most one refresh (1 s) before the chain went away.
            #expect(Date().timeIntervalSince(wentAway) >= 3)
            #expect(network.logText(of: "gateway").contains("operator registry unreadable"))
            try await chain.setOffline(false)
            try await T.waitForStatus(network, good.address, "active", timeout: 10)
            await network.clean()
        }

        @Test func operatorSetRegistrationThroughTheAllocationManager() async throws {
            let chain = try await LocalChain.start()
            defer { chain.stop() }
            let (avs, strategy) = (chain.accounts[7], chain.accounts[6])
            let network = try await ProcessNetwork.started(
                executable: BuiltBinary.provernet,
                settings: .init(
                    gatewayArguments: Self.gatewayArguments(
                        chain, avs: avs, strategy: strategy,
                        registration: [
                            "--allocation-manager", chain.allocationManager.checksummed, "--operator-set-id", "3",
                        ])))
            func allocate(_ address: String, _ amount: UInt64) async throws {
                try await chain.transact(
                    chain.allocationManager, "setAllocated(address,uint32,address,address,uint256)",
                    [
                        .address(avs), .uint(UInt256(3)), .address(try Address(address)), .address(strategy),
                        .uint(UInt256(amount)),
                    ])
            }
            let member = try await Self.chainOperator(network, chain, "member", isOperator: true)
            try await chain.transact(
                chain.allocationManager, "setMember(address,uint32,address,bool)",
                [.address(avs), .uint(UInt256(3)), .address(try Address(member.address)), .bool(true)])
            try await allocate(member.address, 1000)
            let outsider = try await Self.chainOperator(network, chain, "outsider", isOperator: true)
            try await allocate(outsider.address, 5000)

            let outsiderKey = try await T.proverKey(network, "p-outsider")
            let log = try await T.suspension(
                network, "p-outsider",
                authorization: try T.authorize(
                    network, operatorKey: outsider.path, proverKey: outsiderKey, file: "outsider.json"))
            #expect(log.contains("not a member of operator set"), "\(log.suffix(1500))")

            let key = try await T.proverKey(network, "p-member")
            let file = try T.authorize(network, operatorKey: member.path, proverKey: key, file: "member.json")
            try await network.startProver("p-member", extra: ["--authorization", file])
            try await network.waitForProvers(1)
            #expect(try await T.prove(network, 1) == .done)
            try await allocate(member.address, 1)
            let suspended = try await T.waitForStatus(network, member.address, "suspended", timeout: 10)
            #expect(suspended.status.contains("1 < 1000"))
            await network.clean()
        }

        @Test func devnetWithChainRegistersItsOperatorOnTheLocalChainAndProvesItsDemo() async throws {
            let result = try CommandRun.run(
                BuiltBinary.provernet,
                [
                    "devnet", "--chain", "--exit-when-done", "--provers", "1", "--jobs", "2", "--constraints", "200",
                    "--no-aggregation", "--timeout", "300",
                ])
            #expect(result.status == 0, "\(result.stdout)\n\(result.stderr)")
            #expect(result.stdout.contains("registered by transactions: isOperator, AVS"), "\(result.stdout)")
            #expect(result.stdout.contains("EigenLayer registry: active"), "\(result.stdout)")
            #expect(result.stdout.contains("done, 2/2 proofs verified"), "\(result.stdout)")
            // The chain stopped with the devnet: its port no longer answers.
            let line = try #require(result.stdout.split(separator: "\n").first { $0.contains("local EVM at http://") })
            let url = try #require(line.split(separator: " ").first { $0.hasPrefix("http://127.0.0.1:") })
            let client = JSONRPCClient(url: try #require(URL(string: String(url))), timeoutSeconds: 5)
            await #expect(throws: (any Error).self) { try await client.request("eth_chainId", paramsJSON: "[]") }
        }
    }
}
