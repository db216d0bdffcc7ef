import Foundation

/// A local Ethereum chain for tests and `provernet devnet --chain`: `Tests/Chain/chain.py` (eth-tester with py-evm
/// behind a JSON-RPC server on 127.0.0.1) with the EigenLayer test doubles (Vyper contracts with EigenLayer's
/// signatures) deployed. Started by its user, stopped by `stop()` (or when released).
public final class DevelopmentChain: @unchecked Sendable {
    let process: Process
    public let port: Int
    /// eth-tester's funded, unlocked accounts.
    public let accounts: [Address]
    public let delegationManager: Address
    public let avsDirectory: Address
    public let allocationManager: Address
    public let client: JSONRPCClient

    public var url: String { "http://127.0.0.1:\(port)" }

    init(process: Process, ready: [String: Any]) throws {
        self.process = process
        guard let port = ready["port"] as? Int, let accounts = ready["accounts"] as? [String],
            let delegation = ready["delegationManager"] as? String, let directory = ready["avsDirectory"] as? String,
            let allocation = ready["allocationManager"] as? String
        else { throw DevelopmentChainError("chain.py's ready line lacks a member: \(ready)") }
        self.port = port
        self.accounts = try accounts.map { try Address($0) }
        delegationManager = try Address(delegation)
        avsDirectory = try Address(directory)
        allocationManager = try Address(allocation)
        client = JSONRPCClient(url: URL(string: "http://127.0.0.1:\(port)")!, timeoutSeconds: 10)
    }

    deinit { stop() }

    /// Starts `script` (chain.py) with `python` (one with eth-tester, py-evm, web3 and vyper: `scripts/setup`'s
    /// `.venv-eth`) and waits for its ready line (compiling and deploying the contracts takes seconds).
    public static func start(python: URL, script: URL, timeout: Double = 120) async throws -> DevelopmentChain {
        for (what, url) in [("python", python), ("chain script", script)]
        where !FileManager.default.fileExists(atPath: url.path) {
            throw DevelopmentChainError(
                "the \(what) \(url.path) is missing (scripts/setup makes .venv-eth; chain.py is in Tests/Chain)")
        }
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("provernet-chain-\(UUID())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let out = directory.appendingPathComponent("chain.out")
        FileManager.default.createFile(atPath: out.path, contents: nil)
        let process = Process()
        process.executableURL = python
        process.arguments = [script.path, "--port", "0"]
        let handle = try FileHandle(forWritingTo: out)
        process.standardOutput = handle
        process.standardError = handle
        try process.run()
        let deadline = Date().addingTimeInterval(timeout)
        // Read once more after the deadline: a test process whose threads were all busy (2 cores, the whole suite
        // beside it) may wake from its sleep only after the deadline, long after the line came.
        while true {
            let text = (try? String(contentsOf: out, encoding: .utf8)) ?? ""
            for line in text.split(separator: "\n") where line.contains("\"event\": \"ready\"") {
                if let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] {
                    return try DevelopmentChain(process: process, ready: object)
                }
            }
            if Date() >= deadline || !process.isRunning { break }
            try await Task.sleep(for: .milliseconds(200))
        }
        kill(process.processIdentifier, SIGKILL)
        let text = (try? String(contentsOf: out, encoding: .utf8)) ?? ""
        throw DevelopmentChainError("chain.py did not get ready in \(timeout) s: \(text.suffix(2000))")
    }

    /// Sends a real transaction from `from` (the first account by default) calling `signature` with `arguments` on
    /// `contract`, and checks its receipt.
    public func transact(_ contract: Address, _ signature: String, _ arguments: [ABIValue], from: Address? = nil)
        async throws
    {
        let data = ABI.call(signature, arguments)
        let sender = from ?? accounts[0]
        let params =
            #"[{"from":"\#(sender.lowercased)","to":"\#(contract.lowercased)","data":"\#(Hex.encode(data))","gas":"0x100000"}]"#
        guard let hash = try await client.request("eth_sendTransaction", paramsJSON: params) as? String else {
            throw DevelopmentChainError("eth_sendTransaction returned no hash")
        }
        let receipt = try await client.request("eth_getTransactionReceipt", paramsJSON: #"["\#(hash)"]"#)
        guard let object = receipt as? [String: Any], (object["status"] as? String) == "0x1" else {
            throw DevelopmentChainError("transaction \(signature) failed: \(receipt)")
        }
    }

    /// Sends `wei` from the first account to `address` (a key of one's own pays its gas with it).
    public func fund(_ address: Address, wei: UInt256) async throws {
        let params =
            #"[{"from":"\#(accounts[0].checksummed)","to":"\#(address.checksummed)","value":"0x\#(Hex.encode(wei.bigEndianBytes.drop { $0 == 0 }, prefixed: false))"}]"#
        _ = try await client.request("eth_sendTransaction", paramsJSON: params)
    }

    /// Turns mining of each transaction as it comes off (transactions wait in the pool; one sent again with the
    /// same nonce replaces itself) or back on (the pool is mined at once).
    public func setAutomine(_ on: Bool) async throws {
        _ = try await client.request("test_setAutomine", paramsJSON: "[\(on)]")
    }

    /// Makes the node answer every call with HTTP 503 (gone away), or serve again.
    public func setOffline(_ offline: Bool) async throws {
        _ = try await client.request("test_setOffline", paramsJSON: "[\(offline)]")
    }

    public func stop() {
        // SIGKILL: the server holds nothing to save, and a SIGTERM can be left pending while it serves.
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
    }
}

public struct DevelopmentChainError: Error, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}
