import Ethereum
import Foundation
import Gateway

/// `provernet devnet --chain`: the devnet's operator registered on EigenLayer's contracts on a local EVM (the Vyper
/// test doubles with EigenLayer's exact signatures, on eth-tester with py-evm), read by the gateway's EigenLayer
/// registry through JSON-RPC as on a real chain.
struct DevnetChain {
    let chain: DevelopmentChain
    /// The network's AVS (on the doubles, any address: a funded account of the chain's).
    let avs: Address
    /// The strategy whose shares count as stake.
    let strategy: Address
    /// The operator's shares in it: 32 ether, in wei.
    static let shares = UInt256(limbs: (0xBC16_D674_EC80_0000, 1, 0, 0))
    /// The network's minimum stake: 1 ether, in wei.
    static let minimumStake = UInt256(1_000_000_000_000_000_000)

    /// Where `devnet --chain` finds its Python and chain.py: the flags, else this checkout's (the current
    /// directory's, then the source tree's that built this binary).
    static func locate(python: String?, script: String?) -> (python: URL, script: URL) {
        let here = URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
        let source = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent()
        func find(_ flag: String?, _ relative: String) -> URL {
            if let flag { return URL(fileURLWithPath: flag) }
            let local = here.appendingPathComponent(relative)
            return FileManager.default.fileExists(atPath: local.path) ? local : source.appendingPathComponent(relative)
        }
        return (find(python, ".venv-eth/bin/python"), find(script, "Tests/Chain/chain.py"))
    }

    /// Starts the chain and registers `operator` on it by real transactions: an EigenLayer operator
    /// (`DelegationManager`), registered with the AVS (`AVSDirectory`, status 1) and holding `shares` of the strategy.
    static func start(python: URL, script: URL, operator: Address, say: (String) -> Void) async throws -> DevnetChain {
        let chain = try await DevelopmentChain.start(python: python, script: script)
        guard chain.accounts.count >= 3 else {
            chain.stop()
            throw DevelopmentChainError("the chain has \(chain.accounts.count) accounts, devnet needs 3")
        }
        let made = DevnetChain(chain: chain, avs: chain.accounts[1], strategy: chain.accounts[2])
        do {
            try await chain.transact(
                chain.delegationManager, "setOperator(address,bool)", [.address(`operator`), .bool(true)])
            try await chain.transact(
                chain.avsDirectory, "setStatus(address,address,uint8)",
                [.address(made.avs), .address(`operator`), .uint(UInt256(1))])
            try await chain.transact(
                chain.delegationManager, "setShares(address,address,uint256)",
                [.address(`operator`), .address(made.strategy), .uint(shares)])
        } catch {
            chain.stop()
            throw error
        }
        say(
            "chain      local EVM at \(chain.url) (eth-tester + py-evm); EigenLayer doubles: DelegationManager "
                + "\(chain.delegationManager.checksummed), AVSDirectory \(chain.avsDirectory.checksummed), "
                + "AllocationManager \(chain.allocationManager.checksummed)")
        say(
            "chain      operator \(`operator`.checksummed) registered by transactions: isOperator, AVS \(made.avs.checksummed) "
                + "status 1, \(shares) wei of strategy \(made.strategy.checksummed) (minimum \(minimumStake))")
        return made
    }

    /// The gateway's EigenLayer registry reading this chain.
    var settings: EigenLayerSettings {
        EigenLayerSettings(
            rpcURL: chain.url, delegationManager: chain.delegationManager, avs: avs,
            registration: .avsDirectory(chain.avsDirectory), strategies: [strategy])
    }
}
