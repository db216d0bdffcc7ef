import Foundation

/// Merkle roots and proofs checked by an independent OpenZeppelin `StandardMerkleTree` in Python
/// (Tests/Chain/merkle_crosscheck.py, eth-abi and eth-utils from `.venv-eth`): tests that use it are enabled by
/// `EthereumPython.enabled` (skipped without the environment, failed in CI).
public enum MerkleCrossCheck {
    /// A leaf (address, amount as a decimal uint256) and its proof (32-byte hashes, 0x hex).
    public struct Leaf: Sendable, Codable {
        public var address: String
        public var amount: String
        public var proof: [String]

        public init(address: String, amount: String, proof: [String]) {
            self.address = address
            self.amount = amount
            self.proof = proof
        }
    }

    public struct Tree: Sendable, Codable {
        public var root: String
        public var leaves: [Leaf]

        public init(root: String, leaves: [Leaf]) {
            self.root = root
            self.leaves = leaves
        }
    }

    /// What Python found: its own root and proofs of each tree's leaves, and whether each given proof leads from
    /// its leaf to the given root.
    public struct Answer: Sendable, Codable {
        public var roots: [String]
        public var accepted: [[Bool]]
        public var proofs: [[[String]]]
    }

    public static func check(_ trees: [Tree]) throws -> Answer {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("merkle-\(UUID())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let input = directory.appendingPathComponent("in.json")
        let output = directory.appendingPathComponent("out.json")
        try JSONEncoder().encode(trees).write(to: input)
        let run = try CommandRun.run(
            EthereumPython.python, [EthereumPython.script("merkle_crosscheck.py").path, input.path, output.path])
        guard run.status == 0 else {
            throw CocoaError(
                .fileReadUnknown, userInfo: [NSLocalizedDescriptionKey: "merkle_crosscheck.py: \(run.stderr)"])
        }
        return try JSONDecoder().decode(Answer.self, from: Data(contentsOf: output))
    }
}
