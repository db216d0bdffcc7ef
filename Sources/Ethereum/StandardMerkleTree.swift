/// A Merkle tree in the form of OpenZeppelin's `StandardMerkleTree` (`@openzeppelin/merkle-tree`), which
/// OpenZeppelin's `MerkleProof.verify` checks on chain: an airdrop or rewards distributor stores the root and
/// each claimant presents its value and proof.
///
/// - A leaf is `keccak256(keccak256(abi.encode(values…)))` (hashed twice, so that no leaf is the 64-byte
///   preimage of an inner node).
/// - The leaves are sorted by their hash (bytes, ascending), then laid out as a complete binary tree in one array
///   of `2n − 1` nodes, the leaves at its end in reverse order (`tree[2n − 2 − i]` = the i-th sorted leaf), each
///   inner node `i` the hash of its children `2i + 1` and `2i + 2` **as a sorted pair**
///   (`keccak256(min(a, b) ‖ max(a, b))`), so a proof needs no left/right flags.
/// - A leaf's proof is the siblings on the way from it to the root.
///
/// Hand-written because no library on this machine builds this tree; `StandardMerkleTreeTests` checks it
/// against OpenZeppelin's published vector and an independent reimplementation in Python (eth-abi).
public struct StandardMerkleTree: Sendable {
    /// The tree's nodes as OpenZeppelin lays them out: the root at 0.
    public let nodes: [[UInt8]]
    /// The leaves' values in the order they were given, and where each leaf is in `nodes`.
    public let values: [[ABIValue]]
    let nodeIndexOfValue: [Int]

    /// The tree of `values` (each a list of static ABI values, the same types for all); nil for no values
    /// (OpenZeppelin refuses an empty tree too).
    public init?(values: [[ABIValue]]) {
        guard !values.isEmpty else { return nil }
        let hashed = values.enumerated().map { (index: $0.offset, hash: Self.leafHash($0.element)) }
        let sorted = hashed.sorted { $0.hash.lexicographicallyPrecedes($1.hash) }
        let count = 2 * sorted.count - 1
        var nodes = [[UInt8]](repeating: [], count: count)
        var nodeIndexOfValue = [Int](repeating: 0, count: values.count)
        for (i, leaf) in sorted.enumerated() {
            nodes[count - 1 - i] = leaf.hash
            nodeIndexOfValue[leaf.index] = count - 1 - i
        }
        var i = count - 1 - sorted.count
        while i >= 0 {
            nodes[i] = Self.hashPair(nodes[2 * i + 1], nodes[2 * i + 2])
            i -= 1
        }
        self.nodes = nodes
        self.values = values
        self.nodeIndexOfValue = nodeIndexOfValue
    }

    /// The root, 32 bytes.
    public var root: [UInt8] { nodes[0] }

    /// The leaf hash of `values[index]`.
    public func leaf(_ index: Int) -> [UInt8] { nodes[nodeIndexOfValue[index]] }

    /// The proof of `values[index]`: the siblings from its leaf up to (not including) the root.
    public func proof(_ index: Int) -> [[UInt8]] {
        var proof: [[UInt8]] = []
        var node = nodeIndexOfValue[index]
        while node > 0 {
            // Odd nodes are left children: their sibling is the next node; even ones the previous.
            proof.append(nodes[node % 2 == 1 ? node + 1 : node - 1])
            node = (node - 1) / 2
        }
        return proof
    }

    /// keccak256(keccak256(abi.encode(values))).
    public static func leafHash(_ values: [ABIValue]) -> [UInt8] {
        Keccak256.hash(Keccak256.hash(ABI.encode(values)))
    }

    /// keccak256 of the two hashes in ascending order (OpenZeppelin's `_hashPair`).
    public static func hashPair(_ a: [UInt8], _ b: [UInt8]) -> [UInt8] {
        a.lexicographicallyPrecedes(b) ? Keccak256.hash(a + b) : Keccak256.hash(b + a)
    }

    /// Whether `proof` leads from `leaf` to `root`, as `MerkleProof.verify` decides on chain.
    public static func verify(root: [UInt8], leaf: [UInt8], proof: [[UInt8]]) -> Bool {
        proof.reduce(leaf) { hashPair($0, $1) } == root
    }

    /// Whether `proof` shows `values` in the tree of `root`.
    public static func verify(root: [UInt8], values: [ABIValue], proof: [[UInt8]]) -> Bool {
        verify(root: root, leaf: leafHash(values), proof: proof)
    }
}
