"""Checks Merkle roots and proofs against an independent OpenZeppelin StandardMerkleTree (Tests/EthereumTests,
Tests/NetworkTests).

OpenZeppelin's @openzeppelin/merkle-tree, reimplemented here from its algorithm, with eth-abi and eth-utils'
keccak: leaf = keccak256(keccak256(abi.encode(["address", "uint256"], value))); the leaves sorted by hash; the
tree as one array of 2n-1 nodes with leaf i at index 2n-2-i; each inner node the keccak256 of its two children
in ascending order; a proof checked by folding it with the same sorted-pair hash (MerkleProof.verify).

Reads argv[1]: a JSON list of trees, each {"root": "0x…", "leaves": [{"address", "amount" (decimal string),
"proof": ["0x…"]}]}. Writes argv[2]: {"roots": [our root of each tree's leaves], "accepted": [[whether each
given proof leads from its leaf to the given root]], "proofs": [[our proof of each leaf]]}.
"""
import json
import sys

from eth_abi import encode
from eth_utils import keccak, to_checksum_address


def leaf_hash(address, amount):
    return keccak(keccak(encode(["address", "uint256"], [to_checksum_address(address), int(amount)])))


def hash_pair(a, b):
    return keccak(a + b) if a < b else keccak(b + a)


def build(leaves):
    hashes = [leaf_hash(l["address"], l["amount"]) for l in leaves]
    order = sorted(range(len(hashes)), key=lambda i: hashes[i])
    n = len(hashes)
    tree = [b""] * (2 * n - 1)
    position = {}
    for rank, i in enumerate(order):
        tree[2 * n - 2 - rank] = hashes[i]
        position[i] = 2 * n - 2 - rank
    for k in range(n - 2, -1, -1):
        tree[k] = hash_pair(tree[2 * k + 1], tree[2 * k + 2])
    proofs = []
    for i in range(n):
        k, proof = position[i], []
        while k > 0:
            proof.append(tree[k + 1] if k % 2 == 1 else tree[k - 1])
            k = (k - 1) // 2
        proofs.append(proof)
    return tree[0], proofs


def verify(root, leaf, proof):
    node = leaf
    for step in proof:
        node = hash_pair(node, step)
    return node == root


def h(b):
    return "0x" + b.hex()


trees = json.load(open(sys.argv[1]))
out = {"roots": [], "accepted": [], "proofs": []}
for t in trees:
    root, proofs = build(t["leaves"])
    given = bytes.fromhex(t["root"][2:])
    out["roots"].append(h(root))
    out["proofs"].append([[h(p) for p in proof] for proof in proofs])
    out["accepted"].append(
        [
            verify(given, leaf_hash(l["address"], l["amount"]), [bytes.fromhex(p[2:]) for p in l["proof"]])
            for l in t["leaves"]
        ]
    )
json.dump(out, open(sys.argv[2], "w"))
