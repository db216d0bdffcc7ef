import Ethereum
import Foundation

/// The tests' local chain: `DevelopmentChain` started from this checkout's `.venv-eth` and `Tests/Chain/chain.py`.
public typealias LocalChain = DevelopmentChain
public typealias LocalChainError = DevelopmentChainError

extension DevelopmentChain {
    /// Starts the chain from this checkout and waits for it to be ready.
    public static func start(timeout: Double = 120) async throws -> DevelopmentChain {
        try await start(python: EthereumPython.python, script: EthereumPython.script("chain.py"), timeout: timeout)
    }
}
