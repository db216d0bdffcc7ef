import Foundation
import Logging
import ProofSystems
import ProverNetCore
import ProverNode
import TestSupport

/// The `provernet` binary built beside the test bundle, found as Tests/ProverNetCLITests does.
enum Binary {
    static let provernet: URL = BuiltBinary.provernet
}

/// A fresh directory under the system's temporary directory, removed by `remove()`.
struct ScratchDirectory {
    let url: URL

    init() throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("provernode-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    func file(_ name: String) -> URL { url.appendingPathComponent(name) }

    func remove() { try? FileManager.default.removeItem(at: url) }

    /// A shell script standing in for the worker binary.
    func script(_ name: String, _ body: String) throws -> URL {
        let script = file(name)
        try Data("#!/bin/sh\n\(body)\n".utf8).write(to: script)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: script.path)
        return script
    }
}

/// A synthetic circuit's development key written to a file, with the circuit that checks its proofs.
struct SyntheticFixture {
    let zkey: URL
    let circuit: Groth16Circuit
    let constraints: Int

    init(constraints: Int, in directory: ScratchDirectory) throws {
        let (bytes, verificationKey, _) = try Groth16ProofSystem.syntheticKey(constraints: UInt64(constraints))
        zkey = directory.file("circuit-\(constraints).zkey")
        try Data(bytes).write(to: zkey)
        circuit = Groth16Circuit(witnesses: .synthetic(constraints: constraints), verificationKey: verificationKey)
        self.constraints = constraints
    }
}

extension Logger {
    static let test: Logger = {
        var logger = Logger(label: "provernode.tests")
        logger.logLevel = .critical
        return logger
    }()
}
