"""Cross-checks the Ethereum module against eth-account, in both directions (Tests/EthereumTests).

Reads a JSON list of cases made and signed by Swift from argv[1]; for each, signs the same message (EIP-191)
and the same prover authorization (EIP-712) with eth-account and recovers the signer of Swift's signatures.
Then makes as many cases of its own (random keys and messages from os.urandom) for Swift to recover.
Writes {"checked": [...], "own": [...]} to argv[2].
"""
import json
import os
import sys

from eth_account import Account
from eth_account.messages import encode_defunct, encode_typed_data
from eth_utils import keccak


def typed(auth):
    return {
        "types": {
            "EIP712Domain": [{"name": "name", "type": "string"}, {"name": "version", "type": "string"}],
            "ProverAuthorization": [
                {"name": "operator", "type": "address"},
                {"name": "proverKey", "type": "bytes32"},
                {"name": "network", "type": "string"},
                {"name": "expiresAt", "type": "uint64"},
                {"name": "nonce", "type": "uint64"},
            ],
        },
        "primaryType": "ProverAuthorization",
        "domain": {"name": "ProverNet", "version": "1"},
        "message": auth,
    }


def hexs(b):
    h = b.hex()
    return h if h.startswith("0x") else "0x" + h


cases = json.load(open(sys.argv[1]))
checked = []
for case in cases:
    account = Account.from_key(bytes.fromhex(case["key"][2:]))
    message = bytes.fromhex(case["message"][2:])
    personal = encode_defunct(message)
    auth = dict(case["authorization"], operator=account.address)
    signable = encode_typed_data(full_message=typed(auth))
    checked.append({
        "address": account.address,
        "keccak": hexs(keccak(message)),
        "personalSignature": hexs(account.sign_message(personal).signature),
        "typedSignature": hexs(account.sign_message(signable).signature),
        "recoveredPersonal": Account.recover_message(personal, signature=bytes.fromhex(case["personalSignature"][2:])),
        "recoveredTyped": Account.recover_message(signable, signature=bytes.fromhex(case["typedSignature"][2:])),
    })

own = []
for i in range(len(cases)):
    account = Account.from_key(os.urandom(32))
    message = os.urandom(1 + i * 7 % 300)
    auth = {
        "operator": account.address,
        "proverKey": hexs(os.urandom(32)),
        "network": "net-%d" % i,
        "expiresAt": int.from_bytes(os.urandom(4), "big"),
        "nonce": int.from_bytes(os.urandom(6), "big"),
    }
    own.append({
        "address": account.address,
        "message": hexs(message),
        "personalSignature": hexs(account.sign_message(encode_defunct(message)).signature),
        "authorization": auth,
        "typedSignature": hexs(account.sign_message(encode_typed_data(full_message=typed(auth))).signature),
    })

json.dump({"checked": checked, "own": own}, open(sys.argv[2], "w"))
