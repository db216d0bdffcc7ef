import ArgumentParser
import Configuration
import Ethereum
import Foundation
import Gateway
import ProverNetCore

/// The gateway's operator settings: the network's name, whether provers need an operator's authorization, the
/// registry (standalone or EigenLayer), the minimum stake and the minimum hardware. Keys under `gateway.`
/// (flags, then PROVERNET_GATEWAY_<KEY>, then --config).
struct GatewayOperatorOptions: ParsableArguments {
    @Option(help: "The network's name, which operators' authorizations must name (key network; default devnet).")
    var network: String?
    @Flag(help: "Refuse provers without an operator's authorization (key requireOperators).")
    var requireOperators = false
    @Option(
        help:
            "Where operators are registered: standalone (the gateway's database) or eigenlayer (key operatorRegistry).")
    var operatorRegistry: String?
    @Option(help: "The minimum stake, a decimal uint256 in the registry's unit (key minimumStake; default 0).")
    var minimumStake: String?
    @Option(help: "Seconds between reads of every operator's standing (key operatorRefreshSeconds; default 30).")
    var operatorRefreshSeconds: Double?
    @Option(
        help:
            "Seconds the last known standing holds while the registry cannot be read (key registryGraceSeconds; default 300)."
    )
    var registryGraceSeconds: Int?
    @Option(help: "EigenLayer: the Ethereum JSON-RPC URL (key ethRPC).") var ethRpc: String?
    @Option(help: "EigenLayer: the DelegationManager's address (key delegationManager).") var delegationManager: String?
    @Option(help: "EigenLayer: the network's AVS address (key avs).") var avs: String?
    @Option(help: "EigenLayer: the AVSDirectory's address, for AVS registration the older way (key avsDirectory).")
    var avsDirectory: String?
    @Option(help: "EigenLayer: the AllocationManager's address, for operator sets (key allocationManager).")
    var allocationManager: String?
    @Option(help: "EigenLayer: the operator set's id (with --allocation-manager; key operatorSetID).")
    var operatorSetId: UInt32?
    @Option(help: "EigenLayer: a strategy whose shares count as stake (repeatable; key strategies, comma-separated).")
    var strategy: [String] = []
    @Option(
        help: ArgumentHelp(
            "EigenLayer: send slashes to the AllocationManager with this key, the AVS's or its appointed slasher's (key slasherKey).",
            discussion:
                "A key file as `provernet operator key` writes it (64 hex digits), or a Web3 Secret Storage keystore (JSON) with its password in --slasher-keystore-password-file or $PROVERNET_SLASHER_KEYSTORE_PASSWORD. Needs --allocation-manager (operator sets)."
        ))
    var slasherKey: String?
    @Option(help: "A file holding the slasher keystore's password (key slasherKeystorePasswordFile).")
    var slasherKeystorePasswordFile: String?
    @Option(
        help:
            "Seconds a slash waits before it is sent to the chain: the veto window (key slashVetoSeconds; default 3600)."
    )
    var slashVetoSeconds: Int?
    @Option(help: "The gas limit of a slash transaction (key slashGasLimit; default: eth_estimateGas plus a quarter).")
    var slashGasLimit: UInt64?
    @Option(help: "The fewest cores a prover must have (key minimumCores).") var minimumCores: Int?
    @Option(help: "The least memory a prover must have, in MiB (key minimumMemoryMiB).") var minimumMemoryMib: UInt64?
    @Option(help: "The reference job class of the hardware minimum, e.g. groth16-bn254/2^12 (key referenceClass).")
    var referenceClass: String?
    @Option(help: "The most calibrated seconds per reference job a prover may show (key maxReferenceSeconds).")
    var maxReferenceSeconds: Double?

    var flags: [String: String?] {
        [
            "gateway.network": network, "gateway.requireOperators": requireOperators ? "true" : nil,
            "gateway.operatorRegistry": operatorRegistry, "gateway.minimumStake": minimumStake,
            "gateway.operatorRefreshSeconds": operatorRefreshSeconds.map { String($0) },
            "gateway.registryGraceSeconds": registryGraceSeconds.map(String.init),
            "gateway.ethRPC": ethRpc, "gateway.delegationManager": delegationManager, "gateway.avs": avs,
            "gateway.avsDirectory": avsDirectory, "gateway.allocationManager": allocationManager,
            "gateway.operatorSetID": operatorSetId.map(String.init),
            "gateway.strategies": strategy.isEmpty ? nil : strategy.joined(separator: ","),
            "gateway.slasherKey": slasherKey, "gateway.slasherKeystorePasswordFile": slasherKeystorePasswordFile,
            "gateway.slashVetoSeconds": slashVetoSeconds.map(String.init),
            "gateway.slashGasLimit": slashGasLimit.map(String.init),
            "gateway.minimumCores": minimumCores.map(String.init),
            "gateway.minimumMemoryMiB": minimumMemoryMib.map(String.init),
            "gateway.referenceClass": referenceClass,
            "gateway.maxReferenceSeconds": maxReferenceSeconds.map { String($0) },
        ]
    }

    /// The policy the settings (scoped to `gateway`) describe.
    static func policy(_ config: ConfigReader) throws -> OperatorPolicy {
        func text(_ key: String) -> String? { GatewaySettings.text(config, key) }
        func address(_ key: String) throws -> Address? {
            guard let value = text(key) else { return nil }
            do { return try Address(value) } catch { throw failure("gateway.\(key): \(error)") }
        }
        var p = OperatorPolicy()
        p.network = text("network") ?? p.network
        guard !p.network.isEmpty, p.network.count <= 100 else {
            throw failure("gateway.network must be 1 to 100 characters")
        }
        p.required = text("requireOperators").map { $0 == "true" || $0 == "1" } ?? false
        if let stake = text("minimumStake") {
            do { p.minimumStake = try UInt256(stake) } catch { throw failure("gateway.minimumStake: \(error)") }
        }
        let refresh = try GatewaySettings.double(config, "operatorRefreshSeconds", 30)
        guard refresh >= 0.1, refresh <= 86_400 else {
            throw failure("gateway.operatorRefreshSeconds must be 0.1 to 86400")
        }
        p.refreshInterval = .milliseconds(Int(refresh * 1000))
        p.graceSeconds = Int64(try GatewaySettings.int(config, "registryGraceSeconds", 300))
        guard p.graceSeconds >= 0 else { throw failure("gateway.registryGraceSeconds must not be negative") }
        p.hardware.cores = try GatewaySettings.int(config, "minimumCores", 0)
        p.hardware.memoryBytes = UInt64(max(0, try GatewaySettings.int(config, "minimumMemoryMiB", 0))) << 20
        if let reference = text("referenceClass") {
            guard let jobClass = JobClass(reference) else {
                throw failure("gateway.referenceClass '\(reference)' is not a job class (e.g. groth16-bn254/2^12)")
            }
            p.hardware.referenceClass = jobClass
            p.hardware.maxSecondsPerJob = try GatewaySettings.double(config, "maxReferenceSeconds", 60)
        }
        switch text("operatorRegistry") ?? "standalone" {
        case "standalone": p.source = .standalone
        case "eigenlayer":
            guard let rpc = text("ethRPC") else { throw failure("--operator-registry eigenlayer needs --eth-rpc URL") }
            guard let delegation = try address("delegationManager"), let avs = try address("avs") else {
                throw failure("--operator-registry eigenlayer needs --delegation-manager and --avs")
            }
            let registration: EigenLayerSettings.Registration
            switch (try address("avsDirectory"), try address("allocationManager")) {
            case (let directory?, nil): registration = .avsDirectory(directory)
            case (nil, let manager?):
                guard let id = text("operatorSetID").flatMap(UInt32.init) else {
                    throw failure("--allocation-manager needs --operator-set-id")
                }
                registration = .operatorSet(allocationManager: manager, id: id)
            default:
                throw failure("give one of --avs-directory (AVSDirectory) or --allocation-manager (operator sets)")
            }
            var strategies: [Address] = []
            for item in (text("strategies") ?? "").split(separator: ",") {
                do { strategies.append(try Address(String(item))) } catch {
                    throw failure("gateway.strategies: \(error)")
                }
            }
            guard !strategies.isEmpty else {
                throw failure("--operator-registry eigenlayer needs at least one --strategy")
            }
            p.source = .eigenLayer(
                EigenLayerSettings(
                    rpcURL: rpc, delegationManager: delegation, avs: avs, registration: registration,
                    strategies: strategies))
        case let other: throw failure("gateway.operatorRegistry '\(other)' is not standalone or eigenlayer")
        }
        if let path = text("slasherKey") {
            guard case .eigenLayer(let settings) = p.source, case .operatorSet = settings.registration else {
                throw failure(
                    "--slasher-key needs --operator-registry eigenlayer with operator sets (--allocation-manager)")
            }
            let veto = try GatewaySettings.int(config, "slashVetoSeconds", 3600)
            guard veto >= 0 else { throw failure("gateway.slashVetoSeconds must not be negative") }
            var gasLimit: UInt64?
            if let text = text("slashGasLimit") {
                guard let value = UInt64(text), value >= 21_000 else {
                    throw failure("gateway.slashGasLimit '\(text)' is not a gas limit of at least 21000")
                }
                gasLimit = value
            }
            p.slashing = ChainSlashing(
                slasherKey: try slasherKey(path, passwordFile: text("slasherKeystorePasswordFile")),
                vetoSeconds: Int64(veto), gasLimit: gasLimit)
        }
        return p
    }

    /// The slasher's key: a key file (64 hex digits) or a keystore with its password.
    static func slasherKey(_ path: String, passwordFile: String?) throws -> PrivateKey {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw failure("gateway.slasherKey: cannot read \(path)")
        }
        guard data.first == UInt8(ascii: "{") else {
            do { return try OperatorKeyFile.load(path) } catch { throw failure("gateway.slasherKey: \(error)") }
        }
        var password: String
        if let passwordFile {
            guard let text = FileManager.default.contents(atPath: passwordFile) else {
                throw failure("gateway.slasherKeystorePasswordFile: cannot read \(passwordFile)")
            }
            // One line; its newline is not part of the password (as geth's --password reads it).
            password = String(decoding: text, as: UTF8.self)
            while password.hasSuffix("\n") || password.hasSuffix("\r") { password.removeLast() }
        } else if let value = ProcessInfo.processInfo.environment["PROVERNET_SLASHER_KEYSTORE_PASSWORD"] {
            password = value
        } else {
            throw failure(
                "gateway.slasherKey \(path) is a keystore: give its password in --slasher-keystore-password-file or $PROVERNET_SLASHER_KEYSTORE_PASSWORD"
            )
        }
        do { return try Keystore.decrypt(data, password: password) } catch {
            throw failure("gateway.slasherKey \(path): \(error)")
        }
    }
}
