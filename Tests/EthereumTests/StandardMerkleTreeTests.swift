import Ethereum
import Foundation
import TestSupport
import Testing

/// The OpenZeppelin `StandardMerkleTree` against OpenZeppelin's published example and an independent Python
/// reimplementation (Tests/Chain/merkle_crosscheck.py, eth-abi + eth-utils' keccak).
@Suite struct StandardMerkleTreeTests {
    static func leaf(_ address: String, _ amount: String) throws -> [ABIValue] {
        [.address(try Address(address)), .uint(try UInt256(amount))]
    }

    /// @openzeppelin/merkle-tree's README: two (address, uint256) values; its root and its dump's leaves.
    @Test func openZeppelinsReadmeExampleGivesItsRootAndProofs() throws {
        let values = [
            try Self.leaf("0x1111111111111111111111111111111111111111", "5000000000000000000"),
            try Self.leaf("0x2222222222222222222222222222222222222222", "2500000000000000000"),
        ]
        let tree = try #require(StandardMerkleTree(values: values))
        #expect(Hex.encode(tree.root) == "0xd4dee0beab2d53f2cc83e567171bd2820e49898130a22622b10ead383e90bd77")
        let first = "0xeb02c421cfa48976e66dfb29120745909ea3a0f843456c263cf8f1253483e283"
        let second = "0xb92c48e9d7abe27fd8dfd6b5dfdbfb1c9a463f80c712b66f3a5180a090cccafc"
        #expect(tree.nodes.map { Hex.encode($0) } == [Hex.encode(tree.root), first, second])
        #expect(Hex.encode(tree.leaf(0)) == first && Hex.encode(tree.leaf(1)) == second)
        #expect(tree.proof(0).map { Hex.encode($0) } == [second])
        #expect(tree.proof(1).map { Hex.encode($0) } == [first])
        for i in 0..<2 { #expect(StandardMerkleTree.verify(root: tree.root, values: values[i], proof: tree.proof(i))) }
        // Another amount, or another address, is not in the tree.
        #expect(
            !StandardMerkleTree.verify(
                root: tree.root,
                values: try Self.leaf("0x1111111111111111111111111111111111111111", "5000000000000000001"),
                proof: tree.proof(0)))
        #expect(
            !StandardMerkleTree.verify(
                root: tree.root,
                values: try Self.leaf("0x2222222222222222222222222222222222222222", "5000000000000000000"),
                proof: tree.proof(0)))
    }

    @Test func aSingleLeafIsItsOwnRootAndNoLeavesMakeNoTree() throws {
        let value = try Self.leaf("0x3333333333333333333333333333333333333333", "7")
        let tree = try #require(StandardMerkleTree(values: [value]))
        #expect(tree.root == StandardMerkleTree.leafHash(value) && tree.proof(0).isEmpty)
        #expect(StandardMerkleTree(values: []) == nil)
    }

    /// Trees of 1 to 33 random leaves (odd sizes, where the array layout leaves the tree unbalanced): every proof
    /// verifies here, and Python's independent tree has the same root, the same proofs, and accepts ours.
    @Test(.enabled(if: EthereumPython.enabled, "needs .venv-eth (eth-abi, eth-utils): run scripts/setup"))
    func rootsAndProofsAgreeWithAnIndependentImplementation() throws {
        var random = SeededRandom.forTest()
        var trees: [MerkleCrossCheck.Tree] = []
        var ours: [StandardMerkleTree] = []
        for size in [1, 2, 3, 4, 5, 6, 7, 8, 9, 13, 16, 17, 33] {
            var values: [[ABIValue]] = []
            var leaves: [MerkleCrossCheck.Leaf] = []
            for _ in 0..<size {
                let address = try #require(
                    Address(bytes: (0..<20).map { _ in UInt8.random(in: 0...255, using: &random) }))
                let amount = UInt64.random(in: 0...UInt64.max, using: &random)
                values.append([.address(address), .uint(UInt256(amount))])
                leaves.append(MerkleCrossCheck.Leaf(address: address.lowercased, amount: String(amount), proof: []))
            }
            let tree = try #require(StandardMerkleTree(values: values))
            for i in 0..<size {
                leaves[i].proof = tree.proof(i).map { Hex.encode($0) }
                #expect(StandardMerkleTree.verify(root: tree.root, values: values[i], proof: tree.proof(i)))
            }
            ours.append(tree)
            trees.append(MerkleCrossCheck.Tree(root: Hex.encode(tree.root), leaves: leaves))
        }
        let answer = try MerkleCrossCheck.check(trees)
        try #require(answer.roots.count == trees.count)
        for (i, tree) in trees.enumerated() {
            #expect(answer.roots[i] == tree.root, "root of \(tree.leaves.count) leaves")
            #expect(answer.accepted[i].allSatisfy { $0 }, "proofs of \(tree.leaves.count) leaves")
            #expect(answer.proofs[i] == tree.leaves.map(\.proof))
        }
    }
}
