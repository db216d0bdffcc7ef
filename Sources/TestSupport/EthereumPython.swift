import Foundation

/// The Python environment of the Ethereum tests (`.venv-eth`, made by scripts/setup): eth-account as the reference
/// for signatures, eth-tester with py-evm for a local chain, vyper for the EigenLayer test doubles.
public enum EthereumPython {
    /// The package's root (this file is Sources/TestSupport/EthereumPython.swift).
    public static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()
    /// The environment's Python.
    public static let python = packageRoot.appendingPathComponent(".venv-eth/bin/python")
    /// The scripts the tests run with it.
    public static func script(_ name: String) -> URL { packageRoot.appendingPathComponent("Tests/Chain/\(name)") }

    /// Whether the environment is here.
    public static var available: Bool { FileManager.default.isExecutableFile(atPath: python.path) }

    /// Whether a test that needs it must run: in CI (`CI` set) a missing environment fails the test instead of
    /// skipping it.
    public static var required: Bool { ProcessInfo.processInfo.environment["CI"] != nil }

    /// Whether such a test runs: the environment is here, or this is CI.
    public static var enabled: Bool { available || required }

    /// Why such a test is skipped.
    public static let skipReason = "needs .venv-eth (eth-account, eth-tester, py-evm, vyper): run scripts/setup"
}
